"""Where a completion should end, judged from its text alone: pure string rules shared by the decode
loop (to stop early) and the pipeline (to never show what they forbid).

* `drop_suffix_overlap`: a completion that re-types the closers the editor already put after the
  cursor (`)`, `;`, `"]`) means to end before them.
* `dedent_cut`: a block completion ends at the first line indented below its block.
* `loop_start`: a small model that starts repeating (`.value.value.value`, `, 0, 0, 0`, a line three
  times) repeats until its token limit; the first copy may be right, the third never is.
"""

from __future__ import annotations

_CLOSERS = frozenset(")]}>\"'`;,: \t")
EXIT_CLOSERS = frozenset(")]}")  # closers whose re-typing means the model closes what the editor closed
REPEATS = 3  # copies in a row that make a loop
MIN_UNIT = 2


def drop_suffix_overlap(text: str, line_suffix: str) -> str:
    """Remove the longest tail of `text` made of closers that the line suffix starts with."""
    for size in range(min(len(text), len(line_suffix)), 0, -1):
        tail = text[-size:]
        if set(tail) <= _CLOSERS and line_suffix.startswith(tail):
            return text[:-size]
    return text


def dedent_cut(text: str, block_indent: int) -> int | None:
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


def loop_at_end(text: str) -> int | None:
    """If `text` ends with `REPEATS` copies of one unit (>= `MIN_UNIT` chars, with a letter or digit in
    it: `======` and `)))` are ordinary code), the offset where the loop should be cut: where the first
    copy starts, or, for whole lines repeated, where it ends (the first copy of a line may be right)."""
    for size in range(MIN_UNIT, len(text) // REPEATS + 1):
        unit = text[-size:]
        # the slice comparisons first: this runs per token per row in the vLLM processor
        if all(text[-(k + 1) * size : len(text) - k * size] == unit for k in range(1, REPEATS)) \
                and any(ch.isalnum() for ch in unit):
            start = len(text) - REPEATS * size
            # The loop may have begun earlier, part-way into a unit: `0, 0, 0` is `, 0` from after the first 0.
            while start > 0 and text[start - 1] == text[start - 1 + size]:
                start -= 1
            return start + size if "\n" in unit else start
    return None


def loop_start(text: str) -> int | None:
    """Where the first loop in `text` is cut (see `loop_at_end`), or None: checks every prefix end."""
    for end in range(MIN_UNIT * REPEATS, len(text) + 1):
        start = loop_at_end(text[:end])
        if start is not None:
            return start
    return None


def retypes_suffix(piece: str, suffix: str) -> bool:
    """Whether `piece`, about to be written at the cursor, is the start of what already follows it.

    Either the whole piece is the suffix's start (`)` before `)`, the next line re-typed), or the piece
    begins with the closers the suffix begins with (`).` before `);`: the model closes the call the
    editor already closed and goes on past it, as peers' bracket balancing would cut). Only pieces with
    code in them count (a space or newline alone is no sign of ending).
    """
    if not piece.strip():
        return False
    if suffix.startswith(piece):
        return True
    shared = 0
    while shared < min(len(piece), len(suffix)) and piece[shared] == suffix[shared] and piece[shared] in EXIT_CLOSERS:
        shared += 1
    return shared > 0
