"""initialized: report the load that `initialize` started, then ask for the workspace settings.

Reporting first: the editor may take seconds to answer `workspace/configuration` while it starts up,
and the status bar should say `loading` meanwhile, and `ready` when the model is, not after the answer.
A pulled setting that differs from `initializationOptions` reconfigures then.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

if TYPE_CHECKING:
    from maze_lsp.language_server import MazeLanguageServer

METHOD = types.INITIALIZED
OPTIONS = None


async def handle(ls: MazeLanguageServer, params: types.InitializedParams) -> None:
    await ls.state.engines.configure(ls.state.options.engine_settings())
    await ls.pull_configuration()
    await ls.state.engines.configure(ls.state.options.engine_settings())
