"""Pinned registry packages of the v2 corpus: discover them (`maze corpus pin`), fetch exactly them
(`maze corpus fetch`), and read them back for the build.

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
import json
import logging
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
import time
import zipfile
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, fields
from pathlib import Path

from maze_workshop.corpus import heldout, licenses

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
ZIG_VERSIONS = ("0.17.1", "0.16.0", "0.15.2", "0.14.1", "0.13.0.post1", "0.12.1", "0.11.0", "0.10.1.post1", "0.9.1")


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


# --- fetching ------------------------------------------------------------------------------------

def _run(cmd: list[str], cwd: Path | None = None, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, check=False, capture_output=True, text=True, timeout=timeout)


def unpack_dir(sources: Path, registry: str, package: str) -> Path:
    return sources / registry / package.replace("/", "__")


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
            res = _run(["apt-get", "download", *specs_b], tmp)
            if res.returncode != 0:  # one bad name fails the batch: retry one by one
                for spec in specs_b:
                    _run(["apt-get", "download", spec], tmp)
            for deb in sorted(tmp.glob("*.deb")):
                name = deb.name.split("_", 1)[0]
                target = unpack_dir(sources, "debian", name)
                shutil.rmtree(target, ignore_errors=True)
                target.mkdir(parents=True)
                if _run(["dpkg-deb", "-x", str(deb), str(target)]).returncode == 0:
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
    out: dict[str, Path] = {}

    def one(spec: str) -> tuple[str, Path | None]:
        name = spec.rsplit("@", 1)[0] if spec.rfind("@") > 0 else spec
        target = unpack_dir(sources, "npm", name)
        if (target / ".complete").is_file():
            return name, target
        with tempfile.TemporaryDirectory(dir=sources) as tmp_name:
            tmp = Path(tmp_name)
            res = _run(["npm", "pack", "--silent", "--ignore-scripts", spec], tmp, timeout=300)
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

    sources.mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(workers) as pool:
        for i, fut in enumerate(as_completed([pool.submit(one, s) for s in specs])):
            name, target = fut.result()
            if target is not None:
                out[name] = target
            if i % 100 == 0:
                log.info("npm: %d/%d", i + 1, len(specs))
    return out


def pypi_download(specs: list[str], sources: Path, workers: int = 4, pure: bool = True) -> dict[str, Path]:
    """`pip download --no-deps --only-binary=:all:` each pure wheel (`pure=False`: this machine's
    platform wheel, for ziglang), unzipped into `<sources>/pypi/<name>/`."""
    out: dict[str, Path] = {}

    def one(spec: str) -> tuple[str, Path | None]:
        name = re.split(r"[=<>!~ ]", spec, maxsplit=1)[0]
        target = unpack_dir(sources, "pypi", name)
        if (target / ".complete").is_file():
            return name, target
        with tempfile.TemporaryDirectory(dir=sources) as tmp_name:
            tmp = Path(tmp_name)
            pin_platform = ["--python-version", "3.11", "--platform", "any"] if pure else []
            _run(["python3", "-m", "pip", "download", "--no-deps", "-q", "--only-binary=:all:", *pin_platform,
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

    sources.mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(workers) as pool:
        for i, fut in enumerate(as_completed([pool.submit(one, s) for s in specs])):
            name, target = fut.result()
            if target is not None:
                out[name] = target
            if i % 100 == 0:
                log.info("pypi: %d/%d", i + 1, len(specs))
    return out


def fetch_pins(sources: Path, registries: Iterable[str] = ("debian", "npm", "pypi"), workers: int = 3) -> list[Pin]:
    """Fetch exactly the pinned packages (skipping those already unpacked); fail if a licence file is missing."""
    pins = read_pins(registries)
    by_reg: dict[str, list[Pin]] = {}
    for p in pins:
        by_reg.setdefault(p.registry, []).append(p)
    for reg, group in by_reg.items():
        specs = [p.spec() for p in group]
        {"debian": debian_download, "npm": npm_download, "pypi": pypi_download}[reg](specs, sources, workers=workers)
    missing = [p.spec() for p in pins if not (unpack_dir(sources, p.registry, p.package) / p.license_file).is_file()]
    if missing:
        raise RuntimeError(f"{len(missing)} pinned packages missing after fetch (first: {missing[:5]})")
    return pins


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


def _size(root: Path, language: str) -> tuple[int, int]:
    n = b = 0
    for p in code_files(root, language):
        n += 1
        b += p.stat().st_size
    return n, b


# --- discovery: Debian --------------------------------------------------------------------------------

def _apt_records() -> Iterator[dict[str, str]]:
    text = _run(["apt-cache", "dumpavail"], timeout=300).stdout
    for block in text.split("\n\n"):
        rec: dict[str, str] = {}
        for line in block.split("\n"):
            if line and not line[0].isspace() and ":" in line:
                k, _, v = line.partition(":")
                rec[k] = v.strip()
        if "Package" in rec:
            yield rec


def debian_candidates() -> dict[str, tuple[str, str]]:
    """name -> (version, language) of librust-*-dev, golang-*-dev and pure-Python python3-* packages."""
    out: dict[str, tuple[str, str]] = {}
    for rec in _apt_records():
        name = rec["Package"]
        lang = None
        if re.fullmatch(r"librust-[a-z0-9.+-]+-dev", name) and "+" not in name:
            lang = "rust"
        elif re.fullmatch(r"golang-[a-z0-9.+-]+-dev", name) and not name.startswith(("golang-1.", "golang-go")):
            lang = "go"
        elif (name.startswith("python3-") and rec.get("Architecture") == "all"
              and not name.endswith(("-doc", "-dbg", "-tests", "-test", "-examples"))):
            lang = "python"
        if lang is None or int(rec.get("Installed-Size", "0")) < 8:
            continue
        if heldout.held_name("debian", name):
            continue
        prev = out.get(name)
        if prev is None or _deb_newer(rec["Version"], prev[0]):
            out[name] = (rec["Version"], lang)
    return out


def _deb_newer(a: str, b: str) -> bool:
    return _run(["dpkg", "--compare-versions", a, "gt", b]).returncode == 0


def _go_root(src: Path) -> Path | None:
    """The deepest folder that holds every .go file of a golang-*-dev package."""
    dirs = {p.parent for p in src.rglob("*.go") if not (set(p.relative_to(src).parts) & SKIP_DIRS)}
    if not dirs:
        return None
    common = os.path.commonpath([str(d) for d in dirs])
    return Path(common)


def pin_debian_package(name: str, version: str, lang: str, folder: Path) -> Pin | None:
    """Pin one unpacked Debian package if its licence is permissive and it holds code, else None."""
    copyright_file = folder / "usr/share/doc" / name / "copyright"
    copyright_text = copyright_file.read_text(encoding="utf-8", errors="replace") if copyright_file.is_file() else ""
    lic_file = copyright_file
    if lang == "rust":
        crates = sorted((folder / "usr/share/cargo/registry").glob("*/Cargo.toml"))
        if len(crates) != 1:
            return None
        root = crates[0].parent
        lic = licenses.cargo_license(crates[0])
        try:
            import tomllib

            repo = tomllib.loads(crates[0].read_text(encoding="utf-8"))["package"]["name"]
        except Exception:  # noqa: BLE001 - a broken Cargo.toml: not pinned
            return None
        if heldout.held_name("crates", repo):
            return None
        if lic is not None and (own := licenses.find_license_file(root)) is not None:
            lic_file = own
        deb_lic = licenses.debian_copyright(copyright_text) if copyright_text else None
        if lic is None:
            lic = deb_lic
        elif copyright_text and deb_lic is None and _dep5_has_copyleft(copyright_text):
            return None  # some upstream files under a copyleft licence
    elif lang == "go":
        src = folder / "usr/share/gocode/src"
        root = _go_root(src) if src.is_dir() else None
        if root is None:
            return None
        repo = root.relative_to(src).as_posix()
        if heldout.held_name("go", repo) or repo in (".", ""):
            if repo in (".", ""):
                repo = name
            else:
                return None
        lic = licenses.debian_copyright(copyright_text)
        if (own := licenses.find_license_file(root)) is not None:
            lic_file = own
    else:
        root = folder / "usr/lib/python3/dist-packages"
        repo = name.removeprefix("python3-")
        lic = licenses.debian_copyright(copyright_text)
        if lic is not None and root.is_dir():  # a reserved project inside: never pin
            tree = {p.relative_to(root).as_posix() for p in code_files(root, "python")}
            if any(heldout.path_match("python", t, tree) for t in tree):
                return None
    if lic is None or not root.is_dir() or not lic_file.is_file():
        return None
    n, b = _size(root, lang)
    if n == 0 or b < 1000:
        return None
    return Pin(repo, "debian", name, version, lang, lic, lic_file.relative_to(folder).as_posix(),
               root.relative_to(folder).as_posix(), n, b)


def _dep5_has_copyleft(text: str) -> bool:
    return bool(re.search(r"^License:\s*(?:L|A)?GPL", text, re.MULTILINE))


def pin_debian(sources: Path, limit: int | None = None, workers: int = 3) -> list[Pin]:
    cands = debian_candidates()
    names = sorted(cands)[:limit] if limit else sorted(cands)
    log.info("debian: %d candidates", len(names))
    got = debian_download([f"{n}={cands[n][0]}" for n in names], sources, workers=workers)
    pins: list[Pin] = []
    rejected: list[str] = []
    for n in names:
        if n not in got:
            rejected.append(f"{n}\tnot downloaded")
            continue
        pin = pin_debian_package(n, cands[n][0], cands[n][1], got[n])
        if pin is None:
            rejected.append(f"{n}\tlicence or no code")
            shutil.rmtree(got[n], ignore_errors=True)
        else:
            pins.append(pin)
    _dedupe_repos(pins)
    write_pins("debian", pins)
    (PIN_DIR / "debian-rejected.txt").write_text("\n".join(rejected) + "\n")
    log.info("debian: %d pinned, %d rejected", len(pins), len(rejected))
    return pins


def _dedupe_repos(pins: list[Pin]) -> None:
    """Two Debian packages of one crate (semver-versioned copies, e.g. nom 7 and nom-3): keep the
    newest only, older copies are near-duplicates that would over-weight one project."""
    best: dict[tuple[str, str], Pin] = {}
    for p in pins:
        key = (p.language, p.repo.lower())
        if key not in best or _version_key(p.version) > _version_key(best[key].version):
            best[key] = p
    keep = set(map(id, best.values()))
    pins[:] = [p for p in pins if id(p) in keep]


def _version_key(v: str) -> tuple:
    return tuple(int(x) if x.isdigit() else 0 for x in re.split(r"[.+~:-]", v)[:4])


# --- discovery: npm -------------------------------------------------------------------------------

def _list_rows(path: Path) -> Iterator[list[str]]:
    with path.open(encoding="utf-8", errors="replace") as fh:
        next(fh)
        for line in fh:
            yield line.rstrip("\n").split("\t")


def npm_candidates(n: int) -> list[tuple[str, str]]:
    """The `n` most downloaded npm packages of the workplace list (name, version), held-out ones and
    type-only (@types/*) packages left out."""
    rows = []
    for row in _list_rows(Path("/work/.library/env/packages/npm.tsv")):
        if len(row) < 3 or not row[2].isdigit():
            continue
        name, version, downloads = row[0], row[1], int(row[2])
        if heldout.held_name("npm", name) or name.startswith("@types/"):
            continue
        rows.append((downloads, name, version))
    rows.sort(reverse=True)
    return [(name, version) for _, name, version in rows[:n]]


def _readable_js(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")[:20000]
    except OSError:
        return False
    if not text.strip():
        return False
    lines = text.split("\n")
    return len(text) / max(1, len(lines)) < 80 and max(map(len, lines)) < 1000


def pin_npm_package(name: str, folder: Path) -> Pin | None:
    pkg = folder / "package"
    pj = pkg / "package.json"
    if not pj.is_file():
        return None
    try:
        meta = json.loads(pj.read_text(encoding="utf-8"))
    except ValueError:
        return None
    lic = licenses.npm_license(pj)
    if lic is None:
        own = licenses.find_license_file(pkg)
        text = own.read_text(encoding="utf-8", errors="replace") if own else ""
        lic = licenses.debian_copyright(text) if text else None
    if lic is None:
        return None
    lic_file = licenses.find_license_file(pkg) or pj
    # Prefer TypeScript sources; else readable JavaScript of the package (no bundles/minified).
    root = None
    for cand in ("src", "source", "lib", "."):
        d = pkg / cand if cand != "." else pkg
        ts = [p for p in code_files(d, "typescript") if p.suffix in (".ts", ".tsx", ".mts", ".cts")
              and not p.name.endswith(".d.ts")]
        if cand in ("src", "source") and ts:
            root = d
            break
    if root is None:
        js = [p for p in code_files(pkg, "typescript") if not p.name.endswith(".d.ts")]
        js = [p for p in js if p.suffix in (".ts", ".tsx") or _readable_js(p)]
        if sum(p.stat().st_size for p in js) < 4000:
            return None
        root = pkg
    n, b = _size(root, "typescript")
    if n == 0 or _npm_holds_heldout(root, folder):
        return None
    return Pin(name, "npm", name, str(meta.get("version", "")), "typescript", lic,
               lic_file.relative_to(folder).as_posix(), root.relative_to(folder).as_posix(), n, b)


def _npm_holds_heldout(root: Path, folder: Path) -> bool:
    """A bundled copy of a held-out package (node_modules path, or an esbuild `// node_modules/NAME/` marker
    in a file): such a package is not pinned (e.g. playwright-core bundles zod)."""
    for p in code_files(root, "typescript"):
        rel = p.relative_to(folder).as_posix()
        if heldout.path_match("typescript", rel):
            return True
        try:
            text = p.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if "node_modules/" in text and heldout.text_match("typescript", text):
            return True
    return False


def pin_npm(sources: Path, n: int, workers: int = 4) -> list[Pin]:
    cands = npm_candidates(n)
    got = npm_download([f"{a}@{v}" for a, v in cands], sources, workers=workers)
    pins = []
    for name, _ in cands:
        if name in got and (pin := pin_npm_package(name, got[name])) is not None:
            pins.append(pin)
        elif name in got:
            shutil.rmtree(got[name], ignore_errors=True)
    write_pins("npm", pins)
    log.info("npm: %d of %d candidates pinned", len(pins), len(cands))
    return pins


# --- discovery: PyPI --------------------------------------------------------------------------------

def pypi_candidates(n: int, skip: set[str]) -> list[tuple[str, str]]:
    """The `n` highest-ranked PyPI projects of the workplace list (name, version), minus held-out ones
    and those `skip` names (normalised; the Debian python3-* packages already pinned)."""
    rows = []
    for row in _list_rows(Path("/work/.library/env/packages/pypi.tsv")):
        if len(row) < 4 or not row[3].strip().isdigit():
            continue
        name, version, rank = row[0], row[1], int(row[3])
        if heldout.held_name("pypi", name) or heldout.norm_pypi(name) in skip:
            continue
        rows.append((rank, name, version))
    rows.sort()
    return [(name, version) for _, name, version in rows[:n]]


def pin_pypi_package(name: str, folder: Path) -> Pin | None:
    infos = list(folder.glob("*.dist-info"))
    if len(infos) != 1 or not (infos[0] / "METADATA").is_file():
        return None
    info = infos[0]
    wheel = (info / "WHEEL").read_text(errors="replace") if (info / "WHEEL").is_file() else ""
    if "Root-Is-Purelib: true" not in wheel:
        return None
    lic_files = sorted(p for p in info.rglob("*") if p.is_file() and re.match(r"(?i)(licen[cs]e|copying|notice)",
                                                                              p.name))
    lic_text = lic_files[0].read_text(encoding="utf-8", errors="replace") if lic_files else ""
    lic = licenses.pypi_license(info / "METADATA", lic_text)
    if lic is None or not lic_files:
        return None
    tree = {p.relative_to(folder).as_posix() for p in code_files(folder, "python")}
    if any(heldout.path_match("python", t, tree) for t in tree):
        return None
    n, b = _size(folder, "python")
    if n == 0 or b < 1000:
        return None
    version = info.name.removesuffix(".dist-info").rsplit("-", 1)[-1]
    return Pin(name, "pypi", name, version, "python", lic, lic_files[0].relative_to(folder).as_posix(), ".", n, b)


def pin_pypi(sources: Path, n: int, workers: int = 4) -> list[Pin]:
    skip = {heldout.norm_pypi(p.repo) for p in read_pins(["debian"]) if p.language == "python"}
    cands = pypi_candidates(n, skip)
    got = pypi_download([f"{a}=={v}" for a, v in cands], sources, workers=workers)
    pins = [pin for name, _ in cands if name in got and (pin := pin_pypi_package(name, got[name])) is not None]
    pinned = {p.package for p in pins}
    for name in got:
        if name not in pinned:
            shutil.rmtree(got[name], ignore_errors=True)
    pins += [p for p in read_pins(["pypi"]) if p.language == "zig"] or zig_pins(sources)
    write_pins("pypi", pins)
    log.info("pypi: %d of %d candidates pinned", len(pins), len(cands))
    return pins


def zig_pins(sources: Path) -> list[Pin]:
    """One pin per ziglang wheel version: its lib/std/ (minus the held-out subtrees, see heldout.py)."""
    pins = []
    for v in ZIG_VERSIONS:
        got = pypi_download([f"ziglang=={v}"], sources / "zig-tmp", pure=False)
        if "ziglang" not in got:
            log.warning("zig: ziglang==%s not available", v)
            continue
        target = unpack_dir(sources, "pypi", f"ziglang-{v}")
        shutil.rmtree(target, ignore_errors=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        got["ziglang"].rename(target)
        _strip_zig(target)
        root = target / "ziglang" / "lib"
        n = b = 0
        for p in code_files(root / "std", "zig"):
            if heldout.zig_path_allowed(p.relative_to(root).as_posix()):
                n += 1
                b += p.stat().st_size
        pins.append(Pin(f"ziglang-{v}", "pypi", "ziglang", v, "zig", "MIT", "ziglang/LICENSE", "ziglang/lib", n, b))
    shutil.rmtree(sources / "zig-tmp", ignore_errors=True)
    return pins


def _strip_zig(target: Path) -> None:
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
        _strip_zig(target)
    shutil.rmtree(sources / "zig-tmp", ignore_errors=True)


def pin_dir(sources: Path, p: Pin) -> Path:
    """The unpacked folder of a pin (ziglang versions each have their own)."""
    if p.language == "zig":
        return unpack_dir(sources, "pypi", f"ziglang-{p.version}")
    return unpack_dir(sources, p.registry, p.package)


def fetch_all(sources: Path, registries: Iterable[str] = ("debian", "npm", "pypi"), workers: int = 3) -> list[Pin]:
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


