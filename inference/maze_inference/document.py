"""A text document as the server keeps it: text, line index, and an incrementally parsed tree.

Why not pygls' document: tree-sitter needs each edit as byte offsets and points, so the edit has to
be applied here anyway, and keeping one copy avoids two copies drifting apart.

Positions are LSP positions: (line, character) with `character` counted in UTF-16 code units,
lines split at `\\n`, `\\r\\n` or `\\r`. Python strings index code points, so every conversion
goes through the line's text (astral characters such as emoji are 2 UTF-16 units, 1 code point).
"""

from __future__ import annotations

import bisect
import re
import threading
from dataclasses import dataclass

import tree_sitter

from maze_inference.errors import ContextError
from maze_inference.languages import Language

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class Position:
    line: int
    character: int  # UTF-16 code units


@dataclass(frozen=True)
class Range:
    start: Position
    end: Position


@dataclass(frozen=True)
class Change:
    """One entry of `didChange.contentChanges`: a range edit, or a full replacement when `range` is None."""

    text: str
    range: Range | None = None


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def line_starts(text: str) -> list[int]:
    """Code-point offsets where each line starts (LSP line breaks: LF, CRLF, CR)."""
    return [0, *(m.end() for m in _LINE_BREAK.finditer(text))]


class Document:
    """Text plus a tree kept current with `Tree.edit`, so a reparse costs what the edit touched.

    Edits only mark the tree stale; `tree` reparses once on demand, so a burst of keystrokes
    costs one parse at the next completion request, not one per keystroke. Thread-safe: the
    server edits on its event loop while completions read from worker threads.
    """

    def __init__(self, language: Language, text: str, version: int = 0) -> None:
        self.language = language
        self.version = version
        self._text = text
        self._source = text.encode("utf-8")
        self._lines = line_starts(text)
        self._parser = language.new_parser()
        self._tree: tree_sitter.Tree | None = None
        self._stale = True
        self._lock = threading.RLock()

    # ---- reading -------------------------------------------------------------------------------

    @property
    def text(self) -> str:
        return self._text

    @property
    def source(self) -> bytes:
        """UTF-8 bytes of the text (what tree-sitter's offsets refer to)."""
        return self._source

    @property
    def line_count(self) -> int:
        return len(self._lines)

    def snapshot(self) -> tuple[str, bytes, tree_sitter.Tree, int]:
        """Text, bytes, a current tree and the version, consistent with each other."""
        with self._lock:
            return self._text, self._source, self.tree, self.version

    @property
    def tree(self) -> tree_sitter.Tree:
        with self._lock:
            if self._stale or self._tree is None:
                old = self._tree
                self._tree = self._parser.parse(self._source, old) if old else self._parser.parse(self._source)
                self._stale = False
            return self._tree

    def line_text(self, line: int) -> str:
        """The line's text without its line break."""
        start = self._lines[line]
        end = self._lines[line + 1] if line + 1 < len(self._lines) else len(self._text)
        return _LINE_BREAK.sub("", self._text[start:end], count=1) if end > start else ""

    # ---- positions -----------------------------------------------------------------------------

    def offset_at(self, position: Position, *, strict: bool = True) -> int:
        """Code-point offset of an LSP position.

        strict: a line past the end, a character past the line's end, or a character that splits a
        surrogate pair raises `ContextError` (requests must be answered with an error, not guessed).
        Otherwise (edits in notifications, which cannot be answered) clamp as the LSP spec says:
        past the line end means the line end, past the last line means the end of the document.
        """
        line, char = position.line, position.character
        if line < 0 or char < 0:
            raise ContextError(f"negative position {line}:{char}")
        if line >= len(self._lines):
            if strict:
                raise ContextError(f"line {line} is past the end of the document ({len(self._lines)} lines)")
            return len(self._text)
        text = self.line_text(line)
        start = self._lines[line]
        if text.isascii():
            if char > len(text):
                if strict:
                    raise ContextError(f"character {char} is past the end of line {line} ({len(text)})")
                char = len(text)
            return start + char
        units = 0
        for index, ch in enumerate(text):
            if units == char:
                return start + index
            width = 2 if ord(ch) > 0xFFFF else 1
            if units + width > char:
                if strict:
                    raise ContextError(f"character {char} on line {line} splits a surrogate pair")
                return start + index
            units += width
        if units == char or not strict:
            return start + len(text)
        raise ContextError(f"character {char} is past the end of line {line} ({units})")

    def position_at(self, offset: int) -> Position:
        """LSP position of a code-point offset (inverse of `offset_at`)."""
        offset = max(0, min(offset, len(self._text)))
        line = bisect.bisect_right(self._lines, offset) - 1
        start = self._lines[line]
        return Position(line, utf16_len(self._text[start:offset]))

    def byte_offset(self, offset: int) -> int:
        """UTF-8 byte offset of a code-point offset."""
        if self._text.isascii():
            return offset
        return len(self._text[:offset].encode("utf-8"))

    # ---- editing -------------------------------------------------------------------------------

    def apply(self, changes: list[Change], version: int | None = None) -> None:
        """Apply `didChange` content changes in order, editing the tree as tree-sitter expects."""
        with self._lock:
            for change in changes:
                self._apply_one(change)
            if version is not None:
                self.version = version

    def _apply_one(self, change: Change) -> None:
        if change.range is None:
            start, end = 0, len(self._text)
        else:
            start = self.offset_at(change.range.start, strict=False)
            end = self.offset_at(change.range.end, strict=False)
            start, end = min(start, end), max(start, end)
        start_byte = self.byte_offset(start)
        old_end_byte = self.byte_offset(end)
        start_point = ts_point(self._source, start_byte)
        old_end_point = ts_point(self._source, old_end_byte)
        new_bytes = change.text.encode("utf-8")
        self._text = self._text[:start] + change.text + self._text[end:]
        self._source = self._source[:start_byte] + new_bytes + self._source[old_end_byte:]
        self._lines = _updated_line_starts(self._lines, self._text, start, end, len(change.text))
        new_end_byte = start_byte + len(new_bytes)
        if self._tree is not None:
            self._tree.edit(
                start_byte=start_byte,
                old_end_byte=old_end_byte,
                new_end_byte=new_end_byte,
                start_point=start_point,
                old_end_point=old_end_point,
                new_end_point=ts_point(self._source, new_end_byte),
            )
        self._stale = True


def _updated_line_starts(old: list[int], text: str, start: int, end: int, inserted: int) -> list[int]:
    """Line starts after replacing old [start, end) with `inserted` characters, rescanning only near the edit.

    Rescanning the whole text costs milliseconds per keystroke on a 10,000-line file. Starts before the
    edit stay; starts well after it shift by the length change; the window between (from the line
    before the edit to two characters past it, so a CR and LF that meet at either edge merge into one
    break) is scanned again.
    """
    delta = inserted - (end - start)
    first = max(0, bisect.bisect_right(old, start - 1) - 1)
    lo = old[first]
    window_end = min(len(text), end + delta + 2)
    limit = window_end if window_end == len(text) else window_end - 1  # a CR at the edge may pair with an LF beyond
    middle = [p for p in (m.end() for m in _LINE_BREAK.finditer(text, lo, window_end)) if p <= limit]
    tail = [p + delta for p in old[bisect.bisect_right(old, end + 1) :] if p + delta > limit]
    return [*old[: first + 1], *middle, *tail]


def ts_point(source: bytes, byte_offset: int) -> tuple[int, int]:
    """tree-sitter point: (row, byte column); tree-sitter counts rows at `\\n` only."""
    row = source.count(b"\n", 0, byte_offset)
    return row, byte_offset - (source.rfind(b"\n", 0, byte_offset) + 1)
