"""Which files of the workspace an import refers to, by each language's module rules.

Only modules inside the workspace resolve; the standard library and third-party packages do not
(their definitions are not in the index, and the model knows the popular ones anyway). When
several files could be meant (two `pricing.py` in different packages), the one nearest the
importing file wins, so the answer is deterministic.
"""

from __future__ import annotations

import posixpath

from maze_inference.workspace.index import WorkspaceIndex
from maze_inference.workspace.symbols import Import

_TS_EXTENSIONS = (".ts", ".tsx", ".d.ts", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs")
_RUST_EXTERNAL = frozenset({"std", "core", "alloc"})


def resolve_import(index: WorkspaceIndex, importer: str, language: str, imp: Import) -> tuple[list[str], str]:
    """(files, name): the files `imp` points into, and the name it imports from them ("" when the
    import binds the module itself, so every top-level name of `files` is reachable through it)."""
    if imp.name and imp.name != "default":
        joined = _join(language, imp.module, imp.name)
        files = resolve_module(index, importer, language, joined) if joined else []
        if files:  # `from . import models`, `use crate::pricing`: a module
            return files, ""
    files = resolve_module(index, importer, language, imp.module)
    if imp.name == "default":  # a default export: most often named like the local name
        return files, imp.local
    return files, imp.name


def resolve_module(index: WorkspaceIndex, importer: str, language: str, spec: str) -> list[str]:
    if language == "python":
        return _python(index, importer, spec)
    if language in ("typescript", "typescriptreact", "javascript"):
        return _ts(index, importer, spec)
    if language == "rust":
        return _rust(index, importer, spec)
    if language == "go":
        return _go(index, importer, spec)
    if language == "zig":
        return _zig(index, importer, spec)
    return []


def _join(language: str, module: str, name: str) -> str:
    if language == "python":
        return module + name if module.endswith(".") else f"{module}.{name}"
    if language == "rust":
        return f"{module}::{name}" if module else name
    return ""


def nearest(candidates: list[str], importer: str) -> list[str]:
    """The candidate sharing the longest folder prefix with `importer` (ties: the shorter path, then
    alphabetical), as a list of at most one."""
    if not candidates:
        return []
    here = posixpath.dirname(importer).split("/")

    def shared(path: str) -> int:
        n = 0
        for a, b in zip(here, posixpath.dirname(path).split("/"), strict=False):
            if a != b:
                break
            n += 1
        return n

    return [min(candidates, key=lambda p: (-shared(p), len(p), p))]


def _by_suffix(index: WorkspaceIndex, importer: str, parts: list[str], forms: tuple[str, ...]) -> list[str]:
    """Files named like the module's last part whose path ends with the module's parts (`a/b/c.py`):
    found without knowing the source root (`src/`, the workspace folder, ...)."""
    tails = tuple("/" + "/".join(parts) + form for form in forms)
    found = [p for p in index.modules(parts[-1]) if p.endswith(tails)]
    return nearest(found, importer)


def _python(index: WorkspaceIndex, importer: str, spec: str) -> list[str]:
    forms = (".py", ".pyi", "/__init__.py", "/__init__.pyi")
    if spec.startswith("."):
        dots = len(spec) - len(spec.lstrip("."))
        base = posixpath.dirname(importer)
        for _ in range(dots - 1):
            base = posixpath.dirname(base)
        rest = spec[dots:]
        stem = posixpath.join(base, *rest.split(".")) if rest else base
        if not rest:
            return [p for p in (stem + "/__init__.py", stem + "/__init__.pyi") if p in index.files][:1]
        return [p for p in (stem + form for form in forms) if p in index.files][:1]
    return _by_suffix(index, importer, spec.split("."), forms)


def _ts(index: WorkspaceIndex, importer: str, spec: str) -> list[str]:
    if not spec.startswith("."):  # a package, or a path alias (`@/lib/x`, `src/x`): try the path's tail
        parts = [p for p in spec.split("/") if p and not p.startswith("@")]
        if not parts:
            return []
        parts[-1] = parts[-1].rsplit(".", 1)[0] if parts[-1].endswith((".js", ".ts")) else parts[-1]
        return _by_suffix(index, importer, parts, _TS_EXTENSIONS + tuple("/index" + e for e in _TS_EXTENSIONS))
    base = posixpath.normpath(posixpath.join(posixpath.dirname(importer), spec))
    stems = [base]
    if base.endswith((".js", ".jsx", ".mjs", ".cjs")):  # ESM TypeScript imports `./x.js` for `./x.ts`
        stems.insert(0, base.rsplit(".", 1)[0])
    for stem in stems:
        for candidate in (stem, *(stem + e for e in _TS_EXTENSIONS), *(f"{stem}/index{e}" for e in _TS_EXTENSIONS)):
            if candidate in index.files:
                return [candidate]
    return []


def _rust_module_dir(path: str) -> str:
    """The folder of `path`'s child modules: `src/a/` for `src/a.rs` and for `src/a/mod.rs`."""
    folder, base = posixpath.split(path)
    return folder if base in ("mod.rs", "lib.rs", "main.rs") else posixpath.join(folder, base[:-3])


def _crate_root(index: WorkspaceIndex, importer: str) -> str:
    folder = posixpath.dirname(importer)
    while folder not in ("", "/"):
        if any(posixpath.join(folder, f) in index.files for f in ("lib.rs", "main.rs")):
            return folder
        folder = posixpath.dirname(folder)
    return posixpath.dirname(importer)


def _rust(index: WorkspaceIndex, importer: str, spec: str) -> list[str]:
    parts = [p for p in spec.split("::") if p]
    if not parts or parts[0] in _RUST_EXTERNAL:
        return []
    if parts[0] == "crate":
        base, parts = _crate_root(index, importer), parts[1:]
    elif parts[0] in ("self", "super"):
        base = _rust_module_dir(importer)
        while parts and parts[0] in ("self", "super"):
            base = posixpath.dirname(base) if parts[0] == "super" else base
            parts = parts[1:]
    else:  # a path without `crate::` (2015 edition, or a module in scope): try from the crate root
        base = _crate_root(index, importer)
    if not parts:
        candidates = [posixpath.join(base, f) for f in ("lib.rs", "main.rs", "mod.rs")] + [base + ".rs"]
        return [p for p in candidates if p in index.files][:1]
    stem = posixpath.join(base, *parts)
    found = [p for p in (stem + ".rs", stem + "/mod.rs") if p in index.files]
    return found[:1] or _by_suffix(index, importer, parts, (".rs", "/mod.rs"))


def _go(index: WorkspaceIndex, importer: str, spec: str) -> list[str]:
    """A Go import path names a folder; its files (tests aside) are the package. The folder whose path
    shares the longest tail with the import path is the one meant."""
    parts = [p for p in spec.split("/") if p]
    if not parts:
        return []
    best, best_score = "", 0
    for folder in sorted(index.folders_named(parts[-1])):
        tail = folder.split("/")
        score = 0
        while score < min(len(tail), len(parts)) and tail[-1 - score] == parts[-1 - score]:
            score += 1
        if score > best_score:
            best, best_score = folder, score
    return sorted(p for p in index.in_folder(best) if p.endswith(".go") and not p.endswith("_test.go")) if best else []


def _zig(index: WorkspaceIndex, importer: str, spec: str) -> list[str]:
    if not spec.endswith(".zig"):
        return []  # a package (`std`, a build.zig.zon dependency)
    path = posixpath.normpath(posixpath.join(posixpath.dirname(importer), spec))
    return [path] if path in index.files else []
