"""The final guard: a completion may not add a parse error to the document.

The grammar constrains generation, but our grammars are approximations and the fallback level
`none` has no grammar at all, so every candidate is inserted into a copy of the tree and reparsed
incrementally by tree-sitter. Errors are counted only in the top-level items around the edit, so
the check costs what the enclosing item costs, not the whole file. A candidate that adds errors is
dropped (never trimmed: a trimmed candidate is a different, unchecked one).
"""

from __future__ import annotations

import tree_sitter

from maze_inference.languages import Language
from maze_inference.syntax import items_between, python_syntax_error


def count_errors(node: tree_sitter.Node, lo: int, hi: int) -> int:
    """ERROR and MISSING nodes inside the top-level children of `node` that overlap bytes [lo, hi]."""
    total = 0
    for child in items_between(node, lo, hi):
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
    """Whether inserting `insertion` at `byte_offset` adds syntax errors to the items around it.

    Only the top-level items overlapping [`region_start`, `region_end`] (the restart point to the end of
    the suffix window) are parsed, before and after the insertion, each on its own: a top-level item
    parses the same alone as in its file, and this keeps the cost to that of the items, where
    reparsing the whole document would grow with it. For Python, CPython's compiler also checks the
    items (it sees what tree-sitter's error recovery forgives: a block never indented, `try:` with no
    `except`); only items that compiled before can count against the insertion.
    """
    items = items_between(tree.root_node, region_start, region_end)
    lo = min([region_start, *(item.start_byte for item in items)])
    hi = max([min(region_end, len(source)), byte_offset, *(item.end_byte for item in items)])
    lo, hi = max(0, lo), min(len(source), hi)
    data = insertion.encode("utf-8")
    before = source[lo:hi]
    after = source[lo:byte_offset] + data + source[byte_offset:hi]
    parser = language.new_parser()
    if _all_errors(parser.parse(after).root_node) > _all_errors(parser.parse(before).root_node):
        return True
    return language.id == "python" and python_syntax_error(before) is None and python_syntax_error(after) is not None


def _all_errors(root: tree_sitter.Node) -> int:
    return int(root.is_error or root.is_missing) + (_errors_below(root) if root.has_error else 0)
