"""Cursor context per language: scope, strings/comments, mode, indentation and restart point."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from maze_inference.context import Mode, detect_indent_unit, extract_context
from maze_inference.document import Document
from maze_inference.languages import LANGUAGES, get_language


@dataclass(frozen=True)
class Case:
    language: str
    text: str  # "‸" marks the cursor
    scope: str | None
    mode: Mode
    in_string: bool = False
    in_comment: bool = False
    restart_starts_with: str = ""


CASES = [
    Case("python", "import os\n\ndef f(a):\n    return a +‸\n", "function_definition", Mode.LINE, restart_starts_with="def f"),
    Case("python", "class K:\n    def g(self):\n        ‸\n", "function_definition", Mode.BLOCK, restart_starts_with="class K"),
    Case("python", "x = 'ab‸c'\n", None, Mode.LINE, in_string=True, restart_starts_with="x ="),
    Case("python", "x = 1  # note‸\n", None, Mode.LINE, in_comment=True),
    Case("typescript", "function f(a: number): number {\n  return a +‸\n}\n", "function_declaration", Mode.LINE, restart_starts_with="function f"),
    Case("typescript", "export { fetchBaseQuery } fr‸\n", None, Mode.LINE, restart_starts_with="export {"),
    Case("typescriptreact", "const App = () => {\n  ‸\n};\n", "arrow_function", Mode.BLOCK, restart_starts_with="const App"),
    Case("javascript", "class A {\n  m() {\n    const s = `x‸`;\n  }\n}\n", "method_definition", Mode.LINE, in_string=True),
    Case("rust", "impl S {\n    fn f(&self) -> u32 {\n        ‸\n    }\n}\n", "function_item", Mode.BLOCK, restart_starts_with="impl S"),
    Case("rust", "fn main() {\n    // todo‸\n}\n", "function_item", Mode.LINE, in_comment=True),
    Case("go", "package main\n\nfunc main() {\n\tfmt.Println(\"hi‸\")\n}\n", "function_declaration", Mode.LINE, in_string=True, restart_starts_with="func main"),
    Case("zig", "const std = @import(\"std\");\n\npub fn main() void {\n    ‸\n}\n", "function_declaration", Mode.BLOCK, restart_starts_with="pub fn main"),
]


@pytest.mark.parametrize("case", CASES, ids=[f"{c.language}-{i}" for i, c in enumerate(CASES)])
def test_context(case: Case) -> None:
    lang = get_language(case.language)
    offset = case.text.index("‸")
    text = case.text.replace("‸", "")
    doc = Document(lang, text)
    ctx = extract_context(lang, doc.text, doc.tree, offset, byte_offset=doc.byte_offset(offset))
    assert ctx.language == lang.id
    assert ctx.prefix == text[:offset] and ctx.suffix == text[offset:]
    assert (ctx.scope.kind if ctx.scope else None) == case.scope
    assert ctx.mode is case.mode
    assert ctx.in_string is case.in_string
    assert ctx.in_comment is case.in_comment
    assert ctx.grammar_text.startswith(case.restart_starts_with)
    assert text[: offset].endswith(ctx.grammar_text)
    assert ctx.node_path[0] == doc.tree.root_node.type


def test_every_language_is_covered() -> None:
    assert {c.language for c in CASES} == {lang.id for lang in LANGUAGES}


@pytest.mark.parametrize(("text", "unit"), [
    ("def f():\n    x = 1\n    if x:\n        y\n", "    "),
    ("def f():\n  x = 1\n  if x:\n    y\n", "  "),
    ("def f():\n\tx = 1\n\tif x:\n\t\ty\n", "\t"),
    ("x = 1\n", "    "),
])
def test_indent_unit(text: str, unit: str) -> None:
    assert detect_indent_unit(text) == unit


def test_restart_is_bounded_on_huge_items() -> None:
    lang = get_language("python")
    body = "".join(f"    x{i} = {i}\n" for i in range(5000))
    text = "class Big:\n" + body + "    y = "
    doc = Document(lang, text)
    ctx = extract_context(lang, doc.text, doc.tree, len(text))
    assert len(ctx.grammar_text) < 30_000
    assert ctx.grammar_text == "    y = "  # the line: the constraint takes its block-tail entry from here
    assert len(ctx.prefix) <= 8_000


SCAN_TEXT = st.lists(st.sampled_from(["a", " ", "\t", "\n", "\r", "\r\n", "#", ":", "{", "😀", "\u2003"]), max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=SCAN_TEXT, where=st.floats(0, 1))
def test_bounded_scans_equal_the_whole_prefix_ones(text: str, where: float) -> None:
    """The context's line and code scans read only near the cursor; they answer what a scan of the
    whole prefix would (`str.rstrip` semantics, LSP line breaks)."""
    from maze_inference.context import _code_end, _line_end, _line_start

    offset = round(where * len(text))
    assert _line_start(text, offset) == max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset)) + 1
    ends = [i for i in (text.find("\n", offset), text.find("\r", offset)) if i >= 0]
    assert _line_end(text, offset) == (min(ends) if ends else len(text))
    assert _code_end(text, offset) == len(text[:offset].rstrip())
    assert _code_end(" " * 5000 + text, 5000 + offset) == len((" " * 5000 + text)[: 5000 + offset].rstrip())
