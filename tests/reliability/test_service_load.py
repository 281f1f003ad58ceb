"""The service under concurrent load over loopback: bounded, every request answered, latency reported."""

from __future__ import annotations

from maze_workshop.bench import service


def test_concurrent_load_loses_nothing() -> None:
    result = service.sweep(None, levels=(1, 4, 16), requests_per_level=16, max_tokens=8)
    for level in result["levels"]:
        assert level["errors"] == 0, level
        assert level["p50_ms"] is not None and level["p95_ms"] >= level["p50_ms"]
        assert level["throughput_rps"] > 0
    # The embedded engine serves one request at a time: more concurrency queues, it does not fail.
    assert result["levels"][-1]["requests"] == 32
