"""The decode loop every local engine shares: follow the model, constrain lazily, end where the suffix joins.

Engines differ only in how they produce next-token logits (`LogitsModel`); everything that decides
*what* text comes out lives here, so the embedded ONNX model, a user's Transformers model and the
benchmarks' unconstrained baseline make their choices the same way.

The constrained path follows the unconstrained greedy path token for token and differs only where
the grammar refuses a token or an ending:
* per token, the sampled token is validated (cheap); only when it is refused is the full grammar
  mask computed and the token resampled (the lazy path);
* an ending (end-of-text; in line mode the line's end) is taken where the completion joins the
  suffix. A line ending is first tried as the unconstrained path would show it, without the closers
  the suffix already has (`foo(rows, factor)` + `)` means `factor`);
* a token that re-types what follows the cursor (`)` before the editor's `)`, the suffix's next
  line) ends the completion at the join point where the re-typing began;
* every token boundary where the suffix joins is a join point; a generation cut short (token limit,
  deadline, a loop, a dead end) ends at the latest join point where the model itself considered
  ending, else the latest join point, never half-finished.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from maze_inference.constraint.cursor import CursorConstraint
from maze_inference.context import Mode
from maze_inference.endings import dedent_cut, drop_suffix_overlap, loop_at_end, retypes_suffix
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
    STOP = "stop"  # end of text, the line's end (line mode), dedent (block mode) or a stop string, where the suffix joins
    LENGTH = "length"  # max tokens
    DEADLINE = "deadline"
    CANCELLED = "cancelled"
    NO_VALID_TOKEN = "no_valid_token"  # the grammar allowed nothing the model could say
    LOOP = "loop"  # the text started repeating itself

    @classmethod
    def parse(cls, value: object) -> FinishReason:
        """From the wire or another engine's vocabulary (vLLM's `abort` is a cancellation)."""
        if value == "abort":
            return cls.CANCELLED
        try:
            return cls(value)
        except ValueError:
            return cls.STOP


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
    suffix: str = ""  # the text after the cursor (the start of it is enough): re-typing it means ending
    guards: bool = True  # re-typing the suffix ends, loops end; off for the raw unconstrained baseline
    must_write: bool = False  # the cursor is on a blank line (the user pressed Enter): no empty ending
    restarts: int = 3  # dead ends (see `decode`) retried: eagerly repairing, then with the first content token forbidden
    natural_top: int = 3  # an ending among the model's top choices makes a join point "natural"
    # The document-level judge of an ending (the pipeline's final check): the grammar's join test reads
    # only a window of the suffix as a valid *prefix*, which an unclosed `{` or `(` still is; an ending
    # this refuses is not taken (the line goes on, or the attempt restarts), so the final check does
    # not drop what the decoder chose to show.
    ending_check: Callable[[str], bool] | None = field(default=None, compare=False)


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
    join_points: tuple[int, ...] = ()  # char offsets into `text`'s run where the suffix joined, latest last


def allowed_from_bitmask(bitmask: NDArray[np.int32], vocab: int) -> NDArray[np.bool_]:
    return np.unpackbits(bitmask.view(np.uint8), bitorder="little")[:vocab].astype(bool)


class _Sampler:
    def __init__(self, settings: DecodeSettings) -> None:
        self.temperature = settings.temperature
        self.top_p = settings.top_p
        self.rng = np.random.default_rng(settings.seed)

    def __call__(self, logits: NDArray[np.float32]) -> int:
        if self.temperature <= 0 or not np.isfinite(logits.max()):
            return int(np.argmax(logits))  # nothing allowed: the caller sees a non-finite choice
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
    """State of one generation: output so far, matcher position and the join points."""

    def __init__(self, tok: ModelTokenizer, constraint: CursorConstraint | None, settings: DecodeSettings,
                 eager_repair: bool = False) -> None:
        self.tok = tok
        self.eager_repair = eager_repair  # take a repairing ending among the top choices (`_repairing_end`)
        self.constraint = constraint
        self.settings = settings
        self.line_suffix = settings.suffix.split("\n", 1)[0].rstrip("\r")
        self.ids: list[int] = []
        self.data = bytearray()
        self.joins_at: list[int] = []  # byte lengths of the output where the suffix joins, in order
        self.natural: set[int] = set()  # those where the model itself ranked an ending highly
        self.mask = np.zeros((tok.vocab_size + 31) // 32, dtype=np.int32)
        self.heal = settings.heal  # what the output must still reproduce before its own text begins
        self.first_content: tuple[int, int] | None = None  # (step, token) of the first token adding text
        self.refused_line_ends = 0  # line ends where the suffix did not join (see `_LINE_END_PATIENCE`)
        if constraint is None or constraint.joins_suffix():
            self.joins_at.append(0)

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

    def text_at(self, size: int) -> str:
        return bytes(self.data[:size]).decode("utf-8", "ignore")

    @property
    def at_join_point(self) -> bool:
        return bool(self.joins_at) and self.joins_at[-1] == len(self.data)

    def joins(self) -> bool:
        return self.constraint is None or self.constraint.joins_suffix()

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

    def line_ending(self, part: str) -> str | None:
        """The text to show if the line ends after `part`: as the unconstrained path would show it
        (without the closers the suffix already has) if that joins, else as written, else None."""
        written = self.text + part
        if self.constraint is None:
            return written
        for candidate in dict.fromkeys((drop_suffix_overlap(written.rstrip(), self.line_suffix), written)):
            if self.constraint.joins_text(candidate) and self.ending_ok(candidate):
                return candidate
        return None

    def ending_ok(self, text: str) -> bool:
        """The document-level check of an ending (`DecodeSettings.ending_check`); the empty one is not judged."""
        check = self.settings.ending_check
        return check is None or not text.strip() or check(text)

    @property
    def has_join_point(self) -> bool:
        """Whether some non-empty output joined (the empty one does not count)."""
        return any(self.joins_at)

    def retyping_from(self, piece: str) -> int | None:
        """The join point (bytes) from which the output plus `piece` re-types the suffix, if any."""
        text = self.text
        for point in reversed(self.joins_at[-4:]):
            if retypes_suffix(text[len(self.text_at(point)) :] + piece, self.settings.suffix):
                return point
        return None

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
        if added and (self.constraint is None or self.constraint.joins_suffix()):
            self.joins_at.append(len(self.data))

    def note_natural(self, logits: NDArray[np.float32]) -> None:
        """At a join point: remember it if the model ranks an ending (EOS, a line end) among its top choices."""
        if not self.at_join_point or not len(self.data):
            return
        top = np.argpartition(-logits, self.settings.natural_top)[: self.settings.natural_top]
        line_mode = self.settings.mode is Mode.LINE
        if any(t == self.tok.eos_id or (line_mode and b"\n" in self.tok.token_bytes[t]) for t in top):
            self.natural.add(len(self.data))

    def cut_back(self, limit: int | None = None, *, natural: bool = True) -> str:
        """The text at the latest join point within `limit` bytes, preferring one where the model itself
        considered ending (`natural`); without a grammar, simply the text cut at `limit`."""
        if self.constraint is None:
            return self.text_at(len(self.data) if limit is None else limit)
        points = [p for p in self.joins_at if limit is None or p <= limit]
        preferred = [p for p in points if p in self.natural] if natural else []
        first = max(preferred or points or [0])
        if self.settings.ending_check is not None:  # else the latest of the last few that the final check passes
            for point in [first, *sorted(set(points) - {first}, reverse=True)[: _CHECKED_CUTS - 1]]:
                if self.ending_ok(text := self.text_at(point)):
                    return text
        return self.text_at(first)


# Join points a cut back tries with the ending check, latest first (as many as the pipeline's trims).
_CHECKED_CUTS = 6


@dataclass(frozen=True)
class _End:
    text: str  # the whole completion to show


class _NoToken(Exception):
    """The grammar leaves nothing the model could say."""


class _DeadEnd(Exception):
    """In line mode the model keeps ending the line where the suffix does not join, and nothing it wrote
    joined yet: the line started wrong (an `if` header where the next line is not indented deeper)."""


# Line ends refused before a dead end: one or two are worth continuing past (`if n < 0:` can still
# take its body on the same line); more mean the model has nothing else to say on this line.
_LINE_END_PATIENCE = 2


def _repairing_end(run: _Run, logits: NDArray[np.float32]) -> _End | None:
    """Where the document is broken at the cursor and the greedy path found no repair, the retry takes the
    first ending among the model's top choices that repairs it (`if distance < threshold` + `:` before an
    indented body), even if it is not the model's first choice: the greedy path rarely finds the repair
    again once it passes it by. Only on the retry: where greedy repairs, its (longer) text is kept."""
    if not run.eager_repair or run.constraint is None or not run.constraint.hole or not run.data or run.heal:
        return None
    top = np.argpartition(-logits, run.settings.natural_top)[: run.settings.natural_top]
    best = float(np.max(logits))
    line_mode = run.settings.mode is Mode.LINE
    for token in sorted(top.tolist(), key=lambda t: -logits[t]):
        if best - float(logits[token]) > _REPAIR_MARGIN:
            break
        if token == run.tok.eos_id:
            if run.joins() and run.ending_ok(run.text):
                return _End(run.text)
            continue
        piece = run.tok.token_bytes[token].decode("utf-8", "ignore")
        if line_mode and "\n" in piece:
            ending = run.line_ending(piece.split("\n", 1)[0].rstrip("\r"))
            if ending is not None and ending.strip():
                return _End(ending)
    return None


# How far below the model's first choice (in logits) a repairing ending may be and still be taken.
_REPAIR_MARGIN = 4.0


def _choose(run: _Run, logits: NDArray[np.float32], sample: _Sampler, may_restart: bool) -> int | _End:
    """The next token, or the ending to stop with."""
    line_mode = run.settings.mode is Mode.LINE
    if run.settings.guards and (repair := _repairing_end(run, logits)) is not None:
        return repair
    masked = False
    for _attempt in range(run.tok.vocab_size):
        token = sample(logits)
        if not np.isfinite(logits[token]):
            raise _NoToken
        blank = run.settings.must_write and run.settings.guards and not run.text.strip()
        if token == run.tok.eos_id:
            if not run.heal and not blank and (masked or run.joins()) and run.ending_ok(run.text):
                return _End(run.text)
            logits[token] = -np.inf
            continue
        added = run.new_bytes(token)
        if added is None:
            logits[token] = -np.inf
            continue
        piece = added.decode("utf-8", "ignore")
        if run.settings.guards and not run.heal and (point := run.retyping_from(piece)) is not None:
            return _End(run.text_at(point))
        if line_mode and "\n" in piece:
            ending = run.line_ending(piece.split("\n", 1)[0].rstrip("\r"))
            if ending is not None and not (blank and not ending.strip()):
                return _End(ending)
            run.refused_line_ends += 1
            if may_restart and run.constraint is not None and not run.has_join_point \
                    and run.refused_line_ends > _LINE_END_PATIENCE:
                raise _DeadEnd
            logits[token] = -np.inf
            continue
        if masked or run.allowed(token):
            return token
        run.full_mask(logits)
        masked = True
    raise _NoToken


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
    ends the line where the suffix does not join, or the budget runs out with no join point — restarts
    generation with that attempt's first content token forbidden, a few times at most. A restart
    re-reads the prompt from the KV cache, so it costs only the tokens regenerated.
    """
    started = time.perf_counter()
    logits = model.prefill(prompt_ids)
    prompt_done = time.perf_counter()
    if constraint is not None:
        constraint.start()
    active = constraint if constraint is not None and constraint.active else None
    bans: dict[int, set[int]] = {}
    total_tokens = 0
    eager = False
    for attempt in range(settings.restarts + 1):
        if attempt:
            assert active is not None
            active.rewind()
            logits = model.prefill(prompt_ids)
        run = _Run(tok, active, settings, eager_repair=eager)
        finish, text = _generate(model, run, logits, settings, bans, attempt < settings.restarts, cancel, deadline)
        total_tokens += len(run.ids)
        dead = finish in (FinishReason.NO_VALID_TOKEN, FinishReason.LENGTH, FinishReason.LOOP) and not run.has_join_point
        if active is None or active.window.must_accept or not dead or run.first_content is None \
                or attempt == settings.restarts:
            break
        if active.hole and not eager:
            eager = True  # the same start again, now taking the first ending that repairs the document
            continue
        step, token = run.first_content
        bans.setdefault(step, set()).add(token)
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
        join_points=tuple(len(run.text_at(p)) for p in run.joins_at if p and len(run.text_at(p)) < len(text)),
    )


def _generate(model: LogitsModel, run: _Run, logits: NDArray[np.float32], settings: DecodeSettings,
              bans: dict[int, set[int]], may_restart: bool, cancel: threading.Event | None,
              deadline: float | None) -> tuple[FinishReason, str]:
    """One attempt: sample until an ending, a limit, a loop or a dead end; returns the text to show."""
    sample = _Sampler(settings)
    for step in range(settings.max_tokens):
        if cancel is not None and cancel.is_set():
            return FinishReason.CANCELLED, run.cut_back()
        if deadline is not None and time.monotonic() > deadline:
            return FinishReason.DEADLINE, run.cut_back()
        logits = np.array(logits, dtype=np.float32, copy=True)
        run.note_natural(logits)
        for banned in bans.get(step, ()):
            logits[banned] = -np.inf
        try:
            choice = _choose(run, logits, sample, may_restart)
        except (_NoToken, _DeadEnd):
            return FinishReason.NO_VALID_TOKEN, run.cut_back()
        if isinstance(choice, _End):
            return FinishReason.STOP, choice.text
        run.append(choice)
        ended = _structural_end(run)
        if ended is not None:
            return ended
        logits = model.step(choice)
    return FinishReason.LENGTH, run.cut_back()


def _structural_end(run: _Run) -> tuple[FinishReason, str] | None:
    """A loop, a block mode dedent or a stop string ends the generation at a join point before it."""
    text = run.text
    loop = loop_at_end(text) if run.settings.guards else None
    if loop is not None:
        limit = len(text[:loop].encode("utf-8"))
        if any(0 < point <= limit for point in run.joins_at):
            return FinishReason.LOOP, run.cut_back(limit, natural=False)
        # Nowhere to end before the loop yet: go on (a grammar may force the way out; the text is never
        # shown with the loop in it).
    cuts = [index for stop in run.settings.stop if stop and (index := text.find(stop)) >= 0]
    if run.settings.mode is Mode.BLOCK and (dedent := dedent_cut(text, run.settings.block_indent)) is not None:
        cuts.append(dedent)
    if not cuts:
        return None
    cut = min(cuts)
    cut += len(text[cut:]) - len(text[cut:].lstrip())  # blank lines before the cut may stay (they are trimmed)
    return FinishReason.STOP, run.cut_back(len(text[:cut].encode("utf-8")), natural=False)
