"""textDocument/inlineCompletion: the completion as ghost text at the cursor."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from maze_lsp import convert
from maze_lsp.request_flow import complete_request

if TYPE_CHECKING:
    from maze_lsp.language_server import MazeLanguageServer

METHOD = types.TEXT_DOCUMENT_INLINE_COMPLETION
OPTIONS = types.InlineCompletionOptions()


async def handle(ls: MazeLanguageServer, params: types.InlineCompletionParams) -> types.InlineCompletionList:
    entry, offset, completion = await complete_request(ls, params.text_document.uri, params.position, METHOD)
    if completion is None or completion.text is None:
        return types.InlineCompletionList(items=[])
    item = types.InlineCompletionItem(
        insert_text=completion.text,
        range=convert.insert_range(entry.document, offset, offset),
    )
    return types.InlineCompletionList(items=[item])
