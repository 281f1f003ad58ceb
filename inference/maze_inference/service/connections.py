"""uvicorn for the service: read timeouts for headers and bodies, and a connection limit.

Why: uvicorn times out only idle keep-alive connections. A client that sends its headers, or its
body, one byte at a time (or a chunked body that never ends) kept a connection and a request task
open for as long as it liked; 60 such connections were all still open after a minute. Here each
request's headers must arrive within `header_timeout_s` of the connection opening (or of the
previous response), and its body within `body_timeout_s` of its headers; otherwise the server
answers 408 and closes the connection. `max_connections` is uvicorn's `limit_concurrency`: past it,
new requests get 503 at once instead of piling up.

The protocol is uvicorn's h11 implementation with two timers added; the service pins it (rather
than uvicorn's "auto", which picks httptools when installed) so that the timers always apply.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from maze_inference.service.settings import ServiceSettings

log = logging.getLogger(__name__)

_TIMEOUT_408 = b"HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\nconnection: close\r\n"


def _timeout_response(what: str, seconds: float) -> bytes:
    body = b'{"error": "request_timeout", "message": "the request\'s %s did not arrive within %g s"}' % (
        what.encode(), seconds)
    return _TIMEOUT_408 + b"content-length: %d\r\n\r\n" % len(body) + body


class TimedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline for each request's headers and one for its body."""

    header_timeout_s = 10.0
    body_timeout_s = 30.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._read_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm(self.header_timeout_s, self._headers_late)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def handle_events(self) -> None:
        cycle = self.cycle
        super().handle_events()
        if self.cycle is not cycle:  # a new request's headers were parsed: its body is timed next
            self._arm(self.body_timeout_s, self._body_late)

    def on_response_complete(self) -> None:
        cycle = self.cycle
        super().on_response_complete()
        if self.cycle is cycle and not self.transport.is_closing():  # no pipelined request started meanwhile
            self._arm(self.header_timeout_s, self._headers_late)  # the next request's headers

    def _arm(self, seconds: float, callback: Any) -> None:
        self._disarm()
        self._read_timer = self.loop.call_later(seconds, callback)

    def _disarm(self) -> None:
        if self._read_timer is not None:
            self._read_timer.cancel()
            self._read_timer = None

    def _headers_late(self) -> None:
        """No complete request line and headers in time: 408 if something was sent, then close."""
        self._read_timer = None
        if self.transport.is_closing() or (self.cycle is not None and not self.cycle.response_complete):
            return
        if self.conn.their_state is h11.SEND_BODY:  # headers done, body in progress: the body timer runs
            return
        if self.conn.trailing_data[0] or self.conn.their_state is not h11.IDLE:
            self.transport.write(_timeout_response("headers", self.header_timeout_s))
        log.info("closing a connection whose request headers took over %g s", self.header_timeout_s)
        self.transport.close()

    def _body_late(self) -> None:
        """The body is still arriving: tell the app the client is gone, answer 408 if nothing was sent."""
        self._read_timer = None
        cycle = self.cycle
        if cycle is None or self.transport.is_closing() or self.conn.their_state is not h11.SEND_BODY:
            return
        started = cycle.response_started
        cycle.disconnected = True  # the app's receive() now returns http.disconnect and its sends are dropped
        cycle.message_event.set()
        if not started:
            self.transport.write(_timeout_response("body", self.body_timeout_s))
        log.info("closing a connection whose request body took over %g s", self.body_timeout_s)
        self.transport.close()


def uvicorn_config(app: Any, settings: ServiceSettings, host: str, port: int, log_level: str) -> uvicorn.Config:
    """The uvicorn configuration with the service's read timeouts and connection limit."""
    protocol = type("ServiceH11Protocol", (TimedH11Protocol,), {
        "header_timeout_s": settings.header_timeout_s, "body_timeout_s": settings.body_timeout_s})
    log.info("read limits: header timeout %.1f s, body timeout %.1f s, at most %d connections",
             settings.header_timeout_s, settings.body_timeout_s, settings.max_connections)
    return uvicorn.Config(app, host=host, port=port, http=protocol, limit_concurrency=settings.max_connections,
                          log_level=log_level, access_log=False)  # our own line per request; never the code
