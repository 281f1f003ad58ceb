"""HTTP statuses for the maze error tree: the one table every error response goes through.

The service adds three errors of its own, beside the tree in `maze_inference.errors`:

    MazeError
    ├── ... (maze_inference.errors)
    └── ServiceError             a request the HTTP layer refuses before any engine work
        ├── Unauthorized         401: `MAZE_API_KEY` is set and the bearer token is missing or wrong
        ├── PayloadTooLarge      413: the body (or a grammar in it) is over its size limit
        └── InvalidRequest       422: well-formed JSON with a value outside what this server accepts

Every error body is `{"error": code, "message": text}`; the code is stable for clients, the text is
for people. Messages never echo the request's code or credentials.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from maze_inference.errors import (
    CompletionRejected,
    ContextError,
    EngineError,
    EngineTimeout,
    EngineUnavailable,
    GrammarError,
    InvalidParameters,
    MazeError,
    UnsupportedLanguage,
)

log = logging.getLogger(__name__)


class ServiceError(MazeError):
    """A request refused by the HTTP layer itself."""


class Unauthorized(ServiceError):
    pass


class PayloadTooLarge(ServiceError):
    pass


class InvalidRequest(ServiceError):
    pass


# Most specific first: the first matching row wins.
STATUSES: tuple[tuple[type[MazeError], int, str], ...] = (
    (Unauthorized, 401, "unauthorized"),
    (PayloadTooLarge, 413, "payload_too_large"),
    (InvalidRequest, 422, "invalid_request"),
    (InvalidParameters, 422, "invalid_request"),
    (UnsupportedLanguage, 400, "unsupported_language"),
    (GrammarError, 400, "invalid_grammar"),
    (ContextError, 400, "invalid_context"),
    (CompletionRejected, 422, "completion_rejected"),
    (EngineTimeout, 504, "deadline_exceeded"),
    (EngineUnavailable, 503, "engine_unavailable"),
    (EngineError, 503, "engine_error"),
    (MazeError, 500, "internal_error"),
)

_HTTP_CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 415: "unsupported_media_type"}


def status_of(exc: MazeError) -> tuple[int, str]:
    for kind, status, code in STATUSES:
        if isinstance(exc, kind):
            return status, code
    return 500, "internal_error"


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": code, "message": message}, status_code=status, headers=headers)


def maze_error_response(exc: MazeError) -> JSONResponse:
    status, code = status_of(exc)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else {"Retry-After": "1"} if status == 503 else None
    return error_response(status, code, str(exc), headers)


def install_handlers(app: FastAPI) -> None:
    """The exception handlers: the maze tree, FastAPI's validation errors, Starlette's HTTP errors.

    Anything else is answered by `CatchAllMiddleware`, which the app installs innermost.
    """

    @app.exception_handler(MazeError)
    async def _maze(_request: Request, exc: MazeError) -> JSONResponse:
        return maze_error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(422, "invalid_request", describe_validation(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return error_response(exc.status_code, _HTTP_CODES.get(exc.status_code, "http_error"), str(exc.detail),
                              getattr(exc, "headers", None))



class CatchAllMiddleware:
    """Answer an unexpected exception with a 500 and keep the connection.

    Why not `@app.exception_handler(Exception)`: Starlette runs that handler in its outermost
    middleware and then re-raises, and uvicorn answers a re-raised exception by closing the
    connection, so the client's next request on that keep-alive connection was reset.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:  # the last line of defence: every request gets an answer
            log.error("unhandled error on %s %s", scope.get("method"), scope.get("path"), exc_info=exc)
            if not started:
                response = error_response(500, "internal_error", "internal error; the server log has the details")
                await response(scope, receive, send)


def describe_validation(exc: RequestValidationError) -> str:
    """`field: problem` per error, without echoing the offending values (they may be user code)."""
    parts = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error.get("loc", ()) if p != "body") or "body"
        parts.append(f"{where}: {error.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"
