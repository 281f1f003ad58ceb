"""A minimal JSON-RPC client for `maze lsp` over stdio, without pygls.

Used where the measurement or the test must see exactly the server: the latency bench, the raw-client
test, the reliability suites and the fuzzer. Server-to-client requests (progress tokens, configuration)
are answered with null while waiting.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any


class StdioClient:
    def __init__(self, *server_args: str, log_file: str | None = None, env: dict[str, str] | None = None) -> None:
        command = [sys.executable, "-m", "maze_lsp", *server_args]
        if log_file:
            command += ["--log-file", log_file]
        self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, env=env)
        self.next_id = 0
        self.notifications: list[dict[str, Any]] = []
        self._pending: dict[Any, dict[str, Any]] = {}

    def send_raw(self, body: bytes) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def send(self, payload: dict[str, Any]) -> None:
        self.send_raw(json.dumps(payload).encode())

    def read(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        length = 0
        while line := self.proc.stdout.readline().strip():
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
        if not length:
            raise EOFError("the server closed its output")
        return json.loads(self.proc.stdout.read(length))

    def request_async(self, method: str, params: Any) -> int:
        """Send a request and return its id without waiting (see `response`)."""
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        return self.next_id

    def request(self, method: str, params: Any) -> dict[str, Any]:
        return self.response(self.request_async(method, params))

    def notify(self, method: str, params: Any) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def response(self, msg_id: Any) -> dict[str, Any]:
        """The response to `msg_id`, keeping others that arrive first for later calls."""
        while msg_id not in self._pending:
            message = self.read()
            if "method" in message:
                if "id" in message:
                    self.send({"jsonrpc": "2.0", "id": message["id"], "result": None})
                else:
                    self.notifications.append(message)
                continue
            self._pending[message.get("id")] = message
        return self._pending.pop(msg_id)

    def initialize(self, options: dict[str, Any] | None = None, capabilities: dict[str, Any] | None = None,
                   root_uri: str | None = None) -> dict:
        reply = self.request("initialize", {"processId": None, "rootUri": root_uri, "capabilities": capabilities or {},
                                            "initializationOptions": options or {}})
        self.notify("initialized", {})
        return reply

    def open(self, uri: str, language_id: str, text: str, version: int = 1) -> None:
        self.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": language_id,
                                                              "version": version, "text": text}})

    def inline(self, uri: str, line: int, character: int) -> int:
        return self.request_async("textDocument/inlineCompletion", {
            "textDocument": {"uri": uri}, "position": {"line": line, "character": character},
            "context": {"triggerKind": 2}})

    def close(self) -> None:
        try:
            self.request("shutdown", None)
            self.notify("exit", None)
            self.proc.wait(timeout=10)
        except (OSError, EOFError, subprocess.TimeoutExpired):
            self.proc.kill()
