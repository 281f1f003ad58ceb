"""A text document as the server keeps it: text, line index, and an incrementally parsed tree.

Why not pygls' document: tree-sitter needs each edit as byte offsets and points, so the edit has to
be applied here anyway, and keeping one copy avoids two copies drifting apart.

Positions are LSP positions: (line, character) with `character` counted in UTF-16 code units,
lines split at `\\n`, `\\r\\n` or `\\r`. Python strings index code points, so every conversion
goes through the line's text (astral characters such as emoji are 2 UTF-16 units, 1 code point).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import tree_sitter

from maze_inference import indentation
from maze_inference.chunked_text import BLOCK_CHARS, LINE_BREAK, ChunkedText
from maze_inference.errors import ContextError
from maze_inference.languages import Language


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
    return [0, *(m.end() for m in LINE_BREAK.finditer(text))]


class Document:
    """Text plus a tree kept current with `Tree.edit`, so a reparse costs what the edit touched.

    Edits only mark the tree stale; `tree` reparses once on demand, so a burst of keystrokes
    costs one parse at the next completion request, not one per keystroke. The text is kept in
    blocks of lines (`ChunkedText`): an edit costs its block, and the whole `str`/`bytes` are joined
    once per version. Thread-safe: the server edits on its event loop while completions read from
    worker threads.
    """

    def __init__(self, language: Language, text: str, version: int = 0, *, block_chars: int = BLOCK_CHARS) -> None:
        self.language = language
        self.version = version
        self._block_chars = block_chars
        self._chunks = ChunkedText(text, block_chars)
        self._parser = language.new_parser()
        self._tree: tree_sitter.Tree | None = None
        self._stale = True
        self._retired: tree_sitter.Tree | None = None
        self._lock = threading.RLock()

    # ---- reading -------------------------------------------------------------------------------

    @property
    def text(self) -> str:
        with self._lock:
            return self._chunks.text

    @property
    def source(self) -> bytes:
        """UTF-8 bytes of the text (what tree-sitter's offsets refer to)."""
        with self._lock:
            return self._chunks.source

    @property
    def line_count(self) -> int:
        return self._chunks.line_count

    def snapshot(self) -> tuple[str, bytes, tree_sitter.Tree, int]:
        """Text, bytes, a current tree and the version, consistent with each other."""
        with self._lock:
            tree = self.tree
            return self._chunks.text, self._chunks.source, tree, self.version

    @property
    def tree(self) -> tree_sitter.Tree:
        with self._lock:
            if self._stale or self._tree is None:
                old, source = self._tree, self._chunks.source
                self._tree = self._parser.parse(source, old) if old else self._parser.parse(source)
                self._stale = False
                # Freeing the old tree walks every node the new one does not share (up to ~1 ms on a
                # 10k-line file): keep it until the next edit, which the server handles outside requests.
                self._retired = old
            return self._tree

    def indent_unit(self, default: str) -> str:
        """`detect_indent_unit(self.text, default)`, re-reading only the blocks edited since last time."""
        with self._lock:
            return indentation.combine(self._chunks.pieces(indentation.INDENT_SAMPLE_CHARS), default)

    def line_text(self, line: int) -> str:
        """The line's text without its line break."""
        with self._lock:
            return self._chunks.line_span(line)[1]

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
        with self._lock:
            if line >= self._chunks.line_count:
                if strict:
                    raise ContextError(f"line {line} is past the end of the document ({self._chunks.line_count} lines)")
                return len(self._chunks)
            start, text = self._chunks.line_span(line)
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
        with self._lock:
            offset = max(0, min(offset, len(self._chunks)))
            line, start = self._chunks.line_of(offset)
            return Position(line, utf16_len(self._chunks.slice(start, offset)))

    def byte_offset(self, offset: int) -> int:
        """UTF-8 byte offset of a code-point offset (reads one block, not the text before it)."""
        with self._lock:
            return self._chunks.byte_offset(max(0, min(offset, len(self._chunks))))

    # ---- editing -------------------------------------------------------------------------------

    def apply(self, changes: list[Change], version: int | None = None) -> None:
        """Apply `didChange` content changes in order, editing the tree as tree-sitter expects."""
        with self._lock:
            self._retired = None
            for change in changes:
                self._apply_one(change)
            if version is not None:
                self.version = version

    def _apply_one(self, change: Change) -> None:
        if change.range is None:
            start, end = 0, len(self._chunks)
        else:
            start = self.offset_at(change.range.start, strict=False)
            end = self.offset_at(change.range.end, strict=False)
            start, end = min(start, end), max(start, end)
        span = self._chunks.replace(start, end, change.text)
        if self._tree is not None:
            self._tree.edit(
                start_byte=span.start_byte,
                old_end_byte=span.old_end_byte,
                new_end_byte=span.new_end_byte,
                start_point=span.start_point,
                old_end_point=span.old_end_point,
                new_end_point=span.new_end_point,
            )
        self._stale = True


def ts_point(source: bytes, byte_offset: int) -> tuple[int, int]:
    """tree-sitter point: (row, byte column); tree-sitter counts rows at `\\n` only (reference for tests)."""
    row = source.count(b"\n", 0, byte_offset)
    return row, byte_offset - (source.rfind(b"\n", 0, byte_offset) + 1)
