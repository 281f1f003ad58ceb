"""Finding top-level items around an offset without walking every item of a large file.

A Python loop over the root's children costs about a millisecond per thousand items, which is what
made per-request work grow with file size. (`Node.first_child_for_byte` would be the obvious call, but
py-tree-sitter 0.26 crashes when no child holds the byte.)
"""

from __future__ import annotations

import warnings

import tree_sitter


def item_before(root: tree_sitter.Node, byte: int) -> tree_sitter.Node | None:
    """The last top-level child that starts before `byte` (the one holding it, or the one before it).

    A binary search over child indices: each `child(i)` runs in C, a dozen of them replace a Python
    loop over every item.
    """
    lo, hi = 0, root.child_count  # invariant: children before lo start before `byte`, from hi on they do not
    while lo < hi:
        mid = (lo + hi) // 2
        child = root.child(mid)
        if child is not None and child.start_byte < byte:
            lo = mid + 1
        else:
            hi = mid
    return root.child(lo - 1) if lo > 0 else None


def items_between(root: tree_sitter.Node, lo: int, hi: int) -> list[tree_sitter.Node]:
    """Top-level children overlapping bytes [lo, hi] (touching counts)."""
    child = item_before(root, lo + 1) if lo > 0 else (root.child(0) if root.child_count else None)
    items = []
    while child is not None and child.start_byte <= hi:
        if child.end_byte >= lo:
            items.append(child)
        child = child.next_sibling
    return items


def run_on_start(item: tree_sitter.Node) -> tree_sitter.Node:
    """`item`, or the earliest top-level item it runs on from on the same line.

    An item with a parse error that ends on the line where the next one starts (`export { a } fr`:
    tree-sitter ends the export with a MISSING `;` and reads `fr` as a statement of its own) was cut by
    error recovery: the text at the cursor may continue it (`from './a'`), so the grammar must read it,
    and the final check must parse it, from the earlier item's start. Across a line break the cut is the
    language's own (automatic semicolons) or a break the user sees.
    """
    previous = item.prev_sibling
    while previous is not None and (previous.has_error or previous.is_missing) \
            and previous.end_point.row == item.start_point.row:
        item, previous = previous, previous.prev_sibling
    return item


def python_error_line(code: str | bytes) -> int | None:
    """The 1-based line of CPython's syntax error in `code`, 0 if it has no line, None if it compiles.

    The one check every layer uses: stricter than tree-sitter's error recovery (an unexpected indent,
    a block never indented, `try:` with no `except`, `break` outside a loop). Compiling runs nothing;
    warnings (invalid escapes) are not errors.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(code, "<maze>", "exec", dont_inherit=True)
    except SyntaxError as exc:
        return exc.lineno or 0
    except ValueError:  # NUL bytes
        return 0
    return None


def python_syntax_error(code: str | bytes) -> str | None:
    """CPython's message for `code` (None: it compiles)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(code, "<maze>", "exec", dont_inherit=True)
    except SyntaxError as exc:
        return f"{exc.msg} (line {exc.lineno})"
    except ValueError as exc:
        return str(exc)
    return None
