"""One code-server for the VS Code tests, set up as docs/editors.md tells a newcomer to.

The extension is built and installed by running the build block of the docs' VS Code section
(`cd editors/vscode`, `npm ci`, `npm run package`, `code --install-extension maze.vsix`, with
code-server's CLI as `code`). code-server's environment has no `maze` on PATH and a HOME of its own
with `~/.venvs/maze/bin/maze` (where the docs install it), so a server starts only when the User
settings' `maze.serverCommand` is honoured. Scenarios run in headless Chromium through
`editors/e2e/vscode_e2e.mjs`; screenshots go to an artefacts folder that the tests print.
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
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.doc_blocks import ROOT, section_blocks
from tests.editors.conftest import CACHE, maze_executable

EDITORS_DOC = ROOT / "docs" / "editors.md"
EXTENSION = ROOT / "editors" / "vscode"
DRIVER = ROOT / "editors" / "e2e" / "vscode_e2e.mjs"
NODE = CACHE / "bin" / "node"
NPM_CLI = CACHE / "bin" / "npm"
CODE_SERVER = CACHE / "node" / "node_modules" / ".bin" / "code-server"
NODE_MODULES = CACHE / "node" / "node_modules"
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("MAZE_E2E_ARTIFACTS") or ROOT / ".artifacts" / "editors")

# Test-only settings that make the screen quiet and the run deterministic; never maze's own.
QUIET = {
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


def docs_settings() -> dict[str, Any]:
    """The `settings.json` example of the docs' VS Code section, comments removed."""
    (block,) = section_blocks(EDITORS_DOC, "3. VS Code", "jsonc")
    return json.loads("\n".join(line for line in block.text.split("\n") if not line.lstrip().startswith("//")))


def _environment(home: Path, marker: str) -> dict[str, str]:
    """PATH without any `maze`, HOME with the docs' install location, and a marker to find our processes by."""
    env = dict(os.environ)
    path = [d for d in env.get("PATH", "").split(os.pathsep) if d and not (Path(d) / "maze").exists()]
    env["PATH"] = os.pathsep.join([str(CACHE / "bin"), *path])
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), XDG_DATA_HOME=str(home / ".local" / "share"),
               MAZE_E2E_RUN=marker)
    # The extension host takes this environment as it is instead of one read from a login shell.
    env["VSCODE_CLI"] = "1"
    return env


class CodeServer:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.home = root / "home"
        venv_bin = self.home / ".venvs" / "maze" / "bin"
        venv_bin.mkdir(parents=True)
        (venv_bin / "maze").symlink_to(maze_executable())  # what the docs' install step leaves there
        self.user_data = root / "user-data"
        (self.user_data / "User").mkdir(parents=True)
        self.extensions = root / "extensions"
        self.marker = uuid.uuid4().hex
        self.env = _environment(self.home, self.marker)
        self.common = ["--user-data-dir", str(self.user_data), "--extensions-dir", str(self.extensions)]
        self.log = root / "code-server.log"
        self.artifacts = ARTIFACTS / time.strftime("%Y%m%d-%H%M%S")
        self.artifacts.mkdir(parents=True, exist_ok=True)
        print(f"\nVS Code e2e artefacts (screenshots): {self.artifacts}")
        self.proc: subprocess.Popen | None = None
        self.port = 0

    def build_and_install_as_documented(self) -> None:
        """Run the docs' build block: `cd`, `npm ...`, and `code` as code-server's CLI."""
        (block,) = section_blocks(EDITORS_DOC, "3. VS Code", "sh")
        from tests.doc_blocks import commands

        cwd = ROOT
        for command in commands(block):
            program, *args = command.argv
            if program == "cd":
                cwd = ROOT / args[0]
                continue
            if program == "npm":
                argv = [str(NPM_CLI), *args]
            elif program == "code":
                argv = [str(CODE_SERVER), *self.common, *args]
            else:
                pytest.fail(f"{command.where}: the walkthrough does not know how to run {command.text!r}", pytrace=False)
            done = subprocess.run(argv, cwd=cwd, env=self.env, capture_output=True, text=True, timeout=300, check=False)
            assert done.returncode == 0, f"{command.where}: {command.text} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        assert any(p.name.startswith("maze.maze-") for p in self.extensions.iterdir()), "the extension was not installed"

    def write_user_settings(self, settings: dict[str, Any]) -> None:
        (self.user_data / "User" / "settings.json").write_text(json.dumps({**QUIET, **settings}, indent=2), encoding="utf-8")

    def start(self) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        with self.log.open("w") as log_file:
            self.proc = subprocess.Popen(
                [str(CODE_SERVER), *self.common, "--bind-addr", f"127.0.0.1:{self.port}", "--auth", "none",
                 "--disable-telemetry", "--disable-update-check", "--disable-workspace-trust",
                 "--disable-getting-started-override", "--ignore-last-opened",
                 # A closed browser session's extension host (and its maze server) waits this long for
                 # the browser to come back; the default is 3 hours.
                 "--reconnection-grace-time", "5"],
                env=self.env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True,
            )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"code-server exited with {self.proc.returncode}:\n{self.tail()}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2):
                    return
            except (urllib.error.URLError, OSError):
                time.sleep(0.5)
        pytest.fail(f"code-server did not answer within 90 s:\n{self.tail()}")

    def url(self, folder: Path) -> str:
        return f"http://127.0.0.1:{self.port}/?folder={folder}"

    def workspace(self, name: str, files: dict[str, str]) -> Path:
        folder = self.root / name
        for relative, text in files.items():
            (folder / relative).parent.mkdir(parents=True, exist_ok=True)
            (folder / relative).write_text(text, encoding="utf-8")
        return folder

    def run(self, scenario: str, params: dict[str, Any], timeout: int = 420) -> dict[str, Any]:
        """Run a driver scenario; its result, after failing the test with the context if it failed."""
        drive = subprocess.run(
            [str(NODE), str(DRIVER), "--scenario", scenario, "--params", json.dumps(params),
             "--node-modules", str(NODE_MODULES), "--chromium", str(CHROMIUM), "--out", str(self.artifacts),
             "--timeout-ms", "150000"],
            env=self.env, capture_output=True, text=True, timeout=timeout, check=False,
        )
        lines = drive.stdout.strip().splitlines()
        context = f"\n--- driver stderr ---\n{drive.stderr[-4000:]}\n--- maze log ---\n{self.maze_log()[-3000:]}"
        assert lines, f"the driver printed nothing (exit {drive.returncode}){context}"
        result = json.loads(lines[-1])
        assert result["ok"], f"{scenario}: {result.get('error')}\nstatus: {result.get('statusAtFailure')}\n" \
                             f"toasts: {result.get('toastsAtFailure')}\nartefacts: {self.artifacts}{context}"
        return result

    def maze_log(self) -> str:
        """The extension's output channel ("maze") of the newest window."""
        logs = sorted(self.user_data.glob("logs/*/exthost*/maze.maze/maze.log"), key=lambda p: p.stat().st_mtime)
        return logs[-1].read_text(errors="replace") if logs else "(no maze log)"

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, 15)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, 9)
                self.proc.wait()

    def keep_screenshot(self, name: str, *, for_docs: bool = True) -> Path:
        """A screenshot of the run; copied into docs/img/ when MAZE_UPDATE_SCREENSHOTS=1 and the docs show it."""
        shot = self.artifacts / name
        assert shot.exists(), f"no screenshot {shot}"
        if for_docs and os.environ.get("MAZE_UPDATE_SCREENSHOTS") == "1":
            shutil.copyfile(shot, ROOT / "docs" / "img" / name)
        return shot
