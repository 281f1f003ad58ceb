"""Document text as blocks of whole lines, so that one keystroke costs its block, not the file.

Why: on a 10k-line file (~400 KB) splicing the whole `str` and `bytes`, shifting every later line
start, encoding the text before the cursor to find its UTF-8 offset and counting newlines from the
file start for tree-sitter's points cost ~0.7 ms per keystroke, most of the `edit` budget. Here an
edit rewrites only the blocks it touches (~4k characters); per-block counts (code points, UTF-8
bytes, line breaks, `\\n`s) with running sums answer "which line / byte / point is this offset" with
a bisect and a look inside one block. The whole `str` and `bytes` are joined (one copy each, cached)
only when a request asks for them, so a burst of keystrokes pays for them once.

Invariants (checked by `tests/context/test_chunked_text.py`): every block but the last ends with a
line break (LF, CRLF or CR), so a line never spans blocks; a CR LF pair is never split between two
blocks; no block is empty unless the whole text is (then there is exactly one, empty, block).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import accumulate

LINE_BREAK = re.compile(r"\r\n|\r|\n")
BLOCK_CHARS = 4096

Point = tuple[int, int]  # tree-sitter point: (row counted at `\n` only, byte column)


@dataclass(frozen=True)
class EditSpan:
    """Where an edit lands, in the units `tree_sitter.Tree.edit` wants."""

    start_byte: int
    old_end_byte: int
    new_end_byte: int
    start_point: Point
    old_end_point: Point
    new_end_point: Point


def _breaks(text: str) -> int:
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def _has_break(text: str) -> bool:
    return "\n" in text or "\r" in text


class ChunkedText:
    """The text of one document; not thread-safe (the `Document` holding it locks)."""

    def __init__(self, text: str = "", block_chars: int = BLOCK_CHARS) -> None:
        self._block_chars = max(1, block_chars)
        pieces = self._split(text) or [""]
        self._texts: list[str] = pieces
        self._bytes: list[bytes] = [p.encode("utf-8") for p in pieces]
        self._ends: list[list[int] | None] = [None] * len(pieces)  # line-break ends per block, on demand
        self._memos: list[dict] = [{} for _ in pieces]  # per-block results of callers (`pieces`), dropped on edit
        self._nchars = [len(p) for p in pieces]
        self._nbytes = [len(b) for b in self._bytes]
        self._nbreaks = [_breaks(p) for p in pieces]
        self._nnl = [b.count(b"\n") for b in self._bytes]
        self._char0: list[int] = [0]  # running sums: what lies before block i
        self._byte0: list[int] = [0]
        self._brk0: list[int] = [0]
        self._nl0: list[int] = [0]
        self._recount(0)
        self._text: str | None = text
        self._source: bytes | None = None

    # ---- whole text ----------------------------------------------------------------------------

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = "".join(self._texts)
        return self._text

    @property
    def source(self) -> bytes:
        """UTF-8 bytes of the text (what tree-sitter's offsets refer to)."""
        if self._source is None:
            self._source = b"".join(self._bytes)
        return self._source

    def __len__(self) -> int:
        return self._char0[-1]

    @property
    def byte_length(self) -> int:
        return self._byte0[-1]

    @property
    def line_count(self) -> int:
        return self._brk0[-1] + 1

    @property
    def block_count(self) -> int:
        return len(self._texts)

    # ---- lines and offsets ---------------------------------------------------------------------

    def line_span(self, line: int) -> tuple[int, str]:
        """(offset of the line's start, the line's text without its break); `line` must exist."""
        if line < self._brk0[-1]:  # a line that ends with break number `line`
            block = bisect.bisect_right(self._brk0, line) - 1
            ends = self._break_ends(block)
            k = line - self._brk0[block]
            start, end = (ends[k - 1] if k else 0), ends[k]
            text = self._texts[block]
            end -= 2 if end >= 2 and text.startswith("\r\n", end - 2) else 1
        else:  # the last line runs to the end of the text
            block = len(self._texts) - 1
            ends = self._break_ends(block)
            start, end = (ends[-1] if ends else 0), self._nchars[block]
            text = self._texts[block]
        return self._char0[block] + start, text[start:end]

    def line_of(self, offset: int) -> tuple[int, int]:
        """(line, offset of that line's start) holding code-point `offset` (0 <= offset <= len)."""
        block, local = self._locate(offset)
        ends = self._break_ends(block)
        k = bisect.bisect_right(ends, local)
        return self._brk0[block] + k, self._char0[block] + (ends[k - 1] if k else 0)

    def slice(self, start: int, end: int) -> str:
        """text[start:end] without joining the whole text (a short span, typically within a line)."""
        if self._text is not None:
            return self._text[start:end]
        first, lo = self._locate(start)
        last = max(first, bisect.bisect_left(self._char0, end) - 1)
        joined = "".join(self._texts[first : last + 1]) if last > first else self._texts[first]
        return joined[lo : lo + end - start]

    def byte_offset(self, offset: int) -> int:
        """UTF-8 byte offset of code-point `offset`."""
        block, local = self._locate(offset)
        text = self._texts[block]
        if text.isascii():
            return self._byte0[block] + local
        return self._byte0[block] + len(text[:local].encode("utf-8"))

    def point(self, byte: int) -> Point:
        """tree-sitter point of a byte offset: rows count `\\n` only, columns count bytes."""
        block = min(bisect.bisect_right(self._byte0, byte) - 1, len(self._bytes) - 1)
        data, local = self._bytes[block], byte - self._byte0[block]
        row = self._nl0[block] + data.count(b"\n", 0, local)
        newline = data.rfind(b"\n", 0, local)
        if newline >= 0:
            return row, local - newline - 1
        for previous in range(block - 1, -1, -1):  # only after a lone CR: rows continue across blocks
            newline = self._bytes[previous].rfind(b"\n")
            if newline >= 0:
                return row, byte - (self._byte0[previous] + newline + 1)
        return row, byte

    def pieces(self, limit: int) -> Iterator[tuple[str, dict | None]]:
        """The blocks covering text[:limit], each with a memo dict that lives until the block is edited.

        A caller keeps what it derived from a block in its memo (e.g. indentation votes) and redoes
        only edited blocks. A block cut by `limit` comes cut, with no memo.
        """
        for text, memo, start in zip(self._texts, self._memos, self._char0):
            if start >= limit:
                return
            if start + len(text) <= limit:
                yield text, memo
            else:
                yield text[: limit - start], None
                return

    def line_starts(self) -> list[int]:
        """Every line's start offset (for tests and tools; a request needs one line, not all)."""
        starts = [0]
        for block, base in enumerate(self._char0[:-1]):
            starts.extend(base + end for end in self._break_ends(block))
        return starts

    # ---- editing -------------------------------------------------------------------------------

    def replace(self, start: int, end: int, new: str) -> EditSpan:
        """Replace code points [start, end) with `new`; returns the edit in tree-sitter's units."""
        start_byte, old_end_byte = self.byte_offset(start), self.byte_offset(end)
        start_point, old_end_point = self.point(start_byte), self.point(old_end_byte)
        first, local_start = self._locate(start)
        text = self._texts[first]
        local_end = end - self._char0[first]
        if (0 < local_start <= local_end < len(text) and not _has_break(new)
                and not _has_break(text[local_start:local_end])
                and not (text[local_start - 1] == "\r" and text[local_end] == "\n")  # would join into CR LF
                and len(text) + len(new) <= 2 * self._block_chars):
            self._splice_block(first, local_start, local_end, new, start_byte, old_end_byte)
        else:
            self._rebuild(first, local_start, end, new)
        self._text = self._source = None
        inserted = new.encode("utf-8")
        newlines = inserted.count(b"\n")
        if newlines:
            new_end_point = (start_point[0] + newlines, len(inserted) - inserted.rfind(b"\n") - 1)
        else:
            new_end_point = (start_point[0], start_point[1] + len(inserted))
        return EditSpan(start_byte, old_end_byte, start_byte + len(inserted), start_point, old_end_point, new_end_point)

    def _splice_block(self, block: int, local_start: int, local_end: int, new: str, start_byte: int,
                      end_byte: int) -> None:
        """The common keystroke: inside one block, no line break added, removed, joined or split.

        Line and `\n` counts stay; break positions after the edit shift; the running sums of
        characters and bytes shift for the blocks after this one.
        """
        text, data = self._texts[block], self._bytes[block]
        inserted = new.encode("utf-8")
        base = self._byte0[block]
        self._texts[block] = text[:local_start] + new + text[local_end:]
        self._bytes[block] = data[: start_byte - base] + inserted + data[end_byte - base :]
        delta_chars = len(new) - (local_end - local_start)
        delta_bytes = len(inserted) - (end_byte - start_byte)
        ends = self._ends[block]
        if ends is not None:
            kept = bisect.bisect_right(ends, local_start)
            ends[kept:] = [e + delta_chars for e in ends[kept:]]
        self._memos[block] = {}
        self._nchars[block] += delta_chars
        self._nbytes[block] += delta_bytes
        if delta_chars:
            self._char0[block + 1 :] = [c + delta_chars for c in self._char0[block + 1 :]]
        if delta_bytes:
            self._byte0[block + 1 :] = [b + delta_bytes for b in self._byte0[block + 1 :]]

    def _rebuild(self, first: int, local_start: int, end: int, new: str) -> None:
        """Any other edit: splice the blocks it touches (and neighbours, see `_widen`) and cut them again."""
        last = first if end <= self._char0[first] + local_start else max(
            first, min(bisect.bisect_left(self._char0, end) - 1, len(self._texts) - 1))
        region = "".join(self._texts[first : last + 1]) if last > first else self._texts[first]
        region = region[:local_start] + new + region[end - self._char0[first] :]
        first, last, region = self._widen(first, last, region)
        pieces = self._split(region)
        if not pieces and len(self._texts) == last - first + 1:
            pieces = [""]  # the whole text was deleted: keep one empty block
        self._texts[first : last + 1] = pieces
        data = [p.encode("utf-8") for p in pieces]
        self._bytes[first : last + 1] = data
        self._ends[first : last + 1] = [None] * len(pieces)
        self._memos[first : last + 1] = [{} for _ in pieces]
        self._nchars[first : last + 1] = [len(p) for p in pieces]
        self._nbytes[first : last + 1] = [len(d) for d in data]
        self._nbreaks[first : last + 1] = [_breaks(p) for p in pieces]
        self._nnl[first : last + 1] = [d.count(b"\n") for d in data]
        self._recount(first)

    def _widen(self, first: int, last: int, region: str) -> tuple[int, int, str]:
        """Take in neighbouring blocks until `region` can stand as blocks of its own.

        It must end with a line break unless it is the end of the text, must not end with a CR whose
        LF starts the next block (or start with an LF whose CR ends the previous one: the pair is one
        break), and a small region joins a neighbour so that blocks do not shrink without end.
        """
        texts, count = self._texts, len(self._texts)
        while last + 1 < count and (not region or region[-1] not in "\r\n"
                                    or (region[-1] == "\r" and texts[last + 1].startswith("\n"))):
            last += 1
            region += texts[last]
        if first > 0 and region.startswith("\n") and texts[first - 1].endswith("\r"):
            first -= 1
            region = texts[first] + region
        if len(region) < self._block_chars // 4:
            if last + 1 < count:
                last += 1
                region += texts[last]
            elif first > 0:
                first -= 1
                region = texts[first] + region
        return first, last, region

    def _split(self, text: str) -> list[str]:
        """Cut `text` at line-break ends into pieces of about `block_chars` (a longer line stays whole)."""
        size = len(text)
        if size <= self._block_chars + self._block_chars // 2:
            return [text] if text else []
        target = size / max(1, round(size / self._block_chars))
        pieces: list[str] = []
        begin = 0
        while begin < size:
            cut = _break_end_from(text, int(begin + target) - 1)
            if cut >= size or size - cut < target / 4:
                pieces.append(text[begin:])
                break
            pieces.append(text[begin:cut])
            begin = cut
        return pieces

    # ---- internals -----------------------------------------------------------------------------

    def _locate(self, offset: int) -> tuple[int, int]:
        """(block, offset inside it) of a code-point offset; the end of the text is in the last block."""
        block = min(bisect.bisect_right(self._char0, offset) - 1, len(self._texts) - 1)
        return block, offset - self._char0[block]

    def _break_ends(self, block: int) -> list[int]:
        ends = self._ends[block]
        if ends is None:
            ends = self._ends[block] = [m.end() for m in LINE_BREAK.finditer(self._texts[block])]
        return ends

    def _recount(self, first: int) -> None:
        """Running sums from block `first` on (C-level `accumulate`: microseconds for 100 blocks)."""
        for sums, sizes in ((self._char0, self._nchars), (self._byte0, self._nbytes),
                            (self._brk0, self._nbreaks), (self._nl0, self._nnl)):
            sums[first:] = accumulate(sizes[first:], initial=sums[first])


def _break_end_from(text: str, index: int) -> int:
    """The end of the first line break that ends after `index` (len(text) if none does)."""
    index = max(index, 0)
    newline = text.find("\n", index)
    limit = newline if newline >= 0 else len(text)
    cr = text.find("\r", index, limit)
    if cr >= 0:
        return cr + 2 if text.startswith("\r\n", cr) else cr + 1
    return newline + 1 if newline >= 0 else len(text)
