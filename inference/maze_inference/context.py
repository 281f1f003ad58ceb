"""Cursor context: what the engine and the grammar need to know about the place being completed.

Pure: text, a tree-sitter tree and an offset in, a frozen `CursorContext` out; no LSP types. The
LSP layer converts UTF-16 positions to offsets first (`document.py`).
"""

from __future__ import annotations

import re
from collections import Counter

_LEADING_WS = re.compile(r"^([ \t]+)\S", re.MULTILINE)
_INDENT_SAMPLE_CHARS = 200_000


def detect_indent_unit(text: str, default: str = "    ") -> str:
    """The document's indentation unit: a tab, or the most common step between indented lines.

    Only the first 200k characters are sampled so the cost stays bounded on huge files.
    """
    steps: Counter[str] = Counter()
    tabs = spaces = 0
    previous = 0
    for match in _LEADING_WS.finditer(text, 0, _INDENT_SAMPLE_CHARS):
        ws = match.group(1)
        if ws.startswith("\t"):
            tabs += 1
            continue
        if "\t" in ws:
            continue
        spaces += 1
        width = len(ws)
        if width > previous and width - previous <= 8:
            steps[width - previous] += 1
        previous = width
    if tabs > spaces:
        return "\t"
    if not steps:
        return default
    return " " * steps.most_common(1)[0][0]
