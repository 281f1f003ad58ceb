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

The rules that judge each sampled token and the state they read live in `decode_run.py`, where the
vLLM path runs them too; this module is the loop that samples, masks lazily and restarts.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from maze_inference.constraint.cursor import CursorConstraint
from maze_inference.decode_run import (
    Attempts,
    DecodeRun,
    DecodeSettings,
    End,
    FinishReason,
    Verdict,
    judge,
    refuse_line_end,
    repairing_end,
    structural_end,
)
from maze_inference.tokenization import ModelTokenizer

__all__ = ["DecodeOutcome", "DecodeSettings", "FinishReason", "LogitsModel", "decode"]


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


class _NoToken(Exception):
    """The grammar leaves nothing the model could say."""


class _DeadEnd(Exception):
    """In line mode the model keeps ending the line where the suffix does not join, and nothing it wrote
    joined yet: the line started wrong (an `if` header where the next line is not indented deeper)."""


def _choose(run: DecodeRun, logits: NDArray[np.float32], sample: _Sampler, may_restart: bool) -> int | End:
    """The next token, or the ending to stop with."""
    if run.eager_repair and run.settings.guards and (repair := repairing_end(run, _top(logits, run))) is not None:
        return repair
    masked = False
    for _attempt in range(run.tok.vocab_size):
        token = sample(logits)
        if not np.isfinite(logits[token]):
            raise _NoToken
        verdict = judge(run, token, masked=masked)
        if isinstance(verdict, End):
            return verdict
        if verdict is Verdict.REFUSE_LINE_END and refuse_line_end(run, may_restart):
            raise _DeadEnd
        if verdict is not Verdict.TAKE:
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
    attempts = Attempts(settings, active)
    total_tokens = 0
    while True:
        if attempts.attempt:
            assert active is not None
            active.rewind()
            logits = model.prefill(prompt_ids)
        run = DecodeRun(tok, active, settings, eager_repair=attempts.eager)
        finish, text = _generate(model, run, logits, settings, attempts.bans, attempts.may_restart, cancel, deadline)
        total_tokens += len(run.ids)
        if not attempts.again(run, finish, text):
            break
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
        join_points=run.join_points(text),
    )


def _generate(model: LogitsModel, run: DecodeRun, logits: NDArray[np.float32], settings: DecodeSettings,
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
        if isinstance(choice, End):
            return FinishReason.STOP, choice.text
        run.append(choice)
        ended = structural_end(run)
        if ended is not None:
            return ended
        logits = model.step(choice)
    return FinishReason.LENGTH, run.cut_back()


def _top(logits: NDArray[np.float32], run: DecodeRun) -> list[tuple[int, float]]:
    """The model's top choices, best first, with their logits (`repairing_end` reads their margins)."""
    top = np.argpartition(-logits, run.settings.natural_top)[: run.settings.natural_top].tolist()
    return sorted(((t, float(logits[t])) for t in top), key=lambda pair: -pair[1])
