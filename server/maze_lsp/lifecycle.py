"""The LSP lifecycle (initialize, shutdown, exit) as the spec states it, and the loop that serves a stream.

Why: pygls processed requests that came before `initialize`; after a `shutdown` it dropped every
request silently (the client waited forever, also for a second `shutdown`), so a `shutdown` sent
before `initialize` left the following `initialize` unanswered; and `exit` without `shutdown` ended
the process with status 0. The spec's rules, enforced here before pygls sees a message:

* before `initialize`: requests get ServerNotInitialized (-32002), notifications are dropped, `exit`
  ends the process (status 1);
* a second `initialize`: InvalidRequest;
* after `shutdown`: every request (a second `shutdown` too) gets InvalidRequest, notifications are
  dropped, `exit` ends the process with status 0;
* `exit` without `shutdown`, or the client closing the stream without them: status 1.
"""

from __future__ import annotations

import enum
import json
import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from maze_lsp.framing import BadFrame, Frame, FrameReader, Read, lost_request_id, request_id_of

if TYPE_CHECKING:
    from pygls.protocol import JsonRPCProtocol

log = logging.getLogger(__name__)

SERVER_NOT_INITIALIZED = -32002
INVALID_REQUEST = -32600
PARSE_ERROR = -32700
_MAYBE_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]|\xed[\xa0-\xbf]")


class Stage(enum.Enum):
    NEW = "new"
    RUNNING = "running"
    SHUT_DOWN = "shut down"


@dataclass(frozen=True)
class Refusal:
    code: int
    message: str


PROCEED = object()
DROP = object()


class Lifecycle:
    def __init__(self) -> None:
        self.stage = Stage.NEW
        self.exit_code: int | None = None  # set by `exit`: the serving loop stops

    def admit(self, method: str | None, is_request: bool) -> object:
        """PROCEED, DROP, or a Refusal to answer the request with."""
        if method is None:  # a response to one of our requests
            return PROCEED
        if method == "exit":
            self.exit_code = 0 if self.stage is Stage.SHUT_DOWN else 1
            log.info("exit received %s shutdown: exiting with status %d",
                     "after" if self.exit_code == 0 else "without", self.exit_code)
            return DROP
        if self.stage is Stage.NEW:
            if method == "initialize" and is_request:
                self.stage = Stage.RUNNING
                return PROCEED
            return Refusal(SERVER_NOT_INITIALIZED, f"{method} before initialize") if is_request else DROP
        if self.stage is Stage.SHUT_DOWN:
            return Refusal(INVALID_REQUEST, f"{method} after shutdown: only exit is accepted") if is_request else DROP
        if method == "initialize":
            return Refusal(INVALID_REQUEST, "initialize was already received")
        if method == "shutdown":
            self.stage = Stage.SHUT_DOWN
        return PROCEED

    def status_at_end_of_stream(self) -> int:
        if self.exit_code is not None:
            return self.exit_code
        status = 0 if self.stage is Stage.SHUT_DOWN else 1
        log.error("the client closed the connection without %s; exiting with status %d",
                  "exit" if status == 0 else "shutdown and exit", status)
        return status


async def serve(protocol: JsonRPCProtocol, lifecycle: Lifecycle, read: Read) -> int:
    """Read and dispatch frames until `exit` or the end of the stream; the process's exit status."""
    frames = FrameReader(read)
    while lifecycle.exit_code is None:
        item = await frames.next()
        if item is None:
            return lifecycle.status_at_end_of_stream()
        if isinstance(item, BadFrame):
            _answer_lost(protocol, item)
        else:
            _dispatch(protocol, item)
    return lifecycle.exit_code


def _answer_lost(protocol: JsonRPCProtocol, frame: BadFrame) -> None:
    msg_id = request_id_of(frame.message)
    if msg_id is not None:
        _send_error(protocol, msg_id, INVALID_REQUEST, f"badly framed message, not processed: {frame.reason}")


def _dispatch(protocol: JsonRPCProtocol, frame: Frame) -> None:
    body = frame.body
    try:
        if _MAYBE_SURROGATE.search(body):
            body = _without_lone_surrogates(body)
        message = json.loads(body, object_hook=protocol.structure_message)
    except ValueError as exc:
        log.error("a message that is not JSON: %s", exc)
        _send_error(protocol, lost_request_id(body), PARSE_ERROR, f"the message is not JSON: {exc}")
        return
    except Exception:  # pygls could not structure a notification: logged, the stream goes on
        log.warning("could not read a message", exc_info=True)
        return
    try:
        protocol.handle_message(message)
    except Exception:  # one message must not end the server
        log.exception("could not handle a message")


def _without_lone_surrogates(body: bytes) -> bytes:
    """JSON may spell lone surrogates (`"\\ud800"`); Python decodes them into text no encoder takes.

    They become U+FFFD, which is one UTF-16 unit like the surrogate, so positions the client sends
    later still point where it means. Text without them comes back unchanged.
    """
    value = json.loads(body)
    fixed = _replace(value)
    if fixed == value:
        return body
    log.warning("a message held lone surrogates (not Unicode); they were replaced by U+FFFD")
    return json.dumps(fixed).encode()


def _replace(value: Any) -> Any:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
            return value
        except UnicodeEncodeError:
            return value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    if isinstance(value, list):
        return [_replace(v) for v in value]
    if isinstance(value, dict):
        return {_replace(k): _replace(v) for k, v in value.items()}
    return value


def _send_error(protocol: JsonRPCProtocol, msg_id: int | str | None, code: int, message: str) -> None:
    protocol._send_data({"jsonrpc": "2.0", "id": msg_id, "error": {"code": code, "message": message[:500]}})
