"""The language server on the remote engine falls back to the embedded model when the service dies.

Real processes only: `maze serve` (killed mid-session) and `maze lsp` driven by pytest-lsp with VS
Code's recorded capabilities, configured with `engine: "remote"`.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

import httpx
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.lsp.helpers import accept_registrations
from tests.service.conftest import free_port, require_model, start_serve, stop, wait_warm

TIMEOUT_MS = 3000
URI = "file:///tmp/maze-fallback/example.py"
TEXT = "def add(a, b):\n    return \n\n\ndef sub(a, b):\n    return \n"


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "maze_lsp"]))
async def lsp(lsp_client: LanguageClient):
    accept_registrations(lsp_client)
    yield lsp_client
    await lsp_client.shutdown_session()


async def inline(client: LanguageClient, line: int, character: int) -> types.InlineCompletionList | None:
    return await client.text_document_inline_completion_async(types.InlineCompletionParams(
        text_document=types.TextDocumentIdentifier(uri=URI),
        position=types.Position(line=line, character=character),
        context=types.InlineCompletionContext(trigger_kind=types.InlineCompletionTriggerKind.Invoked),
    ))


def completed_requests(url: str) -> float:
    for line in httpx.get(f"{url}/metrics", timeout=5).text.splitlines():
        if line.startswith('maze_requests_total{route="/v1/complete",status="200"}'):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


async def test_falls_back_to_embedded_within_the_deadline(lsp: LanguageClient, tmp_path: Path) -> None:
    require_model()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = tmp_path / "serve.log"
    service = start_serve(port, log_path)
    try:
        await asyncio.to_thread(wait_warm, url, service, log_path)
        options = {"engine": "remote", "endpoint": url, "debounceMs": 0, "timeoutMs": TIMEOUT_MS, "maxTokens": 16}
        lsp.set_configuration({"maze": options})
        await lsp.initialize_session(types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"), initialization_options=options))
        lsp.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=URI, language_id="python", version=1, text=TEXT)))

        first = await inline(lsp, 1, 11)
        assert first is not None and first.items, "no completion from the remote engine"
        assert completed_requests(url) == 1  # it was the service that answered

        stop(service)  # the service dies mid-session
        started = time.monotonic()
        second = await inline(lsp, 5, 11)
        elapsed = time.monotonic() - started
        assert second is not None and second.items, "no completion from the fallback"
        assert elapsed < TIMEOUT_MS / 1000, f"the fallback took {elapsed:.2f} s"
        third = await inline(lsp, 1, 11)
        assert third is not None and third.items

        warnings = [m for m in lsp.messages
                    if m.type == types.MessageType.Warning and "remote engine failed" in m.message]
        assert len(warnings) == 1, [m.message for m in lsp.messages]  # one message per outage, not per request
        assert "embedded model" in warnings[0].message
    finally:
        stop(service)


async def test_a_remote_that_drips_its_answer_falls_back_within_the_timeout(lsp: LanguageClient) -> None:
    """The remote answers /health at once, then sends /v1/complete's body a byte every 0.3 s."""
    require_model()
    statuses: list[str] = []
    lsp.feature("maze/status")(lambda params: statuses.append(getattr(params, "state", None) or params["state"]))

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                       if line.lower().startswith(b"content-length:")), 0)
        await reader.readexactly(length)
        body = b'{"text": "1", "finish_reason": "stop", "level": "file"}' + b" " * 100
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n" % len(body))
        if head.startswith(b"GET /health"):
            writer.write(b'{"status": "ok", "warm": true, "model": "drip"}'.ljust(len(body)))
        else:
            for byte in body[:40]:  # at most 12 s, then the connection is closed unfinished
                writer.write(bytes([byte]))
                await writer.drain()
                await asyncio.sleep(0.3)
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    try:
        options = {"engine": "remote", "endpoint": url, "debounceMs": 0, "timeoutMs": 1500, "maxTokens": 8,
                   "statusNotifications": True}
        lsp.set_configuration({"maze": options})
        await lsp.initialize_session(types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"), initialization_options=options))
        lsp.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=URI, language_id="python", version=1, text=TEXT)))
        deadline = time.monotonic() + 60
        while "ready" not in statuses and time.monotonic() < deadline:  # both engines loaded
            await asyncio.sleep(0.1)
        assert "ready" in statuses, statuses
        started = time.monotonic()
        answer = await inline(lsp, 1, 11)
        elapsed = time.monotonic() - started
        print(f"remote dripping its answer, timeoutMs 1500: the embedded fallback answered after {elapsed:.2f} s")
        assert answer is not None and answer.items, "no completion from the fallback"
        assert elapsed < 1.5 + 0.3, f"answered after {elapsed:.2f} s with timeoutMs 1500"
        warnings = [m.message for m in lsp.messages if m.type == types.MessageType.Warning]
        assert any("remote engine failed" in m and "embedded model" in m for m in warnings), warnings
    finally:
        server.close()
