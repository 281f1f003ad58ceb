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


def cursor_args(context: CursorContext, level: ConstraintLevel) -> dict[str, Any]:
    """`extra_args` of a completion: the context to rebuild the constraint from, and the level seen."""
    return {EXTRA_ARGS_KEY: {"kind": "cursor", "context": context_to_wire(context), "level": level.value}}


def grammar_args(grammar: str) -> dict[str, Any]:
    return {EXTRA_ARGS_KEY: {"kind": "grammar", "grammar": grammar}}
