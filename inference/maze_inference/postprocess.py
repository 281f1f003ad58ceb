"""Shape raw engine text into what an editor should insert.

Constrained completions already end where the suffix joins; these rules are the last word for
every engine: keep to the mode (one line, or a block that stays inside its indentation), drop
trailing whitespace, never show whitespace-only text, and for text that no grammar checked (level
`none`, remote engines without constraints) drop closing characters the suffix already has.
"""

from __future__ import annotations

from maze_inference.context import CursorContext, Mode
from maze_inference.endings import dedent_cut, drop_suffix_overlap


def trim_to_mode(text: str, context: CursorContext) -> str:
    if context.mode is Mode.LINE:
        return text.split("\n", 1)[0].rstrip("\r")
    cut = dedent_cut(text, len(context.current_indent))
    return text if cut is None else text[:cut]


def postprocess(text: str, context: CursorContext, *, checked_by_grammar: bool) -> str | None:
    """The text to insert, or None when nothing worth showing remains."""
    text = trim_to_mode(text, context).rstrip()
    if not checked_by_grammar:
        text = drop_suffix_overlap(text, context.line_suffix)
    if not text.strip():
        return None
    return text
