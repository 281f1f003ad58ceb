"""initialize: read `initializationOptions`; must answer at once, so nothing is loaded here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from maze_lsp.options import parse_options

if TYPE_CHECKING:
    from maze_lsp.server import MazeLanguageServer

METHOD = types.INITIALIZE
OPTIONS = None


async def handle(ls: MazeLanguageServer, params: types.InitializeParams) -> None:
    options, problems = parse_options(params.initialization_options)
    ls.state.options = options
    ls.report_settings_problems(problems)
