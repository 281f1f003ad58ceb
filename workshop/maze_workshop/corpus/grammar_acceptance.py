"""Measure grammar acceptance on the large registry corpora (`maze grammar corpus`).

The denominator is the files that the language's reference parser accepts (CPython's `ast` for
Python, tree-sitter with no ERROR/MISSING node for the others), so files that are broken on
purpose (compiler error tests) do not count against the grammar. Files are checked in worker
processes with a per-file time limit; a file over the limit counts as rejected.
"""

from __future__ import annotations

import ast
import functools
import json
import logging
import multiprocessing
import os
import shutil
import signal
import subprocess
import time
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path

from maze_inference.constraint.check import Verdict, check_bytes
from maze_inference.constraint.grammars import GrammarVariant
from maze_inference.errors import UnsupportedLanguage
from maze_inference.languages import get_language, language_for_path

from maze_workshop.corpus.sources import SOURCES, iter_source_files

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FileOutcome:
    path: str
    size: int
    verdict: str  # Verdict value, "skipped" (reference parser refuses it) or "timeout"
    offset: int | None
    seconds: float


def reference_accepts(language: str, data: bytes) -> bool:
    """Whether the language's reference parser considers the file valid."""
    if language == "python":
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ast.parse(data)
        except (SyntaxError, ValueError):
            return False
        return True
    if language == "zig" and (zig := zig_binary()) is not None:
        try:
            done = subprocess.run([zig, "ast-check", "--color", "off"], input=data, capture_output=True, timeout=30,
                                  check=False)
        except (OSError, subprocess.TimeoutExpired):
            pass
        else:
            return done.returncode == 0
    tree = get_language(language).new_parser().parse(data)
    return not tree.root_node.has_error


@functools.cache
def zig_binary() -> str | None:
    """The real Zig compiler, for `zig ast-check`: tree-sitter-zig lags Zig 0.17 and rejects valid code.

    Looked for in $MAZE_ZIG, PATH, the `ziglang` wheel (test extra) and the fetched sources; an
    unpacked wheel loses the exec bit, so it is restored. None: fall back to tree-sitter.
    """
    candidates = [os.environ.get("MAZE_ZIG", ""), shutil.which("zig") or ""]
    try:
        import ziglang

        candidates.append(str(Path(ziglang.__file__).parent / "zig"))
    except ImportError:
        pass
    repo = Path(__file__).resolve().parents[3]
    candidates += [str(repo / ".data/sources-v2/v1/zig-std/ziglang/zig"), str(repo / ".data/sources/zig-std/ziglang/zig")]
    for zig in filter(None, candidates):
        if not os.path.isfile(zig):
            continue
        if not os.access(zig, os.X_OK):
            try:
                os.chmod(zig, os.stat(zig).st_mode | 0o111)
            except OSError:
                continue
        return zig
    return None


def _alarm(_signum: int, _frame: object) -> None:
    raise TimeoutError


def check_file(args: tuple[str, str, str, float]) -> FileOutcome:
    language, grammar, path, limit = args
    data = Path(path).read_bytes()
    start = time.perf_counter()
    if not reference_accepts(language, data):
        return FileOutcome(path, len(data), "skipped", None, 0.0)
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        result = check_bytes(GrammarVariant(grammar, indent_unit=_indent_unit(language, data)), data)
        verdict, offset = result.verdict.value, result.offset
    except TimeoutError:
        verdict, offset = "timeout", None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return FileOutcome(path, len(data), verdict, offset, time.perf_counter() - start)


def _indent_unit(language: str, data: bytes) -> str:
    """Python files declare their own unit; the rest ignore it."""
    if language != "python":
        return "    "
    from maze_inference.context import detect_indent_unit

    return detect_indent_unit(data.decode("utf-8", "replace"))


def measure(language: str, sources_dir: Path, *, limit_s: float = 60.0, workers: int = 2,
            max_files: int | None = None) -> list[FileOutcome]:
    """Check every source file whose extension selects `language` (`.js` in the TypeScript package
    counts for JavaScript, `.d.ts` for TypeScript)."""
    lang = get_language(language)
    paths = [str(p) for s in SOURCES for p in iter_source_files(s, sources_dir) if _language_of(p) == lang.id]
    if max_files:
        paths = paths[:: max(1, len(paths) // max_files)][:max_files]
    jobs = [(lang.id, lang.grammar, p, limit_s) for p in paths]
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        return list(pool.imap_unordered(check_file, jobs, chunksize=4))


def _language_of(path: Path) -> str | None:
    try:
        return language_for_path(path).id
    except UnsupportedLanguage:
        return None


def summarise(outcomes: list[FileOutcome]) -> dict[str, float | int]:
    counted = [o for o in outcomes if o.verdict != "skipped"]
    accepted = sum(o.verdict == Verdict.ACCEPTED.value for o in counted)
    return {
        "files": len(counted),
        "skipped_by_reference": len(outcomes) - len(counted),
        "accepted": accepted,
        "rejected": len(counted) - accepted,
        "acceptance": accepted / len(counted) if counted else 0.0,
        "megabytes": round(sum(o.size for o in counted) / 1e6, 1),
        "seconds": round(sum(o.seconds for o in counted), 1),
    }


def write_report(outcomes: list[FileOutcome], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"summary": summarise(outcomes), "files": [asdict(o) for o in outcomes]}, indent=1))
