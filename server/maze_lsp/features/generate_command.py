"""workspace/executeCommand `maze.generate`: the code actions' path for clients that cannot resolve an edit."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lsprotocol import types

from maze_lsp.features import code_action, code_action_resolve

if TYPE_CHECKING:
    from maze_lsp.language_server import MazeLanguageServer

COMMAND = code_action.COMMAND


async def handle(ls: MazeLanguageServer, *arguments: Any) -> None:
    edit = await code_action_resolve.generate_edit(ls, arguments[0] if arguments else None)
    if edit is not None:
        await ls.workspace_apply_edit_async(types.ApplyWorkspaceEditParams(edit=edit, label="maze"))
