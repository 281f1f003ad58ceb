"""codeAction/resolve: run the chosen generation and return its edit (or say why there is none)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lsprotocol import types
from maze_inference.codegen import (
    Edit,
    code_from_description,
    comment_block,
    find_placeholder,
    implement_function,
)
from maze_inference.document import Document
from maze_inference.errors import MazeError
from pygls.exceptions import JsonRpcInvalidParams

from maze_lsp import convert

if TYPE_CHECKING:
    from maze_inference.engines.base import Engine
    from maze_inference.languages import Language

    from maze_lsp.language_server import MazeLanguageServer

METHOD = types.CODE_ACTION_RESOLVE
OPTIONS = None


async def handle(ls: MazeLanguageServer, params: types.CodeAction) -> types.CodeAction:
    edit = await generate_edit(ls, params.data)
    if edit is not None:
        params.edit = edit
    return params


async def generate_edit(ls: MazeLanguageServer, data: Any) -> types.WorkspaceEdit | None:
    """Generate for an action's `data`; None (with one message to the user) when it cannot be done."""
    if not isinstance(data, dict) or not {"uri", "kind", "offset", "version"} <= data.keys():
        raise JsonRpcInvalidParams("code action data is missing or not maze's")
    entry = ls.state.get(data["uri"])
    document = entry.document
    text, source, tree, version = document.snapshot()
    if version != data["version"]:
        ls.notify_user("warning", "maze: the document changed since the action was offered; ask again")
        return None
    offset = int(data["offset"])
    language = document.language
    end_progress = await ls.begin_progress("maze: generating code")
    try:
        if data["kind"] == "implement":
            placeholder = find_placeholder(language, text, source, tree, document.byte_offset(offset))
            if placeholder is None:
                return None
            edit = await ls.state.engines.run(lambda engine: implement_function(engine, language, text, placeholder))
        else:
            block = comment_block(text, offset)
            if block is None:
                return None
            edit = await ls.state.engines.run(
                lambda engine: _describe(engine, language, text, block[1], block[2]))
    except MazeError as exc:
        ls.notify_user("warning", f"maze: {exc}")
        return None
    finally:
        end_progress()
    if edit is None:
        ls.notify_user("warning", "maze: no engine could generate code")
        return None
    return _workspace_edit(Document(language, text, version), data["uri"], edit)


async def _describe(engine: Engine, language: Language, text: str, insert_at: int, description: str) -> Edit:
    _ir, edit = await code_from_description(engine, language, text, insert_at, description)
    return edit


def _workspace_edit(snapshot: Document, uri: str, edit: Edit) -> types.WorkspaceEdit:
    """One text edit in the snapshot's UTF-16 positions and line endings, tied to its version.

    The version makes the client refuse the edit if the user typed meanwhile, instead of applying it
    at a position that no longer means the same place.
    """
    new_text = edit.text.replace("\n", "\r\n") if "\r\n" in snapshot.text[:10_000] else edit.text
    document, version = snapshot, snapshot.version
    text_edit = types.TextEdit(range=convert.insert_range(document, edit.start, edit.end), new_text=new_text)
    return types.WorkspaceEdit(
        document_changes=[
            types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version),
                edits=[text_edit],
            )
        ]
    )
