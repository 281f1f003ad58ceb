"""Latency of `/v1/complete` under load: `python -m maze_inference.service.loadtest URL`.

Sends completion requests at a fixed concurrency through the real client and prints p50/p95/max
latency, the server's own total time and decode speed. The requests cycle through a few cursor
contexts in five languages, each made unique by a counter so no cache answers them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import time

from maze_inference.client import MazeClient

CONTEXTS = (
    ("python", "def scale(values, factor):\n    result = []\n    for v in values:\n        result.append(",
     ")\n    return result\n"),
    ("typescript", "function area(w: number, h: number): number {\n  const a = ", ";\n  return a;\n}\n"),
    ("rust", "fn total(xs: &[i32]) -> i32 {\n    let mut sum = 0;\n    for x in xs {\n        sum += ",
     ";\n    }\n    sum\n}\n"),
    ("go", "package main\n\nfunc max(a, b int) int {\n\tif a > b {\n\t\treturn ", "\n\t}\n\treturn b\n}\n"),
    ("zig", "fn square(x: i32) i32 {\n    return ", ";\n}\n"),
)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def run(url: str, requests: int, concurrency: int, max_tokens: int, token: str | None) -> dict:
    client = MazeClient(url, token=token, read_timeout_s=300.0, retries=0)
    latencies: list[float] = []
    server_ms: list[float] = []
    rates: list[float] = []
    counter = iter(range(requests))

    async def worker() -> None:
        for i in counter:
            language, prefix, suffix = CONTEXTS[i % len(CONTEXTS)]
            unique = f"{'#' if language == 'python' else '//'} request {i}\n"
            started = time.perf_counter()
            data = await client.complete({"prefix": unique + prefix, "suffix": suffix, "language": language,
                                          "max_tokens": max_tokens})
            latencies.append(time.perf_counter() - started)
            timings = data["timings"]
            server_ms.append(timings["total_ms"])
            if data["completion_tokens"] and timings["decode_ms"] > 0:
                rates.append(data["completion_tokens"] / (timings["decode_ms"] / 1e3))

    await client.health()
    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    wall = time.perf_counter() - started
    await client.aclose()
    return {
        "requests": requests, "concurrency": concurrency, "max_tokens": max_tokens,
        "p50_ms": round(statistics.median(latencies) * 1e3, 1), "p95_ms": round(percentile(latencies, 0.95) * 1e3, 1),
        "max_ms": round(max(latencies) * 1e3, 1), "throughput_rps": round(requests / wall, 2),
        "server_total_p50_ms": round(statistics.median(server_ms), 1),
        "decode_tokens_per_s_p50": round(statistics.median(rates), 1) if rates else None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m maze_inference.service.loadtest",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--max-tokens", type=int, default=32)
    args = parser.parse_args(argv)
    result = asyncio.run(run(args.url, args.requests, args.concurrency, args.max_tokens,
                             os.environ.get("MAZE_API_KEY") or None))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
