"""The engine interface: one async protocol for the embedded, Transformers and remote engines.

Requests and results are frozen values so they can cross threads and the network unchanged.
Cancellation is asyncio's: cancelling the awaiting task stops generation at the next token
(local engines) or closes the HTTP request (remote engine).
"""

from __future__ import annotations

import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from maze_inference.constraint.cursor import ConstraintLevel
from maze_inference.context import CursorContext
from maze_inference.decoding import FinishReason
from maze_inference.errors import InvalidParameters
from maze_inference.workspace.repository import RepositoryContext

SEED_LIMIT = 2**64  # numpy's generators take any non-negative integer; the service's schema caps it here


def check_parameters(*, max_tokens: int, temperature: float, seed: int | None) -> None:
    """Refuse parameters no engine can use before any engine work starts.

    Why here: an invalid seed used to surface as a ValueError from inside the decode loop, which the
    engine took for a broken model and unloaded (20 such requests, 20 reloads).
    """
    if max_tokens < 1:
        raise InvalidParameters(f"max_tokens must be at least 1, got {max_tokens}")
    if not (math.isfinite(temperature) and temperature >= 0):
        raise InvalidParameters(f"temperature must be a finite number >= 0, got {temperature}")
    if seed is not None and not 0 <= seed < SEED_LIMIT:
        raise InvalidParameters(f"seed must be in 0..2**64-1, got {seed}")


@dataclass(frozen=True)
class CompletionRequest:
    context: CursorContext
    max_tokens: int = 48
    temperature: float = 0.0
    stop: tuple[str, ...] = ()
    constrained: bool = True
    deadline: float | None = None  # time.monotonic() value; None = no deadline
    seed: int | None = None
    repository: RepositoryContext | None = None  # other files' excerpts, shown before the current file
    # The pipeline's final check of an ending (`DecodeSettings.ending_check`); local engines decode with
    # it, engines elsewhere (the service, vLLM) leave the check to the pipeline afterwards.
    ending_check: Callable[[str], bool] | None = field(default=None, compare=False, repr=False)

    @staticmethod
    def deadline_in(seconds: float | None) -> float | None:
        return None if seconds is None else time.monotonic() + seconds


@dataclass(frozen=True)
class Timings:
    setup_ms: float = 0.0  # constraint set-up: grammar matcher + prefix consumption
    prompt_ms: float = 0.0
    decode_ms: float = 0.0
    constraint_ms: float = 0.0  # grammar work during decoding (validate, masks, join checks)
    total_ms: float = 0.0
    reused_tokens: int = 0  # prompt tokens whose KV cache was reused


@dataclass(frozen=True)
class CompletionResult:
    text: str
    finish_reason: FinishReason
    level: ConstraintLevel
    prompt_tokens: int = 0
    completion_tokens: int = 0
    timings: Timings = field(default_factory=Timings)
    engine: str = ""
    join_points: tuple[int, ...] = ()  # shorter endings the constraint allowed (char offsets into `text`)


@dataclass(frozen=True)
class GenerateRequest:
    """Free generation (code actions, `/v1/generate`): a prompt and an optional llguidance grammar."""

    prompt: str
    grammar: str | None = None  # llguidance grammar string (from Lark, a JSON schema or a regex)
    max_tokens: int = 256
    temperature: float = 0.0
    stop: tuple[str, ...] = ()
    deadline: float | None = None
    seed: int | None = None


@dataclass(frozen=True)
class GenerateResult:
    text: str
    finish_reason: FinishReason
    prompt_tokens: int = 0
    completion_tokens: int = 0
    timings: Timings = field(default_factory=Timings)
    engine: str = ""


@runtime_checkable
class Engine(Protocol):
    """What the server and the service need from any engine."""

    name: str

    @property
    def model_name(self) -> str: ...

    @property
    def ready(self) -> bool: ...

    async def load(self) -> None:
        """Load the model; raises `EngineUnavailable` with a message a user can act on."""
        ...

    async def complete(self, request: CompletionRequest) -> CompletionResult: ...

    async def generate(self, request: GenerateRequest) -> GenerateResult: ...

    def generate_stream(self, request: GenerateRequest) -> AsyncIterator[str | GenerateResult]:
        """Text deltas as they come, then the final result (an engine without a token stream yields
        its whole text as one delta: `whole_text`)."""
        ...

    async def close(self) -> None: ...


async def whole_text(result: Awaitable[GenerateResult]) -> AsyncIterator[str | GenerateResult]:
    """`generate_stream` for engines whose decode loop runs to the end before anything is known."""
    final = await result
    if final.text:
        yield final.text
    yield final
