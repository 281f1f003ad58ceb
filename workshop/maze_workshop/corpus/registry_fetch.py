"""Downloading and unpacking registry packages with each registry's own client (`apt-get download` +
`dpkg-deb`, `npm pack`, `pip download`), in parallel and resumably, and `maze corpus fetch`'s
`fetch_all`: exactly the pinned packages. Discovery downloads its candidates with the same functions.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import tarfile
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from maze_workshop.corpus.pins import Pin, pin_dir, read_pins, unpack_dir

log = logging.getLogger(__name__)


def run_captured(cmd: list[str], cwd: Path | None = None, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, check=False, capture_output=True, text=True, timeout=timeout)


def debian_download(specs: list[str], sources: Path, workers: int = 3, batch: int = 40) -> dict[str, Path]:
    """`apt-get download` in batches (parallel), then `dpkg-deb -x` each into its own folder.
    `specs` are "name=version" (or bare names); returns name -> unpacked folder for those that came."""
    out: dict[str, Path] = {}
    todo = []
    for spec in specs:
        name = spec.split("=", 1)[0]
        target = unpack_dir(sources, "debian", name)
        if (target / ".complete").is_file():
            out[name] = target
        else:
            todo.append(spec)
    batches = [todo[i : i + batch] for i in range(0, len(todo), batch)]

    def one(specs_b: list[str]) -> dict[str, Path]:
        got: dict[str, Path] = {}
        with tempfile.TemporaryDirectory(dir=sources) as tmp_name:
            tmp = Path(tmp_name)
            res = run_captured(["apt-get", "download", *specs_b], tmp)
            if res.returncode != 0:  # one bad name fails the batch: retry one by one
                for spec in specs_b:
                    run_captured(["apt-get", "download", spec], tmp)
            for deb in sorted(tmp.glob("*.deb")):
                name = deb.name.split("_", 1)[0]
                target = unpack_dir(sources, "debian", name)
                shutil.rmtree(target, ignore_errors=True)
                target.mkdir(parents=True)
                if run_captured(["dpkg-deb", "-x", str(deb), str(target)]).returncode == 0:
                    (target / ".complete").write_text(deb.name + "\n")
                    got[name] = target
        return got

    sources.mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(workers) as pool:
        futures = [pool.submit(one, b) for b in batches]
        for i, fut in enumerate(as_completed(futures)):
            out.update(fut.result())
            if i % 5 == 0:
                log.info("debian: %d/%d batches", i + 1, len(batches))
    return out


def npm_download(specs: list[str], sources: Path, workers: int = 4) -> dict[str, Path]:
    """`npm pack NAME@VERSION` each into `<sources>/npm/<slug>/` (the tarball's `package/` inside)."""

    def one(spec: str) -> tuple[str, Path | None]:
        name = spec.rsplit("@", 1)[0] if spec.rfind("@") > 0 else spec
        target = unpack_dir(sources, "npm", name)
        if (target / ".complete").is_file():
            return name, target
        with tempfile.TemporaryDirectory(dir=sources) as tmp_name:
            tmp = Path(tmp_name)
            res = run_captured(["npm", "pack", "--silent", "--ignore-scripts", spec], tmp, timeout=300)
            tgzs = list(tmp.glob("*.tgz"))
            if res.returncode != 0 or not tgzs:
                return name, None
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir(parents=True)
            try:
                with tarfile.open(tgzs[0]) as tar:
                    tar.extractall(target, filter="data")
            except (tarfile.TarError, OSError):
                return name, None
            # some tarballs use another top folder than package/
            if not (target / "package").is_dir():
                tops = [p for p in target.iterdir() if p.is_dir()]
                if len(tops) == 1:
                    tops[0].rename(target / "package")
            (target / ".complete").write_text(tgzs[0].name + "\n")
            return name, target

    return _download_all(one, specs, sources, workers, "npm")


def pypi_download(specs: list[str], sources: Path, workers: int = 4, pure: bool = True) -> dict[str, Path]:
    """`pip download --no-deps --only-binary=:all:` each pure wheel (`pure=False`: this machine's
    platform wheel, for ziglang), unzipped into `<sources>/pypi/<name>/`."""

    def one(spec: str) -> tuple[str, Path | None]:
        name = re.split(r"[=<>!~ ]", spec, maxsplit=1)[0]
        target = unpack_dir(sources, "pypi", name)
        if (target / ".complete").is_file():
            return name, target
        with tempfile.TemporaryDirectory(dir=sources) as tmp_name:
            tmp = Path(tmp_name)
            pin_platform = ["--python-version", "3.11", "--platform", "any"] if pure else []
            run_captured(["python3", "-m", "pip", "download", "--no-deps", "-q", "--only-binary=:all:", *pin_platform,
                  "-d", str(tmp), spec], timeout=600)
            whls = [w for w in tmp.glob("*.whl")]
            if not whls:
                return name, None
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir(parents=True)
            try:
                with zipfile.ZipFile(whls[0]) as zf:
                    zf.extractall(target)
            except (zipfile.BadZipFile, OSError):
                return name, None
            (target / ".complete").write_text(whls[0].name + "\n")
            return name, target

    return _download_all(one, specs, sources, workers, "pypi")


def _download_all(one: Callable[[str], tuple[str, Path | None]], specs: list[str], sources: Path, workers: int,
                  registry: str) -> dict[str, Path]:
    """Run `one` over `specs` in a thread pool: the unpacked folder of every package that downloaded."""
    out: dict[str, Path] = {}
    sources.mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(workers) as pool:
        for i, fut in enumerate(as_completed([pool.submit(one, s) for s in specs])):
            name, target = fut.result()
            if target is not None:
                out[name] = target
            if i % 100 == 0:
                log.info("%s: %d/%d", registry, i + 1, len(specs))
    return out


def strip_zig(target: Path) -> None:
    """Keep only lib/std and the licence of an unpacked ziglang wheel (the binary and libc are big)."""
    for p in (target / "ziglang").iterdir():
        if p.name not in ("lib", "LICENSE"):
            shutil.rmtree(p) if p.is_dir() else p.unlink()
    for p in (target / "ziglang" / "lib").iterdir():
        if p.name != "std":
            shutil.rmtree(p) if p.is_dir() else p.unlink()


def fetch_zig(sources: Path, pins: list[Pin]) -> None:
    for p in pins:
        target = unpack_dir(sources, "pypi", f"ziglang-{p.version}")
        if (target / p.license_file).is_file():
            continue
        got = pypi_download([f"ziglang=={p.version}"], sources / "zig-tmp", pure=False)
        shutil.rmtree(target, ignore_errors=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        got["ziglang"].rename(target)
        strip_zig(target)
    shutil.rmtree(sources / "zig-tmp", ignore_errors=True)


def fetch_all(sources: Path, registries: Iterable[str] = ("debian", "npm", "pypi"), workers: int = 3) -> list[Pin]:
    """Fetch exactly the pinned packages (skipping those already unpacked); fail if a licence file is missing."""
    pins = read_pins(registries)
    zig = [p for p in pins if p.language == "zig"]
    rest = [p for p in pins if p.language != "zig"]
    by_reg: dict[str, list[Pin]] = {}
    for p in rest:
        by_reg.setdefault(p.registry, []).append(p)
    for reg, group in by_reg.items():
        {"debian": debian_download, "npm": npm_download, "pypi": pypi_download}[reg](
            [p.spec() for p in group], sources, workers=workers)
    fetch_zig(sources, zig)
    missing = [p.spec() for p in pins if not (pin_dir(sources, p) / p.license_file).is_file()]
    if missing:
        raise RuntimeError(f"{len(missing)} pinned packages missing after fetch (first: {missing[:5]})")
    return pins
