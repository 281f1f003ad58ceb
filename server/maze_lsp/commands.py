"""The CLI's subcommands: argument handling and printing around `maze_inference` functions."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


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
    from maze_inference.constraint.corpus import measure, summarise, write_report

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


def corpus_fetch(args: argparse.Namespace) -> int:
    from maze_inference.model.sources import fetch_sources

    fetch_sources(Path(args.dest), tuple(args.only))
    print(f"sources in {args.dest}", file=sys.stderr)
    return 0
