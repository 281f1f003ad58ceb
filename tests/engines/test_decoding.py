"""Pure pieces of the decode loop: where a block completion is cut."""

from __future__ import annotations

import pytest
from maze_inference.decoding import _dedent_cut, _repeat_cut


@pytest.mark.parametrize(("text", "kept"), [
    ("    a = 1\n    # x\n    # x\n    # x\n    # x\n", "    a = 1\n    # x"),
    ("x\n  y\n y \ny\n", "x\n  y"),  # indentation and trailing blanks do not make lines different
])
def test_a_line_repeated_three_times_is_cut_after_its_first_copy(text: str, kept: str) -> None:
    cut = _repeat_cut(text)
    assert cut is not None and text[:cut] == kept


@pytest.mark.parametrize("text", [
    "a\nb\na\nb\n",  # alternating lines are code, not a loop
    "\n\n\n\n",  # blank lines are layout
    "x\nx\n",  # two copies are allowed
    "x\nx\nx",  # the third copy is not a complete line yet
])
def test_no_cut_without_three_identical_complete_lines(text: str) -> None:
    assert _repeat_cut(text) is None


def test_dedent_cut_finds_the_line_that_leaves_the_block() -> None:
    text = "x = 1\n        y = 2\n    z = 3\n"
    assert _dedent_cut(text, 8) == len("x = 1\n        y = 2")
    assert _dedent_cut(text, 4) is None
