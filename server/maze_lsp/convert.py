"""Translation between lsprotocol types and `maze_inference` values (no server state here)."""

from __future__ import annotations

from lsprotocol import types
from maze_inference.document import Change, Document, Position, Range
from maze_inference.errors import ContextError
from pygls.exceptions import JsonRpcInvalidParams


def position(p: types.Position) -> Position:
    return Position(p.line, p.character)


def lsp_position(p: Position) -> types.Position:
    return types.Position(line=p.line, character=p.character)


def change(c: types.TextDocumentContentChangeEvent) -> Change:
    rng = getattr(c, "range", None)
    if rng is None:
        return Change(c.text)
    return Change(c.text, Range(position(rng.start), position(rng.end)))


def offset(document: Document, p: types.Position) -> int:
    """Code-point offset of a request position; a bad position is the client's error, not ours."""
    try:
        return document.offset_at(position(p))
    except ContextError as exc:
        raise JsonRpcInvalidParams(str(exc)) from exc


def insert_range(document: Document, start: int, end: int) -> types.Range:
    return types.Range(start=lsp_position(document.position_at(start)), end=lsp_position(document.position_at(end)))
