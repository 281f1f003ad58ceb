"""Shared test helpers: sample documents with a cursor marker."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).parent / "data"
CURSOR = "‸"
LANGUAGE_IDS = {".py": "python", ".ts": "typescript", ".tsx": "typescriptreact", ".js": "javascript",
                ".rs": "rust", ".go": "go", ".zig": "zig"}


@dataclass(frozen=True)
class Sample:
    path: Path
    language_id: str
    text: str  # without the cursor marker
    line: int  # cursor position (0-based line, UTF-16 character)
    character: int

    @property
    def uri(self) -> str:
        return self.path.as_uri()


def load_sample(path: Path) -> Sample:
    marked = path.read_text(encoding="utf-8")
    offset = marked.index(CURSOR)
    before = marked[:offset]
    line = before.count("\n")
    column = len(before.rsplit("\n", 1)[-1].encode("utf-16-le")) // 2
    return Sample(path, LANGUAGE_IDS[path.suffix], marked.replace(CURSOR, ""), line, column)


SAMPLES = [load_sample(p) for p in sorted((DATA / "samples").iterdir())]
