"""`maze bench retrieval`: the repository context's costs on a workspace of thousands of files.

* build: the background index build (`builder.build_index`, its own process) from scratch: seconds,
  files, definitions; the memory the index holds in the server (its objects and lookup tables,
  measured with tracemalloc on a replay of the build's batches) and the server's resident size;
* retrieval: `Retriever.retrieve` at random cursors (after `mod.`, after `value.`, at a line's start),
  with other files open as an editor would have them: p50/p95/max milliseconds, context size;
* completions during the build: embedded-engine completions (with retrieval, as the server runs them)
  while the build is running, beside the same completions with repository context off, alternated in
  rounds so machine load affects both alike: the median and p95 difference is what the build costs;
* the first completion of a fresh `maze lsp` on the workspace (its build starts at `initialized`) with
  repository context on and off, alternated.
"""

from __future__ import annotations

import asyncio
import pickle
import random
import re
import tempfile
import time
import tracemalloc
from pathlib import Path

from maze_inference.document import Document
from maze_inference.languages import language_for_path
from maze_inference.pipeline import CompletionSettings, complete_at
from maze_inference.workspace.builder import build_index
from maze_inference.workspace.index import WorkspaceIndex
from maze_inference.workspace.retrieval import Query, RetrievalSettings, Retriever
from maze_inference.workspace.scan import IndexLimits
from maze_inference.workspace.symbols import FileSymbols

from maze_workshop.bench.report import percentile, progress
from maze_workshop.bench.stdio import StdioClient
from maze_workshop.bench.synthetic_workspace import write_workspace

_RECEIVER = re.compile(r"[A-Za-z_]\w*(?:\.|::)")
OPEN_DOCUMENTS = 8


def _rss_mb() -> float:
    try:
        return int(Path("/proc/self/statm").read_text().split()[1]) * 4096 / 1e6
    except (OSError, IndexError, ValueError):
        return float("nan")


def _load() -> str:
    """Other processes' demand for the cores: shared machines make tails longer, so it is reported."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def _positions(files: list[Path], count: int, seed: int) -> list[tuple[Path, int]]:
    """Cursors in function bodies: half right after a receiver (`mod.`, `item.`, `Type::`), half after a
    line's indentation."""
    rng = random.Random(seed)
    out: list[tuple[Path, int]] = []
    while len(out) < count:
        path = rng.choice(files)
        text = path.read_text(encoding="utf-8", errors="replace")
        starts = [0, *(m.end() for m in re.finditer("\n", text))]
        line = rng.randrange(len(starts) - 1) if len(starts) > 1 else 0
        start, end = starts[line], (starts[line + 1] - 1 if line + 1 < len(starts) else len(text))
        body = text[start:end]
        indent = len(body) - len(body.lstrip())
        if not indent or not body.strip():
            continue
        found = _RECEIVER.search(body, indent)
        cut = start + (found.end() if found and rng.random() < 0.5 else indent)
        out.append((path, cut))
    return out


async def _build(root: Path, limits: IndexLimits) -> tuple[WorkspaceIndex, list[list[FileSymbols]], float]:
    index = WorkspaceIndex([root.as_posix()])
    batches: list[list[FileSymbols]] = []

    def merge(batch: list[FileSymbols]) -> None:
        batches.append(batch)
        index.put_all(batch)

    started = time.perf_counter()
    await build_index([root.as_posix()], limits, merge)
    return index, batches, time.perf_counter() - started


def _index_memory(root: Path, batches: list[list[FileSymbols]]) -> float:
    """MB the index's objects and tables take, from a replay of the build's batches under tracemalloc."""
    data = pickle.dumps(batches)
    tracemalloc.start()
    try:
        replay = WorkspaceIndex([root.as_posix()])
        for batch in pickle.loads(data):
            replay.put_all(batch)
        current, _peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return current / 1e6


def measure_retrieval(index: WorkspaceIndex, files: list[Path], positions: int, budget: int, seed: int) -> dict:
    retriever = Retriever(index, RetrievalSettings(budget_tokens=budget))
    rng = random.Random(seed + 1)
    times, best, sizes, non_empty = [], [], [], 0
    bar = progress(positions, "retrieval", "req")
    for path, offset in _positions(files, positions, seed):
        text = path.read_text(encoding="utf-8")
        same = [f for f in files if f.suffix == path.suffix and f != path]
        opened = tuple((f.as_posix(), 1, f.read_text(encoding="utf-8")) for f in rng.sample(same, min(OPEN_DOCUMENTS, len(same))))
        query = Query(path.as_posix(), language_for_path(path).id, text[max(0, offset - 6000) : offset],
                      text[offset : offset + 2000], open_documents=opened)
        retriever.retrieve(query)  # the open documents' windows are cut once per version, as in the server
        runs = []
        for _ in range(3):
            started = time.perf_counter()
            context = retriever.retrieve(query)
            runs.append((time.perf_counter() - started) * 1e3)
        times.append(runs[0])
        best.append(min(runs))  # the cost itself, without the other processes' share of the cores
        sizes.append(context.chars if context else 0)
        non_empty += context is not None
        bar.update()
    bar.close()
    return {"positions": len(times), "p50_ms": percentile(times, 50), "p95_ms": percentile(times, 95),
            "max_ms": max(times), "best_of_3_p50_ms": percentile(best, 50), "best_of_3_p95_ms": percentile(best, 95),
            "context_chars_p50": percentile([float(s) for s in sizes], 50), "with_context": non_empty / len(times)}


async def measure_first_completions(root: Path, files: list[Path], limits: IndexLimits, rounds: int,
                                    per_round: int, seed: int) -> dict:
    """Completion latency while the index builds (context on) vs with context off, in alternating rounds."""
    from maze_inference.engines.embedded import EmbeddedEngine  # here: the report imports this module

    engine = EmbeddedEngine()
    await engine.load()
    python = [f for f in files if f.suffix == ".py"]
    positions = _positions(python, per_round, seed + 2)
    settings = CompletionSettings(max_tokens=16, timeout_s=None)
    latencies: dict[str, list[float]] = {"off": [], "during_build": []}
    during = 0
    busy = [False]

    async def pause() -> None:  # as the server's build does: no merging while a completion runs
        while busy[0]:
            await asyncio.sleep(0.02)

    async def complete(path: Path, offset: int, retriever: Retriever | None) -> float:
        language = language_for_path(path)
        document = Document(language, path.read_text(encoding="utf-8"))
        text, source, tree, _ = document.snapshot()
        started = time.perf_counter()
        busy[0] = True
        repository = None
        if retriever is not None:
            repository = retriever.retrieve(Query(path.as_posix(), language.id, text[max(0, offset - 6000) : offset],
                                                  text[offset : offset + 2000]))
        await complete_at(engine, language, text, source, tree, offset, settings, repository=repository)
        busy[0] = False
        return (time.perf_counter() - started) * 1e3

    for path, offset in positions[:2]:  # warm-up: first-run costs are not the build's
        await complete(path, offset, None)
    for _ in range(rounds):
        for path, offset in positions:
            latencies["off"].append(await complete(path, offset, None))
        index = WorkspaceIndex([root.as_posix()])
        build = asyncio.create_task(build_index([root.as_posix()], limits, index.put_all, pause=pause))
        retriever = Retriever(index)
        for path, offset in positions:
            running = not build.done()
            latencies["during_build"].append(await complete(path, offset, retriever))
            during += running
        await build
    await engine.close()
    out = {name: {"p50_ms": percentile(v, 50), "p95_ms": percentile(v, 95), "n": len(v)} for name, v in latencies.items()}
    out["delta_p50_ms"] = out["during_build"]["p50_ms"] - out["off"]["p50_ms"]
    out["delta_p95_ms"] = out["during_build"]["p95_ms"] - out["off"]["p95_ms"]
    out["completions_while_building"] = during
    return out


def measure_server_first_completion(root: Path, files: list[Path], rounds: int, seed: int) -> dict:
    """Milliseconds from the first inline-completion request to its answer, in a server that has just been
    initialized on `root`, repository context on (the index builds meanwhile) and off, in alternating order."""
    path, offset = _positions([f for f in files if f.suffix == ".py"], 1, seed + 3)[0]
    text = path.read_text(encoding="utf-8")
    line = text.count("\n", 0, offset)
    character = offset - (text.rfind("\n", 0, offset) + 1)
    times: dict[str, list[float]] = {"off": [], "on": []}
    for round_ in range(rounds):
        for enabled in (False, True) if round_ % 2 == 0 else (True, False):
            client = StdioClient()
            try:
                client.initialize({"debounceMs": 0, "maxTokens": 16, "timeoutMs": 30000, "repositoryContext": enabled},
                                  root_uri=root.as_uri())
                client.open(path.as_uri(), "python", text)
                started = time.perf_counter()
                client.response(client.inline(path.as_uri(), line, character))
                times["on" if enabled else "off"].append((time.perf_counter() - started) * 1e3)
            finally:
                client.close()
    out: dict = {name: {"p50_ms": percentile(v, 50), "max_ms": max(v), "n": len(v)} for name, v in times.items()}
    out["delta_p50_ms"] = out["on"]["p50_ms"] - out["off"]["p50_ms"]
    return out


def run(files: int, positions: int, budget: int, rounds: int, per_round: int, root: str | None, seed: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="maze-bench-ws-") as scratch:
        base = Path(root) if root else Path(scratch)
        if root is None:
            write_workspace(base, files)
        limits = IndexLimits(max_files=max(5000, files + 100))
        rss_before = _rss_mb()
        index, batches, seconds = asyncio.run(_build(base, limits))
        rss_growth = _rss_mb() - rss_before
        report: dict = {
            "workspace": root or "synthetic", "files_indexed": len(index), "source_mb": index.total_bytes / 1e6,
            "definitions": sum(len(s.definitions) for s in index.files.values()),
            "build_s": seconds, "index_mb": _index_memory(base, batches), "rss_growth_mb": rss_growth,
        }
        indexed = [Path(p) for p in sorted(index.files)]
        report["retrieval"] = measure_retrieval(index, indexed, positions, budget, seed)
        if rounds:
            report["completions"] = asyncio.run(measure_first_completions(base, indexed, limits, rounds, per_round, seed))
            report["server_first_completion"] = measure_server_first_completion(base, indexed, rounds, seed)
        report["load"] = _load()
        return report


def format_report(report: dict) -> str:
    r = report["retrieval"]
    lines = [
        f"workspace: {report['workspace']}; indexed {report['files_indexed']} files, {report['source_mb']:.1f} MB of "
        f"source, {report['definitions']} definitions",
        f"build (background process): {report['build_s']:.2f} s; index in the server: {report['index_mb']:.1f} MB "
        f"(objects and tables), resident size grew {report['rss_growth_mb']:.1f} MB",
        f"retrieval over {r['positions']} cursors: p50 {r['p50_ms']:.2f} ms, p95 {r['p95_ms']:.2f} ms, "
        f"max {r['max_ms']:.2f} ms (best of 3 runs: p50 {r['best_of_3_p50_ms']:.2f} ms, p95 "
        f"{r['best_of_3_p95_ms']:.2f} ms); context {r['context_chars_p50']:.0f} chars (p50), "
        f"{r['with_context']:.0%} of cursors with context",
        f"machine load (1/5/15 min averages) at the end: {report['load']}",
    ]
    c = report.get("completions")
    if c:
        lines.append(
            f"completions (embedded): context off p50 {c['off']['p50_ms']:.0f} ms / p95 {c['off']['p95_ms']:.0f} ms; "
            f"during the build p50 {c['during_build']['p50_ms']:.0f} ms / p95 {c['during_build']['p95_ms']:.0f} ms "
            f"(delta p50 {c['delta_p50_ms']:+.0f} ms, p95 {c['delta_p95_ms']:+.0f} ms; "
            f"{c['completions_while_building']} of {c['during_build']['n']} ran while the build was running)")
    s = report.get("server_first_completion")
    if s:
        lines.append(
            f"first completion of a fresh `maze lsp` on the workspace: context off p50 {s['off']['p50_ms']:.0f} ms, "
            f"on (index building) p50 {s['on']['p50_ms']:.0f} ms (delta {s['delta_p50_ms']:+.0f} ms; {s['on']['n']} "
            f"servers each)")
    return "\n".join(lines)
