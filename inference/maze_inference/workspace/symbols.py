"""What the index keeps of one file: its definitions and imports, as small frozen values.

The values are pickled from the indexing process to the server and kept for every file of the
workspace, so they hold only what retrieval shows or resolves with: a definition's header as
written (`head`, with its indentation), never its body.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Kind(str, Enum):
    FUNCTION = "function"
    METHOD = "method"
    CLASS = "class"
    STRUCT = "struct"
    INTERFACE = "interface"
    TRAIT = "trait"
    ENUM = "enum"
    TYPE = "type"
    IMPL = "impl"
    MODULE = "module"
    FIELD = "field"
    VARIANT = "variant"
    CONSTANT = "constant"
    MACRO = "macro"


TYPE_KINDS = frozenset({Kind.CLASS, Kind.STRUCT, Kind.INTERFACE, Kind.TRAIT, Kind.ENUM, Kind.TYPE})
MEMBER_KINDS = frozenset({Kind.METHOD, Kind.FIELD, Kind.VARIANT, Kind.FUNCTION, Kind.CONSTANT})


@dataclass(frozen=True, slots=True)
class Definition:
    """One named thing another file can refer to.

    `head` is the source of the header (`def total(self) -> float:`, `pub fn total(&self) -> f64`,
    `type Cart struct`) from the start of its line, without the body or the opening brace; `body`
    says a body was left out (rendered as `...`). `parent` indexes the enclosing definition in the
    file's tuple (-1: top level), `container` names the type a member belongs to (a Go method's
    receiver, a Rust impl's type), and `type_name` the main type a field holds or a function returns
    (`Cart` of `-> Result<Cart, E>`), which resolves `x.field.‸` and `x := NewCart(); x.‸`.
    """

    name: str
    kind: Kind
    line: int
    head: str
    body: bool = False
    parent: int = -1
    container: str = ""
    type_name: str = ""
    closer: str = ""  # the line that closes a container (`}`, `};`), shown after its members


@dataclass(frozen=True, slots=True)
class Import:
    """A name bound by an import: `local` in this file stands for `name` of `module` (`name` empty: the
    module itself). `module` is the specifier as written: `.models`, `./pricing`, `crate::pricing`,
    `example.com/shop/pricing`, `cart.zig`."""

    local: str
    module: str
    name: str = ""


@dataclass(frozen=True, slots=True)
class FileSymbols:
    path: str  # absolute, POSIX separators
    language: str  # `Language.id`
    definitions: tuple[Definition, ...]
    imports: tuple[Import, ...]
    size: int = 0  # bytes of the text indexed (for the total-bytes limit)
