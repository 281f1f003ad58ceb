"""Indentation detected over edited blocks equals the one-pass detection over the whole text."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from maze_inference import indentation
from maze_inference.document import Change, Document, Position, Range
from maze_inference.languages import get_language

PY = get_language("python")
LINE = st.tuples(st.sampled_from(["", " ", "  ", "    ", "\t", "\t ", "        ", "   "]),
                 st.sampled_from(["x", "def f():", "if a {", "call(", "[", "# c:", "// c{", '"""', "'''", 'd = """a', "", "y:"]),
                 st.sampled_from(["\n", "\r\n", "\r"]))
TEXT = st.lists(LINE, max_size=30).map(lambda lines: "".join(a + b + c for a, b, c in lines))


def reference(text: str, limit: int, default: str = "    ") -> str:
    """The one-pass detection as it was written before blocks (kept here as the specification)."""
    steps: Counter[int] = Counter()
    tabs = spaces = 0
    previous_width = 0
    previous_opens = False
    in_triple = False
    for line in text[:limit].splitlines():
        stripped = line.strip()
        quotes = line.count('"""') + line.count("'''")
        if in_triple or not stripped or stripped.startswith(("#", "//")):
            in_triple ^= quotes % 2 == 1
            continue
        in_triple = quotes % 2 == 1
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if indent.startswith("\t"):
            tabs += 1
        elif indent and "\t" not in indent:
            spaces += 1
        width = len(indent)
        if previous_opens and "\t" not in indent and 0 < width - previous_width <= 8:
            steps[width - previous_width] += 1
        previous_width, previous_opens = width, stripped.endswith((":", "{", "(", "["))
    if tabs > spaces:
        return "\t"
    if not steps:
        return default
    return " " * steps.most_common(1)[0][0]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(initial=TEXT, edits=st.lists(st.tuples(st.floats(0, 1), st.floats(0, 1), TEXT), max_size=6),
       block=st.sampled_from([1, 3, 8, 20, 4096]), limit=st.sampled_from([7, 40, 200_000]))
def test_block_detection_equals_one_pass(initial: str, edits: list[tuple[float, float, str]], block: int,
                                         limit: int) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(indentation, "INDENT_SAMPLE_CHARS", limit)
        check_edits(initial, edits, block, limit)


def check_edits(initial: str, edits: list[tuple[float, float, str]], block: int, limit: int) -> None:
    doc = Document(PY, initial, block_chars=block)
    assert doc.indent_unit("  ") == reference(initial, limit, "  ") == indentation.detect_indent_unit(initial, "  ")
    for a, b, new in edits:
        text = doc.text
        start, end = sorted((round(a * len(text)), round(b * len(text))))
        begin, finish = doc.position_at(start), doc.position_at(end)
        doc.apply([Change(new, Range(begin, finish))])
        assert doc.indent_unit("  ") == reference(doc.text, limit, "  ")


def test_ties_go_to_the_step_seen_first_across_blocks() -> None:
    text = "a:\n  b\nc:\n    d\n" * 3
    for block in (1, 4, 4096):
        assert Document(PY, text, block_chars=block).indent_unit("\t") == reference(text, 200_000, "\t") == "  "


def test_a_position_is_kept_across_a_block_boundary() -> None:
    doc = Document(PY, "def f():\n" + "    x = 1\n" * 3, block_chars=4)
    doc.apply([Change("  ", Range(Position(1, 0), Position(1, 4)))])
    assert doc.indent_unit("\t") == reference(doc.text, 200_000, "\t") == "  "
