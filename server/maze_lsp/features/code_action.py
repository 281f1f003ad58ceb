"""textDocument/codeAction: offer "implement function" and "generate from comment" instantly.

Listing costs a tree lookup, no generation: the work happens in `codeAction/resolve` when the user
picks an action (or in the `maze.generate` command for clients that cannot resolve).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types
from maze_inference.codegen import comment_block, find_placeholder

from maze_lsp import convert

if TYPE_CHECKING:
    from maze_lsp.language_server import MazeLanguageServer

METHOD = types.TEXT_DOCUMENT_CODE_ACTION
KIND = types.CodeActionKind.RefactorRewrite + ".maze"
OPTIONS = types.CodeActionOptions(code_action_kinds=[KIND], resolve_provider=True)
COMMAND = "maze.generate"


async def handle(ls: MazeLanguageServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    if params.context.only and not any(KIND.startswith(kind) for kind in params.context.only):
        return []
    entry = ls.state.get(params.text_document.uri)
    document = entry.document
    text, source, tree, version = document.snapshot()
    offset = convert.offset(document, params.range.start)
    byte_offset = document.byte_offset(offset)
    actions = []
    placeholder = find_placeholder(document.language, text, source, tree, byte_offset)
    if placeholder is not None:
        actions.append(_action(ls, f"maze: implement {placeholder.function_name}", params.text_document.uri,
                               {"kind": "implement", "offset": offset, "version": version}))
    block = comment_block(text, offset)
    if block is not None and block[2]:
        actions.append(_action(ls, "maze: generate code from this comment", params.text_document.uri,
                               {"kind": "describe", "offset": offset, "version": version}))
    return actions


def _action(ls: MazeLanguageServer, title: str, uri: str, data: dict) -> types.CodeAction:
    payload = {"uri": uri, **data}
    if _client_resolves_edits(ls):
        return types.CodeAction(title=title, kind=KIND, data=payload)
    return types.CodeAction(title=title, kind=KIND, command=types.Command(title=title, command=COMMAND, arguments=[payload]))


def _client_resolves_edits(ls: MazeLanguageServer) -> bool:
    caps = ls.client_capabilities
    support = caps.text_document.code_action if caps and caps.text_document else None
    resolve = support.resolve_support if support else None
    return bool(resolve and "edit" in resolve.properties)
