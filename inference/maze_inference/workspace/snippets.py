"""Snippets from the other documents open in the editor, most similar to the code around the cursor.

What the user has open is usually what they work with (Copilot's "neighbouring tabs"). Each open
document is cut into overlapping windows of lines; a window's score is the Jaccard overlap of its
identifiers with those around the cursor. Windows are computed once per document version, so a
request costs set intersections only.
"""

from __future__ import annotations

from dataclasses import dataclass

from maze_inference.workspace.references import identifiers

WINDOW_LINES = 20
STRIDE = 10
MIN_SCORE = 0.08
MAX_DOCUMENT_CHARS = 200_000  # larger open documents (generated code, data) give no snippets: cutting them costs too much


@dataclass(frozen=True)
class Window:
    line: int  # 0-based first line
    text: str
    names: frozenset[str]


@dataclass(frozen=True)
class Snippet:
    path: str
    line: int
    text: str
    score: float


class SnippetCache:
    """Windows of open documents, by path, kept for the version they were cut from."""

    def __init__(self) -> None:
        self._windows: dict[str, tuple[int, tuple[Window, ...]]] = {}

    def windows(self, path: str, version: int, text: str) -> tuple[Window, ...]:
        cached = self._windows.get(path)
        if cached is not None and cached[0] == version:
            return cached[1]
        lines = text.split("\n")
        windows = tuple(
            Window(start, chunk, frozenset(identifiers(chunk)))
            for start in range(0, max(1, len(lines) - STRIDE), STRIDE)
            if (chunk := "\n".join(lines[start : start + WINDOW_LINES])).strip()
        )
        self._windows[path] = (version, windows)
        return windows

    def forget(self, path: str) -> None:
        self._windows.pop(path, None)

    def best(self, documents: list[tuple[str, int, str]], query: set[str], limit: int) -> list[Snippet]:
        """Up to `limit` windows of `documents` ((path, version, text), the current one left out by the
        caller), best first; ties go to the earlier path and line, so the answer is deterministic."""
        if not query:
            return []
        found: list[Snippet] = []
        for path, version, text in sorted(documents):
            if len(text) > MAX_DOCUMENT_CHARS:
                continue
            for window in self.windows(path, version, text):
                shared = len(query & window.names)
                if not shared:
                    continue
                score = shared / (len(query) + len(window.names) - shared)
                if score >= MIN_SCORE:
                    found.append(Snippet(path, window.line, window.text, score))
        found.sort(key=lambda s: (-s.score, s.path, s.line))
        picked: list[Snippet] = []
        for snippet in found:  # overlapping windows of one document: the better one only
            if all(p.path != snippet.path or abs(p.line - snippet.line) >= WINDOW_LINES for p in picked):
                picked.append(snippet)
            if len(picked) >= limit:
                break
        return picked
