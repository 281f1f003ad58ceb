"""`ChunkedText` against the obvious computations on one flat string, after every random edit.

Tiny block sizes put edits at and across block boundaries: CR LF pairs split or joined by an edit,
breaks deleted at a block's end, astral characters (2 UTF-16 units, 4 UTF-8 bytes) next to a boundary.
"""

from __future__ import annotations

from itertools import pairwise

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from maze_inference.chunked_text import ChunkedText
from maze_inference.document import line_starts, ts_point

PIECES = st.sampled_from(["a", "bc", " ", "\n", "\r\n", "\r", "😀", "名", "é", "\n\n", "\r\r\n"])
TEXT = st.lists(PIECES, max_size=14).map("".join)
EDIT = st.tuples(st.floats(0, 1), st.floats(0, 1), TEXT)


def check(chunks: ChunkedText, text: str) -> None:
    """Every answer equals the flat computation, and the block invariants hold."""
    source = text.encode("utf-8")
    assert chunks.text == text and chunks.source == source
    assert len(chunks) == len(text) and chunks.byte_length == len(source)
    assert chunks.line_starts() == line_starts(text)
    assert chunks.line_count == len(line_starts(text))
    blocks = chunks._texts
    assert "".join(blocks) == text
    assert all(blocks) or blocks == [""]
    for block, following in pairwise(blocks):
        assert block[-1] in "\r\n", "a non-last block ends with a line break"
        assert not (block.endswith("\r") and following.startswith("\n")), "a CR LF pair is split"
    starts = line_starts(text)
    for line, start in enumerate(starts):
        end = starts[line + 1] if line + 1 < len(starts) else len(text)
        content = text[start:end].removesuffix("\n").removesuffix("\r")
        assert chunks.line_span(line) == (start, content)
    for offset in range(len(text) + 1):
        byte = len(text[:offset].encode("utf-8"))
        assert chunks.byte_offset(offset) == byte
        assert chunks.point(byte) == ts_point(source, byte)
        line = max(i for i, s in enumerate(starts) if s <= offset)
        assert chunks.line_of(offset) == (line, starts[line])
        assert chunks.slice(max(0, offset - 3), offset) == text[max(0, offset - 3) : offset]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(initial=TEXT, edits=st.lists(EDIT, max_size=12), block=st.sampled_from([1, 2, 3, 4, 7, 16]))
def test_random_edits_match_a_flat_string(initial: str, edits: list[tuple[float, float, str]], block: int) -> None:
    chunks = ChunkedText(initial, block)
    text = initial
    check(chunks, text)
    for a, b, new in edits:
        start, end = sorted((round(a * len(text)), round(b * len(text))))
        source = text.encode("utf-8")
        span = chunks.replace(start, end, new)
        start_byte, end_byte = len(text[:start].encode()), len(text[:end].encode())
        assert (span.start_byte, span.old_end_byte) == (start_byte, end_byte)
        assert (span.start_point, span.old_end_point) == (ts_point(source, start_byte), ts_point(source, end_byte))
        text = text[:start] + new + text[end:]
        assert span.new_end_byte == start_byte + len(new.encode())
        assert span.new_end_point == ts_point(text.encode(), span.new_end_byte)
        check(chunks, text)


def test_crlf_split_and_joined_across_a_block_boundary() -> None:
    chunks = ChunkedText("ab\r\ncd\r\nef\n", 2)
    chunks.replace(3, 4, "")  # delete the LF of the first CR LF: "ab\r" now ends with a lone CR
    check(chunks, "ab\rcd\r\nef\n")
    chunks.replace(3, 3, "\n")  # put it back: the CR and the LF are one break again
    check(chunks, "ab\r\ncd\r\nef\n")
    chunks.replace(4, 6, "")  # "ab\r\n" + "\r\nef\n"
    check(chunks, "ab\r\n\r\nef\n")
    chunks = ChunkedText("ab\n\ncd", 2)  # blocks "ab\n" | "\ncd"
    chunks.replace(2, 3, "\r")  # the first block now ends with a CR whose LF starts the next one
    check(chunks, "ab\r\ncd")
    chunks = ChunkedText("ab\r\rcd", 2)  # blocks "ab\r" | "\rcd"
    chunks.replace(3, 4, "\n")  # the second block now starts with an LF whose CR ends the previous one
    check(chunks, "ab\r\ncd")


def test_lone_cr_rows_continue_across_blocks() -> None:
    """tree-sitter counts rows at LF only: after lone CRs, a column counts back to the last LF."""
    text = "x\n" + "a\r" * 20 + "end"
    chunks = ChunkedText(text, 3)
    assert chunks.block_count > 5
    check(chunks, text)


def test_deleting_everything_and_starting_again() -> None:
    chunks = ChunkedText("one\ntwo\nthree\n", 3)
    chunks.replace(0, len(chunks), "")
    check(chunks, "")
    chunks.replace(0, 0, "😀\r\n")
    check(chunks, "😀\r\n")


def test_a_large_file_is_split_into_blocks_and_an_edit_touches_one() -> None:
    text = "".join(f"line {i} = '名前 {i}'\n" for i in range(5000))
    chunks = ChunkedText(text)
    assert 20 < chunks.block_count < 60
    before = list(chunks._texts)
    middle = len(text) // 2
    chunks.replace(middle, middle, "x")
    changed = [i for i, (a, b) in enumerate(zip(before, chunks._texts)) if a != b]
    assert len(changed) == 1 and chunks.block_count == len(before)
    assert chunks.text == text[:middle] + "x" + text[middle:]
