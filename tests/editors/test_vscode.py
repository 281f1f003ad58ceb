"""VS Code: the extension's manifest, and an end-to-end run in code-server driven by headless Chromium.

The e2e test packages the extension (`npm run package`), installs the .vsix into a throwaway
code-server, opens a Python file, waits for the status bar item to say the server is ready, types
`return ` where the server completes, waits for ghost text, presses Tab and saves; the saved file
must be the typed text plus exactly the ghost text. Then it runs the three commands from the
Command Palette (toggle off and on, restart, show log) and watches the status bar follow. It
asserts mechanics, not what the model suggests.

Set MAZE_UPDATE_SCREENSHOTS=1 to refresh docs/img/vscode-ghost-text.png from the run.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest

from tests.conftest import DATA, load_sample
from tests.editors.conftest import APT, CACHE, NPM, PYPI, ROOT, require, tool_env

EXTENSION = ROOT / "editors" / "vscode"
E2E = ROOT / "editors" / "e2e"
SCREENSHOT = ROOT / "docs" / "img" / "vscode-ghost-text.png"
LANGUAGES = ["python", "typescript", "typescriptreact", "javascript", "javascriptreact", "rust", "go", "zig"]
SERVER_SETTINGS = ["enable", "engine", "modelPath", "endpoint", "tokenEnv", "maxTokens", "mode", "debounceMs",
                   "timeoutMs", "constrained"]

NODE = CACHE / "bin" / "node"
NPM_CLI = CACHE / "bin" / "npm"
CODE_SERVER = CACHE / "node" / "node_modules" / ".bin" / "code-server"
NODE_MODULES = CACHE / "node" / "node_modules"
CHROMIUM = Path("/usr/bin/chromium")

# Settings that make the run deterministic and the screen quiet; maze's own are small and fast.
USER_SETTINGS = {
    "maze.debounceMs": 0,
    "maze.maxTokens": 16,
    "maze.mode": "line",
    "maze.timeoutMs": 30000,
    "editor.inlineSuggest.enabled": True,
    "editor.quickSuggestions": {"other": "off", "comments": "off", "strings": "off"},
    "editor.suggestOnTriggerCharacters": False,
    "editor.minimap.enabled": False,
    "editor.fontSize": 15,
    "workbench.startupEditor": "none",
    "workbench.tips.enabled": False,
    "workbench.secondarySideBar.defaultVisibility": "hidden",
    "workbench.welcomePage.walkthroughs.openOnInstall": False,
    "workbench.colorTheme": "Default Dark Modern",
    "security.workspace.trust.enabled": False,
    "telemetry.telemetryLevel": "off",
    "update.mode": "none",
    "extensions.autoCheckUpdates": False,
    "extensions.autoUpdate": False,
    "chat.disableAIFeatures": True,
    "files.autoSave": "off",
}


def test_manifest_declares_settings_commands_and_languages() -> None:
    manifest = json.loads((EXTENSION / "package.json").read_text(encoding="utf-8"))
    properties = manifest["contributes"]["configuration"]["properties"]
    for key in ["serverCommand", *SERVER_SETTINGS]:
        assert f"maze.{key}" in properties, key
    assert properties["maze.serverCommand"]["default"] == "maze"
    assert properties["maze.engine"]["enum"] == ["embedded", "transformers", "remote"]
    assert properties["maze.mode"]["enum"] == ["auto", "line", "block"]
    commands = {c["command"] for c in manifest["contributes"]["commands"]}
    assert {"maze.toggle", "maze.restartServer", "maze.showLog"} <= commands
    assert {f"onLanguage:{lang}" for lang in LANGUAGES} <= set(manifest["activationEvents"])
    source = (EXTENSION / "src" / "extension.ts").read_text(encoding="utf-8")
    for lang in LANGUAGES:
        assert f'"{lang}"' in source
    settings_source = (EXTENSION / "src" / "settings.ts").read_text(encoding="utf-8")
    for key in SERVER_SETTINGS:  # the keys the extension forwards to the server
        assert f'"{key}"' in settings_source, key
    lock = json.loads((EXTENSION / "package-lock.json").read_text(encoding="utf-8"))
    assert lock["packages"][""]["dependencies"] == manifest["dependencies"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(url: str, proc: subprocess.Popen, log: Path, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"code-server exited with {proc.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)
    pytest.fail(f"code-server did not answer on {url} within {seconds} s:\n{log.read_text(errors='replace')[-3000:]}")


def _package_extension(env: dict[str, str]) -> Path:
    vsix = EXTENSION / "maze.vsix"
    vsix.unlink(missing_ok=True)
    build = subprocess.run([str(NPM_CLI), "run", "package"], check=False, cwd=EXTENSION, env=env, capture_output=True, text=True,
                           timeout=240)
    assert build.returncode == 0, f"npm run package failed:\n{build.stdout[-3000:]}\n{build.stderr[-3000:]}"
    assert vsix.exists()
    with zipfile.ZipFile(vsix) as archive:
        names = set(archive.namelist())
        assert {"extension/package.json", "extension/out/extension.js"} <= names, names
        assert not any("/src/" in n or "node_modules" in n for n in names), names
    return vsix


@pytest.mark.timeout(600)
def test_ghost_text_in_code_server(tmp_path: Path) -> None:
    require("VS Code e2e tools (code-server, playwright-core, Node 24, Chromium)",
            NODE, NPM_CLI, CODE_SERVER, NODE_MODULES / "playwright-core", CHROMIUM, EXTENSION / "node_modules",
            sources=(APT, PYPI, NPM))
    env = tool_env()
    vsix = _package_extension(env)

    # The workspace: the Python sample with the line where the server completes left indented and
    # empty; the browser types `return ` there.
    sample = load_sample(DATA / "samples" / "sample.py")
    lines = sample.text.split("\n")
    target_line = lines[sample.line]
    typed = target_line.lstrip()
    assert typed == "return " and len(target_line) == sample.character
    lines[sample.line] = target_line[: len(target_line) - len(typed)]
    original = "\n".join(lines)
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    source = workspace / "sample.py"
    source.write_text(original, encoding="utf-8")

    user_data = tmp_path / "user-data"
    (user_data / "User").mkdir(parents=True)
    (user_data / "User" / "settings.json").write_text(json.dumps(USER_SETTINGS, indent=2), encoding="utf-8")
    extensions = tmp_path / "extensions"
    env.update(XDG_CONFIG_HOME=str(tmp_path / "xdg-config"), XDG_DATA_HOME=str(tmp_path / "xdg-data"))
    # The extension host takes this environment as it is (with `maze` first on PATH) instead of
    # one read from a login shell, whose /etc/profile would reset PATH.
    env["VSCODE_CLI"] = "1"
    common = ["--user-data-dir", str(user_data), "--extensions-dir", str(extensions)]

    install = subprocess.run([str(CODE_SERVER), *common, "--install-extension", str(vsix)], check=False, env=env,
                             capture_output=True, text=True, timeout=120)
    assert install.returncode == 0, f"--install-extension failed:\n{install.stdout}\n{install.stderr}"
    assert any(p.name.startswith("maze.maze-") for p in extensions.iterdir()), install.stdout

    port = _free_port()
    log = tmp_path / "code-server.log"
    with log.open("w") as log_file:
        server = subprocess.Popen(
            [str(CODE_SERVER), *common, "--bind-addr", f"127.0.0.1:{port}", "--auth", "none",
             "--disable-telemetry", "--disable-update-check", "--disable-workspace-trust",
             "--disable-getting-started-override", "--ignore-last-opened", str(workspace)],
            env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        _wait_http(f"http://127.0.0.1:{port}/healthz", server, log)
        shot = tmp_path / "vscode-ghost-text.png"
        drive = subprocess.run(
            [str(NODE), str(E2E / "vscode_e2e.mjs"), "--url", f"http://127.0.0.1:{port}/?folder={workspace}",
             "--file", source.name, "--line", str(sample.line + 1), "--type", typed, "--screenshot", str(shot),
             "--node-modules", str(NODE_MODULES), "--chromium", str(CHROMIUM), "--timeout-ms", "150000"],
            check=False, env=env, capture_output=True, text=True, timeout=420,
        )
    finally:
        os.killpg(server.pid, 15)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, 9)
            server.wait()
    tail = f"\n--- driver stderr ---\n{drive.stderr[-4000:]}\n--- code-server log ---\n{log.read_text(errors='replace')[-3000:]}"
    lines_out = drive.stdout.strip().splitlines()
    assert lines_out, f"the driver printed nothing (exit {drive.returncode}){tail}"
    result = json.loads(lines_out[-1])
    assert result["ok"], f"{result.get('error')}\nstatus: {result.get('statusAtFailure')}{tail}"
    assert result["status"].startswith("maze: ready"), result["status"]
    assert result["commands"] == ["maze.toggle", "maze.restartServer", "maze.showLog"]

    ghost = result["ghost"]
    assert ghost.strip(), "empty ghost text"
    saved = source.read_text(encoding="utf-8")
    start = len("\n".join(lines[: sample.line])) + 1 + len(lines[sample.line])
    expected = original[:start] + typed + ghost + original[start:]
    assert saved == expected, f"Tab did not insert exactly the ghost text {ghost!r}:\n{saved}"

    if os.environ.get("MAZE_UPDATE_SCREENSHOTS") == "1":
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, SCREENSHOT)
