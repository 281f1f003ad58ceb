"""`MazeClient` against real sockets: retries, timeouts, cancellation, and the error translation.

The misbehaving servers here are a few lines of asyncio TCP each (refuse, hang up, stay silent),
so the client's real transport is exercised; nothing of maze's is replaced.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import httpx
import pytest
from fastapi import FastAPI
from maze_inference.client import MazeClient
from maze_inference.errors import EngineTimeout, EngineUnavailable

from tests.fakes import FakeModalGateway
from tests.service.conftest import free_port

PY = {"prefix": "x = ", "suffix": "\n", "language": "python", "max_tokens": 8}
Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@asynccontextmanager
async def tcp_server(handler: Handler) -> AsyncIterator[tuple[str, list[int]]]:
    """A loopback TCP server running `handler` per connection; yields its URL and a connection counter."""
    connections: list[int] = []

    async def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(1)
        try:
            await handler(reader, writer)
        finally:
            writer.close()

    server = await asyncio.start_server(on_connect, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}", connections
    finally:
        server.close()


async def read_request(reader: asyncio.StreamReader) -> None:
    """Headers and body (the client always sends a Content-Length)."""
    head = await reader.readuntil(b"\r\n\r\n")
    for line in head.decode("latin-1").split("\r\n"):
        name, _, value = line.partition(":")
        if name.lower() == "content-length":
            await reader.readexactly(int(value))


async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await read_request(reader)  # then close without answering


async def test_connection_refused_is_unavailable() -> None:
    client = MazeClient(f"http://127.0.0.1:{free_port()}", retries=1, backoff_s=0.01)
    with pytest.raises(EngineUnavailable) as caught:
        await client.complete(PY)
    assert isinstance(caught.value.__cause__, httpx.ConnectError)
    await client.aclose()


async def test_a_dropped_connection_is_retried() -> None:
    async with tcp_server(hang_up) as (url, connections):
        client = MazeClient(url, retries=2, backoff_s=0.01)
        with pytest.raises(EngineUnavailable) as caught:
            await client.complete(PY)
        assert isinstance(caught.value.__cause__, httpx.RemoteProtocolError)
        assert len(connections) == 3
        await client.aclose()


async def test_a_read_timeout_is_not_retried() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        await asyncio.sleep(10)

    async with tcp_server(silent) as (url, connections):
        client = MazeClient(url, read_timeout_s=0.2, retries=2)
        started = time.monotonic()
        with pytest.raises(EngineTimeout) as caught:
            await client.complete(PY)
        assert isinstance(caught.value.__cause__, httpx.ReadTimeout)
        assert len(connections) == 1 and time.monotonic() - started < 2
        await client.aclose()


async def test_the_deadline_bounds_the_wait() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        await asyncio.sleep(10)

    async with tcp_server(silent) as (url, _connections):
        client = MazeClient(url, read_timeout_s=30.0)
        started = time.monotonic()
        with pytest.raises(EngineTimeout):
            await client.complete(PY, deadline=time.monotonic() + 0.3)
        assert time.monotonic() - started < 2
        await client.aclose()


async def test_cancelling_the_caller_closes_the_request() -> None:
    received = asyncio.Event()
    closed = asyncio.Event()

    async def watch(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        received.set()
        if await reader.read(1) == b"":  # EOF: the client closed the connection
            closed.set()

    async with tcp_server(watch) as (url, _connections):
        client = MazeClient(url, read_timeout_s=30.0)
        task = asyncio.create_task(client.complete(PY))
        await asyncio.wait_for(received.wait(), 5)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await asyncio.wait_for(closed.wait(), 5)
        await client.aclose()


async def test_a_cold_gateway_is_retried_until_the_app_answers(make_app: Callable[..., FastAPI]) -> None:
    gateway = FakeModalGateway(make_app(), cold_requests=2, cold_status=503)
    client = MazeClient("http://maze.test", transport=httpx.ASGITransport(app=gateway), retries=2, backoff_s=0.01)
    data = await client.complete(PY)
    assert data["level"] == "file" and gateway.seen == 3
    await client.aclose()


async def test_a_gateway_error_after_the_last_retry_is_unavailable(make_app: Callable[..., FastAPI]) -> None:
    gateway = FakeModalGateway(make_app(), cold_requests=10, cold_status=502)
    client = MazeClient("http://maze.test", transport=httpx.ASGITransport(app=gateway), retries=1, backoff_s=0.01)
    with pytest.raises(EngineUnavailable, match="HTTP 502"):
        await client.complete(PY)
    assert gateway.seen == 2
    await client.aclose()


async def test_a_body_that_is_not_json_is_unavailable() -> None:
    async def not_json(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: 6\r\n\r\n<html>")
        await writer.drain()

    async with tcp_server(not_json) as (url, _connections):
        client = MazeClient(url)
        with pytest.raises(EngineUnavailable, match="not JSON"):
            await client.health()
        await client.aclose()


async def drip_body(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Headers at once, then the body one byte every 0.3 s (for at most 10 s): no single read times out."""
    await read_request(reader)
    body = b'{"text": "x", "finish_reason": "stop", "level": "file"}' + b" " * 200
    writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n" % len(body))
    for byte in body[:33]:
        writer.write(bytes([byte]))
        await writer.drain()
        await asyncio.sleep(0.3)


async def test_the_deadline_bounds_a_body_that_arrives_a_byte_at_a_time() -> None:
    async with tcp_server(drip_body) as (url, _connections):
        client = MazeClient(url, read_timeout_s=2.0)
        started = time.monotonic()
        with pytest.raises(EngineTimeout):
            await client.complete(PY, deadline=time.monotonic() + 1.5)
        elapsed = time.monotonic() - started
        await client.aclose()
    print(f"a body dripping a byte every 0.3 s, deadline 1.5 s: EngineTimeout after {elapsed:.2f} s")
    assert elapsed < 1.7, f"the call took {elapsed:.1f} s against a 1.5 s deadline"
