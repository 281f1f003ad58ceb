"""Cancellation ends generation at once, and a newer request supersedes an older one."""

from __future__ import annotations

import asyncio
import time

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcRequestCancelled
from pytest_lsp import LanguageClient

from tests.lsp.helpers import inline_params, open_document

URI = "file:///tmp/maze-cancel.py"
# A long list keeps a code model generating "N,\n    " for hundreds of tokens: generation is surely
# still running when the cancel arrives.
TEXT = "values = [\n" + "".join(f"    {i},\n" for i in range(1, 40)) + "    \n]\n"
LINE, CHAR = 40, 4


async def _slow_settings(client: LanguageClient) -> None:
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"maze": {"maxTokens": 400, "mode": "block", "debounceMs": 0,
                                                              "timeoutMs": 30000}})
    )
    open_document(client, URI, "python", TEXT)
    warm = URI.replace(".py", "-warm.py")  # another document: its result must not be served from the cache
    open_document(client, warm, "python", "x = ")
    await client.text_document_inline_completion_async(inline_params(warm, 0, 4))  # the model is loaded


async def test_cancel_request_answers_quickly(client: LanguageClient) -> None:
    await _slow_settings(client)
    future = asyncio.ensure_future(client.protocol.send_request_async(types.TEXT_DOCUMENT_INLINE_COMPLETION, inline_params(URI, LINE, CHAR),
                                                msg_id="slow-1"))
    await asyncio.sleep(0.05)  # generation is under way
    cancelled_at = time.perf_counter()
    client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="slow-1"))
    with pytest.raises(JsonRpcRequestCancelled):
        await future
    elapsed_ms = (time.perf_counter() - cancelled_at) * 1e3
    assert elapsed_ms < 100, f"cancellation took {elapsed_ms:.0f} ms"


async def test_newer_request_supersedes_older(client: LanguageClient) -> None:
    await _slow_settings(client)
    first = asyncio.ensure_future(client.protocol.send_request_async(types.TEXT_DOCUMENT_INLINE_COMPLETION, inline_params(URI, LINE, CHAR)))
    await asyncio.sleep(0.02)
    second = asyncio.ensure_future(client.protocol.send_request_async(types.TEXT_DOCUMENT_INLINE_COMPLETION, inline_params(URI, LINE, CHAR)))
    with pytest.raises(JsonRpcRequestCancelled):
        await first
    result = await second
    assert result is not None
