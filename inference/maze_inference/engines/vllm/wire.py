"""What the frontend sends the engine core in `SamplingParams.extra_args["maze"]`: plain values only.

vLLM serialises sampling params with msgspec between its API process and its engine core, so the
cursor context travels as dicts and lists and is rebuilt on the other side.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from maze_inference.constraint.cursor import ConstraintLevel
from maze_inference.context import CursorContext, Mode, Scope

EXTRA_ARGS_KEY = "maze"


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


def cursor_args(context: CursorContext, level: ConstraintLevel, *, heal: bytes = b"", constrained: bool = True,
                bans: dict[int, set[int]] | None = None, resume: list[int] | None = None) -> dict[str, Any]:
    """`extra_args` of a completion: the context to rebuild the constraint and the decode rules from, the
    level the frontend saw, the healed bytes (`healing.py`), whether the request is constrained (an
    unconstrained one is still healed and still ends at its line's end or a dedent), the tokens forbidden
    at each step (a restarted attempt's, a resumed one's), and the completion's tokens so far when a
    generation resumes (they end the prompt; the processor feeds them to the row's rules first)."""
    return {EXTRA_ARGS_KEY: {"kind": "cursor", "context": context_to_wire(context), "level": level.value,
                             "heal": heal.hex(), "constrained": constrained,
                             "bans": {str(step): sorted(tokens) for step, tokens in (bans or {}).items()},
                             "resume": list(resume or [])}}


def bans_from_wire(wire: dict[str, list[int]] | None) -> dict[int, frozenset[int]]:
    return {int(step): frozenset(tokens) for step, tokens in (wire or {}).items()}


def grammar_args(grammar: str) -> dict[str, Any]:
    return {EXTRA_ARGS_KEY: {"kind": "grammar", "grammar": grammar}}
