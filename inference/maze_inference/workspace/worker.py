"""The indexing process (`python -m maze_inference.workspace.worker`): reads what to index from stdin,
writes the scan and then the files' symbols, a batch at a time, to stdout.

Its first act is to step back for the completions (Linux's idle scheduling class, else the lowest nice
value): only the interpreter's start-up runs before that; the walk, tree-sitter and maze's modules are
imported after. Frames are an 8-byte big-endian length and a pickle: the `ScanResult`, then lists of
`FileSymbols`.
"""

from __future__ import annotations

import os
import sys


def _lower_priority() -> None:
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))  # type: ignore[attr-defined]
        return
    except (AttributeError, OSError):
        pass
    try:
        os.nice(19)
    except (AttributeError, OSError):  # Windows has neither; the build still runs
        pass


def main() -> None:
    _lower_priority()
    import pickle

    from maze_inference.workspace.scan import ScanResult, index_files, scan

    roots, limits, files, batch_files = pickle.load(sys.stdin.buffer)
    out = sys.stdout.buffer

    def send(value: object) -> None:
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        out.write(len(data).to_bytes(8, "big") + data)
        out.flush()

    scanned = scan(roots, limits) if files is None else ScanResult([(path, 0) for path in files])
    send(scanned)
    paths = [path for path, _ in scanned.files]
    for start in range(0, len(paths), batch_files):
        send(index_files(paths[start : start + batch_files]))


if __name__ == "__main__":
    main()
