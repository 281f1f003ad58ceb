"""Pure ending rules shared by the decode loop and the pipeline (`endings.py`)."""

from __future__ import annotations

import pytest
from maze_inference.endings import dedent_cut, drop_suffix_overlap, loop_at_end, loop_start, retypes_suffix


@pytest.mark.parametrize(("text", "start"), [
    ("factor, 0, 0, 0", len("factor")),  # `, 0` three times, the loop begins after `factor`
    ("x.value.value.value", 1),
    ("a.to_string().to_string().to_string()", 1),
    ("    x = 1\n    x = 1\n    x = 1\n", len("    x = 1\n")),  # a line three times: its first copy stays
    ("{name} {name} {name} ", 0),
])
def test_a_unit_three_times_in_a_row_is_a_loop(text: str, start: int) -> None:
    assert loop_start(text) == start


@pytest.mark.parametrize("text", [
    "[0, 0, 0]",  # three zeros are data: the unit `, 0` occurs only twice
    "a == b",
    '"======"',  # no letter or digit: layout, not a loop
    ")))))))",
    "x.value.value",  # two copies are allowed
    "a\nb\na\nb\n",
])
def test_ordinary_code_is_not_a_loop(text: str) -> None:
    assert loop_start(text) is None


def test_loop_at_end_sees_only_the_end() -> None:
    assert loop_at_end("f(1, 2, 2, 2") == len("f(1")
    assert loop_at_end("g, g, g, x") is None


@pytest.mark.parametrize(("text", "suffix", "kept"), [
    ("factor)", ")", "factor"),
    ("boolean;", ";", "boolean"),
    ("a + b)]", ")]\n", "a + b"),
    ("f(x)", "", "f(x)"),
    ("name", "name", "name"),  # only closers are dropped, never code
])
def test_suffix_overlap(text: str, suffix: str, kept: str) -> None:
    assert drop_suffix_overlap(text, suffix) == kept


def test_retyping_the_suffix_needs_code() -> None:
    assert retypes_suffix(")", ")\n    return x")
    assert retypes_suffix("\n    return", "\n    return x\n")
    assert not retypes_suffix(" ", " + 1")  # whitespace alone is no sign of ending
    assert not retypes_suffix("))", "]")
    assert retypes_suffix(").", ");\n")  # closes what the editor closed, then goes on past it


def test_dedent_cut_finds_the_line_that_leaves_the_block() -> None:
    text = "x = 1\n        y = 2\n    z = 3\n"
    assert dedent_cut(text, 8) == len("x = 1\n        y = 2")
    assert dedent_cut(text, 4) is None
