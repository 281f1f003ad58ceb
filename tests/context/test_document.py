"""UTF-16 positions, line endings and incremental parsing of `Document`."""

from __future__ import annotations

import pytest
from maze_inference.document import Change, Document, Position, Range
from maze_inference.errors import ContextError
from maze_inference.languages import get_language

PY = get_language("python")


def edit(doc: Document, start: tuple[int, int], end: tuple[int, int], text: str) -> None:
    doc.apply([Change(text, Range(Position(*start), Position(*end)))])


def test_emoji_counts_two_utf16_units() -> None:
    doc = Document(PY, "x = '😀a'\n")
    assert doc.offset_at(Position(0, 5)) == 5  # before the emoji
    assert doc.offset_at(Position(0, 7)) == 6  # after it: 2 units, 1 code point
    assert doc.position_at(6) == Position(0, 7)
    with pytest.raises(ContextError, match="surrogate"):
        doc.offset_at(Position(0, 6))


def test_cjk_and_tabs_are_one_unit_each() -> None:
    doc = Document(PY, "\t名前 = 1\n")
    assert doc.offset_at(Position(0, 3)) == 3
    assert doc.byte_offset(3) == len("\t名前".encode())


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_line_breaks(newline: str) -> None:
    doc = Document(PY, f"a = 1{newline}bb = 2{newline}")
    assert doc.line_count == 3
    assert doc.line_text(1) == "bb = 2"
    assert doc.offset_at(Position(1, 2)) == len(f"a = 1{newline}bb")


def test_out_of_range_is_an_error_for_requests_and_clamped_for_edits() -> None:
    doc = Document(PY, "ab\ncd")
    with pytest.raises(ContextError):
        doc.offset_at(Position(0, 3))
    with pytest.raises(ContextError):
        doc.offset_at(Position(5, 0))
    assert doc.offset_at(Position(0, 99), strict=False) == 2
    edit(doc, (9, 0), (9, 0), "!")
    assert doc.text == "ab\ncd!"


def test_incremental_edits_keep_the_tree_equal_to_a_fresh_parse() -> None:
    doc = Document(PY, "def f(a):\n    return a\n")
    _ = doc.tree
    edit(doc, (1, 12), (1, 12), " + 😀")
    edit(doc, (0, 6), (0, 7), "名")
    doc.apply([Change("x = 1\r\n", Range(Position(0, 0), Position(0, 0)))])
    fresh = PY.new_parser().parse(doc.source)
    assert str(doc.tree.root_node) == str(fresh.root_node)
    assert doc.tree.root_node.end_byte == len(doc.source)


def test_full_replacement() -> None:
    doc = Document(PY, "a")
    doc.apply([Change("b = 2\n")], version=3)
    assert doc.text == "b = 2\n" and doc.version == 3
