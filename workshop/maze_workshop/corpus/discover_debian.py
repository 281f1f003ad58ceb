"""Discovery of the Debian pins (`maze corpus pin debian`): the librust-*-dev, golang-*-dev and
pure-Python python3-* packages of the apt cache, each pinned if its copyright file (or the crate's
own licence) is permissive and it holds code. Debian is the one registry whose packages need their
code folder found (cargo registry, gocode, dist-packages) and whose copies of one crate need deduping.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

from maze_workshop.corpus import heldout, licenses
from maze_workshop.corpus.pins import PIN_DIR, SKIP_DIRS, Pin, code_files, code_size, write_pins
from maze_workshop.corpus.registry_fetch import debian_download, run_captured

log = logging.getLogger(__name__)


def _apt_records() -> Iterator[dict[str, str]]:
    text = run_captured(["apt-cache", "dumpavail"], timeout=300).stdout
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
    return run_captured(["dpkg", "--compare-versions", a, "gt", b]).returncode == 0


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
    n, b = code_size(root, lang)
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
