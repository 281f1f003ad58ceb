"""The server speaks plain JSON-RPC over stdio: a hand-rolled client (no pytest-lsp, no pygls)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from typing import Any

from tests.conftest import SAMPLES


class RawClient:
    def __init__(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "maze_lsp", "lsp"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.next_id = 0

    def send(self, payload: dict[str, Any]) -> None:
        body = json.dumps(payload).encode()
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def read(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        length = 0
        while (line := self.proc.stdout.readline().strip()):
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
        return json.loads(self.proc.stdout.read(length))

    def request(self, method: str, params: Any) -> int:
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        return self.next_id

    def notify(self, method: str, params: Any) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def response(self, msg_id: int) -> dict[str, Any]:
        while True:
            message = self.read()
            if message.get("id") == msg_id and "method" not in message:
                return message
            if "method" in message and "id" in message:  # a request from the server: answer with null
                self.send({"jsonrpc": "2.0", "id": message["id"], "result": None})

    def close(self) -> None:
        self.response(self.request("shutdown", None))
        self.notify("exit", None)
        self.proc.wait(timeout=10)


def test_raw_client_gets_completions_and_can_cancel() -> None:
    client = RawClient()
    try:
        init = client.response(client.request("initialize", {"processId": None, "rootUri": None, "capabilities": {},
                                                              "initializationOptions": {"debounceMs": 0}}))
        assert "inlineCompletionProvider" in init["result"]["capabilities"]
        client.notify("initialized", {})
        for sample in SAMPLES:
            client.notify("textDocument/didOpen", {"textDocument": {"uri": sample.uri, "languageId": sample.language_id,
                                                                    "version": 1, "text": sample.text}})
            reply = client.response(client.request("textDocument/inlineCompletion", {
                "textDocument": {"uri": sample.uri},
                "position": {"line": sample.line, "character": sample.character},
                "context": {"triggerKind": 2},
            }))
            items = reply["result"]["items"]
            assert items and items[0]["insertText"].strip(), f"{sample.path.name}: {reply}"
        # Cancellation: a long block completion, cancelled while it runs.
        uri = "file:///tmp/raw-cancel.py"
        client.notify("workspace/didChangeConfiguration", {"settings": {"maze": {"maxTokens": 400, "mode": "block"}}})
        text = "values = [\n" + "".join(f"    {i},\n" for i in range(1, 40)) + "    \n]\n"  # generates for long
        client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1,
                                                               "text": text}})
        msg_id = client.request("textDocument/inlineCompletion", {"textDocument": {"uri": uri},
                                                                  "position": {"line": 40, "character": 4},
                                                                  "context": {"triggerKind": 2}})
        time.sleep(0.05)
        cancelled_at = time.perf_counter()
        client.notify("$/cancelRequest", {"id": msg_id})
        reply = client.response(msg_id)
        assert reply.get("error", {}).get("code") == -32800, reply  # RequestCancelled
        assert time.perf_counter() - cancelled_at < 0.5
    finally:
        client.close()
