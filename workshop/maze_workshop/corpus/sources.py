"""The permissively licensed source code maze learns from and checks its grammars against.

Every source is a pinned package from a registry this project can reach (Debian, npm, PyPI), with
its licence recorded here, so the training corpus and the grammar corpora are reproducible:
`maze corpus fetch DIR` downloads and unpacks exactly these. Nothing else enters the corpus.
"""

from __future__ import annotations

import fnmatch
import logging
import shutil
import subprocess
import tarfile
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Source:
    name: str
    language: str  # a languages.Language id
    registry: str  # "debian" | "npm" | "pypi"
    packages: tuple[str, ...]  # pinned: "name=version" (debian), "name@version" (npm), "name==version" (pypi)
    version: str
    license: str  # SPDX expression
    license_file: str  # path inside the unpacked tree
    root: str  # folder inside the unpacked tree that holds the code
    include: tuple[str, ...]  # globs relative to root
    exclude: tuple[str, ...] = ()


SOURCES: tuple[Source, ...] = (
    Source(
        name="cpython-stdlib",
        language="python",
        registry="debian",
        packages=(
            "libpython3.11-minimal=3.11.2-6+deb12u8",
            "libpython3.11-stdlib=3.11.2-6+deb12u8",
            "libpython3.11-testsuite=3.11.2-6+deb12u8",
        ),
        version="3.11.2",
        license="PSF-2.0",
        license_file="usr/share/doc/libpython3.11-minimal/copyright",
        root="usr/lib/python3.11",
        include=("**/*.py",),
        exclude=("**/lib2to3/tests/data/**", "**/test/badsyntax_*", "**/test/bad_coding*", "**/site-packages/**"),
    ),
    Source(
        name="typescript",
        language="typescript",
        registry="npm",
        packages=("typescript@5.9.3",),
        version="5.9.3",
        license="Apache-2.0",
        license_file="package/LICENSE.txt",
        root="package/lib",
        include=("*.d.ts", "*.js"),
    ),
    Source(
        name="go",
        language="go",
        registry="debian",
        packages=("golang-1.19-src=1.19.8-2",),
        version="1.19.8",
        license="BSD-3-Clause",
        license_file="usr/share/doc/golang-1.19-src/copyright",
        root="usr/share/go-1.19/src",
        include=("**/*.go",),
        exclude=("**/testdata/**", "**/vendor/**"),
    ),
    Source(
        name="rust",
        language="rust",
        registry="debian",
        packages=("rust-src=1.63.0+dfsg1-2",),
        version="1.63.0",
        license="MIT OR Apache-2.0",
        license_file="usr/src/rustc-1.63.0/COPYRIGHT",
        root="usr/src/rustc-1.63.0",
        include=("library/**/*.rs", "compiler/**/*.rs"),
        exclude=("**/tests/ui/**",),
    ),
    Source(
        name="zig-std",
        language="zig",
        registry="pypi",
        packages=("ziglang==0.17.1",),
        version="0.17.1",
        license="MIT",
        license_file="ziglang/LICENSE",
        root="ziglang/lib",
        include=("std/**/*.zig", "compiler/**/*.zig", "*.zig"),
    ),
)


def _run(cmd: list[str], cwd: Path) -> None:
    log.info("fetch: %s", " ".join(cmd))
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL)


def _fetch_one(source: Source, dest: Path) -> None:
    """Download `source` with its registry's own client and unpack it into `dest`."""
    dest = dest.resolve()
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        if source.registry == "debian":
            _run(["apt-get", "download", *source.packages], tmp)
            for deb in sorted(tmp.glob("*.deb")):
                _run(["dpkg-deb", "-x", str(deb), str(dest)], tmp)
        elif source.registry == "npm":
            _run(["npm", "pack", "--silent", *source.packages], tmp)
            for tgz in tmp.glob("*.tgz"):
                with tarfile.open(tgz) as tar:
                    tar.extractall(dest, filter="data")
        elif source.registry == "pypi":
            _run(["python3", "-m", "pip", "download", "--no-deps", "-q", "-d", str(tmp), *source.packages], tmp)
            for whl in tmp.glob("*.whl"):
                with zipfile.ZipFile(whl) as zf:
                    zf.extractall(dest)
        else:
            raise ValueError(f"unknown registry {source.registry!r}")


def fetch_sources(dest: Path, names: tuple[str, ...] = ()) -> None:
    """Fetch every source (or those named) into `dest/<source.name>/`, skipping ones already there."""
    for source in SOURCES:
        if names and source.name not in names:
            continue
        target = dest / source.name
        if (target / source.license_file).is_file():
            log.info("fetch: %s already present", source.name)
            continue
        shutil.rmtree(target, ignore_errors=True)
        _fetch_one(source, target)
        if not (target / source.license_file).is_file():
            raise RuntimeError(f"{source.name}: licence file {source.license_file} missing after unpacking")


def iter_source_files(source: Source, dest: Path) -> Iterator[Path]:
    """The files of one fetched source that the include/exclude globs select, in a stable order."""
    root = dest / source.name / source.root
    seen: set[Path] = set()
    for pattern in source.include:
        for path in sorted(root.glob(pattern)):
            rel = path.relative_to(root).as_posix()
            if path in seen or not path.is_file():
                continue
            if any(fnmatch.fnmatch(rel, ex) or fnmatch.fnmatch("/" + rel, ex) for ex in source.exclude):
                continue
            seen.add(path)
            yield path


def sources_for_language(language: str) -> tuple[Source, ...]:
    return tuple(s for s in SOURCES if s.language == language)
