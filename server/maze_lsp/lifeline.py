"""The server's lifeline to its client: exit when the client process is gone.

An editor that dies without `shutdown`/`exit` (a crash, a killed extension host) normally closes
our stdin, and pygls' read loop ends on end-of-file. That is not enough when the pipe outlives the
editor (another process inherited its write end) or when the transport is TCP: the server would
keep its model in memory forever. So, as the LSP spec suggests for `InitializeParams.processId`, a
background task checks every few seconds that the client process still exists, and exits the
process when it does not.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

log = logging.getLogger(__name__)

CHECK_INTERVAL_S = 2.0
EXIT_CODE = 1  # the spec's code for an exit that was not preceded by `shutdown`


def process_alive(pid: int) -> bool:
    """Whether `pid` is a running process (a zombie, dead but not yet reaped, counts as gone)."""
    if pid <= 0:
        return False
    if sys.platform == "win32":
        return _windows_process_alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists but belongs to someone else
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:  # no /proc (macOS): os.kill's answer stands
        return True
    return stat.rpartition(")")[2].split()[:1] != ["Z"]


def _windows_process_alive(pid: int) -> bool:
    """OpenProcess + GetExitCodeProcess: os.kill(pid, 0) would terminate the process on Windows."""
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return False
    try:
        code = ctypes.c_ulong()
        return bool(kernel32.GetExitCodeProcess(handle, ctypes.byref(code))) and code.value == 259  # STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)


async def watch_client(pid: int, on_gone: Callable[[], Awaitable[None]], interval: float = CHECK_INTERVAL_S) -> None:
    """Poll until process `pid` is gone, then run `on_gone` once."""
    while process_alive(pid):
        await asyncio.sleep(interval)
    log.warning("the client process %d is gone; exiting", pid)
    await on_gone()


async def release_and_exit(release: Callable[[], Awaitable[None]], timeout: float = 3.0) -> None:
    """Release what can be released within `timeout`, then end the process.

    `os._exit`, because the protocol's reader thread may be blocked on a stdin that nobody will ever
    close, and a normal exit would wait for it.
    """
    try:
        async with asyncio.timeout(timeout):
            await release()
    except Exception:  # exiting anyway: nothing left to report to
        log.debug("releasing before exit failed", exc_info=True)
    logging.shutdown()
    os._exit(EXIT_CODE)
