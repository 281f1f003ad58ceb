"""What the embedded and Transformers engines share: prompts, the worker thread and cancellation.

A local engine owns one model and one KV cache, so requests run one at a time on a single worker
thread. The asyncio side awaits that thread; cancelling the awaiting task sets a flag the decode
loop checks before every token, so a superseded request stops within one token.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import TypeVar

from maze_inference.constraint.cursor import ConstraintBackend, ConstraintLevel
from maze_inference.context import Mode
from maze_inference.decoding import DecodeOutcome, DecodeSettings, LogitsModel, decode
from maze_inference.engines.base import (
    CompletionRequest,
    CompletionResult,
    GenerateRequest,
    GenerateResult,
    Timings,
    check_parameters,
    whole_text,
)
from maze_inference.engines.model_info import ModelInfo
from maze_inference.engines.prompting import cursor_prompt, decode_settings
from maze_inference.errors import EngineUnavailable, MazeError
from maze_inference.prompts import FimFormat, FimIds, PromptWindow
from maze_inference.tokenization import ModelTokenizer

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass
class LoadedModel:
    model: LogitsModel
    tokenizer: ModelTokenizer
    backend: ConstraintBackend
    fim: FimIds
    max_positions: int
    info: ModelInfo | None = None

    @classmethod
    def build(cls, model: LogitsModel, tokenizer: ModelTokenizer, fim: FimFormat, max_positions: int,
              info: ModelInfo | None = None) -> LoadedModel:
        return cls(model, tokenizer, ConstraintBackend(tokenizer), FimIds.resolve(fim, tokenizer.hf.token_to_id),
                   max_positions, info)


class LocalEngine:
    """Base for in-process engines; subclasses supply `_load_model` (called on the worker thread)."""

    name = "local"

    def __init__(self, window: PromptWindow = PromptWindow()) -> None:
        self.window = window
        self._executor = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"maze-{self.name}")
        self._loaded: LoadedModel | None = None
        self._load_error: Exception | None = None
        self._load_lock = asyncio.Lock()

    # ---- subclass hooks --------------------------------------------------------------------------

    def _load_model(self) -> LoadedModel:
        raise NotImplementedError

    @property
    def model_name(self) -> str:
        raise NotImplementedError

    # ---- Engine protocol ---------------------------------------------------------------------------

    @property
    def ready(self) -> bool:
        return self._loaded is not None

    @property
    def model_info(self) -> ModelInfo | None:
        return self._loaded.info if self._loaded is not None else None

    async def load(self) -> None:
        async with self._load_lock:
            if self._loaded is not None:
                return
            try:
                self._loaded = await asyncio.get_running_loop().run_in_executor(self._executor, self._load_model)
            except EngineUnavailable:
                raise
            except Exception as exc:  # a corrupt or incompatible model file: say so, don't crash the server
                raise EngineUnavailable(f"{self.name} engine could not load {self.model_name}: {exc}") from exc

    async def complete(self, request: CompletionRequest) -> CompletionResult:
        check_parameters(max_tokens=request.max_tokens, temperature=request.temperature, seed=request.seed)
        loaded = await self._require_loaded()
        started = time.perf_counter()

        def work(cancel: threading.Event) -> tuple[DecodeOutcome, ConstraintLevel, float]:
            context = request.context
            constraint = loaded.backend.at_cursor(context) if request.constrained else None
            prompt = cursor_prompt(loaded.tokenizer, loaded.fim, context, self.window, request.repository,
                                   loaded.max_positions, request.max_tokens)
            settings = decode_settings(request, prompt.heal, active=constraint is not None and constraint.active)
            outcome = decode(loaded.model, loaded.tokenizer, prompt.ids, constraint, settings, cancel,
                             request.deadline)
            level = constraint.level if constraint is not None else ConstraintLevel.NONE
            setup = constraint.stats.setup_ms if constraint is not None else 0.0
            return outcome, level, setup

        outcome, level, setup_ms = await self._run(work)
        return CompletionResult(
            text=outcome.text,
            finish_reason=outcome.finish_reason,
            level=level,
            join_points=outcome.join_points,
            prompt_tokens=outcome.prompt_tokens,
            completion_tokens=outcome.completion_tokens,
            timings=_timings(outcome, setup_ms, started),
            engine=self.name,
        )

    def generate_stream(self, request: GenerateRequest) -> AsyncIterator[str | GenerateResult]:
        return whole_text(self.generate(request))

    async def generate(self, request: GenerateRequest) -> GenerateResult:
        check_parameters(max_tokens=request.max_tokens, temperature=request.temperature, seed=request.seed)
        loaded = await self._require_loaded()
        started = time.perf_counter()

        def work(cancel: threading.Event) -> DecodeOutcome:
            constraint = None
            if request.grammar is not None:
                constraint = loaded.backend.free_constraint(request.grammar)
            # An empty prompt still needs one position to predict from: start from end-of-text.
            prompt = loaded.tokenizer.encode(request.prompt) or [loaded.tokenizer.eos_id]
            room = loaded.max_positions - request.max_tokens
            settings = DecodeSettings(max_tokens=request.max_tokens, temperature=request.temperature,
                                      mode=Mode.BLOCK, block_indent=0, stop=request.stop, seed=request.seed)
            return decode(loaded.model, loaded.tokenizer, prompt[-room:], constraint, settings, cancel, request.deadline)

        outcome = await self._run(work)
        return GenerateResult(
            text=outcome.text,
            finish_reason=outcome.finish_reason,
            prompt_tokens=outcome.prompt_tokens,
            completion_tokens=outcome.completion_tokens,
            timings=_timings(outcome, 0.0, started),
            engine=self.name,
        )

    async def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)

    # ---- helpers -------------------------------------------------------------------------------

    async def _require_loaded(self) -> LoadedModel:
        if self._loaded is None:
            await self.load()
        assert self._loaded is not None
        return self._loaded

    async def _run(self, work: Callable[[threading.Event], T]) -> T:
        """Run `work` on the engine thread; cancelling the caller stops it at the next token."""
        cancel = threading.Event()
        future = asyncio.get_running_loop().run_in_executor(self._executor, work, cancel)
        try:
            return await asyncio.shield(future)
        except asyncio.CancelledError:
            cancel.set()
            raise
        except MazeError:
            raise
        except Exception as exc:  # onnxruntime/torch failing mid-run: report it as the engine's, fall back
            log.exception("%s engine failed during generation", self.name)
            self._loaded = None  # the next attempt reloads from disk (the user may have repaired the model)
            raise EngineUnavailable(f"{self.name} engine failed: {type(exc).__name__}: {exc}") from exc


def _timings(outcome: DecodeOutcome, setup_ms: float, started: float) -> Timings:
    return Timings(
        setup_ms=setup_ms,
        prompt_ms=outcome.prompt_ms,
        decode_ms=outcome.decode_ms,
        constraint_ms=outcome.constraint_ms,
        total_ms=(time.perf_counter() - started) * 1e3,
        reused_tokens=outcome.reused_tokens,
    )
