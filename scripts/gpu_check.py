"""GPU check of the service engines (run on the lent H100; prints and writes JSON).

    PYTHONPATH=server:inference:SITE python scripts/gpu_check.py --model HF_DIR --out OUT [--skip-vllm]

For the Transformers engine on CUDA and the vLLM engine, on cursor positions from the accept corpora:
constrained vs unconstrained latency and tokens/s for one request at a time and for 32 at once; the
first constrained request vs a repeat of it (one-off vs per-call cost); and for vLLM the share of
32 concurrent constrained completions that are valid with async scheduling on and off.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import statistics
import sys
import time
from pathlib import Path

from maze_inference.engines.base import Engine
from maze_inference.pipeline import CompletionSettings, complete_at
from maze_workshop.bench.constraint import Position, sample_positions
from maze_workshop.bench.report import percentile

log = logging.getLogger("gpu_check")
SETTINGS = CompletionSettings(max_tokens=32, mode="line", timeout_s=None)


async def _one(engine: Engine, pos: Position, constrained: bool) -> dict:
    settings = CompletionSettings(max_tokens=SETTINGS.max_tokens, mode="line", timeout_s=None, constrained=constrained)
    doc = pos.document
    started = time.perf_counter()
    completion = await complete_at(engine, pos.language, doc.text, doc.source, doc.tree, pos.offset, settings)
    result = completion.result
    return {"ms": (time.perf_counter() - started) * 1e3, "tokens": result.completion_tokens if result else 0,
            "shown": completion.text is not None, "dropped": completion.dropped,
            "level": result.level if result else None}


def _stats(rows: list[dict], wall_s: float | None = None) -> dict:
    ms = [r["ms"] for r in rows]
    tokens = sum(r["tokens"] for r in rows)
    out = {"n": len(rows), "p50_ms": statistics.median(ms), "p95_ms": percentile(ms, 95), "tokens": tokens,
           "shown": sum(r["shown"] for r in rows), "dropped_parse": sum(r["dropped"] == "parse_error" for r in rows)}
    out["tok_per_s"] = tokens / (wall_s if wall_s else sum(ms) / 1e3)
    return out


async def measure(engine: Engine, positions: list[Position]) -> dict:
    for pos in positions[:2]:  # warm-up: compile paths, caches
        await _one(engine, pos, True)
        await _one(engine, pos, False)
    report: dict = {}
    for constrained in (False, True):
        rows = [await _one(engine, pos, constrained) for pos in positions]
        report[f"single_{'constrained' if constrained else 'unconstrained'}"] = _stats(rows)
    batch = (positions * 32)[:32]
    for constrained in (False, True):
        started = time.perf_counter()
        rows = await asyncio.gather(*(_one(engine, pos, constrained) for pos in batch))
        report[f"concurrent32_{'constrained' if constrained else 'unconstrained'}"] = _stats(
            list(rows), time.perf_counter() - started)
    fresh = positions[-1]
    first = await _one(engine, fresh, True)
    repeat = await _one(engine, fresh, True)
    plain = await _one(engine, fresh, False)
    report["repeat"] = {"first_constrained_ms": first["ms"], "repeat_constrained_ms": repeat["ms"],
                        "unconstrained_ms": plain["ms"]}
    return report


async def run(args: argparse.Namespace) -> dict:
    positions = sample_positions(args.per_language, seed=1)
    results: dict = {"positions": len(positions), "max_tokens": SETTINGS.max_tokens}
    if args.only_vllm:
        args.skip_transformers = True
    from maze_inference.engines.transformers import TransformersEngine

    engine = None if args.skip_transformers else TransformersEngine(args.model, device=args.device)
    if engine is not None:
        started = time.perf_counter()
        await engine.load()
        results["transformers_load_s"] = time.perf_counter() - started
        results["transformers"] = await measure(engine, positions)
        await engine.close()
        print(json.dumps({"transformers": results["transformers"]}, indent=1), flush=True)
    if args.skip_vllm:
        return results
    from maze_inference.engines.vllm import VLLMEngine

    for async_scheduling in (False, True):
        key = f"vllm_async_{'on' if async_scheduling else 'off'}"
        engine = VLLMEngine(args.model, max_model_len=1024, gpu_memory_utilization=0.3,
                            async_scheduling=async_scheduling)
        started = time.perf_counter()
        try:
            await engine.load()
        except Exception as exc:  # noqa: BLE001 - report and go on: the other setting may still run
            results[key] = {"error": f"{type(exc).__name__}: {exc}"}
            continue
        results[f"{key}_load_s"] = time.perf_counter() - started
        results[key] = await measure(engine, positions)
        await engine.close()
        print(json.dumps({key: results[key]}, indent=1), flush=True)
    return results


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--per-language", type=int, default=3)
    parser.add_argument("--skip-vllm", action="store_true")
    parser.add_argument("--only-vllm", action="store_true")
    parser.add_argument("--device", default="cuda")
    args = parser.parse_args()
    args.skip_transformers = False
    logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    results = asyncio.run(run(args))
    Path(args.out).mkdir(parents=True, exist_ok=True)
    (Path(args.out) / "gpu_check.json").write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
