"""The frontend in vLLM's API process: FIM prompts, sampling params carrying the cursor, and the final cut."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from maze_inference.constraint.cursor import ConstraintBackend, ConstraintLevel, CursorConstraint
from maze_inference.context import CursorContext, Mode
from maze_inference.decoding import FinishReason
from maze_inference.engines.base import (
    CompletionRequest,
    CompletionResult,
    GenerateRequest,
    GenerateResult,
    Timings,
)
from maze_inference.engines.vllm.batch import GrammarTemplates
from maze_inference.engines.vllm.processor import (
    PROCESSOR_FQCN,
    model_tokenizer,
    supports_async_scheduling,
    tokenizer_json,
)
from maze_inference.engines.vllm.wire import cursor_args, grammar_args
from maze_inference.errors import EngineTimeout, EngineUnavailable
from maze_inference.prompts import (
    FimFormat,
    FimIds,
    PromptWindow,
    fim_format_of,
    fim_layout,
    prefix_tokens,
    suffix_tokens,
)
from maze_inference.tokenization import ModelTokenizer
from maze_inference.workspace.repository import RepositoryContext, context_tokens

if TYPE_CHECKING:
    from vllm.v1.engine.async_llm import AsyncLLM

log = logging.getLogger(__name__)


def fim_prompt(tok: ModelTokenizer, fim: FimIds, context: CursorContext, window: PromptWindow,
               repository: RepositoryContext | None = None, room: int = 0) -> list[int]:
    """The FIM prompt as every engine builds it (`prompts.py`); its stateless left edge lets vLLM's
    prefix cache reuse KV blocks of an identical prompt prefix across keystrokes and users. Repository
    context, when given, goes first, in the `room` the file's window leaves."""
    prefix_ids = prefix_tokens(tok.encode, context.prefix, context.prefix_start, window)
    layout = fim_layout(fim, prefix_ids, suffix_tokens(tok.encode, context.suffix, window))
    return context_tokens(fim, tok.encode, repository, room - len(layout)) + layout


def valid_text(constraint: CursorConstraint, token_ids: Sequence[int], text: str, *, ended_by_eos: bool) -> str:
    """The output, cut back to the last point where the constraint may end (`decoding._final_text`).

    A generation that ended with EOS was allowed to (the processor only allows EOS where the
    suffix joins). Otherwise (max tokens, deadline, stop string) replay the tokens and keep the
    longest prefix of `text` (vLLM's text, already cut at a stop string) that may end there.
    """
    if ended_by_eos or not constraint.active:
        return text
    tok = constraint.tokenizer
    constraint.start()
    data = text.encode("utf-8")
    best = 0 if constraint.joins_suffix() else -1
    position = 0
    for token in token_ids:
        piece = tok.token_bytes[token]
        if position + len(piece) > len(data):  # `text` ends inside this token (a stop string)
            tail = data[position:].decode("utf-8", "ignore")
            if constraint.accepts_text(tail) and constraint.joins_suffix(tail):
                best = len(data)
            break
        if token in (tok.eos_id,) or not constraint.matcher.consume_token(token):  # type: ignore[union-attr]
            break
        position += len(piece)
        if constraint.joins_suffix():
            best = position
    return data[: max(best, 0)].decode("utf-8", "ignore")


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
        window: PromptWindow = PromptWindow(prefix_tokens=2048, suffix_tokens=512, anchor_chars=2048),
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
        return _Model(path, llm, tokenizer, backend, GrammarTemplates(backend), fim,
                      int(llm.model_config.max_model_len), chat_tokenizer)

    # ---- Engine protocol ---------------------------------------------------------------------------

    async def complete(self, request: CompletionRequest) -> CompletionResult:
        from vllm import SamplingParams
        from vllm.sampling_params import RequestOutputKind

        model = await self._model(generate=False)
        started = time.perf_counter()
        context = request.context
        constraint = None
        if request.constrained:
            constraint = await asyncio.to_thread(model.backend.at_cursor, context)
        level = constraint.level if constraint is not None else ConstraintLevel.NONE
        room = model.max_model_len - request.max_tokens
        prompt = fim_prompt(model.tokenizer, model.fim, context, self.window.fitted(room), request.repository, room)
        stop = [*request.stop, *(["\n"] if context.mode is Mode.LINE else [])]
        params = SamplingParams(
            max_tokens=request.max_tokens, temperature=request.temperature,
            top_p=0.95 if request.temperature > 0 else 1.0, seed=request.seed, stop=stop,
            extra_args=cursor_args(context, level) if constraint is not None and constraint.active else None,
            output_kind=RequestOutputKind.CUMULATIVE,
        )
        output, finish, first_token = await self._run(model, prompt, params, request.deadline, started)
        check_started = time.perf_counter()
        text = output.text if output is not None else ""
        ids = list(output.token_ids) if output is not None else []
        if constraint is not None:
            ended_by_eos = finish == "stop" and output is not None and output.stop_reason is None
            text = await asyncio.to_thread(valid_text, constraint, ids, text, ended_by_eos=ended_by_eos)
        done = time.perf_counter()
        return CompletionResult(
            text=text, finish_reason=FinishReason.parse(finish), level=level, prompt_tokens=len(prompt),
            completion_tokens=len(ids),
            timings=Timings(setup_ms=constraint.stats.setup_ms if constraint is not None else 0.0,
                            prompt_ms=(first_token - started) * 1e3, decode_ms=(check_started - first_token) * 1e3,
                            constraint_ms=(done - check_started) * 1e3, total_ms=(done - started) * 1e3),
            engine=self.name,
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


def _remaining(deadline: float | None) -> float | None:
    return None if deadline is None else max(0.0, deadline - time.monotonic())
