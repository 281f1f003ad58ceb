"""A caller's grammar, checked on arrival: size cap, llguidance's limits, a worker that is killed past a deadline.

Grammars are checked before the request reaches the engine (as vLLM's `validate_guidance_grammar`
does), so a bad one is a 400 carrying llguidance's message instead of an engine failure. A hostile
grammar must not pin a CPU: it is capped in size, converted and validated under llguidance's parser
limits, and that work runs in a separate process that is killed when it overruns, because a thread
cannot be stopped. Verdicts are cached by content, so a client that sends the same grammar with
every request pays the round trip once.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import queue
import selectors
import subprocess
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from maze_inference.constraint.grammars import GrammarVariant, compiled_grammar
from maze_inference.errors import EngineUnavailable, GrammarError
from maze_inference.languages import Language
from maze_inference.service.errors import PayloadTooLarge

log = logging.getLogger(__name__)

_START_TIMEOUT_S = 60.0  # a cold interpreter importing llguidance, on a busy machine


@dataclass(frozen=True)
class RequestGrammar:
    """What a generation is constrained by: the source kind and llguidance's grammar string."""

    kind: str  # "lark" | "json_schema" | "llguidance" | "language" | "none"
    grammar: str | None


def language_grammar(language: Language) -> RequestGrammar:
    """Our own grammar for the language (trusted, compiled once per process)."""
    return RequestGrammar("language", compiled_grammar(GrammarVariant(language.grammar)))


class _Worker:
    """A `python -m maze_inference.service.grammar_worker` child speaking JSON lines over its pipes.

    A plain subprocess rather than `multiprocessing`: spawn re-imports the parent's `__main__`
    (uvicorn, pytest, Modal's runner), which is neither cheap nor always safe.
    """

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "maze_inference.service.grammar_worker"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=None, close_fds=True,
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self.stdin, self.stdout = self.process.stdin, self.process.stdout
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.stdout, selectors.EVENT_READ)
        try:
            self._read_line(_START_TIMEOUT_S)  # "ready": the budget of a check excludes interpreter start-up
        except (OSError, EOFError, TimeoutError):
            self.kill()
            raise

    def check(self, kind: str, source: str, timeout_s: float) -> tuple[str, str]:
        self.stdin.write(json.dumps([kind, source]).encode() + b"\n")
        self.stdin.flush()
        status, value = self._read_line(timeout_s)
        return status, value

    def _read_line(self, timeout_s: float) -> list[str]:
        deadline = time.monotonic() + timeout_s
        data = b""
        while not data.endswith(b"\n"):
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not self.selector.select(remaining):
                raise TimeoutError
            chunk = os.read(self.stdout.fileno(), 1 << 16)
            if not chunk:
                raise EOFError("grammar worker exited")
            data += chunk
        return json.loads(data)

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(1.0)
        self.selector.close()
        self.stdin.close()
        self.stdout.close()


class GrammarChecker:
    """Converts and validates callers' grammars in worker processes; thread-safe, shared by requests."""

    def __init__(self, *, max_bytes: int, timeout_s: float, workers: int = 1, cache_size: int = 256) -> None:
        self.max_bytes = max_bytes
        self.timeout_s = timeout_s
        self._slots = threading.BoundedSemaphore(workers)
        self._idle: queue.SimpleQueue[_Worker] = queue.SimpleQueue()
        self._all: list[_Worker] = []
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, tuple[str, str]] = OrderedDict()
        self._cache_size = cache_size
        self.compiles = 0  # worker round trips (cache misses)
        self.on_compile: Callable[[], object] | None = None  # e.g. a metrics counter's `inc`

    async def check(self, kind: str, source: str | dict[str, Any]) -> RequestGrammar:
        """The llguidance grammar for a caller's `source`; raises `GrammarError` or `PayloadTooLarge`."""
        text = source if isinstance(source, str) else json.dumps(source)
        size = len(text.encode("utf-8"))
        if size > self.max_bytes:
            raise PayloadTooLarge(f"{kind} is {size} bytes; the limit is {self.max_bytes}")
        digest = hashlib.sha256(f"{kind}\0{text}".encode()).hexdigest()
        verdict = self._cached(digest)
        if verdict is None:
            verdict = await asyncio.to_thread(self._check_blocking, kind, text)
            self._remember(digest, verdict)
        status, value = verdict
        if status == "unavailable":
            raise EngineUnavailable(value)
        if status != "ok":
            raise GrammarError(f"{kind}: {value}")
        return RequestGrammar(kind, value)

    def warm_up(self) -> None:
        """Start a worker ahead of the first grammar (spawning costs a few hundred milliseconds)."""
        with self._slots:
            self._give_back(self._take())

    def close(self) -> None:
        with self._lock:
            workers, self._all = self._all, []
        for worker in workers:
            worker.kill()

    def _check_blocking(self, kind: str, text: str) -> tuple[str, str]:
        with self._slots:
            try:
                worker = self._take()
            except (OSError, EOFError, TimeoutError) as exc:
                log.error("the grammar worker did not start: %s", exc)
                return "unavailable", "the grammar checker is unavailable"
            with self._lock:
                self.compiles += 1
            if self.on_compile is not None:
                self.on_compile()
            try:
                verdict = worker.check(kind, text, self.timeout_s)
            except TimeoutError:
                log.warning("a %s grammar overran its %g s compile budget; worker killed", kind, self.timeout_s)
                self._discard(worker)
                return "overrun", f"did not compile within {self.timeout_s:g} s"
            except (OSError, EOFError) as exc:  # the worker died (killed by the OS, out of memory)
                self._discard(worker)
                return "overrun", f"the grammar checker failed ({type(exc).__name__})"
            self._give_back(worker)
            return verdict

    def _take(self) -> _Worker:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            worker = _Worker()
            with self._lock:
                self._all.append(worker)
            return worker

    def _give_back(self, worker: _Worker) -> None:
        self._idle.put(worker)

    def _discard(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            if worker in self._all:
                self._all.remove(worker)

    def _cached(self, digest: str) -> tuple[str, str] | None:
        with self._lock:
            verdict = self._cache.get(digest)
            if verdict is not None:
                self._cache.move_to_end(digest)
            return verdict

    def _remember(self, digest: str, verdict: tuple[str, str]) -> None:
        if verdict[0] in ("overrun", "unavailable"):
            return  # may be load, not the grammar: let the next request try again
        with self._lock:
            self._cache[digest] = verdict
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)

