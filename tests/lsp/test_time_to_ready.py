"""The model loads as soon as the server knows its settings, not after the editor's round trips.

An editor that is busy starting up (VS Code activating its extensions) answers the server's own
requests (`workspace/configuration`, `window/workDoneProgress/create`) late. The first `✓ maze` came
5-9 s after opening a file although the model loads in well under a second, because the load waited
for both answers. Over stdio, with a client that answers every server request after DELAY seconds,
the `ready` status must come within DELAY of `initialize` (the load overlaps the waiting), and a
`loading` status and a work-done progress come meanwhile.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from typing import Any

DELAY = 3.0  # how late the client answers the server's requests


class SlowClient:
    """A JSON-RPC client over the real server's stdio that answers server requests after DELAY s."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "maze_lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL)
        self.lock = threading.Lock()
        self.seen: list[tuple[float, dict[str, Any]]] = []
        self.timers: list[threading.Timer] = []

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps(message).encode()
        with self.lock:
            assert self.proc.stdin is not None
            self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            self.proc.stdin.flush()

    def read(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        length = 0
        while line := self.proc.stdout.readline().strip():
            if line.lower().startswith(b"content-length"):
                length = int(line.split(b":")[1])
        if not length:
            raise EOFError
        return json.loads(self.proc.stdout.read(length))

    def answer_later(self, request: dict[str, Any]) -> None:
        result = [{"statusNotifications": True}] if request["method"] == "workspace/configuration" else None
        timer = threading.Timer(DELAY, self.send, [{"jsonrpc": "2.0", "id": request["id"], "result": result}])
        timer.daemon = True
        timer.start()
        self.timers.append(timer)

    def close(self) -> None:
        for timer in self.timers:
            timer.cancel()
        self.proc.kill()
        self.proc.wait()

    def until_ready(self, started: float, timeout: float = 60) -> None:
        while time.monotonic() - started < timeout:
            message = self.read()
            self.seen.append((time.monotonic() - started, message))
            if message.get("id") == 1:
                self.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
            elif "method" in message and "id" in message:
                self.answer_later(message)
            elif message.get("method") == "maze/status" and message["params"]["state"] == "ready":
                return
        raise TimeoutError(f"no ready status within {timeout} s: {self.seen}")


def test_ready_does_not_wait_for_the_editors_answers() -> None:
    client = SlowClient()
    try:
        started = time.monotonic()
        client.send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "processId": None, "capabilities": {"workspace": {"configuration": True}, "window": {"workDoneProgress": True}},
            "initializationOptions": {"statusNotifications": True}}})
        client.until_ready(started)
    finally:
        client.close()
    answered = next(t for t, m in client.seen if m.get("id") == 1)
    ready = client.seen[-1][0]
    states = [m["params"]["state"] for _, m in client.seen if m.get("method") == "maze/status"]
    print(f"initialize answered at {answered:.2f} s, ready at {ready:.2f} s ({ready - answered:.2f} s later), "
          f"with the client answering requests after {DELAY} s")
    assert ready - answered < DELAY, f"ready {ready - answered:.2f} s after initialize: it waited for the client"
    assert states[0] == "loading" and states[-1] == "ready", states
    assert any(m.get("method") == "window/workDoneProgress/create" for _, m in client.seen)
