"""textDocument/didClose: forget the document and cancel its in-flight completions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

if TYPE_CHECKING:
    from maze_lsp.language_server import MazeLanguageServer

METHOD = types.TEXT_DOCUMENT_DID_CLOSE
OPTIONS = None


async def handle(ls: MazeLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
    ls.state.close(params.text_document.uri)
    ls.state.workspace.closed(params.text_document.uri)
