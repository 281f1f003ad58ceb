"""The server speaks plain JSON-RPC over stdio: a hand-rolled client (no pytest-lsp, no pygls)."""

from __future__ import annotations

import time

from maze_workshop.bench.stdio import StdioClient

from tests.conftest import SAMPLES


def test_raw_client_gets_completions_and_can_cancel() -> None:
    client = StdioClient()
    try:
        init = client.initialize({"debounceMs": 0})
        assert "inlineCompletionProvider" in init["result"]["capabilities"]
        for sample in SAMPLES:
            client.open(sample.uri, sample.language_id, sample.text)
            reply = client.response(client.inline(sample.uri, sample.line, sample.character))
            items = reply["result"]["items"]
            assert items and items[0]["insertText"].strip(), f"{sample.path.name}: {reply}"
        # Cancellation: a long block completion, cancelled while it runs.
        uri = "file:///tmp/raw-cancel.py"
        client.notify("workspace/didChangeConfiguration", {"settings": {"maze": {"maxTokens": 400, "mode": "block"}}})
        text = "values = [\n" + "".join(f"    {i},\n" for i in range(1, 40)) + "    \n]\n"  # generates for long
        client.open(uri, "python", text)
        msg_id = client.inline(uri, 40, 4)
        time.sleep(0.05)
        cancelled_at = time.perf_counter()
        client.notify("$/cancelRequest", {"id": msg_id})
        reply = client.response(msg_id)
        assert reply.get("error", {}).get("code") == -32800, reply  # RequestCancelled
        assert time.perf_counter() - cancelled_at < 0.5
    finally:
        client.close()
