"""`realcode` tasks: lines of real packages that the model never saw, completed as an editor asks for them.

From each held-out package's source files (`maze corpus fetch --heldout`, see
`maze_workshop.corpus.heldout`), files that tree-sitter parses without an error are chosen, and in
each a few lines, at random but reproducibly (a seed), become positions of three kinds:
* `mid_line`: the cursor somewhere inside a line's code; the rest of the line is removed;
* `after_indent`: a line's code is removed, the cursor after its indentation (where Enter leaves it);
* `block_opener`: the same for a line that opens a block (`:` or `{` at its end, the next line
  indented deeper): the document now has an error at the cursor, and a good completion repairs it.
The expected completion is what was removed. All are single-line completions (mode `line`).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from pathlib import Path

from maze_inference.languages import LANGUAGES, Language

from maze_workshop.bench.tasks import Task

REALCODE_LANGUAGES = ("python", "typescript", "rust", "go", "zig")
KINDS = ("mid_line", "after_indent", "block_opener")
MAX_FILE_BYTES = 120_000
MAX_LINE_CHARS = 120
PER_FILE = 3  # positions of one kind per file at most: spread over many files


def language_named(language_id: str) -> Language:
    return next(lang for lang in LANGUAGES if lang.id == language_id)


_SKIP_PARTS = frozenset({"dist", "build", "node_modules", "vendor", "testdata", "tests", "test", "__tests__"})


def source_files(root: Path, language: Language) -> list[Path]:
    """Source files under `root`: no declarations (`.d.ts`), build output, vendored copies or tests."""
    found = [p for ext in language.extensions for p in root.rglob(f"*{ext}") if p.is_file()]
    return sorted(p for p in found if p.stat().st_size <= MAX_FILE_BYTES and "test" not in p.name.lower()
                  and not p.name.endswith(".d.ts") and not _SKIP_PARTS & set(p.relative_to(root).parts))


def shuffled_texts(root: Path, language: Language, rng: random.Random,
                   full: Callable[[], bool]) -> Iterator[tuple[Path, str]]:
    """The language's readable source files under `root` and their text, in `rng`'s order, until `full()`."""
    files = source_files(root, language)
    rng.shuffle(files)
    for path in files:
        if full():
            return
        try:
            yield path, path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue


def code_lines(language: Language, text: str) -> Iterator[tuple[int, int, str]]:
    """(line index, start offset, line) of lines holding code, not comments or strings, of sensible length."""
    tree = language.new_parser().parse(text.encode("utf-8"))
    if tree.root_node.has_error or not text.isascii():
        return
    skip = language.comment_types | language.string_types
    offset = 0
    for index, line in enumerate(text.split("\n")):
        content = line.strip()
        start = offset
        offset += len(line) + 1
        if len(content) < 4 or len(line) > MAX_LINE_CHARS or content.startswith(language.line_comment):
            continue
        column = len(line) - len(line.lstrip(" \t"))
        node = tree.root_node.descendant_for_byte_range(start + column, start + column + 1)
        if node is None or any(n.type in skip for n in _ancestors(node)):
            continue
        yield index, start, line


def _ancestors(node):  # type: ignore[no-untyped-def]
    while node is not None:
        yield node
        node = node.parent


def _opens_block(language: Language, lines: list[str], index: int) -> bool:
    line = lines[index].rstrip()
    if not line.endswith(language.block_openers) or index + 1 >= len(lines):
        return False
    following = lines[index + 1]
    indent = len(line) - len(line.lstrip(" \t"))
    return following.strip() != "" and len(following) - len(following.lstrip(" \t")) > indent


def tasks_for_language(root: Path, language_id: str, per_kind: int, seed: int) -> list[Task]:
    """Up to `per_kind` positions of each kind from the files under `root` (all of one language)."""
    language = language_named(language_id)
    rng = random.Random(f"{seed}:{language_id}")
    chosen: dict[str, list[Task]] = {kind: [] for kind in KINDS}
    for path, text in shuffled_texts(root, language, rng, lambda: all(len(chosen[k]) >= per_kind for k in KINDS)):
        lines = text.split("\n")
        candidates = list(code_lines(language, text))
        rng.shuffle(candidates)
        taken = dict.fromkeys(KINDS, 0)
        for index, start, line in candidates:
            column = len(line) - len(line.lstrip(" \t"))
            kind = "block_opener" if _opens_block(language, lines, index) else rng.choice(("mid_line", "after_indent"))
            if len(chosen[kind]) >= per_kind or taken[kind] >= PER_FILE:
                continue
            if kind == "mid_line":
                content = line.rstrip()
                if len(content) - column < 8:
                    continue
                cut = start + rng.randrange(column + 2, len(content) - 1)
            else:
                cut = start + column
            end = start + len(line.rstrip())
            task_id = f"{path.relative_to(root).as_posix()}:{index + 1}:{cut - start + 1}"
            chosen[kind].append(Task(suite="realcode", kind=kind, task_id=task_id, language=language_id,
                                     before=text[:cut], after=text[end:], expected=text[cut:end], mode="line"))
            taken[kind] += 1
    return [task for kind in KINDS for task in chosen[kind]]


def realcode_tasks(root: Path, per_kind: int, seed: int, languages: tuple[str, ...] = REALCODE_LANGUAGES) -> list[Task]:
    """Tasks for each language from `root/<language>/` (the held-out packages, fetched)."""
    tasks: list[Task] = []
    for language_id in languages:
        folder = root / language_id
        if not folder.is_dir():
            raise FileNotFoundError(f"no held-out sources for {language_id} in {folder} "
                                    "(run `maze corpus fetch --heldout` first)")
        tasks += tasks_for_language(folder, language_id, per_kind, seed)
    return tasks
