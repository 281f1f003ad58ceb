"""`maze bench constraint`: what the grammar costs per token, per request, and in tokens/s.

Workload: cursor positions in the accept corpora (`grammars/corpora/<lang>/accept/`, in the repo, so
any checkout reproduces it). Per position the constraint is built at the cursor (set-up cost), then the
document's real next tokens are fed one by one, timing both the lazy check (`validate_tokens` of the
sampled token) and the full mask. Then the embedded engine generates at the same positions with and
without the constraint, in the same run, for tokens/s.
"""

from __future__ import annotations

import asyncio
import logging
import random
import statistics
import time
from dataclasses import dataclass, field

import numpy as np
from maze_inference.constraint.cursor import ConstraintBackend
from maze_inference.constraint.grammars import grammars_dir
from maze_inference.context import extract_context
from maze_inference.document import Document
from maze_inference.engines.base import Engine
from maze_inference.languages import LANGUAGES, Language
from maze_inference.pipeline import CompletionSettings, complete_at

from maze_workshop.bench.report import percentile

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Position:
    language: Language
    document: Document
    offset: int


@dataclass
class ConstraintNumbers:
    setup_ms: list[float] = field(default_factory=list)
    lazy_us: list[float] = field(default_factory=list)
    mask_us: list[float] = field(default_factory=list)
    levels: dict[str, int] = field(default_factory=dict)


def sample_positions(per_language: int, seed: int = 0) -> list[Position]:
    """Cursor positions at random points of the accept corpora (mid-line and line ends)."""
    rng = random.Random(seed)
    positions: list[Position] = []
    for lang in LANGUAGES:
        files = sorted(p for p in (grammars_dir() / "corpora" / lang.id / "accept").glob("*") if p.is_file())
        if not files:
            continue
        for _ in range(per_language):
            text = rng.choice(files).read_text(encoding="utf-8")
            lines = [i for i, ch in enumerate(text) if ch == "\n"]
            offset = rng.choice(lines) if lines and rng.random() < 0.5 else rng.randrange(1, max(2, len(text)))
            positions.append(Position(lang, Document(lang, text), offset))
    return positions


def measure_constraint(backend: ConstraintBackend, positions: list[Position], tokens: int = 16) -> ConstraintNumbers:
    numbers = ConstraintNumbers()
    tok = backend.tokenizer
    mask = np.zeros((tok.vocab_size + 31) // 32, dtype=np.int32)
    for pos in positions:
        doc = pos.document
        ctx = extract_context(pos.language, doc.text, doc.tree, pos.offset, byte_offset=doc.byte_offset(pos.offset))
        started = time.perf_counter()
        constraint = backend.at_cursor(ctx)
        numbers.setup_ms.append((time.perf_counter() - started) * 1e3)
        numbers.levels[constraint.level.value] = numbers.levels.get(constraint.level.value, 0) + 1
        if constraint.matcher is None:
            continue
        for token in tok.encode(doc.text[pos.offset : pos.offset + 200])[:tokens]:
            t0 = time.perf_counter()
            ok = constraint.matcher.validate_tokens([token]) == 1
            t1 = time.perf_counter()
            constraint.matcher.unsafe_compute_mask_ptr(mask.ctypes.data, mask.nbytes)
            t2 = time.perf_counter()
            numbers.lazy_us.append((t1 - t0) * 1e6)
            numbers.mask_us.append((t2 - t1) * 1e6)
            if not ok or not constraint.matcher.consume_token(token):
                break
    return numbers


@dataclass
class Throughput:
    tokens: int = 0
    decode_s: float = 0.0
    constraint_ms: list[float] = field(default_factory=list)
    latency_ms: list[float] = field(default_factory=list)

    @property
    def tokens_per_s(self) -> float:
        return self.tokens / self.decode_s if self.decode_s else 0.0


async def measure_throughput(engine: Engine, positions: list[Position], constrained: bool,
                             max_tokens: int = 16) -> Throughput:
    out = Throughput()
    settings = CompletionSettings(max_tokens=max_tokens, constrained=constrained, timeout_s=None, mode="line")
    for pos in positions:
        doc = pos.document
        started = time.perf_counter()
        completion = await complete_at(engine, pos.language, doc.text, doc.source, doc.tree, pos.offset, settings)
        out.latency_ms.append((time.perf_counter() - started) * 1e3)
        result = completion.result
        if result is None:
            continue
        out.tokens += result.completion_tokens
        out.decode_s += result.timings.decode_ms / 1e3
        out.constraint_ms.append(result.timings.constraint_ms + result.timings.setup_ms)
    return out


def run(engine: Engine, backend: ConstraintBackend, per_language: int, seed: int = 0) -> dict:
    positions = sample_positions(per_language, seed)
    numbers = measure_constraint(backend, positions)
    # Alternate the two decoders position by position so drift in machine load hits both alike.
    unconstrained, constrained = Throughput(), Throughput()
    for pos in positions:
        for flag, sink in ((False, unconstrained), (True, constrained)):
            part = asyncio.run(measure_throughput(engine, [pos], flag))
            sink.tokens += part.tokens
            sink.decode_s += part.decode_s
            sink.latency_ms += part.latency_ms
            sink.constraint_ms += part.constraint_ms
    return {
        "positions": len(positions),
        "levels": numbers.levels,
        "setup_ms": _summary(numbers.setup_ms),
        "lazy_check_us": _summary(numbers.lazy_us),
        "full_mask_us": _summary(numbers.mask_us),
        "mask_over_lazy": statistics.median(numbers.mask_us) / statistics.median(numbers.lazy_us) if numbers.lazy_us else None,
        "tokens_per_s": {"unconstrained": unconstrained.tokens_per_s, "constrained": constrained.tokens_per_s},
        "latency_ms": {"unconstrained": _summary(unconstrained.latency_ms), "constrained": _summary(constrained.latency_ms)},
        "constraint_ms_per_request": _summary(constrained.constraint_ms),
    }


def _summary(values: list[float]) -> dict[str, float]:
    if not values:
        return {"n": 0}
    return {"n": len(values), "median": statistics.median(values), "p90": percentile(values, 90),
            "p99": percentile(values, 99)}


def format_table(result: dict) -> str:
    lazy, full = result["lazy_check_us"], result["full_mask_us"]
    tps = result["tokens_per_s"]
    lines = [
        f"positions: {result['positions']}  levels: {result['levels']}",
        f"matcher set-up (copy + consume prefix): median {result['setup_ms']['median']:.2f} ms, p90 {result['setup_ms']['p90']:.2f} ms",
        f"per-token lazy check: median {lazy['median']:.1f} us, p90 {lazy['p90']:.1f} us",
        f"per-token full mask:  median {full['median']:.1f} us, p90 {full['p90']:.1f} us  ({result['mask_over_lazy']:.1f}x the lazy check)",
        f"tokens/s unconstrained {tps['unconstrained']:.1f}, constrained {tps['constrained']:.1f} "
        f"(ratio {tps['constrained'] / tps['unconstrained'] if tps['unconstrained'] else float('nan'):.2f})",
        f"constraint time per request: median {result['constraint_ms_per_request'].get('median', 0):.2f} ms",
    ]
    return "\n".join(lines)

