"""Packages that the training corpus must never contain, in any version of the model.

Two lists, matched the same way and enforced the same way (the build fails if either slips in):

- `RESERVED` (issue 14): packages kept for evaluation by the project, never trained on.
- `REALCODE`: the packages of the "realcode" evaluation (the lead's completion benchmark on real
  multi-file code): pinned here with registry, version, licence and the folder that holds the code,
  so the benchmark can fetch exactly them (`fetch_heldout(dest)` / `maze corpus fetch --heldout DIR`).

A package is matched across registries and name forms (PyPI `more-itertools`, Debian
`python3-more-itertools`, import folder `more_itertools/`; crate `serde_json`, Debian
`librust-serde-json-dev`, feature package `librust-serde+derive-dev`, versioned
`librust-regex-syntax-0.6-dev`; Go module `github.com/spf13/cobra`, Debian
`golang-github-spf13-cobra-dev`, a `vendor/github.com/spf13/cobra/` folder) and inside other
packages' trees (a vendored copy, found by the folder's name plus one of its characteristic files,
or by a crate's `name-X.Y.Z/` folder, or an esbuild `// node_modules/NAME/` marker).

This module imports only the standard library so that benchmarks can import it cheaply.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

# --- what is held out -------------------------------------------------------------------------

RESERVED: dict[str, tuple[str, ...]] = {
    "pypi": ("attrs", "click", "httpx", "more-itertools", "rich"),
    "npm": ("date-fns", "effect", "hono", "rxjs", "@tanstack/query-core", "@tanstack/react-query", "zod"),
    "crates": ("anyhow", "bytes", "clap", "hashbrown", "indexmap", "itertools", "log", "once_cell", "rand", "regex",
               "regex-syntax", "semver", "serde", "serde_json", "smallvec", "thiserror", "tokio"),
    "go": ("github.com/BurntSushi/toml", "github.com/spf13/cobra", "github.com/fsnotify/fsnotify",
           "github.com/google/go-cmp", "github.com/google/uuid", "github.com/gorilla/mux", "github.com/sirupsen/logrus",
           "github.com/spf13/pflag", "github.com/pkg/errors", "github.com/stretchr/testify", "github.com/urfave/cli",
           "github.com/spf13/viper", "gopkg.in/yaml.v3"),
    # ziglang wheels: everything under lib/ outside lib/std/ (enforced by `zig_path_allowed`).
}

# Python import folders of the reserved PyPI projects, with one file that only that project's copy has
# (so an unrelated `click/` folder does not match, while a vendored copy does).
PY_SIGNATURES: dict[str, tuple[str, str]] = {  # import folder -> (project, characteristic file)
    "attr": ("attrs", "_make.py"),
    "attrs": ("attrs", "setters.py"),
    "click": ("click", "core.py"),
    "httpx": ("httpx", "_client.py"),
    "more_itertools": ("more-itertools", "more.py"),
    "rich": ("rich", "console.py"),
}


@dataclass(frozen=True)
class HeldOut:
    """One REALCODE package: where it comes from and which folder of the unpacked tree holds its code."""

    name: str  # the project's own name (PyPI project, npm package, crate, Go module path)
    language: str
    registry: str  # "pypi" | "npm" | "debian"
    package: str  # what the registry client fetches: "tomlkit==0.15.3", "immer@11.2.14", "librust-nom-dev=7.1.1-1"
    version: str
    license: str  # SPDX
    license_file: str  # inside the unpacked tree
    code_dir: str  # inside the unpacked tree
    py_import: str = ""  # Python: the import folder (for vendored-copy detection)
    signature: str = ""  # Python: a characteristic file in that folder


REALCODE: tuple[HeldOut, ...] = (
    # Python (PyPI wheels; all also in Debian as python3-*, excluded there too)
    HeldOut("tomlkit", "python", "pypi", "tomlkit==0.15.3", "0.15.3", "MIT", "tomlkit-0.15.3.dist-info/licenses/LICENSE",
            "tomlkit", "tomlkit", "items.py"),
    HeldOut("marshmallow", "python", "pypi", "marshmallow==4.4.0", "4.4.0", "MIT",
            "marshmallow-4.4.0.dist-info/licenses/LICENSE", "marshmallow", "marshmallow", "schema.py"),
    HeldOut("humanize", "python", "pypi", "humanize==4.17.0", "4.17.0", "MIT",
            "humanize-4.17.0.dist-info/licenses/LICENCE", "humanize", "humanize", "number.py"),
    HeldOut("sqlparse", "python", "pypi", "sqlparse==0.6.1", "0.6.1", "BSD-3-Clause",
            "sqlparse-0.6.1.dist-info/licenses/LICENSE", "sqlparse", "sqlparse", "lexer.py"),
    # TypeScript (npm packages shipping src/*.ts)
    HeldOut("immer", "typescript", "npm", "immer@11.2.14", "11.2.14", "MIT", "package/LICENSE", "package/src"),
    HeldOut("mobx", "typescript", "npm", "mobx@6.15.0", "6.15.0", "MIT", "package/LICENSE", "package/src"),
    HeldOut("@reduxjs/toolkit", "typescript", "npm", "@reduxjs/toolkit@2.9.0", "2.9.0", "MIT", "package/LICENSE",
            "package/src"),
    # Rust (Debian crate sources)
    HeldOut("nom", "rust", "debian", "librust-nom-dev=7.1.1-1", "7.1.1", "MIT",
            "usr/share/cargo/registry/nom-7.1.1/LICENSE", "usr/share/cargo/registry/nom-7.1.1/src"),
    HeldOut("petgraph", "rust", "debian", "librust-petgraph-dev=0.6.2-1", "0.6.2", "MIT OR Apache-2.0",
            "usr/share/cargo/registry/petgraph-0.6.2/LICENSE-MIT", "usr/share/cargo/registry/petgraph-0.6.2/src"),
    HeldOut("csv", "rust", "debian", "librust-csv-dev=1.1.6-1", "1.1.6", "Unlicense OR MIT",
            "usr/share/cargo/registry/csv-1.1.6/LICENSE-MIT", "usr/share/cargo/registry/csv-1.1.6/src"),
    HeldOut("humantime", "rust", "debian", "librust-humantime-dev=2.1.0-1+b1", "2.1.0", "MIT OR Apache-2.0",
            "usr/share/cargo/registry/humantime-2.1.0/LICENSE-MIT", "usr/share/cargo/registry/humantime-2.1.0/src"),
    # Go (Debian module sources)
    HeldOut("github.com/mitchellh/mapstructure", "go", "debian", "golang-github-mitchellh-mapstructure-dev=1.5.0-2",
            "1.5.0", "MIT", "usr/share/doc/golang-github-mitchellh-mapstructure-dev/copyright",
            "usr/share/gocode/src/github.com/mitchellh/mapstructure"),
    HeldOut("github.com/gobwas/glob", "go", "debian", "golang-github-gobwas-glob-dev=0.2.3+git20180208.19c076c-2",
            "0.2.3", "MIT", "usr/share/doc/golang-github-gobwas-glob-dev/copyright",
            "usr/share/gocode/src/github.com/gobwas/glob"),
    HeldOut("github.com/dustin/go-humanize", "go", "debian", "golang-github-dustin-go-humanize-dev=1.0.0-3", "1.0.0",
            "MIT", "usr/share/doc/golang-github-dustin-go-humanize-dev/copyright",
            "usr/share/gocode/src/github.com/dustin/go-humanize"),
    HeldOut("github.com/google/btree", "go", "debian", "golang-github-google-btree-dev=1.0.0-1", "1.0.0", "Apache-2.0",
            "usr/share/doc/golang-github-google-btree-dev/copyright", "usr/share/gocode/src/github.com/google/btree"),
)

# Zig: no permissively licensed Zig source outside ziglang's lib/ was usable in the registries, so whole
# subtrees of lib/std/ are held out of training in every ziglang version; the benchmark uses the newest
# version's copy (REALCODE_ZIG_VERSION).
ZIG_HELDOUT_DIRS: tuple[str, ...] = ("std/json", "std/tar", "std/compress")
REALCODE_ZIG_VERSION = "0.17.1"
REALCODE_ZIG = HeldOut("zig-std-heldout", "zig", "pypi", f"ziglang=={REALCODE_ZIG_VERSION}", REALCODE_ZIG_VERSION,
                       "MIT", "ziglang/LICENSE", "ziglang/lib")


# --- matching -----------------------------------------------------------------------------------

def norm_pypi(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def norm_crate(name: str) -> str:
    return name.lower().replace("_", "-")


def go_debian_name(module: str) -> str:
    """Debian's -dev package stem for a Go module: github.com/spf13/cobra -> golang-github-spf13-cobra."""
    host, _, rest = module.lower().partition("/")
    host = {"github.com": "github", "gopkg.in": "gopkg", "golang.org": "golang", "google.golang.org": "google",
            "gitlab.com": "gitlab", "go.uber.org": "go.uber"}.get(host, host)
    return "golang-" + host + "-" + rest.replace("/", "-")


def _sets() -> dict[str, set[str]]:
    py = {norm_pypi(n) for n in RESERVED["pypi"]} | {norm_pypi(h.name) for h in REALCODE if h.language == "python"}
    npm = set(RESERVED["npm"]) | {h.name for h in REALCODE if h.registry == "npm"}
    crates = {norm_crate(n) for n in RESERVED["crates"]} | {norm_crate(h.name) for h in REALCODE if h.language == "rust"}
    go = {m.lower() for m in RESERVED["go"]} | {h.name.lower() for h in REALCODE if h.language == "go"}
    return {"pypi": py, "npm": npm, "crates": crates, "go": go}


HELD = _sets()
_NPM_SCOPES_HELD = ("@effect/", "@hono/")  # Effect's and Hono's own scoped packages are parts of those projects
_NPM_PREFIX_HELD = ("@tanstack/query-", "@tanstack/react-query")
_PY_ALIASES = {"attr": "attrs", "python-attr": "attrs", "python-attrs": "attrs"}


def _py_signatures() -> dict[str, tuple[str, str]]:
    out = dict(PY_SIGNATURES)
    for h in REALCODE:
        if h.py_import:
            out[h.py_import] = (h.name, h.signature)
    return out


PY_SIGS = _py_signatures()


def held_name(registry: str, name: str) -> str | None:
    """The held-out project that a registry package name denotes, or None.

    `registry` is "pypi", "npm", "crates", "go" or "debian" (then the Debian naming rules of each
    language are applied: python3-*, librust-*-dev, golang-*-dev, node-*)."""
    if registry == "pypi":
        n = norm_pypi(name)
        n = _PY_ALIASES.get(n, n)
        return n if n in HELD["pypi"] else None
    if registry == "npm":
        if name in HELD["npm"] or name.startswith(_NPM_SCOPES_HELD) or name.startswith(_NPM_PREFIX_HELD):
            return name
        return None
    if registry == "crates":
        n = norm_crate(name)
        return n if n in HELD["crates"] else None
    if registry == "go":
        n = name.lower().rstrip("/")
        for mod in HELD["go"]:
            if n == mod or n.startswith(mod + "/"):  # sub-packages and /v2 major versions
                return mod
        return None
    if registry == "debian":
        return _held_debian(name)
    raise ValueError(registry)


def _held_debian(pkg: str) -> str | None:
    pkg = pkg.lower()
    if pkg.startswith("python3-"):
        return held_name("pypi", pkg.removeprefix("python3-"))
    if m := re.match(r"^librust-(.+)-dev$", pkg):
        stem = m.group(1).split("+", 1)[0]  # librust-serde+derive-dev -> serde
        stem = re.sub(r"-\d+(?:\.\d+)*$", "", stem)  # librust-regex-syntax-0.6-dev -> regex-syntax
        return held_name("crates", stem)
    if m := re.match(r"^golang-(.+)-dev$", pkg):
        stem = "golang-" + m.group(1)
        for mod in HELD["go"]:
            deb = go_debian_name(mod)
            if stem == deb or re.fullmatch(re.escape(deb) + r"(?:-v\d+)?", stem):
                return mod
        return None
    if m := re.match(r"^node-(.+)$", pkg):
        name = m.group(1)
        for n in HELD["npm"]:
            if n.lstrip("@").replace("/", "-") == name:
                return n
        return None
    return None


_CRATE_DIR = re.compile(r"(?:^|/)([A-Za-z0-9_-]+?)-(\d+\.\d+\.\d+[^/]*)/")
_GO_PATH = re.compile(r"(?:^|/)((?:github\.com|gopkg\.in|golang\.org|gitlab\.com)/[^/]+(?:/[^/]+)?)(?:/|$)", re.IGNORECASE)
_NODE_MODULES = re.compile(r"(?:^|/)node_modules/((?:@[^/]+/)?[^/]+)/")
_BUNDLE_NODE = re.compile(r"^// node_modules/((?:@[^/]+/)?[^/\s]+)/", re.MULTILINE)


def path_match(language: str, path: str, tree_files: frozenset[str] | set[str] = frozenset()) -> str | None:
    """The held-out project whose (vendored) copy `path` is, or None.

    `path` is relative to the package's unpacked tree (or to any root inside it); `tree_files` is the
    set of paths of the same tree (for Python: a reserved folder counts only if it holds the project's
    characteristic file)."""
    parts = path.split("/")
    if language == "python":
        for i, part in enumerate(parts[:-1]):
            sig = PY_SIGS.get(part)
            if sig and ("/".join(parts[: i + 1] + [sig[1]]) in tree_files or parts[-1] == sig[1]):
                return sig[0]
    if language == "rust":
        for m in _CRATE_DIR.finditer(path):
            if (hit := held_name("crates", m.group(1))) is not None:
                return hit
    if language == "go" or "vendor" in parts:
        low = path.lower()
        for mod in HELD["go"]:
            if ("/" + low).find("/" + mod + "/") >= 0:
                return mod
    if language in ("typescript", "javascript"):
        for m in _NODE_MODULES.finditer(path):
            if (hit := held_name("npm", m.group(1))) is not None:
                return hit
    if language == "zig" and not zig_path_allowed(path):
        return "ziglang lib/ outside lib/std/" if not path.startswith("std/") else "zig-std-heldout"
    return None


def text_match(language: str, text: str) -> str | None:
    """A held-out project named by an esbuild bundle's module marker inside `text`, or None."""
    if language in ("typescript", "javascript"):
        for m in _BUNDLE_NODE.finditer(text):
            if (hit := held_name("npm", m.group(1))) is not None:
                return hit
    return None


def zig_path_allowed(path: str) -> bool:
    """`path` relative to a ziglang wheel's lib/: training may use lib/std/ minus the held-out subtrees."""
    if not path.startswith("std/"):
        return False
    return not any(path == d or path.startswith(d + "/") for d in ZIG_HELDOUT_DIRS)


class HeldOutViolation(RuntimeError):
    """A reserved or held-out package reached the corpus."""


# --- fetching the REALCODE packages -------------------------------------------------------------

def fetch_heldout(dest: Path) -> dict[str, Path]:
    """Download and unpack every REALCODE package into `dest/<lang>/<name>/`; returns name -> code folder.

    Skips packages already unpacked. Zig: the held-out `lib/std/` subtrees of the newest ziglang wheel,
    under `dest/zig/zig-std-heldout/ziglang/lib/std/...`.
    """
    dest = Path(dest).resolve()
    out: dict[str, Path] = {}
    for h in (*REALCODE, REALCODE_ZIG):
        target = dest / h.language / h.name.replace("/", "_")
        if not (target / h.license_file).is_file():
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir(parents=True)
            _fetch_into(h, target)
            if h is REALCODE_ZIG:  # keep only the held-out subtrees and the licence
                lib = target / "ziglang" / "lib"
                for child in sorted((lib / "std").rglob("*"), reverse=True):
                    rel = child.relative_to(lib).as_posix()
                    if child.is_file() and not any(rel.startswith(d + "/") for d in ZIG_HELDOUT_DIRS):
                        child.unlink()
                for child in lib.iterdir():
                    if child.name != "std":
                        shutil.rmtree(child) if child.is_dir() else child.unlink()
                bin_ = target / "ziglang" / "zig"
                if bin_.exists():
                    bin_.unlink()
        out[h.name] = target / h.code_dir
    return out


def _fetch_into(h: HeldOut, target: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        if h.registry == "debian":
            subprocess.run(["apt-get", "download", h.package], cwd=tmp, check=True, capture_output=True)
            for deb in tmp.glob("*.deb"):
                subprocess.run(["dpkg-deb", "-x", str(deb), str(target)], check=True)
        elif h.registry == "npm":
            subprocess.run(["npm", "pack", "--silent", h.package], cwd=tmp, check=True, capture_output=True)
            for tgz in tmp.glob("*.tgz"):
                with tarfile.open(tgz) as tar:
                    tar.extractall(target, filter="data")
        elif h.registry == "pypi":
            subprocess.run(["python3", "-m", "pip", "download", "--no-deps", "-q", "--only-binary=:all:", "-d",
                            str(tmp), h.package], check=True, capture_output=True)
            for whl in tmp.glob("*.whl"):
                with zipfile.ZipFile(whl) as zf:
                    zf.extractall(target)
        else:
            raise ValueError(h.registry)
