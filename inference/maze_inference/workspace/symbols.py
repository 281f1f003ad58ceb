"""What the index keeps of one file: its definitions and imports, as small immutable values.

The values are pickled from the indexing process to the server and kept for every file of the
workspace, so they hold only what retrieval shows or resolves with: a definition's header as
written (`head`, with its indentation), never its body. Named tuples: smaller than objects, quick
to pickle; a kind is stored as its plain string.
"""

from __future__ import annotations

from enum import Enum
from typing import NamedTuple


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


class Definition(NamedTuple):
    """One named thing another file can refer to.

    `head` is the source of the header (`def total(self) -> float:`, `pub fn total(&self) -> f64`,
    `type Cart struct`) from the start of its line, without the body or the opening brace; `body`
    says a body was left out (rendered as `...`). `parent` indexes the enclosing definition in the
    file's tuple (-1: top level), `container` names the type a member belongs to (a Go method's
    receiver, a Rust impl's type), and `type_name` the main type a field holds or a function returns
    (`Cart` of `-> Result<Cart, E>`), which resolves `x.field.‸` and `x := NewCart(); x.‸`.
    """

    name: str
    kind: str  # a `Kind` value (compares equal to the member)
    line: int
    head: str
    body: bool = False
    parent: int = -1
    container: str = ""
    type_name: str = ""
    closer: str = ""  # the line that closes a container (`}`, `};`), shown after its members


class Import(NamedTuple):
    """A name bound by an import: `local` in this file stands for `name` of `module` (`name` empty: the
    module itself). `module` is the specifier as written: `.models`, `./pricing`, `crate::pricing`,
    `example.com/shop/pricing`, `cart.zig`."""

    local: str
    module: str
    name: str = ""


class FileSymbols(NamedTuple):
    path: str  # absolute, POSIX separators
    language: str  # `Language.id`
    definitions: tuple[Definition, ...]
    imports: tuple[Import, ...]
    size: int = 0  # bytes of the text indexed (for the total-bytes limit)
