"""Discovery of the npm and PyPI pins (`maze corpus pin npm|pypi|zig`): both take the most used
packages of this workplace's package lists, download them and pin those with a permissive licence,
readable code and no held-out package inside. The ziglang wheels are pinned here too, in `pypi.tsv`.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

from maze_workshop.corpus import heldout, licenses
from maze_workshop.corpus.pins import Pin, code_files, code_size, read_pins, unpack_dir, write_pins
from maze_workshop.corpus.registry_fetch import npm_download, pypi_download, strip_zig

log = logging.getLogger(__name__)

ZIG_VERSIONS = ("0.17.1", "0.16.0", "0.15.2", "0.14.1", "0.13.0.post1", "0.12.1", "0.11.0", "0.10.1.post1", "0.9.1")


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
    n, b = code_size(root, "typescript")
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
    n, b = code_size(folder, "python")
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
        strip_zig(target)
        root = target / "ziglang" / "lib"
        n = b = 0
        for p in code_files(root / "std", "zig"):
            if heldout.zig_path_allowed(p.relative_to(root).as_posix()):
                n += 1
                b += p.stat().st_size
        pins.append(Pin(f"ziglang-{v}", "pypi", "ziglang", v, "zig", "MIT", "ziglang/LICENSE", "ziglang/lib", n, b))
    shutil.rmtree(sources / "zig-tmp", ignore_errors=True)
    return pins
