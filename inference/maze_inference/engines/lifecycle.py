"""One engine's life: loaded in the background, awaited within a deadline, rested after a failure.

The language server and the service both hold engines this way. Loading starts as a task so that
`initialize` and `/health` answer at once; a request that arrives meanwhile waits for the load, but
never past its own deadline. After a failed load or a failed run the engine rests for `REST_S`
seconds, so a dead remote or a missing model costs one request, not one per keystroke; the first
request after the rest tries it again, so the engine comes back by itself once it works.
"""

from __future__ import annotations

import asyncio
import logging
import time
from enum import Enum

from maze_inference.engines.base import Engine
from maze_inference.errors import EngineUnavailable

log = logging.getLogger(__name__)

REST_S = 5.0


class EngineState(str, Enum):
    LOADING = "loading"
    READY = "ready"
    RESTING = "resting"  # failed (to load or to run); tried again after REST_S
    IDLE = "idle"  # not loaded and not loading (before the first request, or after a rest)


class EngineLifecycle:
    def __init__(self, engine: Engine, rest_s: float = REST_S) -> None:
        self.engine = engine
        self.rest_s = rest_s
        self.error: str | None = None  # the last failure, cleared by the next success
        self._task: asyncio.Task[None] | None = None
        self._rest_until = 0.0

    @property
    def state(self) -> EngineState:
        if self._task is not None and not self._task.done():
            return EngineState.LOADING
        if time.monotonic() < self._rest_until:
            return EngineState.RESTING
        if self.engine.ready and self.error is None:
            return EngineState.READY
        return EngineState.IDLE

    def start_loading(self) -> asyncio.Task[None] | None:
        """Start the load unless it runs, is done, or the engine rests; returns the running task."""
        if self._task is not None and not self._task.done():
            return self._task
        if (self.engine.ready and self.error is None) or time.monotonic() < self._rest_until:
            return None
        self._task = asyncio.get_running_loop().create_task(self._load(), name=f"maze-load-{self.engine.name}")
        return self._task

    async def _load(self) -> None:
        started = time.perf_counter()
        try:
            await self.engine.load()
        except EngineUnavailable as exc:
            self.failed(str(exc))
            return
        except Exception as exc:  # an engine bug must not kill the server: report it as unavailable
            log.exception("engine %s crashed while loading", self.engine.name)
            self.failed(f"{type(exc).__name__}: {exc}")
            return
        self.error = None
        log.info("engine %s ready (%s) in %.1f s", self.engine.name, self.engine.model_name,
                 time.perf_counter() - started)

    async def wait(self, timeout: float | None) -> bool:
        """Whether the engine is usable now, waiting for a load (started here if needed) up to `timeout` s."""
        task = self.start_loading()
        if task is not None:
            try:
                await asyncio.wait_for(asyncio.shield(task), timeout)
            except TimeoutError:
                return False
        return self.state is EngineState.READY

    async def ready(self, deadline: float, max_wait_s: float | None = None) -> Engine:
        """The engine once loaded; `EngineUnavailable` if it rests, failed, or still loads at the deadline."""
        wait = max(0.0, deadline - time.monotonic())
        if await self.wait(wait if max_wait_s is None else min(wait, max_wait_s)):
            return self.engine
        if self.state is EngineState.LOADING:
            raise EngineUnavailable("the engine is still loading its model; retry shortly")
        raise EngineUnavailable(f"no engine ready: {self.error or 'not loaded'}")

    def failed(self, message: str) -> None:
        """A failed load or run: remember why and rest before the next try."""
        self.error = message
        self._rest_until = time.monotonic() + self.rest_s
        log.warning("engine %s failed: %s (resting %.0f s)", self.engine.name, message, self.rest_s)

    def succeeded(self) -> None:
        self.error = None

    async def close(self) -> None:
        """Stop a load in flight (its thread finishes on its own and is dropped) and release the engine."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
        await self.engine.close()
