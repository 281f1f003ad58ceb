"""workspace/executeCommand `maze.repositoryContext`: what the model would be shown from other files at
a position, and how much of the workspace is indexed. For users asking "why did it complete that",
and for tests, which cannot read the prompt otherwise."""

from __future__ import annotations

from typing import Any

from lsprotocol import types

from maze_lsp import convert
from maze_lsp.language_server import MazeLanguageServer  # at run time: pygls reads the handler's hints

COMMAND = "maze.repositoryContext"


async def handle(ls: MazeLanguageServer, uri: str, position: types.Position) -> dict[str, Any]:
    """Arguments: the document's URI and a position `{"line", "character"}` (pygls checks both)."""
    document = ls.state.get(uri).document
    offset = convert.offset(document, position)
    text, source, tree, _version = document.snapshot()
    workspace = ls.state.workspace
    context = workspace.context_for(uri, document.language.id, text, source, tree, offset, ls.state.documents) \
        if ls.state.options.repository_context else None
    return {
        "enabled": ls.state.options.repository_context,
        "indexed_files": len(workspace.index) if workspace.index is not None else 0,
        "building": workspace.building,
        "context": None if context is None else {
            "name": context.name, "path": context.path,
            "files": [{"path": f.path, "text": f.text} for f in context.files]},
    }
