"""Async client of `maze serve`: timeouts, retries for transient failures, errors as the maze tree.

Nothing above this module sees an httpx type. Transport failures are translated in one place
(`_translate`), chained with `from` so the cause stays in tracebacks:

    httpx.TimeoutException (connect/read/write/pool)  -> EngineTimeout
    httpx.TransportError   (refused, reset, protocol)  -> EngineUnavailable

and HTTP statuses in another (`_raise_for_status`): 400 keeps its meaning (`GrammarError`,
`ContextError`, or `EngineUnavailable` for a language the server lacks, so the editor falls back
to a local engine that has it), 401/403/413/422/429/5xx become `EngineUnavailable` (504:
`EngineTimeout`).

The deadline bounds the whole call, not each read (`asyncio.timeout` around everything).
Retries: connection failures and 502/503/504 are retried with exponential backoff, within the
request's deadline; other 4xx never are (the same request would fail the same way), and a read
timeout is not (the server may still be working on it; a retry would double its load).
Cancelling the awaiting task cancels the request: httpx closes the connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx

from maze_inference.errors import ContextError, EngineTimeout, EngineUnavailable, GrammarError

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({502, 503, 504})
_RETRY_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.RemoteProtocolError, httpx.ReadError,
                 httpx.WriteError)


@contextlib.contextmanager
def _translate(what: str) -> Iterator[None]:
    """httpx's transport errors -> the maze tree (the only place that catches httpx exceptions)."""
    try:
        yield
    except httpx.TimeoutException as exc:
        raise EngineTimeout(f"{what}: timed out ({type(exc).__name__})") from exc
    except httpx.TransportError as exc:
        raise EngineUnavailable(f"{what}: {type(exc).__name__}: {exc or 'connection failed'}") from exc


def _raise_for_status(response: httpx.Response, what: str) -> None:
    status = response.status_code
    if status < 400:
        return
    code, message = _error_body(response)
    if status == 400 and code == "invalid_grammar":
        raise GrammarError(message)
    if status == 400 and code == "invalid_context":
        raise ContextError(message)
    if status == 504:
        raise EngineTimeout(f"{what}: the server's deadline passed ({message})")
    if status in (401, 403):
        raise EngineUnavailable(f"{what}: the server refused the token ({message}); check the API key variable")
    raise EngineUnavailable(f"{what}: HTTP {status} {code}: {message}")


def _error_body(response: httpx.Response) -> tuple[str, str]:
    try:
        body = response.json()
        return str(body.get("error", "error")), str(body.get("message", ""))
    except ValueError:
        return "error", response.text[:200]


def _json(response: httpx.Response, what: str) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError as exc:
        raise EngineUnavailable(f"{what}: the server sent a body that is not JSON") from exc
    if not isinstance(body, dict):
        raise EngineUnavailable(f"{what}: the server sent {type(body).__name__}, not an object")
    return body


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class MazeClient:
    """One connection pool to one service; safe to share between concurrent requests.

    A token is sent only over https or to a loopback address: `EngineUnavailable` otherwise, before
    any connection is made (a workspace that can point the endpoint anywhere must not get it in clear).
    """

    def __init__(
        self,
        endpoint: str,
        *,
        token: str | None = None,
        connect_timeout_s: float = 2.0,
        read_timeout_s: float = 30.0,
        retries: int = 2,
        backoff_s: float = 0.1,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.read_timeout_s = read_timeout_s
        self.connect_timeout_s = connect_timeout_s
        self.retries = retries
        self.backoff_s = backoff_s
        in_process = transport is not None  # e.g. httpx.ASGITransport: nothing leaves the process
        if token and not in_process and urlsplit(self.endpoint).scheme != "https" and not is_loopback(self.endpoint):
            raise EngineUnavailable(f"refusing to send the API token over plain {urlsplit(self.endpoint).scheme} to "
                                    f"{urlsplit(self.endpoint).hostname}: use an https:// endpoint")
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._http = httpx.AsyncClient(
            base_url=self.endpoint,
            headers=headers,
            timeout=httpx.Timeout(read_timeout_s, connect=connect_timeout_s),
            transport=transport,
            trust_env=not is_loopback(self.endpoint),  # a proxy from the environment never sees loopback traffic
        )

    async def health(self, *, deadline: float | None = None) -> dict[str, Any]:
        """`GET /health`: reachability and warm/cold; also the warm-up ping of `RemoteEngine.load`."""
        return await self._request("GET", "/health", None, deadline)

    async def complete(self, body: dict[str, Any], *, deadline: float | None = None) -> dict[str, Any]:
        return await self._request("POST", "/v1/complete", body, deadline)

    async def generate(self, body: dict[str, Any], *, deadline: float | None = None) -> dict[str, Any]:
        return await self._request("POST", "/v1/generate", body, deadline)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _request(self, method: str, path: str, body: dict[str, Any] | None,
                       deadline: float | None) -> dict[str, Any]:
        """The whole call (connect, send, every read of the body, retries, parsing) within `deadline`.

        httpx's timeouts apply to each read: a server that sends one byte every 0.3 s never trips a
        2 s read timeout, and such a call once took 13.7 s against a 1.5 s deadline.
        """
        what = f"{method} {path}"
        if deadline is None:
            return await self._attempts(method, path, body, None, what)
        try:
            async with asyncio.timeout(max(0.0, deadline - time.monotonic())):
                return await self._attempts(method, path, body, deadline, what)
        except TimeoutError:
            raise EngineTimeout(f"{what}: the deadline passed before the server's answer was complete") from None

    async def _attempts(self, method: str, path: str, body: dict[str, Any] | None, deadline: float | None,
                        what: str) -> dict[str, Any]:
        for attempt in range(self.retries + 1):
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                raise EngineTimeout(f"{what}: the deadline passed before the request could be sent")
            timeout = httpx.Timeout(self._bounded(self.read_timeout_s, remaining),
                                    connect=self._bounded(self.connect_timeout_s, remaining))
            last_try = attempt == self.retries
            try:
                with _translate(what):
                    response = await self._http.request(method, path, json=body, timeout=timeout)
            except (EngineUnavailable, EngineTimeout) as exc:
                if last_try or not isinstance(exc.__cause__, _RETRY_ERRORS):
                    raise
                log.info("%s failed (%s); retrying", what, exc)
            else:
                if response.status_code not in RETRY_STATUSES or last_try:
                    _raise_for_status(response, what)
                    return _json(response, what)
                log.info("%s answered %d; retrying", what, response.status_code)
            await self._backoff(attempt, deadline)
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def _backoff(self, attempt: int, deadline: float | None) -> None:
        delay = self.backoff_s * (2**attempt)
        if deadline is not None:
            delay = min(delay, max(0.0, deadline - time.monotonic()))
        await asyncio.sleep(delay)

    @staticmethod
    def _bounded(limit: float, remaining: float | None) -> float:
        return limit if remaining is None else max(0.001, min(limit, remaining))
