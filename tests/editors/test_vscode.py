"""VS Code: the extension's manifest, and end-to-end runs in code-server driven by headless Chromium.

One code-server (`vscode_harness.py`) serves every end-to-end test here; the extension is built and
installed by the docs' own commands. The tests follow docs/editors.md as a newcomer does (the docs'
`settings.json` as the User settings, the documented commands from the Command Palette), and check
what an issue found missing: User settings apply in a remote window, a failed start says where to
set the command, a workspace cannot redirect the server, code actions are offered where the cursor
is and show progress, and reloading the window leaves one server. They assert mechanics, not what
the model suggests.

Screenshots go to the artefacts folder printed at the start; MAZE_UPDATE_SCREENSHOTS=1 copies the
walkthrough's into docs/img/.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import DATA, load_sample
from tests.doc_blocks import section_text
from tests.editors.conftest import APT, NPM, PYPI, require
from tests.editors.vscode_harness import (
    CHROMIUM,
    CODE_SERVER,
    EDITORS_DOC,
    EXTENSION,
    NODE,
    NODE_MODULES,
    NPM_CLI,
    CodeServer,
    docs_settings,
)
from tests.lsp.helpers import error_count

LANGUAGES = ["python", "typescript", "typescriptreact", "javascript", "javascriptreact", "rust", "go", "zig"]
SERVER_SETTINGS = ["enable", "engine", "modelPath", "endpoint", "tokenEnv", "maxTokens", "mode", "debounceMs",
                   "timeoutMs", "constrained"]
USER_ONLY = ["serverCommand", "serverArgs", "modelPath", "endpoint", "tokenEnv"]
# What each documented command shows, by its id; the titles come from the docs (`documented_commands`).
SHOWS = {"maze.toggle": ["maze: off", "maze: ready"], "maze.restartServer": ["maze: ready"], "maze.showLog": ["log"]}


def documented_commands() -> list[tuple[str, str]]:
    """(Command Palette title, command id) as docs/editors.md section 3 names them: **title** (`id`...)."""
    found = re.findall(r"\*\*(maze: [^*]+)\*\*\s+\(`(maze\.\w+)`", section_text(EDITORS_DOC, "3. VS Code"))
    assert sorted(command for _, command in found) == sorted(SHOWS), found
    return found


def test_manifest_declares_settings_commands_and_languages() -> None:
    manifest = json.loads((EXTENSION / "package.json").read_text(encoding="utf-8"))
    properties = manifest["contributes"]["configuration"]["properties"]
    for key in ["serverCommand", *SERVER_SETTINGS]:
        assert f"maze.{key}" in properties, key
    assert properties["maze.serverCommand"]["default"] == "maze"
    assert properties["maze.engine"]["enum"] == ["embedded", "transformers", "remote"]
    assert properties["maze.mode"]["enum"] == ["auto", "line", "block"]
    for key, spec in properties.items():  # VS Code drops machine-scoped User values in remote windows
        assert spec.get("scope") not in ("machine", "machine-overridable"), key
    commands = {c["command"] for c in manifest["contributes"]["commands"]}
    assert {"maze.toggle", "maze.restartServer", "maze.showLog"} <= commands
    assert {f"onLanguage:{lang}" for lang in LANGUAGES} <= set(manifest["activationEvents"])
    source = (EXTENSION / "src" / "extension.ts").read_text(encoding="utf-8")
    for lang in LANGUAGES:
        assert f'"{lang}"' in source
    settings_source = (EXTENSION / "src" / "settings.ts").read_text(encoding="utf-8")
    for key in SERVER_SETTINGS:  # the keys the extension forwards to the server
        assert f'"{key}"' in settings_source, key
    user_only = settings_source.split("USER_ONLY_KEYS = [", 1)[1].split("]", 1)[0]
    assert sorted(k.strip().strip('"') for k in user_only.split(",") if k.strip()) == sorted(USER_ONLY)
    lock = json.loads((EXTENSION / "package-lock.json").read_text(encoding="utf-8"))
    assert lock["packages"][""]["dependencies"] == manifest["dependencies"]


@pytest.fixture(scope="module")
def code_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CodeServer]:
    require("VS Code e2e tools (code-server, playwright-core, Node 24, Chromium)",
            NODE, NPM_CLI, CODE_SERVER, NODE_MODULES / "playwright-core", CHROMIUM, sources=(APT, PYPI, NPM))
    server = CodeServer(tmp_path_factory.mktemp("code-server"))
    server.build_and_install_as_documented()
    server.write_user_settings(docs_settings())
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _sample_workspace(code_server: CodeServer, name: str, extra: dict[str, str] | None = None):
    """The Python sample with its completion line left indented and empty: (folder, text, line, typed)."""
    sample = load_sample(DATA / "samples" / "sample.py")
    lines = sample.text.split("\n")
    typed = lines[sample.line].lstrip()
    assert typed == "return " and len(lines[sample.line]) == sample.character
    lines[sample.line] = lines[sample.line][: sample.character - len(typed)]
    text = "\n".join(lines)
    return code_server.workspace(name, {"sample.py": text, **(extra or {})}), text, sample.line, typed


@pytest.mark.timeout(600)
def test_walkthrough_from_install_to_accepted_ghost_text(code_server: CodeServer) -> None:
    """docs/editors.md section 3, literally: User settings with the docs' serverCommand, type, Tab, commands."""
    settings = docs_settings()
    assert settings["maze.serverCommand"] == "~/.venvs/maze/bin/maze"
    code_server.write_user_settings(settings)
    folder, text, line, typed = _sample_workspace(code_server, "walkthrough")
    commands = [(title, shows) for title, command in documented_commands() for shows in SHOWS[command]]
    result = code_server.run("walkthrough", {"url": code_server.url(folder), "file": "sample.py", "line": line + 1,
                                             "type": typed, "commands": commands})
    print(f"status timeline after opening the file (ms): {result['timeline']}")
    assert result["status"].startswith("maze: ready"), result["status"]
    assert result["commands"] == [title for title, _ in commands]
    assert f"starting {code_server.home}/.venvs/maze/bin/maze lsp" in code_server.maze_log()  # the User setting

    ghost = result["ghost"]
    assert ghost.strip(), "empty ghost text"
    saved = (folder / "sample.py").read_text(encoding="utf-8")
    lines = text.split("\n")
    start = len("\n".join(lines[:line])) + 1 + len(lines[line])
    assert saved == text[:start] + typed + ghost + text[start:], f"Tab did not insert exactly {ghost!r}:\n{saved}"
    code_server.keep_screenshot("vscode-ghost-text.png")
    code_server.keep_screenshot("vscode-after-tab.png")


def test_start_failure_says_where_to_set_the_server_command(code_server: CodeServer) -> None:
    """No `maze` on PATH and no setting: one error toast naming the setting and the files it goes in."""
    code_server.write_user_settings({})
    try:
        folder, _, _, _ = _sample_workspace(code_server, "no-server")
        result = code_server.run("start-failure", {"url": code_server.url(folder), "file": "sample.py"})
    finally:
        code_server.write_user_settings(docs_settings())
    toast = result["toast"]
    assert "`maze` was not found on PATH" in toast and "from the default" in toast
    assert "Preferences: Open User Settings (JSON)" in toast and "Preferences: Open Remote Settings (JSON)" in toast
    assert "Workspace settings are ignored for it" in toast
    assert [m for m in result["toasts"] if "maze" in m.lower()] == [toast], result["toasts"]  # one, not the client's too
    assert result["status"].startswith("maze: failed")
    assert "User" in result["settingsTab"], result["settingsTab"]  # its button opens the User settings at the setting
    code_server.keep_screenshot("vscode-start-failure.png")
    code_server.keep_screenshot("vscode-start-failure-settings.png", for_docs=False)


class _Listener:
    """A loopback port that counts connections: a redirected endpoint would connect here."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()


def test_workspace_settings_cannot_redirect_the_server_endpoint_or_token(code_server: CodeServer,
                                                                          tmp_path: Path) -> None:
    listener = _Listener()
    marker = tmp_path / "workspace-command-ran"
    evil = tmp_path / "evil-maze"
    evil.write_text(f"#!/bin/sh\ntouch {marker}\n", encoding="utf-8")
    evil.chmod(0o755)
    workspace_settings = {"maze.serverCommand": str(evil), "maze.serverArgs": ["lsp", "--log-file", str(marker)],
                          "maze.modelPath": str(tmp_path), "maze.engine": "remote",
                          "maze.endpoint": f"http://127.0.0.1:{listener.port}", "maze.tokenEnv": "HOME"}
    folder, _, _, _ = _sample_workspace(code_server, "hostile", {".vscode/settings.json": json.dumps(workspace_settings)})
    result = code_server.run("workspace", {"url": code_server.url(folder), "file": "sample.py"})
    time.sleep(2)  # a connection attempt, had one been made, has landed by now
    listener.sock.close()
    for key in ["serverCommand", "serverArgs", "modelPath", "endpoint", "tokenEnv"]:
        assert f"`maze.{key}`" in result["warning"], result["warning"]
    assert "maze.engine" not in result["warning"]  # an ordinary setting: the workspace may choose it
    assert not marker.exists(), "the workspace's serverCommand ran"
    assert listener.connections == 0, "the server connected to the workspace's endpoint"
    assert f"starting {code_server.home}/.venvs/maze/bin/maze lsp" in code_server.maze_log()
    assert result["status"].startswith(("maze: fallback", "maze: unavailable")), result["status"]  # remote, no endpoint


# Stubs as people leave them; the cursor goes to the end of each listed line (1-based), where typing
# leaves it, and to the signature's end. `pick` is the line where "implement" is then chosen.
STUBS = {
    "area.py": ('import math\n\n\ndef circle_area(radius: float) -> float:\n    """The area of a circle."""\n    pass\n',
                [4, 5, 6], 6, "pass"),
    "area.ts": ('export function circleArea(radius: number): number {\n  throw new Error("not implemented");\n}\n',
                [1, 2, 3], 2, "not implemented"),
    "area.rs": ("pub fn circle_area(radius: f64) -> f64 {\n    todo!()\n}\n", [1, 2, 3], None, "todo!()"),
    "area.go": ('package main\n\nfunc circleArea(radius float64) float64 {\n\tpanic("TODO")\n}\n', [3, 4, 5], 4,
                'panic("TODO")'),
}
_LANGUAGE = {".py": "python", ".ts": "typescript", ".rs": "rust", ".go": "go"}


@pytest.mark.timeout(600)
def test_code_actions_where_the_cursor_is_with_progress(code_server: CodeServer) -> None:
    folder = code_server.workspace("stubs", {name: spec[0] for name, spec in STUBS.items()})
    cases = [{"file": name, "lines": lines, "pick": pick, "stub": stub} for name, (_, lines, pick, stub) in STUBS.items()]
    result = code_server.run("code-actions", {"url": code_server.url(folder), "cases": cases}, timeout=560)
    for case in result["cases"]:
        name = case["file"]
        for line, titles in case["offered"].items():
            assert any(t.startswith("maze: implement") for t in titles), f"{name}:{line}: offered only {titles}"
        if STUBS[name][2] is None:
            continue
        assert case["progress"].startswith("maze: implement"), case  # a notification while it generates
        print(f"{name}: implement took {case['ms']} ms; outcome: {case['failure'] or 'edit applied'}")
        if case["failure"]:
            assert "Try:" in case["failure"] and "parse_error" not in case["failure"], case["failure"]
        else:
            saved = (folder / name).read_text(encoding="utf-8")
            assert saved != STUBS[name][0]
            assert error_count(_LANGUAGE[Path(name).suffix], saved) == 0, saved


def test_reloading_the_window_leaves_one_server(code_server: CodeServer) -> None:
    """Counted by the driver while the window is still open (a closed one ends its server after a grace time)."""
    folder, _, _, _ = _sample_workspace(code_server, "reloads")
    result = code_server.run("reloads", {"url": code_server.url(folder), "file": "sample.py", "reloads": 5,
                                         "marker": code_server.marker})
    assert len(result["readyAfterReload"]) == 5
    assert len(result["servers"]) == 1, f"maze lsp processes after 5 reloads: {result['servers']}"
