"""A file's chosen definitions as code: headers in source order, members inside their container,
bodies elided the way each language writes an elision.

The model reads this as another file of the repository, so it should look like one: a Python class
with `...` bodies, a Rust `impl` with `{ ... }` bodies and its closing brace, fields with their commas.
"""

from __future__ import annotations

from collections.abc import Iterable

from maze_inference.workspace.symbols import TYPE_KINDS, Definition, FileSymbols, Kind

_COMMA_KINDS = {"rust": (Kind.FIELD, Kind.VARIANT), "zig": (Kind.FIELD, Kind.VARIANT),
                "typescript": (Kind.VARIANT,), "typescriptreact": (Kind.VARIANT,), "javascript": (Kind.VARIANT,)}


def _indent(head: str) -> str:
    last = head.rsplit("\n", 1)[-1]
    return last[: len(last) - len(last.lstrip())]


def render_file(symbols: FileSymbols, indices: Iterable[int]) -> str:
    """The definitions at `indices` (their parents included by the caller) as one excerpt."""
    defs = symbols.definitions
    wanted = set(indices)
    children: dict[int, list[int]] = {}
    roots: list[int] = []
    for i in sorted(wanted):
        parent = defs[i].parent
        if parent in wanted:
            children.setdefault(parent, []).append(i)
        else:
            roots.append(i)
        children.setdefault(i, [])
    python = symbols.language == "python"
    commas = _COMMA_KINDS.get(symbols.language, ())
    out: list[str] = []
    seen: set[tuple[int, str]] = set()

    def emit(i: int) -> None:
        d: Definition = defs[i]
        if (d.line, d.head) in seen:  # `n, m int`: one line declares two fields
            return
        seen.add((d.line, d.head))
        kids = children[i]
        head = d.head + "," if d.kind in commas and not d.head.endswith(",") and "\n" not in d.head else d.head
        if python:
            out.append(head)
            if not kids and (d.body or d.kind in TYPE_KINDS):
                out.append(_indent(head) + "    ...")
            for k in kids:
                emit(k)
        elif kids:
            out.append(head + " {")
            for k in kids:
                emit(k)
            out.append(d.closer or _indent(head) + "}")
        elif d.body or d.closer:
            out.append(head + " { ... }" + (";" if d.closer.endswith(";") else ""))
        else:
            out.append(head)

    for i in roots:
        emit(i)
    return "\n".join(out)
