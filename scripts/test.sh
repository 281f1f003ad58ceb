#!/usr/bin/env bash
# The test command (README, .ci/run): a fresh venv, maze installed as users get it (not editable),
# the editors' tools from the registries, then every test.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
python3 -m venv .venv-test
. .venv-test/bin/activate
python -m pip install -q --upgrade pip
python -m pip install -q ".[test]"
bash editors/e2e/setup.sh
# Run from a folder where `import maze_inference` can only mean the installed wheel.
python -m pytest -q -p no:cacheprovider "$@"
