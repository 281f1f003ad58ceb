"""The indexing process's first act: step back for the completions.

Its own module, importing only `os`: a spawned worker imports the module of its initializer before it
runs it, and everything the build needs (tree-sitter and its grammars, maze's modules) is imported
only afterwards, already at the idle priority. Linux's idle class runs the process only on a core
nothing else wants; elsewhere the lowest nice value does what it can.
"""

from __future__ import annotations

import os


def lower_priority() -> None:
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))  # type: ignore[attr-defined]
        return
    except (AttributeError, OSError):
        pass
    try:
        os.nice(19)
    except (AttributeError, OSError):  # Windows has neither; the build still runs
        pass
