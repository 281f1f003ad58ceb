"""Reading JSON-RPC frames from the client: resynchronise after a bad frame, never go deaf.

Why not pygls' reader: after one frame whose `Content-Length` was missing, not a number (`abc`,
`-5`), too short, or whose headers ended in LF only, it read the next messages' headers as part of
a body (or a body as a header line) and never matched a header again: the process stayed alive and
answered nothing. Here:

* Headers end at a blank line, with CRLF or LF line breaks (LF-only is accepted and logged once).
* A frame whose headers are not `Name: value` lines or have no valid `Content-Length` is reported
  (one log line), the JSON value that follows it is read by its own syntax and, if it is a request,
  answered with InvalidRequest (-32600) saying what was wrong with its frame; then reading resumes at
  the next `Content-Length` header.
* A body that is not JSON (for instance cut short by a too-small length) is answered with ParseError
  (-32700), with the request's id when the text before the cut names one (else id null, as JSON-RPC
  asks); the rest of the cut body is skipped up to the next header.
* A body longer than what the client sent (a too-large length) is noticed when the stream stalls for
  `STALL_S` with a complete JSON value buffered: that message is answered with InvalidRequest and the
  bytes after it are read as the next frames, which the too-large length would have swallowed.

Every lost request is thus answered; when the stream ends, `serve` returns and the server exits with
the code the lifecycle gives (`lifecycle.py`: 1 unless `shutdown` came first), with a log line.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, BinaryIO

log = logging.getLogger(__name__)

MAX_HEADER_BYTES = 8 * 1024
MAX_BODY_BYTES = 512 << 20  # a 5 MB document is ~10 MB of JSON; far beyond this is not a client
STALL_S = 0.5  # a body still short after this long without new bytes: check for a too-large length
_HEADER_END = re.compile(rb"\r?\n\r?\n")
_TOKEN = rb"[A-Za-z0-9!#$%&'*+.^_`|~-]+"  # an HTTP header name
_HEADER_LINE = re.compile(rb"(" + _TOKEN + rb")[ \t]*:[ \t]*(.*?)[ \t]*")
_NEXT_HEADER = re.compile(rb"content-length[ \t]*:", re.IGNORECASE)
_REQUEST_ID = re.compile(rb'"id"\s*:\s*(-?\d{1,15}|"(?:[^"\\]|\\.){0,200}")')
_SKIPPABLE = b" \t\r\n"


@dataclass(frozen=True)
class Frame:
    """A well-framed body (its JSON may still be invalid)."""

    body: bytes


@dataclass(frozen=True)
class BadFrame:
    """A frame that could not be read as sent: why, and the message recovered from it, if any."""

    reason: str
    message: Any = None  # the decoded JSON value that followed the bad headers, when there was one


Read = Callable[[float | None], Awaitable[bytes | None]]  # more bytes (b"" at EOF), None when `timeout` passed


class FrameReader:
    """Frames from a byte stream; `next()` returns a Frame, a BadFrame, or None at the end of the stream."""

    def __init__(self, read: Read) -> None:
        self._read = read
        self._buffer = bytearray()
        self._eof = False
        self._warned_lf = False

    async def _fill(self, timeout: float | None = None) -> bool:
        """Append what arrives; False at EOF or when `timeout` passed with nothing new."""
        if self._eof:
            return False
        chunk = await self._read(timeout)
        if chunk is None:
            return False
        if not chunk:
            self._eof = True
            return False
        self._buffer += chunk
        return True

    async def next(self) -> Frame | BadFrame | None:
        while True:
            self._skip_blank()
            if not self._buffer:
                if not await self._fill():
                    return None
                continue
            if self._buffer[:1] in (b"{", b"["):
                return await self._recover("a message without headers")
            end = _HEADER_END.search(self._buffer)
            if end is None or end.start() > MAX_HEADER_BYTES:
                if len(self._buffer) > MAX_HEADER_BYTES or not self._looks_like_headers():
                    return await self._resync("bytes that are not a header")
                if not await self._fill():
                    return None
                continue
            head = bytes(self._buffer[: end.start()])
            if (end.group() != b"\r\n\r\n" or re.search(rb"(?<!\r)\n", head)) and not self._warned_lf:
                self._warned_lf = True
                log.warning("the client ends header lines with LF only (the LSP asks for CRLF); accepted")
            length, problem, bad_line = self._content_length(head)
            if bad_line:  # e.g. the rest of a body cut short by its length, glued to the next header
                return await self._resync(problem or "")
            del self._buffer[: end.end()]
            if problem is not None:
                return await self._recover(problem)
            return await self._body(length)

    def _skip_blank(self) -> None:
        start = 0
        while start < len(self._buffer) and self._buffer[start] in _SKIPPABLE:
            start += 1
        del self._buffer[:start]

    def _looks_like_headers(self) -> bool:
        first = bytes(self._buffer.split(b"\n", 1)[0])
        return bool(re.match(_TOKEN + rb"[ \t]*(:|$)", first))

    @staticmethod
    def _content_length(head: bytes) -> tuple[int, str | None, bool]:
        """(length, problem, whether a line is not a header at all)."""
        length: int | None = None
        for line in re.split(rb"\r?\n", head):
            match = _HEADER_LINE.fullmatch(line)
            if match is None:
                return 0, f"a header line that is not 'Name: value': {line[:60]!r}", True
            if match.group(1).lower() == b"content-length":
                if not re.fullmatch(rb"\d{1,10}", match.group(2)) or int(match.group(2)) > MAX_BODY_BYTES:
                    return 0, f"Content-Length {match.group(2)[:20].decode('latin-1')!r} is not a length", False
                length = int(match.group(2))
        if length is None:
            return 0, "no Content-Length header", False
        return length, None, False

    async def _body(self, length: int) -> Frame | BadFrame | None:
        while len(self._buffer) < length:
            if await self._fill(STALL_S):
                continue
            if self._eof:
                log.error("the stream ended inside a message (%d of %d bytes)", len(self._buffer), length)
                return None
            value, used = _json_prefix(self._buffer)  # stalled: a too-large Content-Length?
            if value is not None:
                del self._buffer[:used]
                return self._bad(f"Content-Length {length} but the message ended after {used} bytes", value)
        body = bytes(self._buffer[:length])
        del self._buffer[:length]
        if body.rstrip()[-1:] not in (b"}", b"]"):  # not the end of a JSON message: a too-large length?
            value, used = _json_prefix(bytearray(body))
            if value is not None:
                self._buffer[:0] = body[used:]  # what the length swallowed is the next frame
                return self._bad(f"Content-Length {length} but the message ended after {used} bytes", value)
        return Frame(body)

    async def _recover(self, problem: str) -> BadFrame | None:
        """After bad headers: the JSON value that follows is the lost message (waited for while it arrives)."""
        while True:
            self._skip_blank()
            value, used = _json_prefix(self._buffer)
            if value is not None:
                del self._buffer[:used]
                return self._bad(problem, value)
            if self._buffer[:1] not in (b"", b"{", b"[") or _NEXT_HEADER.search(self._buffer):
                return await self._resync(problem)  # no message (or no complete one) before the next frame
            if not await self._fill(STALL_S) and self._eof:
                return None
            if not self._buffer:
                return self._bad(problem)

    async def _resync(self, what: str) -> BadFrame | None:
        """Skip to the next `Content-Length` header."""
        skipped = 0
        while True:
            match = _NEXT_HEADER.search(self._buffer, 1)
            if match is not None:
                skipped += match.start()
                del self._buffer[: match.start()]
                return self._bad(f"{what}; skipped {skipped} bytes to the next header")
            keep = 20  # a header name split across reads
            cut = max(0, len(self._buffer) - keep)
            skipped += cut
            del self._buffer[:cut]
            if not await self._fill():
                return None

    @staticmethod
    def _bad(reason: str, message: Any = None) -> BadFrame:
        log.error("badly framed message from the client: %s", reason)
        return BadFrame(reason, message)


def _json_prefix(data: bytearray) -> tuple[Any, int]:
    """The JSON object at the start of `data` and its length in bytes, or (None, 0) if there is none (yet)."""
    if not data or data[0:1] not in (b"{", b"["):
        return None, 0
    text = bytes(data).decode("utf-8", "surrogateescape")
    try:
        value, end = json.JSONDecoder().raw_decode(text)
    except ValueError:
        return None, 0
    return value, len(text[:end].encode("utf-8", "surrogateescape"))


def lost_request_id(body: bytes) -> int | str | None:
    """The id a request that cannot be parsed seems to carry (so its sender gets its answer)."""
    match = _REQUEST_ID.search(body)
    if match is None:
        return None
    try:
        value = json.loads(match.group(1))
    except ValueError:
        return None
    return value if isinstance(value, int | str) else None


def request_id_of(message: Any) -> int | str | None:
    """The id of a decoded request (not of a response or notification)."""
    if isinstance(message, dict) and "method" in message and isinstance(message.get("id"), int | str):
        return message["id"]
    return None


def stdin_reader(stream: BinaryIO) -> Read:
    """Reads of `stream` on a daemon thread, handed to the event loop: they can then time out."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    fd = stream.fileno()

    def pump() -> None:
        import os

        while True:
            try:
                chunk = os.read(fd, 1 << 16)
            except OSError:
                chunk = b""
            loop.call_soon_threadsafe(queue.put_nowait, chunk)
            if not chunk:
                return

    threading.Thread(target=pump, name="maze-stdin", daemon=True).start()

    async def read(timeout: float | None) -> bytes | None:
        try:
            return await asyncio.wait_for(queue.get(), timeout)
        except TimeoutError:
            return None

    return read


def stream_reader(reader: asyncio.StreamReader) -> Read:
    async def read(timeout: float | None) -> bytes | None:
        try:
            return await asyncio.wait_for(reader.read(1 << 16), timeout)
        except TimeoutError:
            return None

    return read
