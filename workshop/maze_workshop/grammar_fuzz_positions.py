"""Where the fuzzer's generations start: cursor positions in the accept corpora (only documents that
parse cleanly, so every error is the completion's), and the seeded draws of position, budget, noise
and temperature, made up front so any one generation can be replayed alone.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from maze_inference.constraint.grammars import grammars_dir
from maze_inference.languages import Language

# How often each kind of cursor position is drawn (line-mode kinds, then the block-mode one).
KIND_WEIGHTS = {"mid_line": 0.30, "line_end": 0.20, "line_start": 0.15, "new_line": 0.15, "block": 0.20}


@dataclass(frozen=True)
class Position:
    """A cursor in a document: a corpus file, or one with an empty line inserted (`new_line`, `block`)."""

    path: str
    kind: str
    text: str
    offset: int


def _opens_block(language: Language, line: str) -> bool:
    code = line.split("#")[0] if language.line_comment == "#" else line
    return code.rstrip().endswith(language.block_openers)


def cursor_positions(language: Language, path: str, text: str, rng: random.Random) -> list[Position]:
    """Every line of `text` gives a line-end, a mid-line, a line-start and an inserted-empty-line cursor.

    An inserted line after a block opener (`:`/`{` ending the line) is indented like the block's first
    line (one unit deeper when the block is empty), which puts the cursor in block mode.
    """
    lines = text.split("\n")
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    out: list[Position] = []
    for i, line in enumerate(lines):
        content = line.strip()
        if not content:
            continue
        start, end = starts[i], starts[i] + len(line.rstrip("\r"))
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        out.append(Position(path, "line_end", text, end))
        out.append(Position(path, "line_start", text, start + len(indent)))
        if end - start - len(indent) > 1:
            out.append(Position(path, "mid_line", text, rng.randrange(start + len(indent) + 1, end)))
        following = next((n for n in lines[i + 1 :] if n.strip()), "")
        next_indent = following[: len(following) - len(following.lstrip(" \t"))]
        if _opens_block(language, line):
            unit = "\t" if indent.startswith("\t") else language.indent
            child = next_indent if len(next_indent) > len(indent) else indent + unit
            kind = "block"
        else:
            child = indent if content[0] not in ")]}" else next_indent
            kind = "new_line"
        inserted = text[:end] + "\n" + child + text[end:]
        out.append(Position(path, kind, inserted, end + 1 + len(child)))
    return out


def corpus_positions(language: Language, seed: int = 0) -> dict[str, list[Position]]:
    """Cursor positions in the language's accept corpus, by kind; only documents that parse cleanly."""
    rng = random.Random(seed)
    by_kind: dict[str, list[Position]] = {kind: [] for kind in KIND_WEIGHTS}
    clean: dict[str, bool] = {}
    folder = grammars_dir() / "corpora" / language.id / "accept"
    for file in sorted(p for p in folder.glob("*") if p.is_file()):
        for position in cursor_positions(language, file.name, file.read_text(encoding="utf-8"), rng):
            if position.text not in clean:
                clean[position.text] = not language.new_parser().parse(position.text.encode("utf-8")).root_node.has_error
            if clean[position.text]:
                by_kind[position.kind].append(position)
    return by_kind


@dataclass(frozen=True)
class Draw:
    """Everything random about one generation, drawn up front so any one can be replayed alone."""

    index: int
    position: Position
    line_tokens: int  # max tokens in line mode (block mode uses the full budget)
    noise_seed: int
    temperature: float


def draws(by_kind: dict[str, list[Position]], generations: int, seed: int, max_tokens: int) -> list[Draw]:
    kinds = [kind for kind in KIND_WEIGHTS if by_kind.get(kind)]
    weights = [KIND_WEIGHTS[kind] for kind in kinds]
    rng = random.Random(seed)
    out = []
    for index in range(generations):
        position = rng.choice(by_kind[rng.choices(kinds, weights)[0]])
        out.append(Draw(index, position, rng.choice((max(1, max_tokens // 2), max_tokens)), rng.randrange(2**32),
                        rng.choice((0.7, 1.0, 1.3))))
    return out
