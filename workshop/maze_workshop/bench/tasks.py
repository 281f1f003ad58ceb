"""Completion tasks for `maze bench quality`: a document with a gap, the cursor in it, and what was removed.

Suites:
* HumanEval-infilling (`single`, `multi`, `span`; OpenAI, MIT): Python functions with a gap and tests.
  Single-line and multi-line gaps are whole lines, framed as an editor presents them: the cursor sits
  on an auto-indented empty line (the canonical first line's indentation before it, a newline after
  it). Random-span gaps are arbitrary spans: the cursor is between prompt and suffix.
* `realcode` (`realcode.py`): lines of real packages that are not in the model's training data.
"""

from __future__ import annotations

import gzip
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from maze_inference.workspace.repository import RepositoryContext

FILES = {
    "single": "HumanEval-SingleLineInfilling.jsonl.gz",
    "multi": "HumanEval-MultiLineInfilling.jsonl.gz",
    "span": "HumanEval-RandomSpanInfillingLight.jsonl.gz",
}
_OPEN, _CLOSE = "([{", ")]}"


@dataclass(frozen=True)
class Task:
    suite: str  # "single" | "multi" | "span" | "realcode"
    kind: str  # the suite for HumanEval; realcode: "mid_line" | "after_indent" | "block_opener"
    task_id: str
    language: str
    before: str  # the document before the cursor
    after: str  # ... and after it
    expected: str  # what was removed
    mode: str  # "line" | "block"
    test: str = ""  # HumanEval: the tests, run with `check(entry_point)`
    entry_point: str = ""
    needed: str = ""  # crossfile: the name from another file the completion must produce
    repository: RepositoryContext | None = None  # repository context at the cursor (run with and without it)

    def program(self, completion: str) -> str:
        return self.before + completion + self.after

    def runnable(self, completion: str) -> str | None:
        """The filled program with its tests, for the suites that have tests."""
        if not self.test:
            return None
        return self.program(completion) + "\n" + self.test + f"\ncheck({self.entry_point})\n"


def find_data(explicit: str | None) -> Path:
    candidates = [Path(explicit)] if explicit else []
    repo = Path(__file__).resolve().parents[3]
    # Beside the checkout (`../shared`), seen from the source tree or from the working directory (an
    # installed wheel lives elsewhere), then this workplace's fixed location.
    candidates += [base.parent / "shared/benchmarks/humaneval-infilling" for base in (repo, Path.cwd())]
    candidates.append(Path("/work/shared/benchmarks/humaneval-infilling"))
    for path in candidates:
        if (path / FILES["single"]).is_file():
            return path
    raise FileNotFoundError(f"HumanEval-infilling not found in {', '.join(map(str, candidates))}")


def humaneval_tasks(data: Path, kinds: list[str], limit: int | None, seed: int) -> list[Task]:
    tasks: list[Task] = []
    for kind in kinds:
        with gzip.open(data / FILES[kind], "rt", encoding="utf-8") as handle:
            rows = [json.loads(line) for line in handle]
        random.Random(seed).shuffle(rows)
        for row in rows[:limit] if limit else rows:
            solution = row["canonical_solution"]
            indent = "" if kind == "span" else solution[: len(solution) - len(solution.lstrip(" \t"))]
            tasks.append(Task(
                suite=kind, kind=kind, task_id=row["task_id"], language="python",
                before=row["prompt"] + indent,
                after=row["suffix"] if kind == "span" else "\n" + row["suffix"],
                expected=solution[len(indent) :].rstrip("\n"),
                mode="line" if kind == "single" else "block",
                test=row["test"], entry_point=row["entry_point"],
            ))
    return tasks


def truncate_like_peers(text: str, suffix: str, single_line: bool) -> str:
    """Heuristics used instead of a grammar: newline stop, bracket balance, suffix-overlap removal.

    What is dropped at the end is only a tail the suffix already has on the cursor's own line (a
    closer the editor typed); a single-line gap's suffix starts on the next line, so a line that
    merely begins like the next line is kept whole.
    """
    if single_line:
        text = text.split("\n", 1)[0]
    depth = 0
    cut = False
    for index, ch in enumerate(text):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth -= 1
            if depth < 0:  # closes a bracket opened before the cursor: the suffix will close it
                text, cut = text[:index], True
                break
    same_line = suffix.split("\n", 1)[0]
    for size in range(0 if cut else min(len(text), len(same_line)), 0, -1):
        if same_line.startswith(text[-size:]) and text[-size:].strip():
            text = text[:-size]
            break
    next_line = suffix.lstrip("\n").split("\n", 1)[0].strip()
    if text.strip() and text.strip() == next_line:
        return ""  # the whole completion repeats the next line
    return text.rstrip()


Truncate = Callable[[str, Task], str]


def peers_truncation(text: str, task: Task) -> str:
    return truncate_like_peers(text, task.after, task.mode == "line")
