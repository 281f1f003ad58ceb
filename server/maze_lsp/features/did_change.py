"""textDocument/didChange: apply incremental edits to the text and the tree-sitter tree."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from lsprotocol import types

from maze_lsp import convert

if TYPE_CHECKING:
    from maze_lsp.language_server import MazeLanguageServer

METHOD = types.TEXT_DOCUMENT_DID_CHANGE
OPTIONS = None

log = logging.getLogger(__name__)


async def handle(ls: MazeLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
    entry = ls.state.documents.get(params.text_document.uri)
    if entry is None:
        log.warning("didChange for a document that is not open: ignored")
        return
    entry.document.apply([convert.change(c) for c in params.content_changes], params.text_document.version)
    ls.state.workspace.changed(params.text_document.uri, entry.document)
