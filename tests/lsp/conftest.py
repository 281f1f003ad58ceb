"""A real `maze lsp` process driven by pytest-lsp, with recorded editor capabilities.

The server runs the shipped embedded model (no fakes). Debounce is 0 so tests are not paced by it.
"""

from __future__ import annotations

import sys

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.lsp.helpers import accept_registrations

SERVER = [sys.executable, "-m", "maze_lsp"]
TEST_OPTIONS = {"debounceMs": 0, "timeoutMs": 10000, "maxTokens": 24}


@pytest_lsp.fixture(
    params=["visual-studio-code", "neovim"],
    config=ClientServerConfig(server_command=SERVER),
)
async def client(request, lsp_client: LanguageClient):
    accept_registrations(lsp_client)
    lsp_client.set_configuration({"maze": TEST_OPTIONS})
    lsp_client.init_result = await lsp_client.initialize_session(  # type: ignore[attr-defined]
        types.InitializeParams(capabilities=client_capabilities(request.param), initialization_options=TEST_OPTIONS)
    )
    yield
    await lsp_client.shutdown_session()
