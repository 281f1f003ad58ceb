"""workspace/didChangeWatchedFiles: files created, changed or deleted outside the editor (a `git
checkout`, a formatter, a code generator) update the workspace index. Registered dynamically after
`initialized`, for the source files of the five languages, when the client supports it."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from lsprotocol import types
from maze_inference.languages import LANGUAGES

if TYPE_CHECKING:
    from maze_lsp.language_server import MazeLanguageServer

METHOD = types.WORKSPACE_DID_CHANGE_WATCHED_FILES
OPTIONS = None
REGISTRATION_ID = "maze-watched-files"

log = logging.getLogger(__name__)


async def register(ls: MazeLanguageServer) -> None:
    capabilities = ls.client_capabilities
    watched = capabilities.workspace.did_change_watched_files if capabilities and capabilities.workspace else None
    if not (watched and watched.dynamic_registration):
        return
    extensions = ",".join(sorted({ext.lstrip(".") for lang in LANGUAGES for ext in lang.extensions}))
    options = types.DidChangeWatchedFilesRegistrationOptions(
        watchers=[types.FileSystemWatcher(glob_pattern=f"**/*.{{{extensions}}}")])
    try:
        await ls.client_register_capability_async(types.RegistrationParams(
            registrations=[types.Registration(id=REGISTRATION_ID, method=METHOD, register_options=options)]))
    except Exception:  # the index then follows open documents only
        log.info("the client did not register file watching", exc_info=True)


async def handle(ls: MazeLanguageServer, params: types.DidChangeWatchedFilesParams) -> None:
    ls.state.workspace.files_changed([(c.uri, c.type == types.FileChangeType.Deleted) for c in params.changes])
