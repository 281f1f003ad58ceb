"""One completion, end to end: context -> engine (constrained) -> post-process -> final parse check.

The LSP handlers, `maze complete` and the service all call `complete_at`, so they cannot drift.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from dataclasses import dataclass

import tree_sitter

from maze_inference.context import ContextLimits, CursorContext, Mode, extract_context
from maze_inference.engines.base import CompletionRequest, CompletionResult, Engine
from maze_inference.final_check import adds_parse_error
from maze_inference.languages import Language
from maze_inference.postprocess import postprocess

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CompletionSettings:
    max_tokens: int = 48
    mode: str = "auto"  # auto | line | block
    constrained: bool = True
    temperature: float = 0.0
    timeout_s: float | None = 2.0


@dataclass(frozen=True)
class Completion:
    """What to insert at the cursor (`text` None: nothing to show), with how it was obtained."""

    text: str | None
    context: CursorContext
    result: CompletionResult | None
    dropped: str | None = None  # why a generated candidate was not shown
    context_ms: float = 0.0
    validate_ms: float = 0.0


def context_at(language: Language, text: str, tree: tree_sitter.Tree, offset: int, *, byte_offset: int,
               indent_unit: str | None, settings: CompletionSettings,
               limits: ContextLimits = ContextLimits()) -> CursorContext:
    context = extract_context(language, text, tree, offset, byte_offset=byte_offset, indent_unit=indent_unit,
                              limits=limits)
    if settings.mode in ("line", "block"):
        context = dataclasses.replace(context, mode=Mode(settings.mode))
    return context


async def complete_at(
    engine: Engine,
    language: Language,
    text: str,
    source: bytes,
    tree: tree_sitter.Tree,
    offset: int,
    settings: CompletionSettings,
    *,
    indent_unit: str | None = None,
) -> Completion:
    started = time.perf_counter()
    byte_offset = offset if len(source) == len(text) else len(text[:offset].encode("utf-8"))
    context = context_at(language, text, tree, offset, byte_offset=byte_offset, indent_unit=indent_unit,
                         settings=settings)
    context_ms = (time.perf_counter() - started) * 1e3
    request = CompletionRequest(
        context=context,
        max_tokens=settings.max_tokens,
        temperature=settings.temperature,
        constrained=settings.constrained,
        deadline=CompletionRequest.deadline_in(settings.timeout_s),
    )
    result = await engine.complete(request)
    checked = time.perf_counter()
    insertion = postprocess(result.text, context, checked_by_grammar=result.level != "none")
    dropped = None if insertion else "empty"
    if insertion is not None:
        region_start = byte_offset - len(context.grammar_text.encode("utf-8"))
        region_end = byte_offset + len(context.suffix[:512].encode("utf-8"))
        if adds_parse_error(language, source, tree, byte_offset, insertion, region_start, region_end):
            log.info("dropped a candidate that adds a parse error (level %s)", result.level)
            insertion, dropped = None, "parse_error"
    validate_ms = (time.perf_counter() - checked) * 1e3
    return Completion(insertion, context, result, dropped, context_ms, validate_ms)
