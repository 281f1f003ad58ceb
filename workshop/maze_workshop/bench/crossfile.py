"""`crossfile` tasks: lines of real multi-file packages the model never saw, whose completion needs a name
that only another file of the package defines (a call, an attribute, a field, a variant).

Each held-out package (`.data/heldout/<language>/<package>/`, see `realcode.py`) is indexed as the
language server would index it as a workspace. A line qualifies when one of its identifiers is
defined in another file of the package, in at most a few places, and not in the file itself. The
cursor is put where the completion must produce that name, in three kinds of position:
* `after_receiver`: right after `x.`/`x::`, before the name (`total = pricing.‸compute_total(...)`);
* `name`: right before the name where no receiver precedes it (`x = ‸compute_total(...)`);
* `after_indent`: after the line's indentation: the whole line, name included, is the completion.
Each task carries the repository context retrieval gives at its cursor (the document with the gap
stands in for the file in the index, as an open document does in the editor), so the harness runs
the same task with and without it. `with_repositories` gives `realcode` tasks (same-file positions)
their context too, to show that context does not hurt where it is not needed.
"""

from __future__ import annotations

import dataclasses
import random
import re
from pathlib import Path

from maze_inference.languages import Language
from maze_inference.workspace.index import WorkspaceIndex
from maze_inference.workspace.repository import RepositoryContext
from maze_inference.workspace.retrieval import Query, Retriever
from maze_inference.workspace.scan import index_files, scan, symbols_of
from maze_inference.workspace.symbols import Kind
from tree_sitter import Node

from maze_workshop.bench.realcode import REALCODE_LANGUAGES, code_lines, language_named, shuffled_texts
from maze_workshop.bench.tasks import Task

KINDS = ("after_receiver", "name", "after_indent")
MAX_DEFINITIONS = 4  # a name defined in more places than this is not one a reader could attribute to a file
PER_FILE = 2  # positions of one kind per file at most
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_RECEIVER = re.compile(r"[\w)\]]\s*(?:\.|::)\s*$")
# Lines inside these name other files' names without using them (import lists, re-exports, package clauses).
_DECLARATIONS = frozenset({"import_statement", "import_from_statement", "future_import_statement", "use_declaration",
                           "import_declaration", "package_clause", "mod_item", "extern_crate_declaration"})
# Methods every standard library has: a package that defines one too does not make a use of it cross-file.
_COMMON = frozenset({
    "len", "size", "into", "from", "new", "init", "get", "set", "put", "add", "map", "filter", "iter", "next",
    "clone", "copy", "unwrap", "and_then", "or_else", "push", "pop", "insert", "remove", "contains", "keys",
    "values", "items", "append", "extend", "join", "split", "format", "default", "to_string", "as_ref", "write",
    "read", "close", "open", "run", "call", "apply", "bind", "then", "catch", "toString", "valueOf", "forEach",
    "reduce", "slice", "splice", "concat", "indexOf", "parse", "Error", "String", "deinit", "print", "fmt",
})
# A local binding of `{n}`: `let`/`var`/`const`, a parameter, an assignment at a line's start, a loop
# variable, a Zig capture. Over-cautious (a call argument `f(a, n)` matches too), so tasks stay clean.
_LOCAL = (r"\b(?:let|var|const|for)\s+(?:mut\s+)?{n}\b|[(,]\s*(?:mut\s+)?{n}\s*[:),=]|^\s*{n}\s*(?::=|=[^=])"
          r"|\|\s*\*?{n}\s*[|,]|\bas\s+{n}\b")
_MEMBERS = frozenset({Kind.METHOD, Kind.FIELD, Kind.VARIANT})
_ALIAS = re.compile(r"=\s*[\w.:]+\s*;?\s*$")  # `const testing = std.testing;`: a re-binding, not a definition


class Package:
    """One held-out package as a workspace: its index and a retriever over it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.index = WorkspaceIndex([folder.as_posix()])
        self.index.put_all(index_files([path for path, _ in scan([folder.as_posix()]).files]))
        self.retriever = Retriever(self.index)

    def repository(self, language: Language, path: Path, before: str, after: str) -> RepositoryContext:
        """The context at the cursor, with the gapped document in the index in place of the whole file (no
        files when retrieval finds nothing: the task still runs both ways, so the two sets stay the same)."""
        key = path.as_posix()
        original = self.index.files.get(key)
        source = (before + after).encode("utf-8")
        self.index.put(symbols_of(language, key, language.new_parser().parse(source), source))
        try:
            found = self.retriever.retrieve(Query(key, language.id, before[-6000:], after[:2000]))
            return found or RepositoryContext(self.folder.name, path.relative_to(self.folder).as_posix(), ())
        finally:
            if original is not None:
                self.index.put(original)

    def needed_names(self, path: Path, line: str, text: str = "") -> list[tuple[int, str]]:
        """(column, name) of the line's identifiers defined only in other files of the package: in at most
        a few places, not only as aliases (`const testing = std.testing;`), and, used without a receiver,
        as a top-level function, type or constant (a bare `len` is not the method `len` of some type), and
        not bound in the file itself (a parameter or a local variable `value` is not the field `value`)."""
        key = path.as_posix()
        found = []
        for match in _IDENT.finditer(line):
            name = match.group(0)
            hits = self.index.named(name)
            if len(name) < 3 or name in _COMMON or not hits or len(hits) > MAX_DEFINITIONS or any(
                    h.path == key for h in hits):
                continue
            if all(_ALIAS.search(h.definition.head) for h in hits):
                continue
            bare = not _RECEIVER.search(line[: match.start()])
            if bare and not any(h.definition.parent < 0 and h.definition.kind not in _MEMBERS for h in hits):
                continue
            if bare and re.search(_LOCAL.format(n=re.escape(name)), text, flags=re.MULTILINE):
                continue
            found.append((match.start(), name))
        return found


def _declares(root: Node, offset: int) -> bool:
    """Whether the code at `offset` (the files are ASCII: bytes are characters) is in an import, a
    re-export (`export * from`) or a package clause."""
    node: Node | None = root.descendant_for_byte_range(offset, offset + 1)
    while node is not None:
        if node.type in _DECLARATIONS or node.type == "export_statement" and node.child_by_field_name("source"):
            return True
        if node.type == "variable_declaration" and node.text is not None and b"@import(" in node.text:
            return True
        node = node.parent
    return False


def _in_text(language: Language, root: Node, offset: int) -> bool:
    """Whether `offset` is inside a string or a comment (a name there is not a use of it)."""
    node: Node | None = root.descendant_for_byte_range(offset, offset + 1)
    skip = language.string_types | language.comment_types
    while node is not None:
        if node.type in skip:
            return True
        node = node.parent
    return False


def _kind(line: str, column: int, indent: int) -> str:
    if _RECEIVER.search(line[:column]):
        return "after_receiver"
    return "name" if column > indent else "after_indent"


def package_tasks(folder: Path, language_id: str, per_kind: int, rng: random.Random) -> list[Task]:
    language = language_named(language_id)
    package = Package(folder)
    chosen: dict[str, list[Task]] = {kind: [] for kind in KINDS}
    for path, text in shuffled_texts(folder, language, rng, lambda: all(len(chosen[k]) >= per_kind for k in KINDS)):
        taken = dict.fromkeys(KINDS, 0)
        lines_used: set[int] = set()
        root = language.new_parser().parse(text.encode("utf-8")).root_node
        candidates = [(index, start, line, column, name) for index, start, line in code_lines(language, text)
                      if not _declares(root, start + len(line) - len(line.lstrip()))
                      for column, name in package.needed_names(path, line, text)
                      if not _in_text(language, root, start + column)]
        rng.shuffle(candidates)
        for index, start, line, column, name in candidates:
            indent = len(line) - len(line.lstrip(" \t"))
            # The whole line (the name anywhere in it) or the rest of it from the name on.
            kind = "after_indent" if rng.random() < 1 / 3 else _kind(line, column, indent)
            if len(chosen[kind]) >= per_kind or taken[kind] >= PER_FILE or index in lines_used:
                continue
            lines_used.add(index)
            cut = start + (indent if kind == "after_indent" else column)
            end = start + len(line.rstrip())
            before, after = text[:cut], text[end:]
            chosen[kind].append(Task(
                suite="crossfile", kind=kind, task_id=f"{path.relative_to(folder.parent).as_posix()}:{index + 1}:{cut - start + 1}",
                language=language_id, before=before, after=after, expected=text[cut:end], mode="line", needed=name,
                repository=package.repository(language, path, before, after)))
            taken[kind] += 1
    return [task for kind in KINDS for task in chosen[kind]]


def crossfile_tasks(root: Path, per_kind: int, seed: int, languages: tuple[str, ...] = REALCODE_LANGUAGES) -> list[Task]:
    """About `per_kind` positions of each kind per language (shared out over its packages), for each
    language under `root/<language>/`."""
    tasks: list[Task] = []
    for language_id in languages:
        folder = root / language_id
        if not folder.is_dir():
            raise FileNotFoundError(f"no held-out sources for {language_id} in {folder} "
                                    "(run `maze corpus fetch --heldout` first)")
        packages = sorted(p for p in folder.iterdir() if p.is_dir())
        share = -(-per_kind // max(1, len(packages)))
        for package in packages:
            tasks += package_tasks(package, language_id, share, random.Random(f"{seed}:{package.name}"))
    return tasks


def context_recall(tasks: list[Task]) -> dict[str, float]:
    """Per language, the share of tasks whose repository context shows the needed name (the model aside)."""
    out: dict[str, float] = {}
    for language in sorted({t.language for t in tasks if t.needed}):
        group = [t for t in tasks if t.needed and t.language == language]
        shown = [t for t in group if t.repository and re.search(
            rf"\b{re.escape(t.needed)}\b", "\n".join(f.text for f in t.repository.files))]
        out[language] = len(shown) / len(group)
    return out


def with_repositories(tasks: list[Task], root: Path) -> list[Task]:
    """`realcode` tasks (ids `package/path:line:column` under `root/<language>/`) with their package's
    context at the cursor."""
    packages: dict[Path, Package] = {}
    out = []
    for task in tasks:
        relative = task.task_id.rsplit(":", 2)[0]
        folder = root / task.language / relative.split("/", 1)[0]
        package = packages.get(folder) or packages.setdefault(folder, Package(folder))
        language = language_named(task.language)
        repository = package.repository(language, root / task.language / relative, task.before, task.after)
        out.append(dataclasses.replace(task, repository=repository))
    return out
