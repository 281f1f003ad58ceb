"""One completion, end to end: context -> engine (constrained) -> post-process -> final check -> fallbacks.

The LSP handlers, `maze complete`, the service and code actions all call `complete_at`, so they
cannot drift. What is shown always passed the final check (`final_check.py`) and holds no loop.
When the engine's candidate does not, the pipeline falls back before giving up, so the constraint
never leaves the user with less than the bare model would have given:
1. the candidate itself;
2. a shorter ending the constraint allowed (its join points, longest first);
3. the same engine without the grammar, if that text passes the check (and time is left).
Local engines ask the same check before they end (`CompletionRequest.ending_check`), so an ending the
check would drop is passed by during decoding rather than found afterwards.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from dataclasses import dataclass
from enum import Enum

import tree_sitter

from maze_inference.constraint.cursor import ConstraintLevel
from maze_inference.context import ContextLimits, CursorContext, Mode, extract_context
from maze_inference.endings import loop_start
from maze_inference.engines.base import CompletionRequest, CompletionResult, Engine
from maze_inference.final_check import Break, RegionCheck, region_around
from maze_inference.languages import Language
from maze_inference.postprocess import postprocess
from maze_inference.workspace.repository import RepositoryContext

log = logging.getLogger(__name__)

MAX_TRIMS = 6  # shorter endings tried before the unconstrained fallback
FALLBACK_MIN_S = 0.05  # the unconstrained fallback runs only with at least this much of the deadline left


class ModeSetting(str, Enum):
    AUTO = "auto"  # the context decides (block after an opener on an empty line, else line)
    LINE = "line"
    BLOCK = "block"


class Origin(str, Enum):
    """Where the shown text came from."""

    MODEL = "model"  # the engine's candidate as it was
    TRIMMED = "trimmed"  # a shorter ending of that candidate
    UNCONSTRAINED = "unconstrained"  # the same engine without the grammar (fallback)


class DropReason(str, Enum):
    """Why nothing is shown."""

    EMPTY = "empty"  # the engine produced nothing worth showing
    PARSE_ERROR = "parse_error"  # every candidate broke the region (`final_check.Break`)
    LOOP = "loop"  # every candidate repeated itself


@dataclass(frozen=True)
class CompletionSettings:
    max_tokens: int = 48
    mode: ModeSetting = ModeSetting.AUTO
    constrained: bool = True
    temperature: float = 0.0
    timeout_s: float | None = 2.0
    fallback: bool = True  # try shorter endings and the unconstrained text before showing nothing
    stop: tuple[str, ...] = ()
    seed: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "mode", ModeSetting(self.mode))


@dataclass(frozen=True)
class Completion:
    """What to insert at the cursor (`text` None: nothing to show), with how it was obtained."""

    text: str | None
    context: CursorContext
    result: CompletionResult | None
    dropped: DropReason | None = None
    origin: Origin | None = None
    breaks: tuple[Break, ...] = ()  # why candidates before the shown one (or all of them) failed
    context_ms: float = 0.0
    validate_ms: float = 0.0


def context_at(language: Language, text: str, tree: tree_sitter.Tree, offset: int, *, byte_offset: int,
               indent_unit: str | None, settings: CompletionSettings,
               limits: ContextLimits = ContextLimits()) -> CursorContext:
    context = extract_context(language, text, tree, offset, byte_offset=byte_offset, indent_unit=indent_unit,
                              limits=limits)
    if settings.mode is not ModeSetting.AUTO:
        context = dataclasses.replace(context, mode=Mode(settings.mode.value))
    return context


@dataclass
class Judge:
    """Checks candidates against one document region, remembering why they failed."""

    region: RegionCheck
    context: CursorContext
    breaks: list[Break] = dataclasses.field(default_factory=list)
    loops: int = 0
    seconds: float = 0.0
    _verdicts: dict[str, Break | None] = dataclasses.field(default_factory=dict)  # the decoder asked first

    def check(self, insertion: str) -> Break | None:
        """The region check of `insertion`, once per text (the decoder's ending check and the check after it
        see the same candidate)."""
        if insertion not in self._verdicts:
            self._verdicts[insertion] = self.region.check(insertion)
        return self._verdicts[insertion]

    def accept(self, raw: str, *, checked_by_grammar: bool) -> str | None:
        started = time.perf_counter()
        try:
            insertion = postprocess(raw, self.context, checked_by_grammar=checked_by_grammar)
            if insertion is None:
                return None
            if loop_start(insertion) is not None:
                self.loops += 1
                return None
            verdict = self.check(insertion)
            if verdict is not None:
                self.breaks.append(verdict)
                return None
            return insertion
        finally:
            self.seconds += time.perf_counter() - started

    def ending_passes(self, raw: str) -> bool:
        """The decoder's question before it ends with `raw`: would the check below pass it? (Nothing recorded:
        a refused ending is not a candidate.)"""
        started = time.perf_counter()
        try:
            insertion = postprocess(raw, self.context, checked_by_grammar=True)
            return insertion is None or not insertion.strip() or self.check(insertion) is None
        finally:
            self.seconds += time.perf_counter() - started

    def drop_reason(self) -> DropReason:
        if self.breaks:
            return DropReason.PARSE_ERROR
        return DropReason.LOOP if self.loops else DropReason.EMPTY


def judge_at(language: Language, source: bytes, tree: tree_sitter.Tree, byte_offset: int,
             context: CursorContext) -> Judge:
    """The final check of one request: the region from the grammar's restart point through the suffix window."""
    region_start = byte_offset - len(context.grammar_text.encode("utf-8"))
    region_end = byte_offset + len(context.suffix[:512].encode("utf-8"))
    return Judge(RegionCheck(language, source, region_around(tree, source, byte_offset, region_start, region_end)),
                 context)


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
    repository: RepositoryContext | None = None,
) -> Completion:
    started = time.perf_counter()
    byte_offset = offset if len(source) == len(text) else len(text[:offset].encode("utf-8"))
    context = context_at(language, text, tree, offset, byte_offset=byte_offset, indent_unit=indent_unit,
                         settings=settings)
    context_ms = (time.perf_counter() - started) * 1e3
    judge = judge_at(language, source, tree, byte_offset, context)
    request = CompletionRequest(
        context=context,
        max_tokens=settings.max_tokens,
        temperature=settings.temperature,
        constrained=settings.constrained,
        deadline=CompletionRequest.deadline_in(settings.timeout_s),
        stop=settings.stop,
        seed=settings.seed,
        repository=repository,
        ending_check=judge.ending_passes if settings.fallback else None,
    )
    result = await engine.complete(request)

    def done(shown: str | None, origin: Origin | None, final: CompletionResult) -> Completion:
        dropped = None if shown is not None else judge.drop_reason()
        if dropped is DropReason.PARSE_ERROR:
            log.info("no completion: every candidate broke the region (%s)", ", ".join(b.value for b in judge.breaks))
        return Completion(shown, context, final, dropped, origin, tuple(judge.breaks), context_ms, judge.seconds * 1e3)

    graded = result.level is not ConstraintLevel.NONE
    shown = judge.accept(result.text, checked_by_grammar=graded)
    if shown is not None or not settings.fallback:
        return done(shown, Origin.MODEL if shown is not None else None, result)
    for point in sorted(set(result.join_points), reverse=True)[:MAX_TRIMS]:
        shown = judge.accept(result.text[:point], checked_by_grammar=graded)
        if shown is not None:
            return done(shown, Origin.TRIMMED, result)
    if settings.constrained and _time_left(request.deadline):
        raw = await engine.complete(dataclasses.replace(request, constrained=False))
        shown = judge.accept(raw.text, checked_by_grammar=False)
        if shown is not None:
            return done(shown, Origin.UNCONSTRAINED, raw)
    return done(None, None, result)


def _time_left(deadline: float | None) -> bool:
    return deadline is None or deadline - time.monotonic() > FALLBACK_MIN_S
