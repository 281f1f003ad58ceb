"""The service under test: a real `maze serve` process on loopback, or a deployed endpoint.

`live` starts `python -m maze_inference.service` on 127.0.0.1 with a free port once per session (the
embedded model: `MAZE_TEST_MODEL` or the shipped one) and waits until `/health` says warm. With
`MAZE_ENDPOINT` set (and `MAZE_API_KEY` if it needs one), the same tests run against that
deployment instead. In-process tests build the app with `create_app` and talk to it through
`httpx.ASGITransport`, with the real `MazeClient`.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from maze_inference.client import MazeClient
from maze_inference.engines.base import Engine
from maze_inference.engines.embedded import EmbeddedEngine, default_model_dir

SERVE_TIMEOUT_S = 120.0


def model_dir() -> Path:
    return Path(os.environ.get("MAZE_TEST_MODEL") or default_model_dir())


def require_model() -> Path:
    path = model_dir()
    if not (path / "maze_model.json").is_file():
        pytest.skip(f"no embedded model at {path} (set MAZE_TEST_MODEL to an exported model folder)")
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class Live:
    url: str
    api_key: str | None
    deployed: bool  # a remote deployment (MAZE_ENDPOINT), not the local process


def start_serve(port: int, log_path: Path, *extra: str, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "maze_inference.service", "--log-level", "INFO", "--host", "127.0.0.1",
               "--port", str(port), "--model", str(model_dir()), *extra]
    with log_path.open("wb") as log:
        return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)


def wait_warm(url: str, process: subprocess.Popen[bytes] | None, log_path: Path | None,
              timeout_s: float = SERVE_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            detail = log_path.read_text(errors="replace")[-2000:] if log_path else ""
            raise RuntimeError(f"maze serve exited with {process.returncode}:\n{detail}")
        try:
            if httpx.get(f"{url}/health", timeout=2.0).json().get("warm"):
                return
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(0.2)
    raise TimeoutError(f"maze serve at {url} was not warm within {timeout_s} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    endpoint = os.environ.get("MAZE_ENDPOINT")
    if endpoint:
        url = endpoint.rstrip("/")
        wait_warm(url, None, None, timeout_s=600.0)  # a cold Modal container loads its model first
        yield Live(url, os.environ.get("MAZE_API_KEY") or None, deployed=True)
        return
    require_model()
    port = free_port()
    log_path = tmp_path_factory.mktemp("serve") / "serve.log"
    env = {k: v for k, v in os.environ.items() if k != "MAZE_API_KEY"}  # the loopback server runs without auth
    process = start_serve(port, log_path, env=env)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_warm(url, process, log_path)
        yield Live(url, None, deployed=False)
    finally:
        stop(process)


@pytest.fixture
async def client(live: Live) -> AsyncIterator[MazeClient]:
    maze = MazeClient(live.url, token=live.api_key, read_timeout_s=120.0, retries=1)
    yield maze
    await maze.aclose()


@pytest.fixture
async def http(live: Live) -> AsyncIterator[httpx.AsyncClient]:
    """Raw HTTP to the live service, for tests that assert on statuses and headers."""
    headers = {"Authorization": f"Bearer {live.api_key}"} if live.api_key else {}
    async with httpx.AsyncClient(base_url=live.url, headers=headers, timeout=120.0) as raw:
        yield raw


# ---- in-process apps ----------------------------------------------------------------------------


@pytest.fixture
async def make_app() -> AsyncIterator[Callable[..., FastAPI]]:
    """`create_app` whose grammar workers and engines are cleaned up after the test (no lifespan here)."""
    apps: list[FastAPI] = []

    def build(engine: Engine | None = None, **settings: Any) -> FastAPI:
        from maze_inference.service import ServiceSettings, create_app

        if engine is None:
            engine = EmbeddedEngine(require_model())
        app = create_app(engine, ServiceSettings(**settings))
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.state.service.checker.close()
        await app.state.service.state.close()


def asgi_client(app: FastAPI, *, token: str | None = None, **options: Any) -> MazeClient:
    """The real client over `httpx.ASGITransport`: the app runs in this process, without a socket."""
    return MazeClient("http://maze.test", token=token, transport=httpx.ASGITransport(app=app), **options)


@contextlib.contextmanager
def serve_in_thread(app: FastAPI) -> Iterator[str]:
    """A real uvicorn server on a free loopback port, in a thread of this process (lifespan included)."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, name="maze-test-uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(15)
