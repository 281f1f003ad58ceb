"""shutdown: stop generation and release the engines before the client sends `exit`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

if TYPE_CHECKING:
    from maze_lsp.language_server import MazeLanguageServer

METHOD = types.SHUTDOWN
OPTIONS = None


async def handle(ls: MazeLanguageServer, params: None) -> None:
    for task in ls.state.inflight.values():
        task.cancel()
    await ls.state.engines.close()
    await ls.state.workspace.close()
