"""Code generation behind the code actions, `maze generate` and the service's `/v1/generate`.

Two pipelines, both ending in a parse check so a failure is a message, never a broken edit:
* implement a function whose body is a placeholder: generate a block at the body's position,
  constrained by the language grammar with the real surrounding document;
* description -> IR -> code: the IR (name, parameters, types, steps...) is generated under a JSON-schema
  constraint, the signature is rendered from it, the body is generated under the grammar, and the
  result is validated by tree-sitter (and CPython's compiler for Python).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import llguidance
import tree_sitter

from maze_inference.context import detect_indent_unit
from maze_inference.engines.base import Engine, GenerateRequest
from maze_inference.errors import CompletionRejected, GrammarError
from maze_inference.final_check import count_errors
from maze_inference.ir import FunctionIR, ir_schema, render_signature
from maze_inference.languages import Language
from maze_inference.pipeline import CompletionSettings, DropReason, complete_at
from maze_inference.syntax import python_syntax_error

_FUNCTION_TYPES = frozenset({
    "function_definition", "function_declaration", "method_definition", "function_expression", "arrow_function",
    "generator_function_declaration", "function_item", "method_declaration", "func_literal",
})
_PLACEHOLDER = re.compile(
    r"^(pass|\.\.\.|raise NotImplementedError(\(.*\))?|todo!\(.*\);?|unimplemented!\(.*\);?|panic\(\"TODO.*\"\);?"
    r"|throw new Error\(.*\);?|@panic\(\".*\"\);?|unreachable;?|return;?)$",
    re.IGNORECASE,
)
_DISCARD = re.compile(r"^\s*_ = \w+;\s*$")  # Zig stubs must discard their unused parameters
_COMMENT_LINE = re.compile(r"^\s*(#|//+|--)\s?(.*)$")
# Why no body came, in the words a user reads (the code actions show them).
_DROPPED = {
    DropReason.PARSE_ERROR: "every body the model wrote broke the syntax",
    DropReason.LOOP: "the model kept repeating itself",
    DropReason.EMPTY: "the model wrote nothing",
}
BODY_SETTINGS = CompletionSettings(max_tokens=192, mode="block", timeout_s=60.0)


@dataclass(frozen=True)
class Edit:
    """Replace code points [start, end) of the document with `text`."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Placeholder:
    """A function body to fill: replace [start, end) with `lead + body + trail`."""

    function_name: str
    start: int
    end: int
    lead: str
    trail: str


def _byte_to_char(text: str, source: bytes, byte_offset: int) -> int:
    return byte_offset if len(text) == len(source) else len(source[:byte_offset].decode("utf-8", "ignore"))


def _line_indent(text: str, offset: int) -> str:
    start = text.rfind("\n", 0, offset) + 1
    line = text[start:offset]
    return line[: len(line) - len(line.lstrip(" \t"))]


def find_placeholder(language: Language, text: str, source: bytes, tree: tree_sitter.Tree,
                     byte_offset: int) -> Placeholder | None:
    """The innermost function on the cursor's line whose body is empty or a placeholder (`pass`, `todo!()`...).

    Any line of the function counts (its signature, the stub, the closing brace), not only the byte
    under the cursor: editors ask with the cursor where typing left it, at the end of `pass` or
    `todo!()`, which is past the stub's last node, or on a name inside `export function ...`.
    """
    row = source.count(b"\n", 0, byte_offset)
    for node in _functions_on_row(tree.root_node, row):
        placeholder = _placeholder(language, text, source, node)
        if placeholder is not None:
            return placeholder
    return None


def _functions_on_row(root: tree_sitter.Node, row: int) -> list[tree_sitter.Node]:
    """The function nodes whose lines include `row`, innermost first (decorators count as the function's lines)."""
    found: list[tuple[int, tree_sitter.Node]] = []
    stack = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        if node.type == "decorated_definition" and (definition := node.child_by_field_name("definition")) is not None:
            if definition.type in _FUNCTION_TYPES:
                found.append((depth + 1, definition))
        elif node.type in _FUNCTION_TYPES:
            found.append((depth, node))
        stack.extend((child, depth + 1) for child in node.children
                     if child.start_point.row <= row <= child.end_point.row)
    return [node for _, node in sorted(found, key=lambda item: -item[0])]


def _placeholder(language: Language, text: str, source: bytes, node: tree_sitter.Node) -> Placeholder | None:
    """The placeholder body of function `node`, or None when it has real code."""
    body = node.child_by_field_name("body")
    if body is None:
        return None
    name_node = node.child_by_field_name("name")
    name = name_node.text.decode("utf-8", "replace") if name_node is not None and name_node.text else "<anonymous>"
    if language.id == "python":
        statements = [c for c in body.named_children if c.type != "comment"]
        if statements and statements[0].type == "expression_statement" and statements[0].text.lstrip()[:1] in (b'"', b"'"):
            statements = statements[1:]  # keep the docstring: it is the specification
        if not statements or not all(_PLACEHOLDER.match(s.text.decode("utf-8", "replace").strip()) for s in statements):
            return None
        start = _byte_to_char(text, source, statements[0].start_byte)
        end = _byte_to_char(text, source, statements[-1].end_byte)
        return Placeholder(name, start, end, "", "")
    if not body.text or body.text[:1] != b"{" or body.text[-1:] != b"}":
        return None  # an arrow function's expression body: real code
    inner = body.text.decode("utf-8", "replace")[1:-1]
    code = "\n".join(line for line in inner.splitlines() if not _COMMENT_LINE.match(line) and not _DISCARD.match(line))
    code = code.strip()
    if code and not _PLACEHOLDER.match(code):
        return None
    unit = detect_indent_unit(text, language.indent)
    base = _line_indent(text, _byte_to_char(text, source, node.start_byte))
    start = _byte_to_char(text, source, body.start_byte) + 1
    end = _byte_to_char(text, source, body.end_byte) - 1
    return Placeholder(name, start, end, "\n" + base + unit, "\n" + base)


async def implement_function(engine: Engine, language: Language, text: str, placeholder: Placeholder) -> Edit:
    """Generate the body at the placeholder's position, with the real document around it."""
    virtual = text[: placeholder.start] + placeholder.lead + placeholder.trail + text[placeholder.end :]
    cursor = placeholder.start + len(placeholder.lead)
    body = await _generate_block(engine, language, virtual, cursor)
    edit = Edit(placeholder.start, placeholder.end, placeholder.lead + body + placeholder.trail)
    validate_edit(language, text, edit)
    return edit


async def _generate_block(engine: Engine, language: Language, text: str, cursor: int) -> str:
    source = text.encode("utf-8")
    tree = language.new_parser().parse(source)
    completion = await complete_at(engine, language, text, source, tree, cursor, BODY_SETTINGS)
    if completion.text is None:
        raise CompletionRejected(_DROPPED.get(completion.dropped, "the model wrote nothing usable"))
    return completion.text


def comment_block(text: str, offset: int) -> tuple[int, int, str] | None:
    """(start, end, description) of the consecutive line comments around `offset`, if any."""
    lines = text.split("\n")
    row = text.count("\n", 0, offset)
    if row >= len(lines) or not _COMMENT_LINE.match(lines[row]):
        return None
    first = last = row
    while first > 0 and _COMMENT_LINE.match(lines[first - 1]):
        first -= 1
    while last + 1 < len(lines) and _COMMENT_LINE.match(lines[last + 1]):
        last += 1
    description = " ".join(_COMMENT_LINE.match(lines[i]).group(2).strip() for i in range(first, last + 1))  # type: ignore[union-attr]
    start = sum(len(line) + 1 for line in lines[:first])
    end = sum(len(line) + 1 for line in lines[: last + 1])
    return start, min(end, len(text)), description.strip()


_EXAMPLE_TYPES = {
    "python": ("list[int]", "int"), "typescript": ("number[]", "number"), "typescriptreact": ("number[]", "number"),
    "javascript": ("Array", "number"), "rust": ("&[i32]", "i32"), "go": ("[]int", "int"), "zig": ("[]const i32", "i32"),
}


def ir_prompt(language: Language, description: str) -> str:
    """A one-shot prompt: a small code model continues a pattern far better than it follows an instruction."""
    marker = language.line_comment
    items, item = _EXAMPLE_TYPES[language.id]
    name = "sumValues" if language.id in ("go", "typescript", "typescriptreact", "javascript", "zig") else "sum_values"
    example = json.dumps({"name": name, "parameters": [{"name": "values", "type": items}], "returns": item,
                          "steps": ["start from zero", "add each value", "return the total"]})
    return (f"{marker} Task: add up a list of numbers\n{marker} Spec: {example}\n"
            f"{marker} Task: {' '.join(description.split())}\n{marker} Spec: ")


async def generate_ir(engine: Engine, language: Language, description: str) -> FunctionIR:
    """Step 1: the IR, which cannot be anything but schema-valid JSON."""
    try:
        grammar = llguidance.LLMatcher.grammar_from_json_schema(ir_schema(language.id, description),
                                                                 defaults={"whitespace_flexible": False})
    except ValueError as exc:
        raise GrammarError(f"IR schema: {exc}") from exc
    result = await engine.generate(GenerateRequest(prompt=ir_prompt(language, description), grammar=grammar,
                                                   max_tokens=256))
    try:
        return FunctionIR.from_json(result.text)
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise CompletionRejected(f"the model's description of the function was cut short ({exc})") from exc


async def code_from_description(engine: Engine, language: Language, text: str, insert_at: int,
                                description: str) -> tuple[FunctionIR, Edit]:
    """Steps 1-3: IR, then a signature rendered from it and a grammar-constrained body, then validation."""
    ir = await generate_ir(engine, language, description)
    indent = _line_indent(text, insert_at) if insert_at < len(text) else ""
    unit = detect_indent_unit(text, language.indent)
    before, after = render_signature(ir, language.id, unit)
    before = _indent_block(before, indent)
    after = _indent_block(after, indent)
    separator = "" if insert_at == 0 or text[insert_at - 1] == "\n" else "\n"
    virtual = text[:insert_at] + separator + before + after + text[insert_at:]
    cursor = insert_at + len(separator) + len(before)
    body = await _generate_block(engine, language, virtual, cursor)
    edit = Edit(insert_at, insert_at, separator + before + body + after)
    validate_edit(language, text, edit)
    return ir, edit


_PREAMBLE = {"go": "package main\n\n"}


async def generate_from_description(engine: Engine, language: Language, description: str) -> tuple[FunctionIR, str]:
    """`maze generate` and `/v1/generate` without a grammar: the same pipeline on a fresh file."""
    if not description.strip():
        raise CompletionRejected("the description is empty")
    text = _PREAMBLE.get(language.id, "") + f"{language.line_comment} {' '.join(description.split())}\n"
    ir, edit = await code_from_description(engine, language, text, len(text), description)
    return ir, (text + edit.text).strip() + "\n"


def _indent_block(block: str, indent: str) -> str:
    if not indent:
        return block
    return "\n".join(indent + line if line.strip() else line for line in block.split("\n"))


def validate_edit(language: Language, text: str, edit: Edit) -> None:
    """Step 3: the edited document may not parse worse than the original (tree-sitter; CPython's ast too)."""
    edited = text[: edit.start] + edit.text + text[edit.end :]
    parser = language.new_parser()
    before = count_errors(parser.parse(text.encode()).root_node, 0, len(text.encode()))
    after = count_errors(parser.parse(edited.encode()).root_node, 0, len(edited.encode()))
    if after > before:
        raise CompletionRejected(f"generated code does not parse ({after - before} new syntax error(s)); nothing applied")
    if language.id == "python" and python_syntax_error(text) is None and python_syntax_error(edited) is not None:
        raise CompletionRejected("generated code does not pass Python's own parser; nothing applied")


