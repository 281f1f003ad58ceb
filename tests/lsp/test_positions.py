"""UTF-16 positions (emoji, CJK), CRLF documents, and bad positions answered with errors."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

from tests.lsp.helpers import error_count, inline_params, open_document

URI = "file:///tmp/maze-positions.py"


async def test_emoji_and_cjk_before_the_cursor(client: LanguageClient) -> None:
    text = 'def greet(name):\n    message = "😀 你好, " + \n    return message\n'
    line = text.split("\n")[1]
    character = len(line.encode("utf-16-le")) // 2  # end of line 1, in UTF-16 units
    open_document(client, URI, "python", text)
    result = await client.text_document_inline_completion_async(inline_params(URI, 1, character))
    assert result.items, "expected a completion after the string concatenation"
    item = result.items[0]
    assert item.range.start == types.Position(line=1, character=character)
    edited = text.replace(line, line + item.insert_text, 1)
    assert error_count("python", edited) <= error_count("python", text)


async def test_crlf_document(client: LanguageClient) -> None:
    text = "def area(w, h):\r\n    return \r\n\r\nprint(area(2, 3))\r\n"
    open_document(client, URI, "python", text)
    result = await client.text_document_inline_completion_async(inline_params(URI, 1, 11))
    assert result.items
    item = result.items[0]
    assert item.range.start == types.Position(line=1, character=11)
    assert "\r" not in item.insert_text


@pytest.mark.parametrize(("line", "character", "why"), [
    (0, 99, "past the end of line"),
    (50, 0, "past the end of the document"),
    (0, 6, "splits a surrogate pair"),
])
async def test_bad_positions_are_invalid_params(client: LanguageClient, line: int, character: int, why: str) -> None:
    open_document(client, URI, "python", 's = "😀"\n')
    with pytest.raises(JsonRpcException) as raised:
        await client.text_document_inline_completion_async(inline_params(URI, line, character))
    assert raised.value.code == -32602, why  # InvalidParams


async def test_unknown_document_is_invalid_params(client: LanguageClient) -> None:
    with pytest.raises(JsonRpcException) as raised:
        await client.text_document_inline_completion_async(inline_params("file:///nowhere.py", 0, 0))
    assert raised.value.code == -32602
    assert "unknown document" in raised.value.message
