"""Benchmark decontamination: no training document may contain a HumanEval problem.

A document is dropped if, whitespace-normalised, it contains any HumanEval prompt's docstring, or any
3 consecutive non-trivial lines of a canonical solution (the usual n-gram-style decontamination of code
corpora). The problems are rebuilt from the HumanEval-infilling files: `prompt + canonical_solution +
suffix` of a RandomSpan (or MultiLine) row is the whole program; rows are grouped by task number.

Both checks are line-driven so they run over gigabytes: a document's lines are normalised once
(whitespace runs -> one space, stripped); a docstring is only looked for in documents that have one of
its lines (its lines of >= 20 chars, quotes stripped), and then searched for whole in the
whitespace-normalised document.
"""

from __future__ import annotations

import ast
import gzip
import json
from dataclasses import dataclass, field
from pathlib import Path

DATA_DIR = Path("/work/shared/benchmarks/humaneval-infilling")  # this workplace's fixed location


def find_data() -> Path:
    """The HumanEval-infilling folder: beside the checkout (`../shared`), beside the working directory,
    then this workplace's fixed location (as `maze bench quality` finds it)."""
    repo = Path(__file__).resolve().parents[3]
    candidates = [base.parent / "shared/benchmarks/humaneval-infilling" for base in (repo, Path.cwd())] + [DATA_DIR]
    for path in candidates:
        if any(path.glob("HumanEval-*.jsonl.gz")):
            return path
    raise FileNotFoundError(f"HumanEval-infilling data not found in {', '.join(map(str, candidates))}: "
                            "decontamination needs it")
MIN_LINE = 8  # a "non-trivial" line: at least this many chars once normalised, not a bare keyword
_TRIVIAL = {"else:", "try:", "pass", "return", "continue", "break", "finally:", "return True", "return False",
            "return None", "return result", "return res", "return ans", "return 0", "return []", "return ''",
            'return ""', "}", "{", ")", "]", "end", "return count"}
_QUOTES = "\"' \t"

def norm_line(line: str) -> str:
    return " ".join(line.split())

def nontrivial(line: str) -> bool:
    return len(line) >= MIN_LINE and line not in _TRIVIAL and not line.startswith(("#", "//"))

@dataclass
class Problems:
    docstrings: dict[str, list[str]] = field(default_factory=dict)  # task -> normalised docstrings
    doc_lines: dict[str, set[str]] = field(default_factory=dict)  # docstring line -> tasks
    triples: dict[tuple[str, str, str], str] = field(default_factory=dict)  # 3 normalised lines -> task

    @property
    def tasks(self) -> int:
        return len(self.docstrings)

def _programs(data_dir: Path) -> dict[str, str]:
    """Task number -> whole program (prompt + canonical solution + suffix)."""
    out: dict[str, str] = {}
    for path in sorted(data_dir.glob("*.jsonl.gz")):
        if "SingleLine" in path.name:
            continue  # any RandomSpan/MultiLine row rebuilds the program
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                task = row["task_id"].split("/")[2]
                out.setdefault(task, row["prompt"] + row["canonical_solution"] + row["suffix"])
    return out

def load_problems(data_dir: Path | None = None) -> Problems:
    probs = Problems()
    for task, program in _programs(data_dir or find_data()).items():
        add_problem(probs, task, program)
    return probs

def add_problem(probs: Problems, task: str, program: str) -> None:
    """Register one problem: its docstrings and the line triples of its code without docstrings."""
    try:
        tree = ast.parse(program)
    except SyntaxError:
        return
    docs: list[str] = []
    doc_spans: list[tuple[int, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Module)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                docs.append(first.value.value)
                doc_spans.append((first.lineno, first.end_lineno or first.lineno))
    probs.docstrings[task] = [norm_line(d) for d in docs if len(norm_line(d)) >= 20]
    for d in docs:
        for line in d.split("\n"):
            key = norm_line(line).strip(_QUOTES)
            if len(key) >= 20:
                probs.doc_lines.setdefault(key, set()).add(task)
    lines = program.split("\n")
    code = [norm_line(s) for i, s in enumerate(lines, 1) if not any(a <= i <= b for a, b in doc_spans)]
    code = [s for s in code if nontrivial(s)]
    for i in range(len(code) - 2):
        probs.triples.setdefault((code[i], code[i + 1], code[i + 2]), task)

def contamination(text: str, probs: Problems) -> tuple[str, str] | None:
    """(kind, task) if `text` overlaps a HumanEval problem ("docstring" or "solution"), else None."""
    norm = [norm_line(s) for s in text.split("\n")]
    candidates: set[str] = set()
    for s in norm:
        key = s.strip(_QUOTES)
        if key in probs.doc_lines:
            candidates |= probs.doc_lines[key]
    if candidates:
        whole = " ".join(text.split())
        for task in sorted(candidates):
            for d in probs.docstrings.get(task, ()):
                if d in whole:
                    return "docstring", task
    code = [s for s in norm if nontrivial(s)]
    triples = probs.triples
    for i in range(len(code) - 2):
        if (code[i], code[i + 1], code[i + 2]) in triples:
            return "solution", triples[(code[i], code[i + 1], code[i + 2])]
    return None

