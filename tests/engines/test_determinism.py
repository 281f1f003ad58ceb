"""Greedy completions do not depend on what ran before: the KV cache reuses only what a fresh prefill
would compute the same way (`engines/prefix_cache.py`), and the prompt's left edge is stateless."""

from __future__ import annotations

import asyncio

from maze_inference.document import Document
from maze_inference.engines.embedded import EmbeddedEngine
from maze_inference.languages import get_language
from maze_inference.pipeline import CompletionSettings, complete_at
from maze_workshop.bench.tasks import find_data, humaneval_tasks

SETTINGS = CompletionSettings(max_tokens=24, mode="block", timeout_s=None)


def _complete_all(engine: EmbeddedEngine, tasks: list) -> dict[str, str | None]:
    python = get_language("python")

    async def run() -> dict[str, str | None]:
        out = {}
        for task in tasks:
            doc = Document(python, task.before + task.after)
            completion = await complete_at(engine, python, doc.text, doc.source, doc.tree, len(task.before), SETTINGS)
            out[task.task_id] = completion.text
        return out

    return asyncio.run(run())


def test_two_request_orders_give_the_same_greedy_completions() -> None:
    # Multi-line gaps of one problem share long prompt prefixes: the cache is reused between them.
    tasks = [t for t in humaneval_tasks(find_data(None), ["multi"], None, seed=0)
             if t.task_id.split("/")[2] in {"0", "12", "26"}][:18]
    forward = _complete_all(EmbeddedEngine(), tasks)
    engine = EmbeddedEngine()
    backward = _complete_all(engine, list(reversed(tasks)))
    assert engine.ready and len(forward) == len(tasks) >= 12
    assert forward == backward
