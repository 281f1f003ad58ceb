"""Generated code in benchmarks runs only in the sandbox: time, memory, network and files limited."""

from __future__ import annotations

import os
import tempfile

from maze_workshop.bench.sandbox import network_namespace_available, run_python


def test_passing_and_failing_programs() -> None:
    assert run_python("assert sum([1, 2]) == 3").passed
    result = run_python("assert 1 == 2")
    assert not result.passed and "AssertionError" in result.reason


def test_time_limit() -> None:
    assert run_python("while True:\n    pass\n", timeout_s=1.5).reason == "timeout"


def test_memory_limit() -> None:
    assert run_python("x = bytearray(4 << 30)", memory_mb=256).reason == "memory"


def test_no_network() -> None:
    result = run_python("import socket\nsocket.create_connection(('127.0.0.1', 9), timeout=2)\n")
    assert not result.passed
    assert ("unreachable" in result.reason.lower() or "network disabled" in result.reason
            or "refused" in result.reason.lower()) if network_namespace_available() else "network disabled" in result.reason


def test_runs_in_a_temporary_directory_that_disappears() -> None:
    marker = os.path.join(tempfile.gettempdir(), "maze-sandbox-leak-check")
    code = f"import os\nopen('left.txt', 'w').write('x')\nprint(os.getcwd())\nassert os.getcwd() != {os.getcwd()!r}\n"
    assert run_python(code).passed
    assert not os.path.exists(marker)
    assert not any(name.startswith("maze-sandbox-") for name in os.listdir(tempfile.gettempdir()))
