"""Imports of one file: which local names stand for which module, or for which name of a module.

Read from the top level of the tree only (and Python's `if TYPE_CHECKING:`/`try:` blocks there), where
imports live in all five languages; a file's imports are what resolves `pricing.‸` or `Cart` to the
file that defines them (`modules.py`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import tree_sitter

from maze_inference.workspace.symbols import Import

Node = tree_sitter.Node


def _text(source: bytes, node: Node | None) -> str:
    return "" if node is None else source[node.start_byte : node.end_byte].decode("utf-8", "replace")


def _python(root: Node, source: bytes) -> Iterator[Import]:
    for node in root.named_children:
        if node.type in ("if_statement", "try_statement", "block", "else_clause", "except_clause"):
            yield from _python(node, source)
        elif node.type == "import_statement":
            for name in node.children_by_field_name("name"):
                if name.type == "aliased_import":
                    yield Import(_text(source, name.child_by_field_name("alias")),
                                 _text(source, name.child_by_field_name("name")))
                else:  # `import a.b` binds `a`; `a.b` is named too, so a chain `a.b.‸` finds the module
                    dotted = _text(source, name)
                    yield Import(dotted.split(".")[0], dotted.split(".")[0])
                    if "." in dotted:
                        yield Import(dotted, dotted)
        elif node.type == "import_from_statement":
            module = _text(source, node.child_by_field_name("module_name"))
            for name in node.children_by_field_name("name"):
                if name.type == "aliased_import":
                    yield Import(_text(source, name.child_by_field_name("alias")), module,
                                 _text(source, name.child_by_field_name("name")))
                else:
                    yield Import(_text(source, name).split(".")[-1], module, _text(source, name))


def _ts(root: Node, source: bytes) -> Iterator[Import]:
    for node in root.named_children:
        if node.type == "import_statement":
            module = _text(source, node.child_by_field_name("source")).strip("\"'`")
            clause = next((c for c in node.named_children if c.type == "import_clause"), None)
            for part in clause.named_children if clause is not None else ():
                if part.type == "identifier":  # default import: the module's default export
                    yield Import(_text(source, part), module, "default")
                elif part.type == "namespace_import":
                    yield Import(_text(source, part.named_children[-1]), module)
                elif part.type == "named_imports":
                    for spec in part.named_children:
                        name = _text(source, spec.child_by_field_name("name"))
                        alias = _text(source, spec.child_by_field_name("alias")) or name
                        yield Import(alias, module, name)
        elif node.type in ("lexical_declaration", "variable_declaration"):
            yield from _require(node, source)


def _require(node: Node, source: bytes) -> Iterator[Import]:
    """CommonJS: `const x = require("./x")`, `const { a, b: c } = require("./x")`."""
    for declarator in node.named_children:
        value = declarator.child_by_field_name("value")
        if value is None or value.type != "call_expression" or _text(source, value.child_by_field_name("function")) != "require":
            continue
        arguments = value.child_by_field_name("arguments")
        module = _text(source, arguments.named_children[0]).strip("\"'`") if arguments and arguments.named_children else ""
        name = declarator.child_by_field_name("name")
        if name is None or not module:
            continue
        if name.type == "identifier":
            yield Import(_text(source, name), module)
        elif name.type == "object_pattern":
            for part in name.named_children:
                if part.type == "shorthand_property_identifier_pattern":
                    yield Import(_text(source, part), module, _text(source, part))
                elif part.type == "pair_pattern":
                    yield Import(_text(source, part.child_by_field_name("value")), module,
                                 _text(source, part.child_by_field_name("key")))


def _rust(root: Node, source: bytes) -> Iterator[Import]:
    for node in root.named_children:
        if node.type == "use_declaration":
            yield from _use_tree(node.child_by_field_name("argument"), "", source)
        elif node.type == "mod_item" and node.child_by_field_name("body") is None:
            name = _text(source, node.child_by_field_name("name"))  # `mod pricing;`: the file pricing.rs
            yield Import(name, f"self::{name}")


def _use_tree(node: Node | None, prefix: str, source: bytes) -> Iterator[Import]:
    if node is None:
        return
    join = (lambda rest: f"{prefix}::{rest}" if prefix else rest)
    if node.type in ("identifier", "crate", "self", "super") or node.type == "scoped_identifier":
        path = join(_text(source, node))
        yield _rust_import(path, path.rsplit("::", 1)[-1])
    elif node.type == "use_as_clause":
        path = join(_text(source, node.child_by_field_name("path")))
        yield _rust_import(path, _text(source, node.child_by_field_name("alias")))
    elif node.type == "scoped_use_list":
        inner = join(_text(source, node.child_by_field_name("path")))
        yield from _use_tree(node.child_by_field_name("list"), inner, source)
    elif node.type == "use_list":
        for child in node.named_children:
            if child.type == "self":  # `use a::b::{self, c}` binds `b`
                yield _rust_import(prefix, prefix.rsplit("::", 1)[-1])
            else:
                yield from _use_tree(child, prefix, source)


def _rust_import(path: str, local: str) -> Import:
    """`use crate::a::b` binds `b`: the name `b` of module `crate::a`, or the module `crate::a::b` itself
    (`modules.py` tries both, a module first)."""
    module, _, name = path.rpartition("::")
    return Import(local, module, name)


def _go(root: Node, source: bytes) -> Iterator[Import]:
    for node in root.named_children:
        if node.type != "import_declaration":
            continue
        specs = [c for c in node.named_children if c.type == "import_spec"]
        specs += [s for c in node.named_children if c.type == "import_spec_list" for s in c.named_children
                  if s.type == "import_spec"]
        for spec in specs:
            path = _text(source, spec.child_by_field_name("path")).strip('"`')
            alias = _text(source, spec.child_by_field_name("name"))
            yield Import(alias if alias and alias not in ("_", ".") else go_package_name(path), path)


def go_package_name(path: str) -> str:
    """The name a Go import binds by convention: the last segment, without a `/vN` major version, a
    `.vN` suffix (gopkg.in) or a `go-` prefix (`github.com/dustin/go-humanize` is `humanize`)."""
    segments = [s for s in path.split("/") if s]
    last = segments[-1] if segments else path
    if len(segments) > 1 and re.fullmatch(r"v\d+", last):
        last = segments[-2]
    last = re.sub(r"\.v\d+$", "", last)
    return re.sub(r"^go-", "", last).replace("-", "_")


def _zig(root: Node, source: bytes) -> Iterator[Import]:
    for node in root.named_children:
        if node.type != "variable_declaration":
            continue
        name = next((c for c in node.named_children if c.type == "identifier"), None)
        value = next((c for c in node.named_children if c.type in ("builtin_function", "field_expression")), None)
        if name is None or value is None:
            continue
        member = ""
        while value.type == "field_expression":  # `@import("cart.zig").Cart`
            member = member or _text(source, value.child_by_field_name("member"))
            value = value.child_by_field_name("object")
            if value is None:
                break
        if value is None or value.type != "builtin_function" or not _text(source, value).startswith("@import"):
            continue
        arguments = next((c for c in value.named_children if c.type == "arguments"), None)
        module = _text(source, arguments.named_children[0]).strip('"') if arguments and arguments.named_children else ""
        if module:
            yield Import(_text(source, name), module, member)


EXTRACTORS: dict[str, Callable[[Node, bytes], Iterator[Import]]] = {
    "python": _python,
    "typescript": _ts,
    "typescriptreact": _ts,
    "javascript": _ts,
    "rust": _rust,
    "go": _go,
    "zig": _zig,
}


def extract_imports(language_id: str, root: Node, source: bytes) -> tuple[Import, ...]:
    return tuple(i for i in EXTRACTORS[language_id](root, source) if i.local)
