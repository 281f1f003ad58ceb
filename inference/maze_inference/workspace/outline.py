"""Reading headers off tree-sitter nodes: the source of a definition's header with its indentation, the
type an annotation or a constructor names, and the line that closes a container. Shared by the
per-language walkers in `definitions.py`.
"""

from __future__ import annotations

import re

import tree_sitter

from maze_inference.workspace.symbols import Definition, Kind

Node = tree_sitter.Node

MAX_HEAD_CHARS = 320  # a header longer than this (a huge signature) is cut at a line end
MAX_HEAD_LINES = 6
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_MODIFIERS = re.compile(rb"[\s\w@]*")
# Names that wrap the type a reader cares about (`Option<Cart>`, `Promise<Cart>`, `[]*Cart`): skipped
# when picking a field's or a function's main type.
_WRAPPERS = frozenset({
    "const", "mut", "dyn", "impl", "Option", "Result", "Box", "Rc", "Arc", "Vec", "RefCell", "Cell", "Mutex",
    "Optional", "List", "list", "Promise", "Array", "ReadonlyArray", "Readonly", "Partial", "Awaitable",
    "Iterator", "Iterable", "Sequence", "typing", "error", "map", "chan", "func", "struct", "self",
})


class Outline:
    """Collects definitions of one file; `add` returns the index members refer to as `parent`."""

    def __init__(self, source: bytes) -> None:
        self.source = source
        self.defs: list[Definition] = []

    def text(self, node: Node | None) -> str:
        return "" if node is None else self.source[node.start_byte : node.end_byte].decode("utf-8", "replace")

    def line_start(self, byte: int) -> int:
        return self.source.rfind(b"\n", 0, byte) + 1

    def add(self, name: str, kind: Kind, node: Node, *, parent: int, container: str, head_end: int | None = None,
            body: bool = False, type_name: str = "", start: Node | None = None, closer: bool = False) -> int:
        """A definition whose header runs from the line of `start` (default `node`) to `head_end`
        (default: the node's end, for definitions without a body)."""
        first = (start or node).start_byte
        end = node.end_byte if head_end is None else head_end
        line = self.line_start(first)
        lead = self.source[line:first]
        if _MODIFIERS.fullmatch(lead):  # indentation, `export `, `pub `: part of the header
            head = self.source[line:end].decode("utf-8", "replace")
        else:  # another item on the same line (`interface I { a: string; b(): void }`): this one alone
            indent = lead[: len(lead) - len(lead.lstrip())].decode("utf-8", "replace")
            head = indent + "    " + self.source[first:end].decode("utf-8", "replace")
        head = _cap(head.rstrip())
        closing = self._closer(node, head) if closer else ""
        self.defs.append(Definition(name, kind.value, (start or node).start_point[0], head, body, parent, container,
                                    type_name, closing))
        return len(self.defs) - 1

    def _closer(self, node: Node, head: str) -> str:
        last = self.source[self.line_start(node.end_byte - 1) : node.end_byte].decode("utf-8", "replace")
        if last.strip().startswith("}") and len(last.strip()) <= 3:
            return last.rstrip()
        return head[: len(head) - len(head.lstrip())] + "}"


def _cap(head: str) -> str:
    if len(head) <= MAX_HEAD_CHARS and head.count("\n") < MAX_HEAD_LINES:
        return head
    lines = head[:MAX_HEAD_CHARS].split("\n")[:MAX_HEAD_LINES]
    return "\n".join(lines[:-1] if len(lines) > 1 else lines)


def main_type(text: str) -> str:
    """The type a reader of `text` (a type annotation or return type) would complete members of."""
    for name in _IDENT.findall(text):
        if name[:1].isupper() and name not in _WRAPPERS:
            return name
    return ""


def brace(node: Node) -> int:
    """Byte where a container's `{` is, for nodes without a body field (Go interfaces, Zig structs)."""
    for child in node.children:
        if child.type == "{":
            return child.start_byte
    return node.end_byte


def name_of(b: Outline, node: Node, field: str = "name") -> str:
    return b.text(node.child_by_field_name(field))


def callee_type(b: Outline, node: Node, field: str) -> str:
    """`Cart` of `Cart(...)`, `new Cart(...)`, `Cart::new(...)`, `&Cart{...}`: the type a value was made from."""
    value = node.child_by_field_name(field)
    while value is not None and value.type in ("call_expression", "call", "new_expression", "unary_expression",
                                                "composite_literal", "struct_expression", "await_expression",
                                                "expression_list", "try_expression"):
        inner = (value.child_by_field_name("function") or value.child_by_field_name("constructor")
                 or value.child_by_field_name("type") or value.child_by_field_name("name")
                 or value.child_by_field_name("operand") or (value.named_children[0] if value.named_children else None))
        if inner is None or inner == value:
            break
        value = inner
    text = b.text(value) if value is not None else ""
    parts = re.split(r"::|\.", text)
    capital = [p for p in parts if p[:1].isupper()]
    return capital[-1] if capital else ""


def first_line_end(b: Outline, node: Node) -> int:
    end = b.source.find(b"\n", node.start_byte, node.end_byte)
    return node.end_byte if end < 0 else end
