"""The background build: a worker process at idle priority streams batches; it can be paused by the
server (completions in flight) and cancelled, and it indexes given files as well as a whole walk."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from maze_inference.workspace.builder import BATCH_FILES, build_index
from maze_inference.workspace.scan import IndexLimits
from maze_inference.workspace.symbols import FileSymbols


def _workspace(root: Path, files: int) -> list[str]:
    paths = []
    for i in range(files):
        path = root / f"pkg{i % 3}" / f"mod{i}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"def func_{i}(x):\n    return x\n\n\nclass Type{i}:\n    pass\n")
        paths.append(path.as_posix())
    return paths


async def test_batches_arrive_and_the_report_counts_them(tmp_path: Path) -> None:
    paths = _workspace(tmp_path, BATCH_FILES + 10)
    batches: list[list[FileSymbols]] = []
    pauses = 0

    async def pause() -> None:
        nonlocal pauses
        pauses += 1

    report = await build_index([tmp_path.as_posix()], IndexLimits(), batches.append, pause=pause)
    assert [len(b) for b in batches] == [BATCH_FILES, 10] and pauses == 3  # before each batch and the end
    assert report.files == BATCH_FILES + 10 and not report.truncated
    assert sorted(s.path for b in batches for s in b) == sorted(paths)
    assert {d.name for s in batches[0] for d in s.definitions} >= {"func_0", "Type0"}
    given = await build_index([tmp_path.as_posix()], IndexLimits(), batches.append, files=paths[:2])
    assert given.files == 2 and [s.path for s in batches[-1]] == paths[:2]


@pytest.mark.skipif(not hasattr(os, "SCHED_IDLE"), reason="Linux's idle scheduling class")
async def test_the_worker_runs_at_idle_priority_and_ends_when_cancelled(tmp_path: Path) -> None:
    _workspace(tmp_path, 3 * BATCH_FILES)
    policies: list[int] = []
    earlier = set(_children())  # other tests' processes, still ending, are not the worker

    async def pause() -> None:  # the worker exists now: its policy, then hold the build until cancelled
        policies.extend(os.sched_getscheduler(int(pid)) for pid in _children() if pid not in earlier)
        await asyncio.sleep(3600)

    task = asyncio.create_task(build_index([tmp_path.as_posix()], IndexLimits(), lambda batch: None, pause=pause))
    while not policies:
        await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert policies == [os.SCHED_IDLE]
    assert not set(_children()) - earlier


def _children() -> list[str]:
    return [pid for pid in os.listdir("/proc") if pid.isdigit() and _parent(pid) == os.getpid()]


def _parent(pid: str) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return -1
