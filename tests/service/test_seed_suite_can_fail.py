"""The seed suite fails against a service that never completes anything (issue 15, item 11).

A stub `maze serve` look-alike on loopback (uvicorn) answers `/health` warm and every
`/v1/complete` with `text: null`; the suite's completion scenarios, run against it through
`MAZE_ENDPOINT` in a pytest subprocess, must all fail: a test that cannot fail checks nothing.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from tests.service.conftest import serve_in_thread

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = "TestCrossLanguage or TestComplexScenarios or test_eight_concurrent_completions"


def never_completes() -> FastAPI:
    app = FastAPI()

    @app.get("/health")
    async def health() -> dict[str, Any]:
        return {"status": "ok", "warm": True, "engine": "stub", "model": "stub"}

    @app.post("/v1/complete")
    async def complete(body: dict[str, Any]) -> dict[str, Any]:
        return {"text": None, "dropped": "empty", "finish_reason": "stop", "level": "file",
                "mode": body.get("mode") if body.get("mode") in ("line", "block") else "line",
                "language": body["language"], "prompt_tokens": 1, "completion_tokens": 0, "timings": {},
                "engine": "stub", "model": "stub"}

    return app


def test_completion_scenarios_fail_against_a_service_that_never_completes() -> None:
    with serve_in_thread(never_completes()) as url:
        env = {**os.environ, "MAZE_ENDPOINT": url}
        env.pop("MAZE_API_KEY", None)
        done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--no-header",
                               "tests/service/test_seed_suite.py", "-k", SCENARIOS],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=240, check=False)
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr[-500:]
    failed = re.search(r"(\d+) failed", summary)
    assert failed and int(failed.group(1)) == 9 and "passed" not in summary, summary
