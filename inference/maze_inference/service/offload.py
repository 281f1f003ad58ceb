"""Keep the event loop free for `/health` and new requests: CPU-bound steps run elsewhere, bounded.

Why: a 900 kB single-line prefix spent 2.6 s in tree-sitter parses and CPython's compiler on the
event loop, and `/health` waited 2.6 s; under 200 concurrent requests it waited up to 1.6 s. Two
measures, because one is not enough:

* The pipeline of a completion (parse, context, post-processing, the final check) runs on its own
  thread with its own event loop (`PipelineThread`); the engine is still called on the main loop,
  where it lives (`MainLoopEngine`: vLLM's AsyncLLM and httpx's pool are bound to that loop).
* Moving work to a thread helps only while that work lets go of the GIL, and tree-sitter's parser
  and CPython's compiler hold it for their whole run (0.6 s for 900 kB of dense code). So the
  service completes within a window of the document (`window`): the last `PREFIX_WINDOW` characters
  before the cursor and the first `SUFFIX_WINDOW` after it, cut at line breaks (a single line longer
  than that is cut to the 8k/4k characters the model sees of it).
  The pipeline never looks further anyway: the model sees 8k characters before the cursor and 4k
  after, and the grammar restarts at most 24k characters back; the language server's remote engine
  sends windows smaller than these, so its requests are never cut.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

from maze_inference.engines.base import CompletionRequest, CompletionResult, Engine

T = TypeVar("T")

PREFIX_WINDOW = 32_000
SUFFIX_WINDOW = 8_000
LINE_WINDOW = (8_000, 4_000)  # a line longer than the window: only what the model sees of it


def window(prefix: str, suffix: str) -> tuple[str, str]:
    """The part of `prefix + suffix` around the cursor that the service parses and completes in."""
    if len(prefix) > PREFIX_WINDOW:
        tail = prefix[-PREFIX_WINDOW:]
        newline = tail.find("\n")
        prefix = tail[newline + 1 :] if newline >= 0 else prefix[-LINE_WINDOW[0] :]
    if len(suffix) > SUFFIX_WINDOW:
        head = suffix[:SUFFIX_WINDOW]
        newline = head.rfind("\n")
        suffix = head[: newline + 1] if newline >= 0 else suffix[: LINE_WINDOW[1]]
    return prefix, suffix


class PipelineThread:
    """One thread with its own event loop, where completions' CPU-bound steps run."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="maze-pipeline", daemon=True)
        self._thread.start()

    async def run(self, work: Coroutine[Any, Any, T]) -> T:
        """Run `work` on the pipeline loop; cancelling the caller cancels it there."""
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(work, self.loop))

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)
        if not self._thread.is_alive():
            self.loop.close()


class MainLoopEngine:
    """`engine` as seen from the pipeline thread: each call is made on the loop the engine lives on."""

    def __init__(self, engine: Engine, loop: asyncio.AbstractEventLoop) -> None:
        self._engine = engine
        self._loop = loop
        self.name = engine.name

    @property
    def model_name(self) -> str:
        return self._engine.model_name

    @property
    def ready(self) -> bool:
        return self._engine.ready

    async def complete(self, request: CompletionRequest) -> CompletionResult:
        return await self._on_main(self._engine.complete(request))

    async def _on_main(self, work: Coroutine[Any, Any, T]) -> T:
        """Cancelling the pipeline's task cancels the engine's (a local engine stops at its next token)."""
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(work, self._loop))
