"""Stand-ins for what cannot run here, and only that: Modal's web gateway, and vLLM (no GPU).

Everything of maze's own is real in the tests; these replace the outside pieces around it.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import sys
import types
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray
from starlette.types import ASGIApp, Receive, Scope, Send


class FakeModalGateway:
    """Modal's web endpoint in front of the app: answers `cold_status` to the first `cold_requests`.

    A container that is still starting (or being replaced) makes Modal's gateway answer 502/503
    for a while; the client must retry those and then reach the real app behind it.
    """

    def __init__(self, app: ASGIApp, *, cold_requests: int, cold_status: int = 503) -> None:
        self.app = app
        self.cold_requests = cold_requests
        self.cold_status = cold_status
        self.seen = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self.seen += 1
        if self.seen <= self.cold_requests:
            await send({"type": "http.response.start", "status": self.cold_status,
                        "headers": [(b"content-type", b"text/plain")]})
            await send({"type": "http.response.body", "body": b"modal: app is starting"})
            return
        await self.app(scope, receive, send)


# ---- vLLM ----------------------------------------------------------------------------------------


class FakeMoveDirectionality(Enum):
    """vLLM's `MoveDirectionality`."""

    UNIDIRECTIONAL = 0
    SWAP = 1


@dataclass
class FakeVLLMSamplingParams:
    """The part of vLLM's `SamplingParams` a logits processor reads."""

    extra_args: dict[str, Any] | None = None


@dataclass(frozen=True)
class FakeVLLMBatchUpdate:
    """vLLM's `BatchUpdate`: apply removed, then added, then moved."""

    batch_size: int
    removed: Sequence[int]
    added: Sequence[tuple[int, FakeVLLMSamplingParams, list[int] | None, list[int]]]
    moved: Sequence[tuple[int, int, FakeMoveDirectionality]]


@dataclass
class _Request:
    rid: str
    params: FakeVLLMSamplingParams
    prompt: list[int]
    output: list[int] = field(default_factory=list)  # the list object the processor holds a reference to
    finished: bool = False
    tops: list[list[tuple[int, float]]] = field(default_factory=list)  # per token: the raw top choices, logits


class FakeVLLMPersistentBatch:
    """vLLM V1's persistent input batch as its logits processors see it, on CPU, without a model.

    Rows are dense: removing a request leaves a hole that the last row is moved into (condense),
    and `swap` exchanges two rows, as vLLM's `InputBatch` does; every change is reported to the
    processor as one `BatchUpdate` before the next step. Under async scheduling a sampled token
    first appears in a request's output list as a -1 placeholder, and the real id replaces it just
    before the next sampling step, after `update_state` (vLLM's `update_async_output_token_ids`);
    `sample` gets the token chosen by the caller's sampler from the processed logits row.
    """

    def __init__(self, *, async_scheduling: bool) -> None:
        self.async_scheduling = async_scheduling
        self.rows: list[_Request | None] = []
        self._removed: list[int] = []
        self._added: list[tuple[int, FakeVLLMSamplingParams, list[int] | None, list[int]]] = []
        self._moved: list[tuple[int, int, FakeMoveDirectionality]] = []
        self._pending: dict[str, int] = {}  # async scheduling: rid -> real id behind the trailing -1
        self._ids = itertools.count()
        self.first_only: dict[str, NDArray[np.int32]] = {}  # the last step's first-choice-only tokens, by request

    # ---- scheduler side --------------------------------------------------------------------------

    def add(self, extra_args: dict[str, Any] | None, prompt: Sequence[int] = (1, 2, 3)) -> _Request:
        assert not self._moved, "vLLM adds (into the lowest holes) before it moves rows within a step"
        request = _Request(f"r{next(self._ids)}", FakeVLLMSamplingParams(extra_args), list(prompt))
        index = next((i for i, row in enumerate(self.rows) if row is None), len(self.rows))
        if index == len(self.rows):
            self.rows.append(None)
        self.rows[index] = request
        self._added.append((index, request.params, request.prompt, request.output))
        return request

    def remove(self, request: _Request) -> None:
        assert not (self._added or self._moved), "vLLM registers removals first within a step"
        index = self.rows.index(request)
        self.rows[index] = None
        self._removed.append(index)
        self._pending.pop(request.rid, None)

    def condense(self) -> None:
        """Fill holes with the last rows (one-way moves), as vLLM does after removals."""
        while None in self.rows:
            hole = self.rows.index(None)
            last = len(self.rows) - 1
            if hole == last:
                self.rows.pop()
                continue
            self.rows[hole], self.rows[last] = self.rows[last], None
            self.rows.pop()
            self._moved.append((last, hole, FakeMoveDirectionality.UNIDIRECTIONAL))

    def swap(self, a: int, b: int) -> None:
        self.rows[a], self.rows[b] = self.rows[b], self.rows[a]
        self._moved.append((a, b, FakeMoveDirectionality.SWAP))

    def batch_update(self) -> FakeVLLMBatchUpdate | None:
        if not (self._removed or self._added or self._moved):
            return None
        update = FakeVLLMBatchUpdate(len(self.rows), sorted(self._removed, reverse=True), list(self._added),
                                     list(self._moved))
        self._removed, self._added, self._moved = [], [], []
        return update

    # ---- one engine step -------------------------------------------------------------------------

    def step(self, state: Any, words: int, sample: Callable[[_Request, NDArray[np.int32] | None], int], *,
             repair_before_apply: bool = True) -> None:
        """One step as vLLM runs it: `update_state` -> (async: repair) -> `apply` -> sample -> append.

        `state` is the processor's torch-free state (`apply_batch_update`, `fill`), the part of
        `MazeLogitsProcessor` that `update_state` and `apply` call. `sample(request, mask_row)`
        picks the next token, given the row's bitmask (None: the row was not masked).
        `repair_before_apply=False` is a vLLM that never replaces placeholders for this processor.
        """
        state.apply_batch_update(self.batch_update())
        if repair_before_apply:
            self._repair_placeholders()
        masks = np.zeros((len(self.rows), words), dtype=np.int32)
        first_only = np.zeros_like(masks)
        used = state.fill(len(self.rows), masks, first_only)
        self.first_only = {r.rid: first_only[i] for i, r in enumerate(self.rows[:used])
                           if r is not None and state.first_only_used}
        for index, request in enumerate(self.rows):
            if request is None or request.finished:
                continue
            token = sample(request, masks[index] if index < used else None)
            if self.async_scheduling:
                request.output.append(-1)  # the id is still on the device
                self._pending[request.rid] = token
            else:
                request.output.append(token)

    def _repair_placeholders(self) -> None:
        """vLLM's `update_async_output_token_ids`: the last step's ids replace their placeholders."""
        for request in self.rows:
            if request is not None and request.rid in self._pending and request.output[-1] == -1:
                request.output[-1] = self._pending.pop(request.rid)


class FakeVLLMLogitsProcessor:
    """vLLM's `LogitsProcessor` base class (the interface a processor implements)."""

    def __init__(self, vllm_config: Any, device: Any, is_pin_memory: bool) -> None:
        raise NotImplementedError

    @classmethod
    def validate_params(cls, sampling_params: Any) -> None:
        return None

    def needs_output_token_ids(self) -> bool:
        return False


class FakeRequestOutputKind(Enum):
    """vLLM's `RequestOutputKind`."""

    CUMULATIVE = 0
    DELTA = 1
    FINAL_ONLY = 2


@dataclass
class FakeVLLMSamplingParamsFull:
    """vLLM's `SamplingParams`, the fields maze sets."""

    max_tokens: int = 16
    temperature: float = 1.0
    top_p: float = 1.0
    seed: int | None = None
    stop: list[str] = field(default_factory=list)
    extra_args: dict[str, Any] | None = None
    logprobs: int | None = None
    output_kind: FakeRequestOutputKind = FakeRequestOutputKind.CUMULATIVE


class FakeAsyncEngineArgs:
    def __init__(self, **kwargs: Any) -> None:
        self.kwargs = kwargs


@dataclass(frozen=True)
class FakeLogprob:
    """vLLM's `Logprob`: the rank is what maze reads."""

    logprob: float
    rank: int


@dataclass
class FakeCompletionOutput:
    text: str
    token_ids: list[int]
    finish_reason: str | None
    stop_reason: str | int | None
    logprobs: list[dict[int, FakeLogprob]] | None = None


class FakeVLLMGreedyModel:
    """vLLM's GPU forward pass and greedy sampler, played by the shipped model on CPU (onnxruntime).

    The logits come from the same ONNX model the embedded engine runs, so the vLLM path's prompt,
    processor masks and replay can be compared token for token with the local engine's. Sampling is
    vLLM's greedy: the argmax over the processed logits, where a first-choice-only token
    (`ConstrainedBatch.fill`) counts only if it is the argmax of the raw logits; the raw top choices are
    recorded as vLLM's raw log-probabilities would rank them.
    """

    def __init__(self, model_dir: str, top: int = 4) -> None:
        from maze_inference.engines.embedded import OnnxLogitsModel, read_model_config

        self.model = OnnxLogitsModel(Path(model_dir), read_model_config(Path(model_dir)), threads=2)
        self.top = top
        # the request and ids the model's KV cache holds, and how many of them the first prompt had
        self._last: tuple[str, list[int], int] | None = None

    def sample(self, request: _Request, mask: NDArray[np.int32] | None, first_only: NDArray[np.int32] | None) -> int:
        from maze_inference.engines.vllm import allowed_tokens

        ids = request.prompt + [t for t in request.output if t >= 0]
        last = self._last
        if last is not None and last[0] == request.rid and last[1] == ids[:-1]:
            logits = self.model.step(ids[-1])  # as the local loop runs: the prompt once, then a token a step
            base = last[2]
        elif last is not None and last[2] < len(ids) <= len(last[1]) and last[1][: len(ids)] == ids:
            logits, base = self._resume(ids), last[2]
        else:
            logits, base = self.model.prefill(ids), len(ids)
        self._last = (request.rid, ids, base)
        logits = np.array(logits, copy=True)
        request.tops.append([(t, float(logits[t])) for t in np.argsort(-logits, kind="stable")[: self.top]])
        if mask is not None:
            vocab = logits.shape[0]
            allowed = allowed_tokens(mask, vocab)
            first = int(np.argmax(logits))
            if first_only is not None and allowed_tokens(first_only, vocab)[first]:
                allowed[first] = True
            logits[~allowed] = -np.inf
        return int(np.argmax(logits))

    def _resume(self, ids: list[int]) -> NDArray[np.float32]:
        """A generation resumed from its own tokens: the cache cut back to them and the last one stepped again,
        so the logits are the ones the first pass computed (vLLM's prefix cache serves the same prefix)."""
        cache = self.model.cache
        self.model._keep(len(ids) - 1)
        cache.ids = ids[:-1]
        cache.canonical = min(cache.canonical, (len(ids) - 1) // cache.chunk * cache.chunk)
        return self.model.step(ids[-1])


@dataclass
class FakeRequestOutput:
    request_id: str
    outputs: list[FakeCompletionOutput]
    finished: bool


class FakeVLLMAsyncLLM:
    """vLLM's `AsyncLLM` without a GPU: continuous batching over `FakeVLLMPersistentBatch`.

    The "engine core" runs maze's logits-processor state (what vLLM would build from the
    `logits_processors` FQCN; its torch layer needs a GPU build of vLLM) on every step, and the
    "model" samples uniformly among the tokens each row's mask allows (any token for unconstrained
    rows), ending with EOS sometimes. Stop strings, max_tokens, output kinds and aborts behave as
    in vLLM's frontend; one asyncio task steps all live requests together.
    """

    instances: ClassVar[list[FakeVLLMAsyncLLM]] = []
    step_delay_s = 0.001
    greedy_model: ClassVar[FakeVLLMGreedyModel | None] = None  # set: the shipped model samples greedily

    def __init__(self, args: FakeAsyncEngineArgs) -> None:
        from maze_inference.constraint.cursor import ConstraintBackend
        from maze_inference.engines.vllm import PROCESSOR_FQCN, ConstrainedBatch
        from maze_inference.tokenization import load_tokenizer

        self.args = args.kwargs
        assert self.args["logits_processors"] == [PROCESSOR_FQCN]
        path = self.args["model"]
        self.tokenizer = load_tokenizer(f"{path}/tokenizer.json")
        eos = self.tokenizer.eos_id
        shape = json.loads((Path(path) / "maze_model.json").read_text())  # the shipped model's config stands in
        hf_config = types.SimpleNamespace(eos_token_id=eos, architectures=["Qwen2ForCausalLM"],
                                          hidden_size=shape["hidden_size"], num_hidden_layers=shape["num_layers"],
                                          num_attention_heads=shape["hidden_size"] // shape["head_dim"],
                                          num_key_value_heads=shape["num_kv_heads"], vocab_size=shape["vocab_size"])
        self.model_config = types.SimpleNamespace(model=path, tokenizer=path,
                                                  max_model_len=self.args.get("max_model_len") or 1024,
                                                  hf_config=hf_config)
        self.state = ConstrainedBatch(ConstraintBackend(self.tokenizer), [eos])
        self.batch = FakeVLLMPersistentBatch(async_scheduling=bool(self.args.get("async_scheduling")))
        self.live: dict[str, tuple[_Request, FakeVLLMSamplingParamsFull, asyncio.Queue[FakeRequestOutput]]] = {}
        self._incoming: dict[str, tuple[FakeVLLMSamplingParamsFull, list[int], asyncio.Queue[FakeRequestOutput]]] = {}
        self._leaving: list[_Request] = []
        self.aborted: list[str] = []
        self.prompts: list[list[int]] = []  # every prompt given to `generate`, in order
        self.widest_step = 0  # most requests sampled together in one step
        self._stepper: asyncio.Task[None] | None = None
        self.shut_down = False
        FakeVLLMAsyncLLM.instances.append(self)

    @classmethod
    def from_engine_args(cls, args: FakeAsyncEngineArgs) -> FakeVLLMAsyncLLM:
        return cls(args)

    async def generate(self, prompt: dict[str, Any], params: FakeVLLMSamplingParamsFull,
                       request_id: str) -> AsyncIterator[FakeRequestOutput]:
        assert prompt["prompt_token_ids"], "an empty prompt"
        self.prompts.append(list(prompt["prompt_token_ids"]))
        queue: asyncio.Queue[FakeRequestOutput] = asyncio.Queue()
        self._incoming[request_id] = (params, list(prompt["prompt_token_ids"]), queue)
        if self._stepper is None or self._stepper.done():
            self._stepper = asyncio.create_task(self._run())
        try:
            while True:
                out = await queue.get()
                yield out
                if out.finished:
                    return
        except (asyncio.CancelledError, GeneratorExit):
            await self.abort(request_id)
            raise

    async def abort(self, request_id: str) -> None:
        if self._incoming.pop(request_id, None) is not None:
            self.aborted.append(request_id)
        entry = self.live.pop(request_id, None)
        if entry is not None:
            self.aborted.append(request_id)
            self._leaving.append(entry[0])

    def shutdown(self) -> None:
        self.shut_down = True

    async def _run(self) -> None:
        """One engine step per iteration: removals, then additions, then condense, then sample."""
        from maze_inference.engines.vllm import allowed_tokens

        rng = np.random.default_rng(0)
        sent: dict[str, int] = {}
        vocab, eos = self.tokenizer.vocab_size, self.tokenizer.eos_id

        def sample(request: _Request, mask: NDArray[np.int32] | None) -> int:
            if self.greedy_model is not None:
                return self.greedy_model.sample(request, mask, self.batch.first_only.get(request.rid))
            if mask is None:
                return int(rng.integers(1, vocab))
            allowed = np.flatnonzero(allowed_tokens(mask, vocab))
            if eos in allowed and (allowed.size == 1 or rng.random() < 0.3):
                return eos
            return int(rng.choice(allowed[allowed != eos]))

        while self.live or self._incoming:
            for request in self._leaving:
                self.batch.remove(request)
            self._leaving = []
            for rid, (params, prompt, queue) in list(self._incoming.items()):
                request = self.batch.add(params.extra_args, prompt)
                request.rid = rid
                self.live[rid] = (request, params, queue)
            self._incoming.clear()
            self.batch.condense()
            self.widest_step = max(self.widest_step, sum(r is not None and not r.finished for r in self.batch.rows))
            self.batch.step(self.state, self.state.words, sample)
            self.batch._repair_placeholders()
            for rid, (request, params, queue) in list(self.live.items()):
                ids = [t for t in request.output if t >= 0]
                out = self._output(rid, ids, params, sent.get(rid, 0))
                sent[rid] = len(ids)
                await queue.put(out)
                if out.finished:
                    request.finished = True
                    self.live.pop(rid)
                    self._leaving.append(request)
            await asyncio.sleep(self.step_delay_s)
        for request in self._leaving:  # the holes are filled by the next run's additions and condense
            self.batch.remove(request)
        self._leaving = []

    def _output(self, rid: str, ids: list[int], params: FakeVLLMSamplingParamsFull, sent: int) -> FakeRequestOutput:
        eos = self.tokenizer.eos_id
        finish = stop_reason = None
        if eos in ids:
            ids = ids[: ids.index(eos) + 1]
            finish = "stop"
        text = self.tokenizer.decode([t for t in ids if t != eos])
        for stop in params.stop:
            if stop and stop in text:
                text, finish, stop_reason = text[: text.index(stop)], "stop", stop
        if finish is None and len(ids) >= params.max_tokens:
            finish = "length"
        request = self.live[rid][0]
        logprobs = [{t: FakeLogprob(score, rank) for rank, (t, score) in enumerate(top[: params.logprobs], 1)}
                    for top in request.tops[: len(ids)]] if params.logprobs and request.tops else None
        if params.output_kind is FakeRequestOutputKind.DELTA:
            before = self.tokenizer.decode([t for t in ids[:sent] if t != eos])
            piece = FakeCompletionOutput(text[len(before):], ids[sent:], finish, stop_reason)
        else:
            piece = FakeCompletionOutput(text, ids, finish, stop_reason, logprobs)
        return FakeRequestOutput(rid, [piece], finish is not None)


@contextlib.contextmanager
def fake_vllm_modules() -> Iterator[None]:
    """vLLM's importable surface as maze uses it: `vllm.SamplingParams`, `AsyncLLM`, the processor base."""
    names = ["vllm", "vllm.v1", "vllm.v1.sample", "vllm.v1.sample.logits_processor", "vllm.sampling_params",
             "vllm.engine", "vllm.engine.arg_utils", "vllm.v1.engine", "vllm.v1.engine.async_llm", "vllm.platforms"]
    saved = {name: sys.modules.get(name) for name in names}
    modules = {name: types.ModuleType(name) for name in names}
    leaf = modules["vllm.v1.sample.logits_processor"]
    leaf.LogitsProcessor = FakeVLLMLogitsProcessor  # type: ignore[attr-defined]
    leaf.BatchUpdate = FakeVLLMBatchUpdate  # type: ignore[attr-defined]
    leaf.MoveDirectionality = FakeMoveDirectionality  # type: ignore[attr-defined]
    modules["vllm"].SamplingParams = FakeVLLMSamplingParamsFull  # type: ignore[attr-defined]
    modules["vllm.sampling_params"].RequestOutputKind = FakeRequestOutputKind  # type: ignore[attr-defined]
    modules["vllm.engine.arg_utils"].AsyncEngineArgs = FakeAsyncEngineArgs  # type: ignore[attr-defined]
    modules["vllm.v1.engine.async_llm"].AsyncLLM = FakeVLLMAsyncLLM  # type: ignore[attr-defined]
    modules["vllm.platforms"].current_platform = types.SimpleNamespace(  # type: ignore[attr-defined]
        get_device_name=lambda device_id=0: "stand-in GPU (CPU)")
    sys.modules.update(modules)
    try:
        yield
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module


def fake_vllm_config(model_dir: str, eos_token_id: int) -> Any:
    """The fields of vLLM's `VllmConfig` the processor reads."""
    hf_config = types.SimpleNamespace(eos_token_id=eos_token_id)
    return types.SimpleNamespace(model_config=types.SimpleNamespace(tokenizer=model_dir, model=model_dir,
                                                                    hf_config=hf_config))
