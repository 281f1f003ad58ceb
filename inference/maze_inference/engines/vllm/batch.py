"""The logits processor's state without torch or vLLM: one constraint per batch row, and its masks.

Kept apart from the torch layer so that it runs (and is tested) on any machine: the processor in
`processor.py` only moves the packed bitmasks this module fills onto the GPU.
"""

from __future__ import annotations

import dataclasses
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
from maze_inference.context import CursorContext, Mode
from maze_inference.decode_run import DecodeRun, DecodeSettings, Verdict, judge, structural_end
from maze_inference.endings import EXIT_CLOSERS, retypes_suffix
from maze_inference.engines.base import CompletionRequest
from maze_inference.engines.prompting import decode_settings
from maze_inference.engines.vllm.wire import EXTRA_ARGS_KEY, bans_from_wire, context_from_wire
from maze_inference.healing import mask_allows

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
    """One request in the batch under the decode rules; `output` is vLLM's live list of its generated ids."""

    run: DecodeRun  # the local decoder's state and rules (`decode_run.py`), fed the row's tokens
    output: list[int]
    consumed: int = 0
    done: bool = False  # EOS consumed (an async step may still run once): leave the row alone
    end: bool = False  # force EOS: an ending the rules took, a refused token, or an unknown placeholder
    retypes_here: list[int] | None = None  # tokens that re-type the suffix from where the output ends (cached)
    bans: dict[int, frozenset[int]] = field(default_factory=dict)  # step -> tokens a restarted attempt forbids
    # While healing: the grammar before the healed bytes, so that one mask says which tokens may heal (a token
    # is allowed when its bytes, heal included, continue the text there); None: judge token by token.
    pre_heal: llguidance.LLMatcher | None = None

    @property
    def active(self) -> bool:
        return self.run.constraint is not None

    @property
    def banned(self) -> frozenset[int]:
        return self.bans.get(len(self.run.ids), frozenset())

    @property
    def needs_mask(self) -> bool:
        return self.end or bool(self.run.heal) or self.active or bool(self.banned)


class ConstrainedBatch:
    """Decode-rule state of the rows of one vLLM persistent batch, and their masks.

    Rows change only through `apply_batch_update` (vLLM's order: removed, added, moved; an added
    or moved row replaces what was at its index). Tokens are consumed in `fill`, just before the
    mask for the next position is computed, and only real ids: under async scheduling a trailing
    -1 is a token not yet known on the host. Each row runs the local decoder's rules over its tokens
    (`decode_run.judge`, `structural_end`): where they end the completion (a line's end, a dedent, a
    loop, the suffix re-typed) the row is ended with EOS, and the frontend's `replay` of the same
    tokens picks the text.
    """

    def __init__(self, backend: ConstraintBackend, eos_ids: Iterable[int], threads: int | None = None) -> None:
        self.backend = backend
        self.tokenizer = backend.tokenizer
        self.templates = GrammarTemplates(backend)
        self.eos_ids = tuple(sorted(set(eos_ids) | {self.tokenizer.eos_id}))
        self.words = (self.tokenizer.vocab_size + 31) // 32
        self.rows: dict[int, RowState] = {}
        self.first_only_used = False  # the last `fill` wrote a bit into its `first_only` rows
        self._executor = llguidance.LLExecutor(threads)
        self._scratch = np.zeros((0, self.words), dtype=np.int32)
        token_bytes = self.tokenizer.token_bytes
        self._newline_mask = _token_mask(self.words, self.tokenizer.newline_ids)
        self._blank_line_end_mask = _token_mask(
            self.words, (t for t in self.tokenizer.newline_ids if not token_bytes[t].split(b"\n", 1)[0].strip()))
        self._heal_masks: dict[bytes, NDArray[np.int32]] = {}
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
            constraint = self.templates.constraint(spec["grammar"])
            constraint.start()
            return RowState(DecodeRun(self.tokenizer, constraint, DecodeSettings(mode=Mode.BLOCK, guards=False)),
                            output)
        context = context_from_wire(spec["context"])
        constrained = spec.get("constrained", True)
        constraint: CursorConstraint | None = None
        if constrained:
            constraint = self.backend.at_cursor(context)
            if constraint.level.value != spec.get("level"):
                self._warn_once("level", "constraint level %s in the engine core, %s in the frontend",
                                constraint.level.value, spec.get("level"))
            if constraint.active:
                constraint.start()
            else:
                constraint = None  # level none: nothing to constrain, the rules still apply
        request = CompletionRequest(context=context, constrained=constrained)
        settings = decode_settings(request, bytes.fromhex(spec.get("heal", "")), active=False)
        row = RowState(DecodeRun(self.tokenizer, constraint, settings), output, bans=bans_from_wire(spec.get("bans")),
                       pre_heal=self._before_heal(context, constraint, settings.heal))
        for token in spec.get("resume", ()):  # a resumed generation: its tokens so far end the prompt
            self._feed(row, token)
        return row

    def _before_heal(self, context: CursorContext, constraint: CursorConstraint | None,
                     heal: bytes) -> llguidance.LLMatcher | None:
        """The row's grammar at the cursor less the healed bytes (see `RowState.pre_heal`), if it is the same
        level: judging every candidate's text one by one costs tens of milliseconds where the heal is a
        space (most of a vocabulary starts with one), in a step every row waits for."""
        try:
            text = heal.decode("utf-8")
        except UnicodeDecodeError:
            return None
        if constraint is None or not text or not context.prefix.endswith(text) \
                or len(context.prefix) - len(text) < context.restart_offset:
            return None
        before = self.backend.at_cursor(dataclasses.replace(context, prefix=context.prefix[: -len(text)]))
        return before.matcher if before.level is constraint.level else None

    # ---- one step ----------------------------------------------------------------------------------

    def fill(self, batch_size: int, out: NDArray[np.int32], first_only: NDArray[np.int32] | None = None) -> int:
        """Write allowed-token bitmasks for rows [0, n) into `out`; return n (0: nothing to mask).

        Constrained rows get their grammar mask (EOS only where the suffix joins), healing rows the
        tokens that reproduce the healed bytes; other rows below n get all ones. `out` may be wider
        than the tokenizer's vocabulary (a model's padded logits): the extra columns are zero for
        masked rows. `first_only` (same shape, optional) gets the tokens a row may take only as the
        model's first choice over the unmasked logits, as the local loop would (a token re-typing the
        suffix ends the completion even where the grammar refuses it); `first_only_used` says whether
        any bit was set.
        """
        self.first_only_used = False
        live: list[tuple[int, RowState]] = []
        for index, row in sorted(self.rows.items()):
            if index >= batch_size or row.done:
                continue
            self._sync(row)
            if not row.done and row.needs_mask:
                live.append((index, row))
        if not live:
            return 0
        used = live[-1][0] + 1
        out[:used] = -1
        if first_only is not None:
            first_only[:used] = 0
        graded = [(index, row) for index, row in live if not row.end and row.active]
        if graded:
            if self._scratch.shape[0] < len(graded):
                self._scratch = np.zeros((max(len(graded), 2 * self._scratch.shape[0]), self.words), dtype=np.int32)
            self._executor.unsafe_compute_mask_ptr(
                [(row.pre_heal or row.run.constraint.matcher, k) for k, (_index, row) in enumerate(graded)],  # type: ignore[union-attr]
                self._scratch.ctypes.data, self.words * 4, self._scratch.shape[0])
        grammar = {index: self._scratch[k] for k, (index, _row) in enumerate(graded)}
        for index, row in live:
            target = out[index]
            if not row.end:
                self._mask_row(row, target, grammar.get(index), first_only[index] if first_only is not None else None)
            if row.end:
                target[:] = 0
                for eos in self.eos_ids:
                    _set_bit(target, eos, True)
        return used

    def _mask_row(self, row: RowState, target: NDArray[np.int32], grammar: NDArray[np.int32] | None,
                  first_only: NDArray[np.int32] | None) -> None:
        run = row.run
        target[self.words :] = 0
        if run.heal:
            if row.pre_heal is not None or grammar is None:  # the candidates the grammar before the heal allows
                target[: self.words] = self._heal_candidates(run.heal)
                if grammar is not None:
                    target[: self.words] &= grammar
            else:
                target[: self.words] = _token_mask(self.words, run.heal_choices(grammar))
            for eos in self.eos_ids:
                _set_bit(target, eos, False)
        elif grammar is None:
            target[: self.words] = -1  # an unconstrained row, masked for its bans only
        else:
            target[: self.words] = grammar
            joins, blank = run.at_join_point, run.blank
            if run.settings.mode is Mode.LINE and not joins:
                target[: self.words] &= ~self._newline_mask  # a line may end only where the suffix joins
            if run.settings.mode is Mode.LINE and blank:
                target[: self.words] &= ~self._blank_line_end_mask  # the user pressed Enter: write something
            for eos in self.eos_ids:
                _set_bit(target, eos, joins and not blank)
            if first_only is not None:
                self._first_only(row, target, first_only)
        for token in row.banned:
            _set_bit(target, token, False)
            if first_only is not None:
                _set_bit(first_only, token, False)
        if not target.any():
            row.end = True  # nothing the rules allow: end here; the frontend cuts to a valid point

    def _first_only(self, row: RowState, target: NDArray[np.int32], first_only: NDArray[np.int32]) -> None:
        """The tokens the local loop judges by its own rules when the model ranks them first, before any
        grammar mask: a line end in line mode (`DecodeRun.line_ending` may still join: `:` + newline after
        an `if` header) and a token re-typing the suffix. Where the grammar refuses them they may be
        taken only as the first choice over the raw logits; the rules then end the row."""
        words = self.words
        if row.run.settings.mode is Mode.LINE:
            extra = self._newline_mask & ~target[:words]
            if row.run.blank:
                extra &= ~self._blank_line_end_mask
            first_only[:words] |= extra
        if row.run.settings.guards:
            for token in self._retyping(row):
                if not mask_allows(target, token):
                    _set_bit(first_only, token, True)
        if first_only.any():
            self.first_only_used = True

    def _retyping(self, row: RowState) -> list[int]:
        """Tokens that would re-type the suffix from one of the last join points (`DecodeRun.retyping_from`).

        From the output's end: the suffix's own first tokens, and after a closer the suffix starts with,
        any token starting with that closer (cached per row). From an earlier join point: the tokens that
        continue the re-typing begun there (a re-typing that began with a closer has already ended).
        """
        run, suffix = row.run, row.run.settings.suffix
        index = self.tokenizer.heal_index
        if row.retypes_here is None:
            found = {t for k in range(1, min(len(suffix), _RETYPE_CHARS) + 1)
                     if (t := index.token_for(suffix[:k].encode("utf-8"))) is not None}
            if suffix[:1] in EXIT_CLOSERS:
                found.update(index.starting_with(suffix[:1].encode("utf-8")))
            row.retypes_here = sorted(t for t in found if retypes_suffix(self._piece(t), suffix))
        out = list(row.retypes_here) if run.at_join_point else []
        text = run.text
        for point in run.joins_at[-4:]:
            tail = text[len(run.text_at(point)) :]
            if not tail or not suffix.startswith(tail):
                continue
            rest = suffix[len(tail) :]
            for k in range(1, min(len(rest), _RETYPE_CHARS) + 1):
                token = index.token_for(rest[:k].encode("utf-8"))
                if token is not None and retypes_suffix(tail + self._piece(token), suffix):
                    out.append(token)
        return out

    def _heal_candidates(self, heal: bytes) -> NDArray[np.int32]:
        """The bitmask of the tokens that may reproduce `heal` (`HealIndex.candidates`), kept per heal."""
        mask = self._heal_masks.get(heal)
        if mask is None:
            mask = _token_mask(self.words, self.tokenizer.heal_index.candidates(heal))
            if len(self._heal_masks) >= 256:
                self._heal_masks.pop(next(iter(self._heal_masks)))
            self._heal_masks[heal] = mask
        return mask

    def _piece(self, token: int) -> str:
        return self.tokenizer.token_bytes[token].decode("utf-8", "ignore")

    def _sync(self, row: RowState) -> None:
        """Feed the row's new output ids (real ones only) to its decode rules."""
        output = row.output
        while row.consumed < len(output) and not row.done:
            token = output[row.consumed]
            if token < 0:
                if not row.end:
                    self._warn_once("placeholder", "an output id was still a placeholder at sampling time "
                                    "(async scheduling without needs_output_token_ids); ending that row")
                row.end = True
                return
            row.consumed += 1
            self._feed(row, token)

    def _feed(self, row: RowState, token: int) -> None:
        """One token through the decode rules: an ending they take, or a token they refuse, ends the row (the
        frontend's replay of the same tokens finds the same, and resumes where the local loop would go on)."""
        run = row.run
        if token in self.eos_ids:
            row.done = True
            return
        if row.end:
            return
        if judge(run, token, masked=True) is not Verdict.TAKE:
            row.end = True
            return
        if row.pre_heal is not None:
            if run.new_bytes(token):  # the heal is reproduced: the grammar at the cursor takes over
                row.pre_heal = None
            else:
                row.pre_heal.consume_token(token)
        run.append(token)
        if run.constraint is not None and run.constraint.matcher.is_error():  # type: ignore[union-attr]
            self._warn_once("rejected", "a sampled token was refused by the grammar: %s",
                            run.constraint.matcher.get_error())  # type: ignore[union-attr]
            row.end = True
        elif structural_end(run) is not None:
            row.end = True

    def _warn_once(self, key: str, message: str, *args: object) -> None:
        if key not in self._warned:
            self._warned.add(key)
            log.warning(message, *args)


_RETYPE_CHARS = 24  # the longest suffix start looked up as one token


def _token_mask(words: int, tokens: Iterable[int]) -> NDArray[np.int32]:
    ids = np.fromiter(tokens, dtype=np.int64)
    mask = np.zeros(words, dtype=np.uint32)
    np.bitwise_or.at(mask, ids >> 5, np.left_shift(np.uint32(1), (ids & 31).astype(np.uint32)))
    return mask.view(np.int32)


def _set_bit(row: NDArray[np.int32], token: int, value: bool) -> None:
    word, bit = divmod(token, 32)
    if word >= row.shape[0]:
        return
    flag = np.int32(np.uint32(1 << bit).view(np.int32))
    row[word] = (row[word] | flag) if value else (row[word] & ~flag)
