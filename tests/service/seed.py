"""Data and checks for the seed suite: constructs as grammars and cursor contexts, parsers as judges.

A small model (even one with random weights) cannot promise good code, so the suite asserts what
the constraint guarantees: completions keep the document parsing, generations match the grammar
they were constrained by, and a generation constrained by a grammar that spells out a construct
contains that construct. Every check is made here with tree-sitter (and `ast` for Python),
independently of the service's own validation report.

Grammars use names that cannot be keywords or builtin types in any of the languages (two to six
lowercase letters and a digit), so every string a grammar allows is valid code.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

import tree_sitter
from maze_inference.languages import get_language

NAME = r'NAME: /[a-z]{2,6}[0-9]/'
TYPE = r'TYPE: /[A-Z][a-z]{1,6}[0-9]/'
NUM = r'NUM: /[1-9][0-9]{0,2}/'
OP = r'OP: "+" | "-" | "*"'
WORD = r'WORD: /[a-z]{1,8}( [a-z]{1,8}){0,2}/'
TERMINALS = f"{NAME}\n{TYPE}\n{NUM}\n{OP}\n{WORD}"


def lark(start: str) -> str:
    return f"start: {start}\n{TERMINALS}\n"


@dataclass(frozen=True)
class Construct:
    """A construct: a grammar that requires it, node types that prove it, and a context to complete in."""

    language: str
    grammar: str
    nodes: tuple[str, ...]  # tree-sitter node types the output must contain
    prefix: str  # completion context inside the same construct
    suffix: str
    prompt: str = ""
    max_tokens: int = 160
    words: tuple[str, ...] = field(default=())  # literal words the output must contain


def tree(language: str, text: str) -> tree_sitter.Tree:
    return get_language(language).new_parser().parse(text.encode("utf-8"))


def error_nodes(language: str, text: str) -> int:
    """ERROR and MISSING nodes in the whole parse (counted here, not by maze's own checker)."""
    count = 0
    stack = [tree(language, text).root_node]
    while stack:
        node = stack.pop()
        count += int(node.is_error or node.is_missing)
        stack.extend(node.children)
    return count


def node_types(language: str, text: str) -> set[str]:
    types: set[str] = set()
    stack = [tree(language, text).root_node]
    while stack:
        node = stack.pop()
        types.add(node.type)
        stack.extend(node.children)
    return types


def assert_parses(language: str, text: str) -> None:
    assert error_nodes(language, text) == 0, f"{language} output does not parse: {text!r}"
    if get_language(language).id == "python":
        ast.parse(text)


def assert_insertion_keeps_parse(language: str, prefix: str, text: str | None, suffix: str, *,
                                 expect_text: bool = True) -> None:
    """A completion was shown (unless `expect_text` is False) and it adds no parse error to its document.

    Why the default: a check that returns early on `None` passed against a stub service that never
    completes anything; a scenario that expects a completion must fail without one.
    """
    if text is None or not text.strip():
        assert not expect_text, f"no completion ({text!r}) where the scenario expects one"
        return
    before = error_nodes(language, prefix + suffix)
    after = error_nodes(language, prefix + text + suffix)
    assert after <= before, f"completion {text!r} added parse errors ({before} -> {after})"


CONSTRUCTS: dict[str, Construct] = {
    # ---- TypeScript ----
    "ts_function": Construct(
        "typescript",
        lark(r'"function " NAME "(" NAME ": number, " NAME ": number): number {\n  return " NAME " " OP " " NAME ";\n}\n"'),
        ("function_declaration", "return_statement"),
        "function add(a: number, b: number): number {\n  return ", "\n}\n",
        prompt="// add two numbers\n",
    ),
    "ts_interface": Construct(
        "typescript",
        lark(r'"interface " TYPE " {\n" field field? field? "}\n"' "\n"
             r'field: "  " NAME "?"? ": " TSTYPE ";\n"' "\n" r'TSTYPE: "number" | "string" | "boolean"'),
        ("interface_declaration", "property_signature"),
        "interface User {\n  id: number;\n  ", "\n}\n",
        prompt="// a user record\n",
    ),
    "ts_class": Construct(
        "typescript",
        lark(r'"class " TYPE " {\n  " NAME ": number;\n\n  constructor(" NAME ": number) {\n    this." NAME " = " NAME '
             r'";\n  }\n\n  " NAME "(): number {\n    return this." NAME ";\n  }\n}\n"'),
        ("class_declaration", "method_definition"),
        "class Counter {\n  count = 0;\n\n  increment(): void {\n    this.count", "\n  }\n}\n",
        prompt="// a counter class\n",
    ),
    "ts_async": Construct(
        "typescript",
        lark(r'"async function " NAME "(" NAME ": string): Promise<number> {\n  const " NAME " = await fetch(" NAME '
             r'");\n  return " NAME ".status;\n}\n"'),
        ("function_declaration", "await_expression"),
        "async function load(url: string): Promise<string> {\n  const response = await ", "\n}\n",
        prompt="// fetch a URL\n", words=("async",),
    ),
    # ---- Python ----
    "py_typed_function": Construct(
        "python",
        lark(r'"def " NAME "(" NAME ": int, " NAME ": int) -> int:\n    return " NAME " " OP " " NAME "\n"'),
        ("function_definition", "type"),
        "def add(a: int, b: int) -> int:\n    return ", "\n",
        prompt="# add two integers\n",
    ),
    "py_dataclass": Construct(
        "python",
        lark(r'"from dataclasses import dataclass\n\n\n@dataclass\nclass " TYPE ":\n" field field? field?' "\n"
             r'field: "    " NAME ": " PYTYPE "\n"' "\n" r'PYTYPE: "int" | "str" | "float" | "bool"'),
        ("decorated_definition", "class_definition", "decorator"),
        "from dataclasses import dataclass\n\n\n@dataclass\nclass Point:\n    x: float\n    ", "\n",
        prompt="# a dataclass\n",
    ),
    "py_async": Construct(
        "python",
        lark(r'"async def " NAME "(" NAME "):\n    " NAME " = await " NAME "(" NAME ")\n    return " NAME "\n"'),
        ("function_definition", "await"),
        "import asyncio\n\n\nasync def main():\n    await ", "\n",
        prompt="# an async function\n", words=("async",),
    ),
    "py_list_comprehension": Construct(
        "python",
        lark(r'NAME " = [" NAME " * " NUM " for " NAME " in range(" NUM ") if " NAME " % 2 == 0]\n"'),
        ("list_comprehension",),
        "squares = [x * x for x in ", "\n",
        prompt="# even multiples\n",
    ),
    # ---- Rust ----
    "rust_result": Construct(
        "rust",
        lark(r'"fn " NAME "(" NAME ": &str) -> Result<i32, String> {\n    " NAME ".parse::<i32>().map_err(|" NAME '
             r'"| " NAME ".to_string())\n}\n"'),
        ("function_item", "generic_type", "closure_expression"),
        "fn parse(s: &str) -> Result<i32, std::num::ParseIntError> {\n    let n = s.parse::<i32>()?;\n    ", "\n}\n",
        prompt="// parse a number\n", words=("Result",),
    ),
    "rust_struct_impl": Construct(
        "rust",
        lark(r'"struct " TYPE " {\n    " NAME ": i32,\n}\n\nimpl " TYPE " {\n    fn " NAME "(&self) -> i32 {\n        self."'
             r' NAME "\n    }\n}\n"'),
        ("struct_item", "impl_item", "self"),
        "struct Point {\n    x: i32,\n    y: i32,\n}\n\nimpl Point {\n    fn sum(&self) -> i32 {\n        ", "\n    }\n}\n",
        prompt="// a point\n",
    ),
    "rust_trait_impl": Construct(
        "rust",
        lark(r'"impl std::fmt::Display for " TYPE " {\n    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result'
             r' {\n        write!(f, \"" WORD "\")\n    }\n}\n"'),
        ("impl_item", "macro_invocation"),
        "struct Celsius(f64);\n\nimpl std::fmt::Display for Celsius {\n    fn fmt(&self, f: &mut std::fmt::Formatter)"
        " -> std::fmt::Result {\n        ", "\n    }\n}\n",
        prompt="// display\n", words=("for",),
    ),
    "rust_option": Construct(
        "rust",
        lark(r'"fn " NAME "(" NAME ": Option<i32>) -> i32 {\n    match " NAME " {\n        Some(" NAME ") => " NAME '
             r'",\n        None => " NUM ",\n    }\n}\n"'),
        ("match_expression", "match_arm"),
        "fn first(v: &[i32]) -> Option<i32> {\n    ", "\n}\n",
        prompt="// unwrap an option\n", words=("Some", "None"),
    ),
    # ---- Go ----
    "go_error_return": Construct(
        "go",
        lark(r'"func " NAME "(" NAME " int) (int, error) {\n\tif " NAME " < 0 {\n\t\treturn 0, errors.New(\"" WORD '
             r'"\")\n\t}\n\treturn " NAME ", nil\n}\n"'),
        ("function_declaration", "return_statement", "if_statement"),
        "package main\n\nimport \"errors\"\n\nfunc check(n int) (int, error) {\n\tif n < 0 {\n\t\treturn 0, ",
        "\n\t}\n\treturn n, nil\n}\n",
        prompt="// return an error\n", words=("error",),
    ),
    "go_struct_methods": Construct(
        "go",
        lark(r'"type " TYPE " struct {\n\t" NAME " int\n}\n\nfunc (" NAME " *" TYPE ") " TYPE "() int {\n\treturn " NAME "."'
             r' NAME "\n}\n"'),
        ("type_declaration", "struct_type", "method_declaration"),
        "package main\n\ntype Stack struct {\n\titems []int\n}\n\nfunc (s *Stack) Push(v int) {\n\t", "\n}\n",
        prompt="// a struct with a method\n",
    ),
    "go_interface": Construct(
        "go",
        lark(r'"type " TYPE " interface {\n\t" TYPE "(" NAME " int) error\n}\n"'),
        ("interface_type",),
        "package main\n\ntype Store interface {\n\tGet(key string) (string, error)\n\t", "\n}\n",
        prompt="// an interface\n",
    ),
    # ---- Zig ----
    "zig_function": Construct(
        "zig",
        lark(r'"fn " NAME "(" NAME ": i32, " NAME ": i32) i32 {\n    return " NAME " " OP " " NAME ";\n}\n"'),
        ("function_declaration", "return_expression"),
        "fn add(a: i32, b: i32) i32 {\n    return ", "\n}\n",
        prompt="// add\n",
    ),
    "zig_struct": Construct(
        "zig",
        lark(r'"const " TYPE " = struct {\n    " NAME ": i32,\n    " NAME ": i32,\n};\n"'),
        ("struct_declaration", "container_field"),
        "const Point = struct {\n    x: i32,\n    ", "\n};\n",
        prompt="// a struct\n",
    ),
    # ---- real-world ----
    "crud_repository": Construct(
        "typescript",
        lark(r'"class " TYPE "Repository {\n  private items = new Map<number, string>();\n\n'
             r'  create(" NAME ": number, " NAME ": string): void {\n    this.items.set(" NAME ", " NAME ");\n  }\n\n'
             r'  read(" NAME ": number): string | undefined {\n    return this.items.get(" NAME ");\n  }\n\n'
             r'  update(" NAME ": number, " NAME ": string): boolean {\n    if (!this.items.has(" NAME ")) {\n'
             r'      return false;\n    }\n    this.items.set(" NAME ", " NAME ");\n    return true;\n  }\n\n'
             r'  delete(" NAME ": number): boolean {\n    return this.items.delete(" NAME ");\n  }\n}\n"'),
        ("class_declaration", "method_definition", "if_statement"),
        "class UserRepository {\n  private users = new Map<number, string>();\n\n  read(id: number): string | undefined {\n"
        "    return ", "\n  }\n}\n",
        prompt="// a repository with create, read, update and delete\n", max_tokens=600,
        words=("create(", "read(", "update(", "delete("),
    ),
    "error_enum": Construct(
        "rust",
        lark(r'"#[derive(Debug)]\nenum " TYPE " {\n    " TYPE "(String),\n    " TYPE " { code: i32 },\n    " TYPE ",\n}\n\n'
             r'impl std::fmt::Display for " TYPE " {\n    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {\n'
             r'        write!(f, \"" WORD "\")\n    }\n}\n\nimpl std::error::Error for " TYPE " {}\n"'),
        ("enum_item", "enum_variant", "impl_item"),
        "#[derive(Debug)]\nenum AppError {\n    Io(std::io::Error),\n    ", "\n}\n",
        prompt="// an error hierarchy\n", max_tokens=400, words=("std::error::Error",),
    ),
    "goroutine_handler": Construct(
        "go",
        lark(r'"func " NAME "(" NAME " chan int, " NAME " *sync.WaitGroup) {\n\tdefer " NAME ".Done()\n\tgo func() {\n\t\t"'
             r' NAME " <- " NUM "\n\t}()\n}\n"'),
        ("go_statement", "defer_statement", "send_statement"),
        "package main\n\nimport \"sync\"\n\nfunc worker(jobs <-chan int, wg *sync.WaitGroup) {\n\tdefer wg.Done()\n"
        "\tfor j := range jobs {\n\t\t", "\n\t}\n}\n",
        prompt="// a goroutine handler\n", max_tokens=300,
    ),
}
