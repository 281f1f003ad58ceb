"""The service's engine: loaded in the background, awaited by requests within their deadline.

`/health` must answer while a model loads (a load balancer or Modal probes it), so loading starts
at startup as a task, and a request that arrives meanwhile waits for it, but never past its own
deadline or `load_wait_s`: then it gets 503 with Retry-After. A failed load is retried by a later
request, at most once per `retry_s`, so a missing model costs one file lookup, not one per request.
"""

from __future__ import annotations

import asyncio
import logging
import time

from maze_inference.engines.base import Engine
from maze_inference.errors import EngineUnavailable

log = logging.getLogger(__name__)


class EngineState:
    def __init__(self, engine: Engine, *, load_wait_s: float, retry_s: float = 10.0) -> None:
        self.engine = engine
        self.load_wait_s = load_wait_s
        self.retry_s = retry_s
        self._task: asyncio.Task[None] | None = None
        self._failed_at: float | None = None
        self.error: str | None = None

    @property
    def status(self) -> str:
        if self.engine.ready:
            return "ok"
        if self._task is not None and not self._task.done():
            return "loading"
        return "unavailable" if self.error else "loading"

    def start_loading(self) -> asyncio.Task[None] | None:
        """Start (or restart after a failure) the load; None while a recent failure still stands."""
        if self._task is not None and not self._task.done():
            return self._task
        if self.engine.ready:
            return None
        if self._failed_at is not None and time.monotonic() - self._failed_at < self.retry_s:
            return None
        self._task = asyncio.get_running_loop().create_task(self._load(), name="maze-service-load")
        return self._task

    async def _load(self) -> None:
        started = time.perf_counter()
        try:
            await self.engine.load()
        except EngineUnavailable as exc:
            self._failed_at = time.monotonic()
            self.error = str(exc)
            log.error("engine %s failed to load: %s", self.engine.name, exc)
            return
        except Exception as exc:  # an engine bug must not kill the service: report it as unavailable
            self._failed_at = time.monotonic()
            self.error = f"{type(exc).__name__}: {exc}"
            log.exception("engine %s crashed while loading", self.engine.name)
            return
        self._failed_at = self.error = None
        log.info("engine %s ready (%s) in %.1f s", self.engine.name, self.engine.model_name,
                 time.perf_counter() - started)

    async def ready(self, deadline: float) -> Engine:
        """The engine once loaded; `EngineUnavailable` (503) if it failed or is still loading at the deadline."""
        if self.engine.ready:
            return self.engine
        task = self.start_loading()
        if task is not None:
            wait = max(0.0, min(deadline - time.monotonic(), self.load_wait_s))
            try:
                await asyncio.wait_for(asyncio.shield(task), wait)
            except TimeoutError:
                raise EngineUnavailable("the engine is still loading its model; retry shortly") from None
        if not self.engine.ready:
            raise EngineUnavailable(f"no engine ready: {self.error or 'not loaded'}")
        return self.engine

    async def close(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
        await self.engine.close()
