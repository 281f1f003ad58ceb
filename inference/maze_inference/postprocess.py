"""Shape raw engine text into what an editor should insert.

Constrained completions already end where the suffix joins; these rules are the last word for
every engine: keep to the mode (one line, or a block that stays inside its indentation), drop
trailing whitespace, never show whitespace-only text, and for text that no grammar checked (level
`none`, remote engines without constraints) drop closing characters the suffix already has.
"""

from __future__ import annotations

from maze_inference.context import CursorContext, Mode

_CLOSERS = set(")]}>\"'`;,: \t")


def trim_to_mode(text: str, context: CursorContext) -> str:
    if context.mode is Mode.LINE:
        return text.split("\n", 1)[0].rstrip("\r")
    lines = text.split("\n")
    floor = len(context.current_indent)
    kept = [lines[0]]
    for line in lines[1:]:
        content = line.lstrip(" \t")
        if content and len(line) - len(content) < floor:
            break
        kept.append(line)
    return "\n".join(kept)


def drop_suffix_overlap(text: str, line_suffix: str) -> str:
    """Remove the longest tail of `text` made of closers that the line suffix starts with."""
    for size in range(min(len(text), len(line_suffix)), 0, -1):
        tail = text[-size:]
        if set(tail) <= _CLOSERS and line_suffix.startswith(tail):
            return text[:-size]
    return text


def postprocess(text: str, context: CursorContext, *, checked_by_grammar: bool) -> str | None:
    """The text to insert, or None when nothing worth showing remains."""
    text = trim_to_mode(text, context).rstrip()
    if not checked_by_grammar:
        text = drop_suffix_overlap(text, context.line_suffix)
    if not text.strip():
        return None
    return text
