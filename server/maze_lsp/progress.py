"""Work-done progress (`$/progress`): what the server is doing while the user waits for it.

Generating a function body takes seconds on a CPU, and loading a model takes a moment: without a
sign of life the user cannot tell working from stuck. A `WorkDone` is one progress in the client
(VS Code shows it in the status bar, Neovim in `vim.lsp.status()`), on the client's own token when
the request carried one, else on a token the server creates; for a client that supports neither it
does nothing, so callers never check.
"""

from __future__ import annotations

import logging
import uuid
from typing import TYPE_CHECKING

from lsprotocol import types

if TYPE_CHECKING:
    from pygls.lsp.server import LanguageServer

log = logging.getLogger(__name__)


class WorkDone:
    def __init__(self, server: LanguageServer | None, token: types.ProgressToken | None) -> None:
        self._server = server
        self._token = token

    @classmethod
    async def begin(cls, server: LanguageServer, title: str, message: str | None = None,
                    token: types.ProgressToken | None = None) -> WorkDone:
        """Start a progress titled `title`; `token` is the client's `workDoneToken`, if it sent one."""
        if token is None:
            capabilities = server.client_capabilities
            if not (capabilities and capabilities.window and capabilities.window.work_done_progress):
                return cls(None, None)
            token = f"maze-{uuid.uuid4().hex[:8]}"
            try:
                await server.work_done_progress.create_async(token)
            except Exception:  # the client refused or failed: progress is optional
                log.debug("client did not accept a progress token", exc_info=True)
                return cls(None, None)
        server.work_done_progress.begin(token, types.WorkDoneProgressBegin(title=title, message=message,
                                                                           cancellable=False))
        return cls(server, token)

    def report(self, message: str) -> None:
        if self._server is not None and self._token is not None:
            self._server.work_done_progress.report(self._token, types.WorkDoneProgressReport(message=message))

    def end(self, message: str | None = None) -> None:
        """End the progress (idempotent: the first call ends it)."""
        if self._server is not None and self._token is not None:
            self._server.work_done_progress.end(self._token, types.WorkDoneProgressEnd(message=message))
        self._server = None
