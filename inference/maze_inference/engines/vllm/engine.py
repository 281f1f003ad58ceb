"""The frontend in vLLM's API process: the shared FIM prompt, sampling params carrying the cursor, and the
replay of vLLM's tokens through the local decoder's rules that picks the text to show."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from maze_inference.constraint.cursor import ConstraintBackend, ConstraintLevel
from maze_inference.decode_run import Attempts, DecodeRun, DecodeSettings, FinishReason, Refusal, replay
from maze_inference.engines.base import (
    CompletionRequest,
    CompletionResult,
    GenerateRequest,
    GenerateResult,
    Timings,
)
from maze_inference.engines.model_info import ModelInfo, safetensors_params
from maze_inference.engines.prompting import CursorPrompt, cursor_prompt, decode_settings
from maze_inference.engines.vllm.batch import GrammarTemplates
from maze_inference.engines.vllm.processor import (
    PROCESSOR_FQCN,
    model_tokenizer,
    stop_ids,
    supports_async_scheduling,
    tokenizer_json,
)
from maze_inference.engines.vllm.results import output_tokens, top_choices, valid_text, vllm_stops
from maze_inference.engines.vllm.wire import cursor_args, grammar_args
from maze_inference.errors import EngineTimeout, EngineUnavailable
from maze_inference.prompts import FimFormat, FimIds, PromptWindow, fim_format_of
from maze_inference.tokenization import ModelTokenizer

if TYPE_CHECKING:
    from vllm.v1.engine.async_llm import AsyncLLM

log = logging.getLogger(__name__)

# The prompt window for a Qwen-class model with a long context; a maze checkpoint gets the local engines'
# window instead, so the same checkpoint sees the same prompt on either path.
QWEN_WINDOW = PromptWindow(prefix_tokens=2048, suffix_tokens=512, anchor_chars=2048)


def is_maze_checkpoint(path: Path) -> bool:
    return (path / "maze_model.json").is_file()


@dataclass
class _Spent:
    """What a completion's attempts cost: generated tokens and time, across vLLM requests."""

    started: float
    tokens: int = 0
    first_token: float | None = None
    replay_s: float = 0.0


@dataclass
class _Model:
    path: str
    llm: AsyncLLM
    tokenizer: ModelTokenizer
    backend: ConstraintBackend
    templates: GrammarTemplates
    fim: FimIds
    max_model_len: int
    chat: Any | None  # a transformers tokenizer whose chat template wraps /v1/generate prompts
    window: PromptWindow
    eos_ids: frozenset[int]  # every id that ends a generation (the processor's `stop_ids`)
    info: ModelInfo


class VLLMEngine:
    """One or two models on vLLM's AsyncLLM: a FIM model for completions, optionally an instruct model for generate."""

    name = "vllm"

    def __init__(
        self,
        model_path: str,
        *,
        generate_model_path: str | None = None,
        max_model_len: int | None = 8192,
        gpu_memory_utilization: float | None = None,
        generate_gpu_memory_utilization: float | None = None,
        generate_quantization: str | None = None,
        async_scheduling: bool | None = None,
        fim: FimFormat | None = None,
        window: PromptWindow | None = None,
        engine_args: dict[str, Any] | None = None,
    ) -> None:
        self.model_path = model_path
        self.generate_model_path = generate_model_path
        self.max_model_len = max_model_len
        self.gpu_memory_utilization = gpu_memory_utilization or (0.3 if generate_model_path else 0.85)
        self.generate_gpu_memory_utilization = generate_gpu_memory_utilization or 0.55
        self.generate_quantization = generate_quantization
        self.async_scheduling = async_scheduling
        self.fim = fim
        self.window = window
        self.engine_args = engine_args or {}
        self._complete: _Model | None = None
        self._generate: _Model | None = None
        self._load_lock = asyncio.Lock()

    @property
    def model_name(self) -> str:
        names = [os.path.basename(self.model_path.rstrip("/"))]
        if self.generate_model_path:
            names.append(os.path.basename(self.generate_model_path.rstrip("/")))
        return " + ".join(names)

    @property
    def ready(self) -> bool:
        return self._complete is not None and (self.generate_model_path is None or self._generate is not None)

    @property
    def model_info(self) -> ModelInfo | None:
        """The completion model's shape, vocabulary and GPU (`/health`, the benchmarks' results)."""
        return self._complete.info if self._complete is not None else None

    async def load(self) -> None:
        async with self._load_lock:
            if self.ready:
                return
            try:
                self._complete = self._complete or await self._start(self.model_path, self.gpu_memory_utilization,
                                                                     None, chat=False)
                if self.generate_model_path and self._generate is None:
                    self._generate = await self._start(self.generate_model_path, self.generate_gpu_memory_utilization,
                                                       self.generate_quantization, chat=True)
            except ImportError as exc:
                raise EngineUnavailable(
                    f"vllm engine: {exc.name} is not installed (pip install 'maze-lsp[vllm]')") from exc
            except EngineUnavailable:
                raise
            except Exception as exc:
                raise EngineUnavailable(f"vllm engine could not start {self.model_name}: {exc}") from exc

    async def _start(self, path: str, memory: float, quantization: str | None, *, chat: bool) -> _Model:
        from vllm.engine.arg_utils import AsyncEngineArgs
        from vllm.v1.engine.async_llm import AsyncLLM

        async_scheduling = self.async_scheduling
        if async_scheduling is not False and not supports_async_scheduling():
            log.warning("this vLLM cannot give logits processors real output ids under async scheduling; "
                        "turning it off")
            async_scheduling = False
        args: dict[str, Any] = {
            "model": path,
            **({"max_model_len": self.max_model_len} if self.max_model_len else {}),  # None: the model's own
            "gpu_memory_utilization": memory,
            "enable_prefix_caching": True,
            "logits_processors": [PROCESSOR_FQCN],
            "quantization": quantization,
            **({"async_scheduling": async_scheduling} if async_scheduling is not None else {}),
            **self.engine_args,
        }
        started = time.perf_counter()
        llm = AsyncLLM.from_engine_args(AsyncEngineArgs(**args))
        eos = getattr(llm.model_config.hf_config, "eos_token_id", None)
        tokenizer = model_tokenizer(tokenizer_json(path), eos[0] if isinstance(eos, list) else eos)
        backend = ConstraintBackend(tokenizer)
        chat_tokenizer = None
        if chat:
            from transformers import AutoTokenizer

            chat_tokenizer = AutoTokenizer.from_pretrained(path)
        log.info("vllm: %s ready in %.1f s", path, time.perf_counter() - started)
        fim = FimIds.resolve(self.fim or fim_format_of(Path(path)), tokenizer.hf.token_to_id)
        window = self.window or (PromptWindow() if is_maze_checkpoint(Path(path)) else QWEN_WINDOW)
        info = ModelInfo.from_hf_config(llm.model_config.hf_config, params=safetensors_params(Path(path)),
                                        vocab_size=tokenizer.vocab_size, max_positions=int(llm.model_config.max_model_len),
                                        device=_gpu_name())
        return _Model(path, llm, tokenizer, backend, GrammarTemplates(backend), fim,
                      int(llm.model_config.max_model_len), chat_tokenizer, window,
                      frozenset(stop_ids(llm.model_config)) | {tokenizer.eos_id}, info)

    # ---- Engine protocol ---------------------------------------------------------------------------

    async def complete(self, request: CompletionRequest) -> CompletionResult:
        model = await self._model(generate=False)
        started = time.perf_counter()
        context = request.context
        constraint = None
        if request.constrained:
            constraint = await asyncio.to_thread(model.backend.at_cursor, context)
        active = constraint if constraint is not None and constraint.active else None
        if active is not None:
            await asyncio.to_thread(active.start)
        level = constraint.level if constraint is not None else ConstraintLevel.NONE
        prompt = cursor_prompt(model.tokenizer, model.fim, context, model.window, request.repository,
                               model.max_model_len, request.max_tokens)
        settings = decode_settings(request, prompt.heal, active=active is not None)
        attempts = Attempts(settings, active)
        spent = _Spent(started)
        while True:
            if active is not None:
                active.rewind()
            run = DecodeRun(model.tokenizer, active, settings, eager_repair=attempts.eager)
            reason, text = await self._attempt(model, request, settings, level, prompt, attempts, run, spent)
            if not attempts.again(run, reason, text):
                break
        done = time.perf_counter()
        first_token = spent.first_token or started
        return CompletionResult(
            text=text, finish_reason=reason, level=level, prompt_tokens=len(prompt.ids),
            completion_tokens=spent.tokens, join_points=run.join_points(text),
            timings=Timings(setup_ms=constraint.stats.setup_ms if constraint is not None else 0.0,
                            prompt_ms=(first_token - started) * 1e3,
                            decode_ms=(done - first_token - spent.replay_s) * 1e3,
                            constraint_ms=spent.replay_s * 1e3, total_ms=(done - started) * 1e3),
            engine=self.name,
        )

    async def _attempt(self, model: _Model, request: CompletionRequest, settings: DecodeSettings,
                       level: ConstraintLevel, prompt: CursorPrompt, attempts: Attempts, run: DecodeRun,
                       spent: _Spent) -> tuple[FinishReason, str]:
        """One attempt of the local loop (`decoding._generate`) on vLLM: generate, replay the tokens through
        the decode rules, and where the local loop would pass a token by and sample again, resume the
        generation at that step without it (the prompt plus the tokens kept: vLLM's prefix cache)."""
        bans = {step: set(tokens) for step, tokens in attempts.bans.items()}
        tokens: list[int] = []
        tops: list[list[tuple[int, float]]] = []
        resumed = False
        while True:
            params = self._params(request, settings, level, prompt.heal, bans, tokens)
            try:
                output, finish, first = await self._run(model, prompt.ids + tokens, params, request.deadline,
                                                        spent.started)
            except EngineTimeout:
                if not (resumed or attempts.attempt):
                    raise
                return FinishReason.DEADLINE, run.cut_back()
            spent.tokens += len(output.token_ids)
            spent.first_token = spent.first_token or first
            new = output_tokens(output, finish, model.eos_ids, model.tokenizer.eos_id)
            tops = tops[: len(tokens)] + (top_choices(output, settings.natural_top + 1) or [])
            tokens = tokens + new
            replay_started = time.perf_counter()
            result = await asyncio.to_thread(replay, run, tokens, tops, FinishReason.parse(finish), attempts,
                                             resumed=resumed)
            spent.replay_s += time.perf_counter() - replay_started
            if not isinstance(result, Refusal):
                return result
            bans.setdefault(result.step, set()).add(result.token)
            tokens, resumed = tokens[: result.step], True

    @staticmethod
    def _params(request: CompletionRequest, settings: DecodeSettings, level: ConstraintLevel, heal: bytes,
                bans: dict[int, set[int]], resume: list[int]) -> Any:
        from vllm import SamplingParams
        from vllm.sampling_params import RequestOutputKind

        graded = level is not ConstraintLevel.NONE
        return SamplingParams(
            max_tokens=request.max_tokens - len(resume), temperature=request.temperature,
            top_p=settings.top_p if request.temperature > 0 else 1.0, seed=request.seed, stop=vllm_stops(settings),
            extra_args=cursor_args(request.context, level, heal=heal, constrained=request.constrained, bans=bans,
                                   resume=resume),
            # the model's own top choices (raw, before any processor): where it considered ending, and the
            # repairs a retry takes; one spare for a token the attempt forbids
            logprobs=settings.natural_top + 1 if graded else None,
            output_kind=RequestOutputKind.CUMULATIVE,
        )

    async def generate(self, request: GenerateRequest) -> GenerateResult:
        result: GenerateResult | None = None
        async for item in self.generate_stream(request):
            if isinstance(item, GenerateResult):
                result = item
        assert result is not None
        return result

    async def generate_stream(self, request: GenerateRequest) -> AsyncIterator[str | GenerateResult]:
        """Text deltas as vLLM produces them, then the final result (whose text is authoritative:
        a generation cut short is trimmed back to where the grammar was last satisfied)."""
        from vllm import SamplingParams
        from vllm.sampling_params import RequestOutputKind

        model = await self._model(generate=True)
        started = time.perf_counter()
        constraint = None
        if request.grammar is not None:
            constraint = await asyncio.to_thread(model.templates.constraint, request.grammar)
        prompt = self._generate_prompt(model, request)
        params = SamplingParams(
            max_tokens=request.max_tokens, temperature=request.temperature,
            top_p=0.95 if request.temperature > 0 else 1.0, seed=request.seed, stop=list(request.stop),
            extra_args=grammar_args(request.grammar) if request.grammar is not None else None,
            output_kind=RequestOutputKind.DELTA,
        )
        text, ids = "", []
        first_token = None
        finish = "length"
        stop_reason = None
        try:
            async with contextlib.aclosing(_outputs(model, prompt, params, request.deadline)) as outputs:
                async for out in outputs:
                    piece = out.outputs[0]
                    first_token = first_token or time.perf_counter()
                    text += piece.text
                    ids += list(piece.token_ids)
                    if piece.text:
                        yield piece.text
                    if out.finished:
                        finish, stop_reason = piece.finish_reason or "stop", piece.stop_reason
        except TimeoutError:
            finish = "deadline"
        first_token = first_token or time.perf_counter()
        if constraint is not None:
            ended_by_eos = finish == "stop" and stop_reason is None
            text = await asyncio.to_thread(valid_text, constraint, ids, text, ended_by_eos=ended_by_eos)
        done = time.perf_counter()
        yield GenerateResult(
            text=text, finish_reason=FinishReason.parse(finish), prompt_tokens=len(prompt), completion_tokens=len(ids),
            timings=Timings(prompt_ms=(first_token - started) * 1e3, decode_ms=(done - first_token) * 1e3,
                            total_ms=(done - started) * 1e3),
            engine=self.name,
        )

    async def close(self) -> None:
        for model in (self._complete, self._generate):
            if model is not None:
                model.llm.shutdown()
        self._complete = self._generate = None

    # ---- helpers -------------------------------------------------------------------------------------

    async def _model(self, *, generate: bool) -> _Model:
        if not self.ready:
            await self.load()
        model = self._generate if generate and self._generate is not None else self._complete
        if model is None:
            raise EngineUnavailable("vllm engine is not loaded")
        return model

    def _generate_prompt(self, model: _Model, request: GenerateRequest) -> list[int]:
        if model.chat is not None:
            ids = model.chat.apply_chat_template([{"role": "user", "content": request.prompt}],
                                                 add_generation_prompt=True, tokenize=True)
            ids = list(ids["input_ids"] if isinstance(ids, dict) else ids)
        else:
            ids = model.tokenizer.encode(request.prompt)
        room = max(1, model.max_model_len - request.max_tokens)
        return ids[-room:] or [model.tokenizer.eos_id]

    async def _run(self, model: _Model, prompt: list[int], params: Any, deadline: float | None,
                   started: float) -> tuple[Any, str, float]:
        """Generate until done or the deadline; returns (last output, finish reason, first-token time)."""
        last = None
        first_token = None
        finish = None
        try:
            async with contextlib.aclosing(_outputs(model, prompt, params, deadline)) as outputs:
                async for out in outputs:
                    first_token = first_token or time.perf_counter()
                    last = out
        except TimeoutError:
            finish = "deadline"
        if last is None:
            if finish == "deadline":
                raise EngineTimeout("the deadline passed before vLLM produced a token")
            raise EngineUnavailable("vLLM returned no output")
        output = last.outputs[0]
        return output, finish or output.finish_reason or "stop", first_token or started


async def _outputs(model: _Model, prompt: list[int], params: Any, deadline: float | None) -> AsyncIterator[Any]:
    """vLLM's outputs for one request, each awaited within what is left of the deadline.

    A timeout per step rather than one around the loop: the caller may yield between steps, and a
    timeout must not fire while it is suspended there. On timeout (or cancellation of the caller)
    vLLM's own generator is cancelled, which aborts the request in the engine.
    """
    stream = model.llm.generate({"prompt_token_ids": prompt}, params, f"maze-{uuid.uuid4().hex}")
    async with contextlib.aclosing(stream):  # closing vLLM's generator early aborts the request
        while True:
            try:
                out = await asyncio.wait_for(anext(stream), _remaining(deadline))
            except StopAsyncIteration:
                return
            yield out


def _gpu_name() -> str | None:
    """The GPU's name as vLLM's platform reports it (NVML: no CUDA context in this process)."""
    try:
        from vllm.platforms import current_platform

        return str(current_platform.get_device_name())
    except Exception as exc:  # noqa: BLE001 - an unknown device is reported as unknown
        log.debug("no device name from vLLM: %s", exc)
        return None


def _remaining(deadline: float | None) -> float | None:
    return None if deadline is None else max(0.0, deadline - time.monotonic())
