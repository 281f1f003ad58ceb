"""The final guard: a completion may not add a parse error to the document.

The grammar constrains generation, but our grammars are approximations and the fallback level
`none` has no grammar at all, so every candidate is inserted into a copy of the tree and reparsed
incrementally by tree-sitter. Errors are counted only in the top-level items around the edit, so
the check costs what the enclosing item costs, not the whole file. A candidate that adds errors is
dropped (never trimmed: a trimmed candidate is a different, unchecked one).
"""

from __future__ import annotations

import warnings

import tree_sitter

from maze_inference.document import ts_point
from maze_inference.languages import Language


def count_errors(node: tree_sitter.Node, lo: int, hi: int) -> int:
    """ERROR and MISSING nodes inside the top-level children of `node` that overlap bytes [lo, hi]."""
    total = 0
    for child in node.children:
        if child.end_byte < lo or child.start_byte > hi:
            continue
        if child.is_error or child.is_missing:
            total += 1
        if child.has_error:
            total += _errors_below(child)
    return total


def _errors_below(node: tree_sitter.Node) -> int:
    """Count error nodes under `node`, descending only into subtrees that contain one."""
    count = 0
    stack = [node]
    while stack:
        for child in stack.pop().children:
            if child.is_error or child.is_missing:
                count += 1
            if child.has_error:
                stack.append(child)
    return count


def adds_parse_error(
    language: Language,
    source: bytes,
    tree: tree_sitter.Tree,
    byte_offset: int,
    insertion: str,
    region_start: int,
    region_end: int,
) -> bool:
    """Whether inserting `insertion` at `byte_offset` raises the error count of the region around it.

    `region_start`/`region_end` are byte offsets (before the insertion) bounding the items to compare,
    normally the restart point and the end of the suffix window.
    """
    data = insertion.encode("utf-8")
    new_source = source[:byte_offset] + data + source[byte_offset:]
    edited = tree.copy()
    point = ts_point(source, byte_offset)
    edited.edit(
        start_byte=byte_offset,
        old_end_byte=byte_offset,
        new_end_byte=byte_offset + len(data),
        start_point=point,
        old_end_point=point,
        new_end_point=ts_point(new_source, byte_offset + len(data)),
    )
    new_tree = language.new_parser().parse(new_source, edited)
    before = count_errors(tree.root_node, region_start, region_end)
    after = count_errors(new_tree.root_node, region_start, region_end + len(data))
    if after > before:
        return True
    return language.id == "python" and _breaks_python(source, tree, byte_offset, data)


def _breaks_python(source: bytes, tree: tree_sitter.Tree, byte_offset: int, data: bytes) -> bool:
    """CPython's own compiler on the enclosing top-level item: it sees what tree-sitter's error recovery
    forgives (a block that is never indented, `try:` without `except`). Only an item that compiled
    before the insertion can count against it, and the cost is that of the item, not the file."""
    items = [c for c in tree.root_node.children if c.start_byte <= byte_offset <= c.end_byte]
    if not items:
        return False
    start, end = items[0].start_byte, max(c.end_byte for c in items)
    before = source[start:end]
    after = source[start:byte_offset] + data + source[byte_offset:end]
    return _compiles(before) and not _compiles(after)


def _compiles(code: bytes) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(code, "<completion>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True

