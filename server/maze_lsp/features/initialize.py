"""initialize: read `initializationOptions`, start loading the model, watch the client process.

It must answer at once, so the model loads in the background; nothing is reported to the editor
before `initialized` (the spec allows no notifications before the answer).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from lsprotocol import types

from maze_lsp import lifeline
from maze_lsp.features import shutdown

if TYPE_CHECKING:
    from maze_lsp.language_server import MazeLanguageServer

METHOD = types.INITIALIZE
OPTIONS = None


async def handle(ls: MazeLanguageServer, params: types.InitializeParams) -> None:
    ls.apply_settings(params.initialization_options)
    await ls.state.engines.configure(ls.state.options.engine_settings(), report=False)
    if params.process_id is not None and ls.state.lifeline is None:
        release = lambda: shutdown.handle(ls, None)
        watch = lifeline.watch_client(params.process_id, lambda: lifeline.release_and_exit(release))
        ls.state.lifeline = asyncio.create_task(watch, name="maze-lifeline")
