"""The path both completion methods share: supersede, debounce, wait for the engine, complete.

A newer request for the same document and method cancels the older one, and each request first
sleeps for the debounce: a burst of keystrokes costs one generation, for the last keystroke.
`completion` and `inlineCompletion` at the same document version and position share one result,
because some clients send both.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from typing import TYPE_CHECKING

from lsprotocol import types
from maze_inference.pipeline import Completion, complete_at

from maze_lsp import convert
from maze_lsp.state import OpenDocument

if TYPE_CHECKING:
    from maze_lsp.language_server import MazeLanguageServer

log = logging.getLogger(__name__)


async def complete_request(
    ls: MazeLanguageServer, uri: str, position: types.Position, method: str
) -> tuple[OpenDocument, int, Completion | None]:
    """Completion at `position` of `uri`, or None when there is nothing to show (or no engine)."""
    state = ls.state
    entry = state.get(uri)
    document = entry.document
    offset = convert.offset(document, position)  # validate before waiting: bad input answers at once
    options = state.options
    if not options.enable:
        return entry, offset, None
    state.supersede(uri, method)
    try:
        if options.debounce_ms:
            await asyncio.sleep(options.debounce_ms / 1000)
        text, source, tree, version = document.snapshot()
        offset = convert.offset(document, position)  # the text may have changed while we slept
        settings = options.completion_settings()
        key = (uri, version, offset, settings)
        if state.last_completion is not None and state.last_completion[0] == key:
            return entry, offset, state.last_completion[1]
        started = time.perf_counter()
        try:
            await state.engines.wait_ready(settings.timeout_s)  # within the request's timeout, not before it
        except TimeoutError:
            log.info("engine still loading; no completion this time")
            return entry, offset, None
        unit = state.indent_unit(entry)
        repository = state.workspace.context_for(uri, document.language.id, text, source, tree, offset,
                                                 state.documents) if options.repository_context else None
        completion = await state.engines.run_within(
            lambda engine, budget: complete_at(engine, document.language, text, source, tree, offset,
                                               dataclasses.replace(settings, timeout_s=budget), indent_unit=unit,
                                               repository=repository),
            None if settings.timeout_s is None else max(0.0, settings.timeout_s - (time.perf_counter() - started)),
        )
        if completion is not None:
            state.last_completion = (key, completion)
            _log_request(method, completion, (time.perf_counter() - started) * 1e3)
        return entry, offset, completion
    finally:
        state.finished(uri, method)


def _log_request(method: str, completion: Completion, total_ms: float) -> None:
    """One DEBUG line per request, with timings and sizes but never the user's code."""
    result = completion.result
    if result is None or not log.isEnabledFor(logging.DEBUG):
        return
    t = result.timings
    log.debug(
        "%s engine=%s level=%s finish=%s tokens=%d+%d context=%.1fms setup=%.1fms prompt=%.1fms "
        "decode=%.1fms constraint=%.1fms validate=%.1fms total=%.1fms shown=%s origin=%s dropped=%s",
        method, result.engine, result.level.value, result.finish_reason.value, result.prompt_tokens,
        result.completion_tokens,
        completion.context_ms, t.setup_ms, t.prompt_ms, t.decode_ms, t.constraint_ms, completion.validate_ms,
        total_ms, completion.text is not None, completion.origin and completion.origin.value,
        completion.dropped and completion.dropped.value,
    )
