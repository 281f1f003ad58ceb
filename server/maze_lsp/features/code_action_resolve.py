"""codeAction/resolve: run the chosen generation and return its edit (or say why there is none)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
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
from maze_inference.engines.lifecycle import EngineState
from maze_inference.errors import MazeError
from pygls.exceptions import JsonRpcInvalidParams

from maze_lsp import convert
from maze_lsp.engine_manager import ServingState
from maze_lsp.progress import WorkDone

if TYPE_CHECKING:
    from maze_inference.engines.base import Engine
    from maze_inference.languages import Language

    from maze_lsp.language_server import MazeLanguageServer

METHOD = types.CODE_ACTION_RESOLVE
OPTIONS = None

# What to try when the model's code did not make it (it never does when it breaks the parse).
_ADVICE = {
    "implement": "Try: say what it should do in a docstring or a comment above it, give its parameters and "
                 "result types, or use a larger model (setting `engine`: `transformers` or `remote`).",
    "describe": "Try: a more precise comment (the inputs, the result, the steps), or a larger model "
                "(setting `engine`: `transformers` or `remote`).",
}


async def handle(ls: MazeLanguageServer, params: types.CodeAction) -> types.CodeAction:
    edit = await generate_edit(ls, params.data)
    if edit is not None:
        params.edit = edit
    return params


async def generate_edit(ls: MazeLanguageServer, data: Any) -> types.WorkspaceEdit | None:
    """Generate for an action's `data`; None (with one message to the user) when it cannot be done.

    It takes seconds, so it runs under a work-done progress, and a failure tells the user what to
    try next rather than only what went wrong.
    """
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
    if data["kind"] == "implement":
        placeholder = find_placeholder(language, text, source, tree, document.byte_offset(offset))
        if placeholder is None:
            return None
        what = f"implement `{placeholder.function_name}`"
        generate = lambda engine: implement_function(engine, language, text, placeholder)
    else:
        block = comment_block(text, offset)
        if block is None:
            return None
        what = "generate code from this comment"
        generate = lambda engine: _describe(engine, language, text, block[1], block[2])
    edit = await _run_with_progress(ls, what, data["kind"], generate)
    return None if edit is None else _workspace_edit(Document(language, text, version), data["uri"], edit)


async def _run_with_progress(ls: MazeLanguageServer, what: str, kind: str,
                             generate: Callable[[Engine], Awaitable[Edit]]) -> Edit | None:
    engines = ls.state.engines
    loading = engines.primary is None or engines.primary.state is not EngineState.READY
    work = await WorkDone.begin(ls, f"maze: {what}", "waiting for the model to load" if loading else "generating")
    try:
        if loading:
            await engines.wait_ready(None)
            work.report("generating")
        edit = await engines.run(generate)
    except MazeError as exc:
        work.end("nothing changed")
        ls.notify_user("warning", f"maze could not {what}: {exc}. Nothing was changed. {_ADVICE[kind]}")
        return None
    except BaseException:
        work.end("cancelled")
        raise
    if edit is None:
        work.end("no engine")
        why = engines.status(ServingState.UNAVAILABLE).message or "no model is loaded"
        ls.notify_user("warning", f"maze could not {what}: no engine could run ({why}). "
                                  "See the maze log (VS Code: `maze: Show log`; Neovim: `:MazeLog`).")
        return None
    work.end("done")
    return edit


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
