"""The docs as data: fenced code blocks and the shell command lines in them, and inline commands.

Tests that execute the docs (every command line, the editor walkthroughs) read them from here, so a
doc that shows a command is a doc whose command runs.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SHELL_LANGUAGES = ("sh", "bash", "shell", "console")

_FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```", re.DOTALL | re.MULTILINE)
_HEADING = re.compile(r"^(#{1,6}) (.+)$", re.MULTILINE)
_INLINE = re.compile(r"(?<!`)`([^`\n]+)`(?!`)")


@dataclass(frozen=True)
class Block:
    path: Path
    line: int  # 1-based line of the opening fence
    language: str
    text: str
    section: str  # the nearest heading above it

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


@dataclass(frozen=True)
class Command:
    """One simple command: `env` assignments, then the words, as a shell would split them."""

    where: str  # file:line
    text: str  # as written (continuations joined)
    env: dict[str, str]
    argv: list[str]


def blocks(path: Path) -> list[Block]:
    text = path.read_text(encoding="utf-8")
    headings = [(m.start(), m.group(2).strip()) for m in _HEADING.finditer(text)]
    found = []
    for match in _FENCE.finditer(text):
        section = next((title for start, title in reversed(headings) if start < match.start()), "")
        found.append(Block(path, text.count("\n", 0, match.start()) + 1, match.group(1), match.group(2), section))
    return found


def section_text(path: Path, section_prefix: str) -> str:
    """The prose of the section whose heading starts with `section_prefix` (up to the next heading of its level)."""
    text = path.read_text(encoding="utf-8")
    headings = list(_HEADING.finditer(text))
    for i, heading in enumerate(headings):
        if heading.group(2).startswith(section_prefix):
            level = len(heading.group(1))
            end = next((h.start() for h in headings[i + 1:] if len(h.group(1)) <= level), len(text))
            return text[heading.end():end]
    raise LookupError(f"{path.name} has no section {section_prefix!r}")


def section_blocks(path: Path, section_prefix: str, language: str) -> list[Block]:
    """The blocks of `language` under the heading that starts with `section_prefix`."""
    return [b for b in blocks(path) if b.section.startswith(section_prefix) and b.language == language]


def commands(block: Block) -> list[Command]:
    """The block's commands: comments dropped, `\\` continuations joined, `&&` chains split."""
    found: list[Command] = []
    logical: list[tuple[int, str]] = []
    pending = ""
    for offset, raw in enumerate(block.text.split("\n")):
        line = pending + raw
        if line.rstrip().endswith("\\"):
            pending = line.rstrip()[:-1] + " "
            continue
        pending = ""
        logical.append((block.line + 1 + offset, line))
    for number, line in logical:
        words = shlex.split(line, comments=True)
        where = f"{block.path.relative_to(ROOT)}:{number}"
        for part in _split_chain(words):
            found.append(_command(where, part))
    return [c for c in found if c.argv]


def inline_commands(path: Path, programs: tuple[str, ...]) -> list[Command]:
    """Commands written inline (`maze lsp --log-file ...`) outside code blocks, for the given programs."""
    text = _FENCE.sub(lambda m: "\n" * m.group(0).count("\n"), path.read_text(encoding="utf-8"))
    found = []
    for match in _INLINE.finditer(text):
        try:
            words = shlex.split(match.group(1).replace("\\|", "|"))
        except ValueError:  # an unbalanced quote: a code fragment (` f"`), not a command line
            continue
        command = _command(f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, match.start()) + 1}", words)
        argv = command.argv
        if len(argv) > 1 and Path(argv[0]).name in programs and (not argv[1].startswith("-") or argv[1] in ("-m", "-c")
                                                                  or Path(argv[0]).name == "maze"):
            found.append(command)
    return found


def _split_chain(words: list[str]) -> list[list[str]]:
    parts: list[list[str]] = [[]]
    for word in words:
        if word in ("&&", ";"):
            parts.append([])
        else:
            parts[-1].append(word)
    return parts


def _command(where: str, words: list[str]) -> Command:
    env = {}
    while words and re.match(r"^[A-Z_][A-Z0-9_]*=", words[0]):
        name, _, value = words[0].partition("=")
        env[name] = value
        words = words[1:]
    return Command(where, " ".join(words), env, list(words))
