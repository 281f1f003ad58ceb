"""Pinned registry packages of the v2 corpus: what a pin is, the committed pin files, where a pin is
unpacked and which of its files are code, and `maze corpus pin`. Discovery (`discover_debian.py`,
`discover_npm_pypi.py`), fetching (`registry_fetch.py`) and the build all read pins through this module.

The pins are committed data, one TSV per registry in `pins/` (`debian.tsv`, `npm.tsv`, `pypi.tsv`),
with the columns of `Pin`. A pin is one package = one "repo" of the corpus (a crate, a Go module, a
Python distribution, an npm package, one ziglang version), so the trainer can keep its files together.

Discovery reads candidate names from local lists only (the apt cache for Debian, the package lists of
this workplace for npm and PyPI), downloads them with the registry's own client, reads each one's
licence from the package itself, and pins the permissive ones that hold code in our languages; held-out
packages (`heldout.py`) are never pinned. Fetching is parallel and resumable: a package whose licence
file is already unpacked is skipped.

Unpacked layout: `<sources>/<registry>/<slug>/` (slug = package name with "/" -> "__").
"""

from __future__ import annotations

import argparse
import csv
import logging
import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields
from pathlib import Path

log = logging.getLogger(__name__)

PIN_DIR = Path(__file__).parent / "pins"
EXTENSIONS = {
    "python": (".py",),
    "rust": (".rs",),
    "go": (".go",),
    "typescript": (".ts", ".tsx", ".mts", ".cts", ".js", ".mjs", ".cjs", ".jsx"),
    "zig": (".zig",),
}
# Folders never selected: other projects' copies (vendored), fixtures, build output.
SKIP_DIRS = {"vendor", "_vendor", "vendored", "node_modules", "testdata", "third_party", "third-party", "__pycache__",
             "site-packages", ".git", "bower_components", "fixtures", "__fixtures__", "__snapshots__"}


@dataclass(frozen=True)
class Pin:
    repo: str  # the project's name: crate, Go module path, PyPI/npm name, "ziglang-0.17.1"
    registry: str  # debian | npm | pypi
    package: str  # what the client fetches (without version)
    version: str  # exact version as the registry spells it
    language: str
    license: str  # SPDX expression
    license_file: str  # relative to the unpacked package folder
    root: str  # folder with the code, relative to the unpacked package folder
    files: int  # code files under root (at pin time)
    bytes: int

    @property
    def slug(self) -> str:
        return self.package.replace("/", "__")

    def spec(self) -> str:
        return {"debian": f"{self.package}={self.version}", "npm": f"{self.package}@{self.version}",
                "pypi": f"{self.package}=={self.version}"}[self.registry]


COLUMNS = tuple(f.name for f in fields(Pin))


def read_pins(registries: Iterable[str] = ("debian", "npm", "pypi")) -> list[Pin]:
    out: list[Pin] = []
    for reg in registries:
        path = PIN_DIR / f"{reg}.tsv"
        if not path.is_file():
            continue
        with path.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                out.append(Pin(**{k: (int(row[k]) if k in ("files", "bytes") else row[k]) for k in COLUMNS}))
    return out


def write_pins(registry: str, pins: list[Pin]) -> Path:
    PIN_DIR.mkdir(parents=True, exist_ok=True)
    path = PIN_DIR / f"{registry}.tsv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter="\t", lineterminator="\n")
        w.writerow(COLUMNS)
        for p in sorted(pins, key=lambda p: (p.language, p.repo.lower(), p.package)):
            w.writerow([getattr(p, c) for c in COLUMNS])
    return path


def unpack_dir(sources: Path, registry: str, package: str) -> Path:
    return sources / registry / package.replace("/", "__")


def pin_dir(sources: Path, p: Pin) -> Path:
    """The unpacked folder of a pin (ziglang versions each have their own)."""
    if p.language == "zig":
        return unpack_dir(sources, "pypi", f"ziglang-{p.version}")
    return unpack_dir(sources, p.registry, p.package)


# --- scanning an unpacked package -----------------------------------------------------------------

def code_files(root: Path, language: str) -> Iterator[Path]:
    """Code files of `language` under `root`, skipping vendored/fixture folders, in sorted order."""
    exts = EXTENSIONS[language]
    if not root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith("."))
        for fn in sorted(filenames):
            if fn.endswith(exts) and not fn.endswith((".min.js", ".min.mjs", ".bundle.js")):
                p = Path(dirpath) / fn
                if p.is_file() and not p.is_symlink():
                    yield p


def code_size(root: Path, language: str) -> tuple[int, int]:
    n = b = 0
    for p in code_files(root, language):
        n += 1
        b += p.stat().st_size
    return n, b


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="maze corpus pin", description="discover and pin the v2 corpus packages")
    parser.add_argument("registry", choices=("debian", "npm", "pypi", "zig"),
                        help="zig: the ziglang wheels (pinned in pypi.tsv beside the PyPI projects)")
    parser.add_argument("--sources", type=Path, default=Path(".data/sources-v2"))
    parser.add_argument("--limit", type=int, default=None, help="debian: first N candidates (testing)")
    parser.add_argument("--top", type=int, default=3000, help="npm/pypi: how many of the most used packages to try")
    parser.add_argument("--workers", type=int, default=3)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    from maze_workshop.corpus.discover_debian import pin_debian
    from maze_workshop.corpus.discover_npm_pypi import pin_npm, pin_pypi, zig_pins

    started = time.time()
    if args.registry == "debian":
        pins = pin_debian(args.sources, args.limit, args.workers)
    elif args.registry == "npm":
        pins = pin_npm(args.sources, args.top, args.workers)
    elif args.registry == "zig":
        pins = zig_pins(args.sources)
        write_pins("pypi", [p for p in read_pins(["pypi"]) if p.language != "zig"] + pins)
    else:
        pins = pin_pypi(args.sources, args.top, args.workers)
    log.info("pin %s: %d packages, %.1f MB of code, %.0f s", args.registry, len(pins),
             sum(p.bytes for p in pins) / 1e6, time.time() - started)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
