"""The service under concurrent load over loopback: bounded, every request answered, latency reported, and
what users see (drops by reason, generated tokens) with the model it was measured on."""

from __future__ import annotations

from maze_workshop.bench import service


def test_concurrent_load_loses_nothing() -> None:
    result = service.sweep(None, levels=(1, 4, 16), requests_per_level=16, max_tokens=8)
    for level in result["levels"]:
        assert level["errors"] == 0, level
        assert level["p50_ms"] is not None and level["p95_ms"] >= level["p50_ms"]
        assert level["throughput_rps"] > 0
        assert set(level["dropped"]) == {"empty", "parse_error", "loop"}
        assert sum(level["dropped"].values()) <= level["requests"] and 0 < level["tokens_p50"] <= 8
    # The embedded engine serves one request at a time: more concurrency queues, it does not fail.
    assert result["levels"][-1]["requests"] == 32
    assert set(result["decoders"]) == {"constrained", "unconstrained"}
    constrained = result["decoders"]["constrained"]
    assert constrained["requests"] == 16 + 16 + 32 and 0 <= constrained["drop_rate"] <= 1
    info = result["server"]["model_info"]  # the shipped model, as `/health` reports it
    assert result["server"]["engine"] == "embedded"
    assert info["vocab_size"] == 8192 and info["num_layers"] >= 1 and info["params"] > 0 and info["device"] == "cpu"
    table = service.format_table(result)
    assert "parse_error" in table and "vocab_size 8192" in table
