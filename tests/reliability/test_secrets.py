"""Workspace settings cannot send the user's secrets anywhere (issue 15, item 1).

The real `maze lsp` over stdio, configured the way a cloned repository's settings could configure
it, against a loopback HTTP server that records every Authorization header it is sent. The plain-
HTTP case points the endpoint at a name that never resolves and routes it through a recording
proxy on loopback (HTTP_PROXY), so nothing leaves the machine either way.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
from maze_workshop.bench.stdio import StdioClient

SECRET = "s3cret-of-the-user-not-for-maze"
URI = "file:///tmp/secrets/example.py"


class Recorder(BaseHTTPRequestHandler):
    """Answers like `maze serve` (health ok, an empty completion) and records each request's auth header."""

    seen: ClassVar[list[tuple[str, str | None]]] = []

    def _answer(self, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self.seen.append((self.path, self.headers.get("authorization")))
        self._answer({"status": "ok", "warm": True, "model": "recorder"})

    def do_POST(self) -> None:
        self.seen.append((self.path, self.headers.get("authorization")))
        self.rfile.read(int(self.headers.get("content-length", 0)))
        self._answer({"text": None, "finish_reason": "stop", "level": "file", "engine": "recorder"})

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def recorder() -> Iterator[tuple[str, list[tuple[str, str | None]]]]:
    seen: ClassVar[list[tuple[str, str | None]]] = []
    handler = type("BoundRecorder", (Recorder,), {"seen": seen})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()
    server.server_close()


def _server_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("MAZE_API_KEY", "MAZE_TOKEN_ENVS") and "PROXY" not in k.upper()}
    env.update(extra)
    return env


def _configure_and_complete(client: StdioClient, settings: dict) -> list[dict]:
    """Push `settings` as a workspace would, ask for one completion; the user-visible messages."""
    client.initialize({"debounceMs": 0, "timeoutMs": 3000})
    client.notify("workspace/didChangeConfiguration", {"settings": {"maze": settings}})
    client.open(URI, "python", "def f(a):\n    return \n")
    time.sleep(1.0)  # the remote engine's load pings /health in the background
    client.response(client.inline(URI, 1, 11))
    return [n["params"] for n in client.notifications if n.get("method") == "window/showMessage"]


def test_a_workspace_cannot_pick_the_token_variable(recorder: tuple[str, list]) -> None:
    url, seen = recorder
    client = StdioClient(env=_server_env(AUDIT_SECRET=SECRET))
    try:
        messages = _configure_and_complete(client, {"engine": "remote", "endpoint": url, "tokenEnv": "AUDIT_SECRET"})
    finally:
        client.close()
    assert not any(auth and SECRET in auth for _path, auth in seen), f"the secret was sent: {seen}"
    assert any("tokenEnv" in m["message"] and "--allow-token-env" in m["message"] for m in messages), messages


def test_a_variable_allowed_on_the_command_line_is_sent(recorder: tuple[str, list]) -> None:
    url, seen = recorder
    client = StdioClient("--allow-token-env", "AUDIT_SECRET", env=_server_env(AUDIT_SECRET=SECRET))
    try:
        _configure_and_complete(client, {"engine": "remote", "endpoint": url, "tokenEnv": "AUDIT_SECRET"})
    finally:
        client.close()
    assert seen and all(auth == f"Bearer {SECRET}" for _path, auth in seen), seen


def test_no_token_over_plain_http_to_another_host(recorder: tuple[str, list]) -> None:
    proxy, seen = recorder  # every plain-HTTP request to a non-loopback host goes through this proxy
    client = StdioClient(env=_server_env(MAZE_API_KEY=SECRET, HTTP_PROXY=proxy, http_proxy=proxy))
    try:
        messages = _configure_and_complete(client, {"engine": "remote", "endpoint": "http://maze.example.invalid:8080"})
    finally:
        client.close()
    assert not any(auth and SECRET in auth for _path, auth in seen), f"the token went over plain http: {seen}"
    assert any("refusing to send the API token" in m["message"] for m in messages), messages
