"""`editors/e2e/setup.sh` marks a registry unreachable only for a network failure (issue 15, item 12).

The script runs for real, with `apt-get`, `dpkg-query` and the Python it installs with replaced by
stand-ins on PATH (so nothing is downloaded): "Unable to locate package" from a registry that
answered must fail the setup, not turn the editor tests into skips; a resolver failure must mark it.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _stand_ins(tmp_path: Path, apt_install_output: str) -> dict[str, str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    scripts = {
        "dpkg-query": "exit 1\n",  # nothing is installed
        "apt-get": f'[ "$1" = update ] && exit 0\necho "{apt_install_output}"\nexit 100\n',
        "sudo": '[ "$1" = -n ] && shift\nexec "$@"\n',
        "python-stand-in": "exit 1\n",  # pip cannot install: the PyPI step reports it, offline
    }
    for name, body in scripts.items():
        path = bin_dir / name
        path.write_text("#!/bin/sh\n" + body)
        path.chmod(0o755)
    return {**os.environ, "PATH": f"{bin_dir}:/usr/bin:/bin", "MAZE_EDITORS_CACHE": str(tmp_path / "cache"),
            "PYTHON": str(bin_dir / "python-stand-in")}


def _run(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", str(ROOT / "editors/e2e/setup.sh")], env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def test_a_package_apt_cannot_find_fails_the_setup(tmp_path: Path) -> None:
    done = _run(_stand_ins(tmp_path, "E: Unable to locate package chromium"))
    assert done.returncode == 1, done.stdout[-2000:]
    marker = tmp_path / "cache" / "UNREACHABLE"
    assert not marker.exists() or "apt" not in marker.read_text(), marker.read_text()


def test_a_network_failure_marks_the_registry_unreachable(tmp_path: Path) -> None:
    done = _run(_stand_ins(tmp_path, "Temporary failure resolving 'deb.debian.org'"))
    assert done.returncode == 0, done.stdout[-2000:]
    assert "Debian apt" in (tmp_path / "cache" / "UNREACHABLE").read_text()
