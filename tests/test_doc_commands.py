"""Every command line README.md and docs/*.md show runs, so a reader who copies one gets what it says.

The commands come from the docs themselves (`tests/doc_blocks.py`: shell blocks, and inline `maze`
and `python` commands), so a new command is tested without touching this file, unless no rule below
knows it: then its case fails and asks for one. Each command runs with safe arguments: its outputs
go to a temporary folder, sizes shrink (`--limit 2`, `--requests 2`), ports are free ones, servers
are started, checked and stopped, and test suites are collected, not run. Only commands that need a
GPU, Modal or a package registry are skipped, each with its reason. A synopsis (`maze lsp [--tcp
HOST:PORT]`) is checked against the command's `--help`: the subcommand exists and knows every option
and choice shown.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.doc_blocks import DOCS, ROOT, SHELL_LANGUAGES, Command, blocks, commands, inline_commands
from tests.editors.conftest import maze_executable

INLINE_PROGRAMS = ("maze", "python", "python3")
SIZES = {"--positions": "2", "--rounds": "1", "--limit": "2", "--per-language": "1", "--levels": "1",
         "--requests": "2", "--messages": "100", "--workers": "1", "--generations": "20",
         "--per-kind": "1"}
BENCH_SIZES = {"latency": ("--positions", "--rounds"), "quality": ("--limit", "--per-kind"), "constraint": ("--per-language",),
               "service": ("--levels", "--requests")}


def _doc_commands() -> dict[str, list[Command]]:
    """Commands by what runs: the same command in several places (or one that differs only in sizes
    and output paths, which the safe arguments replace) runs once."""
    found: dict[str, list[Command]] = {}
    for doc in DOCS:
        for block in blocks(doc):
            if block.language in SHELL_LANGUAGES:
                for command in commands(block):
                    found.setdefault(_key(command), []).append(command)
        for command in inline_commands(doc, INLINE_PROGRAMS):
            found.setdefault(_key(command), []).append(command)
    return found


def _key(command: Command) -> str:
    env = " ".join(f"{k}={v}" for k, v in command.env.items())
    if command.argv[:2] == ["maze", "bench"] and not _is_synopsis(command.text):
        argv = _safe(command, Path("/nowhere")).argv[1:]
        argv = [a if i == 0 or argv[i - 1] not in ("--json", "--out") else "OUT" for i, a in enumerate(argv)]
        return f"{env} maze {' '.join(argv)}".strip()
    return f"{env} {command.text}".strip()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Run:
    """One command made safe to run here."""

    argv: list[str]
    env: dict[str, str]
    cwd: Path


def _safe(command: Command, tmp: Path, port: int | None = None) -> Run:
    """Outputs into `tmp`, small sizes, a free port, loopback instead of all interfaces, tmp as HOME."""
    argv = [a.replace("/path/to/maze", str(ROOT)).replace("~/", f"{tmp}/home/") for a in command.argv]
    if argv[0] == "maze":
        argv[0] = str(maze_executable())
    elif argv[0] in ("python", "python3"):
        argv[0] = sys.executable
    bench = argv[2] if argv[1:2] == ["bench"] and len(argv) > 2 else None
    out: list[str] = []
    i = 0
    while i < len(argv):
        word, value = argv[i], argv[i + 1] if i + 1 < len(argv) else None
        if value is not None and (word in ("--report", "--out", "--log-file", "--json")):
            out += [word, str(tmp / "out" / Path(value).name)]
        elif value is not None and word in SIZES:
            out += [word, SIZES[word]]
        elif value is not None and word == "--baseline-model" and not (ROOT / value).exists():
            pass  # the previous model lives outside the repository (`.data/models/`): the run without it
        elif value is not None and word == "--port":
            out += [word, str(port or _free_port())]
        else:
            out.append("127.0.0.1" if word == "0.0.0.0" else word)
            i += 1
            continue
        i += 2
    for option in BENCH_SIZES.get(bench or "", ()):
        if option not in out:
            out += [option, SIZES[option]]
    if bench and bench != "report" and "--json" not in out:  # the default is the repository's .bench/
        out += ["--json", str(tmp / "out" / f"{bench}.json")]
    if bench == "report" and "--out" not in out:  # the default is docs/benchmarks.md
        out += ["--out", str(tmp / "out" / "benchmarks.md")]
    env = {**os.environ, "HOME": str(tmp / "home"),
           **{k: ("test-token" if v in ("...", "<token>") else v.replace("/path/to/export", str(_model_dir())))
              for k, v in command.env.items()}}
    return Run(out, env, tmp if "venv" in argv[1:3] else ROOT)


def _model_dir() -> Path:
    from maze_inference.engines.embedded import default_model_dir

    return default_model_dir()


def _run(run: Run, timeout: float = 240) -> subprocess.CompletedProcess:
    done = subprocess.run(run.argv, env=run.env, cwd=run.cwd, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL, check=False)
    assert done.returncode == 0, f"{' '.join(run.argv)} exited {done.returncode}:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return done


# ---- what to do with each kind of command ---------------------------------------------------------------------

def runs(command: Command, tmp: Path) -> None:
    """It runs and exits 0 (with the README's promised output, where it promises one)."""
    done = _run(_safe(command, tmp))
    if command.text == "maze complete examples/stats.py:7:26":
        assert done.stdout.strip() == "len(values)", "README says it prints `len(values)`"


def fuzz_report(command: Command, tmp: Path) -> None:
    """`maze grammar fuzz`: a small run prints its table; exit 1 is its documented verdict (a grammar's
    rate reached the target; in 20 generations one drop does it), not a failure to run."""
    run = _safe(command, tmp)
    if "--generations" not in run.argv:
        run.argv += ["--generations", SIZES["--generations"]]
    done = subprocess.run(run.argv, env=run.env, cwd=run.cwd, capture_output=True, text=True, timeout=240,
                          stdin=subprocess.DEVNULL, check=False)
    assert done.returncode in (0, 1), f"{' '.join(run.argv)} exited {done.returncode}:\n{done.stderr[-3000:]}"
    assert "| language | level |" in done.stdout, done.stdout[-2000:]


def language_server(command: Command, tmp: Path) -> None:
    """`maze lsp ...` answers initialize and exits 0 after shutdown/exit; its --log-file is written."""
    run = _safe(command, tmp)
    frames = b"".join(_frame(m) for m in (
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"processId": None, "capabilities": {}}},
        {"jsonrpc": "2.0", "method": "initialized", "params": {}},
        {"jsonrpc": "2.0", "id": 2, "method": "shutdown"}, {"jsonrpc": "2.0", "method": "exit"}))
    done = subprocess.run(run.argv, input=frames, env=run.env, cwd=run.cwd, capture_output=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-3000:]
    assert b'"id": 1' in done.stdout and b'"capabilities"' in done.stdout
    if "--log-file" in run.argv:
        log = Path(run.argv[run.argv.index("--log-file") + 1])
        assert log.exists(), f"{log} was not written"
        if "DEBUG" in run.argv:
            assert log.stat().st_size > 0


def _frame(message: dict) -> bytes:
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def service(command: Command, tmp: Path) -> None:
    """`maze serve ...` answers /health on its port; then it is stopped."""
    port = _free_port()
    run = _safe(command, tmp, port)
    if "--port" not in run.argv:
        run.argv += ["--port", str(port)]
    with _serving(run, port):
        pass


@contextlib.contextmanager
def _serving(run: Run, port: int) -> Iterator[None]:
    """A `maze serve` process answering /health for the duration of a `with` block."""
    with tempfile.TemporaryFile("w+") as log:
        proc = subprocess.Popen(run.argv, env=run.env, cwd=run.cwd, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                text=True)
        try:
            deadline = time.monotonic() + 90
            while not _healthy(port):
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    pytest.fail(f"{' '.join(run.argv)} did not answer /health (exit {proc.poll()}):\n{log.read()[-3000:]}")
                time.sleep(0.3)
            yield
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as reply:
            return reply.status == 200
    except (urllib.error.URLError, OSError):
        return False


def against_local_service(command: Command, tmp: Path) -> None:
    """A client of `maze serve` at a loopback URL: run against a `maze serve` started on a free port."""
    port = _free_port()
    serve = Run([str(maze_executable()), "serve", "--port", str(port)], dict(os.environ), ROOT)
    with _serving(serve, port):
        run = _safe(command, tmp)
        run.argv = [re.sub(r"http://127\.0\.0\.1:\d+", f"http://127.0.0.1:{port}", a) for a in run.argv]
        _run(run)


def collected(command: Command, tmp: Path) -> None:
    """A pytest command: its tests are collected (they run as part of the suite itself)."""
    run = _safe(command, tmp)
    run.argv = [a for a in run.argv if a != "-q"] + ["--collect-only", "-q", "-p", "no:cacheprovider"]
    done = _run(run, timeout=180)
    assert re.search(r"\d+ tests? collected", done.stdout), done.stdout[-1000:]


def synopsis(command: Command, _tmp: Path) -> None:
    """`maze lsp [--tcp HOST:PORT]`: the subcommand's --help shows every option and choice written."""
    words = command.text.replace("[", " ").replace("]", " ").split()
    path = [w for w in words[1:] if w.startswith("-") is False and re.fullmatch(r"[a-z]+(\|[a-z]+)*", w)]
    options = [w for w in words if w.startswith("-")]
    subcommands = path[:2] if len(path) > 1 and "|" not in path[0] and words[1] in ("bench", "grammar") else path[:1]
    for variant in _alternatives(subcommands):
        done = _run(Run([str(maze_executable()), *variant, "--help"], dict(os.environ), ROOT), timeout=60)
        for option in options:
            assert option in done.stdout, f"`maze {' '.join(variant)} --help` has no {option}"
        for choice in [w for w in path[len(subcommands):] if "|" in w]:
            for value in choice.split("|"):
                assert value in done.stdout, f"`maze {' '.join(variant)} --help` has no choice {value}"


def _alternatives(words: list[str]) -> list[list[str]]:
    variants: list[list[str]] = [[]]
    for word in words:
        variants = [[*v, alt] for v in variants for alt in word.split("|")]
    return variants


def covered(test: str, marker: str) -> Callable[[Command, Path], None]:
    """Run elsewhere, for real: that test must still contain the code that runs it."""
    def check(_command: Command, _tmp: Path) -> None:
        assert marker in (ROOT / test).read_text(encoding="utf-8"), f"{test} no longer runs this ({marker})"
    return check


def skip(reason: str) -> Callable[[Command, Path], None]:
    def skipped(_command: Command, _tmp: Path) -> None:
        pytest.skip(reason)
    skipped.skips = True  # type: ignore[attr-defined]
    return skipped


GPU, MODAL = "needs a GPU", "needs a Modal account and a deployment"
PYPI, REGISTRIES = "needs the network (PyPI)", "needs the network (Debian, PyPI and npm registries)"
SOURCES = "needs the network: reads the sources `maze corpus fetch` downloads from the registries"
CORPUS = "reads the corpus `maze corpus build` makes from those sources (gigabytes; not in a clean clone)"
VSCODE_BUILD = covered("tests/editors/vscode_harness.py", "def build_and_install_as_documented")

# First match wins: (pattern on the command text or its doc, what to do).
RULES: list[tuple[str | Callable[[str], bool], Callable[[Command, Path], None]]] = [
    (r"^python -c ", runs),
    (r"^docs/deploy-modal\.md|^export |^curl ", skip(MODAL)),
    (r"--engine vllm|gpu_check\.py|\.venv-train|127\.0\.0\.1:8400", skip(GPU)),
    (r"\bmodal\b", skip(MODAL)),
    (r"^(pip|pipx|uv) install|pip wheel|~/\.venvs/maze/bin/pip", skip(PYPI)),
    (r"^bash editors/e2e/setup\.sh", skip(REGISTRIES)),
    (r"maze corpus fetch|maze_workshop\.corpus\.build|maze grammar corpus", skip(SOURCES)),
    (r"^maze corpus pin", skip(REGISTRIES)),
    (lambda text: bool(re.search(r"--tasks (realcode|crossfile)", text)) and not (ROOT / ".data/heldout").is_dir(),
     skip("reads the held-out packages `maze corpus fetch --heldout .data/heldout` downloads from the registries")),
    (r"\.data/(sources|corpus)|^maze (--log-level \S+ )?corpus (build|pack|retrieve)|^maze model tokenizer", skip(CORPUS)),
    (lambda text: text.startswith("maze grammar fuzz -") and not _is_synopsis(text), fuzz_report),
    (r"^bash scripts/test\.sh", skip("is the whole test suite, this test included")),
    (r"^hx ", skip("Helix is not among the editors' tools setup.sh installs; tests/editors/test_helix.py drives "
                   "the server as Helix does")),
    (r"^(cd editors/vscode|npm ci|npm run package|code --install-extension)", VSCODE_BUILD),
    (r"^(\. )?\.venv/bin/activate$|^\. \.venv/bin/activate", skip(PYPI)),
    (r"python3? -m venv", runs),
    (lambda text: _is_synopsis(text), synopsis),
    (r"^python3? -m pytest", collected),
    (r"^maze (--log-level \S+ )?lsp", language_server),
    (r"^maze (--log-level \S+ )?serve", service),
    (r"--endpoint http://127\.0\.0\.1", against_local_service),
    (r"^(maze|python3?) ", runs),
]


def _plan(command: Command) -> Callable[[Command, Path], None] | None:
    for pattern, action in RULES:
        if callable(pattern):
            if pattern(command.text):
                return action
        elif re.search(pattern, command.text) or re.search(pattern, command.where):
            return action
    return None


def _is_synopsis(text: str) -> bool:
    """`maze lsp [--tcp HOST:PORT]`, `maze bench ...`: a form to fill in, not a command to copy."""
    text = re.sub(r"--log-level [A-Z]+", "", text)
    return bool(re.search(r"[\[|]|\.\.\.|\b[A-Z]{3,}(:[A-Z]+)*\b", text))


COMMANDS = _doc_commands()


@pytest.mark.timeout(600)
@pytest.mark.parametrize("key", sorted(COMMANDS), ids=lambda key: COMMANDS[key][0].where + " " + key[:60])
def test_doc_command_runs(key: str, tmp_path: Path) -> None:
    where = ", ".join(c.where for c in COMMANDS[key])
    planned = [(c, _plan(c)) for c in COMMANDS[key]]
    assert all(action is not None for _, action in planned), f"{where}: no rule here knows how to run {key!r}; add one"
    # Shown in several places: where one place shows it as runnable here (not only for Modal), run it.
    command, action = next(((c, a) for c, a in planned if not getattr(a, "skips", False)), planned[0])
    (tmp_path / "out").mkdir()
    (tmp_path / "home").mkdir()
    action(command, tmp_path)  # type: ignore[misc]


def test_the_docs_show_the_commands_an_issue_found_broken() -> None:
    """The troubleshooting command, with logging options after the subcommand, is among those run."""
    assert "maze lsp --log-file /tmp/maze.log --log-level DEBUG" in COMMANDS
    assert _plan(COMMANDS["maze lsp --log-file /tmp/maze.log --log-level DEBUG"][0]) is language_server
