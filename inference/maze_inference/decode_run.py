"""One generation's state and the rules that judge each token, apart from the loop that samples them.

The local decode loop (`decoding.py`) samples tokens and asks these rules about each one. The vLLM path
samples on the GPU and runs the same rules over the tokens it got: in its logits processor, to end a
row where the local loop would have ended (a line's end, a dedent, a loop, the suffix re-typed), and in
its frontend (`replay`), to choose the text to show. So for the same tokens both paths show the same
text, and the rules live once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum

import numpy as np
from numpy.typing import NDArray

from maze_inference.constraint.cursor import CursorConstraint
from maze_inference.context import Mode
from maze_inference.endings import dedent_cut, drop_suffix_overlap, loop_at_end, retypes_suffix
from maze_inference.healing import healed_bytes
from maze_inference.tokenization import ModelTokenizer


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
    heal: bytes = b""  # token healing (`healing.py`): bytes removed from the prompt's end that the output must start with
    suffix: str = ""  # the text after the cursor (the start of it is enough): re-typing it means ending
    guards: bool = True  # re-typing the suffix ends, loops end; off for the raw unconstrained baseline
    must_write: bool = False  # the cursor is on a blank line (the user pressed Enter): no empty ending
    restarts: int = 6  # dead ends (see `decode`) retried: eagerly repairing, then with the first content token forbidden
    # (6, not 3: realcode empties 6.2 -> 5.5 %, p95 latency unchanged, p99 0.46 -> 0.69 s where it was empty before)
    natural_top: int = 3  # an ending among the model's top choices makes a join point "natural"
    # The document-level judge of an ending (the pipeline's final check): the grammar's join test reads
    # only a window of the suffix as a valid *prefix*, which an unclosed `{` or `(` still is; an ending
    # this refuses is not taken (the line goes on, or the attempt restarts), so the final check does
    # not drop what the decoder chose to show.
    ending_check: Callable[[str], bool] | None = field(default=None, compare=False)


def allowed_from_bitmask(bitmask: NDArray[np.int32], vocab: int) -> NDArray[np.bool_]:
    return np.unpackbits(bitmask.view(np.uint8), bitorder="little")[:vocab].astype(bool)


class DecodeRun:
    """State of one generation: output so far, matcher position and the join points."""

    def __init__(self, tok: ModelTokenizer, constraint: CursorConstraint | None, settings: DecodeSettings,
                 eager_repair: bool = False) -> None:
        self.tok = tok
        self.eager_repair = eager_repair  # take a repairing ending among the top choices (`decoding._repairing_end`)
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
        self.refused_line_ends = 0  # line ends where the suffix did not join (see `refuse_line_end`)
        if constraint is None or constraint.joins_suffix():
            self.joins_at.append(0)

    def new_bytes(self, token: int) -> bytes | None:
        """What `token` adds to the output once the healed bytes are reproduced; None if it contradicts them."""
        return healed_bytes(self.tok.token_bytes[token], self.heal)

    @property
    def text(self) -> str:
        return self.data.decode("utf-8", "ignore")

    def text_at(self, size: int) -> str:
        return bytes(self.data[:size]).decode("utf-8", "ignore")

    @property
    def at_join_point(self) -> bool:
        return bool(self.joins_at) and self.joins_at[-1] == len(self.data)

    @property
    def blank(self) -> bool:
        """Nothing written yet where something must be (`DecodeSettings.must_write`): no ending is taken."""
        return self.settings.must_write and self.settings.guards and not self.text.strip()

    def joins(self) -> bool:
        return self.constraint is None or self.constraint.joins_suffix()

    def allowed(self, token: int) -> bool:
        if not self.heal:
            return self.constraint is None or self.constraint.is_allowed(token)
        added = self.new_bytes(token)
        return added is not None and (self.constraint is None or self.constraint.accepts_text(added.decode("utf-8", "ignore")))

    def heal_choices(self, grammar: NDArray[np.int32] | None) -> list[int]:
        """While healing, the tokens `allowed` permits, from the grammar's bitmask at this point (None: no grammar)."""
        constraint = self.constraint

        def accepts(rest: bytes) -> bool:
            return constraint is None or constraint.accepts_text(rest.decode("utf-8", "ignore"))

        return [t for t in self.tok.heal_index.allowed(self.heal, grammar, accepts) if t != self.tok.eos_id]

    def full_mask(self, logits: NDArray[np.float32]) -> None:
        """Apply the grammar (and healing) mask, with end-of-text allowed only where the suffix joins."""
        if self.constraint is not None:
            self.constraint.fill_mask(self.mask)
        if self.heal:
            allowed = np.zeros(logits.shape[0], dtype=bool)
            choices = [t for t in self.heal_choices(self.mask if self.constraint is not None else None)
                       if t < logits.shape[0]]
            allowed[choices] = True
        elif self.constraint is None:
            return
        else:
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
        if self.at_join_point and len(self.data):
            self.note_top(np.argpartition(-logits, self.settings.natural_top)[: self.settings.natural_top].tolist())

    def note_top(self, top: Iterable[int]) -> None:
        """`note_natural` given the model's top choices (another engine's top log-probabilities)."""
        if not self.at_join_point or not len(self.data):
            return
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
            for point in [first, *sorted(set(points) - {first}, reverse=True)[: CHECKED_CUTS - 1]]:
                if self.ending_ok(text := self.text_at(point)):
                    return text
        return self.text_at(first)

    def join_points(self, text: str) -> tuple[int, ...]:
        """The shorter endings of `text` where the suffix joined (char offsets), for the pipeline's trims."""
        return tuple(len(self.text_at(p)) for p in self.joins_at if p and len(self.text_at(p)) < len(text))


# Join points a cut back tries with the ending check, latest first (as many as the pipeline's trims).
CHECKED_CUTS = 6


@dataclass(frozen=True)
class End:
    text: str  # the whole completion to show


class Verdict(Enum):
    """What the rules say of a sampled token that does not end the generation."""

    TAKE = "take"  # up to the grammar: append it if the grammar allows it
    REFUSE = "refuse"  # pass it by (sample again without it)
    REFUSE_LINE_END = "refuse_line_end"  # a line end where the suffix does not join: pass it by, and count it


def judge(run: DecodeRun, token: int, *, masked: bool) -> End | Verdict:
    """The rules for one sampled token before the grammar's: an ending (EOS, the suffix re-typed, a line's
    end in line mode), or whether the token may be taken. `masked`: EOS could only be sampled where the
    suffix joins (a grammar mask was applied), so that need not be asked again."""
    blank = run.blank
    if token == run.tok.eos_id:
        if not run.heal and not blank and (masked or run.joins()) and run.ending_ok(run.text):
            return End(run.text)
        return Verdict.REFUSE
    added = run.new_bytes(token)
    if added is None:
        return Verdict.REFUSE
    piece = added.decode("utf-8", "ignore")
    if run.settings.guards and not run.heal and (point := run.retyping_from(piece)) is not None:
        return End(run.text_at(point))
    if run.settings.mode is Mode.LINE and "\n" in piece:
        ending = run.line_ending(piece.split("\n", 1)[0].rstrip("\r"))
        if ending is not None and not (blank and not ending.strip()):
            return End(ending)
        return Verdict.REFUSE_LINE_END
    return Verdict.TAKE


# Line ends refused before a dead end: one or two are worth continuing past (`if n < 0:` can still
# take its body on the same line); more mean the model has nothing else to say on this line.
LINE_END_PATIENCE = 2


def refuse_line_end(run: DecodeRun, may_restart: bool) -> bool:
    """Count a refused line end; True when it makes a dead end: in line mode the model keeps ending the line
    where the suffix does not join and nothing it wrote joined yet (the line started wrong)."""
    run.refused_line_ends += 1
    return may_restart and run.constraint is not None and not run.has_join_point \
        and run.refused_line_ends > LINE_END_PATIENCE


def repairing_end(run: DecodeRun, top: Sequence[tuple[int, float]]) -> End | None:
    """Where the document is broken at the cursor and the greedy path found no repair, the retry takes the
    first ending among the model's top choices that repairs it (`if distance < threshold` + `:` before an
    indented body), even if it is not the model's first choice: the greedy path rarely finds the repair
    again once it passes it by. Only on the retry: where greedy repairs, its (longer) text is kept.
    `top`: the model's top choices, best first, with their scores (logits, or log-probabilities: only the
    margins count)."""
    if not run.eager_repair or run.constraint is None or not run.constraint.hole or not run.data or run.heal:
        return None
    if not top:
        return None
    best = top[0][1]
    line_mode = run.settings.mode is Mode.LINE
    for token, score in top:
        if best - score > _REPAIR_MARGIN:
            break
        if token == run.tok.eos_id:
            if run.joins() and run.ending_ok(run.text):
                return End(run.text)
            continue
        piece = run.tok.token_bytes[token].decode("utf-8", "ignore")
        if line_mode and "\n" in piece:
            ending = run.line_ending(piece.split("\n", 1)[0].rstrip("\r"))
            if ending is not None and ending.strip():
                return End(ending)
    return None


# How far below the model's first choice (in logits) a repairing ending may be and still be taken.
_REPAIR_MARGIN = 4.0


class Attempts:
    """The restarts after a dead end: a line started in a way no ending can join to the suffix (an `if`
    header where the next line is not indented deeper), or the budget ran out with no join point or with
    only ones the final check refuses (a line that opens a block the document does not need). Where the
    document is broken at the cursor the same start is tried once more taking the first repairing ending
    (`repairing_end`); then each attempt's first content token is forbidden at its step (`bans`)."""

    def __init__(self, settings: DecodeSettings, constraint: CursorConstraint | None) -> None:
        self.settings = settings
        self.constraint = constraint
        self.attempt = 0
        self.eager = False
        self.bans: dict[int, set[int]] = {}  # step -> tokens forbidden there

    @property
    def may_restart(self) -> bool:
        return self.attempt < self.settings.restarts

    def again(self, run: DecodeRun, finish: FinishReason, text: str) -> bool:
        """After an attempt that showed `text`: whether to try again (with `eager` or a new ban). An attempt
        cut short whose text the final check refuses is a dead end too: it would be dropped, and another
        start may give one the user can keep."""
        cut_short = finish in (FinishReason.NO_VALID_TOKEN, FinishReason.LENGTH, FinishReason.LOOP)
        dead = cut_short and (not run.has_join_point or not run.ending_ok(text))
        active = self.constraint
        if active is None or active.window.must_accept or not dead or run.first_content is None \
                or not self.may_restart:
            return False
        self.attempt += 1
        if active.hole and not self.eager:
            self.eager = True  # the same start again, now taking the first ending that repairs the document
            return True
        step, token = run.first_content
        self.bans.setdefault(step, set()).add(token)
        return True


def structural_end(run: DecodeRun) -> tuple[FinishReason, str] | None:
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


@dataclass(frozen=True)
class Refusal:
    """A token the local loop would pass by and sample again without (`Verdict.REFUSE*`) at `step`."""

    step: int
    token: int


def replay(run: DecodeRun, ids: Sequence[int], tops: Sequence[Sequence[tuple[int, float]]] | None,
           finish: FinishReason, attempts: Attempts, *, resumed: bool = False) -> tuple[FinishReason, str] | Refusal:
    """The text the local loop would show for `ids`, tokens another engine sampled under the same masks.

    Picks up where `run` stands (`ids` starts with the tokens it took already). `tops[k]`: the model's top
    choices before token k, best first, with their scores (raw log-probabilities stand in for logits:
    `note_natural` and `repairing_end` read ranks and margins); `finish`: why the other engine stopped when
    the tokens run out before any ending (length, deadline). Where the local loop would pass a token by
    (an ending the final check refuses, a line end that does not join) and sample again, a `Refusal`
    says so: the caller resumes generation from that step without the token (`resumed`: this call
    continues at a step whose top choices were read already).
    """
    top_n = run.settings.natural_top
    for step in range(len(run.ids), len(ids)):
        token = ids[step]
        top = list(tops[step]) if tops is not None and step < len(tops) else []
        if not (resumed and step == len(run.ids)):
            run.note_top([t for t, _score in top[:top_n]])
            banned = attempts.bans.get(step, set())
            if run.settings.guards and (repair := repairing_end(run, [p for p in top if p[0] not in banned][:top_n])):
                return FinishReason.STOP, repair.text
        resumed = False
        verdict = judge(run, token, masked=True)
        if isinstance(verdict, End):
            return FinishReason.STOP, verdict.text
        if verdict is Verdict.REFUSE_LINE_END and refuse_line_end(run, attempts.may_restart):
            return FinishReason.NO_VALID_TOKEN, run.cut_back()
        if verdict is not Verdict.TAKE:
            return Refusal(step, token)
        run.append(token)
        ended = structural_end(run)
        if ended is not None:
            return ended
    return finish, run.cut_back()
