"""The final guard: a completion is shown only if the edited region still parses.

The grammar constrains generation, but our grammars are approximations and the fallback level
`none` has no grammar at all, so every candidate is inserted into a copy of the region around the
cursor (the top-level items from the grammar's restart point through the suffix window) and both
versions are parsed by tree-sitter, each on its own: a top-level item parses the same alone as in
its file, and this keeps the cost to that of the items, where reparsing the whole document would
grow with it. The insertion breaks the region (`Break`) when, afterwards,
* an ERROR/MISSING node touches the lines of the insertion or the next line of code (the cursor's
  statement must be whole: a completion that leaves the error it was asked to fill is not shown, also
  when the error shows only on the next line, like the body of a removed `if` line),
* any other ERROR/MISSING node is not one that was already there (moving an error is a break: a
  `{` that takes the enclosing block's `}` parses "as many errors" but elsewhere),
* the text after the cursor now lies inside a comment or string that begins before it,
* for Python, CPython's compiler rejects the region it accepted before (it sees what tree-sitter's
  error recovery forgives: a block never indented, `try:` with no `except`).
A failing candidate is dropped, never trimmed here: a trimmed candidate is a different one, and the
pipeline checks it again.

Where the document has a parse error after the region, its items are cut by error recovery: a removed
block opener leaves a stray `}` that ends the enclosing item early in the tree before the insertion
(a `macro_rules!` body takes anything, so the item even parses), while after it the restored item runs
on to that `}`. Checked in the short region, the exact removed line would be left unclosed. So a break
is judged again in the region widened through the first top-level item with an error after it
(`Region.reach`): the items that hold the edit in both trees.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import tree_sitter

from maze_inference.languages import Language
from maze_inference.syntax import items_between, python_error_line, run_on_start

# How far past the region the check looks for the stray closer a removed block opener left behind (the
# context's restart point reaches as far back).
REACH_BYTES = 24_000


class Break(str, Enum):
    ERROR_AT_CURSOR = "error_at_cursor"
    NEW_ERROR = "new_error"
    SWALLOWS_SUFFIX = "swallows_suffix"
    PYTHON = "python"


@dataclass(frozen=True)
class Region:
    """Bytes [lo, hi) of the document that the check parses, and the cursor's byte offset in it."""

    lo: int
    hi: int
    cursor: int
    reach: int | None = None  # end of the first item with a parse error after `hi`: a break is judged again to there


def count_errors(node: tree_sitter.Node, lo: int, hi: int) -> int:
    """ERROR and MISSING nodes inside the top-level children of `node` that overlap bytes [lo, hi]."""
    total = 0
    for child in items_between(node, lo, hi):
        if child.is_error or child.is_missing:
            total += 1
        if child.has_error:
            total += len(_error_spans(child))
    return total


def _error_spans(node: tree_sitter.Node) -> list[tuple[int, int]]:
    """(start, end) of every ERROR/MISSING node under `node` (itself included), descending only where one is."""
    spans = [(node.start_byte, node.end_byte)] if node.is_error or node.is_missing else []
    stack = [node] if node.has_error else []
    while stack:
        for child in stack.pop().children:
            if child.is_error or child.is_missing:
                spans.append((child.start_byte, child.end_byte))
            if child.has_error:
                stack.append(child)
    return spans


def region_around(tree: tree_sitter.Tree, source: bytes, byte_offset: int, region_start: int, region_end: int) -> Region:
    """The top-level items overlapping [`region_start`, `region_end`], widened to hold the cursor and the
    items they run on from (`syntax.run_on_start`)."""
    items = items_between(tree.root_node, region_start, region_end)
    lo = min(region_start, run_on_start(items[0]).start_byte) if items else region_start
    hi = min(len(source), max([min(region_end, len(source)), byte_offset, *(item.end_byte for item in items)]))
    reach = _error_item_end(items[-1].next_sibling, hi + REACH_BYTES) if items and tree.root_node.has_error else None
    return Region(max(0, lo), hi, byte_offset, reach)


def _error_item_end(item: tree_sitter.Node | None, limit: int) -> int | None:
    """The end of the first top-level item from `item` on, starting before byte `limit`, that holds a parse error."""
    while item is not None and item.start_byte < limit:
        if item.has_error or item.is_missing:
            return item.end_byte
        item = item.next_sibling
    return None


class RegionCheck:
    """The check of one region against many candidates: the region before insertion is parsed once."""

    def __init__(self, language: Language, source: bytes, region: Region, *, closed: bool = False) -> None:
        self.language = language
        self.source = source
        self.region = region
        self.closed = closed  # the edited items must end inside the region: an error at its end is a break
        self._wider: RegionCheck | None = None  # the check through `region.reach`, built at the first break
        self.before = source[region.lo : region.hi]
        self.cursor = region.cursor - region.lo
        self.parser = language.new_parser()
        root = self.parser.parse(self.before).root_node
        self.old_errors = _error_spans(root)
        self.was_swallowed = _swallowed(language, root, self.before, self.cursor)
        self.line_start = self.before.rfind(b"\n", 0, self.cursor) + 1
        self._python_before: tuple[int | None] | None = None

    def check(self, insertion: str) -> Break | None:
        """None when inserting `insertion` at the cursor keeps the region parsing; else why not. A break is
        judged again in the region through `reach`, where the edited item must then end: an insertion that
        leaves it open (a MISSING `}` where the stray `}` was) would move the error past the region."""
        verdict = self._check(insertion)
        reach = self.region.reach
        if verdict is None or reach is None:
            return verdict
        if self._wider is None:
            wider = Region(self.region.lo, reach, self.region.cursor)
            self._wider = RegionCheck(self.language, self.source, wider, closed=True)
        return self._wider.check(insertion)

    def _check(self, insertion: str) -> Break | None:
        data = insertion.encode("utf-8")
        before, cursor = self.before, self.cursor
        after = before[:cursor] + data + before[cursor:]
        after_root = self.parser.parse(after).root_node
        end = cursor + len(data)
        zone = (self.line_start, _next_code_line_end(after, end))
        if after_root.has_error or after_root.is_error:
            old = [_shifted(span, cursor, len(data)) for span in self.old_errors]
            for span in _error_spans(after_root):
                if _overlaps(span, zone):
                    return Break.ERROR_AT_CURSOR
                if not any(_overlaps(span, known) for known in old) or (self.closed and span[1] >= len(after)):
                    return Break.NEW_ERROR
        if _swallowed(self.language, after_root, after, end) and not self.was_swallowed:
            return Break.SWALLOWS_SUFFIX
        if self.language.id == "python":
            return self._python_break(after, data, zone)
        return None

    def _python_break(self, after: bytes, data: bytes, zone: tuple[int, int]) -> Break | None:
        """CPython's verdict, judged like tree-sitter's: an error on the cursor's lines, or one not there before."""
        error = python_error_line(after)
        if error is None:
            return None
        first, last = after.count(b"\n", 0, zone[0]) + 1, after.count(b"\n", 0, zone[1]) + 1
        if first <= error <= last:
            return Break.ERROR_AT_CURSOR
        if self._python_before is None:
            self._python_before = (python_error_line(self.before),)
        old = self._python_before[0]
        if old is not None and old > self.before.count(b"\n", 0, self.cursor) + 1:
            old += data.count(b"\n")
        return None if old == error and error else Break.PYTHON


def check_insertion(language: Language, source: bytes, region: Region, insertion: str) -> Break | None:
    """None when inserting `insertion` at the region's cursor keeps the region parsing; else why not."""
    return RegionCheck(language, source, region).check(insertion)


def adds_parse_error(language: Language, source: bytes, tree: tree_sitter.Tree, byte_offset: int, insertion: str,
                     region_start: int, region_end: int) -> bool:
    """`check_insertion` for callers that hold a tree and a region's bounds (the bench, the grammar fuzzer)."""
    region = region_around(tree, source, byte_offset, region_start, region_end)
    return check_insertion(language, source, region, insertion) is not None


def _line_end(data: bytes, offset: int) -> int:
    end = data.find(b"\n", offset)
    return len(data) if end < 0 else end


def _next_code_line_end(data: bytes, offset: int) -> int:
    """The end of the first non-blank line after the one holding `offset` (or of that line, at the end)."""
    end = _line_end(data, offset)
    while end < len(data):
        following = _line_end(data, end + 1)
        if data[end + 1 : following].strip():
            return following
        end = following
    return end


def _shifted(span: tuple[int, int], cursor: int, inserted: int) -> tuple[int, int]:
    """A span of the region before the insertion, in the coordinates after it."""
    start, end = span
    return (start + inserted if start >= cursor else start, end + inserted if end > cursor else end)


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Byte spans that share a byte, or touch when one is empty (a MISSING node has no width)."""
    return a[0] <= b[1] and b[0] <= a[1] if a[0] == a[1] or b[0] == b[1] else a[0] < b[1] and b[0] < a[1]


def _swallowed(language: Language, root: tree_sitter.Node, data: bytes, offset: int) -> bool:
    """Whether the first code after `offset` lies inside a comment or string that begins before it."""
    rest = data[offset:]
    skip = len(rest) - len(rest.lstrip())
    position = offset + skip
    if position >= len(data):
        return False
    node: tree_sitter.Node | None = root.descendant_for_byte_range(position, position + 1)
    kinds = language.comment_types | language.string_types
    while node is not None:
        if node.type in kinds and node.start_byte < offset:
            return True
        node = node.parent
    return False
