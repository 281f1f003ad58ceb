"""Building the index in the background: walking and parsing happen in a separate process.

Parsing thousands of files is seconds of Python work. In a thread of the server it would hold the
interpreter lock for as long as it runs, and every completion in the meantime (its constraint and
decode loop are Python too) would wait for it. In its own process, at the idle priority, it runs on
what the completions leave of the cores, and the server only merges finished batches (a dictionary
update per file). The process ends with the build.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import gc
import logging
import multiprocessing
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from maze_inference.workspace.priority import lower_priority
from maze_inference.workspace.scan import IndexLimits, ScanResult, index_files, scan
from maze_inference.workspace.symbols import FileSymbols

log = logging.getLogger(__name__)

BATCH_FILES = 64


@dataclass(frozen=True)
class BuildReport:
    files: int  # indexed
    bytes: int
    seconds: float
    truncated: bool  # a limit stopped the walk
    too_large: int  # files left out for their size


async def build_index(roots: Sequence[str], limits: IndexLimits, on_batch: Callable[[list[FileSymbols]], None],
                      *, files: Sequence[str] | None = None) -> BuildReport:
    """Scan `roots` (or take `files`, already checked) and index the files in a child process, handing
    each batch to `on_batch` on the caller's event loop. Cancelling the awaiting task stops the build
    after the batch in progress."""
    started = time.perf_counter()
    pool = concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                                  initializer=lower_priority)
    try:
        if files is None:
            scanned = await asyncio.wrap_future(pool.submit(scan, list(roots), limits))
        else:
            scanned = ScanResult([(path, 0) for path in files])
        paths = [path for path, _ in scanned.files]
        batches = [pool.submit(index_files, paths[i : i + BATCH_FILES]) for i in range(0, len(paths), BATCH_FILES)]
        indexed = size = 0
        for future in batches:
            batch = await asyncio.wrap_future(future)
            indexed += len(batch)
            size += sum(s.size for s in batch)
            on_batch(batch)
        # The index is now some 50 long-lived objects per file. A full garbage collection traverses every
        # tracked object, a pause of 30-150 ms with a large index, in the middle of a completion; frozen
        # objects are skipped by collections and still freed by reference counting when dropped.
        gc.freeze()
        report = BuildReport(indexed, size, time.perf_counter() - started, scanned.truncated, scanned.too_large)
        log.info("indexed %d files (%.1f MB) in %.1f s%s", report.files, report.bytes / 1e6, report.seconds,
                 " (a limit stopped the walk)" if report.truncated else "")
        return report
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
