"""The server exits when its client goes away, over the real process and stdio.

An editor that crashes or is killed never sends `shutdown`/`exit`; a server that stays would keep
its model in memory forever (one more per editor restart). Two signals end it: end-of-file on stdin,
and the client process named in `initialize.processId` disappearing (checked every few seconds).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

from maze_lsp.lifeline import CHECK_INTERVAL_S, EXIT_CODE, process_alive
from maze_workshop.bench.stdio import StdioClient


def _initialize(client: StdioClient, process_id: int | None) -> None:
    reply = client.request("initialize", {"processId": process_id, "rootUri": None, "capabilities": {},
                                          "initializationOptions": {"debounceMs": 0}})
    assert "result" in reply, reply
    client.notify("initialized", {})


def _exit_code(proc: subprocess.Popen, seconds: float) -> int | None:
    try:
        return proc.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        return None


def test_exits_when_the_client_process_is_gone() -> None:
    fake_parent = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    client = StdioClient()
    try:
        _initialize(client, fake_parent.pid)
        time.sleep(CHECK_INTERVAL_S * 1.5)
        assert client.proc.poll() is None, "the server exited while its client was alive"
        fake_parent.kill()  # not reaped yet: a zombie, which must count as gone
        killed_at = time.monotonic()
        code = _exit_code(client.proc, CHECK_INTERVAL_S * 2 + 5)
        assert code == EXIT_CODE, f"the server did not exit after its client died (exit code {code})"
        assert time.monotonic() - killed_at < CHECK_INTERVAL_S * 2 + 3
    finally:
        fake_parent.kill()
        fake_parent.wait()
        if client.proc.poll() is None:
            client.proc.kill()


def test_keeps_running_when_the_client_process_was_never_visible() -> None:
    """A pid from another machine or container (a TCP client, `docker exec` wrappers) is not watched."""
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    client = StdioClient()
    try:
        _initialize(client, gone.pid)
        time.sleep(CHECK_INTERVAL_S * 2.5)
        assert client.proc.poll() is None, "the server exited because of a pid it cannot see"
    finally:
        client.close()


def test_exits_when_stdin_closes() -> None:
    client = StdioClient()
    try:
        _initialize(client, os.getpid())
        client.open("file:///tmp/lifeline.py", "python", "def f(x):\n    return x\n")
        _close_stdin_and_expect_exit(client)
    finally:
        if client.proc.poll() is None:
            client.proc.kill()


def test_exits_when_stdin_closes_during_a_long_generation() -> None:
    """A generation in flight must not keep the process alive: closing cancels it."""
    client = StdioClient()
    try:
        _initialize(client, os.getpid())
        client.notify("workspace/didChangeConfiguration",
                      {"settings": {"maze": {"maxTokens": 512, "mode": "block", "timeoutMs": 60000}}})
        uri = "file:///tmp/lifeline-long.py"
        client.open(uri, "python", "values = [\n" + "".join(f"    {i},\n" for i in range(1, 40)) + "    \n]\n")
        client.inline(uri, 40, 4)
        time.sleep(0.3)
        _close_stdin_and_expect_exit(client)
    finally:
        if client.proc.poll() is None:
            client.proc.kill()


def _close_stdin_and_expect_exit(client: StdioClient) -> None:
    assert client.proc.stdin is not None
    client.proc.stdin.close()
    assert _exit_code(client.proc, 10) is not None, "the server kept running after its stdin closed"


def test_process_alive() -> None:
    assert process_alive(os.getpid())
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    while child.poll() is None:  # poll reaps it: the pid is then free
        time.sleep(0.01)
    assert not process_alive(child.pid)
    assert not process_alive(0)
