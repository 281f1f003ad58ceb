"""The benchmark harness on a few items: the commands run, their JSON feeds the report.

The full runs (documented in docs/benchmarks.md) take minutes; these check that each piece still
measures what it claims, with the real model, grammars and server.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from maze_inference.constraint.cursor import ConstraintBackend
from maze_inference.engines.embedded import EmbeddedEngine
from maze_inference.languages import LANGUAGES
from maze_inference.tokenization import load_tokenizer
from maze_workshop.bench import latency, quality, realcode, tasks


def _maze(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "maze_workshop", *args], capture_output=True, text=True, timeout=timeout,
                          check=False)


def test_quality_scores_three_decoders_on_the_same_tasks() -> None:
    try:
        data = tasks.find_data(None)
    except FileNotFoundError as exc:
        pytest.fail(f"HumanEval-infilling data missing: {exc}")
    work = tasks.humaneval_tasks(data, ["single"], limit=3, seed=0)
    result = quality.evaluate(EmbeddedEngine(), work, max_tokens=16, progress=False)
    decoders = result["summary"]["single"]
    assert set(decoders) == {"constrained", "unconstrained", "truncation"}
    for name, row in decoders.items():
        assert row["n"] == 3
        keys = ("parse_rate_non_empty", "exact_match", "pass_at_1", "empty", "edit_similarity")
        assert all(0.0 <= row[key] <= 1.0 for key in keys)
        assert name != "constrained" or row["strict_breaks"] == 0  # nothing shown breaks the region


def test_peer_truncation_keeps_code_the_next_line_merely_starts_like() -> None:
    assert tasks.truncate_like_peers("    x = y + r", "\n    return x\n", True) == "    x = y + r"
    assert tasks.truncate_like_peers("f(a))", ")\n", False) == "f(a)"  # the suffix closes the call
    assert tasks.truncate_like_peers("return x", "\n    return x\n", True) == ""  # repeats the next line


def test_realcode_positions_cover_three_kinds(tmp_path: Path) -> None:
    source = "def f(items):\n    total = 0\n    for item in items:\n        total += item * 2\n    return total\n"
    for i in range(3):
        (tmp_path / "python" / "pkg").mkdir(parents=True, exist_ok=True)
        (tmp_path / "python" / "pkg" / f"m{i}.py").write_text(source)
    work = realcode.tasks_for_language(tmp_path / "python", "python", per_kind=2, seed=0)
    kinds = {t.kind for t in work}
    assert kinds == {"mid_line", "after_indent", "block_opener"}
    for task in work:
        assert task.before + task.expected + task.after == source
        assert task.kind != "block_opener" or task.expected.endswith(":")


def test_overhead_is_measured_for_every_language() -> None:
    model_dir = Path(__file__).resolve().parents[2] / "inference" / "maze_inference" / "model" / "default"
    backend = ConstraintBackend(load_tokenizer(str(model_dir / "tokenizer.json")))
    report = latency.measure_overhead(backend, 1_000, positions=3)
    assert set(report) == {language.id for language in LANGUAGES}
    for numbers in report.values():
        assert numbers["lines"] >= 1_000
        assert 0 < numbers["total_ms"]["p50"] <= numbers["total_ms"]["p99"]


def test_bench_command_writes_json_that_the_report_renders(tmp_path: Path) -> None:
    bench = _maze("bench", "constraint", "--per-language", "1", "--json", str(tmp_path / "constraint.json"))
    assert bench.returncode == 0, bench.stderr
    data = json.loads((tmp_path / "constraint.json").read_text())
    assert data["name"] == "constraint" and data["command"].startswith("maze bench constraint")
    assert data["machine"]["cores"] >= 1 and "llguidance" in data["machine"]["versions"]

    out = tmp_path / "docs" / "benchmarks.md"
    report = _maze("bench", "report", "--results", str(tmp_path), "--out", str(out))
    assert report.returncode == 0, report.stderr
    text = out.read_text()
    assert "## Cost of the grammar constraint" in text and data["command"] in text
