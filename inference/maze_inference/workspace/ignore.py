"""`.gitignore` patterns: which paths of the workspace are not its source (build output, caches).

The usual subset of git's rules: comments, `!` negation (the last matching pattern wins), a `/` at
the start or in the middle anchors a pattern to its `.gitignore`'s folder, a trailing `/` matches
folders only, `*`, `?`, `[...]` and `**`. Folders that match are not entered, as in git, so a file
under an ignored folder cannot be re-included.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Rule:
    regex: re.Pattern[str]
    negate: bool
    folders_only: bool
    anchored: bool


def _translate(pattern: str) -> str:
    out = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("/**", i) and i + 3 == len(pattern):
            out.append("/.*")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[" and (end := pattern.find("]", i + 2)) > 0:
            body = pattern[i + 1 : end].replace("\\", "\\\\")
            out.append("[" + ("^" + body[1:] if body.startswith("!") else body) + "]")
            i = end + 1
        elif c == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
        else:
            out.append(re.escape(c))
            i += 1
    return "".join(out)


def parse(text: str) -> list[Rule]:
    rules = []
    for raw in text.splitlines():
        line = raw.rstrip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        line = line[1:] if negate else line
        folders_only = line.endswith("/")
        line = line.rstrip("/")
        anchored = "/" in line
        line = line.lstrip("/")
        if line:
            rules.append(Rule(re.compile(_translate(line) + r"\Z"), negate, folders_only, anchored))
    return rules


@dataclass(frozen=True)
class IgnoreFile:
    """The rules of one `.gitignore`, for paths under `base` (absolute, POSIX)."""

    base: str
    rules: tuple[Rule, ...]

    @classmethod
    def read(cls, folder: Path) -> IgnoreFile | None:
        try:
            text = (folder / ".gitignore").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
        rules = tuple(parse(text))
        return cls(folder.as_posix(), rules) if rules else None

    def verdict(self, path: str, is_folder: bool) -> bool | None:
        """True: ignored, False: re-included (`!`), None: no pattern here speaks about `path`."""
        relative = path[len(self.base) + 1 :] if path.startswith(self.base + "/") else None
        if relative is None:
            return None
        name = relative.rsplit("/", 1)[-1]
        result = None
        for rule in self.rules:
            if rule.folders_only and not is_folder:
                continue
            if rule.regex.match(relative if rule.anchored else name):
                result = not rule.negate
        return result


def ignored(stack: list[IgnoreFile], path: str, is_folder: bool) -> bool:
    """Whether `path` is ignored by the `.gitignore`s of its folders (outermost first; deeper ones win)."""
    result = False
    for rules in stack:
        verdict = rules.verdict(path, is_folder)
        if verdict is not None:
            result = verdict
    return result
