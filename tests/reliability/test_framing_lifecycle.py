"""Badly framed messages, lifecycle misuse and text that is not Unicode, through the real server (issue 15, 8, 9, 4).

Bytes are written to `maze lsp`'s stdin exactly as given, and answers are read with a deadline, so
a server that goes deaf fails the test instead of hanging it.
"""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

SERVER_NOT_INITIALIZED, INVALID_REQUEST, PARSE_ERROR, METHOD_NOT_FOUND = -32002, -32600, -32700, -32601
URI = "file:///tmp/framing/example.py"


class Raw:
    """`maze lsp` with raw stdin and a reader thread: `expect(id, within)` never blocks forever."""

    def __init__(self, log_file: Path | None = None) -> None:
        command = [sys.executable, "-m", "maze_lsp"] + (["--log-file", str(log_file)] if log_file else [])
        self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self.seen: list[dict[str, Any]] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        while True:
            length = 0
            while line := self.proc.stdout.readline():
                if not line.strip():
                    break
                name, _, value = line.partition(b":")
                if name.lower() == b"content-length":
                    length = int(value)
            if not length:
                return
            message = json.loads(self.proc.stdout.read(length))
            if "method" in message and "id" in message:  # a request of the server's: answer it
                self.write(self.frame({"jsonrpc": "2.0", "id": message["id"], "result": None}))
            self.messages.put(message)

    @staticmethod
    def frame(payload: dict[str, Any]) -> bytes:
        body = json.dumps(payload).encode()
        return b"Content-Length: %d\r\n\r\n" % len(body) + body

    def write(self, data: bytes) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def request(self, msg_id: int, method: str, params: Any = None) -> None:
        self.write(self.frame({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params}))

    def notify(self, method: str, params: Any = None) -> None:
        self.write(self.frame({"jsonrpc": "2.0", "method": method, "params": params}))

    def expect(self, msg_id: int | None, within: float = 10.0) -> dict[str, Any]:
        deadline = time.monotonic() + within
        for message in self.seen:
            if "method" not in message and message.get("id") == msg_id:
                self.seen.remove(message)
                return message
        while (left := deadline - time.monotonic()) > 0:
            try:
                message = self.messages.get(timeout=left)
            except queue.Empty:
                break
            if "method" not in message and message.get("id") == msg_id:
                return message
            self.seen.append(message)
        raise AssertionError(f"no answer to request {msg_id!r} within {within} s")

    def initialize(self) -> None:
        self.request(1, "initialize", {"processId": None, "rootUri": None, "capabilities": {},
                                       "initializationOptions": {"debounceMs": 0, "maxTokens": 4}})
        assert "result" in self.expect(1, 60)
        self.notify("initialized", {})

    def exit_status(self, within: float = 10.0) -> int:
        try:
            return self.proc.wait(within)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()


@pytest.fixture
def server() -> Any:
    raw = Raw()
    yield raw
    if raw.proc.poll() is None:
        raw.proc.kill()
        raw.proc.wait(10)


def _body(msg_id: int) -> bytes:
    return json.dumps({"jsonrpc": "2.0", "id": msg_id, "method": "maze/probe", "params": {}}).encode()


BAD_FRAMES = {
    "Content-Length abc": lambda b: b"Content-Length: abc\r\n\r\n" + b,
    "no Content-Length": lambda b: b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n" + b,
    "Content-Length -5": lambda b: b"Content-Length: -5\r\n\r\n" + b,
    "too short": lambda b: b"Content-Length: %d\r\n\r\n" % (len(b) - 6) + b,
    "too long": lambda b: b"Content-Length: %d\r\n\r\n" % (len(b) + 30) + b,
    "LF-only headers": lambda b: b"Content-Length: %d\n\n" % len(b) + b,
    "no headers at all": lambda b: b,
    "garbage before the header": lambda b: b"\x00\xffnot a header at all\r\n" + b"Content-Length: %d\r\n\r\n" % len(b) + b,
}


@pytest.mark.parametrize("case", sorted(BAD_FRAMES))
def test_a_badly_framed_message_is_answered_and_the_next_one_too(server: Raw, case: str) -> None:
    server.initialize()
    server.write(BAD_FRAMES[case](_body(100)))
    server.request(101, "maze/probe", {})
    lost = server.expect(100, 5)
    assert lost["error"]["code"] in (INVALID_REQUEST, PARSE_ERROR, METHOD_NOT_FOUND), lost
    assert server.expect(101, 5)["error"]["code"] == METHOD_NOT_FOUND  # an ordinary answer: in sync again
    server.request(102, "shutdown")
    assert "result" in server.expect(102, 10)
    server.notify("exit")
    assert server.exit_status() == 0


def test_requests_before_initialize_are_refused_and_initialize_still_works(server: Raw) -> None:
    server.request(5, "textDocument/completion", {"textDocument": {"uri": URI}, "position": {"line": 0, "character": 0}})
    assert server.expect(5)["error"]["code"] == SERVER_NOT_INITIALIZED
    server.request(6, "shutdown")
    assert server.expect(6)["error"]["code"] == SERVER_NOT_INITIALIZED
    server.initialize()
    server.request(7, "initialize", {"processId": None, "rootUri": None, "capabilities": {}})
    assert server.expect(7)["error"]["code"] == INVALID_REQUEST


def test_after_shutdown_requests_are_invalid_and_exit_is_0(server: Raw) -> None:
    server.initialize()
    server.request(10, "shutdown")
    assert "result" in server.expect(10)
    server.request(11, "textDocument/completion", {"textDocument": {"uri": URI}, "position": {"line": 0, "character": 0}})
    assert server.expect(11)["error"]["code"] == INVALID_REQUEST
    server.request(12, "shutdown")
    assert server.expect(12)["error"]["code"] == INVALID_REQUEST
    server.notify("exit")
    assert server.exit_status() == 0


def test_exit_without_shutdown_is_status_1(server: Raw) -> None:
    server.initialize()
    server.notify("exit")
    assert server.exit_status() == 1


def test_the_end_of_input_without_shutdown_is_status_1_with_a_log_line(tmp_path: Path) -> None:
    log_file = tmp_path / "lsp.log"
    raw = Raw(log_file)
    raw.initialize()
    assert raw.proc.stdin is not None
    raw.proc.stdin.close()
    assert raw.exit_status() == 1
    log = log_file.read_text()
    assert "without shutdown" in log
    assert "LF only" not in log  # this client framed everything with CRLF


def test_a_lone_surrogate_is_accepted_without_an_error_window(server: Raw) -> None:
    server.initialize()
    text = 'name = "\ud800"\nx = \n'  # json.dumps writes "\ud800": a lone surrogate once decoded
    server.notify("textDocument/didOpen", {"textDocument": {"uri": URI, "languageId": "python", "version": 1,
                                                            "text": text}})
    server.request(20, "textDocument/inlineCompletion", {"textDocument": {"uri": URI},
                                                         "position": {"line": 1, "character": 4},
                                                         "context": {"triggerKind": 2}})
    assert "result" in server.expect(20, 60)
    errors = [m for m in server.seen if m.get("method") == "window/showMessage" and m["params"]["type"] == 1]
    assert not errors, errors
