"""`maze`: one command line for the language server, the service, and the tools around them.

Each subcommand imports what it needs when it runs, so `maze lsp` never pays for FastAPI or
matplotlib, and `maze --help` is instant.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence

from maze_lsp import commands

log = logging.getLogger(__name__)

Handler = Callable[[argparse.Namespace], int]


def _add_grammar(sub: argparse._SubParsersAction) -> None:
    grammar = sub.add_parser("grammar", help="check the Lark grammars").add_subparsers(dest="grammar_cmd", required=True)
    check = grammar.add_parser("check", help="check files against a language's grammar")
    check.add_argument("--language", "-l", required=True)
    check.add_argument("--indent", default=None, help="indentation unit (default: detected per file)")
    check.add_argument("files", nargs="+")
    check.set_defaults(func=commands.grammar_check)
    corpus = grammar.add_parser("corpus", help="measure acceptance on the registry corpora")
    corpus.add_argument("--language", "-l", required=True)
    corpus.add_argument("--sources", default=".data/sources", help="where `maze corpus fetch` put the sources")
    corpus.add_argument("--max-files", type=int, default=None)
    corpus.add_argument("--workers", type=int, default=2)
    corpus.add_argument("--limit", type=float, default=60.0, help="seconds per file")
    corpus.add_argument("--report", default=None, help="JSON report path")
    corpus.set_defaults(func=commands.grammar_corpus)


def _add_corpus(sub: argparse._SubParsersAction) -> None:
    corpus = sub.add_parser("corpus", help="registry source corpora").add_subparsers(dest="corpus_cmd", required=True)
    fetch = corpus.add_parser("fetch", help="download the pinned sources (Debian, npm, PyPI)")
    fetch.add_argument("dest", nargs="?", default=".data/sources")
    fetch.add_argument("--only", nargs="*", default=[])
    fetch.set_defaults(func=commands.corpus_fetch)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="maze", description=__doc__.splitlines()[0])
    parser.add_argument("--log-level", default="WARNING", help="DEBUG, INFO, WARNING (logs go to stderr)")
    sub = parser.add_subparsers(dest="command", required=True)
    _add_grammar(sub)
    _add_corpus(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    func: Handler = args.func
    return func(args)


if __name__ == "__main__":
    sys.exit(main())
