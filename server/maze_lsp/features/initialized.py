"""initialized: ask for workspace settings, then start loading the engine in the background."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

if TYPE_CHECKING:
    from maze_lsp.language_server import MazeLanguageServer

METHOD = types.INITIALIZED
OPTIONS = None


async def handle(ls: MazeLanguageServer, params: types.InitializedParams) -> None:
    await ls.pull_configuration()
    await ls.state.engines.configure(ls.state.options.engine_settings())
