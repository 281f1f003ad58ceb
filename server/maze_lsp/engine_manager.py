"""The server's engines: the configured one, the embedded fallback, and what the user hears about them.

Each engine's life (background load, waiting within a deadline, rest after a failure) is an
`EngineLifecycle`, the same as the service's. This module adds the server's policy: when the
configured engine fails (remote down, slow past the deadline, 5xx), the embedded engine answers
instead, and the user hears about the outage once, not once per keystroke; the next success clears it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum
from typing import TypeVar

from maze_inference.engines import EngineSettings, create_engine
from maze_inference.engines.base import Engine
from maze_inference.engines.lifecycle import EngineLifecycle, EngineState
from maze_inference.errors import EngineError, EngineTimeout, EngineUnavailable

log = logging.getLogger(__name__)

T = TypeVar("T")

Notify = Callable[[str, str], None]  # (level: "error" | "warning" | "info", message)
Progress = Callable[[str], Awaitable[Callable[[], None]]]  # begin(title) -> end()

FALLBACK_RESERVE_S = 0.5  # of a request's timeout, kept for the embedded fallback (at most a third of it)
OVERRUN_S = 0.1  # an engine past its budget by this much is cancelled


class ServingState(str, Enum):
    """What the editor's status bar shows (the `maze/status` notification)."""

    LOADING = "loading"
    READY = "ready"
    FALLBACK = "fallback"  # the configured engine failed; the embedded one answers
    UNAVAILABLE = "unavailable"


@dataclass(frozen=True)
class EngineStatus:
    state: ServingState
    engine: str
    model: str
    message: str = ""


class EngineManager:
    def __init__(self, notify: Notify, progress: Progress | None = None) -> None:
        self._notify = notify
        self._progress = progress
        self.settings = EngineSettings()
        self.primary: EngineLifecycle | None = None
        self.fallback: EngineLifecycle | None = None
        self._load_task: asyncio.Task[None] | None = None
        self._outage: str | None = None  # a run failure of the primary, reported once
        self._load_error: str | None = None  # the primary could not be built or loaded, reported once
        self.on_status: Callable[[EngineStatus], None] | None = None
        self._configured = asyncio.Event()  # set once `initialized` has read the settings

    # ---- configuration and loading ------------------------------------------------------------

    async def configure(self, settings: EngineSettings, *, report: bool = True) -> None:
        """(Re)build engines for `settings` and start loading them in the background at once.

        The load starts here, not after a round trip to the editor: an editor busy starting up answers
        late, and the user would wait for it on top of the load. `report=False` (during `initialize`,
        before the server may send anything) loads without telling the editor; the first call with
        `report` sends the status and the progress. Settings that only the request path reads (the
        timeout of a local engine) keep the loaded model.
        """
        if self.primary is not None and _same_engine(settings, self.settings):
            self.settings = settings
        else:
            await self.close()
            self.settings = settings
            self._outage = self._load_error = None
            try:
                self.primary = EngineLifecycle(create_engine(settings))
            except EngineUnavailable as exc:
                self.primary = None
                self._fail_load(str(exc))
            if settings.engine != "embedded":
                self.fallback = EngineLifecycle(create_engine(EngineSettings(engine="embedded", threads=settings.threads)))
            for life in (self.primary, self.fallback):
                if life is not None:
                    life.start_loading()
        if report and self._load_task is None:
            self._load_task = asyncio.create_task(self._load(), name="maze-engine-load")
            self._configured.set()

    async def _load(self) -> None:
        """Report the load that `configure` started: `loading` now, a progress once the editor accepts one."""
        self._emit(ServingState.LOADING)
        progress = asyncio.create_task(self._progress("maze: loading model")) if self._progress else None
        try:
            for life in (self.primary, self.fallback):
                if life is not None and not await life.wait(None):
                    if life is self.primary:
                        self._fail_load(life.error or "not loaded")
                    else:
                        log.warning("fallback engine unavailable: %s", life.error)
        finally:
            if progress is not None:  # ends it when it has begun, which may be after the load
                progress.add_done_callback(_end_progress)
        ready = self.primary is not None and self.primary.state is EngineState.READY
        self._emit(ServingState.READY if ready else ServingState.UNAVAILABLE)

    def _fail_load(self, message: str) -> None:
        self._load_error = message
        suffix = " Falling back to the embedded model." if self.fallback is not None else ""
        self._notify("error", f"maze: no usable completion engine: {message}.{suffix}")

    async def wait_ready(self, timeout: float | None) -> None:
        """Wait for settings and the current load, also across a reconfiguration that replaces it."""
        async with asyncio.timeout(timeout):
            await self._configured.wait()
            while self._load_task is not None and not self._load_task.done():
                task = self._load_task
                await asyncio.wait({task})

    # ---- use ------------------------------------------------------------------------------------

    async def _primary_usable(self) -> bool:
        """Whether to try the configured engine now: not while it rests after a failure; a probe after."""
        if self.primary is None or not await self.primary.wait(None):
            return False
        if self._load_error is not None:
            self._load_error = None
            self._notify("info", f"maze: {self.primary.engine.name} engine is available again.")
            self._emit(ServingState.READY)
        return True

    async def run(self, call: Callable[[Engine], Awaitable[T]]) -> T | None:
        """Run `call` on the first engine that works; None when none can answer."""
        return await self.run_within(lambda engine, _budget: call(engine), None)

    async def run_within(self, call: Callable[[Engine, float | None], Awaitable[T]], timeout_s: float | None) -> T | None:
        """`run`, all within `timeout_s`: `call(engine, budget_s)` must answer within its budget.

        With a fallback, the configured engine gets the timeout less a reserve, so that when it is
        slow (a remote sending its answer a byte at a time) the embedded engine still answers
        within the same timeout; past its budget (plus a moment) its call is cancelled.
        """
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        lives: list[EngineLifecycle] = [self.primary] if self.primary is not None and await self._primary_usable() else []
        if self.fallback is not None and self.fallback.state is EngineState.READY:
            lives.append(self.fallback)
        for life in lives:
            budget = None
            if deadline is not None and timeout_s is not None:
                reserve = min(timeout_s / 3, FALLBACK_RESERVE_S) if life is self.primary and len(lives) > 1 else 0.0
                budget = max(0.0, deadline - reserve - time.monotonic())
            try:
                async with asyncio.timeout(None if budget is None else budget + OVERRUN_S):
                    result = await call(life.engine, budget)
            except TimeoutError:
                self._report_outage(life, EngineTimeout(f"no answer within {budget:.2f} s"))
                continue
            except EngineError as exc:
                self._report_outage(life, exc)
                continue
            life.succeeded()
            if life is self.primary and self._outage is not None:
                self._outage = None
                self._notify("info", f"maze: {life.engine.name} engine is answering again.")
                self._emit(ServingState.READY)
            return result
        return None

    def _report_outage(self, life: EngineLifecycle, exc: EngineError) -> None:
        if life is not self.primary:
            log.warning("%s engine failed: %s", life.engine.name, exc)
            return
        life.failed(str(exc))
        if self._outage is None:
            self._outage = str(exc)
            tail = " Using the embedded model until it recovers." if self.fallback is not None else ""
            self._notify("warning", f"maze: {life.engine.name} engine failed: {exc}.{tail}")
            self._emit(ServingState.FALLBACK if self.fallback is not None else ServingState.UNAVAILABLE)

    def status(self, state: ServingState) -> EngineStatus:
        life = self.primary or self.fallback
        model = life.engine.model_name if life is not None else ""
        return EngineStatus(state, self.settings.engine, model, self._outage or self._load_error or "")

    def _emit(self, state: ServingState) -> None:
        if self.on_status is not None:
            self.on_status(self.status(state))

    async def close(self) -> None:
        """Release the engines; a load still running finishes on its own thread and is then dropped."""
        self._load_task = None
        for life in (self.primary, self.fallback):
            if life is not None:
                await life.close()
        self.primary = self.fallback = None


def _end_progress(task: asyncio.Task[Callable[[], None]]) -> None:
    if not task.cancelled() and task.exception() is None:
        task.result()()


def _same_engine(a: EngineSettings, b: EngineSettings) -> bool:
    if a.engine != "remote":
        a = dataclasses.replace(a, timeout_s=b.timeout_s)
    return a == b
