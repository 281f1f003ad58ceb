"""Server-Sent Events for `"stream": true`, and the one log line per request.

Apart from `app.py` so that the app module holds the routes and the service's shared steps only.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from fastapi.responses import StreamingResponse

from maze_inference.engines.base import Engine, GenerateRequest
from maze_inference.errors import EngineTimeout, MazeError
from maze_inference.languages import Language
from maze_inference.service.errors import status_of
from maze_inference.service.request_grammars import RequestGrammar
from maze_inference.service.schemas import CompleteBody, CompleteResponse, GenerateResponse

if TYPE_CHECKING:
    from maze_inference.service.app import Service

log = logging.getLogger("maze_inference.service.app")  # the request lines keep their logger name


def sse(event: str, data: dict[str, Any]) -> bytes:
    return f"event: {event}\ndata: {json.dumps(data)}\n\n".encode()


def error_event(exc: BaseException) -> bytes:
    if isinstance(exc, MazeError):
        _status, code = status_of(exc)
        return sse("error", {"error": code, "message": str(exc)})
    log.error("error while streaming", exc_info=exc)
    return sse("error", {"error": "internal_error", "message": "internal error; the server log has the details"})


def streaming(events: AsyncIterator[bytes]) -> StreamingResponse:
    return StreamingResponse(events, media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


async def complete_events(service: Service, engine: Engine, language: Language, body: CompleteBody, deadline: float,
                           rid: str, started: float) -> AsyncIterator[bytes]:
    try:
        response = await service.complete(engine, language, body, deadline)
    except Exception as exc:  # noqa: BLE001 - a stream already started: every failure becomes an error event
        yield error_event(exc)
        return
    if response.text:
        yield sse("delta", {"text": response.text})
    yield sse("done", response.model_dump())
    log_complete(rid, response, started)


async def generate_events(service: Service, engine: Engine, request: GenerateRequest, language: Language | None,
                           grammar: RequestGrammar, deadline: float, rid: str, started: float) -> AsyncIterator[bytes]:
    try:
        async for item in _each_within(deadline, engine.generate_stream(request)):
            if isinstance(item, str):
                yield sse("delta", {"text": item})
            else:
                response = await service.generate_response(engine, item, language, grammar, started)
                yield sse("done", response.model_dump())
                log_generate(rid, response, started)
    except Exception as exc:  # noqa: BLE001 - as above
        yield error_event(exc)


async def _each_within(deadline: float, items: AsyncIterator[Any]) -> AsyncIterator[Any]:
    """`items`, each awaited within the deadline (plus a moment for an engine that stops itself).

    Not one timeout around the loop: this generator is suspended at every `yield` while the
    response is written, and a timeout must not fire into the writer.
    """
    iterator = aiter(items)
    while True:
        remaining = deadline - time.monotonic() + 0.25
        try:
            item = await asyncio.wait_for(anext(iterator), max(0.0, remaining))
        except StopAsyncIteration:
            return
        except TimeoutError:
            raise EngineTimeout("the request's deadline passed before the engine answered") from None
        yield item


def log_complete(rid: str, r: CompleteResponse, started: float) -> None:
    """One line per request: sizes and timings, never the code."""
    log.info("complete %s lang=%s level=%s finish=%s tokens=%d+%d shown=%s dropped=%s total=%.1fms",
             rid, r.language, r.level, r.finish_reason, r.prompt_tokens, r.completion_tokens, r.text is not None,
             r.dropped, (time.perf_counter() - started) * 1e3)


def log_generate(rid: str, r: GenerateResponse, started: float) -> None:
    log.info("generate %s lang=%s grammar=%s finish=%s tokens=%d+%d valid=%s total=%.1fms", rid, r.language,
             r.grammar, r.finish_reason, r.prompt_tokens, r.completion_tokens, r.validation.valid,
             (time.perf_counter() - started) * 1e3)
