"""Which part of the KV cache a new prompt may reuse, so that results never depend on earlier requests.

While the user types, the new prompt extends the last one, and recomputing only its tail saves most
of the prompt's cost. But a cached position is only as good as the way it was computed: logits of a
tail run over a cache differ in the last bits from one full prefill (other matrix shapes, and int8
models quantise activations per call), and a greedy tie can then flip, so the completion at a cursor
would depend on which request ran before it. The rule here makes every prefill compute the same
chunks as a fresh one: prompts are run in chunks of `CHUNK` tokens aligned to position 0, and only
whole chunks that were computed that way (never a partial last chunk, never generated tokens) are
reused. Reuse costs at most `CHUNK - 1` extra tokens per request.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")

CHUNK = 16


class PrefixCache:
    """Bookkeeping only: the model keeps the tensors and asks `plan` how many positions to keep."""

    def __init__(self, chunk: int = CHUNK) -> None:
        self.chunk = chunk
        self.ids: list[int] = []  # the tokens whose KV the model holds, in order
        self.canonical = 0  # leading positions computed as whole aligned chunks
        self.reused = 0  # positions the last prefill kept

    def plan(self, ids: Sequence[int]) -> int:
        """How many leading positions of the cache to keep for prompt `ids` (a multiple of the chunk)."""
        limit = min(len(ids) - 1, self.canonical)  # the last prompt token is always recomputed (its logits)
        common = 0
        while common < limit and self.ids[common] == ids[common]:
            common += 1
        self.reused = common // self.chunk * self.chunk
        return self.reused

    def chunks(self, ids: Sequence[int], keep: int) -> list[list[int]]:
        """The prompt's tokens after `keep`, cut at multiples of the chunk size."""
        out = []
        start = keep
        while start < len(ids):
            end = min(len(ids), (start // self.chunk + 1) * self.chunk)
            out.append(list(ids[start:end]))
            start = end
        return out

    def prefill(self, ids: Sequence[int], keep: Callable[[int], None], run: Callable[[list[int]], T]) -> T:
        """Run prompt `ids` through a model: `keep(n)` cuts its cache to n positions (0: empty), `run(chunk)`
        appends a chunk and returns its logits; on failure the cache is forgotten (never reused half-written)."""
        kept = self.plan(ids)
        try:
            keep(kept)
            for chunk in self.chunks(ids, kept):
                logits = run(chunk)
        except Exception:
            self.reset()
            keep(0)
            raise
        self.ids = list(ids)
        self.canonical = len(ids) // self.chunk * self.chunk
        return logits

    def stepped(self, token: int) -> None:
        self.ids.append(token)

    def reset(self) -> None:
        self.ids, self.canonical, self.reused = [], 0, 0
