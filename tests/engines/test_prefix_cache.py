"""KV-cache reuse (`engines/prefix_cache.py`): only whole aligned chunks computed as a fresh prefill would."""

from __future__ import annotations

import pytest
from maze_inference.engines.prefix_cache import PrefixCache


class Recorder:
    """Stands in for a model's cache: records what is kept and what is run."""

    def __init__(self) -> None:
        self.kept: list[int] = []
        self.runs: list[list[int]] = []
        self.fail = False

    def keep(self, n: int) -> None:
        self.kept.append(n)

    def run(self, chunk: list[int]) -> int:
        if self.fail:
            raise RuntimeError("model failed")
        self.runs.append(chunk)
        return chunk[-1]


def test_a_fresh_prompt_runs_in_aligned_chunks() -> None:
    cache, model = PrefixCache(chunk=4), Recorder()
    assert cache.prefill(list(range(10)), model.keep, model.run) == 9
    assert model.kept == [0] and model.runs == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]


def test_typing_reuses_whole_chunks_only() -> None:
    cache, model = PrefixCache(chunk=4), Recorder()
    cache.prefill(list(range(10)), model.keep, model.run)
    cache.stepped(99)  # a generated token is never reused
    model.runs.clear()
    cache.prefill([*range(10), 10, 11], model.keep, model.run)
    assert model.kept[-1] == 8 and cache.reused == 8
    assert model.runs == [[8, 9, 10, 11]]  # the partial chunk [8, 9] is recomputed as a fresh prefill would


def test_a_failed_run_forgets_the_cache() -> None:
    cache, model = PrefixCache(chunk=4), Recorder()
    cache.prefill(list(range(10)), model.keep, model.run)
    model.fail = True
    with pytest.raises(RuntimeError):
        cache.prefill(list(range(12)), model.keep, model.run)
    assert model.kept[-1] == 0 and cache.plan(list(range(12))) == 0
