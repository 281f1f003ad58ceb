"""The decode loop every local engine shares: sample, constrain lazily, stop where the suffix joins.

Engines differ only in how they produce next-token logits (`LogitsModel`); everything that
decides *what* text comes out lives here, so the embedded ONNX model, a user's Transformers
model and the benchmarks' unconstrained baseline make their choices the same way.

Per token: sample from the raw logits and validate just that token (cheap); only when it is
refused compute the full grammar mask and resample (the lazy path). End-of-text is allowed only
where the suffix still joins (`CursorConstraint.joins_suffix`). Every token boundary where the
suffix joins is remembered, so a generation cut short (max tokens, deadline, dedent, stop string)
is trimmed back to the last place that was valid instead of being shown half-finished.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from maze_inference.constraint.cursor import CursorConstraint
from maze_inference.context import Mode
from maze_inference.tokenization import ModelTokenizer


class LogitsModel(Protocol):
    """Next-token logits for one sequence; implementations keep their KV cache between calls."""

    def prefill(self, ids: Sequence[int]) -> NDArray[np.float32]:
        """Logits after `ids`; may reuse cached work for a shared prefix with the last sequence."""
        ...

    def step(self, token: int) -> NDArray[np.float32]:
        """Logits after appending one token."""
        ...

    @property
    def reused_tokens(self) -> int:
        """How many prompt tokens the last `prefill` took from the cache."""
        ...


class FinishReason(str, Enum):
    STOP = "stop"  # end of text, newline (line mode), dedent (block mode) or a stop string, where the suffix joins
    LENGTH = "length"  # max tokens
    DEADLINE = "deadline"
    CANCELLED = "cancelled"
    NO_VALID_TOKEN = "no_valid_token"  # the grammar allowed nothing the model could say


@dataclass(frozen=True)
class DecodeSettings:
    max_tokens: int = 48
    temperature: float = 0.0
    top_p: float = 0.95
    mode: Mode = Mode.LINE
    block_indent: int = 0  # block mode: a line indented less than this ends the completion
    stop: tuple[str, ...] = ()
    seed: int | None = None
    heal: bytes = b""  # token healing: bytes removed from the prompt's end that the output must start with
    restarts: int = 3  # dead ends (see `decode`) retried with the first content token forbidden


@dataclass
class DecodeOutcome:
    text: str
    finish_reason: FinishReason
    prompt_tokens: int
    completion_tokens: int
    reused_tokens: int
    prompt_ms: float
    decode_ms: float
    constraint_ms: float = 0.0
    token_ids: list[int] = field(default_factory=list)


def allowed_from_bitmask(bitmask: NDArray[np.int32], vocab: int) -> NDArray[np.bool_]:
    return np.unpackbits(bitmask.view(np.uint8), bitorder="little")[:vocab].astype(bool)


class _Sampler:
    def __init__(self, settings: DecodeSettings) -> None:
        self.temperature = settings.temperature
        self.top_p = settings.top_p
        self.rng = np.random.default_rng(settings.seed)

    def __call__(self, logits: NDArray[np.float32]) -> int:
        if self.temperature <= 0:
            return int(np.argmax(logits))
        scaled = logits.astype(np.float64) / self.temperature
        scaled -= scaled.max()
        probs = np.exp(scaled)
        probs /= probs.sum()
        order = np.argsort(-probs)
        cumulative = np.cumsum(probs[order])
        keep = order[: int(np.searchsorted(cumulative, self.top_p)) + 1]
        kept = probs[keep] / probs[keep].sum()
        return int(self.rng.choice(keep, p=kept))


class _Run:
    """State of one generation: output so far, matcher position and the valid cut points."""

    def __init__(self, tok: ModelTokenizer, constraint: CursorConstraint | None, settings: DecodeSettings) -> None:
        self.tok = tok
        self.constraint = constraint
        self.settings = settings
        self.ids: list[int] = []
        self.data = bytearray()
        self.valid_cut = 0  # byte length of the longest output prefix known to join the suffix
        self.join_points: list[int] = []  # every such byte length, in order: where a cut may fall
        self.mask = np.zeros((tok.vocab_size + 31) // 32, dtype=np.int32)
        self.heal = settings.heal  # what the output must still reproduce before its own text begins
        self.first_content: tuple[int, int] | None = None  # (step, token) of the first token adding text

    def new_bytes(self, token: int) -> bytes | None:
        """What `token` adds to the output once the healed bytes are reproduced; None if it contradicts them."""
        data = self.tok.token_bytes[token]
        if not self.heal:
            return data
        if self.heal.startswith(data):
            return b"" if data else None
        if data.startswith(self.heal):
            return data[len(self.heal) :]
        return None

    @property
    def text(self) -> str:
        return self.data.decode("utf-8", "ignore")

    def joins(self, extra: str = "") -> bool:
        return self.constraint is None or (self.constraint.accepts_text(extra) and self.constraint.joins_suffix(extra))

    def allowed(self, token: int) -> bool:
        if not self.heal:
            return self.constraint is None or self.constraint.is_allowed(token)
        added = self.new_bytes(token)
        return added is not None and (self.constraint is None or self.constraint.accepts_text(added.decode("utf-8", "ignore")))

    def full_mask(self, logits: NDArray[np.float32]) -> None:
        """Apply the grammar (and healing) mask, with end-of-text allowed only where the suffix joins."""
        if self.heal:
            allowed = np.zeros(logits.shape[0], dtype=bool)
            for token in range(min(logits.shape[0], self.tok.vocab_size)):
                allowed[token] = token != self.tok.eos_id and self.allowed(token)
        elif self.constraint is None:
            return
        else:
            self.constraint.fill_mask(self.mask)
            allowed = allowed_from_bitmask(self.mask, logits.shape[0])
            allowed[self.tok.eos_id] = self.joins()
        logits[~allowed] = -np.inf

    def append(self, token: int) -> None:
        added = self.new_bytes(token)
        assert added is not None
        if self.constraint is not None:
            if not self.heal:
                self.constraint.consume(token)
            elif added:
                for part in self.tok.encode(added.decode("utf-8", "ignore")):
                    self.constraint.consume(part)
        self.heal = b"" if added or not self.heal else self.heal[len(self.tok.token_bytes[token]) :]
        if added and self.first_content is None:
            self.first_content = (len(self.ids), token)
        self.ids.append(token)
        self.data += added
        if self.constraint is None or self.constraint.joins_suffix():
            self.valid_cut = len(self.data)
            self.join_points.append(self.valid_cut)


def _newline_part(run: _Run, token: int) -> str | None:
    """The new text of `token` before its first newline, or None if it adds no newline."""
    data = run.new_bytes(token) or b""
    index = data.find(b"\n")
    return None if index < 0 else data[:index].decode("utf-8", "ignore")


def _dedent_cut(text: str, block_indent: int) -> int | None:
    """Block mode: the offset of the newline that starts a line indented below the block, if any."""
    start = 0
    while True:
        newline = text.find("\n", start)
        if newline < 0:
            return None
        line = text[newline + 1 :]
        content = line.lstrip(" \t")
        end_of_line = line.find("\n")
        if (content and (end_of_line < 0 or len(line) - len(content) < end_of_line)
                and len(line) - len(content) < block_indent):
            return newline
        start = newline + 1


REPEATS_TO_CUT = 3


def _repeat_cut(text: str) -> int | None:
    """Block mode: the end of the first of `REPEATS_TO_CUT` identical non-blank lines in a row, if any.

    A small model that starts repeating a line repeats it until the token limit; the first copy may
    be right, the rest never are.
    """
    lines = text.split("\n")[:-1]  # complete lines only
    offset = 0
    run_start, run_length, previous = 0, 0, None
    for line in lines:
        key = line.strip()
        if key and key == previous:
            run_length += 1
        else:
            run_start, run_length, previous = offset + len(line), 1, key
        if key and run_length >= REPEATS_TO_CUT:
            return run_start
        offset += len(line) + 1
    return None


class DeadEnd(Exception):
    """The text so far can no longer end where the suffix joins: worth a restart."""


def _choose(run: _Run, logits: NDArray[np.float32], sample: _Sampler,
            dead_end_on_bad_line_end: bool) -> tuple[int | None, str | None]:
    """Pick the next token. Returns (token, None) to continue, or (None, ending) to stop with `ending` appended.

    Raises `StopIteration` when the grammar leaves nothing to say, and `DeadEnd` when (in line mode)
    the model ends the line where the suffix does not join: the line started wrong, so masking the
    newline would only make the model ramble on.
    """
    line_mode = run.settings.mode is Mode.LINE
    masked = False
    for _attempt in range(run.tok.vocab_size):
        token = sample(logits)
        if not np.isfinite(logits[token]):
            raise StopIteration
        if token == run.tok.eos_id:
            if not run.heal and (masked or run.joins()):
                return None, ""
            logits[token] = -np.inf
            continue
        if line_mode:
            part = _newline_part(run, token)
            if part is not None:
                if run.joins(part):
                    return None, part
                if dead_end_on_bad_line_end and run.constraint is not None and run.valid_cut == 0:
                    raise DeadEnd
                logits[token] = -np.inf
                continue
        if masked or run.allowed(token):
            return token, None
        run.full_mask(logits)
        masked = True
    raise StopIteration


def decode(
    model: LogitsModel,
    tok: ModelTokenizer,
    prompt_ids: Sequence[int],
    constraint: CursorConstraint | None,
    settings: DecodeSettings,
    cancel: threading.Event | None = None,
    deadline: float | None = None,
) -> DecodeOutcome:
    """Generate one completion; blocking (engines run it in a worker thread).

    Grammar masks keep every prefix valid, but a line can start in a way no ending can join to the
    suffix (an `if` header where the next line is not indented deeper). Such a dead end — the model
    ends the line where the suffix does not join, or the budget runs out with no valid place to stop —
    restarts generation with that attempt's first content token forbidden, a few times at most. A
    restart re-reads the prompt from the KV cache, so it costs only the tokens regenerated.
    """
    started = time.perf_counter()
    logits = model.prefill(prompt_ids)
    prompt_done = time.perf_counter()
    if constraint is not None:
        constraint.start()
    active = constraint if constraint is not None and constraint.active else None
    bans: dict[int, set[int]] = {}
    total_tokens = 0
    for attempt in range(settings.restarts + 1):
        if attempt:
            assert active is not None
            active.rewind()
            logits = model.prefill(prompt_ids)
        run = _Run(tok, active, settings)
        finish, ending = _generate(model, run, logits, settings, bans, attempt < settings.restarts, cancel, deadline)
        total_tokens += len(run.ids)
        dead = finish in (FinishReason.NO_VALID_TOKEN, FinishReason.LENGTH) and run.valid_cut == 0
        if active is None or not dead or run.first_content is None or attempt == settings.restarts:
            break
        step, token = run.first_content
        bans.setdefault(step, set()).add(token)
    text = _final_text(run, finish, ending)
    done = time.perf_counter()
    return DecodeOutcome(
        text=text,
        finish_reason=finish,
        prompt_tokens=len(prompt_ids),
        completion_tokens=total_tokens,
        reused_tokens=model.reused_tokens,
        prompt_ms=(prompt_done - started) * 1e3,
        decode_ms=(done - prompt_done) * 1e3,
        constraint_ms=constraint.stats.seconds * 1e3 if constraint is not None else 0.0,
        token_ids=run.ids,
    )


def _generate(model: LogitsModel, run: _Run, logits: NDArray[np.float32], settings: DecodeSettings,
              bans: dict[int, set[int]], may_restart: bool, cancel: threading.Event | None,
              deadline: float | None) -> tuple[FinishReason, str | None]:
    """One attempt: sample until a stop, a limit, or a dead end."""
    sample = _Sampler(settings)
    for step in range(settings.max_tokens):
        if cancel is not None and cancel.is_set():
            return FinishReason.CANCELLED, None
        if deadline is not None and time.monotonic() > deadline:
            return FinishReason.DEADLINE, None
        logits = np.array(logits, dtype=np.float32, copy=True)
        for banned in bans.get(step, ()):
            logits[banned] = -np.inf
        try:
            token, ending = _choose(run, logits, sample, may_restart)
        except StopIteration:
            return FinishReason.NO_VALID_TOKEN, None
        except DeadEnd:
            return FinishReason.NO_VALID_TOKEN, None
        if token is None:
            return FinishReason.STOP, ending
        run.append(token)
        if _should_cut(run):
            return FinishReason.STOP, None
        logits = model.step(token)
    return FinishReason.LENGTH, None


def _should_cut(run: _Run) -> bool:
    """Block mode dedent or a stop string: end now (the text is trimmed in `_final_text`)."""
    text = run.text
    if run.settings.mode is Mode.BLOCK and (_dedent_cut(text, run.settings.block_indent) is not None
                                            or (text.endswith("\n") and _loop_cut(run) is not None)):
        return True
    return any(s and s in text for s in run.settings.stop)


def _loop_cut(run: _Run) -> int | None:
    """Where to end a repeating text: the last point at or before `_repeat_cut` where it may end.

    None while there is no such point (repeating is then still the best on offer).
    """
    cut = _repeat_cut(run.text)
    if cut is None or run.constraint is None:
        return cut
    limit = len(run.text[:cut].encode("utf-8"))
    best = max((point for point in run.join_points if 0 < point <= limit), default=None)
    return None if best is None else len(run.data[:best].decode("utf-8", "ignore"))


def _final_text(run: _Run, finish: FinishReason, ending: str | None) -> str:
    text = run.text
    if finish is FinishReason.STOP and ending is not None:
        return text + ending
    cut = len(text)
    if run.settings.mode is Mode.BLOCK:
        for found in (_dedent_cut(text, run.settings.block_indent), _loop_cut(run)):
            cut = min(cut, found) if found is not None else cut
    for stop in run.settings.stop:
        index = text.find(stop) if stop else -1
        cut = min(cut, index) if index >= 0 else cut
    if cut == len(text) and finish is FinishReason.STOP:
        return text
    valid = run.data[: run.valid_cut].decode("utf-8", "ignore")
    return text[:cut] if run.constraint is None else valid[:cut]
