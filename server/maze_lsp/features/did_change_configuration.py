"""workspace/didChangeConfiguration: re-read settings (pushed or pulled) and rebuild engines if needed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from maze_lsp.workspace_index import folders

if TYPE_CHECKING:
    from maze_lsp.language_server import MazeLanguageServer

METHOD = types.WORKSPACE_DID_CHANGE_CONFIGURATION
OPTIONS = None


async def handle(ls: MazeLanguageServer, params: types.DidChangeConfigurationParams) -> None:
    if isinstance(params.settings, dict) and params.settings:
        ls.apply_settings(params.settings)
    else:
        await ls.pull_configuration()
    await ls.state.engines.configure(ls.state.options.engine_settings())
    ls.state.workspace.configure(folders(ls.workspace), ls.state.options, ls.begin_progress)
