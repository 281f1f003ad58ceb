"""Judging one fuzz generation (whether the final check drops it is the pipeline's own `Judge`): which parse
error a reader should look at, and whose fault the drop is (`classify`: the grammar's, a context rule
the grammar does not track, or the decoder's end), which is what separates grammar bugs from the rest.
"""

from __future__ import annotations

import warnings

from maze_inference.context import CursorContext
from maze_inference.languages import Language


def describe_error(language: Language, source: bytes, around: int) -> str:
    """The parse error a reader should look at: tree-sitter's first ERROR/MISSING node nearest `around`."""
    root = language.new_parser().parse(source).root_node
    found = []
    stack = [root] if root.has_error or root.is_error or root.is_missing else []
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            found.append(node)
        stack.extend(child for child in node.children if child.has_error or child.is_error or child.is_missing)
    if not found:
        error = _compile_error(source) if language.id == "python" else None
        if error is not None:
            return f"python compile: {error}"
        return "no error in the whole document (the check counts only the items around the edit)"
    node = min(found, key=lambda n: abs(n.start_byte - around))
    row, col = node.start_point
    line = source.split(b"\n")[row].decode("utf-8", "replace").strip()[:120] if row < source.count(b"\n") + 1 else ""
    what = f"MISSING {node.type}" if node.is_missing else "ERROR"
    return f"{what} at {row + 1}:{col + 1} ({len(found)} error node(s)): {line}"


def classify(language: Language, context: CursorContext, edited: str) -> str:
    """Why a completion the final check drops got through the constraint (at level `file`).

    "grammar": the grammar accepts the whole edited document, which tree-sitter rejects: a grammar bug
    (or a tree-sitter quirk). "context" (Python): the same, but what CPython's compiler (part of the
    final check) rejects is where the text stands or what it binds, which the grammar does not track
    (`await` outside an async function, `break` outside a loop, a statement before `from __future__`,
    `nonlocal` without a binding). "decoder": the grammar rejects the edited document too, or the whole
    document parses and the check dropped the completion for where it ends (a comment or string that
    swallows the text after the cursor, an error left on the cursor's lines): the decoder ended or cut
    where the completion does not join the rest: its end check asks only that the suffix window stay a
    valid *prefix*, and a block-mode dedent cut may land between join points. Drops at levels `block`
    and `none` are not classified (the grammar did not read the whole item); their cause is the level's
    name.
    """
    from maze_inference.constraint.check import Verdict, check_text
    from maze_inference.constraint.grammars import GrammarVariant

    verdict = check_text(GrammarVariant(language.grammar, context.indent_unit), edited).verdict
    if verdict is not Verdict.ACCEPTED:
        return "decoder"
    if not language.new_parser().parse(edited.encode("utf-8")).root_node.has_error:
        if language.id != "python":
            return "decoder"
        error = _compile_error(edited)
        if error is None:
            return "decoder"
        return "context" if any(text in error for text in CONTEXT_ERRORS) else "grammar"
    return "context" if language.id == "python" and _context_error(edited) else "grammar"


# CPython compile errors about where a statement stands or what it binds, not how it is written: the
# grammar reads only the enclosing top-level item and does not track function, loop, async context or
# scopes; and the annotation-target rule, which tree-sitter (that the grammar follows) lacks too.
CONTEXT_ERRORS = ("outside async function", "outside function", "outside loop", "not properly in loop",
                  "from __future__ imports must occur", "unknown encoding", "future feature",
                  "makes remaining patterns unreachable", "no binding for nonlocal", "nonlocal declaration not allowed",
                  "assigned to before", "used prior to", "is parameter and", "duplicate argument",
                  "only single target")


def _compile_error(source: str | bytes) -> str | None:
    """CPython's compile error for `source`, or None (bytes: coding cookies apply)."""
    data = source.encode("utf-8") if isinstance(source, str) else source
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(data, "<completion>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as exc:
        return str(exc)
    return None


def _context_error(source: str) -> bool:
    error = _compile_error(source)
    return error is not None and any(text in error for text in CONTEXT_ERRORS)
