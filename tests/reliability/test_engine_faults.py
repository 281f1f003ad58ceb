"""Engine faults: the editor gets an answer within the deadline, one message per outage, and recovery.

Remote: a fault-injecting TCP proxy on loopback sits between `maze lsp` (engine "remote") and a real
`maze serve`; the test switches its behaviour while typing goes on. Embedded: the model folder is
missing, corrupt, or loads but fails at run time; the server says so once and answers empty, and picks
the model up by itself once the folder is repaired.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from maze_inference.engines.embedded import default_model_dir
from maze_workshop.bench.stdio import StdioClient

TIMEOUT_MS = 1500
REST_S = 5.0  # engine_manager.RETRY_S


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class FaultProxy:
    """Forwards to the real service, or misbehaves as `mode` says: refuse, slow, 500, badjson, truncate, cut."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.port = _free_port()
        self.mode = "forward"
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self.loop).result(10)

    async def _start(self) -> None:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = await self._read_request(reader)
            mode = self.mode
            if mode == "refuse":
                writer.transport.abort()
                return
            if mode == "slow":
                await asyncio.sleep(30)
            if mode in ("500", "badjson"):
                body = b'{"error": "internal", "message": "boom"}' if mode == "500" else b"{not json"
                status = b"500 Internal Server Error" if mode == "500" else b"200 OK"
                writer.write(b"HTTP/1.1 " + status + b"\r\ncontent-type: application/json\r\ncontent-length: "
                             + str(len(body)).encode() + b"\r\nconnection: close\r\n\r\n" + body)
                await writer.drain()
                return
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
            up_writer.write(request)
            await up_writer.drain()
            response = await up_reader.read()
            up_writer.close()
            if mode == "truncate":  # full headers, half the promised body
                head, _, body = response.partition(b"\r\n\r\n")
                response = head + b"\r\n\r\n" + body[: len(body) // 2]
            elif mode == "cut":  # the stream stops in the middle of the headers
                response = response[:20]
            writer.write(response)
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            if not writer.is_closing():
                writer.close()

    @staticmethod
    async def _read_request(reader: asyncio.StreamReader) -> bytes:
        head = await reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        body = await reader.readexactly(length) if length else b""
        # Ask upstream to close after answering, so `read()` returns at the end of the response.
        lines = [line for line in head.split(b"\r\n") if line and not line.lower().startswith(b"connection:")]
        return b"\r\n".join([*lines, b"connection: close"]) + b"\r\n\r\n" + body

    def close(self) -> None:
        """Cancel the handlers still held (a `slow` one sleeps 30 s) while the loop runs, then stop it."""
        async def shutdown() -> None:
            self.server.close()
            handlers = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in handlers:
                task.cancel()
            await asyncio.gather(*handlers, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(shutdown(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


@pytest.fixture(scope="module")
def service() -> Iterator[int]:
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "maze_inference.service", "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.2)
    yield port
    proc.terminate()
    proc.wait(timeout=20)


def _engines_used(log: Path) -> list[str]:
    return [line.split("engine=")[1].split()[0] for line in log.read_text().splitlines() if "engine=" in line]


def _messages(client: StdioClient, level: int | None = None) -> list[str]:
    return [n["params"]["message"] for n in client.notifications
            if n["method"] == "window/showMessage" and (level is None or n["params"]["type"] == level)]


_VERSIONS: dict[str, int] = {}


def _complete_timed(client: StdioClient, uri: str, line: int, character: int) -> tuple[dict, float]:
    """Type a space and take it back (a new document version, as typing makes), then complete."""
    for text, end in ((" ", character), ("", character + 1)):
        _VERSIONS[uri] = _VERSIONS.get(uri, 1) + 1
        client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": _VERSIONS[uri]},
                      "contentChanges": [{"range": {"start": {"line": line, "character": character},
                                                    "end": {"line": line, "character": end}}, "text": text}]})
    started = time.perf_counter()
    reply = client.response(client.inline(uri, line, character))
    return reply, time.perf_counter() - started


@pytest.mark.parametrize("fault", ["refuse", "slow", "500", "badjson", "truncate", "cut"])
def test_remote_fault_falls_back_once_and_recovers(service: int, fault: str, tmp_path: Path) -> None:
    proxy = FaultProxy(service)
    log = tmp_path / "lsp.log"
    client = StdioClient("--log-level", "DEBUG", log_file=str(log))
    try:
        client.initialize({"engine": "remote", "endpoint": f"http://127.0.0.1:{proxy.port}", "debounceMs": 0,
                           "timeoutMs": TIMEOUT_MS, "maxTokens": 8})
        uri = "file:///tmp/faults.py"
        client.open(uri, "python", "def area(w, h):\n    return \n")
        reply, _ = _complete_timed(client, uri, 1, 11)
        assert "result" in reply and _engines_used(log)[-1].startswith("remote")
        proxy.mode = fault
        for _ in range(4):  # fast typing during the outage
            reply, elapsed = _complete_timed(client, uri, 1, 11)
            assert "result" in reply, reply
            assert elapsed < TIMEOUT_MS / 1000 + 3.0, f"{fault}: answered after {elapsed:.1f} s"
        used = _engines_used(log)
        assert used[-1] == "embedded", used
        warnings = [m for m in _messages(client, 2) if "remote engine failed" in m]
        assert len(warnings) == 1, warnings  # one message per outage, not per keystroke
        proxy.mode = "forward"
        time.sleep(REST_S + 0.5)
        reply, _ = _complete_timed(client, uri, 1, 11)
        assert "result" in reply and _engines_used(log)[-1].startswith("remote")
        assert any("answering again" in m for m in _messages(client, 3))
    finally:
        client.close()
        proxy.close()


def test_remote_down_from_the_start_comes_back(service: int, tmp_path: Path) -> None:
    proxy = FaultProxy(service)
    proxy.mode = "refuse"
    log = tmp_path / "lsp.log"
    client = StdioClient("--log-level", "DEBUG", log_file=str(log))
    try:
        client.initialize({"engine": "remote", "endpoint": f"http://127.0.0.1:{proxy.port}", "debounceMs": 0,
                           "timeoutMs": TIMEOUT_MS, "maxTokens": 8})
        uri = "file:///tmp/faults-start.py"
        client.open(uri, "python", "x = \n")
        reply, elapsed = _complete_timed(client, uri, 0, 4)
        assert "result" in reply and elapsed < TIMEOUT_MS / 1000 + 3.0
        assert len(_messages(client, 1)) == 1  # "no usable completion engine ... falling back"
        proxy.mode = "forward"
        time.sleep(REST_S + 0.5)
        reply, _ = _complete_timed(client, uri, 0, 4)
        assert "result" in reply and _engines_used(log)[-1].startswith("remote")
    finally:
        client.close()
        proxy.close()


def _broken_model(tmp_path: Path, how: str) -> Path:
    folder = tmp_path / "model"
    if how == "missing":
        return folder
    shutil.copytree(default_model_dir(), folder)
    if how == "corrupt":
        (folder / "model.onnx").write_bytes(b"\x00not an onnx file" * 1000)
    elif how == "fails-at-run":  # loads, then onnxruntime refuses the inputs the config implies
        config = json.loads((folder / "maze_model.json").read_text())
        config["num_layers"] += 1
        (folder / "maze_model.json").write_text(json.dumps(config))
    return folder


@pytest.mark.parametrize("how", ["missing", "corrupt", "fails-at-run"])
def test_embedded_model_faults_are_reported_once_and_recovered(how: str, tmp_path: Path) -> None:
    folder = _broken_model(tmp_path, how)
    client = StdioClient()
    try:
        client.initialize({"modelPath": str(folder), "debounceMs": 0, "maxTokens": 8, "timeoutMs": 5000})
        uri = "file:///tmp/embedded-fault.py"
        client.open(uri, "python", "def area(w, h):\n    return \n")
        for _ in range(3):
            reply, elapsed = _complete_timed(client, uri, 1, 11)
            assert reply.get("result") == {"items": []}, reply  # an empty answer, not an error
            assert elapsed < 6
        problems = _messages(client, 1) + _messages(client, 2)
        assert len(problems) == 1, problems
        shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(default_model_dir(), folder)  # the user repairs the model
        time.sleep(REST_S + 0.5)
        reply, _ = _complete_timed(client, uri, 1, 11)
        assert reply["result"]["items"], reply
    finally:
        client.close()
