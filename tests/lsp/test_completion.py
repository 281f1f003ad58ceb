"""Completion and inline completion through the real server process, in every language."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.conftest import SAMPLES, Sample
from tests.lsp.helpers import assert_no_new_parse_error, change, inline_params, open_document


async def test_capabilities(client: LanguageClient) -> None:
    caps = client.init_result.capabilities  # type: ignore[attr-defined]
    assert caps.inline_completion_provider
    assert caps.completion_provider is not None
    sync = caps.text_document_sync
    assert sync.change == types.TextDocumentSyncKind.Incremental


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.path.name for s in SAMPLES])
async def test_inline_completion_after_incremental_edits(client: LanguageClient, sample: Sample) -> None:
    open_document(client, sample.uri, sample.language_id, sample.text)
    # Insert a line above, then remove it: the server must track both incremental edits.
    comment = "# maze\n" if sample.language_id == "python" else "// maze\n"
    change(client, sample.uri, 2, (0, 0), (0, 0), comment)
    change(client, sample.uri, 3, (0, 0), (1, 0), "")
    result = await client.text_document_inline_completion_async(inline_params(sample.uri, sample.line, sample.character))
    assert result is not None and result.items, f"no inline completion for {sample.path.name}"
    item = result.items[0]
    assert isinstance(item.insert_text, str) and item.insert_text.strip()
    assert item.range is not None and item.range.start == types.Position(line=sample.line, character=sample.character)
    assert_no_new_parse_error(sample, item.insert_text)


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.path.name for s in SAMPLES])
async def test_completion_item(client: LanguageClient, sample: Sample) -> None:
    open_document(client, sample.uri, sample.language_id, sample.text)
    result = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=sample.uri),
            position=types.Position(line=sample.line, character=sample.character),
        )
    )
    assert isinstance(result, types.CompletionList) and result.items
    edit = result.items[0].text_edit
    assert isinstance(edit, types.TextEdit)
    assert edit.range.end == types.Position(line=sample.line, character=sample.character)
    assert edit.new_text.strip()
