"""Run untrusted generated code in bubblewrap: no network, no host files, every child ended on timeout.

Why bubblewrap and not a hand-rolled sandbox: a review escaped the previous one (rlimits plus
`unshare -rn`, or a `sitecustomize` that replaced `socket.socket`) three ways: a forked child
outlived the timeout (only the direct child was killed), `RLIMIT_NPROC` does nothing for root, and
`import _socket` or a subprocess bypassed the socket patch. `bwrap --unshare-all` gives the program
its own PID namespace (killing bwrap on timeout ends every process in it: `--die-with-parent`), its
own network namespace (only a loopback of its own), a read-only `/usr`, a private `/tmp`, and a
writable work folder that is deleted afterwards; `--new-session` stops it from pushing keystrokes
into our terminal. As root, the program also runs as `nobody`, so that `RLIMIT_NPROC` counts.
RLIMIT_AS, RLIMIT_CPU and RLIMIT_FSIZE still cap memory, time and file sizes.

Where bubblewrap is missing or cannot create namespaces, generated code is not run at all
(`SandboxUnavailable`), unless the caller passes `allow_unsandboxed=True` (the bench's
`--allow-unsandboxed`): then it runs with the rlimits and a process group killed on timeout, and
nothing else; there is no pretend network block that a program could bypass.
"""

from __future__ import annotations

import functools
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass

log = logging.getLogger(__name__)

NOBODY = 65534
INSIDE_DIR = "/sandbox"  # the work folder as the program sees it
INSTALL_HINT = "install bubblewrap (Debian: apt-get install bubblewrap)"


class SandboxUnavailable(RuntimeError):
    """No namespace sandbox here, and the caller did not accept running generated code without one."""


@dataclass(frozen=True)
class SandboxResult:
    passed: bool
    reason: str  # "ok", "failed", "timeout", "memory", or the first line of stderr


def _interpreter() -> str:
    """A Python the sandbox can see: under /usr (bound read-only), else the base prefix is bound too.

    A venv's `python` is a link into the base installation; the generated programs need only the
    standard library, so the base interpreter in isolated mode (`-I`) is what runs them.
    """
    base = os.path.realpath(getattr(sys, "_base_executable", sys.executable))
    if base.startswith("/usr/"):
        return base
    system = shutil.which("python3", path="/usr/bin:/usr/local/bin")
    return os.path.realpath(system) if system else base


def _bwrap_command(workdir: str, interpreter: str, script: str) -> list[str]:
    bwrap = shutil.which("bwrap")
    assert bwrap is not None
    command = [bwrap, "--unshare-all", "--die-with-parent", "--new-session", "--ro-bind", "/usr", "/usr"]
    for top in ("/bin", "/sbin", "/lib", "/lib64", "/lib32"):
        if os.path.islink(top):
            command += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            command += ["--ro-bind", top, top]
    if not interpreter.startswith("/usr/"):
        prefix = os.path.dirname(os.path.dirname(interpreter))
        command += ["--ro-bind", prefix, prefix]
    command += ["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--bind", workdir, INSIDE_DIR,
                "--chdir", INSIDE_DIR, "--clearenv", "--setenv", "PATH", "/usr/bin:/bin", "--setenv", "LANG", "C.UTF-8",
                interpreter, "-I", f"{INSIDE_DIR}/{os.path.basename(script)}"]
    return command


def _limited(command: list[str], memory_mb: int, cpu_s: int) -> list[str]:
    """`command` under prlimit(1): memory, CPU time, file size and process count capped before it starts.

    Not `preexec_fn`: the bench runs programs from a thread pool, where forking Python code is unsafe.
    """
    prlimit = shutil.which("prlimit") or "prlimit"
    return [prlimit, f"--as={memory_mb << 20}", f"--cpu={cpu_s}", f"--fsize={16 << 20}", "--nproc=64", "--", *command]


def _as_user() -> dict[str, object]:
    """As root, run as nobody: root ignores RLIMIT_NPROC, nobody's processes are counted."""
    return {"user": NOBODY, "group": NOBODY, "extra_groups": []} if os.geteuid() == 0 else {}


@functools.cache
def sandbox_available() -> bool:
    """Whether bwrap runs here (installed, and namespaces allowed for the user programs run as)."""
    if shutil.which("bwrap") is None:
        return False
    with tempfile.TemporaryDirectory(prefix="maze-sandbox-probe-") as workdir:
        _own(workdir)
        script = os.path.join(workdir, "probe.py")
        with open(script, "w", encoding="utf-8") as handle:
            handle.write("pass\n")
        for attempt in range(SETUP_ATTEMPTS):
            try:
                done = subprocess.run(_limited(_bwrap_command(workdir, _interpreter(), script), 1024, 30),
                                      capture_output=True, timeout=30, check=False, **_as_user())  # type: ignore[call-overload]
            except (OSError, subprocess.TimeoutExpired) as exc:
                log.warning("bubblewrap does not run here: %s", exc)
                return False
            if done.returncode == 0 or not _setup_failed(done.stderr):
                break
            time.sleep(0.05 * (attempt + 1))
    if done.returncode != 0:
        log.warning("bubblewrap does not run here: %s", done.stderr.decode("utf-8", "replace").strip()[:300])
    return done.returncode == 0


def _own(workdir: str) -> None:
    """As root the program runs as nobody: give it its work folder (and nothing else)."""
    if os.geteuid() == 0:
        os.chown(workdir, NOBODY, NOBODY)


def run_python(code: str, timeout_s: float = 10.0, memory_mb: int = 1024, *,
               allow_unsandboxed: bool = False) -> SandboxResult:
    """Run `code`; passed means exit status 0 within the limits.

    Raises `SandboxUnavailable` where bubblewrap cannot run, unless `allow_unsandboxed`.
    """
    sandboxed = sandbox_available()
    if not sandboxed and not allow_unsandboxed:
        raise SandboxUnavailable(f"refusing to run generated code without a sandbox: {INSTALL_HINT}, "
                                 "or pass --allow-unsandboxed to run it with resource limits only")
    with tempfile.TemporaryDirectory(prefix="maze-sandbox-") as workdir:
        script = os.path.join(workdir, "program.py")
        with open(script, "w", encoding="utf-8") as handle:
            handle.write(code)
        if sandboxed:
            _own(workdir)
            command = _bwrap_command(workdir, _interpreter(), script)
        else:
            command = [sys.executable, "-I", script]
        for attempt in range(SETUP_ATTEMPTS):
            process = subprocess.Popen(_limited(command, memory_mb, int(timeout_s) + 1), cwd=workdir,
                                       env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}, stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE, start_new_session=True,
                                       **(_as_user() if sandboxed else {}))  # type: ignore[call-overload]
            try:
                _stdout, stderr = process.communicate(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                _kill_group(process.pid)
                process.communicate()
                return SandboxResult(False, "timeout")
            finally:
                _kill_group(process.pid)  # a child left behind by a program that exited (unsandboxed runs)
            if not (sandboxed and process.returncode != 0 and _setup_failed(stderr)):
                break
            time.sleep(0.05 * (attempt + 1))
    if process.returncode == 0:
        return SandboxResult(True, "ok")
    lines = stderr.decode("utf-8", "replace").strip().splitlines()
    if lines and "MemoryError" in lines[-1]:
        return SandboxResult(False, "memory")
    return SandboxResult(False, lines[-1][:200] if lines else f"exit {process.returncode}")


# bwrap itself could not fork or create the namespaces (EAGAIN): the process count of `nobody` is
# shared by every sandbox running at once, and exiting ones are still counted for a moment. The
# program never ran, so this is no verdict on it: try again.
SETUP_ATTEMPTS = 8


def _setup_failed(stderr: bytes) -> bool:
    text = stderr.decode("utf-8", "replace").strip()
    return text.startswith("bwrap: ") and "Resource temporarily unavailable" in text


def _kill_group(pid: int) -> None:
    """End the program's whole session: bwrap takes its PID namespace with it (`--die-with-parent`)."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
