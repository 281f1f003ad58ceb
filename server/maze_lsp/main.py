"""`python -m maze_lsp` (and `maze lsp`): run the language server on stdio or TCP."""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping, Sequence

from maze_inference.logs import configure_logging, logging_options

TOKEN_ENVS_VARIABLE = "MAZE_TOKEN_ENVS"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--tcp", metavar="HOST:PORT", default=None, help="listen on TCP instead of stdio")
    parser.add_argument("--allow-token-env", metavar="NAME", action="append", default=[],
                        help="an environment variable the `tokenEnv` setting may name for the remote engine's "
                             "token, besides MAZE_API_KEY (repeatable; also MAZE_TOKEN_ENVS=A,B)")


def allowed_token_envs(names: Sequence[str], environ: Mapping[str, str] = os.environ) -> frozenset[str]:
    """MAZE_API_KEY, the names given on the command line, and those in MAZE_TOKEN_ENVS.

    Only the user sets these (the editor's server command, the shell's environment); workspace
    settings cannot, so a cloned repository cannot make the server read another secret.
    """
    from maze_lsp.options import DEFAULT_TOKEN_ENVS

    listed = [n.strip() for n in environ.get(TOKEN_ENVS_VARIABLE, "").split(",") if n.strip()]
    return DEFAULT_TOKEN_ENVS | frozenset(names) | frozenset(listed)


def run(args: argparse.Namespace) -> int:
    from maze_lsp.server import create_server

    configure_logging(args.log_level, args.log_file)
    server = create_server(allowed_token_envs(args.allow_token_env))
    if args.tcp:
        host, _, port = args.tcp.rpartition(":")
        return server.start_tcp(host or "127.0.0.1", int(port))
    return server.start_io()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="maze lsp", description=__doc__.splitlines()[0], parents=[logging_options()])
    add_arguments(parser)
    return run(parser.parse_args(argv))
