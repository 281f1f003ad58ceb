"""`maze bench quality`: HumanEval-infilling with three decoders from one model in one run.

Decoders, all on the same engine and cursor context:
* `constrained` (maze): `complete_at` — grammar at the cursor, suffix-aware end, token healing, and the
  final tree-sitter check (a dropped candidate counts as an empty completion);
* `unconstrained`: the same engine with no grammar; its raw text, cut only to the mode (the first line
  for single-line tasks);
* `truncation`: the unconstrained text after the heuristics peers apply instead of a grammar (stop at a
  newline for single-line tasks, cut where brackets close more than they open, drop a tail that the
  suffix already starts with).

Framing (as an editor presents the gap): single-line and multi-line gaps are whole lines, so the
cursor sits on an auto-indented empty line (the canonical first line's indentation before it, a newline
after it); the filled program is prompt + indentation + completion + newline + suffix. Random-span gaps
are arbitrary spans: the cursor is between prompt and suffix, and the program is prompt + completion +
suffix. Multi-line and span decode in block mode. pass@1 executes each filled program with the task's
tests in `sandbox.run_python`.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import gzip
import json
import random
import re
import time
from dataclasses import dataclass
from pathlib import Path

from maze_inference.document import Document
from maze_inference.engines.base import CompletionRequest, Engine
from maze_inference.languages import get_language
from maze_inference.pipeline import CompletionSettings, complete_at, context_at
from maze_inference.syntax import python_syntax_error

from maze_workshop.bench.report import progress as report_progress
from maze_workshop.bench.sandbox import run_python

DECODERS = ("constrained", "unconstrained", "truncation")
FILES = {
    "single": "HumanEval-SingleLineInfilling.jsonl.gz",
    "multi": "HumanEval-MultiLineInfilling.jsonl.gz",
    "span": "HumanEval-RandomSpanInfillingLight.jsonl.gz",
}
_OPEN, _CLOSE = "([{", ")]}"


@dataclass(frozen=True)
class Task:
    kind: str
    task_id: str
    prompt: str
    suffix: str
    solution: str
    test: str
    entry_point: str

    @property
    def indent(self) -> str:
        if self.kind == "span":
            return ""
        return self.solution[: len(self.solution) - len(self.solution.lstrip(" \t"))]

    @property
    def before(self) -> str:
        return self.prompt + self.indent

    @property
    def after(self) -> str:
        return self.suffix if self.kind == "span" else "\n" + self.suffix

    def program(self, completion: str) -> str:
        return self.before + completion + self.after

    def expected(self) -> str:
        return self.solution[len(self.indent) :].rstrip("\n")


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


def load_tasks(data: Path, kinds: list[str], limit: int | None, seed: int) -> list[Task]:
    tasks: list[Task] = []
    for kind in kinds:
        with gzip.open(data / FILES[kind], "rt", encoding="utf-8") as handle:
            rows = [json.loads(line) for line in handle]
        random.Random(seed).shuffle(rows)
        rows = rows[:limit] if limit else rows
        tasks += [Task(kind, r["task_id"], r["prompt"], r["suffix"], r["canonical_solution"], r["test"],
                       r["entry_point"]) for r in rows]
    return tasks


def truncate_like_peers(text: str, suffix: str, single_line: bool) -> str:
    """Heuristics used instead of a grammar: newline stop, bracket balance, suffix-overlap removal."""
    if single_line:
        text = text.split("\n", 1)[0]
    depth = 0
    for index, ch in enumerate(text):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth -= 1
            if depth < 0:  # closes a bracket opened before the cursor: the suffix will close it
                text = text[:index]
                break
    first_line = suffix.lstrip("\n").split("\n", 1)[0].strip()
    for size in range(min(len(text), len(first_line)), 0, -1):
        if first_line.startswith(text[-size:].strip()) and text[-size:].strip():
            text = text[:-size]
            break
    return text.rstrip()


async def _complete(engine: Engine, task: Task, decoder: str, max_tokens: int) -> str:
    language = get_language("python")
    text = task.before + task.after
    doc = Document(language, text)
    offset = len(task.before)
    mode = "line" if task.kind == "single" else "block"
    settings = CompletionSettings(max_tokens=max_tokens, mode=mode, constrained=decoder == "constrained", timeout_s=None)
    if decoder == "constrained":
        completion = await complete_at(engine, language, doc.text, doc.source, doc.tree, offset, settings)
        return completion.text or ""
    context = context_at(language, doc.text, doc.tree, offset, byte_offset=doc.byte_offset(offset), indent_unit=None,
                         settings=settings)
    result = await engine.complete(CompletionRequest(context=context, max_tokens=max_tokens, constrained=False))
    raw = result.text.split("\n", 1)[0] if task.kind == "single" else result.text
    return truncate_like_peers(raw, task.after, task.kind == "single") if decoder == "truncation" else raw


def _normalise(code: str) -> str:
    return re.sub(r"\s+", " ", code).strip()


def evaluate(engine: Engine, tasks: list[Task], timeout_s: float = 10.0, max_tokens: int = 64,
             progress: bool = True) -> dict:
    """Run every decoder on every task; execution overlaps generation on a small thread pool."""
    rows: list[dict] = []
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=2)
    pending = []
    bar = report_progress(len(tasks) * len(DECODERS), "quality", "gen", progress)
    started = time.perf_counter()
    for task in tasks:
        for decoder in DECODERS:
            t0 = time.perf_counter()
            budget = max_tokens if task.kind == "single" else 2 * max_tokens  # whole lines or spans need more
            completion = asyncio.run(_complete(engine, task, decoder, budget))
            elapsed = time.perf_counter() - t0
            program = task.program(completion)
            runnable = program + "\n" + task.test + f"\ncheck({task.entry_point})\n"
            row = {"task": task.task_id, "kind": task.kind, "decoder": decoder, "seconds": elapsed,
                   "parses": python_syntax_error(program) is None, "exact": _normalise(completion) == _normalise(task.expected()),
                   "empty": not completion.strip()}
            rows.append(row)
            pending.append((row, pool.submit(run_python, runnable, timeout_s)))
            bar.update(1)
    for row, future in pending:
        result = future.result()
        row["passed"], row["reason"] = result.passed, result.reason
    pool.shutdown()
    bar.close()
    return {"tasks": len(tasks), "kinds": sorted({t.kind for t in tasks}), "wall_s": time.perf_counter() - started,
            "summary": summarise(rows), "rows": rows}


def summarise(rows: list[dict]) -> dict:
    summary: dict = {}
    for kind in sorted({r["kind"] for r in rows}):
        for decoder in DECODERS:
            group = [r for r in rows if r["kind"] == kind and r["decoder"] == decoder]
            if not group:
                continue
            n = len(group)
            summary.setdefault(kind, {})[decoder] = {
                "n": n, "parse_rate": sum(r["parses"] for r in group) / n, "exact_match": sum(r["exact"] for r in group) / n,
                "pass_at_1": sum(r["passed"] for r in group) / n, "empty": sum(r["empty"] for r in group) / n,
                "seconds_per_task": sum(r["seconds"] for r in group) / n,
            }
    return summary


def format_table(result: dict) -> str:
    lines = ["| gap | decoder | n | parse rate | exact match | pass@1 | empty | s/task |", "|---|---|---|---|---|---|---|---|"]
    for kind, decoders in result["summary"].items():
        for decoder, s in decoders.items():
            lines.append(f"| {kind} | {decoder} | {s['n']} | {s['parse_rate']:.1%} | {s['exact_match']:.1%} | "
                         f"{s['pass_at_1']:.1%} | {s['empty']:.1%} | {s['seconds_per_task']:.2f} |")
    return "\n".join(lines)
