"""Logging set-up shared by the language server and the service: stderr or a file, never user code."""

from __future__ import annotations

import argparse
import logging
import os
import sys

# These libraries log whole request bodies (the user's code) at INFO/DEBUG.
_CHATTY = ("pygls", "httpx", "httpcore")


def logging_options(*, defaults: bool = True) -> argparse.ArgumentParser:
    """`--log-level` / `--log-file` as an argparse parent, so every command line accepts them after the subcommand.

    `defaults=False` for a subcommand's copy: argparse lets a subparser's defaults overwrite what was
    given before the subcommand (`maze --log-level DEBUG lsp`), so that copy sets nothing unless given.
    """
    default = None if defaults else argparse.SUPPRESS
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--log-level", default=default, help="DEBUG, INFO, WARNING (default WARNING)")
    parent.add_argument("--log-file", default=default, help="write logs here instead of stderr")
    return parent


def configure_logging(level: str | None, log_file: str | None = None) -> None:
    """Logs go to stderr (stdout may carry the protocol) or a file.

    Libraries that log message bodies stay at WARNING unless MAZE_LOG_USER_CODE=1 is set deliberately.
    """
    handler: logging.Handler = logging.FileHandler(log_file) if log_file else logging.StreamHandler(sys.stderr)
    logging.basicConfig(level=(level or "WARNING").upper(), handlers=[handler], force=True,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if os.environ.get("MAZE_LOG_USER_CODE") != "1":
        for name in _CHATTY:
            logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLogger().level))
