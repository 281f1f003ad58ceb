#!/usr/bin/env bash
# The test command (README, .ci/run): a fresh venv, maze installed as users get it (not editable),
# the editors' tools from the registries, then every test.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# The bench sandbox (tests/reliability/test_sandbox.py) runs generated code only inside bubblewrap.
if ! command -v bwrap >/dev/null 2>&1; then
  SUDO=()
  [ "$(id -u)" = 0 ] || SUDO=(sudo -n)
  "${SUDO[@]}" apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -q --no-install-recommends bubblewrap >/dev/null
fi
python3 -m venv .venv-test
. .venv-test/bin/activate
python -m pip install -q --upgrade pip
python -m pip install -q ".[test]"
bash editors/e2e/setup.sh
# Run from a folder where `import maze_inference` can only mean the installed wheel.
python -m pytest -q -p no:cacheprovider "$@"
