"""The vLLM engine: continuous batching on a GPU, constrained by maze's own constraint core.

vLLM's built-in structured output compiles a grammar and starts it at the first generated token;
a completion must instead continue *this document*, so the grammar has to have consumed the text
from the restart point to the cursor first. That is what `ConstraintBackend.at_cursor` does for
the local engines, and here it runs inside a vLLM V1 logits processor (`MazeLogitsProcessor`):

* The frontend (`VLLMEngine`, in the API process) walks the fallback ladder once to know the
  restart level, builds the FIM prompt, and sends the cursor context to the engine core in
  `SamplingParams.extra_args["maze"]`.
* The processor (in vLLM's engine-core process) builds the same constraint from that context on a
  matcher copied from a cached, compiled template (`ConstraintBackend` on the model's own
  `tokenizer.json`), keeps one per batch row through `BatchUpdate`'s removed/added/moved, feeds it
  the row's new output tokens, and masks the logits of constrained rows only. End-of-text is
  allowed only where the suffix still joins (`CursorConstraint.joins_suffix`), as in the local
  decode loop.
* After generation the frontend replays the output through its own matcher and cuts a text that
  stopped early (length, deadline, a stop string) back to the last point where the suffix joined,
  like `decoding._final_text`.

Async scheduling: vLLM may schedule step t+1 before step t's token is on the host, so a
processor's view of a row's output ends in a -1 placeholder. A processor that returns True from
`needs_output_token_ids()` gets the placeholders replaced with the real ids right before
sampling, i.e. before `apply`, so this one consumes tokens in `apply` (never in `update_state`)
and only ids >= 0; the mask is then for the position being sampled. On a vLLM without that hook
the engine turns async scheduling off, because there the last id stays -1 and no correct mask
exists; a row that still ends in a placeholder is ended (EOS only) rather than masked wrongly.

Hypotheses for the probe's ~0.6 s added to every constrained `generate` call
(`/work/shared/probes/vllm_prefix_probe.py`), and what this design does about each:
1. A matcher built per request: `LLMatcher(tokenizer, grammar)` compiles the grammar and builds
   its lexer over the vocabulary. Here grammars are compiled once per variant (and callers'
   grammars once per distinct text, LRU) and each request gets a `deep_copy` (microseconds); the
   languages' grammars are compiled in a background thread when the processor starts, so no
   request (and no batch step) waits for one.
2. `llguidance.torch.apply_token_bitmask_inplace` is `torch.compile(dynamic=True)`: a (re)compile
   on first use and whenever shapes or guards change (batch size 1 vs 32). Here the mask is
   applied with three plain tensor ops (shift, and, masked_fill), never compiled.
3. Host/device traffic: the probe copied a freshly sliced pageable mask every step (a sync). Here
   the packed bitmask (vocab/32 int32 per row) goes from a reused pinned buffer with
   `non_blocking=True`; an event per buffer stops the host from overwriting a copy in flight.
4. Per-row Python work: masks are computed for constrained rows only, in parallel on llguidance's
   thread pool (`LLExecutor`), and nothing at all runs when no row in the batch is constrained.
5. vLLM's built-in guidance path also took ~0.6 s in the probe, so part of the constant may be
   shared: the first structured request building llguidance's tokenizer (a one-off, here at
   processor start), or a fixed cost of leaving the CUDA-graph fast path for a logits processor
   that is not argmax-invariant. Measure a second run of the same request to separate one-offs.

Importing this module needs neither torch nor vLLM; both are imported when the engine loads or
when vLLM resolves `MazeLogitsProcessor` in its engine core.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hashlib
import logging
import os
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import llguidance
import numpy as np
from numpy.typing import NDArray

from maze_inference.constraint.cursor import (
    ConstraintBackend,
    ConstraintLevel,
    CursorConstraint,
    SuffixWindow,
)
from maze_inference.context import CursorContext, Mode, Scope
from maze_inference.engines.base import (
    CompletionRequest,
    CompletionResult,
    GenerateRequest,
    GenerateResult,
    Timings,
)
from maze_inference.engines.local import FimFormat
from maze_inference.errors import EngineTimeout, EngineUnavailable
from maze_inference.tokenization import ModelTokenizer

if TYPE_CHECKING:
    from vllm.v1.engine.async_llm import AsyncLLM

log = logging.getLogger(__name__)

EXTRA_ARGS_KEY = "maze"
PROCESSOR_FQCN = f"{__name__}:MazeLogitsProcessor"


# ---- wire format: frontend -> engine core (msgspec-serialisable plain values) --------------------


def context_to_wire(context: CursorContext) -> dict[str, Any]:
    wire = dataclasses.asdict(context)
    wire["mode"] = context.mode.value
    wire["node_path"] = list(context.node_path)
    return wire


def context_from_wire(wire: dict[str, Any]) -> CursorContext:
    values = dict(wire)
    values["mode"] = Mode(values["mode"])
    values["node_path"] = tuple(values["node_path"])
    values["scope"] = Scope(**values["scope"]) if values.get("scope") else None
    return CursorContext(**values)


def cursor_args(context: CursorContext, level: str) -> dict[str, Any]:
    """`extra_args` of a completion: the context to rebuild the constraint from, and the level seen."""
    return {EXTRA_ARGS_KEY: {"kind": "cursor", "context": context_to_wire(context), "level": level}}


def grammar_args(grammar: str) -> dict[str, Any]:
    return {EXTRA_ARGS_KEY: {"kind": "grammar", "grammar": grammar}}


# ---- compiled callers' grammars, shared by requests ------------------------------------------------


class GrammarTemplates:
    """One compiled matcher per distinct grammar text (LRU); requests get deep copies."""

    def __init__(self, backend: ConstraintBackend, size: int = 64) -> None:
        self.backend = backend
        self.size = size
        self._templates: OrderedDict[str, llguidance.LLMatcher] = OrderedDict()
        self._lock = threading.Lock()

    def constraint(self, grammar: str) -> CursorConstraint:
        """Free generation: the text must be a complete match of `grammar` to end."""
        key = hashlib.sha256(grammar.encode()).hexdigest()
        with self._lock:
            template = self._templates.get(key)
            if template is not None:
                self._templates.move_to_end(key)
        if template is None:
            template = self.backend.matcher_for_grammar(grammar)  # raises GrammarError
            with self._lock:
                self._templates[key] = template
                while len(self._templates) > self.size:
                    self._templates.popitem(last=False)
        window = SuffixWindow((), 0, at_eof=True, must_accept=True)
        return CursorConstraint(self.backend.tokenizer, template.deep_copy(), ConstraintLevel.FILE, window)


# ---- the processor's state, without torch or vLLM -------------------------------------------------


@dataclass
class RowState:
    """One constrained request in the batch; `output` is vLLM's live list of its generated ids."""

    constraint: CursorConstraint
    output: list[int]
    mode: Mode | None  # LINE/BLOCK for completions, None for free generation
    block_indent: int = 0
    consumed: int = 0
    line: bytearray = field(default_factory=bytearray)  # text of the current output line
    newlines: int = 0
    done: bool = False  # EOS consumed (an async step may still run once): leave the row alone
    end: bool = False  # force EOS: dedent in block mode, a rejected token, or an unknown placeholder


class ConstrainedBatch:
    """Grammar state of the rows of one vLLM persistent batch, and their masks.

    Rows change only through `apply_batch_update` (vLLM's order: removed, added, moved; an added
    or moved row replaces what was at its index). Tokens are consumed in `fill`, just before the
    mask for the next position is computed, and only real ids: under async scheduling a trailing
    -1 is a token not yet known on the host.
    """

    def __init__(self, backend: ConstraintBackend, eos_ids: Iterable[int], threads: int | None = None) -> None:
        self.backend = backend
        self.tokenizer = backend.tokenizer
        self.templates = GrammarTemplates(backend)
        self.eos_ids = tuple(sorted(set(eos_ids) | {self.tokenizer.eos_id}))
        self.words = (self.tokenizer.vocab_size + 31) // 32
        self.rows: dict[int, RowState] = {}
        self._executor = llguidance.LLExecutor(threads)
        self._scratch = np.zeros((0, self.words), dtype=np.int32)
        self._newline_mask = _token_mask(self.words, self.tokenizer.newline_ids)
        self._warned: set[str] = set()

    # ---- batch bookkeeping -------------------------------------------------------------------------

    def apply_batch_update(self, update: Any) -> None:
        """A vLLM `BatchUpdate` (or anything shaped like one); None means no change."""
        if update is None:
            return
        for index in update.removed:
            self.rows.pop(index, None)
        for index, params, _prompt, output in update.added:
            self.add(index, getattr(params, "extra_args", None), output)
        for a, b, direction in update.moved:
            self.move(a, b, swap=getattr(direction, "name", "") == "SWAP")

    def add(self, index: int, extra_args: dict[str, Any] | None, output: list[int]) -> None:
        state = self._new_state(extra_args, output)
        if state is None:
            self.rows.pop(index, None)
        else:
            self.rows[index] = state

    def move(self, a: int, b: int, *, swap: bool) -> None:
        row_a, row_b = self.rows.pop(a, None), self.rows.pop(b, None)
        if row_a is not None:
            self.rows[b] = row_a
        if swap and row_b is not None:
            self.rows[a] = row_b

    def _new_state(self, extra_args: dict[str, Any] | None, output: list[int]) -> RowState | None:
        spec = (extra_args or {}).get(EXTRA_ARGS_KEY)
        if not spec:
            return None
        if spec["kind"] == "grammar":
            return RowState(self.templates.constraint(spec["grammar"]), output, None)
        context = context_from_wire(spec["context"])
        constraint = self.backend.at_cursor(context)
        if constraint.level.value != spec.get("level"):
            self._warn_once("level", "constraint level %s in the engine core, %s in the frontend",
                            constraint.level.value, spec.get("level"))
        if not constraint.active:
            return None  # level none: nothing to constrain
        constraint.start()
        indent = len(context.current_indent) if context.mode is Mode.BLOCK else 0
        return RowState(constraint, output, context.mode, block_indent=indent)

    # ---- one step ----------------------------------------------------------------------------------

    def fill(self, batch_size: int, out: NDArray[np.int32]) -> int:
        """Write allowed-token bitmasks for rows [0, n) into `out`; return n (0: nothing to mask).

        Constrained rows get their grammar mask (EOS only where the suffix joins); unconstrained
        rows below n get all ones. `out` may be wider than the tokenizer's vocabulary (a model's
        padded logits): the extra columns are zero for constrained rows.
        """
        live: list[tuple[int, RowState]] = []
        for index, row in sorted(self.rows.items()):
            if index >= batch_size or row.done:
                continue
            self._sync(row)
            if not row.done:
                live.append((index, row))
        if not live:
            return 0
        used = live[-1][0] + 1
        out[:used] = -1
        masked = [(index, row) for index, row in live if not row.end]
        if masked:
            if self._scratch.shape[0] < len(masked):
                self._scratch = np.zeros((max(len(masked), 2 * self._scratch.shape[0]), self.words), dtype=np.int32)
            self._executor.unsafe_compute_mask_ptr(
                [(row.constraint.matcher, k) for k, (_index, row) in enumerate(masked)],
                self._scratch.ctypes.data, self.words * 4, self._scratch.shape[0])
        for k, (index, row) in enumerate(masked):
            target = out[index]
            target[self.words:] = 0
            target[: self.words] = self._scratch[k]
            joins = row.constraint.joins_suffix()
            if row.mode is Mode.LINE and not joins:
                target[: self.words] &= ~self._newline_mask  # a line may end only where the suffix joins
            for eos in self.eos_ids:
                _set_bit(target, eos, joins)
            if not target.any():
                row.end = True  # nothing the grammar allows: end here; the frontend cuts to a valid point
        for index, row in live:
            if row.end:
                out[index] = 0
                for eos in self.eos_ids:
                    _set_bit(out[index], eos, True)
        return used

    def _sync(self, row: RowState) -> None:
        """Consume the row's new output ids (real ones only) into its matcher."""
        output = row.output
        while row.consumed < len(output):
            token = output[row.consumed]
            if token < 0:
                if not row.end:
                    self._warn_once("placeholder", "an output id was still a placeholder at sampling time "
                                    "(async scheduling without needs_output_token_ids); ending that row")
                row.end = True
                return
            row.consumed += 1
            if token in self.eos_ids:
                row.done = True
                return
            if row.end:
                continue
            if not row.constraint.matcher.consume_token(token):
                self._warn_once("rejected", "a sampled token was refused by the grammar: %s",
                                row.constraint.matcher.get_error())
                row.end = True
                continue
            self._track_lines(row, self.tokenizer.token_bytes[token])

    def _track_lines(self, row: RowState, data: bytes) -> None:
        """Block mode: a line indented below the block ends the completion (as `decoding._dedent_cut`).

        The first line continues the cursor's line and never counts; a line counts once it has content.
        """
        if row.mode is not Mode.BLOCK:
            return
        first, *rest = data.split(b"\n")
        row.line += first
        for piece in rest:
            if row.newlines and _dedented(bytes(row.line), row.block_indent):
                row.end = True
            row.newlines += 1
            row.line = bytearray(piece)
        if row.newlines and _dedented(bytes(row.line), row.block_indent):
            row.end = True

    def _warn_once(self, key: str, message: str, *args: object) -> None:
        if key not in self._warned:
            self._warned.add(key)
            log.warning(message, *args)


def _dedented(line: bytes, block_indent: int) -> bool:
    content = line.lstrip(b" \t")
    return bool(content) and len(line) - len(content) < block_indent


def _token_mask(words: int, tokens: Iterable[int]) -> NDArray[np.int32]:
    mask = np.zeros(words, dtype=np.int32)
    for token in tokens:
        _set_bit(mask, token, True)
    return mask


def _set_bit(row: NDArray[np.int32], token: int, value: bool) -> None:
    word, bit = divmod(token, 32)
    if word >= row.shape[0]:
        return
    flag = np.int32(np.uint32(1 << bit).view(np.int32))
    row[word] = (row[word] | flag) if value else (row[word] & ~flag)


def allowed_tokens(row: NDArray[np.int32], vocab: int) -> NDArray[np.bool_]:
    """A bitmask row as booleans (what the torch layer computes on the device)."""
    return np.unpackbits(row.view(np.uint8), bitorder="little")[:vocab].astype(bool)


# ---- the torch layer: vLLM's LogitsProcessor ------------------------------------------------------


def _tokenizer_json(name_or_path: str) -> str:
    path = Path(name_or_path)
    if path.is_dir():
        return (path / "tokenizer.json").read_text(encoding="utf-8")
    from huggingface_hub import hf_hub_download  # a vLLM dependency; the file is in its cache already

    return Path(hf_hub_download(name_or_path, "tokenizer.json")).read_text(encoding="utf-8")


def stop_ids(model_config: Any) -> list[int]:
    """Ids that end a generation: the model's `eos_token_id`, plus its generation config's when local."""
    ids: list[int] = []
    for source in (getattr(model_config.hf_config, "eos_token_id", None), _generation_eos(model_config.model)):
        ids += source if isinstance(source, list) else [source] if source is not None else []
    return sorted({int(i) for i in ids})


def _generation_eos(path: str) -> Any:
    config = Path(path) / "generation_config.json"
    if not config.is_file():
        return None
    import json

    return json.loads(config.read_text()).get("eos_token_id")


def model_tokenizer(tokenizer_json: str, eos_id: int | None) -> ModelTokenizer:
    """`ModelTokenizer` whose EOS is the model's own (`<|im_end|>` for a chat model, not end-of-text)."""
    import tokenizers

    name = tokenizers.Tokenizer.from_str(tokenizer_json).id_to_token(eos_id) if eos_id is not None else None
    return ModelTokenizer(tokenizer_json, eos_token=name or "<|endoftext|>")


def warm_grammars(backend: ConstraintBackend, indent_units: Sequence[str] = ("    ", "  ")) -> None:
    """Compile every language's file-level grammar for common indentations, off the engine's thread.

    A variant is otherwise compiled (grammar + lexer over the whole vocabulary) by the first request
    that needs it, inside `update_state`, which would stall every row of that step.
    """
    from maze_inference.constraint.grammars import GrammarVariant
    from maze_inference.languages import LANGUAGES

    started = time.perf_counter()
    for grammar in dict.fromkeys(language.grammar for language in LANGUAGES):
        for unit in indent_units:
            try:
                backend.matcher(GrammarVariant(grammar, unit))
            except Exception as exc:  # a broken grammar is reported when a request needs it
                log.warning("grammar %s (indent %r) did not compile: %s", grammar, unit, exc)
    log.info("maze grammars compiled in %.1f s", time.perf_counter() - started)


def _build_processor_class() -> type:
    import torch
    from vllm.v1.sample.logits_processor import LogitsProcessor

    class MazeLogitsProcessor(LogitsProcessor):
        """maze's cursor constraint as a vLLM V1 logits processor (see the module docstring)."""

        def __init__(self, vllm_config: Any, device: torch.device, is_pin_memory: bool) -> None:
            model_config = vllm_config.model_config
            eos_ids = stop_ids(model_config)
            eos = getattr(model_config.hf_config, "eos_token_id", None)
            eos = eos[0] if isinstance(eos, list) else eos
            tokenizer = model_tokenizer(_tokenizer_json(model_config.tokenizer), eos)
            self.batch = ConstrainedBatch(ConstraintBackend(tokenizer), eos_ids)
            threading.Thread(target=warm_grammars, args=(self.batch.backend,), name="maze-grammar-warmup",
                             daemon=True).start()
            self.device = device
            self.pin = is_pin_memory
            self._host: list[torch.Tensor] = []
            self._events: list[Any] = []
            self._turn = 0
            self._shifts = torch.arange(32, dtype=torch.int32, device=device)
            log.info("maze logits processor ready (vocab %d, eos %s)", tokenizer.vocab_size, eos_ids)

        @classmethod
        def validate_params(cls, sampling_params: Any) -> None:
            spec = (getattr(sampling_params, "extra_args", None) or {}).get(EXTRA_ARGS_KEY)
            if spec is not None and spec.get("kind") not in ("cursor", "grammar"):
                raise ValueError(f"extra_args[{EXTRA_ARGS_KEY!r}] has an unknown kind {spec.get('kind')!r}")

        def is_argmax_invariant(self) -> bool:
            return False  # masking changes the argmax

        def needs_output_token_ids(self) -> bool:
            return True  # real ids instead of -1 placeholders under async scheduling

        def update_state(self, batch_update: Any) -> None:
            self.batch.apply_batch_update(batch_update)

        def apply(self, logits: torch.Tensor) -> torch.Tensor:
            if not self.batch.rows:
                return logits
            rows, vocab = logits.shape
            host = self._host_buffer(rows, (vocab + 31) // 32)
            used = self.batch.fill(rows, host.numpy())
            if not used:
                return logits
            packed = host[:used].to(self.device, non_blocking=True)
            if self._events:
                self._events[self._turn].record()
            bits = (packed.unsqueeze(-1) >> self._shifts) & 1  # [used, words, 32]
            allowed = bits.view(used, -1)[:, :vocab].bool()
            logits[:used].masked_fill_(~allowed, float("-inf"))
            return logits

        def _host_buffer(self, rows: int, words: int) -> torch.Tensor:
            """A pinned buffer not being copied from: two alternate, each guarded by an event."""
            if not self._host or self._host[0].shape[0] < rows or self._host[0].shape[1] != words:
                size = max(rows, 64)
                self._host = [torch.empty((size, words), dtype=torch.int32, pin_memory=self.pin) for _ in range(2)]
                self._events = [torch.cuda.Event() for _ in range(2)] if self.device.type == "cuda" else []
            self._turn ^= 1
            if self._events:
                self._events[self._turn].synchronize()
            return self._host[self._turn]

    MazeLogitsProcessor.__module__ = __name__
    return MazeLogitsProcessor


_processor_class: type | None = None


def __getattr__(name: str) -> Any:
    """`MazeLogitsProcessor` is built on first access, so this module imports without torch or vLLM."""
    global _processor_class
    if name == "MazeLogitsProcessor":
        if _processor_class is None:
            _processor_class = _build_processor_class()
        return _processor_class
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def supports_async_scheduling() -> bool:
    """Whether this vLLM repairs output placeholders for processors that ask (`needs_output_token_ids`)."""
    from vllm.v1.sample.logits_processor import LogitsProcessor

    return hasattr(LogitsProcessor, "needs_output_token_ids")


# ---- the frontend ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PromptWindow:
    """Prompt sizes in tokens, and the step that keeps the prompt's left edge still while typing."""

    prefix_tokens: int = 2048
    suffix_tokens: int = 512
    anchor_chars: int = 2048  # the window starts on a multiple of this (then the next line start)


def fim_prompt(tok: ModelTokenizer, fim: FimFormat, context: CursorContext, window: PromptWindow) -> list[int]:
    """The FIM prompt, with a left edge that moves in `anchor_chars` steps, not per keystroke.

    vLLM's prefix cache reuses KV blocks of an identical token prefix across requests and users;
    "the last N tokens" would shift the prompt by a token per keystroke and miss it every time.
    Unlike the local engine's remembered anchor, this is stateless, so it holds for many users.
    """
    cursor = context.prefix_start + len(context.prefix)
    step = window.anchor_chars
    start = max(context.prefix_start, (cursor - window.prefix_tokens * 4) // step * step)
    while True:
        text = context.prefix[start - context.prefix_start :]
        if start > context.prefix_start:  # start on a line, not mid-token
            newline = text.find("\n")
            text = text[newline + 1 :] if 0 <= newline < len(text) - 1 else text
        prefix_ids = tok.encode(text)
        if len(prefix_ids) <= window.prefix_tokens or start + step >= cursor:
            break
        start += step  # too many tokens: move the edge by whole steps, so it still stays put while typing
    prefix_ids = prefix_ids[-window.prefix_tokens :]
    suffix_ids = tok.encode(context.suffix[: window.suffix_tokens * 8])[: window.suffix_tokens]
    p, s, m = (tok.special_id(t) for t in (fim.prefix, fim.suffix, fim.middle))
    if fim.order == "spm":
        return [s, *suffix_ids, p, *prefix_ids, m]
    return [p, *prefix_ids, s, *suffix_ids, m]


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
        max_model_len: int = 8192,
        gpu_memory_utilization: float | None = None,
        generate_gpu_memory_utilization: float | None = None,
        generate_quantization: str | None = None,
        async_scheduling: bool | None = None,
        fim: FimFormat = FimFormat(),
        window: PromptWindow = PromptWindow(),
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
            "max_model_len": self.max_model_len,
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
        tokenizer = model_tokenizer(_tokenizer_json(path), eos[0] if isinstance(eos, list) else eos)
        backend = ConstraintBackend(tokenizer)
        chat_tokenizer = None
        if chat:
            from transformers import AutoTokenizer

            chat_tokenizer = AutoTokenizer.from_pretrained(path)
        log.info("vllm: %s ready in %.1f s", path, time.perf_counter() - started)
        return _Model(path, llm, tokenizer, backend, GrammarTemplates(backend), self.max_model_len, chat_tokenizer)

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
        level = constraint.level.value if constraint is not None else ConstraintLevel.NONE.value
        prompt = fim_prompt(model.tokenizer, self.fim, context, self.window)
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
            text=text, finish_reason=finish, level=level, prompt_tokens=len(prompt), completion_tokens=len(ids),
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
            text=text, finish_reason=finish, prompt_tokens=len(prompt), completion_tokens=len(ids),
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


__all__ = ["ConstrainedBatch", "VLLMEngine", "context_from_wire", "context_to_wire", "fim_prompt",
           "valid_text"]
