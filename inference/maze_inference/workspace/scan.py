"""Finding the workspace's source files within limits, and reading one file's symbols.

The walk is breadth-first and sorted, so when a limit stops it, what is indexed is the part nearest
the workspace folder, the same every time. Version-control, dependency, build and cache folders,
hidden folders and what `.gitignore` ignores are not entered.
"""

from __future__ import annotations

import logging
import os
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import tree_sitter

from maze_inference.languages import LANGUAGES, Language
from maze_inference.workspace.definitions import extract_definitions
from maze_inference.workspace.ignore import IgnoreFile, ignored
from maze_inference.workspace.imports import extract_imports
from maze_inference.workspace.symbols import FileSymbols

log = logging.getLogger(__name__)

SKIP_FOLDERS = frozenset({
    "node_modules", "bower_components", "vendor", "third_party", "third-party", "target", "build", "dist", "out",
    "__pycache__", "venv", "env", "site-packages", "zig-cache", "zig-out", "coverage", "htmlcov",
})
_BY_EXTENSION = {ext: lang for lang in LANGUAGES for ext in lang.extensions}


@dataclass(frozen=True)
class IndexLimits:
    max_files: int = 5000
    max_file_bytes: int = 500_000
    max_total_bytes: int = 64_000_000


@dataclass
class ScanResult:
    files: list[tuple[str, int]] = field(default_factory=list)  # (absolute POSIX path, bytes)
    too_large: int = 0  # files over `max_file_bytes`, left out
    truncated: bool = False  # a limit on files or total bytes stopped the walk


def language_of(path: str) -> Language | None:
    name = path.rsplit("/", 1)[-1]
    if name.endswith((".min.js", ".min.mjs")):
        return None
    return _BY_EXTENSION.get(os.path.splitext(name)[1].lower())


def scan(roots: Sequence[str], limits: IndexLimits = IndexLimits()) -> ScanResult:
    result = ScanResult()
    total = 0
    queue: deque[tuple[Path, list[IgnoreFile]]] = deque()
    for root in sorted(set(roots)):
        base = Path(root)
        if base.is_dir():
            queue.append((base, _with(base, [])))
    seen: set[str] = set()
    while queue:
        folder, stack = queue.popleft()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            log.debug("cannot list %s", folder, exc_info=True)
            continue
        for entry in entries:
            path = Path(entry.path).as_posix()
            try:
                is_folder = entry.is_dir(follow_symlinks=False)
                if is_folder:
                    if entry.name.startswith(".") or entry.name in SKIP_FOLDERS or ignored(stack, path, True):
                        continue
                    queue.append((Path(entry.path), _with(Path(entry.path), stack)))
                    continue
                if not entry.is_file(follow_symlinks=False) or language_of(path) is None or path in seen:
                    continue
                if ignored(stack, path, False):
                    continue
                size = entry.stat(follow_symlinks=False).st_size
            except OSError:
                continue
            if size > limits.max_file_bytes:
                result.too_large += 1
                continue
            if len(result.files) >= limits.max_files or total + size > limits.max_total_bytes:
                result.truncated = True
                return result
            seen.add(path)
            total += size
            result.files.append((path, size))
    return result


def indexable(path: str, roots: Sequence[str], limits: IndexLimits) -> bool:
    """Whether the walk would have indexed `path` (for a watched-file event): in a workspace folder, of a
    supported language, in no skipped or ignored folder, not ignored itself, and not too large."""
    root = next((r for r in sorted(roots, key=len, reverse=True) if path.startswith(r.rstrip("/") + "/")), None)
    if root is None or language_of(path) is None:
        return False
    parts = path[len(root.rstrip("/")) + 1 :].split("/")
    if any(part.startswith(".") or part in SKIP_FOLDERS for part in parts[:-1]):
        return False
    folder = Path(root)
    stack = _with(folder, [])
    for part in parts[:-1]:
        folder = folder / part
        if ignored(stack, folder.as_posix(), True):
            return False
        stack = _with(folder, stack)
    try:
        return not ignored(stack, path, False) and os.path.getsize(path) <= limits.max_file_bytes
    except OSError:
        return False


def _with(folder: Path, stack: list[IgnoreFile]) -> list[IgnoreFile]:
    own = IgnoreFile.read(folder)
    return [*stack, own] if own is not None else stack


def symbols_of(language: Language, path: str, tree: tree_sitter.Tree, source: bytes) -> FileSymbols:
    root = tree.root_node
    return FileSymbols(path, language.id, extract_definitions(language.id, root, source),
                       extract_imports(language.id, root, source), len(source))


class FileIndexer:
    """Reads and indexes files, with one parser per language (parsers are not shared across threads)."""

    def __init__(self) -> None:
        self._parsers: dict[str, tree_sitter.Parser] = {}

    def index(self, path: str, text: str | None = None) -> FileSymbols | None:
        language = language_of(path)
        if language is None:
            return None
        try:
            source = Path(path).read_bytes() if text is None else text.encode("utf-8")
        except OSError:
            return None
        parser = self._parsers.get(language.id)
        if parser is None:
            parser = self._parsers[language.id] = language.new_parser()
        try:
            return symbols_of(language, path, parser.parse(source), source)
        except Exception:  # a file tree-sitter or the walk chokes on must not stop the whole index
            log.warning("could not index %s", path, exc_info=True)
            return None


def index_files(paths: Sequence[str]) -> list[FileSymbols]:
    """The symbols of `paths` (what the indexing process runs, a batch at a time)."""
    indexer = FileIndexer()
    return [s for s in (indexer.index(p) for p in paths) if s is not None]
