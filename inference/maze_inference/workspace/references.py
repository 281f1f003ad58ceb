"""What the code at the cursor refers to, read from the text alone (no parse): the receiver of
`x.‸`/`x::‸`, the type a local variable was given, the class `self`/`this` is, and the names nearby.

Text patterns, not a parse: the document at the cursor is usually incomplete (`pricing.` does not
parse), and these run on every completion, in microseconds. What they find is only a hint that the
index then confirms; a wrong guess costs a less useful context, never a wrong completion.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_IDENT = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
_CHAIN = re.compile(r"((?:[A-Za-z_$][\w$]*(?:\([^()\n]*\))?\s*(?:\?\.|\.|::)\s*)+)([A-Za-z_$][\w$]*)?$")
_SEPARATOR = re.compile(r"\s*(?:\?\.|\.|::)\s*")

_PY = "python"
_TS = ("typescript", "typescriptreact", "javascript")

# How a variable gets its type, per language; `{v}` is the variable. The last match before the cursor wins.
_BINDINGS: dict[str, tuple[str, ...]] = {
    "python": (r"\b{v}\s*:\s*([\w.]+)", r"\b{v}\s*=\s*(?:await\s+)?([\w.]+)\s*\(", r"([\w.]+)\s*\([^()\n]*\)\s+as\s+{v}\b"),
    "typescript": (r"\b{v}\s*\??\s*:\s*([\w.]+)", r"\b{v}\s*=\s*(?:await\s+)?(?:new\s+)?([\w.]+)\s*[(<]"),
    "rust": (r"\b{v}\s*:\s*&?\s*(?:mut\s+)?([\w:]+)",
             r"\blet\s+(?:mut\s+)?{v}\s*(?::[^=\n]*)?=\s*&?\s*(?:mut\s+)?([\w:]+)\s*(?:\(|\{{|::<)"),
    "go": (r"\b{v}\s*(?:,\s*\w+\s*)?:=\s*&?([\w.]+)\s*[({{]", r"\bvar\s+{v}\s+\*?([\w.]+)", r"[(,]\s*{v}\s+\*?([\w.]+)"),
    "zig": (r"\b{v}\s*:\s*\*?\s*(?:const\s+)?([\w.]+)", r"\b(?:var|const)\s+{v}\s*=\s*(?:try\s+)?&?([\w.]+)\s*[({{]"),
}
_BINDINGS["typescriptreact"] = _BINDINGS["javascript"] = _BINDINGS["typescript"]

_ENCLOSING: dict[str, str] = {
    "python": r"^[ \t]*class\s+(\w+)",
    "typescript": r"\bclass\s+(\w+)",
    "rust": r"^[ \t]*impl(?:<[^>\n]*>)?\s+(?:[\w:<>, ]+\s+for\s+)?(\w+)",
    "zig": r"\b(?:const|var)\s+(\w+)\s*=\s*(?:extern\s+|packed\s+)?(?:struct|union|enum)\b",
}
_ENCLOSING["typescriptreact"] = _ENCLOSING["javascript"] = _ENCLOSING["typescript"]
_SELF = frozenset({"self", "this", "Self"})


@dataclass(frozen=True)
class Receiver:
    """`a.b().c.‸par`: segments ("a", "b()", "c"), and what is typed of the member ("par")."""

    segments: tuple[str, ...]
    partial: str
    path: bool = False  # joined by `::`


def receiver(line_prefix: str) -> Receiver | None:
    match = _CHAIN.search(line_prefix[-200:])
    if match is None:
        return None
    segments = tuple(s for s in _SEPARATOR.split(match.group(1)) if s)
    if not segments or segments[0][:1].isdigit():
        return None
    first = _SEPARATOR.search(match.group(1))
    return Receiver(segments, match.group(2) or "", first is not None and first.group(0).strip() == "::")


def bound_type(language: str, text: str, variable: str) -> str:
    """The expression a variable was last given its type from before the end of `text`: an annotation
    (`Cart`), a constructor or call (`Cart`, `pricing.make_cart`, `Cart::new`), or "" when none shows."""
    best, where = "", -1
    name = re.escape(variable)
    for pattern in _BINDINGS.get(language, ()):
        for match in re.finditer(pattern.format(v=name), text):
            if match.start() > where:
                best, where = match.group(1), match.start()
    return best


def enclosing_type(language: str, text: str) -> str:
    """The class, impl or struct `self`/`this` is in: the last one opened before the cursor."""
    pattern = _ENCLOSING.get(language)
    if pattern is None:
        return ""
    found = re.findall(pattern, text, flags=re.MULTILINE)
    return found[-1] if found else ""


def is_self(name: str) -> bool:
    return name in _SELF


def split_expression(expression: str) -> tuple[str, ...]:
    return tuple(s for s in _SEPARATOR.split(expression) if s)


def nearby_names(before: str, after: str, *, lines_before: int = 40, lines_after: int = 6) -> dict[str, float]:
    """Identifiers around the cursor, weighted by nearness: 1.0 on the cursor's line, less further up;
    the few lines after the cursor count a little (the code being written is usually followed by its use),
    and the rest of `before` and `after` a little too (what the file uses is what it may use here)."""
    weights = dict.fromkeys(_IDENT.findall(before), 0.1)
    weights.update(dict.fromkeys(_IDENT.findall(after), 0.1))
    above = before.split("\n")[-lines_before:]
    for distance, line in enumerate(reversed(above)):
        weight = 1.0 / (1.0 + distance / 4)
        for name in _IDENT.findall(line):
            if weights.get(name, 0.0) < weight:
                weights[name] = weight
    for distance, line in enumerate(after.split("\n")[:lines_after]):
        weight = 0.3 / (1.0 + distance)
        for name in _IDENT.findall(line):
            if weights.get(name, 0.0) < weight:
                weights[name] = weight
    return weights


def identifiers(text: str) -> set[str]:
    return set(_IDENT.findall(text))
