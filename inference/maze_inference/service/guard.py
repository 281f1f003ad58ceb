"""Bearer auth and the body-size limit, checked before FastAPI reads or parses anything.

Both run as one ASGI middleware because they must come before routing: an unauthenticated client
should learn nothing but 401 (not even a 413 or a validation error), and an oversized body must be
refused before it is parsed: by its Content-Length when it declares one, else (chunked) after
buffering at most the limit. The token is compared in constant time (`hmac.compare_digest`).
"""

from __future__ import annotations

import hmac

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from maze_inference.service.errors import PayloadTooLarge, Unauthorized, maze_error_response

OPEN_PATHS = frozenset({"/health", "/docs", "/docs/oauth2-redirect", "/openapi.json", "/redoc"})


def bearer_token(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            return token.strip() if scheme.lower() == "bearer" else None
    return None


def is_authorized(scope: Scope, api_key: str | None) -> bool:
    if api_key is None or scope.get("path") in OPEN_PATHS:
        return True
    token = bearer_token(scope)
    return token is not None and hmac.compare_digest(token.encode("utf-8"), api_key.encode("utf-8"))


class GuardMiddleware:
    def __init__(self, app: ASGIApp, *, api_key: str | None, max_body_bytes: int) -> None:
        self.app = app
        self.api_key = api_key
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if not is_authorized(scope, self.api_key):
            message = "missing bearer token" if bearer_token(scope) is None else "invalid bearer token"
            await maze_error_response(Unauthorized(message))(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_body_bytes:
            await self._too_large(scope, receive, send)
            return
        if declared is None and scope.get("method") in ("POST", "PUT", "PATCH"):
            # A chunked body declares no length: buffer it up to the limit, then replay it.
            body = await _read_at_most(receive, self.max_body_bytes)
            if body is None:
                await self._too_large(scope, receive, send)
                return
            receive = _replay(body, receive)
        await self.app(scope, receive, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        exc = PayloadTooLarge(f"request body is over the {self.max_body_bytes}-byte limit")
        await maze_error_response(exc)(scope, receive, send)


async def _read_at_most(receive: Receive, limit: int) -> bytes | None:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks)
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """The buffered body once, then the real channel (so a disconnect is still noticed)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
