"""`maze bench service`: `/v1/complete` under a concurrency sweep, over loopback.

Requests go through the real client at concurrency 1, 2, 4, ... 32 (bounded counts), constrained and
unconstrained in the same run; each level reports p50/p95/max latency, errors, requests/s, generated
tokens/s over the whole level, the median per-request decode rate, and what users see: completions
dropped by the final check, by reason (`empty`, `parse_error`, `loop`), and the median generated tokens.
The JSON also holds, per decoder, the drops over all levels, and the server's engine and model (shape,
vocabulary, GPU) from `/health`. The requests cycle through cursor contexts in five languages, each made
unique by a counter so no cache answers them. Without `--endpoint`, a `maze serve` on a free 127.0.0.1
port is started for the run and stopped after it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator

from maze_inference.client import MazeClient
from maze_inference.errors import MazeError
from maze_inference.pipeline import DropReason

from maze_workshop.bench.report import percentile

DROP_REASONS = tuple(reason.value for reason in DropReason)  # why a user saw nothing

CONTEXTS = (
    ("python", "def scale(values, factor):\n    result = []\n    for v in values:\n        result.append(",
     ")\n    return result\n"),
    ("typescript", "function area(w: number, h: number): number {\n  const a = ", ";\n  return a;\n}\n"),
    ("rust", "fn total(xs: &[i32]) -> i32 {\n    let mut sum = 0;\n    for x in xs {\n        sum += ",
     ";\n    }\n    sum\n}\n"),
    ("go", "package main\n\nfunc max(a, b int) int {\n\tif a > b {\n\t\treturn ", "\n\t}\n\treturn b\n}\n"),
    ("zig", "fn square(x: i32) i32 {\n    return ", ";\n}\n"),
)


async def run(url: str, requests: int, concurrency: int, max_tokens: int, token: str | None,
              constrained: bool = True) -> dict:
    client = MazeClient(url, token=token, read_timeout_s=300.0, retries=0)
    latencies: list[float] = []
    server_ms: list[float] = []
    rates: list[float] = []
    errors: list[str] = []
    tokens: list[int] = []
    dropped: Counter[str] = Counter()
    generated = 0
    counter = iter(range(requests))

    async def worker() -> None:
        nonlocal generated
        for i in counter:
            language, prefix, suffix = CONTEXTS[i % len(CONTEXTS)]
            unique = f"{'#' if language == 'python' else '//'} request {i}\n"
            started = time.perf_counter()
            try:
                data = await client.complete({"prefix": unique + prefix, "suffix": suffix, "language": language,
                                              "max_tokens": max_tokens, "constrained": constrained})
            except MazeError as exc:
                errors.append(type(exc).__name__)
                continue
            latencies.append(time.perf_counter() - started)
            timings = data["timings"]
            server_ms.append(timings["total_ms"])
            generated += data["completion_tokens"]
            tokens.append(data["completion_tokens"])
            if data.get("dropped"):
                dropped[data["dropped"]] += 1
            if data["completion_tokens"] and timings["decode_ms"] > 0:
                rates.append(data["completion_tokens"] / (timings["decode_ms"] / 1e3))

    await client.health()
    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    wall = time.perf_counter() - started
    await client.aclose()
    decoder = "constrained" if constrained else "unconstrained"
    seen = {"errors": len(errors), "dropped": {reason: dropped[reason] for reason in DROP_REASONS},
            "tokens_p50": statistics.median(tokens) if tokens else None}
    if not latencies:
        return {"decoder": decoder, "requests": requests, "concurrency": concurrency, "max_tokens": max_tokens,
                **seen, "p50_ms": None, "p95_ms": None, "max_ms": None, "throughput_rps": 0.0,
                "tokens_per_s": 0.0, "server_total_p50_ms": None, "decode_tokens_per_s_p50": None}
    return {
        "decoder": decoder, "requests": requests, "concurrency": concurrency, "max_tokens": max_tokens,
        **seen,
        "p50_ms": round(statistics.median(latencies) * 1e3, 1), "p95_ms": round(percentile(latencies, 95) * 1e3, 1),
        "max_ms": round(max(latencies) * 1e3, 1), "throughput_rps": round(requests / wall, 2),
        "tokens_per_s": round(generated / wall, 1),
        "server_total_p50_ms": round(statistics.median(server_ms), 1),
        "decode_tokens_per_s_p50": round(statistics.median(rates), 1) if rates else None,
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def local_service() -> Iterator[str]:
    """A `maze serve` (embedded engine) on a free loopback port for the duration of the sweep."""
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "maze_inference.service", "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


async def server_info(url: str, token: str | None) -> dict:
    """The server's engine, model and the model's shape, vocabulary and GPU, as `/health` reports them."""
    client = MazeClient(url, token=token, read_timeout_s=60.0, retries=0)
    try:
        health = await client.health()
    finally:
        await client.aclose()
    return {key: health.get(key) for key in ("engine", "model", "version", "model_info")}


def sweep(url: str | None, levels: tuple[int, ...], requests_per_level: int, max_tokens: int,
          decoders: tuple[bool, ...] = (True, False)) -> dict:
    """Every level once per decoder (constrained first), against one service."""
    token = os.environ.get("MAZE_API_KEY") or None
    with contextlib.ExitStack() as stack:
        target = url or stack.enter_context(local_service())
        results = [asyncio.run(run(target, max(requests_per_level, level * 2), level, max_tokens, token, constrained))
                   for constrained in decoders for level in levels]
        server = asyncio.run(server_info(target, token))
    return {"endpoint": url or "local maze serve (embedded engine)", "server": server,
            "decoders": summarize(results), "levels": results}


def summarize(levels: list[dict]) -> dict:
    """Per decoder, over all levels: requests, errors, drops by reason and their share of the answers."""
    out: dict[str, dict] = {}
    for level in levels:
        total = out.setdefault(level["decoder"], {"requests": 0, "errors": 0,
                                                  "dropped": dict.fromkeys(DROP_REASONS, 0)})
        total["requests"] += level["requests"]
        total["errors"] += level["errors"]
        for reason, count in level["dropped"].items():
            total["dropped"][reason] += count
    for total in out.values():
        answered = total["requests"] - total["errors"]
        total["drop_rate"] = round(sum(total["dropped"].values()) / answered, 4) if answered else None
    return out


def format_table(result: dict) -> str:
    info = (result.get("server") or {}).get("model_info") or {}
    shape = ", ".join(f"{key} {info[key]}" for key in ("architecture", "hidden_size", "num_layers", "num_heads",
                                                       "num_kv_heads", "params", "vocab_size", "device")
                      if info.get(key) is not None)
    lines = [f"endpoint: {result['endpoint']}", *([f"model: {shape}"] if shape else []),
             "| decoder | concurrency | requests | errors | dropped (empty / parse_error / loop) | tokens p50 "
             "| p50 ms | p95 ms | req/s | tok/s (all requests) | decode tok/s per request p50 |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in result["levels"]:  # results from before drops were counted show "-" there
        drops = " / ".join(str(r["dropped"][reason]) for reason in DROP_REASONS) if "dropped" in r else "-"
        lines.append(f"| {r['decoder']} | {r['concurrency']} | {r['requests']} | {r['errors']} | {drops} | "
                     f"{r.get('tokens_p50', '-')} | {r['p50_ms']} | {r['p95_ms']} | {r['throughput_rps']} | "
                     f"{r['tokens_per_s']} | {r['decode_tokens_per_s_p50']} |")
    return "\n".join(lines)
