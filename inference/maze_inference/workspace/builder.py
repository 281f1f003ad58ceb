"""Building the index in the background: walking and parsing happen in a separate process.

Parsing thousands of files is seconds of Python work. In a thread of the server it would hold the
interpreter lock for as long as it runs, and every completion in the meantime (its constraint and
decode loop are Python too) would wait for it. In its own process (`worker.py`) at the idle
priority, it runs on what the completions leave of the cores, and the server only reads finished
batches from a pipe and merges them (a dictionary update per file). No thread of the server itself is
ever lowered: one holding the interpreter lock at idle priority would stall the completions behind it.
The process ends with the build.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import pickle
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from maze_inference.workspace.scan import IndexLimits, ScanResult
from maze_inference.workspace.symbols import FileSymbols

log = logging.getLogger(__name__)

BATCH_FILES = 64
_WORKER = "maze_inference.workspace.worker"


@dataclass(frozen=True)
class BuildReport:
    files: int  # indexed
    bytes: int
    seconds: float
    truncated: bool  # a limit stopped the walk
    too_large: int  # files left out for their size


async def _frame(stream: asyncio.StreamReader) -> object | None:
    try:
        size = int.from_bytes(await stream.readexactly(8), "big")
        return pickle.loads(await stream.readexactly(size))
    except asyncio.IncompleteReadError as exc:
        if exc.partial:
            raise RuntimeError("the indexing process stopped in the middle of a batch") from exc
        return None


async def build_index(roots: Sequence[str], limits: IndexLimits, on_batch: Callable[[list[FileSymbols]], None],
                      *, files: Sequence[str] | None = None,
                      pause: Callable[[], Awaitable[None]] | None = None) -> BuildReport:
    """Scan `roots` (or take `files`, already checked) and index the files in a child process, handing
    each batch to `on_batch` on the caller's event loop. `pause` is awaited before each batch is read:
    while it waits, nothing is merged, and the process stops at its next batch (the pipe is full).
    Cancelling the awaiting task ends the process."""
    started = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}  # the server's own imports
    process = await asyncio.create_subprocess_exec(sys.executable, "-m", _WORKER, stdin=asyncio.subprocess.PIPE,
                                                   stdout=asyncio.subprocess.PIPE, env=env)
    assert process.stdin is not None and process.stdout is not None
    try:
        process.stdin.write(pickle.dumps((list(roots), limits, None if files is None else list(files), BATCH_FILES)))
        await process.stdin.drain()
        process.stdin.close()
        scanned = await _frame(process.stdout)
        if scanned is None:
            raise RuntimeError(f"the indexing process ended with status {await process.wait()} before its scan")
        assert isinstance(scanned, ScanResult)
        indexed = size = 0
        while True:
            if pause is not None:
                await pause()
            batch = await _frame(process.stdout)
            if batch is None:
                break
            assert isinstance(batch, list)
            indexed += len(batch)
            size += sum(s.size for s in batch)
            on_batch(batch)
        if await process.wait():
            raise RuntimeError(f"the indexing process ended with status {process.returncode}")
        # The index is now some 50 long-lived objects per file. A full garbage collection traverses every
        # tracked object, a pause of 30-150 ms with a large index, in the middle of a completion; frozen
        # objects are skipped by collections and still freed by reference counting when dropped.
        gc.freeze()
        report = BuildReport(indexed, size, time.perf_counter() - started, scanned.truncated, scanned.too_large)
        log.info("indexed %d files (%.1f MB) in %.1f s%s", report.files, report.bytes / 1e6, report.seconds,
                 " (a limit stopped the walk)" if report.truncated else "")
        return report
    finally:
        if process.returncode is None:
            process.kill()
            await asyncio.shield(process.wait())
