"""The remote engine: the `Engine` protocol over HTTP to `maze serve` (or its Modal deployment).

A thin wrapper over `maze_inference.client`, which owns timeouts, retries and error translation.
The service runs the same `complete_at` (constraint, post-processing, parse check) on a document
rebuilt from the context's prefix and suffix windows, and the language server checks the answer
again against the whole file, so a remote completion carries the same guarantee as a local one.
The bearer token is read from the environment variable named by `token_env`, never from settings.
"""

from __future__ import annotations

import os
import time
from collections.abc import AsyncIterator
from typing import Any

from maze_inference.client import MazeClient
from maze_inference.constraint.cursor import ConstraintLevel
from maze_inference.decoding import FinishReason
from maze_inference.engines.base import (
    CompletionRequest,
    CompletionResult,
    GenerateRequest,
    GenerateResult,
    Timings,
    whole_text,
)
from maze_inference.errors import EngineUnavailable


def _remaining_ms(deadline: float | None) -> int | None:
    """The server's own deadline: what is left of ours, so it stops working when we stop waiting."""
    return None if deadline is None else max(1, int((deadline - time.monotonic()) * 1000))


def _timings(data: dict[str, Any]) -> Timings:
    fields = Timings.__dataclass_fields__
    return Timings(**{k: float(v) if k != "reused_tokens" else int(v)
                      for k, v in (data.get("timings") or {}).items() if k in fields})


class RemoteEngine:
    name = "remote"

    def __init__(self, endpoint: str, *, token_env: str = "MAZE_API_KEY", timeout_s: float = 2.0,
                 client: MazeClient | None = None) -> None:
        self.endpoint = endpoint
        self.timeout_s = timeout_s
        self._client = client or MazeClient(endpoint, token=os.environ.get(token_env) or None,
                                            connect_timeout_s=min(timeout_s, 2.0), read_timeout_s=max(timeout_s, 5.0))
        self._ready = False
        self._remote_model = ""

    @property
    def model_name(self) -> str:
        return f"{self._remote_model or '?'} at {self.endpoint}"

    @property
    def ready(self) -> bool:
        return self._ready

    async def load(self) -> None:
        """Warm-up ping: reachable (and authorised for `/health`'s open data) means ready."""
        info = await self._client.health(deadline=time.monotonic() + max(self.timeout_s, 5.0))
        self._remote_model = str(info.get("model", ""))
        self._ready = True

    async def complete(self, request: CompletionRequest) -> CompletionResult:
        context = request.context
        body = {
            "prefix": context.prefix,
            "suffix": context.suffix,
            "language": context.language,
            "mode": context.mode.value,
            "max_tokens": request.max_tokens,
            "temperature": request.temperature,
            "stop": list(request.stop),
            "constrained": request.constrained,
            "seed": request.seed,
            "timeout_ms": _remaining_ms(request.deadline),
        }
        if request.repository is not None:  # the service builds the prompt with it, as a local engine does
            repo = request.repository
            body["repository"] = {"name": repo.name, "path": repo.path,
                                  "files": [{"path": f.path, "text": f.text} for f in repo.files]}
        data = await self._client.complete(body, deadline=request.deadline)
        self._ready = True
        return CompletionResult(
            text=data.get("text") or "",
            finish_reason=FinishReason.parse(data.get("finish_reason")),
            level=ConstraintLevel.parse(data.get("level")),
            prompt_tokens=int(data.get("prompt_tokens", 0)),
            completion_tokens=int(data.get("completion_tokens", 0)),
            timings=_timings(data),
            engine=f"{self.name}:{data.get('engine', '?')}",
        )

    def generate_stream(self, request: GenerateRequest) -> AsyncIterator[str | GenerateResult]:
        return whole_text(self.generate(request))

    async def generate(self, request: GenerateRequest) -> GenerateResult:
        body: dict[str, Any] = {
            "prompt": request.prompt,
            "max_tokens": request.max_tokens,
            "temperature": request.temperature,
            "stop": list(request.stop),
            "seed": request.seed,
            "timeout_ms": _remaining_ms(request.deadline),
        }
        if request.grammar is None:
            body["constrained"] = False
        else:
            body["llguidance"] = request.grammar
        data = await self._client.generate(body, deadline=request.deadline)
        if "text" not in data:
            raise EngineUnavailable("the remote answered without a text")
        return GenerateResult(
            text=str(data["text"]),
            finish_reason=FinishReason.parse(data.get("finish_reason")),
            prompt_tokens=int(data.get("prompt_tokens", 0)),
            completion_tokens=int(data.get("completion_tokens", 0)),
            timings=_timings(data),
            engine=f"{self.name}:{data.get('engine', '?')}",
        )

    async def close(self) -> None:
        await self._client.aclose()
