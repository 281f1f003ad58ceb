"""initialize: read `initializationOptions`, start loading the model, watch the client process.

It must answer at once, so the model loads in the background; nothing is reported to the editor
before `initialized` (the spec allows no notifications before the answer).
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from lsprotocol import types

from maze_lsp import lifeline
from maze_lsp.features import shutdown

if TYPE_CHECKING:
    from maze_lsp.language_server import MazeLanguageServer

log = logging.getLogger(__name__)

METHOD = types.INITIALIZE
OPTIONS = None


async def handle(ls: MazeLanguageServer, params: types.InitializeParams) -> None:
    ls.apply_settings(params.initialization_options)
    await ls.state.engines.configure(ls.state.options.engine_settings(), report=False)
    if params.process_id is None or ls.state.lifeline is not None:
        return
    if not lifeline.process_alive(params.process_id):  # another machine's or container's pid: nothing to watch
        log.info("client process %d is not visible from here; not watching it", params.process_id)
        return
    watch = lifeline.watch_client(params.process_id,
                                  lambda: lifeline.release_and_exit(lambda: shutdown.handle(ls, None)))
    ls.state.lifeline = asyncio.create_task(watch, name="maze-lifeline")
