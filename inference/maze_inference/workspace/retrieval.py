"""Retrieval at the cursor: which definitions of other files, and which snippets of open documents,
the model should see before the current file, within a character budget.

In order of use to the completion:
1. the members of what the cursor is completing after `x.`/`x::` (a module, resolved through the
   file's imports, or a type: of a variable's annotation or constructor, of `self`, of a type name);
2. the names the current file imports, those used near the cursor first;
3. other names used near the cursor, defined in another file (nearest folder first when several are);
4. the windows of open documents most similar to the code around the cursor.
Everything is sorted with explicit tie-breaks, so the same request gives the same context.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

from maze_inference.prompts import ContextFile
from maze_inference.workspace.index import Found, WorkspaceIndex
from maze_inference.workspace.modules import nearest, resolve_import, resolve_module
from maze_inference.workspace.references import (
    Receiver,
    bound_type,
    enclosing_type,
    identifiers,
    is_self,
    nearby_names,
    receiver,
    split_expression,
)
from maze_inference.workspace.render import render_file
from maze_inference.workspace.repository import RepositoryContext
from maze_inference.workspace.snippets import Snippet, SnippetCache
from maze_inference.workspace.symbols import TYPE_KINDS, Import, Kind

_RECEIVER, _IMPORTED, _NEARBY, _SNIPPET = 100.0, 40.0, 30.0, 10.0
_LOOKBACK_CHARS = 6000  # text before the cursor that bindings and names are read from
_UBIQUITOUS = 32  # a name defined in more places than this is not looked up by name


@dataclass(frozen=True)
class RetrievalSettings:
    budget_tokens: int = 512
    chars_per_token: float = 3.2  # a conservative guess for code; the engine counts real tokens
    max_per_name: int = 3  # definitions of one name shown when it is defined in many files
    max_members: int = 40
    snippets: int = 2

    @property
    def budget_chars(self) -> int:
        return int(self.budget_tokens * self.chars_per_token)


@dataclass(frozen=True)
class Query:
    path: str  # absolute, POSIX
    language: str  # `Language.id`
    before: str  # text before the cursor (at least the last few thousand characters)
    after: str  # text after it
    imports: tuple[Import, ...] | None = None  # the file's imports when the index does not have the file
    open_documents: tuple[tuple[str, int, str], ...] = ()  # (path, version, text) of other open documents


@dataclass
class _Target:
    """What `x.` stands for: the files of a module, or a type by name."""

    files: list[str] = field(default_factory=list)
    type_name: str = ""


class Retriever:
    def __init__(self, index: WorkspaceIndex, settings: RetrievalSettings = RetrievalSettings()) -> None:
        self.index = index
        self.settings = settings
        self.snippets = SnippetCache()
        self._resolved: dict[tuple[str, str, Import], tuple[list[str], str]] = {}
        self._resolved_generation = -1

    def retrieve(self, query: Query) -> RepositoryContext | None:
        picks = _Picks(self.index, query.path)
        entry = self.index.files.get(query.path)
        imports = entry.imports if entry is not None else (query.imports or ())
        local = {d.name for d in entry.definitions} if entry is not None else set()
        before = query.before[-_LOOKBACK_CHARS:]
        line_prefix = before.rsplit("\n", 1)[-1]
        names = nearby_names(before, query.after[:1000])
        found = receiver(line_prefix)
        if found is not None:
            target = self._chain(query, imports, before, found.segments, path=found.path)
            if target is not None:
                self._pick_target(picks, query, target, found)
        for position, imp in enumerate(imports):
            if imp.module and imp.name:
                files, name = self._resolve(query, imp)
                weight = names.get(imp.local, 0.0)
                for hit in self._in_files(query.path, files, name):
                    picks.add(hit, _IMPORTED + _IMPORTED * weight - position * 1e-3, members=weight > 0)
        imported = {imp.local for imp in imports}
        for name, weight in names.items():
            if name not in local and name not in imported and len(name) > 1:
                for hit in self._named(query.path, name):
                    picks.add(hit, _NEARBY * weight, members=weight >= 0.5)
        snippets = self.snippets.best(list(query.open_documents), identifiers("\n".join(before.split("\n")[-15:])),
                                      self.settings.snippets)
        return picks.context(query, snippets, self.settings)

    # ---- resolving what `x.` is ------------------------------------------------------------------

    def _chain(self, query: Query, imports: tuple[Import, ...], before: str, segments: tuple[str, ...],
               depth: int = 0, path: bool = False) -> _Target | None:
        """What `segments` (`a.b().c`) stand for; `path`: they were joined by `::` (Rust's `self::x` is a
        module, `self.x` a field)."""
        if not segments:
            return None
        head = segments[0].split("(", 1)[0]
        target: _Target | None = None
        by_local = {imp.local: imp for imp in imports}
        joined = ".".join(segments)
        imp = by_local.get(joined) or by_local.get(head)
        consumed = len(segments) if joined in by_local else 1
        if query.language == "rust" and (head in ("crate", "super") or head == "self" and path):  # `crate::a::‸`
            files = resolve_module(self.index, query.path, "rust", "::".join(s.split("(", 1)[0] for s in segments))
            target, consumed = (_Target(files=files), len(segments)) if files else (None, 1)
        elif is_self(head):
            name = enclosing_type(query.language, before)
            target = _Target(type_name=name) if name else None
        elif imp is not None:
            files, name = self._resolve(query, imp)
            target = _Target(files=files) if not name else self._of_name(query.path, files, name)
        elif depth < 2 and (expression := bound_type(query.language, before, head)):
            target = self._chain(query, imports, before, split_expression(expression), depth + 1)
        elif hits := self._named(query.path, head):
            target = self._of_name(query.path, sorted({h.path for h in hits}), head)
        elif (files := nearest(self.index.modules(head), query.path)) and files[0] != query.path:
            target = _Target(files=files)
        for segment in segments[consumed:]:
            if target is None:
                break
            target = self._member(query, target, segment.split("(", 1)[0])
        if target is None and len(segments) > 1 and depth < 2:  # `csv::Reader::new`: start from a part it knows
            return self._chain(query, imports, before, segments[1:], depth + 1)
        return target

    def _member(self, query: Query, target: _Target, name: str) -> _Target | None:
        if target.files:
            hit = self._of_name(query.path, target.files, name)
            if hit is not None:
                return hit
            submodule = nearest([p for p in self.index.modules(name)
                                 if posixpath.dirname(p).startswith(posixpath.dirname(target.files[0]))], query.path)
            return _Target(files=submodule) if submodule else None
        for member in self.index.members(target.type_name):
            if member.definition.name == name:
                return _Target(type_name=member.definition.type_name) if member.definition.type_name else None
        return None

    def _of_name(self, query_path: str, files: list[str], name: str) -> _Target | None:
        """The target a name defined in `files` stands for: a type itself, or the type a function returns
        or a constant holds; a module when the name is one (Rust's inline `mod`)."""
        for hit in self._in_files(query_path, files, name):
            definition = hit.definition
            if definition.kind in TYPE_KINDS or definition.kind == Kind.MODULE:
                return _Target(type_name=definition.name)
            if definition.type_name:
                return _Target(type_name=definition.type_name)
        return None

    def _pick_target(self, picks: _Picks, query: Query, target: _Target, found: Receiver) -> None:
        if target.files:
            members = [hit for path in target.files for hit in self.index.top_level(path)]
        else:
            members = [hit for hit in self.index.named(target.type_name) if hit.definition.kind in TYPE_KINDS]
            members += self.index.members(target.type_name)
            if not members:  # a Zig file is a struct: `const Cart = @import("Cart.zig")`
                members = [hit for path in nearest(self.index.modules(target.type_name), query.path)
                           for hit in self.index.top_level(path)]
        members = [m for m in members if m.path != query.path]
        # What is typed after the dot first, then the file order; capped so one huge type cannot fill the budget.
        members.sort(key=lambda m: (not m.definition.name.startswith(found.partial), m.path, m.index))
        for rank, hit in enumerate(members[: self.settings.max_members]):
            picks.add(hit, _RECEIVER - rank * 1e-2, members=False)

    # ---- lookups ---------------------------------------------------------------------------------

    def _resolve(self, query: Query, imp: Import) -> tuple[list[str], str]:
        """`resolve_import`, remembered until the index changes: a file's imports are resolved again on
        every keystroke otherwise, while they only change when some file does."""
        if self._resolved_generation != self.index.generation:
            self._resolved.clear()
            self._resolved_generation = self.index.generation
        key = (query.path, query.language, imp)
        found = self._resolved.get(key)
        if found is None:
            found = self._resolved[key] = resolve_import(self.index, query.path, query.language, imp)
        return found

    def _in_files(self, path: str, files: list[str], name: str) -> list[Found]:
        """`name` as defined in `files` (an import's module); when they only re-export it (`index.ts`'s
        `export * from`, a package's `__init__.py`), wherever the workspace defines it."""
        if not files or not name:
            return []
        wanted = set(files)
        hits = self.index.named(name)
        return ([hit for hit in hits if hit.path in wanted and hit.definition.parent < 0]
                or [hit for hit in hits if hit.path in wanted] or self._named(path, name))

    def _named(self, path: str, name: str) -> list[Found]:
        """Definitions of `name` in other files: all of them when few, else those in the current folder; none
        for names defined everywhere (`constructor`, `new`, `value`), which say nothing about this cursor."""
        refs = self.index.named_refs(name)
        if not refs or len(refs) > _UBIQUITOUS:
            return []
        others = [ref for ref in refs if ref[0] != path]
        if len(others) > self.settings.max_per_name:
            folder = posixpath.dirname(path) + "/"
            others = sorted(ref for ref in others if ref[0].startswith(folder) and "/" not in ref[0][len(folder) :])
        return [self.index.found(ref) for ref in others[: self.settings.max_per_name]]


class _Picks:
    """Chosen definitions with their scores; a type chosen `members=True` brings its members along."""

    def __init__(self, index: WorkspaceIndex, current: str) -> None:
        self.index = index
        self.current = current
        self.scores: dict[tuple[str, int], float] = {}

    def add(self, hit: Found, score: float, *, members: bool) -> None:
        if hit.path == self.current:
            return
        key = (hit.path, hit.index)
        if self.scores.get(key, -1.0) < score:
            self.scores[key] = score
        if members and hit.definition.kind in TYPE_KINDS:
            for rank, member in enumerate(m for m in self.index.members(hit.definition.name) if m.path == hit.path):
                self.add(member, score - 1 - rank * 1e-3, members=False)

    def context(self, query: Query, snippets: list[Snippet], settings: RetrievalSettings) -> RepositoryContext | None:
        budget = settings.budget_chars
        chosen: dict[str, set[int]] = {}
        best: dict[str, float] = {}
        for (path, index), score in sorted(self.scores.items(), key=lambda item: (-item[1], item[0])):
            symbols = self.index.files[path]
            needed = [index]
            while (parent := symbols.definitions[needed[-1]].parent) >= 0:
                needed.append(parent)
            taken = chosen.get(path, set())
            cost = sum(len(symbols.definitions[i].head) + 1 for i in needed if i not in taken)
            cost += 0 if path in chosen else len(path) + 2
            if cost > budget:
                continue
            budget -= cost
            chosen.setdefault(path, set()).update(needed)
            best[path] = max(best.get(path, 0.0), score)
        pieces: dict[str, list[tuple[int, str]]] = {}
        for path, indices in chosen.items():
            symbols = self.index.files[path]
            pieces.setdefault(path, []).append(
                (min(symbols.definitions[i].line for i in indices), render_file(symbols, indices)))
        for snippet in snippets:
            if len(snippet.text) + len(snippet.path) + 2 > budget:
                continue
            budget -= len(snippet.text) + len(snippet.path) + 2
            pieces.setdefault(snippet.path, []).append((snippet.line, snippet.text))
            best[snippet.path] = max(best.get(snippet.path, 0.0), _SNIPPET * snippet.score)
        if not pieces:
            return None
        root = self.index.root_of(query.path) or posixpath.dirname(query.path)
        order = sorted(pieces, key=lambda p: (best[p], p))  # the most useful last, next to the current file
        files = tuple(ContextFile(_relative(path, root), _join(query.language, pieces[path])) for path in order)
        return RepositoryContext(posixpath.basename(root) or "workspace", _relative(query.path, root), files)


def _relative(path: str, root: str) -> str:
    return path[len(root) + 1 :] if path.startswith(root + "/") else posixpath.basename(path)


def _join(language: str, pieces: list[tuple[int, str]]) -> str:
    gap = "# ..." if language == "python" else "// ..."
    return f"\n{gap}\n".join(text for _, text in sorted(pieces))
