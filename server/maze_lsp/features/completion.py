"""textDocument/completion: the completion as one item, for clients without ghost text (Helix).

Editors filter items by the word being typed, so the item replaces that word with the word plus
the completion: typing `pri` offers `print(x)`, not an item labelled `nt(x)` that would be filtered
out.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from lsprotocol import types

from maze_lsp import convert
from maze_lsp.request_flow import complete_request

if TYPE_CHECKING:
    from maze_lsp.language_server import MazeLanguageServer

METHOD = types.TEXT_DOCUMENT_COMPLETION
OPTIONS = types.CompletionOptions(trigger_characters=[".", "(", ",", " ", ":", "="], resolve_provider=False)

_WORD_TAIL = re.compile(r"[A-Za-z0-9_$@]*$")


async def handle(ls: MazeLanguageServer, params: types.CompletionParams) -> types.CompletionList:
    entry, offset, completion = await complete_request(ls, params.text_document.uri, params.position, METHOD)
    if completion is None or completion.text is None:
        return types.CompletionList(is_incomplete=True, items=[])
    word = _WORD_TAIL.search(completion.context.line_prefix).group(0)  # type: ignore[union-attr]
    new_text = word + completion.text
    first_line = new_text.split("\n", 1)[0].strip()
    item = types.CompletionItem(
        label=first_line if len(first_line) <= 60 else first_line[:57] + "...",
        kind=types.CompletionItemKind.Snippet,
        detail="maze",
        documentation=_documentation(ls, completion.context.language, new_text),
        filter_text=new_text,
        sort_text="0",
        preselect=True,
        insert_text_format=types.InsertTextFormat.PlainText,
        text_edit=types.TextEdit(range=convert.insert_range(entry.document, offset - len(word), offset), new_text=new_text),
    )
    return types.CompletionList(is_incomplete=True, items=[item])


def _documentation(ls: MazeLanguageServer, language: str, text: str) -> types.MarkupContent | str:
    """Markdown only for clients that say they render it (Helix does not)."""
    caps = ls.client_capabilities
    completion = caps.text_document.completion if caps and caps.text_document else None
    item = completion.completion_item if completion else None
    if item and item.documentation_format and types.MarkupKind.Markdown in item.documentation_format:
        return types.MarkupContent(kind=types.MarkupKind.Markdown, value=f"```{language}\n{text}\n```")
    return text
