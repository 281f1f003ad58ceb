"""Definitions of one file, read from its tree-sitter tree, for the five languages.

Only what another file can name is read: top-level items, and the members of classes, structs,
interfaces, traits, impls, enums and modules. Function bodies are never entered (except Python's
`__init__`, whose `self.x = ...` lines declare the instance's fields), so the walk costs the file's
outline, not its size. Headers keep their source text and indentation, so the context the model
sees is code as the repository writes it.
"""

from __future__ import annotations

from collections.abc import Callable

from maze_inference.workspace.outline import (
    Node,
    Outline,
    brace,
    callee_type,
    first_line_end,
    main_type,
    name_of,
)
from maze_inference.workspace.symbols import Definition, Kind

# ---- Python ------------------------------------------------------------------------------------

_PY_NESTING = frozenset({"if_statement", "elif_clause", "else_clause", "try_statement", "except_clause",
                         "finally_clause", "with_statement", "block"})


def _python(b: Outline, node: Node, parent: int, container: str) -> None:
    for child in node.named_children:
        start = child
        if child.type == "decorated_definition":
            child = child.child_by_field_name("definition") or child
        kind = child.type
        if kind == "function_definition":
            body = child.child_by_field_name("body")
            index = b.add(name_of(b, child), Kind.METHOD if container else Kind.FUNCTION, child, parent=parent,
                          container=container, head_end=body.start_byte if body else None, body=body is not None,
                          type_name=main_type(b.text(child.child_by_field_name("return_type"))), start=start)
            if container and body is not None and name_of(b, child) == "__init__":
                _python_self_fields(b, body, index, container)
        elif kind == "class_definition":
            body = child.child_by_field_name("body")
            name = name_of(b, child)
            index = b.add(name, Kind.CLASS, child, parent=parent, container=container,
                          head_end=body.start_byte if body else None, start=start)
            if body is not None:
                _python(b, body, index, name)
        elif kind == "expression_statement":
            for assignment in child.named_children:
                left = assignment.child_by_field_name("left") if assignment.type == "assignment" else None
                if left is not None and left.type == "identifier":
                    hint = b.text(assignment.child_by_field_name("type")) or callee_type(b, assignment, "right")
                    b.add(b.text(left), Kind.FIELD if container else Kind.CONSTANT, assignment, parent=parent,
                          container=container, type_name=main_type(hint), head_end=first_line_end(b, assignment))
        elif kind in _PY_NESTING:
            _python(b, child, parent, container)


def _python_self_fields(b: Outline, body: Node, init: int, container: str) -> None:
    seen: set[str] = set()
    for statement in body.named_children:
        assignment = statement.named_children[0] if statement.type == "expression_statement" and statement.named_children else None
        left = assignment.child_by_field_name("left") if assignment is not None and assignment.type == "assignment" else None
        if left is None or left.type != "attribute" or b.text(left.child_by_field_name("object")) != "self":
            continue
        name = b.text(left.child_by_field_name("attribute"))
        if name and name not in seen:
            seen.add(name)
            hint = b.text(assignment.child_by_field_name("type")) or callee_type(b, assignment, "right")
            b.add(name, Kind.FIELD, assignment, parent=init, container=container, type_name=main_type(hint),
                  head_end=first_line_end(b, assignment))


# ---- TypeScript / JavaScript -------------------------------------------------------------------

_TS_FUNCTIONS = frozenset({"function_declaration", "generator_function_declaration", "function_signature"})
_TS_CLASSES = frozenset({"class_declaration", "abstract_class_declaration", "class"})
_TS_MEMBERS = {"method_definition": Kind.METHOD, "method_signature": Kind.METHOD,
               "abstract_method_signature": Kind.METHOD, "public_field_definition": Kind.FIELD,
               "field_definition": Kind.FIELD, "property_signature": Kind.FIELD}


def _ts(b: Outline, node: Node, parent: int, container: str) -> None:
    for child in node.named_children:
        kind = child.type
        if kind in ("export_statement", "ambient_declaration"):
            _ts(b, child, parent, container)
        elif kind in _TS_FUNCTIONS:
            body = child.child_by_field_name("body")
            b.add(name_of(b, child), Kind.FUNCTION, child, parent=parent, container=container,
                  head_end=body.start_byte if body else None, body=body is not None,
                  type_name=main_type(b.text(child.child_by_field_name("return_type"))))
        elif kind in _TS_CLASSES or kind == "interface_declaration":
            body = child.child_by_field_name("body")
            name = name_of(b, child)
            index = b.add(name, Kind.INTERFACE if kind == "interface_declaration" else Kind.CLASS, child,
                          parent=parent, container=container, head_end=body.start_byte if body else None, closer=True)
            if body is not None:
                _ts_members(b, body, index, name)
        elif kind == "enum_declaration":
            body = child.child_by_field_name("body")
            name = name_of(b, child)
            index = b.add(name, Kind.ENUM, child, parent=parent, container=container,
                          head_end=body.start_byte if body else None, closer=True)
            for variant in body.named_children if body is not None else ():
                target = variant.child_by_field_name("name") if variant.type == "enum_assignment" else variant
                b.add(b.text(target), Kind.VARIANT, variant, parent=index, container=name)
        elif kind == "type_alias_declaration":
            b.add(name_of(b, child), Kind.TYPE, child, parent=parent, container=container)
        elif kind in ("lexical_declaration", "variable_declaration"):
            _ts_variables(b, child, parent, container)
        elif kind in ("internal_module", "module"):
            body = child.child_by_field_name("body")
            name = name_of(b, child).strip("\"'")
            index = b.add(name, Kind.MODULE, child, parent=parent, container=container,
                          head_end=body.start_byte if body else None, closer=True)
            if body is not None:
                _ts(b, body, index, name)
        elif kind == "expression_statement" and child.named_children and child.named_children[0].type == "internal_module":
            _ts(b, child, parent, container)


def _ts_members(b: Outline, body: Node, parent: int, container: str) -> None:
    for member in body.named_children:
        kind = _TS_MEMBERS.get(member.type)
        if kind is None:
            continue
        name = b.text(member.child_by_field_name("name") or member.child_by_field_name("property"))
        inner = member.child_by_field_name("body")
        hint = member.child_by_field_name("return_type") or member.child_by_field_name("type")
        b.add(name, kind, member, parent=parent, container=container,
              head_end=inner.start_byte if inner else first_line_end(b, member), body=inner is not None,
              type_name=main_type(b.text(hint)) or callee_type(b, member, "value"))


def _ts_variables(b: Outline, node: Node, parent: int, container: str) -> None:
    for declarator in node.named_children:
        name = declarator.child_by_field_name("name") if declarator.type == "variable_declarator" else None
        if name is None or name.type != "identifier":
            continue
        value = declarator.child_by_field_name("value")
        function = value is not None and value.type in ("arrow_function", "function_expression", "function")
        inner = value.child_by_field_name("body") if function and value is not None else None
        hint = b.text(declarator.child_by_field_name("type")) or callee_type(b, declarator, "value")
        if inner is not None and inner.type == "statement_block":
            b.add(b.text(name), Kind.FUNCTION, declarator, parent=parent, container=container, start=node,
                  head_end=inner.start_byte, body=True,
                  type_name=main_type(b.text(value.child_by_field_name("return_type"))))  # type: ignore[union-attr]
        else:
            b.add(b.text(name), Kind.FUNCTION if function else Kind.CONSTANT, declarator, parent=parent,
                  container=container, start=node, head_end=first_line_end(b, declarator), type_name=main_type(hint))


# ---- Rust --------------------------------------------------------------------------------------

_RS_SIMPLE = {"type_item": Kind.TYPE, "const_item": Kind.CONSTANT, "static_item": Kind.CONSTANT,
              "macro_definition": Kind.MACRO}


def _rust(b: Outline, node: Node, parent: int, container: str) -> None:
    for child in node.named_children:
        kind = child.type
        body = child.child_by_field_name("body")
        if kind in ("function_item", "function_signature_item"):
            b.add(name_of(b, child), Kind.METHOD if container else Kind.FUNCTION, child, parent=parent,
                  container=container, head_end=body.start_byte if body else None, body=body is not None,
                  type_name=_self_to(main_type(b.text(child.child_by_field_name("return_type"))), container))
        elif kind == "mod_item" and body is None:
            continue  # `mod pricing;` names a file, which the index has (`imports.py` records the link)
        elif kind in ("struct_item", "union_item", "enum_item", "trait_item", "mod_item", "impl_item"):
            if kind == "impl_item":
                name = main_type(b.text(child.child_by_field_name("type")))
            else:
                name = name_of(b, child)
            shown = kind in ("impl_item", "trait_item", "mod_item") or body is not None and body.type != "ordered_field_declaration_list"
            index = b.add(name, _RS_KINDS[kind], child, parent=parent, container=container,
                          head_end=body.start_byte if body is not None and shown else None,
                          closer=shown and body is not None)
            if body is None or not shown:
                continue
            if kind == "enum_item":
                for variant in body.named_children:
                    if variant.type == "enum_variant":
                        b.add(name_of(b, variant), Kind.VARIANT, variant, parent=index, container=name)
            elif kind in ("struct_item", "union_item"):
                for field in body.named_children:
                    if field.type == "field_declaration":
                        b.add(name_of(b, field), Kind.FIELD, field, parent=index, container=name,
                              type_name=main_type(b.text(field.child_by_field_name("type"))))
            else:
                _rust(b, body, index, name)
        elif kind in _RS_SIMPLE:
            b.add(name_of(b, child), _RS_SIMPLE[kind], child, parent=parent, container=container,
                  head_end=first_line_end(b, child), type_name=main_type(b.text(child.child_by_field_name("type"))))
        elif kind == "foreign_mod_item" and body is not None:
            _rust(b, body, parent, container)


_RS_KINDS = {"struct_item": Kind.STRUCT, "union_item": Kind.STRUCT, "enum_item": Kind.ENUM, "trait_item": Kind.TRAIT,
             "mod_item": Kind.MODULE, "impl_item": Kind.IMPL}


def _self_to(name: str, container: str) -> str:
    return container if name == "Self" else name


# ---- Go ----------------------------------------------------------------------------------------


def _go(b: Outline, node: Node, parent: int, container: str) -> None:
    for child in node.named_children:
        kind = child.type
        if kind == "function_declaration":
            body = child.child_by_field_name("body")
            b.add(name_of(b, child), Kind.FUNCTION, child, parent=-1, container="",
                  head_end=body.start_byte if body else None, body=body is not None,
                  type_name=main_type(b.text(child.child_by_field_name("result"))))
        elif kind == "method_declaration":
            body = child.child_by_field_name("body")
            receiver = child.child_by_field_name("receiver")
            owner = main_type(b.text(receiver.named_children[0].child_by_field_name("type"))) if receiver and receiver.named_children else ""
            b.add(name_of(b, child), Kind.METHOD, child, parent=-1, container=owner,
                  head_end=body.start_byte if body else None, body=body is not None,
                  type_name=main_type(b.text(child.child_by_field_name("result"))))
        elif kind == "type_declaration":
            for spec in child.named_children:
                if spec.type in ("type_spec", "type_alias"):
                    _go_type(b, spec, child if len(child.named_children) == 1 else spec)
        elif kind in ("const_declaration", "var_declaration"):
            specs = [s for c in child.named_children for s in ([c] if c.type.endswith("_spec") else c.named_children)]
            for spec in specs:
                for name in spec.children_by_field_name("name"):
                    b.add(b.text(name), Kind.CONSTANT, spec, parent=-1, container="",
                          start=child if len(specs) == 1 else spec, head_end=first_line_end(b, spec),
                          type_name=main_type(b.text(spec.child_by_field_name("type"))) or callee_type(b, spec, "value"))


def _go_type(b: Outline, spec: Node, start: Node) -> None:
    name = name_of(b, spec)
    shape = spec.child_by_field_name("type")
    if shape is None or shape.type not in ("struct_type", "interface_type"):
        b.add(name, Kind.TYPE, spec, parent=-1, container="", start=start, head_end=first_line_end(b, spec))
        return
    members = shape.named_children[0] if shape.type == "struct_type" and shape.named_children else shape
    opening = brace(members)
    index = b.add(name, Kind.STRUCT if shape.type == "struct_type" else Kind.INTERFACE, spec, parent=-1,
                  container="", start=start, head_end=opening, closer=True)
    for member in members.named_children:
        if member.type == "field_declaration":
            hint = main_type(b.text(member.child_by_field_name("type")))
            names = member.children_by_field_name("name") or [member.child_by_field_name("type")]
            for field in names:
                b.add(main_type(b.text(field)) if field.type != "field_identifier" else b.text(field), Kind.FIELD,
                      member, parent=index, container=name, type_name=hint)
        elif member.type in ("method_elem", "method_spec"):
            b.add(name_of(b, member), Kind.METHOD, member, parent=index, container=name,
                  type_name=main_type(b.text(member.child_by_field_name("result"))))


# ---- Zig ---------------------------------------------------------------------------------------

_ZIG_CONTAINERS = {"struct_declaration": Kind.STRUCT, "union_declaration": Kind.STRUCT,
                   "opaque_declaration": Kind.STRUCT, "enum_declaration": Kind.ENUM}


def _zig(b: Outline, node: Node, parent: int, container: str) -> None:
    for child in node.named_children:
        kind = child.type
        if kind == "function_declaration":
            body = child.child_by_field_name("body")
            b.add(name_of(b, child), Kind.METHOD if container else Kind.FUNCTION, child, parent=parent,
                  container=container, head_end=body.start_byte if body else None, body=body is not None,
                  type_name=main_type(b.text(child.child_by_field_name("type"))))
        elif kind == "container_field":
            in_enum = parent >= 0 and b.defs[parent].kind == Kind.ENUM
            b.add(name_of(b, child), Kind.VARIANT if in_enum else Kind.FIELD, child, parent=parent, container=container,
                  type_name=main_type(b.text(child.child_by_field_name("type"))), head_end=first_line_end(b, child))
        elif kind == "variable_declaration":
            _zig_variable(b, child, parent, container)


def _zig_variable(b: Outline, node: Node, parent: int, container: str) -> None:
    name = next((b.text(c) for c in node.named_children if c.type == "identifier"), "")
    value = next((c for c in node.named_children if c.type in _ZIG_CONTAINERS or c.type in (
        "builtin_function", "field_expression", "error_set_declaration")), None)
    if not name or value is not None and b.text(value).startswith("@import"):
        return  # an import (`imports.py`), not a definition
    if value is not None and value.type in _ZIG_CONTAINERS:
        index = b.add(name, _ZIG_CONTAINERS[value.type], node, parent=parent, container=container,
                      head_end=brace(value), closer=True)
        _zig(b, value, index, name)
        return
    hint = b.text(node.child_by_field_name("type")) or callee_type(b, node, "value")
    b.add(name, Kind.TYPE if name[:1].isupper() and "type" in b.text(node.child_by_field_name("type")) else Kind.CONSTANT,
          node, parent=parent, container=container, head_end=first_line_end(b, node), type_name=main_type(hint))


WALKERS: dict[str, Callable[[Outline, Node, int, str], None]] = {
    "python": _python,
    "typescript": _ts,
    "typescriptreact": _ts,
    "javascript": _ts,
    "rust": _rust,
    "go": _go,
    "zig": _zig,
}


def extract_definitions(language_id: str, root: Node, source: bytes) -> tuple[Definition, ...]:
    """The definitions of a file whose tree has `root`, in source order (parents before members; a
    nameless one, such as an impl of a type maze cannot name, is kept so that indices stay valid)."""
    builder = Outline(source)
    WALKERS[language_id](builder, root, -1, "")
    return tuple(builder.defs)
