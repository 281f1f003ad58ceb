"""textDocument/didOpen: start tracking a document of a supported language."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

if TYPE_CHECKING:
    from maze_lsp.language_server import MazeLanguageServer

METHOD = types.TEXT_DOCUMENT_DID_OPEN
OPTIONS = None


async def handle(ls: MazeLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
    doc = params.text_document
    entry = ls.state.open(doc.uri, doc.language_id, doc.text, doc.version)
    if entry is not None:
        ls.state.workspace.opened(doc.uri, entry.document)
