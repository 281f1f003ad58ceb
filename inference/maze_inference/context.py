"""Cursor context: what the engine and the grammar need to know about the place being completed.

Pure: text, a tree-sitter tree and an offset in, a frozen `CursorContext` out; no LSP types. The
LSP layer converts UTF-16 positions to offsets first (`document.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import tree_sitter

from maze_inference.errors import ContextError
from maze_inference.indentation import detect_indent_unit
from maze_inference.languages import Language
from maze_inference.syntax import item_before, run_on_start

__all__ = ["ContextLimits", "CursorContext", "Mode", "Scope", "detect_indent_unit", "extract_context"]


class Mode(str, Enum):
    """How much to complete: the rest of the line, or a block (a body after an opener)."""

    LINE = "line"
    BLOCK = "block"


@dataclass(frozen=True)
class Scope:
    kind: str  # tree-sitter node type, e.g. "function_definition"
    name: str | None
    start_line: int  # 0-based


@dataclass(frozen=True)
class CursorContext:
    """Everything downstream needs about the cursor; offsets are code points into `prefix`/`suffix`.

    `prefix` is the text before the cursor from `prefix_start` (a window, not the whole file), and
    `restart_offset` indexes into it: `prefix[restart_offset:]` is what the grammar consumes.
    """

    language: str
    prefix: str
    suffix: str
    prefix_start: int
    restart_offset: int
    node_path: tuple[str, ...]
    scope: Scope | None
    indent_unit: str
    current_indent: str
    in_string: bool
    in_comment: bool
    mode: Mode
    line_prefix: str
    line_suffix: str

    @property
    def grammar_text(self) -> str:
        return self.prefix[self.restart_offset :]


@dataclass(frozen=True)
class ContextLimits:
    """Windows that keep per-request work independent of the file size."""

    prefix_chars: int = 8_000  # what the model may see before the cursor
    suffix_chars: int = 4_000  # ... and after it
    restart_chars: int = 24_000  # farthest back the grammar restart may be


def extract_context(
    language: Language,
    text: str,
    tree: tree_sitter.Tree,
    offset: int,
    *,
    byte_offset: int | None = None,
    indent_unit: str | None = None,
    limits: ContextLimits = ContextLimits(),
) -> CursorContext:
    """Read the cursor context at code-point `offset` of `text`, whose current parse is `tree`."""
    if not 0 <= offset <= len(text):
        raise ContextError(f"offset {offset} outside the document (0..{len(text)})")
    if byte_offset is None:
        byte_offset = offset if text.isascii() else len(text[:offset].encode("utf-8"))
    line_start = _line_start(text, offset)
    line_end = _line_end(text, offset)
    line_prefix, line_suffix = text[line_start:offset], text[offset:line_end]
    node = _node_at(tree, byte_offset)
    path = _named_path(node)
    kinds = tuple(n.type for n in path)  # each `.type` builds a new str: read them once
    restart = _restart_offset(language, text, tree, offset, byte_offset, line_start, limits)
    prefix_start = max(0, min(restart, offset - limits.prefix_chars))
    unit = indent_unit or detect_indent_unit(text, language.indent)
    return CursorContext(
        language=language.id,
        prefix=text[prefix_start:offset],
        suffix=text[offset : offset + limits.suffix_chars],
        prefix_start=prefix_start,
        restart_offset=restart - prefix_start,
        node_path=kinds,
        scope=_scope(language, path) or _scope_by_indentation(language, text, tree, offset, byte_offset, line_prefix),
        indent_unit=unit,
        current_indent=line_prefix[: len(line_prefix) - len(line_prefix.lstrip(" \t"))],
        in_string=_inside(language.string_types, path, kinds, byte_offset),
        in_comment=_inside(language.comment_types, path, kinds, byte_offset),
        mode=_mode(language, text, line_start, line_prefix, line_suffix),
        line_prefix=line_prefix,
        line_suffix=line_suffix,
    )


# Every scan below is bounded by the cursor's line or the nearest code: a search for `\r` over a whole
# LF-only file, or `text[:offset].rstrip()`, reads (and copies) every character before the cursor,
# which on a 10k-line file costs more than the rest of the context together.


def _line_start(text: str, offset: int) -> int:
    newline = text.rfind("\n", 0, offset)
    return max(newline, text.rfind("\r", newline + 1, offset)) + 1


def _line_end(text: str, offset: int) -> int:
    newline = text.find("\n", offset)
    limit = newline if newline >= 0 else len(text)
    cr = text.find("\r", offset, limit)
    return cr if cr >= 0 else limit


def _code_end(text: str, end: int) -> int:
    """len(text[:end].rstrip()), reading backwards in growing windows instead of copying the prefix."""
    step = 256
    while end > 0:
        lo = max(0, end - step)
        stripped = text[lo:end].rstrip()
        if stripped:
            return lo + len(stripped)
        end, step = lo, step * 4
    return 0


def _node_at(tree: tree_sitter.Tree, byte_offset: int) -> tree_sitter.Node:
    """The smallest node around the cursor; at a boundary, the one ending at the cursor."""
    root = tree.root_node
    start = max(0, byte_offset - 1) if byte_offset > 0 else 0
    node = root.descendant_for_byte_range(start, byte_offset)
    return node if node is not None else root


def _named_path(node: tree_sitter.Node) -> list[tree_sitter.Node]:
    path: list[tree_sitter.Node] = []
    current: tree_sitter.Node | None = node
    while current is not None:
        if current.is_named:
            path.append(current)
        current = current.parent
    path.reverse()
    return path


def _scope_of(node: tree_sitter.Node) -> Scope:
    name_node = node.child_by_field_name("name")
    name = name_node.text.decode("utf-8", "replace") if name_node is not None and name_node.text else None
    return Scope(node.type, name, node.start_point[0])


def _scope(language: Language, path: list[tree_sitter.Node]) -> Scope | None:
    for node in reversed(path):
        if node.type in language.scope_types:
            return _scope_of(node)
    return None


def _scope_by_indentation(language: Language, text: str, tree: tree_sitter.Tree, offset: int, byte_offset: int,
                          line_prefix: str) -> Scope | None:
    """Scope for a cursor in whitespace after an item (an indented empty line of a Python body).

    Such a cursor is inside no node, so look at the code just before it and keep the enclosing
    scopes that start at a smaller indentation than the cursor's line.
    """
    if line_prefix.strip():
        return None
    end = _code_end(text, offset)
    if end == 0:
        return None
    anchor_byte = byte_offset - len(text[end:offset].encode("utf-8")) - 1  # the last byte of that code
    node = tree.root_node.descendant_for_byte_range(anchor_byte, anchor_byte + 1)
    width = len(line_prefix)
    for candidate in reversed(_named_path(node) if node is not None else []):
        if candidate.type in language.scope_types and candidate.start_point[1] < width:
            return _scope_of(candidate)
    return None


def _inside(types: frozenset[str], path: list[tree_sitter.Node], kinds: tuple[str, ...], byte_offset: int) -> bool:
    """Strictly inside a string/comment node: at its very start or just past its end is outside."""
    for node, kind in zip(path, kinds):
        if kind not in types:
            continue
        if node.start_byte < byte_offset < node.end_byte:
            return True
        if node.end_byte == byte_offset and kind.endswith("comment"):
            # A line comment runs to the end of the line: the cursor at its end is still in it.
            return not node.text or not node.text.rstrip().endswith(b"*/")
    return False


def _mode(language: Language, text: str, line_start: int, line_prefix: str, line_suffix: str) -> Mode:
    """BLOCK on an empty line right after a block opener (`:` / `{`), else LINE."""
    if line_prefix.strip() or line_suffix.strip():
        return Mode.LINE
    end = _code_end(text, line_start)  # the previous code, across blank lines
    if language.line_comment == "#":
        previous = text[text.rfind("\n", 0, end) + 1 : end].split("#")[0].rstrip()
        return Mode.BLOCK if previous.endswith(language.block_openers) else Mode.LINE
    return Mode.BLOCK if text.endswith(language.block_openers, 0, end) else Mode.LINE


def _chars_between(text: str, offset: int, byte_offset: int, start_byte: int) -> int:
    """Code points between byte `start_byte` and the cursor, reading only that span (not the file)."""
    distance = byte_offset - start_byte
    window = text[max(0, offset - distance) : offset]  # >= the span: a code point is >= 1 byte
    if window.isascii():
        return distance
    data = window.encode("utf-8")
    return len(data[len(data) - distance :].decode("utf-8", "ignore"))


def _restart_offset(
    language: Language,
    text: str,
    tree: tree_sitter.Tree,
    offset: int,
    byte_offset: int,
    line_start: int,
    limits: ContextLimits,
) -> int:
    """Start of the top-level item that holds (or ends just before) the cursor, or of the broken item on
    its line that it runs on from (`run_on_start`).

    Starting earlier than necessary is always valid (the grammar accepts a sequence of items), so
    when in doubt we step back one more item. If that is farther back than `restart_chars`, the
    start of the cursor's line is used and the constraint falls back to its block-level entry.
    """
    chosen = item_before(tree.root_node, byte_offset)
    if chosen is None:
        return 0
    chosen = run_on_start(chosen)
    start = offset - _chars_between(text, offset, byte_offset, chosen.start_byte)
    line_of_start = _line_start(text, start)
    start = line_of_start if text[line_of_start:start].strip() == "" else start
    if offset - start > limits.restart_chars:
        return line_start
    return start
