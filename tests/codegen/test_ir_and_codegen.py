"""The pure parts of code generation: the IR's schema and renderings (`ir.py`), and the edit checks of
`codegen.py`. The model-driven paths are tested over the real server in tests/lsp/test_code_action.py."""

from __future__ import annotations

import json

import llguidance
import pytest
from maze_inference.codegen import Edit, comment_block, validate_edit
from maze_inference.errors import CompletionRejected
from maze_inference.ir import FunctionIR, Parameter, candidate_names, ir_schema, render_signature
from maze_inference.languages import get_language

LANGUAGES = ("python", "typescript", "javascript", "rust", "go", "zig")
BODIES = {"python": "return a", "typescript": "return a;", "javascript": "return a;", "rust": "a",
          "go": "return a", "zig": "return a;"}
TYPES = {"python": "int", "typescript": "number", "javascript": "number", "rust": "i32", "go": "int", "zig": "i32"}


@pytest.mark.parametrize(("language", "expected"), [
    ("python", ["larger_numbers", "larger"]),
    ("go", ["largerNumbers", "larger"]),
])
def test_names_come_from_the_description_in_the_languages_style(language: str, expected: list[str]) -> None:
    assert candidate_names("return the larger of two numbers", language) == expected


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_schema_compiles_and_admits_a_valid_ir(language: str) -> None:
    schema = ir_schema(language, "return the larger of two numbers")
    grammar = llguidance.LLMatcher.grammar_from_json_schema(schema, defaults={"whitespace_flexible": False})
    matcher = llguidance.LLMatcher(llguidance.LLTokenizer("byte"), grammar, log_level=0)
    name = schema["properties"]["name"]["enum"][0]
    ir = {"name": name, "parameters": [{"name": "a", "type": TYPES[language]}], "returns": TYPES[language],
          "steps": ["compare"]}
    data = json.dumps(ir, separators=(",", ":")).encode()
    assert matcher.try_consume_tokens(list(data)) == len(data) and matcher.is_accepting()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_rendered_signature_with_a_body_parses(language: str) -> None:
    ir = FunctionIR("pick", (Parameter("a", TYPES[language]),), TYPES[language], ("take a */ \"\"\" b",))
    before, after = render_signature(ir, language, "    ")
    code = before + BODIES[language] + after
    if language == "go":
        code = "package main\n\n" + code
    tree = get_language(language).new_parser().parse(code.encode())
    assert not tree.root_node.has_error, code
    assert "*/ " not in code.replace("* /", "") or language == "python"  # prose cannot close the comment


def test_ir_from_json_keeps_every_field() -> None:
    ir = FunctionIR.from_json('{"name": "f", "parameters": [{"name": "x", "type": "int"}], "returns": "int", '
                              '"steps": ["s"], "errors": ["e"], "tests": [{"input": "1", "expected": "2"}]}')
    assert ir == FunctionIR("f", (Parameter("x", "int"),), "int", ("s",), ("e",), (("1", "2"),))
    assert ir.spec_lines() == ["1. s", "Errors: e", "Example: 1 -> 2"]


def test_comment_block_reads_consecutive_comment_lines() -> None:
    text = "x = 1\n# add two\n# numbers\ny = 2\n"
    start, end, description = comment_block(text, text.index("numbers"))  # type: ignore[misc]
    assert text[start:end] == "# add two\n# numbers\n" and description == "add two numbers"
    assert comment_block(text, 0) is None


def test_validate_edit_refuses_what_breaks_the_file() -> None:
    python = get_language("python")
    text = "def f(a):\n    pass\n"
    validate_edit(python, text, Edit(14, 18, "return a"))
    with pytest.raises(CompletionRejected):
        validate_edit(python, text, Edit(14, 18, "return (a"))
    with pytest.raises(CompletionRejected):
        validate_edit(python, text, Edit(14, 18, "return a\n  x = 1"))  # only CPython sees the bad dedent
