"""The workspace index: every file's definitions and imports, and the lookups retrieval needs.

Files come in from the background build (`builder.py`), from documents the editor opens and edits,
and from watched-file events; each `put` replaces a file's entry whole. Lookups are dictionaries
(by name, by container type, by module name, by folder), so retrieval costs what the cursor
refers to, not the workspace's size. The index is used from one thread (the server's event loop),
so it has no lock.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from maze_inference.workspace.symbols import Definition, FileSymbols

Ref = tuple[str, int]  # (path, index into that file's definitions)


@dataclass(frozen=True)
class Found:
    """A definition with the file it is in."""

    file: FileSymbols
    index: int

    @property
    def definition(self) -> Definition:
        return self.file.definitions[self.index]

    @property
    def path(self) -> str:
        return self.file.path


def module_name(path: str) -> str:
    """The name a module is imported by: the file's stem, or its folder's name for a package's
    `__init__.py`/`mod.rs`/`index.ts`."""
    base = posixpath.basename(path)
    stem = base.split(".", 1)[0]
    if stem in ("__init__", "mod", "index"):
        return posixpath.basename(posixpath.dirname(path))
    return stem


class WorkspaceIndex:
    def __init__(self, roots: Sequence[str] = ()) -> None:
        self.roots = tuple(sorted({r.rstrip("/") or "/" for r in roots}, key=len, reverse=True))
        self.files: dict[str, FileSymbols] = {}
        self.total_bytes = 0
        self.generation = 0  # bumped by every change, so what is derived from the index can be cached
        self._by_name: dict[str, list[Ref]] = {}
        self._by_container: dict[str, list[Ref]] = {}
        self._by_module: dict[str, list[str]] = {}
        self._by_dir: dict[str, list[str]] = {}
        self._by_dir_name: dict[str, list[str]] = {}

    def __len__(self) -> int:
        return len(self.files)

    # ---- updates -------------------------------------------------------------------------------

    def put(self, symbols: FileSymbols) -> None:
        """Add a file, or replace what the index had of it."""
        self.remove(symbols.path)
        self.generation += 1
        path = symbols.path
        self.files[path] = symbols
        self.total_bytes += symbols.size
        for i, definition in enumerate(symbols.definitions):
            if definition.name:
                self._by_name.setdefault(definition.name, []).append((path, i))
            if definition.container:
                self._by_container.setdefault(definition.container, []).append((path, i))
        self._by_module.setdefault(module_name(path), []).append(path)
        folder = posixpath.dirname(path)
        if folder not in self._by_dir:
            self._by_dir_name.setdefault(posixpath.basename(folder), []).append(folder)
        self._by_dir.setdefault(folder, []).append(path)

    def put_all(self, batch: Iterable[FileSymbols]) -> None:
        for symbols in batch:
            self.put(symbols)

    def remove(self, path: str) -> None:
        old = self.files.pop(path, None)
        if old is None:
            return
        self.generation += 1
        self.total_bytes -= old.size
        for table, names in ((self._by_name, {d.name for d in old.definitions if d.name}),
                             (self._by_container, {d.container for d in old.definitions if d.container})):
            for name in names:
                refs = [r for r in table.get(name, ()) if r[0] != path]
                if refs:
                    table[name] = refs
                else:
                    table.pop(name, None)
        _discard(self._by_module, module_name(path), path)
        folder = posixpath.dirname(path)
        if not _discard(self._by_dir, folder, path):
            _discard(self._by_dir_name, posixpath.basename(folder), folder)

    # ---- lookups -------------------------------------------------------------------------------

    def named(self, name: str) -> list[Found]:
        return [Found(self.files[p], i) for p, i in self._by_name.get(name, ())]

    def named_refs(self, name: str) -> list[Ref]:
        """`named` without building a `Found` each: for filtering many definitions by path first."""
        return self._by_name.get(name, [])

    def found(self, ref: Ref) -> Found:
        return Found(self.files[ref[0]], ref[1])

    def count_named(self, name: str) -> int:
        return len(self._by_name.get(name, ()))

    def members(self, container: str) -> list[Found]:
        """Methods, fields and variants of a type (or items of a module) named `container`, in any file."""
        return [Found(self.files[p], i) for p, i in self._by_container.get(container, ())]

    def modules(self, name: str) -> list[str]:
        """Files a module called `name` may be (`pricing.py`, `pricing/__init__.py`, `pricing.rs`, ...)."""
        return self._by_module.get(name, [])

    def in_folder(self, folder: str) -> list[str]:
        return self._by_dir.get(folder, [])

    def folders_named(self, name: str) -> list[str]:
        return self._by_dir_name.get(name, [])

    def root_of(self, path: str) -> str | None:
        """The workspace folder holding `path` (the innermost, when folders nest)."""
        return next((r for r in self.roots if path == r or path.startswith(r + "/")), None)

    def top_level(self, path: str) -> list[Found]:
        symbols = self.files.get(path)
        if symbols is None:
            return []
        return [Found(symbols, i) for i, d in enumerate(symbols.definitions) if d.parent < 0 and d.name]


def _discard(table: dict[str, list[str]], key: str, value: str) -> bool:
    """Remove `value` from `table[key]`; True when values remain under `key`."""
    values = [v for v in table.get(key, ()) if v != value]
    if values:
        table[key] = values
        return True
    table.pop(key, None)
    return False
