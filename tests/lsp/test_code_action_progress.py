"""A code action takes seconds: the server shows work-done progress, and a failure says what to try.

Over the real server process (stdio): the real code generation for the progress, and a server whose
generation always fails (`failing_codegen_server.py`) for the message.
"""

from __future__ import annotations

import sys

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.lsp.conftest import TEST_OPTIONS
from tests.lsp.helpers import accept_registrations, open_document
from tests.lsp.test_code_action import PLACEHOLDERS, _actions

FAILING_SERVER = [sys.executable, "-m", "tests.lsp.failing_codegen_server"]


@pytest_lsp.fixture(config=ClientServerConfig(server_command=FAILING_SERVER))
async def failing(lsp_client: LanguageClient):
    accept_registrations(lsp_client)
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"), initialization_options=TEST_OPTIONS))
    yield
    await lsp_client.shutdown_session()


def _progress(client: LanguageClient, title_start: str) -> list:
    """The reports of the one progress whose title starts with `title_start`."""
    found = [reports for reports in client.progress_reports.values()
             if reports and isinstance(reports[0], types.WorkDoneProgressBegin) and reports[0].title.startswith(title_start)]
    assert len(found) == 1, client.progress_reports
    return found[0]


async def test_implement_shows_progress_while_generating(client: LanguageClient) -> None:
    name, text, (line, character) = PLACEHOLDERS["python"]
    uri = f"file:///tmp/maze-progress/{name}"
    open_document(client, uri, "python", text)
    (action,) = [a for a in await _actions(client, uri, line, character) if a.title.startswith("maze: implement")]
    await client.code_action_resolve_async(action)
    reports = _progress(client, "maze: implement `add`")
    assert isinstance(reports[-1], types.WorkDoneProgressEnd), reports
    assert reports[-1].message in ("done", "nothing changed")


async def test_failure_says_what_to_try_next(failing: LanguageClient) -> None:
    name, text, (line, character) = PLACEHOLDERS["rust"]
    uri = f"file:///tmp/maze-progress/{name}"
    open_document(failing, uri, "rust", text)
    (action,) = [a for a in await _actions(failing, uri, line, character) if a.title.startswith("maze: implement")]
    resolved = await failing.code_action_resolve_async(action)
    assert resolved.edit is None
    message = failing.messages[-1]
    assert message.type == types.MessageType.Warning
    assert message.message.startswith("maze could not implement `add`: every body the model wrote broke the syntax.")
    assert "Nothing was changed. Try: " in message.message and "parse_error" not in message.message
    reports = _progress(failing, "maze: implement `add`")
    assert isinstance(reports[-1], types.WorkDoneProgressEnd) and reports[-1].message == "nothing changed"
    assert all(isinstance(r, types.WorkDoneProgressReport) for r in reports[1:-1])  # "generating" after a load
