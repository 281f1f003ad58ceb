"""`maze`: one command line for the language server, the service, and the workshop around them.

It sits above everything (runtime, server, service, workshop) and dispatches to each one's own entry
point. Each subcommand imports what it needs when it runs, so `maze lsp` never pays for FastAPI or
matplotlib, and `maze --help` is instant. Every subcommand accepts `--log-level`/`--log-file`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from maze_inference.logs import configure_logging, logging_options

from maze_workshop import commands

Handler = Callable[[argparse.Namespace], int]
_LOGGING = logging_options(defaults=False)


def _add_grammar(sub: argparse._SubParsersAction) -> None:
    grammar = sub.add_parser("grammar", help="check the Lark grammars").add_subparsers(dest="grammar_cmd", required=True)
    check = grammar.add_parser("check", help="check files against a language's grammar", parents=[_LOGGING])
    check.add_argument("--language", "-l", required=True)
    check.add_argument("--indent", default=None, help="indentation unit (default: detected per file)")
    check.add_argument("files", nargs="+")
    check.set_defaults(func=commands.grammar_check)
    corpus = grammar.add_parser("corpus", help="measure acceptance on the registry corpora", parents=[_LOGGING])
    corpus.add_argument("--language", "-l", required=True)
    corpus.add_argument("--sources", default=".data/sources-v2/v1",
                        help="where `maze corpus fetch` put the v1 sources (DEST/v1)")
    corpus.add_argument("--max-files", type=int, default=None)
    corpus.add_argument("--workers", type=int, default=2)
    corpus.add_argument("--limit", type=float, default=60.0, help="seconds per file")
    corpus.add_argument("--report", default=None, help="JSON report path")
    corpus.set_defaults(func=commands.grammar_corpus)
    fuzz = grammar.add_parser("fuzz", help="a random model generates under the grammar; count what tree-sitter rejects",
                              parents=[_LOGGING])
    fuzz.add_argument("--language", "-l", action="append", required=True, help="a language, repeatable, or `all`")
    fuzz.add_argument("--generations", type=int, default=10_000, help="generations per language")
    fuzz.add_argument("--seed", type=int, default=0)
    fuzz.add_argument("--max-tokens", type=int, default=20)
    fuzz.add_argument("--examples", type=int, default=20, help="failures kept per language and cause in the JSON")
    fuzz.add_argument("--join", default="engine", choices=("engine", "window", "strict"),
                      help="end check: the engines' (engine: the grammar's suffix window, then the final "
                           "check), the grammar's window alone (window), or the grammar accepting the whole "
                           "rest (strict)")
    fuzz.add_argument("--json", default=None, help="JSON report path")
    fuzz.set_defaults(func=commands.grammar_fuzz)


def _add_corpus(sub: argparse._SubParsersAction) -> None:
    corpus = sub.add_parser("corpus", help="registry source corpora").add_subparsers(dest="corpus_cmd", required=True)
    fetch = corpus.add_parser("fetch", help="download the pinned packages (Debian, npm, PyPI) and the v1 sources",
                              parents=[_LOGGING])
    fetch.add_argument("dest", nargs="?", default=".data/sources-v2")
    fetch.add_argument("--only", nargs="*", default=[], help="v1 sources by name (then no pinned packages)")
    fetch.add_argument("--registries", default="debian,npm,pypi", help="pinned registries to fetch ('' for none)")
    fetch.add_argument("--workers", type=int, default=3)
    fetch.add_argument("--heldout", default=None, metavar="DIR",
                       help="instead: fetch the held-out REALCODE packages into DIR (for the realcode benchmark)")
    fetch.set_defaults(func=commands.corpus_fetch)
    for name, module, text in (
            ("pin", "maze_workshop.corpus.pins", "discover and pin the registry packages (writes corpus/pins/*.tsv)"),
            ("build", "maze_workshop.corpus.build", "select, clean, decontaminate, dedupe and split the packages"),
            ("pack", "maze_workshop.corpus.pack", "write the GPU training pack (maze-train-pack/2) in staging pieces"),
            ("retrieve", "maze_workshop.corpus.retrieved",
             "repository examples with the language server's retrieval at cursors of the pack's files")):
        step = corpus.add_parser(name, help=text, add_help=False)
        step.set_defaults(func=commands.forward, module=module, prefix=["build"] if name == "build" else [])


def _add_model(sub: argparse._SubParsersAction) -> None:
    """The model pipeline's own CLIs (`python -m maze_inference.model.X`), reachable as `maze model X`."""
    model = sub.add_parser("model", help="tokenizer, training (GPU) and ONNX export").add_subparsers(
        dest="model_cmd", required=True)
    for name, text in (("tokenizer", "train the BPE tokenizer"), ("train", "train the model (needs torch)"),
                       ("export", "HF checkpoint -> int8 ONNX with KV cache (needs torch)")):
        step = model.add_parser(name, help=text, add_help=False)
        step.set_defaults(func=commands.forward, module=f"maze_workshop.model.{name}", prefix=[])


def _add_lsp(sub: argparse._SubParsersAction) -> None:
    from maze_lsp import main as lsp_main

    lsp = sub.add_parser("lsp", help="run the language server (stdio by default)", parents=[_LOGGING])
    lsp_main.add_arguments(lsp)
    lsp.set_defaults(func=lsp_main.run)


def _add_complete(sub: argparse._SubParsersAction) -> None:
    complete = sub.add_parser("complete", help="complete at PATH:LINE:COL (1-based) and print the result", parents=[_LOGGING])
    complete.add_argument("location", metavar="PATH:LINE:COL")
    complete.add_argument("--json", action="store_true", help="print JSON with timings")
    complete.add_argument("--model", default=None, help="model folder (default: the shipped model)")
    complete.add_argument("--engine", default="embedded", choices=("embedded", "transformers", "remote"))
    complete.add_argument("--endpoint", default=None, help="remote engine URL")
    complete.add_argument("--max-tokens", type=int, default=48)
    complete.add_argument("--mode", default="auto", choices=("auto", "line", "block"))
    complete.add_argument("--unconstrained", action="store_true", help="no grammar constraint (for comparison)")
    complete.set_defaults(func=commands.complete)


def _add_serve(sub: argparse._SubParsersAction) -> None:
    from maze_inference.service import main as service_main

    serve = sub.add_parser("serve", help="run the HTTP inference service (needs the `service` extra)", parents=[_LOGGING])
    service_main.add_arguments(serve)
    serve.set_defaults(func=service_main.run)


def _add_doctor(sub: argparse._SubParsersAction) -> None:
    doctor = sub.add_parser("doctor", help="check the installation offline; non-zero exit on a problem", parents=[_LOGGING])
    doctor.add_argument("--model", default=None)
    doctor.set_defaults(func=commands.doctor)


def _add_generate(sub: argparse._SubParsersAction) -> None:
    generate = sub.add_parser("generate", help="description -> JSON IR -> code, constrained and validated", parents=[_LOGGING])
    generate.add_argument("description")
    generate.add_argument("--language", "-l", required=True)
    generate.add_argument("--model", default=None)
    generate.add_argument("--json", action="store_true", help="print the IR, the code and timings as JSON")
    generate.set_defaults(func=commands.generate)


def _add_bench(sub: argparse._SubParsersAction) -> None:
    bench = sub.add_parser("bench", help="benchmarks (numbers beside a baseline from the same run)", parents=[_LOGGING])
    kinds = bench.add_subparsers(dest="bench_cmd", required=True)
    constraint = kinds.add_parser("constraint", help="per-token grammar cost; tokens/s constrained vs not", parents=[_LOGGING])
    constraint.add_argument("--per-language", type=int, default=12, help="cursor positions per language")
    constraint.add_argument("--model", default=None)
    constraint.add_argument("--seed", type=int, default=0)
    constraint.add_argument("--json", default=".bench/constraint.json", help="where to write the JSON result")
    constraint.set_defaults(func=commands.bench_constraint)
    latency = kinds.add_parser("latency", help="server overhead (no model) and keystroke -> ghost text over stdio", parents=[_LOGGING])
    latency.add_argument("--positions", type=int, default=100, help="cursor positions per language and file size")
    latency.add_argument("--rounds", type=int, default=3, help="typing rounds through the real server")
    latency.add_argument("--model", default=None)
    latency.add_argument("--json", default=".bench/latency.json")
    latency.set_defaults(func=commands.bench_latency)
    quality = kinds.add_parser("quality", help="completion quality: constrained vs unconstrained vs truncation",
                               parents=[_LOGGING])
    quality.add_argument("--tasks", default="single", choices=("single", "multi", "span", "all", "realcode", "crossfile"),
                         help="HumanEval-infilling suites, `realcode` (held-out packages), or `crossfile` (names from "
                              "other files of held-out packages, with and without repository context, beside realcode)")
    quality.add_argument("--limit", type=int, default=None, help="HumanEval tasks per suite (random subsample)")
    quality.add_argument("--per-kind", type=int, default=40,
                         help="realcode/crossfile: positions per language and kind")
    quality.add_argument("--languages", default=None, help="realcode: comma-separated languages (default: all five)")
    quality.add_argument("--seed", type=int, default=0)
    quality.add_argument("--data", default=None, help="HumanEval: folder with the .jsonl.gz files; "
                         "realcode: the held-out sources (default .data/heldout)")
    quality.add_argument("--model", default=None)
    quality.add_argument("--baseline-model", default=None,
                         help="also run the same tasks with this model folder in the same run (e.g. the previous model)")
    quality.add_argument("--max-tokens", type=int, default=64)
    quality.add_argument("--allow-unsandboxed", action="store_true",
                         help="run the generated programs' tests even where bubblewrap is missing "
                              "(resource limits only: no network, file or process isolation)")
    quality.add_argument("--json", default=".bench/quality.json")
    quality.set_defaults(func=commands.bench_quality)
    service = kinds.add_parser("service", help="concurrency sweep 1..32 against maze serve (loopback)", parents=[_LOGGING])
    service.add_argument("--endpoint", default=None, help="default: start a local maze serve for the run")
    service.add_argument("--levels", default="1,2,4,8,16,32")
    service.add_argument("--requests", type=int, default=16, help="requests per level (at least 2x the concurrency)")
    service.add_argument("--max-tokens", type=int, default=16)
    service.add_argument("--json", default=".bench/service.json")
    service.set_defaults(func=commands.bench_service)
    retrieval = kinds.add_parser("retrieval", help="repository context: index build, memory, retrieval latency, "
                                 "completions during the build", parents=[_LOGGING])
    retrieval.add_argument("--files", type=int, default=2000, help="size of the synthetic workspace")
    retrieval.add_argument("--root", default=None, help="a real folder to index instead of the synthetic workspace")
    retrieval.add_argument("--positions", type=int, default=500, help="cursors retrieval runs at")
    retrieval.add_argument("--budget", type=int, default=512, help="context budget in tokens")
    retrieval.add_argument("--rounds", type=int, default=2, help="rounds of completions with and without a build (0: skip)")
    retrieval.add_argument("--per-round", type=int, default=8, help="completions per round and setting")
    retrieval.add_argument("--seed", type=int, default=0)
    retrieval.add_argument("--json", default=".bench/retrieval.json")
    retrieval.set_defaults(func=commands.bench_retrieval)
    report = kinds.add_parser("report", help="docs/benchmarks.md and plots from the JSON results", parents=[_LOGGING])
    report.add_argument("--results", nargs="*", default=[".bench", "docs/results"])
    report.add_argument("--out", default="docs/benchmarks.md")
    report.set_defaults(func=commands.bench_report)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="maze", description=__doc__.splitlines()[0], parents=[logging_options()])
    sub = parser.add_subparsers(dest="command", required=True)
    _add_lsp(sub)
    _add_complete(sub)
    _add_serve(sub)
    _add_doctor(sub)
    _add_generate(sub)
    _add_grammar(sub)
    _add_corpus(sub)
    _add_model(sub)
    _add_bench(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if getattr(args, "module", None):
        args.args = extra  # forwarded to the module's own parser, `--help` included
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if args.command not in ("lsp", "serve"):  # those configure logging in their own entry points
        configure_logging(args.log_level, args.log_file)
    func: Handler = args.func
    return func(args)


if __name__ == "__main__":
    sys.exit(main())
