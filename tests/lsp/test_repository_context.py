"""Repository context through the real server: a workspace of several files on disk, indexed in the
background, kept current from open documents and watched-file events.

What the model is shown is read with the `maze.repositoryContext` command (the same `context_for`
the completion path calls), and completions at the same positions are checked to keep the document
parsing. Whether the model uses the context is measured by `maze bench quality --tasks crossfile`:
the shipped model, small and trained with repository-format examples of random package files, does
not reliably copy a name from it (docs/benchmarks.md).
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path
from typing import Any

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.lsp.helpers import accept_registrations, apply_insert, error_count, inline_params, open_document

SERVER = [sys.executable, "-m", "maze_lsp"]
OPTIONS = {"debounceMs": 0, "timeoutMs": 10000, "maxTokens": 16}

FILES = {
    "shop/__init__.py": "",
    "shop/pricing.py": (
        "VAT_RATE = 0.2\n\n\n"
        "def compute_total(amount: float, vat: float = VAT_RATE) -> float:\n"
        "    return amount * (1 + vat)\n\n\n"
        "def apply_coupon(total: float, code: str) -> float:\n"
        "    return total * 0.9 if code else total\n"
    ),
    "shop/models.py": (
        "class Cart:\n"
        "    def __init__(self, owner: str):\n"
        "        self.owner = owner\n"
        "        self.lines: list[tuple[str, int]] = []\n\n"
        "    def add_line(self, sku: str, quantity: int) -> None:\n"
        "        self.lines.append((sku, quantity))\n\n"
        "    def subtotal_amount(self) -> float:\n"
        "        return float(sum(q for _, q in self.lines))\n"
    ),
}
CHECKOUT = (
    "from shop import draft, extra, pricing\n"
    "from shop.models import Cart\n\n\n"
    "def checkout(owner: str) -> float:\n"
    "    cart = Cart(owner)\n"
    "    amount = cart.\n"
    "    total = pricing.\n"
    "    helper = draft.\n"
    "    other = extra.\n"
    "    return total\n"
)


def at(marker: str) -> dict[str, int]:
    """The position right after `marker` in CHECKOUT."""
    offset = CHECKOUT.index(marker) + len(marker)
    line = CHECKOUT.count("\n", 0, offset)
    return {"line": line, "character": offset - (CHECKOUT.rfind("\n", 0, offset) + 1)}


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def client(lsp_client: LanguageClient, tmp_path: Path):
    for name, text in FILES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "pricing.py").write_text("def stale_build_copy():\n    pass\n")
    lsp_client.registrations = accept_registrations(lsp_client)  # type: ignore[attr-defined]
    lsp_client.set_configuration({"maze": OPTIONS})
    lsp_client.root = tmp_path  # type: ignore[attr-defined]
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"), initialization_options=OPTIONS,
        root_uri=tmp_path.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name="shop")]))
    yield
    await lsp_client.shutdown_session()


async def context_at(client: LanguageClient, uri: str, where: dict[str, int]) -> dict[str, Any]:
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="maze.repositoryContext", arguments=[uri, where]))
    assert isinstance(result, dict)
    return result


def shown(result: dict[str, Any]) -> str:
    context = result["context"]
    return "" if context is None else "\n".join(f"{f['path']}\n{f['text']}" for f in context["files"])


async def wait_for(client: LanguageClient, uri: str, where: dict[str, int], needle: str, timeout: float = 60.0) -> str:
    deadline = time.monotonic() + timeout
    while True:
        text = shown(await context_at(client, uri, where))
        if needle in text or time.monotonic() > deadline:
            return text
        await asyncio.sleep(0.2)


async def valid_completion(client: LanguageClient, uri: str, where: dict[str, int]) -> str:
    """The ghost text at `where` (empty when none), checked to keep the document parsing."""
    result = await client.text_document_inline_completion_async(inline_params(uri, where["line"], where["character"]))
    texts = [str(item.insert_text) for item in result.items] if result else []
    for text in texts:
        edited = apply_insert("python", CHECKOUT, where["line"], where["character"], text)
        assert error_count("python", edited) <= error_count("python", CHECKOUT)
    return texts[0] if texts else ""


async def test_context_from_files_on_disk_open_and_watched(client: LanguageClient) -> None:
    root: Path = client.root  # type: ignore[attr-defined]
    uri = (root / "shop" / "checkout.py").as_uri()
    open_document(client, uri, "python", CHECKOUT)

    # `module.`: a name defined only in another file on disk, found through `from shop import pricing`.
    text = await wait_for(client, uri, at("total = pricing."), "compute_total")
    assert "shop/pricing.py" in text and "def compute_total(amount: float" in text and "def apply_coupon" in text
    assert "stale_build_copy" not in text  # build/ is not indexed
    # `value.`: the type of `cart = Cart(owner)`, imported from shop.models, and its members.
    text = shown(await context_at(client, uri, at("amount = cart.")))
    assert "def subtotal_amount(self) -> float:" in text and "shop/models.py" in text
    await valid_completion(client, uri, at("amount = cart."))
    await valid_completion(client, uri, at("total = pricing."))

    # A file that exists only in the editor: indexed from its text once opened.
    assert "only_in_editor" not in shown(await context_at(client, uri, at("helper = draft.")))
    open_document(client, (root / "shop" / "draft.py").as_uri(), "python", "def only_in_editor() -> int:\n    return 1\n")
    assert "def only_in_editor() -> int:" in await wait_for(client, uri, at("helper = draft."), "only_in_editor")

    # A file written by another program, announced by a watched-file event.
    assert "workspace/didChangeWatchedFiles" in client.registrations  # type: ignore[attr-defined]
    (root / "shop" / "extra.py").write_text("def watched_helper(x: int) -> int:\n    return x\n")
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
        types.FileEvent(uri=(root / "shop" / "extra.py").as_uri(), type=types.FileChangeType.Created)]))
    assert "def watched_helper" in await wait_for(client, uri, at("other = extra."), "watched_helper")

    titles = [getattr(r, "title", "") for reports in client.progress_reports.values() for r in reports]
    assert "maze: indexing the workspace" in titles

    # Context off: nothing from other files, and completions still come.
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"maze": {**OPTIONS, "repositoryContext": False}}))
    deadline = time.monotonic() + 10
    while (result := await context_at(client, uri, at("total = pricing.")))["enabled"] and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    assert result == {"enabled": False, "indexed_files": 0, "building": False, "context": None}
    await valid_completion(client, uri, at("total = pricing."))
