"""What outlives a request: open documents, options, engines, and each document's in-flight work.

Handlers read from here and pass plain values down to `maze_inference`; nothing below this layer
sees the server object.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from maze_inference.document import Document
from maze_inference.errors import UnsupportedLanguage
from maze_inference.languages import Language, get_language, language_for_path
from maze_inference.pipeline import Completion
from pygls.exceptions import JsonRpcInvalidParams

from maze_lsp.engine_manager import EngineManager
from maze_lsp.options import Options
from maze_lsp.workspace_index import WorkspaceContext

log = logging.getLogger(__name__)


@dataclass
class OpenDocument:
    document: Document
    indent_unit: str | None = None
    indent_version: int = -1


@dataclass
class ServerState:
    engines: EngineManager
    options: Options = field(default_factory=Options)
    documents: dict[str, OpenDocument] = field(default_factory=dict)
    inflight: dict[tuple[str, str], asyncio.Task] = field(default_factory=dict)
    last_completion: tuple[tuple, Completion] | None = None
    settings_generation: int = 0
    lifeline: asyncio.Task[None] | None = None  # watches the client process (`lifeline.py`)
    workspace: WorkspaceContext = field(default_factory=WorkspaceContext)

    def __post_init__(self) -> None:
        # the index build yields to completions in flight
        self.workspace.busy = lambda: any(not task.done() for task in self.inflight.values())

    def open(self, uri: str, language_id: str, text: str, version: int) -> OpenDocument | None:
        """Track a document; returns None for languages maze does not complete (they are ignored)."""
        language = _language(uri, language_id)
        if language is None:
            self.documents.pop(uri, None)
            return None
        entry = OpenDocument(Document(language, text, version))
        self.documents[uri] = entry
        return entry

    def get(self, uri: str) -> OpenDocument:
        entry = self.documents.get(uri)
        if entry is None:
            raise JsonRpcInvalidParams(f"unknown document {uri!r}: not open, closed, or not a supported language")
        return entry

    def close(self, uri: str) -> None:
        self.documents.pop(uri, None)
        for key in [k for k in self.inflight if k[0] == uri]:
            self.inflight.pop(key).cancel()
        if self.last_completion is not None and self.last_completion[0][0] == uri:
            self.last_completion = None

    def indent_unit(self, entry: OpenDocument) -> str:
        """Detected once per few edits (as before); the document re-reads only the blocks edited since."""
        doc = entry.document
        if entry.indent_unit is None or doc.version - entry.indent_version > 50:
            entry.indent_unit = doc.indent_unit(doc.language.indent)
            entry.indent_version = doc.version
        return entry.indent_unit

    def supersede(self, uri: str, method: str) -> None:
        """Register the current task as the only live `method` request for `uri`, cancelling the older one."""
        task = asyncio.current_task()
        key = (uri, method)
        previous = self.inflight.get(key)
        if previous is not None and previous is not task and not previous.done():
            previous.cancel()
        if task is not None:
            self.inflight[key] = task

    def finished(self, uri: str, method: str) -> None:
        key = (uri, method)
        if self.inflight.get(key) is asyncio.current_task():
            del self.inflight[key]


def _language(uri: str, language_id: str) -> Language | None:
    try:
        return get_language(language_id)
    except UnsupportedLanguage:
        pass
    try:
        return language_for_path(uri.split("?", 1)[0])
    except UnsupportedLanguage:
        log.debug("ignoring %s (languageId %r)", uri, language_id)
        return None

