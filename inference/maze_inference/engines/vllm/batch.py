"""The logits processor's state without torch or vLLM: one constraint per batch row, and its masks.

Kept apart from the torch layer so that it runs (and is tested) on any machine: the processor in
`processor.py` only moves the packed bitmasks this module fills onto the GPU.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import llguidance
import numpy as np
from numpy.typing import NDArray

from maze_inference.constraint.cursor import (
    ConstraintBackend,
    ConstraintLevel,
    CursorConstraint,
    SuffixWindow,
)
from maze_inference.context import Mode
from maze_inference.engines.vllm.wire import EXTRA_ARGS_KEY, context_from_wire

log = logging.getLogger(__name__)


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
