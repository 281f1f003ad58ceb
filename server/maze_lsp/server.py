"""The dispatch table: the single place where LSP methods are registered (like ruff's `api.rs`).

`FEATURES` lists one module per method; each holds `METHOD`, `OPTIONS` and `handle(ls, params)`.
Everything else a handler needs is on `ls.state` (`language_server.py`).
"""

from __future__ import annotations

from types import ModuleType

from maze_lsp.features import (
    code_action,
    code_action_resolve,
    completion,
    context_command,
    did_change,
    did_change_configuration,
    did_change_watched_files,
    did_close,
    did_open,
    generate_command,
    initialize,
    initialized,
    inline_completion,
    shutdown,
)
from maze_lsp.language_server import MazeLanguageServer
from maze_lsp.options import DEFAULT_TOKEN_ENVS

FEATURES: tuple[ModuleType, ...] = (
    initialize,
    initialized,
    shutdown,
    did_open,
    did_change,
    did_close,
    did_change_configuration,
    did_change_watched_files,
    completion,
    inline_completion,
    code_action,
    code_action_resolve,
)
COMMANDS: tuple[ModuleType, ...] = (generate_command, context_command)


def create_server(allowed_token_envs: frozenset[str] = DEFAULT_TOKEN_ENVS) -> MazeLanguageServer:
    server = MazeLanguageServer(allowed_token_envs)
    for feature in FEATURES:
        server.feature(feature.METHOD, feature.OPTIONS)(feature.handle)
    for command in COMMANDS:
        server.command(command.COMMAND)(command.handle)
    return server
