"""initialized: report the load that `initialize` started, ask for the workspace settings, index the
workspace in the background, and ask to be told about changed files.

Reporting first: the editor may take seconds to answer `workspace/configuration` while it starts up,
and the status bar should say `loading` meanwhile, and `ready` when the model is, not after the answer.
A pulled setting that differs from `initializationOptions` reconfigures then.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from maze_lsp.features import did_change_watched_files
from maze_lsp.workspace_index import folders

if TYPE_CHECKING:
    from maze_lsp.language_server import MazeLanguageServer

METHOD = types.INITIALIZED
OPTIONS = None


async def handle(ls: MazeLanguageServer, params: types.InitializedParams) -> None:
    await ls.state.engines.configure(ls.state.options.engine_settings())
    await ls.pull_configuration()
    await ls.state.engines.configure(ls.state.options.engine_settings())
    ls.state.workspace.configure(folders(ls.workspace), ls.state.options, ls.begin_progress)
    await did_change_watched_files.register(ls)
