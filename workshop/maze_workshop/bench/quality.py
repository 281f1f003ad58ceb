"""`maze bench quality`: what a user would see, from three decoders of one model in one run.

Decoders, on the same engine and cursor context:
* `constrained` (maze): `complete_at` as the editor runs it: grammar at the cursor, suffix-aware
  endings, token healing, the final check and its fallbacks (a dropped candidate shows nothing);
* `unconstrained`: the same engine with no grammar, its raw text cut only to the mode (no fallbacks);
* `truncation`: the unconstrained text after the heuristics peers apply instead of a grammar
  (`tasks.truncate_like_peers`).
A task that carries repository context (`crossfile.py`) runs every decoder twice, without and with it
in the prompt (`constrained+repo`, ...), same engine, same run; `needed name` is the share of its
completions that contain the name from another file the line needs. The decoders alternate their
order per task. Generation is timed alone: filled HumanEval programs run
in the sandbox only after every completion is made, so no test process competes for the cores.

Per decoder: exact match, edit similarity, empty, strict breaks (the shown text breaks the region:
`final_check`), hole repair (positions whose document is broken at the cursor: the completion leaves
the region without an error), over-rejection (constrained only: the unconstrained text passes the
final check and the constrained one differs), generated tokens, latency; pass@1 where there are tests.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import re
import time
from collections.abc import Callable

from maze_inference.document import Document
from maze_inference.endings import loop_start
from maze_inference.engines.base import Engine
from maze_inference.final_check import check_insertion, region_around
from maze_inference.languages import get_language
from maze_inference.pipeline import CompletionSettings, complete_at, context_at
from maze_inference.postprocess import postprocess
from maze_inference.syntax import python_syntax_error

from maze_workshop.bench.report import percentile
from maze_workshop.bench.report import progress as report_progress
from maze_workshop.bench.sandbox import INSTALL_HINT, SandboxUnavailable, run_python, sandbox_available
from maze_workshop.bench.tasks import Task, peers_truncation

DECODERS = ("constrained", "unconstrained", "truncation")
WITH_REPOSITORY = "+repo"  # a decoder's name with this suffix: the same decoder, the task's repository context in the prompt


def _normalise(code: str) -> str:
    return re.sub(r"\s+", " ", code).strip()


def edit_similarity(a: str, b: str) -> float:
    """1 - Levenshtein distance / the longer length (1.0: identical; both empty: 1.0)."""
    if not a and not b:
        return 1.0
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return 1.0 - previous[-1] / max(len(a), len(b))


class _Position:
    """One task's document, parsed once, with the final check's region around the cursor."""

    def __init__(self, task: Task) -> None:
        self.task = task
        self.language = get_language(task.language)
        self.doc = Document(self.language, task.before + task.after)
        self.offset = len(task.before)
        self.settings = CompletionSettings(mode=task.mode, timeout_s=None)
        context = context_at(self.language, self.doc.text, self.doc.tree, self.offset,
                             byte_offset=self.doc.byte_offset(self.offset), indent_unit=None, settings=self.settings)
        self.context = context
        cursor = self.doc.byte_offset(self.offset)
        start = cursor - len(context.grammar_text.encode("utf-8"))
        self.region = region_around(self.doc.tree, self.doc.source, cursor, start, cursor + 512)
        self.hole = check_insertion(self.language, self.doc.source, self.region, "") is not None

    def breaks(self, shown: str) -> bool:
        return bool(shown) and check_insertion(self.language, self.doc.source, self.region, shown) is not None

    def repaired(self, shown: str) -> bool:
        data = self.doc.source
        cursor = self.region.cursor
        filled = data[self.region.lo : cursor] + shown.encode("utf-8") + data[cursor : self.region.hi]
        return not self.language.new_parser().parse(filled).root_node.has_error


async def _run(engine: Engine, position: _Position, decoder: str, max_tokens: int) -> tuple[str, int]:
    """(shown text, generated tokens) of one decoder at one position."""
    task, doc = position.task, position.doc
    repository = task.repository if decoder.endswith(WITH_REPOSITORY) else None
    decoder = decoder.removesuffix(WITH_REPOSITORY)
    if decoder == "constrained":
        settings = CompletionSettings(max_tokens=max_tokens, mode=task.mode, timeout_s=None)
        completion = await complete_at(engine, position.language, doc.text, doc.source, doc.tree, position.offset, settings,
                                       repository=repository)
        tokens = completion.result.completion_tokens if completion.result else 0
        return completion.text or "", tokens
    from maze_inference.engines.base import CompletionRequest

    result = await engine.complete(CompletionRequest(context=position.context, max_tokens=max_tokens, constrained=False,
                                                     repository=repository))
    raw = postprocess(result.text, position.context, checked_by_grammar=False) or ""
    if decoder == "truncation":
        first = result.text.split("\n", 1)[0] if task.mode == "line" else result.text
        raw = peers_truncation(first, task)
    return raw, result.completion_tokens


def evaluate(engine: Engine, tasks: list[Task], timeout_s: float = 10.0, max_tokens: int = 64,
             progress: bool = True, decoders: tuple[str, ...] = DECODERS, allow_unsandboxed: bool = False) -> dict:
    """Run every decoder on every task, then the tests of the suites that have them.

    Without a sandbox (and without `allow_unsandboxed`) it refuses before generating anything, not
    after an hour of generation.
    """
    if not allow_unsandboxed and any(t.test for t in tasks) and not sandbox_available():
        raise SandboxUnavailable(f"the tests of these tasks run generated code, and there is no sandbox here: "
                                 f"{INSTALL_HINT}, or pass --allow-unsandboxed")
    rows: list[dict] = []
    bar = report_progress(sum(len(decoders) * (2 if t.repository else 1) for t in tasks), "quality", "gen", progress)
    started = time.perf_counter()
    for index, task in enumerate(tasks):
        position = _Position(task)
        budget = max_tokens if task.mode == "line" else 2 * max_tokens  # whole blocks need more
        variants = decoders + tuple(d + WITH_REPOSITORY for d in decoders) if task.repository else decoders
        order = variants[index % len(variants) :] + variants[: index % len(variants)]
        for decoder in order:
            t0 = time.perf_counter()
            shown, tokens = asyncio.run(_run(engine, position, decoder, budget))
            elapsed = time.perf_counter() - t0
            rows.append({
                "suite": task.suite, "kind": task.kind, "language": task.language, "task": task.task_id,
                "decoder": decoder, "text": shown, "seconds": elapsed, "tokens": tokens,
                "empty": not shown.strip(), "exact": _normalise(shown) == _normalise(task.expected),
                "edit_similarity": edit_similarity(shown.strip(), task.expected.strip()),
                "strict_break": position.breaks(shown), "loop": loop_start(shown) is not None, "hole": position.hole,
                "repaired": bool(shown.strip()) and position.repaired(shown),
                "parses": task.language != "python" or python_syntax_error(task.program(shown)) is None,
                "needed": bool(re.search(rf"\b{re.escape(task.needed)}\b", shown)) if task.needed else None,
            })
            bar.update(1)
    bar.close()
    _run_tests(tasks, rows, timeout_s, allow_unsandboxed)
    return {"tasks": len(tasks), "suites": sorted({t.suite for t in tasks}), "wall_s": time.perf_counter() - started,
            "summary": summarise(rows), "rows": rows}


def _run_tests(tasks: list[Task], rows: list[dict], timeout_s: float, allow_unsandboxed: bool) -> None:
    by_id = {(t.suite, t.task_id): t for t in tasks}
    work = [(row, program) for row in rows
            if (program := by_id[(row["suite"], row["task"])].runnable(row["text"])) is not None]
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        for row, result in zip([w[0] for w in work], pool.map(
                lambda w: run_python(w[1], timeout_s, allow_unsandboxed=allow_unsandboxed), work), strict=True):
            row["passed"], row["reason"] = result.passed, result.reason


def summarise(rows: list[dict]) -> dict:
    """Per suite (and realcode language) and decoder: the rates the report shows."""
    summary: dict = {}
    groups: dict[tuple[str, str], list[dict]] = {}
    for row in rows:
        per_language = row["suite"] in ("realcode", "crossfile")
        key = f"{row['suite']}-{row['language']}" if per_language else row["suite"]
        groups.setdefault((key, row["decoder"]), []).append(row)
        if per_language:
            groups.setdefault((row["suite"], row["decoder"]), []).append(row)
    unconstrained = {(r["suite"], r["task"]): r for r in rows if r["decoder"] == "unconstrained"}
    for (key, decoder), group in sorted(groups.items()):
        summary.setdefault(key, {})[decoder] = _rates(group, unconstrained if decoder == "constrained" else None)
    return summary


def _rates(group: list[dict], unconstrained: dict | None) -> dict:
    n = len(group)
    shown = [r for r in group if not r["empty"]]
    holes = [r for r in group if r["hole"] or r["kind"] == "block_opener"]
    mean: Callable[[list[float]], float] = lambda xs: sum(xs) / len(xs) if xs else 0.0
    out = {
        "n": n,
        "exact_match": mean([r["exact"] for r in group]),
        "edit_similarity": mean([r["edit_similarity"] for r in group]),
        "empty": mean([r["empty"] for r in group]),
        "parse_rate_non_empty": mean([r["parses"] and not r["strict_break"] for r in shown]),
        "strict_breaks": sum(r["strict_break"] for r in group),
        "hole_positions": len(holes),
        "hole_repair": mean([r["repaired"] for r in holes]),
        "tokens_p50": percentile([float(r["tokens"]) for r in group], 50),
        "seconds_p50": percentile([r["seconds"] for r in group], 50),
        "seconds_p95": percentile([r["seconds"] for r in group], 95),
    }
    if any("passed" in r for r in group):
        out["pass_at_1"] = mean([r.get("passed", False) for r in group])
    if any(r.get("needed") is not None for r in group):  # crossfile: the name from another file is in the completion
        out["needed_identifier"] = mean([r["needed"] for r in group if r.get("needed") is not None])
    if unconstrained is not None:
        valid = [r for r in group if (u := unconstrained.get((r["suite"], r["task"]))) and not u["empty"]
                 and not u["strict_break"] and not u["loop"]]
        differ = [r for r in valid if _normalise(r["text"]) != _normalise(unconstrained[(r["suite"], r["task"])]["text"])]
        out["over_rejection"] = len(differ) / len(valid) if valid else 0.0
        out["over_rejection_n"] = len(differ)
    return out


def format_table(result: dict) -> str:
    lines = ["| tasks | decoder | n | exact | edit sim | pass@1 | needed name | empty | parses (non-empty) | "
             "strict breaks | hole repair | over-rejection | tokens p50 | s p50 |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for key, decoders in result["summary"].items():
        for decoder, s in decoders.items():
            pass_at_1 = f"{s['pass_at_1']:.1%}" if "pass_at_1" in s else "–"
            needed = f"{s['needed_identifier']:.1%}" if "needed_identifier" in s else "–"
            hole = f"{s['hole_repair']:.0%} of {s['hole_positions']}" if s["hole_positions"] else "–"
            over = f"{s['over_rejection']:.1%} ({s['over_rejection_n']})" if "over_rejection" in s else "–"
            lines.append(f"| {key} | {decoder} | {s['n']} | {s['exact_match']:.1%} | {s['edit_similarity']:.2f} | "
                         f"{pass_at_1} | {needed} | {s['empty']:.1%} | {s['parse_rate_non_empty']:.1%} | {s['strict_breaks']} | "
                         f"{hole} | {over} | {s['tokens_p50']:.0f} | {s['seconds_p50']:.3f} |")
    baseline = result.get("baseline")
    if baseline:
        lines += ["", f"Baseline model in the same runs ({baseline['model']}):", "",
                  format_table({"summary": baseline["summary"]})]
    return "\n".join(lines)
