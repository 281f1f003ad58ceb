"""Run untrusted generated code: a subprocess with time and memory limits, a temp dir, no network.

What is isolated: the code runs in a separate Python process (`-I`: no user site, no PYTHON* env,
no cwd on sys.path) with an empty environment, in a fresh temporary directory that is deleted
afterwards; RLIMIT_AS caps its memory, RLIMIT_CPU and a wall-clock timeout cap its time, RLIMIT_NPROC
stops fork bombs, RLIMIT_FSIZE caps files it writes. Where unprivileged user namespaces work
(`unshare -rn`), it also runs in its own network namespace with no interfaces but loopback down;
elsewhere a `sitecustomize` makes `socket.socket` raise. It is not a container: it can still read
files the user can read.
"""

from __future__ import annotations

import functools
import os
import resource
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass

_NO_SOCKET = "import socket\n\ndef _refuse(*a, **k):\n    raise OSError('network disabled in the maze sandbox')\n\nsocket.socket = _refuse\nsocket.create_connection = _refuse\n"


@dataclass(frozen=True)
class SandboxResult:
    passed: bool
    reason: str  # "ok", "failed", "timeout", "memory", or the first line of stderr


@functools.cache
def network_namespace_available() -> bool:
    unshare = shutil.which("unshare")
    if unshare is None:
        return False
    try:
        return subprocess.run([unshare, "-rn", "true"], capture_output=True, timeout=10, check=False).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _limits(memory_mb: int, cpu_s: int) -> None:  # runs in the child before exec
    resource.setrlimit(resource.RLIMIT_AS, (memory_mb << 20, memory_mb << 20))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s))
    resource.setrlimit(resource.RLIMIT_FSIZE, (16 << 20, 16 << 20))
    resource.setrlimit(resource.RLIMIT_NPROC, (256, 256))
    os.setsid()


def run_python(code: str, timeout_s: float = 10.0, memory_mb: int = 1024) -> SandboxResult:
    """Run `code`; passed means exit status 0 within the limits."""
    with tempfile.TemporaryDirectory(prefix="maze-sandbox-") as workdir:
        script = os.path.join(workdir, "program.py")
        with open(script, "w", encoding="utf-8") as handle:
            handle.write(code)
        command = [sys.executable, "-I", script]
        env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
        if network_namespace_available():
            command = ["unshare", "-rn", *command]
        else:
            with open(os.path.join(workdir, "sitecustomize.py"), "w", encoding="utf-8") as handle:
                handle.write(_NO_SOCKET)
            command = [sys.executable, "-S", "-c",
                       f"import sys; sys.path.insert(0, {workdir!r}); import sitecustomize; import site; "
                       f"sys.argv = [{script!r}]; exec(compile(open({script!r}).read(), {script!r}, 'exec'))"]
        try:
            done = subprocess.run(command, cwd=workdir, env=env, capture_output=True, timeout=timeout_s, check=False,
                                  preexec_fn=lambda: _limits(memory_mb, int(timeout_s) + 1))
        except subprocess.TimeoutExpired:
            return SandboxResult(False, "timeout")
    if done.returncode == 0:
        return SandboxResult(True, "ok")
    stderr = done.stderr.decode("utf-8", "replace").strip().splitlines()
    if stderr and "MemoryError" in stderr[-1]:
        return SandboxResult(False, "memory")
    return SandboxResult(False, stderr[-1][:200] if stderr else f"exit {done.returncode}")
