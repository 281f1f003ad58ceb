"""`python -m maze_lsp` (and `maze lsp`): run the language server on stdio or TCP."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from maze_inference.logs import configure_logging, logging_options


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--tcp", metavar="HOST:PORT", default=None, help="listen on TCP instead of stdio")


def run(args: argparse.Namespace) -> int:
    from maze_lsp.server import create_server

    configure_logging(args.log_level, args.log_file)
    server = create_server()
    if args.tcp:
        host, _, port = args.tcp.rpartition(":")
        server.start_tcp(host or "127.0.0.1", int(port))
    else:
        server.start_io()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="maze lsp", description=__doc__.splitlines()[0], parents=[logging_options()])
    add_arguments(parser)
    return run(parser.parse_args(argv))
