"""Where the editor tools live, and the rule for missing ones.

`bash editors/e2e/setup.sh` installs the tools under `.cache/editors/` (or $MAZE_EDITORS_CACHE).
A test whose tools are missing SKIPS only when setup.sh recorded an unreachable registry in
`UNREACHABLE`, and says so loudly; otherwise a missing tool is a failure.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CACHE = Path(os.environ.get("MAZE_EDITORS_CACHE") or ROOT / ".cache" / "editors")
MARKER = CACHE / "UNREACHABLE"
SETUP = "bash editors/e2e/setup.sh"


def unreachable_registries() -> str | None:
    try:
        text = MARKER.read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return text or None


# The registries' names as setup.sh writes them at the start of each line of UNREACHABLE.
APT, PYPI, NPM = "Debian apt", "PyPI", "npm registry"


def require(what: str, *paths: Path, sources: tuple[str, ...]) -> None:
    """Fail unless every path exists; skip instead when setup.sh could not reach one of `sources`."""
    missing = [str(p) for p in paths if not p.exists()]
    if not missing:
        return
    unreachable = [line for line in (unreachable_registries() or "").splitlines()
                   if line.split(":", 1)[0] in sources]
    if unreachable:
        pytest.skip(f"!!! {what} NOT INSTALLED BECAUSE A PACKAGE REGISTRY WAS UNREACHABLE !!! {'; '.join(unreachable)}")
    pytest.fail(f"{what} is not installed (missing: {', '.join(missing)}); run `{SETUP}` first", pytrace=False)


def maze_executable() -> Path:
    """The `maze` command of the Python environment running the tests."""
    beside = Path(sys.executable).parent / "maze"
    if beside.exists():
        return beside
    found = shutil.which("maze")
    if found is None:
        pytest.fail("the `maze` command is not installed in this environment (pip install -e .)", pytrace=False)
    return Path(found)


def tool_env(*extra_bin: Path) -> dict[str, str]:
    """The environment for editor processes: the cache's node/nvim and the venv's `maze` first on PATH."""
    env = dict(os.environ)
    dirs = [str(d) for d in (*extra_bin, maze_executable().parent, CACHE / "bin")]
    env["PATH"] = os.pathsep.join([*dirs, env.get("PATH", "")])
    return env


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    unreachable = unreachable_registries()
    if unreachable is None:
        return
    banner = "EDITOR E2E TESTS SKIPPED: A PACKAGE REGISTRY WAS UNREACHABLE DURING editors/e2e/setup.sh"
    terminalreporter.write_sep("!", banner, red=True, bold=True)
    for line in unreachable.splitlines():
        terminalreporter.write_line(f"  {line}", red=True, bold=True)
