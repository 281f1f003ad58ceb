"""The CLI's subcommands: argument handling and printing around `maze_inference` functions."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import shlex
import sys
from pathlib import Path

log = logging.getLogger(__name__)


def _parse_location(location: str) -> tuple[Path, int, int]:
    try:
        path, line, col = location.rsplit(":", 2)
        return Path(path), int(line), int(col)
    except ValueError:
        raise SystemExit(f"maze complete: expected PATH:LINE:COL (1-based), got {location!r}") from None


def complete(args: argparse.Namespace) -> int:
    from maze_inference.document import Document, Position
    from maze_inference.engines import EngineSettings, create_engine
    from maze_inference.errors import MazeError
    from maze_inference.languages import language_for_path
    from maze_inference.pipeline import CompletionSettings, complete_at

    path, line, col = _parse_location(args.location)
    try:
        language = language_for_path(path)
        text = path.read_text(encoding="utf-8")
        document = Document(language, text)
        if not 1 <= line <= document.line_count:
            raise SystemExit(f"maze complete: line {line} is outside 1..{document.line_count}")
        line_text = document.line_text(line - 1)
        if not 1 <= col <= len(line_text) + 1:
            raise SystemExit(f"maze complete: column {col} is outside 1..{len(line_text) + 1} on line {line}")
        offset = document.offset_at(Position(line - 1, 0)) + col - 1  # columns count characters
        engine = create_engine(EngineSettings(engine=args.engine, model_path=args.model, endpoint=args.endpoint))
        settings = CompletionSettings(max_tokens=args.max_tokens, mode=args.mode, constrained=not args.unconstrained,
                                      timeout_s=None, fallback=not args.unconstrained)
        result = asyncio.run(complete_at(engine, language, document.text, document.source, document.tree, offset, settings))
    except (MazeError, OSError, UnicodeDecodeError) as exc:
        print(f"maze complete: {exc}", file=sys.stderr)
        return 1
    if args.json:
        r = result.result
        print(json.dumps({
            "text": result.text,
            "dropped": result.dropped.value if result.dropped else None,
            "origin": result.origin.value if result.origin else None,
            "breaks": [b.value for b in result.breaks],
            "language": language.id,
            "mode": result.context.mode.value,
            "level": r.level.value if r else None,
            "finish_reason": r.finish_reason.value if r else None,
            "prompt_tokens": r.prompt_tokens if r else 0,
            "completion_tokens": r.completion_tokens if r else 0,
            "timings_ms": {**(r.timings.__dict__ if r else {}), "context_ms": result.context_ms,
                           "validate_ms": result.validate_ms},
        }, indent=2))
    elif result.text is not None:
        print(result.text)
    else:
        print(f"(no completion: {result.dropped.value if result.dropped else 'none'})", file=sys.stderr)
    return 0


def generate(args: argparse.Namespace) -> int:
    import dataclasses
    import time

    from maze_inference.codegen import generate_from_description
    from maze_inference.engines.embedded import EmbeddedEngine
    from maze_inference.errors import MazeError
    from maze_inference.languages import get_language

    started = time.perf_counter()
    try:
        language = get_language(args.language)
        ir, code = asyncio.run(generate_from_description(EmbeddedEngine(args.model), language, args.description))
    except MazeError as exc:
        print(f"maze generate: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps({"language": language.id, "ir": dataclasses.asdict(ir), "code": code,
                          "seconds": round(time.perf_counter() - started, 3)}, indent=2))
    else:
        print(code)
    return 0


def doctor(args: argparse.Namespace) -> int:
    from maze_workshop.doctor import run_checks

    return run_checks(args.model)


def grammar_check(args: argparse.Namespace) -> int:
    from maze_inference.constraint.check import Verdict, check_bytes, describe_offset
    from maze_inference.constraint.grammars import GrammarVariant
    from maze_inference.context import detect_indent_unit
    from maze_inference.languages import get_language

    lang = get_language(args.language)
    accepted = rejected = 0
    for name in args.files:
        data = Path(name).read_bytes()
        indent = args.indent or detect_indent_unit(data.decode("utf-8", "replace"))
        result = check_bytes(GrammarVariant(lang.grammar, indent_unit=indent), data)
        if result.verdict is Verdict.ACCEPTED:
            accepted += 1
            continue
        rejected += 1
        if result.verdict is Verdict.PREFIX:
            print(f"{name}: rejected at byte {len(data)} (end of file: incomplete)")
        else:
            assert result.offset is not None
            print(f"{name}: rejected at byte {result.offset} ({describe_offset(data, result.offset)})")
    print(f"{accepted} accepted, {rejected} rejected")
    return 1 if rejected else 0


def grammar_corpus(args: argparse.Namespace) -> int:
    from maze_workshop.corpus.grammar_acceptance import measure, summarise, write_report

    outcomes = measure(args.language, Path(args.sources), limit_s=args.limit, workers=args.workers,
                       max_files=args.max_files)
    for o in sorted(outcomes, key=lambda o: o.path):
        if o.verdict not in ("accepted", "skipped"):
            where = f" at byte {o.offset}" if o.offset is not None else ""
            print(f"{o.path}: {o.verdict}{where}")
    summary = summarise(outcomes)
    print(" ".join(f"{k}={v}" for k, v in summary.items()))
    if args.report:
        write_report(outcomes, Path(args.report))
    return 0 if summary["rejected"] == 0 else 1


def grammar_fuzz(args: argparse.Namespace) -> int:
    from maze_workshop import grammar_fuzz
    from maze_workshop.bench.report import write_json

    names = grammar_fuzz.all_language_ids() if "all" in args.language else args.language
    reports = grammar_fuzz.fuzz(names, args.generations, seed=args.seed, examples=args.examples,
                                max_tokens=args.max_tokens, join=args.join, progress=True)
    print(grammar_fuzz.format_table(reports))
    if args.json:
        path = write_json(args.json, "grammar_fuzz", _command_line(), {"languages": [r.as_json() for r in reports]})
        print(f"results: {path}", file=sys.stderr)
    # exit status: 1 when the grammar's own over-acceptance (not the decoder's ends) reaches the target
    grammar_rates = [r.levels["file"].rate_grammar for r in reports if r.levels["file"].generations]
    return 0 if all(rate < grammar_fuzz.THRESHOLD for rate in grammar_rates) else 1


def forward(args: argparse.Namespace) -> int:
    """Run a module's own `main(argv)` (the model pipeline keeps its CLIs next to its code)."""
    import importlib

    return int(importlib.import_module(args.module).main([*args.prefix, *args.args]) or 0)


def corpus_fetch(args: argparse.Namespace) -> int:
    from maze_workshop.corpus.sources import SOURCES, fetch_sources

    if args.heldout:
        from maze_workshop.corpus.heldout import fetch_heldout

        for name, folder in fetch_heldout(Path(args.heldout)).items():
            print(f"{name}\t{folder}")
        return 0
    dest = Path(args.dest)
    if args.only:
        fetch_sources(dest / "v1", tuple(args.only))
        print(f"sources in {dest / 'v1'}", file=sys.stderr)
        return 0
    from maze_workshop.corpus.registry_fetch import fetch_all

    fetch_sources(dest / "v1", tuple(s.name for s in SOURCES))
    registries = [r for r in args.registries.split(",") if r]
    pins = fetch_all(dest, registries, workers=args.workers) if registries else []
    print(f"v1 sources and {len(pins)} pinned packages in {dest}", file=sys.stderr)
    return 0


def bench_constraint(args: argparse.Namespace) -> int:
    from maze_inference.constraint.cursor import ConstraintBackend
    from maze_inference.engines.embedded import EmbeddedEngine
    from maze_inference.tokenization import load_tokenizer

    from maze_workshop.bench import constraint
    from maze_workshop.bench.report import write_json

    engine = EmbeddedEngine(args.model)
    backend = ConstraintBackend(load_tokenizer(str(engine.model_dir / "tokenizer.json")))
    result = constraint.run(engine, backend, args.per_language, args.seed)
    print(constraint.format_table(result))
    path = write_json(args.json, "constraint", _command_line(), result)
    print(f"results: {path}", file=sys.stderr)
    return 0


def _bench_engine(model: str | None):  # type: ignore[no-untyped-def]
    from maze_inference.engines.embedded import EmbeddedEngine

    return EmbeddedEngine(model)


def bench_latency(args: argparse.Namespace) -> int:
    from maze_workshop.bench import latency
    from maze_workshop.bench.report import write_json

    result = latency.run(latency.default_backend(args.model), args.positions, args.rounds)
    print(latency.format_table(result))
    print(f"results: {write_json(args.json, 'latency', _command_line(), result)}", file=sys.stderr)
    return 0


def bench_quality(args: argparse.Namespace) -> int:
    from maze_workshop.bench import crossfile, quality, realcode, tasks
    from maze_workshop.bench.report import write_json

    languages = tuple(args.languages.split(",")) if args.languages else realcode.REALCODE_LANGUAGES
    root = Path(args.data or ".data/heldout")
    decoders = quality.DECODERS
    recall = None
    if args.tasks == "realcode":
        work = realcode.realcode_tasks(root, args.per_kind, args.seed, languages)
    elif args.tasks == "crossfile":  # cross-file positions, and same-file ones to show context does not hurt
        cross = crossfile.crossfile_tasks(root, args.per_kind, args.seed, languages)
        work = cross + crossfile.with_repositories(realcode.realcode_tasks(root, args.per_kind, args.seed, languages), root)
        decoders = ("constrained", "unconstrained")
        recall = crossfile.context_recall(cross)
    else:
        kinds = list(tasks.FILES) if args.tasks == "all" else [args.tasks]
        work = tasks.humaneval_tasks(tasks.find_data(args.data), kinds, args.limit, args.seed)
    result = quality.evaluate(_bench_engine(args.model), work, max_tokens=args.max_tokens, decoders=decoders,
                              allow_unsandboxed=args.allow_unsandboxed)
    if args.baseline_model:  # the same tasks with another model, in the same run (e.g. v1 beside v2)
        baseline = quality.evaluate(_bench_engine(args.baseline_model), work, max_tokens=args.max_tokens,
                                    decoders=decoders, allow_unsandboxed=args.allow_unsandboxed)
        result["baseline"] = {"model": args.baseline_model, "summary": baseline["summary"], "rows": baseline["rows"]}
    if recall is not None:
        result["context_recall"] = recall
        print("needed name in the repository context (retrieval alone): "
              + ", ".join(f"{language} {share:.0%}" for language, share in recall.items()))
    print(quality.format_table(result))  # with the baseline model's table, when there is one
    print(f"results: {write_json(args.json, 'quality', _command_line(), result)}", file=sys.stderr)
    return 0


def bench_retrieval(args: argparse.Namespace) -> int:
    from maze_workshop.bench import retrieval
    from maze_workshop.bench.report import write_json

    result = retrieval.run(args.files, args.positions, args.budget, args.rounds, args.per_round, args.root, args.seed)
    print(retrieval.format_report(result))
    print(f"results: {write_json(args.json, 'retrieval', _command_line(), result)}", file=sys.stderr)
    return 0


def bench_service(args: argparse.Namespace) -> int:
    from maze_workshop.bench import service
    from maze_workshop.bench.report import write_json

    levels = tuple(int(x) for x in args.levels.split(","))
    result = service.sweep(args.endpoint, levels, args.requests, args.max_tokens)
    print(service.format_table(result))
    print(f"results: {write_json(args.json, 'service', _command_line(), result)}", file=sys.stderr)
    return 0


def bench_report(args: argparse.Namespace) -> int:
    from maze_inference.engines.embedded import default_model_dir

    from maze_workshop import model_summary
    from maze_workshop.bench.markdown import build_report

    path = build_report([Path(p) for p in args.results], Path(args.out))
    print(f"wrote {path}", file=sys.stderr)
    for doc in model_summary.update(path.parent, default_model_dir()):
        print(f"updated the model summary in {doc}", file=sys.stderr)
    return 0


def _command_line() -> str:
    """The command as a reader would type it: `maze ...`, not this machine's path to the script."""
    return shlex.join(["maze", *sys.argv[1:]])
