"""initialize: read `initializationOptions`; must answer at once, so nothing is loaded here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

if TYPE_CHECKING:
    from maze_lsp.language_server import MazeLanguageServer

METHOD = types.INITIALIZE
OPTIONS = None


async def handle(ls: MazeLanguageServer, params: types.InitializeParams) -> None:
    ls.apply_settings(params.initialization_options)
