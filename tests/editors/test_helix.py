"""Helix: editors/helix/languages.toml, and the server driven the way Helix 25.07 drives it.

Helix sends only standard requests: no ghost text, no custom methods. The client below sends what
Helix sends (tests/data/clients/helix.json holds the capabilities of its `initialize`):
`initialize` with `config` as initializationOptions, `initialized`, then `didChangeConfiguration`
with the whole `config`; `workspace/configuration` is answered by walking `config` along the
section path; documents open at version 0; each edit is one `didChange` whose events Helix
derives from its changeset (sequential ranges in the negotiated position encoding, or the full
text for servers that ask for full sync); completion is requested with triggerKind Invoked after a
word, TriggerCharacter after one of the server's trigger characters, and
TriggerForIncompleteCompletions while an incomplete list is open. Helix then applies the item's
textEdit.
"""

from __future__ import annotations

import json
import os
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import converters, types
from maze_lsp.options import parse_options
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.conftest import DATA, load_sample
from tests.editors.conftest import ROOT
from tests.lsp.helpers import accept_registrations

LANGUAGES_TOML = ROOT / "editors" / "helix" / "languages.toml"
CAPABILITIES = DATA / "clients" / "helix.json"
SERVER = [sys.executable, "-m", "maze_lsp"]
# Helix's own servers per language (25.07); maze is added to each list.
USUAL_SERVERS = {
    "python": ["ty", "ruff", "jedi", "pylsp"],
    "typescript": ["typescript-language-server"],
    "tsx": ["typescript-language-server"],
    "javascript": ["typescript-language-server"],
    "jsx": ["typescript-language-server"],
    "rust": ["rust-analyzer"],
    "go": ["gopls", "golangci-lint-lsp"],
    "zig": ["zls"],
}


def _languages_toml() -> dict[str, Any]:
    with LANGUAGES_TOML.open("rb") as f:
        return tomllib.load(f)


def _helix_config() -> dict[str, Any]:
    """The `config` of the maze server entry, made fast and small for tests (as a user could)."""
    config = json.loads(json.dumps(_languages_toml()["language-server"]["maze"]["config"]))
    config["maze"].update(debounceMs=0, maxTokens=16, timeoutMs=30000)
    return config


# ---- languages.toml --------------------------------------------------------------------------


def test_languages_toml_wires_maze_into_every_language() -> None:
    data = _languages_toml()
    server = data["language-server"]["maze"]
    assert server["command"] == "maze"
    assert server["args"] == ["lsp"]
    languages = {lang["name"]: lang for lang in data["language"]}
    assert set(languages) == set(USUAL_SERVERS)
    for name, usual in USUAL_SERVERS.items():
        servers = languages[name]["language-servers"]
        assert "maze" in servers, name
        assert [s for s in servers if s != "maze"] == usual, name


def test_languages_toml_settings_are_valid_server_settings() -> None:
    config = _languages_toml()["language-server"]["maze"]["config"]
    assert set(config) == {"maze"}  # initializationOptions = config; workspace/configuration("maze") = config.maze
    as_init, problems = parse_options(config)
    assert problems == []
    as_section, problems = parse_options(config["maze"])
    assert problems == []
    assert as_init == as_section


def test_recorded_capabilities_are_helix() -> None:
    data = json.loads(CAPABILITIES.read_text(encoding="utf-8"))
    assert data["clientInfo"]["name"] == "helix"
    caps = converters.get_converter().structure(data["capabilities"], types.ClientCapabilities)
    assert caps.workspace.configuration is True
    assert caps.text_document.completion.completion_item.snippet_support is True
    assert caps.general.position_encodings == ("utf-8", "utf-32", "utf-16")
    assert caps.text_document.inline_completion is None  # Helix has no ghost text


# ---- a Helix-like client -----------------------------------------------------------------------


def _units(text: str, encoding: str) -> int:
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    if encoding == "utf-32":
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def _position(text: str, offset: int, encoding: str) -> dict[str, int]:
    """LSP position of character `offset` of `text` (Helix counts in chars, sends in `encoding`)."""
    before = text[:offset]
    line = before.count("\n")
    return {"line": line, "character": _units(before[before.rfind("\n") + 1:], encoding)}


def _advance(start: dict[str, int], text: str, encoding: str) -> dict[str, int]:
    """The position reached from `start` by walking over `text`."""
    lines = text.split("\n")
    if len(lines) == 1:
        return {"line": start["line"], "character": start["character"] + _units(text, encoding)}
    return {"line": start["line"] + len(lines) - 1, "character": _units(lines[-1], encoding)}


# A changeset as Helix builds one: ("retain", n) | ("delete", n) | ("insert", text); n counts chars.
Op = tuple[str, Any]


def _apply(text: str, ops: list[Op]) -> str:
    out, pos = [], 0
    for kind, value in ops:
        if kind == "retain":
            out.append(text[pos:pos + value])
            pos += value
        elif kind == "delete":
            pos += value
        else:
            out.append(value)
    assert pos == len(text), "a changeset covers the whole document"
    return "".join(out)


def _sequential_events(old: str, new: str, ops: list[Op], encoding: str) -> list[dict[str, Any]]:
    """Content changes for `ops`, each range relative to the document after the previous ones.

    An insert directly followed by a delete is one replacement, as Helix sends it.
    """
    events: list[dict[str, Any]] = []
    old_pos = new_pos = 0
    i = 0
    while i < len(ops):
        kind, value = ops[i]
        if kind == "retain":
            old_pos += value
            new_pos += value
        elif kind == "delete":
            start = _position(new, new_pos, encoding)
            events.append({"range": {"start": start, "end": _advance(start, old[old_pos:old_pos + value], encoding)},
                           "text": ""})
            old_pos += value
        else:
            start = end = _position(new, new_pos, encoding)
            if i + 1 < len(ops) and ops[i + 1][0] == "delete":
                deleted = ops[i + 1][1]
                end = _advance(start, old[old_pos:old_pos + deleted], encoding)
                old_pos += deleted
                i += 1
            events.append({"range": {"start": start, "end": end}, "text": value})
            new_pos += len(value)
        i += 1
    return events


@dataclass
class HelixDocument:
    client: LanguageClient
    uri: str
    language_id: str
    text: str
    encoding: str
    full_sync: bool
    version: int = 0
    sent: list[list[dict[str, Any]]] = field(default_factory=list)

    def open(self) -> None:
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=self.uri, language_id=self.language_id, version=self.version,
                                                 text=self.text)))

    def change(self, ops: list[Op]) -> None:
        new = _apply(self.text, ops)
        if self.full_sync:
            events: list[dict[str, Any]] = [{"text": new}]
        else:
            events = _sequential_events(self.text, new, ops, self.encoding)
        self.text = new
        self.version += 1
        self.sent.append(events)
        params = converters.get_converter().structure(
            {"textDocument": {"uri": self.uri, "version": self.version}, "contentChanges": events},
            types.DidChangeTextDocumentParams,
        )
        self.client.text_document_did_change(params)

    def type(self, offset: int, chars: str) -> int:
        """Type `chars` one keystroke (one transaction) at a time; returns the cursor offset after."""
        for ch in chars:
            self.change([("retain", offset), ("insert", ch), ("retain", len(self.text) - offset)])
            offset += 1
        return offset

    def replace(self, start: int, end: int, text: str) -> None:
        """One transaction replacing [start, end): insert then delete, as Helix's changesets do."""
        ops: list[Op] = [("retain", start), ("insert", text)]
        if end > start:
            ops.append(("delete", end - start))
        ops.append(("retain", len(self.text) - end))
        self.change(ops)

    def offset(self, position: types.Position) -> int:
        lines = self.text.split("\n")
        prefix = sum(len(line) + 1 for line in lines[: position.line])
        line = lines[position.line]
        for column in range(len(line) + 1):
            if _units(line[:column], self.encoding) == position.character:
                return prefix + column
        raise AssertionError(f"{position} is not a character boundary of {line!r} in {self.encoding}")

    async def complete(self, offset: int, kind: types.CompletionTriggerKind,
                       trigger: str | None = None) -> types.CompletionList:
        pos = _position(self.text, offset, self.encoding)
        result = await self.client.text_document_completion_async(types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=self.uri),
            position=types.Position(**pos),
            context=types.CompletionContext(trigger_kind=kind, trigger_character=trigger),
        ))
        assert isinstance(result, types.CompletionList), result
        return result

    def accept(self, item: types.CompletionItem) -> int:
        """Apply the item's textEdit (one transaction); returns the cursor offset after it."""
        edit = item.text_edit
        assert isinstance(edit, types.TextEdit), item
        start, end = self.offset(edit.range.start), self.offset(edit.range.end)
        self.replace(start, end, edit.new_text)
        return start + len(edit.new_text)


def _helix_capabilities() -> tuple[types.ClientCapabilities, types.ClientInfo]:
    data = json.loads(CAPABILITIES.read_text(encoding="utf-8"))
    converter = converters.get_converter()
    return (converter.structure(data["capabilities"], types.ClientCapabilities),
            converter.structure(data["clientInfo"], types.ClientInfo))


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def helix(lsp_client: LanguageClient, tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("helix-workspace")
    config = _helix_config()
    lsp_client.set_configuration(config)  # answers workspace/configuration by section path, as Helix does
    accept_registrations(lsp_client)  # Helix registers file watching dynamically, as its capabilities say
    capabilities, client_info = _helix_capabilities()
    lsp_client.init_result = await lsp_client.initialize_session(types.InitializeParams(  # type: ignore[attr-defined]
        capabilities=capabilities,
        client_info=client_info,
        process_id=os.getpid(),
        root_path=str(root),
        root_uri=root.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
        initialization_options=config,
    ))
    # After `initialized`, Helix pushes its whole `config` once.
    lsp_client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=config))
    lsp_client.helix_root = root  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


def _encoding(client: LanguageClient) -> str:
    """Helix uses the encoding the server picked, and UTF-16 when it names none."""
    chosen = client.init_result.capabilities.position_encoding  # type: ignore[attr-defined]
    return str(chosen.value if hasattr(chosen, "value") else chosen or "utf-16")


def _document(client: LanguageClient, full_sync: bool) -> tuple[HelixDocument, int, int]:
    """The Python sample with its completion line left indented and empty: (doc, line, indent)."""
    sample = load_sample(DATA / "samples" / "sample.py")
    lines = sample.text.split("\n")
    indent = sample.character - len("return ")
    lines[sample.line] = lines[sample.line][:indent]
    path = Path(client.helix_root) / "sample.py"  # type: ignore[attr-defined]
    doc = HelixDocument(client, path.as_uri(), "python", "\n".join(lines), _encoding(client), full_sync)
    return doc, sample.line, indent


def _line_offset(doc: HelixDocument, line: int) -> int:
    return sum(len(text) + 1 for text in doc.text.split("\n")[:line])


def _check_item(doc: HelixDocument, result: types.CompletionList, cursor: int, word: str) -> types.CompletionItem:
    """The item replaces the word before the cursor with the word plus the completion."""
    assert result.items, "no completion item"
    item = result.items[0]
    edit = item.text_edit
    assert isinstance(edit, types.TextEdit), item
    assert doc.offset(edit.range.end) == cursor
    assert doc.offset(edit.range.start) == cursor - len(word)
    assert edit.new_text.startswith(word) and len(edit.new_text) > len(word), edit.new_text
    assert item.insert_text_format in (None, types.InsertTextFormat.PlainText)
    return item


@pytest.mark.parametrize("sync", ["incremental", "full"])
async def test_helix_session_completes_and_applies_text_edits(helix: LanguageClient, sync: str) -> None:
    client = helix
    caps = client.init_result.capabilities  # type: ignore[attr-defined]
    assert caps.completion_provider is not None and " " in (caps.completion_provider.trigger_characters or [])
    assert caps.text_document_sync.change == types.TextDocumentSyncKind.Incremental  # so Helix sends ranges
    doc, line, indent = _document(client, full_sync=sync == "full")
    doc.open()

    # A multi-cursor transaction (a comment added on top, a name changed further down), then its
    # undo: one didChange each, with several sequential events.
    dy = doc.text.index("dy = ")
    doc.change([("retain", 0), ("insert", "# helix\n"), ("retain", dy), ("insert", "delta_y"), ("delete", 2),
                ("retain", len(doc.text) - dy - 2)])
    assert "# helix\n" in doc.text and "delta_y = " in doc.text
    dy = doc.text.index("delta_y = ")
    doc.change([("delete", 8), ("retain", dy - 8), ("insert", "dy"), ("delete", 7), ("retain", len(doc.text) - dy - 7)])
    assert "# helix" not in doc.text and "    dy = self.y" in doc.text
    if sync == "incremental":
        assert len(doc.sent[0]) == 2 and len(doc.sent[1]) == 2

    # Typing a word: Helix asks (Invoked) once a word is under way.
    cursor = doc.type(_line_offset(doc, line) + indent, "ret")
    result = await doc.complete(cursor, types.CompletionTriggerKind.Invoked)
    if result.items:  # the model may have nothing here; the shape is what matters
        _check_item(doc, result, cursor, "ret")

    # A trigger character: the sample's completion point.
    cursor = doc.type(cursor, "urn ")
    result = await doc.complete(cursor, types.CompletionTriggerKind.TriggerCharacter, " ")
    item = _check_item(doc, result, cursor, "")

    # The menu is open: on the next keystroke Helix asks again if the list was incomplete (maze's
    # is: each keystroke gets a new completion), and otherwise asks anew after a word character.
    cursor = doc.type(cursor, "m")
    kind = (types.CompletionTriggerKind.TriggerForIncompleteCompletions if result.is_incomplete
            else types.CompletionTriggerKind.Invoked)
    result = await doc.complete(cursor, kind)
    if result.items:
        item = _check_item(doc, result, cursor, "m")
        before = doc.text
        cursor = doc.accept(item)
        start = before.index("return m")
        assert doc.text == before[:start] + "return " + item.text_edit.new_text + before[start + len("return m"):]
    else:  # accept the item offered before the "m": Helix would undo the "m" first
        doc.replace(cursor - 1, cursor, "")
        cursor = doc.accept(item)

    # The server's copy still matches: the word it sees before a new cursor is the one we typed.
    cursor = doc.type(doc.text.index("\n", cursor) if "\n" in doc.text[cursor:] else len(doc.text), "\n" + " " * indent + "zq")
    result = await doc.complete(cursor, types.CompletionTriggerKind.Invoked)
    if result.items:
        _check_item(doc, result, cursor, "zq")
    warnings = [m.message for m in client.messages if m.type in (types.MessageType.Warning, types.MessageType.Error)]
    assert warnings == [], warnings


    """Helix counts columns in the encoding the server announced; emoji and CJK come before the cursor."""
    client = helix
    path = Path(client.helix_root) / "greet.py"  # type: ignore[attr-defined]
    text = 'def greet(name):\n    message = "😀 你好, "\n    return message\n'
    doc = HelixDocument(client, path.as_uri(), "python", text, _encoding(client), full_sync=False)
    doc.open()
    cursor = doc.type(doc.text.index('"\n') + 1, " + ")
    result = await doc.complete(cursor, types.CompletionTriggerKind.TriggerCharacter, " ")
    _check_item(doc, result, cursor, "")
