"""Shaping engine text for the editor (`postprocess.py`): mode, overlap with the suffix, indentation."""

from __future__ import annotations

import dataclasses

from maze_inference.context import CursorContext, Mode, extract_context
from maze_inference.document import Document
from maze_inference.languages import get_language
from maze_inference.postprocess import postprocess


def context(language: str, marked: str, mode: Mode | None = None) -> CursorContext:
    lang = get_language(language)
    offset = marked.index("‸")
    doc = Document(lang, marked.replace("‸", ""))
    ctx = extract_context(lang, doc.text, doc.tree, offset)
    return dataclasses.replace(ctx, mode=mode) if mode else ctx


def test_line_mode_keeps_the_first_line_and_drops_trailing_space() -> None:
    ctx = context("python", "x = ‸\n", Mode.LINE)
    assert postprocess("f(a)   \nmore", ctx, checked_by_grammar=True) == "f(a)"


def test_whitespace_only_is_nothing() -> None:
    assert postprocess("  \n ", context("python", "x = ‸\n"), checked_by_grammar=True) is None


def test_unchecked_text_loses_the_closers_the_suffix_has() -> None:
    ctx = context("python", "y = f(a‸)\n")
    assert postprocess("b)", ctx, checked_by_grammar=False) == "b"
    assert postprocess("b)", ctx, checked_by_grammar=True) == "b)"  # the grammar already judged it


def test_a_block_stops_at_the_first_line_below_it() -> None:
    ctx = context("python", "def f():\n    ‸\n", Mode.BLOCK)
    assert postprocess("x = 1\n    return x\nprint(1)\n", ctx, checked_by_grammar=True) == "x = 1\n    return x"


def test_a_block_takes_the_documents_indentation_unit() -> None:
    marked = "function f(a: number) {\n  if (a) {\n    return 1;\n  }\n  ‸\n}\n"
    ctx = context("typescript", marked, Mode.BLOCK)
    assert ctx.indent_unit == "  "
    body = "for (const x of xs) {\n      if (x) {\n          g(x);\n      }\n  }"
    assert postprocess(body, ctx, checked_by_grammar=True) == "for (const x of xs) {\n    if (x) {\n      g(x);\n    }\n  }"
