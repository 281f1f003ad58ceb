"""What the vLLM frontend makes of vLLM's output: the stop strings vLLM may apply itself, the model's top
choices from its log-probabilities, the generated ids as the decode rules read them, and the cut of a
free generation. No vLLM import: these run on any machine."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from maze_inference.constraint.cursor import CursorConstraint
from maze_inference.context import Mode
from maze_inference.decode_run import DecodeSettings


def valid_text(constraint: CursorConstraint, token_ids: Sequence[int], text: str, *, ended_by_eos: bool) -> str:
    """A free generation cut back to the last point where the constraint may end (as `DecodeRun.cut_back`).

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


def vllm_stops(settings: DecodeSettings) -> list[str]:
    """The stop strings vLLM may apply itself: the request's, and the line's end in line mode, except any
    inside the healed bytes (vLLM reads the output from its first byte, the decode rules from after the
    heal; the processor ends the line there instead)."""
    healed = settings.heal.decode("utf-8", "ignore")
    stops = [*settings.stop, *(["\n"] if settings.mode is Mode.LINE else [])]
    return [stop for stop in stops if stop and stop not in healed]


def top_choices(output: Any, top: int) -> list[list[tuple[int, float]]] | None:
    """Per generated position, the tokens vLLM ranked within `top`, best first, with their log-probabilities
    (raw, before any logits processor: the model's own choices, as `DecodeRun.note_natural` reads logits)."""
    positions = getattr(output, "logprobs", None)
    if not positions:
        return None
    return [sorted(((token, float(entry.logprob)) for token, entry in position.items()
                    if getattr(entry, "rank", top + 1) <= top), key=lambda pair: -pair[1])
            for position in positions]


def output_tokens(output: Any, finish: str, eos_ids: frozenset[int], eos_id: int) -> list[int]:
    """vLLM's generated ids as the decode rules read them: any stop id as the tokenizer's EOS, and the EOS that
    ended a generation even where vLLM left it out of the ids."""
    ids = [eos_id if t in eos_ids else t for t in output.token_ids]
    if finish == "stop" and output.stop_reason is None and (not ids or ids[-1] != eos_id):
        ids.append(eos_id)
    return ids
