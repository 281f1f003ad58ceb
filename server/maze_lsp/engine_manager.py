"""The server's engines: the configured one, the embedded fallback, loading and outage messages.

The model loads in the background (`initialize` must answer at once); requests that arrive
meanwhile wait for it within their own deadline. When the configured engine fails (remote down,
slow past the deadline, 5xx), the embedded engine answers instead, and the user hears about the
outage once, not once per keystroke; the next success clears it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from maze_inference.engines import EngineSettings, create_engine
from maze_inference.engines.base import Engine
from maze_inference.errors import EngineError, EngineUnavailable

log = logging.getLogger(__name__)

T = TypeVar("T")
RETRY_S = 5.0  # how long a failed engine rests before it is tried again

Notify = Callable[[str, str], None]  # (level: "error" | "warning" | "info", message)
Progress = Callable[[str], Awaitable[Callable[[], None]]]  # begin(title) -> end()


@dataclass
class EngineStatus:
    state: str  # "loading" | "ready" | "fallback" | "unavailable" | "disabled"
    engine: str
    model: str
    message: str = ""


class EngineManager:
    def __init__(self, notify: Notify, progress: Progress | None = None) -> None:
        self._notify = notify
        self._progress = progress
        self.settings = EngineSettings()
        self.primary: Engine | None = None
        self.fallback: Engine | None = None
        self._load_task: asyncio.Task[None] | None = None
        self._outage: str | None = None
        self._load_error: str | None = None
        self.on_status: Callable[[EngineStatus], None] | None = None
        self._configured = asyncio.Event()  # set once `initialized` has read the settings
        self._rest_until = 0.0  # monotonic time before which the primary is not tried

    # ---- configuration and loading ------------------------------------------------------------

    async def configure(self, settings: EngineSettings) -> None:
        """(Re)build engines for `settings` and start loading them in the background.

        Settings that only the request path reads (the timeout of a local engine) keep the loaded model.
        """
        if self.primary is not None and _same_engine(settings, self.settings):
            self.settings = settings
            return
        await self.close()
        self.settings = settings
        self._outage = self._load_error = None
        self._rest_until = 0.0
        try:
            self.primary = create_engine(settings)
        except EngineUnavailable as exc:
            self.primary = None
            self._fail_load(str(exc))
        if settings.engine != "embedded":
            self.fallback = create_engine(EngineSettings(engine="embedded", threads=settings.threads))
        self._load_task = asyncio.create_task(self._load(), name="maze-engine-load")
        self._configured.set()

    async def _load(self) -> None:
        end = await self._progress("maze: loading model") if self._progress else None
        self._emit("loading")
        try:
            for engine in (self.primary, self.fallback):
                if engine is None:
                    continue
                try:
                    await engine.load()
                except EngineUnavailable as exc:
                    if engine is self.primary:
                        self._fail_load(str(exc))
                    else:
                        log.warning("fallback engine unavailable: %s", exc)
        finally:
            if end is not None:
                end()
        self._emit("ready" if self.primary is not None and self.primary.ready else "unavailable")

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
        """Whether to try the configured engine now: not while it is resting after a failure.

        After a failure (or a failed load) the primary rests for `RETRY_S` seconds, so a dead or slow
        remote costs one request its deadline, not every keystroke; then it is probed again (loaded, if
        it never loaded), so it comes back by itself once it works.
        """
        if self.primary is None or time.monotonic() < self._rest_until:
            return False
        if self._load_error is None and self.primary.ready:
            return True
        try:
            await self.primary.load()
        except EngineUnavailable as exc:
            self._rest_until = time.monotonic() + RETRY_S
            log.debug("%s engine still unavailable: %s", self.primary.name, exc)
            return False
        if self._load_error is not None:
            self._load_error = None
            self._notify("info", f"maze: {self.primary.name} engine is available again.")
            self._emit("ready")
        return True

    async def run(self, call: Callable[[Engine], Awaitable[T]]) -> T | None:
        """Run `call` on the first engine that works; None when none can answer."""
        engines: list[Engine] = [self.primary] if self.primary is not None and await self._primary_usable() else []
        if self.fallback is not None and self.fallback.ready:
            engines.append(self.fallback)
        for engine in engines:
            try:
                result = await call(engine)
            except EngineError as exc:
                self._report_outage(engine, exc)
                continue
            if engine is self.primary and self._outage is not None:
                self._outage = None
                self._notify("info", f"maze: {engine.name} engine is answering again.")
                self._emit("ready")
            return result
        return None

    def _report_outage(self, engine: Engine, exc: EngineError) -> None:
        log.warning("%s engine failed: %s", engine.name, exc)
        if engine is self.primary:
            self._rest_until = time.monotonic() + RETRY_S
        if engine is self.primary and self._outage is None:
            self._outage = str(exc)
            tail = " Using the embedded model until it recovers." if self.fallback is not None else ""
            self._notify("warning", f"maze: {engine.name} engine failed: {exc}.{tail}")
            self._emit("fallback" if self.fallback is not None else "unavailable")

    def status(self, state: str) -> EngineStatus:
        engine = self.primary or self.fallback
        return EngineStatus(state, self.settings.engine, engine.model_name if engine else "", self._outage or self._load_error or "")

    def _emit(self, state: str) -> None:
        if self.on_status is not None:
            self.on_status(self.status(state))

    async def close(self) -> None:
        """Release the engines; a load still running finishes on its own thread and is then dropped."""
        self._load_task = None
        for engine in (self.primary, self.fallback):
            if engine is not None:
                await engine.close()
        self.primary = self.fallback = None


def _same_engine(a: EngineSettings, b: EngineSettings) -> bool:
    if a.engine != "remote":
        a = dataclasses.replace(a, timeout_s=b.timeout_s)
    return a == b
