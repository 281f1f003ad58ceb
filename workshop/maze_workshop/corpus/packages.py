"""The corpus's packages as the build sees them (`Repo`: a pinned registry package or a v1 source),
the selection of their code files, and the per-package work the build runs in worker processes:
read, clean and split the files, decontaminate, and find held-out packages inside.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from maze_workshop.corpus.cleaning import (
    GENERATED,
    MAX_SOURCE_FILE_BYTES,
    Document,
    drop_reason,
    normalise,
    split_bundle,
    split_large,
)

PACKAGE_CAP_BYTES = 6 << 20  # kept bytes (after the filters, before dedupe) of one registry package; v1 and zig exempt
V1_DIR = "v1"  # v1 sources live in <sources>/v1/<name>/ (fetched by `maze corpus fetch`)
_TEST_PART = {"test", "tests", "testing", "__tests__", "spec", "specs", "examples", "example", "benches", "benchmarks",
              "bench", "fuzz", "docs", "doc"}
_TEST_NAME = re.compile(r"(^test_.*\.py$|_test\.(py|go)$|\.(test|spec)\.[cm]?[jt]sx?$|_tests?\.rs$)")


@dataclass(frozen=True)
class Repo:
    """One package of the corpus, as the build sees it."""

    key: str  # unique: "debian:librust-nom-dev", "npm:immer", "pypi:ziglang-0.17.1", "v1:cpython-stdlib"
    name: str  # the project's name (record field `repo`)
    lang: str
    registry: str
    package: str
    version: str
    license: str
    license_file: str
    folder: Path  # the unpacked package
    root: Path  # the folder with its code
    capped: bool = True

    def files(self) -> list[Path]:
        """Candidate code files: the language's files under root (vendored and fixture folders skipped),
        non-test files first (the build stops reading a registry package at PACKAGE_CAP_BYTES kept)."""
        from maze_workshop.corpus.heldout import zig_path_allowed
        from maze_workshop.corpus.pins import code_files

        if self.key.startswith("v1:"):
            from maze_workshop.corpus.sources import SOURCES, iter_source_files

            source = next(s for s in SOURCES if s.name == self.package)
            return list(iter_source_files(source, self.folder.parent))
        files = list(code_files(self.root, self.lang))
        if self.lang == "zig":
            files = [p for p in files if zig_path_allowed(p.relative_to(self.root).as_posix())]
        if not self.capped:
            return files

        def is_test(p: Path) -> bool:
            rel = p.relative_to(self.root)
            return bool(set(rel.parts[:-1]) & _TEST_PART) or bool(_TEST_NAME.search(rel.name))

        files.sort(key=lambda p: (is_test(p), p.as_posix()))
        return files


def repos(sources_dir: Path, languages: tuple[str, ...] = ()) -> list[Repo]:
    """Every package of the corpus: the pinned registry packages and the v1 sources (less v1's zig-std,
    which is the ziglang 0.17.1 pin restricted to lib/std/)."""
    from maze_workshop.corpus.pins import pin_dir, read_pins
    from maze_workshop.corpus.sources import SOURCES

    out: list[Repo] = []
    v1_packages = set()
    for s in SOURCES:
        if s.name == "zig-std" or (languages and s.language not in languages):
            continue
        folder = sources_dir / V1_DIR / s.name
        out.append(Repo(f"v1:{s.name}", s.name, s.language, s.registry, s.name, s.version, s.license, s.license_file,
                        folder, folder / s.root, capped=False))
        v1_packages |= {re.split(r"[=@]", p)[0] for p in s.packages}
    for p in read_pins():
        if (languages and p.language not in languages) or p.package in v1_packages and p.language != "zig":
            continue
        folder = pin_dir(sources_dir, p)
        key = f"{p.registry}:{p.package}" if p.language != "zig" else f"pypi:ziglang-{p.version}"
        out.append(Repo(key, p.repo, p.language, p.registry, p.package, p.version, p.license, p.license_file, folder,
                        folder / p.root, capped=p.language != "zig"))
    return out


# --- v2: per-package work (runs in worker processes) -------------------------------------------------

_PROBLEMS = None


def decontam_problems():  # type: ignore[no-untyped-def]
    global _PROBLEMS
    if _PROBLEMS is None:
        from maze_workshop.corpus.decontam import load_problems

        _PROBLEMS = load_problems()
    return _PROBLEMS


def heldout_violations(repo: Repo, files: list[Path]) -> list[dict]:
    """Held-out packages in one package's selection: its own name, or a copy inside its tree."""
    from maze_workshop.corpus.heldout import held_name, path_match

    out = []
    reg = {"debian": "debian", "npm": "npm", "pypi": "pypi"}.get(repo.registry)
    if reg and repo.lang != "zig" and not repo.key.startswith("v1:"):
        hit = held_name(reg, repo.package) or held_name({"rust": "crates", "go": "go", "python": "pypi",
                                                          "typescript": "npm"}[repo.lang], repo.name)
        if hit:
            out.append({"package": repo.key, "path": "", "held_out": hit})
    base = repo.root if repo.lang == "zig" else repo.folder
    tree = {p.relative_to(base).as_posix() for p in files} if repo.lang == "python" else set()
    for p in files:
        rel = p.relative_to(base).as_posix()
        if (hit := path_match(repo.lang, rel, tree)) is not None:
            out.append({"package": repo.key, "path": rel, "held_out": hit})
    return out


def process_repo(repo: Repo) -> dict:
    """Read, split and filter one package's files; decontaminate; check held-out packages.
    Returns the surviving documents (before dedupe) and the counts."""
    from maze_workshop.corpus.decontam import contamination
    from maze_workshop.corpus.heldout import text_match

    dropped: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    files = repo.files() if repo.root.is_dir() else []
    violations = heldout_violations(repo, files)
    docs: list[Document] = []
    contaminated: list[dict] = []
    probs = decontam_problems()
    nbytes = 0
    kept_bytes = 0
    n_read = 0
    for path in files:
        if repo.capped and kept_bytes >= PACKAGE_CAP_BYTES:
            break
        n_read += 1
        rel = path.relative_to(repo.root).as_posix()
        try:
            raw = path.read_bytes()
        except OSError:
            continue
        nbytes += len(raw)
        if len(raw) > MAX_SOURCE_FILE_BYTES:  # data tables and dumps, even if they split into code-like parts
            dropped["huge"][0] += 1
            dropped["huge"][1] += len(raw)
            continue
        text = normalise(raw)
        if text is None:
            dropped["undecodable"][0] += 1
            dropped["undecodable"][1] += len(raw)
            continue
        if GENERATED.search(text[:3000]):  # judged on the whole file, so that every part of it goes
            dropped["generated"][0] += 1
            dropped["generated"][1] += len(raw)
            continue
        if (hit := text_match(repo.lang, text)) is not None:
            violations.append({"package": repo.key, "path": rel, "held_out": hit})
        modules = (split_bundle(text) if rel.endswith((".js", ".mjs", ".cjs")) else None) or [("", text)]
        for name, module in modules:
            for suffix, piece in split_large(module):
                reason = drop_reason(piece)
                if reason is None and (hit := contamination(piece, probs)) is not None:
                    reason = "decontaminated"
                    contaminated.append({"package": repo.key, "path": rel + name + suffix, "kind": hit[0],
                                         "task": hit[1], "bytes": len(piece.encode())})
                if reason is not None:
                    dropped[reason][0] += 1
                    dropped[reason][1] += len(piece.encode())
                    continue
                docs.append(Document(repo.key, repo.lang, rel + name + suffix, piece, repo.name))
                kept_bytes += len(piece.encode())
    return {"key": repo.key, "docs": docs, "dropped": dict(dropped), "violations": violations,
            "contaminated": contaminated, "files_selected": n_read, "files_available": len(files),
            "bytes_selected": nbytes}
