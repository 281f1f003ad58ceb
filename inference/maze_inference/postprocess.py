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
    return reindent(text if cut is None else text[:cut], context)


def reindent(text: str, context: CursorContext) -> str:
    """A block in the document's indentation unit: a model that learnt 4 spaces writes 4 in a 2-space file.

    The block's own step is the smallest indentation step among its lines below the cursor's line;
    every level of it becomes one unit of the document's. Tabs, or a block that already matches, stay.
    """
    unit = context.indent_unit
    base = len(context.current_indent)
    lines = text.split("\n")
    widths = [len(line) - len(line.lstrip(" ")) for line in lines[1:] if line.strip()]
    steps = [w - base for w in widths if w > base]
    if not steps or "\t" in unit or any(line.startswith("\t") for line in lines[1:]):
        return text
    step = min(steps)
    if step == len(unit) or any(s % step for s in steps):
        return text
    out = [lines[0]]
    for line in lines[1:]:
        width = len(line) - len(line.lstrip(" "))
        if line.strip() and width > base:
            line = " " * base + unit * ((width - base) // step) + line[width:]
        out.append(line)
    return "\n".join(out)


def postprocess(text: str, context: CursorContext, *, checked_by_grammar: bool) -> str | None:
    """The text to insert, or None when nothing worth showing remains."""
    text = trim_to_mode(text, context).rstrip()
    if not checked_by_grammar:
        text = drop_suffix_overlap(text, context.line_suffix)
    if not text.strip():
        return None
    return text
