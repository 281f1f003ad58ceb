"""The constraint at the cursor: only continuations of *this document* that still parse.

Split by lifetime, as vLLM's structured-output backends are:
* `ConstraintBackend` (one per engine/tokenizer) compiles each grammar variant once and keeps a fresh
  matcher per variant; a request gets a `deep_copy` of it, which costs microseconds where building a
  matcher costs milliseconds.
* `CursorConstraint` (one per request) has consumed the document text from the restart point to the
  cursor, so the grammar sees the real context, and answers the decode loop's questions: is this
  token allowed, which tokens are (mask), and may generation end here (does the suffix still join)?

Fallback ladder, so an error elsewhere in the file never refuses a completion: the enclosing
top-level item with the full grammar (`file`), else the enclosing statement's line with the
grammar's block-tail entry (`block`), else no grammar (`none`); the final tree-sitter check in
`validate.py` still guards every level.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import dataclass, field
from enum import Enum

import llguidance
import numpy as np
from numpy.typing import NDArray

from maze_inference.constraint.grammars import GrammarVariant, compiled_grammar, has_rule
from maze_inference.context import CursorContext
from maze_inference.errors import GrammarError
from maze_inference.languages import get_language
from maze_inference.tokenization import ModelTokenizer

log = logging.getLogger(__name__)

_INDENT = re.compile(r"[ \t]*")
# Longest text a matcher consumes before the cursor. llguidance keeps parse state per token (for
# rollback), so memory and time grow with it; the context's restart point is normally far closer.
MAX_GRAMMAR_CHARS = 32_000


class ConstraintLevel(str, Enum):
    FILE = "file"
    BLOCK = "block"
    NONE = "none"

    @classmethod
    def parse(cls, value: object) -> ConstraintLevel:
        try:
            return cls(value)
        except ValueError:
            return cls.NONE


@dataclass
class ConstraintStats:
    """Per-request counters the benchmarks and timings report."""

    setup_ms: float = 0.0
    prefix_tokens: int = 0
    validations: int = 0
    full_masks: int = 0
    join_checks: int = 0
    seconds: float = 0.0  # time spent in constraint calls during decoding


class ConstraintBackend:
    """Compiled grammars and fresh matchers for one tokenizer; thread-safe, shared by requests."""

    def __init__(self, tokenizer: ModelTokenizer) -> None:
        self.tokenizer = tokenizer
        self._templates: dict[GrammarVariant, llguidance.LLMatcher] = {}
        self._by_grammar: dict[str, llguidance.LLMatcher] = {}
        self._fed_cache: dict[GrammarVariant, tuple[tuple[int, ...], llguidance.LLMatcher]] = {}
        self._lock = threading.Lock()

    def matcher(self, variant: GrammarVariant) -> llguidance.LLMatcher:
        """A fresh matcher for `variant` (copied from a cached one)."""
        with self._lock:
            template = self._templates.get(variant)
            if template is None:
                template = llguidance.LLMatcher(self.tokenizer.llg, compiled_grammar(variant), log_level=0)
                if template.is_error():
                    raise GrammarError(template.get_error())
                self._templates[variant] = template
            return template.deep_copy()

    def matcher_for_grammar(self, grammar: str) -> llguidance.LLMatcher:
        """A matcher for a caller's grammar (JSON schema or Lark, already converted by llguidance).

        Compiled matchers are kept for the most recent grammars, so a client that sends the same
        schema or the language grammar every time pays the compile once.
        """
        with self._lock:
            template = self._by_grammar.get(grammar)
            if template is None:
                template = llguidance.LLMatcher(self.tokenizer.llg, grammar, log_level=0)
                if template.is_error():
                    raise GrammarError(template.get_error())
                if len(self._by_grammar) >= 32:
                    self._by_grammar.pop(next(iter(self._by_grammar)))
                self._by_grammar[grammar] = template
            return template.deep_copy()

    def free_constraint(self, grammar: str) -> CursorConstraint:
        """A constraint for free generation: the text must be a complete parse of `grammar` to end."""
        window = SuffixWindow((), 0, at_eof=True, must_accept=True)
        return CursorConstraint(self.tokenizer, self.matcher_for_grammar(grammar), ConstraintLevel.FILE, window)

    def at_cursor(self, context: CursorContext) -> CursorConstraint:
        """Build the request's constraint, walking down the fallback ladder until a level fits."""
        start = time.perf_counter()
        language = get_language(context.language)
        for level, variant, text in self._candidates(context, language.grammar):
            if len(text) > MAX_GRAMMAR_CHARS:
                continue  # e.g. a megabyte-long line: the parse state would cost hundreds of MB
            tokens = self.tokenizer.encode(text)
            try:
                matcher = self._fed(variant, tokens)
            except GrammarError as exc:
                log.warning("grammar %s unusable: %s", variant, exc)
                continue
            if matcher is not None:
                stats = ConstraintStats(setup_ms=(time.perf_counter() - start) * 1e3, prefix_tokens=len(tokens))
                return CursorConstraint(self.tokenizer, matcher, level, _suffix_window(self.tokenizer, context), stats)
            log.debug("constraint level %s rejected the prefix at token %d", level.value, len(tokens))
        stats = ConstraintStats(setup_ms=(time.perf_counter() - start) * 1e3)
        return CursorConstraint(self.tokenizer, None, ConstraintLevel.NONE, _suffix_window(self.tokenizer, context), stats)

    def _fed(self, variant: GrammarVariant, tokens: list[int]) -> llguidance.LLMatcher | None:
        """A matcher of `variant` that has consumed `tokens`, or None if the grammar refuses them.

        While the user types, consecutive requests feed the same item's text plus a few characters, so
        the matcher that consumed the last request's tokens is kept per variant: a copy of it is rolled
        back to the tokens both share and fed only the rest (consuming costs ~10-25 µs a token, and a
        restart point can be hundreds of tokens back).
        """
        with self._lock:
            cached = self._fed_cache.get(variant)
        if cached is not None:
            done, template = cached
            shared = 0
            limit = min(len(done), len(tokens))
            while shared < limit and done[shared] == tokens[shared]:
                shared += 1
            matcher = template.deep_copy()
            if len(done) > shared:
                matcher.rollback(len(done) - shared)
            if matcher.is_error():  # a rollback deeper than the matcher keeps: start afresh
                shared, matcher = 0, self.matcher(variant)
        else:
            shared, matcher = 0, self.matcher(variant)
        rest = tokens[shared:]
        if matcher.try_consume_tokens(rest) != len(rest) or matcher.is_error():
            return None
        with self._lock:
            self._fed_cache[variant] = (tuple(tokens), matcher.deep_copy())
            if len(self._fed_cache) > 16:
                self._fed_cache.pop(next(iter(self._fed_cache)))
        return matcher

    def _candidates(self, context: CursorContext, grammar: str) -> list[tuple[ConstraintLevel, GrammarVariant, str]]:
        unit = context.indent_unit
        out = [(ConstraintLevel.FILE, GrammarVariant(grammar, unit), context.grammar_text)]
        line_start = max(context.prefix.rfind("\n"), context.prefix.rfind("\r")) + 1
        line = context.prefix[line_start:]
        indent = _INDENT.match(line).group(0)  # type: ignore[union-attr]
        if grammar == "python":
            level = len(indent) // len(unit) if indent.startswith(unit) or not indent else 0
            entry = f"block_tail_{level}" if level else None
        else:
            entry = "block_tail"
        if entry is None:
            out.append((ConstraintLevel.BLOCK, GrammarVariant(grammar, unit), line))
        elif has_rule(grammar, entry):
            out.append((ConstraintLevel.BLOCK, GrammarVariant(grammar, unit, entry), line))
        return out


@dataclass(frozen=True)
class SuffixWindow:
    """The start of the suffix, as tokens, that a completion must still join with.

    `tokens` = the rest of the cursor's line, then the following lines through the first code line
    indented less than the cursor's line (the line that closes the enclosing block, or the next top-level
    line; comment and blank lines are passed over), at most `_WINDOW_LINES` lines, and end-of-text when
    the window reaches the end of the file (then whatever the completion opens must be closed within the
    file). Checking through the end of the block catches what the next line alone cannot: a `try:` with no
    `except` before the block ends, an `else:` above a later `elif`. A `{` that takes the enclosing
    block's `}` still leaves a valid prefix short of the end of the file; the decoder's ending check
    (the pipeline's final check, `DecodeSettings.ending_check`) refuses that ending.
    `required` = the tokens through the second token of the first code line after the cursor's (`return`
    alone is still a valid prefix of a name like `returns`): if even the empty completion fails there,
    the document is broken at the cursor (a hole) and a completion must repair it (see `CursorConstraint.start`).
    """

    tokens: tuple[int, ...]
    required: int
    at_eof: bool
    must_accept: bool = False  # free generation: end only where the whole grammar is satisfied


_WINDOW_LINES = 40
_WINDOW_CHARS = 3000


def _suffix_window(tokenizer: ModelTokenizer, context: CursorContext) -> SuffixWindow:
    language = get_language(context.language)
    line_rest = context.line_suffix
    rest = context.suffix[len(line_rest) :][:_WINDOW_CHARS]
    reaches_eof = len(context.suffix) <= len(line_rest) + _WINDOW_CHARS
    lines = re.split(r"(\r\n|\r|\n)", rest)  # [sep?, text, sep, text, ...] with separators kept
    floor = len(context.current_indent)
    tokens = tokenizer.encode(line_rest)
    eof = [tokenizer.eos_id]
    required: int | None = None
    text_lines = [(lines[i - 1] if i else "", lines[i]) for i in range(0, len(lines), 2)]
    if not text_lines or (len(text_lines) == 1 and not text_lines[0][1] and not rest):
        return SuffixWindow((*tokens, *eof), len(tokens), at_eof=True)
    gap = ""
    following = text_lines[1:] if text_lines[0][1] == "" else text_lines
    last = len(following)  # index of the first line not in the window
    for count, (separator, line) in enumerate(following, 1):
        stripped = line.strip()
        if not stripped or stripped.startswith(language.line_comment) or count > _WINDOW_LINES:
            gap += separator + line
            if count > _WINDOW_LINES:
                last = count - 1
                break
            continue
        indent = len(line) - len(line.lstrip(" \t"))
        head = tokenizer.encode(gap + separator + line[:indent])
        body = tokenizer.encode(line[indent:])
        tokens += head
        if required is None:
            required = len(tokens) + min(2, len(body))
        tokens += body
        gap = ""
        if indent < floor or (indent == floor == 0):
            last = count
            break
    # Only blank and comment lines after the window: it reaches the end of the file.
    at_eof = reaches_eof and all(not line.strip() or line.strip().startswith(language.line_comment)
                                 for _separator, line in following[last:])
    if at_eof:
        tokens += tokenizer.encode(gap)
        tokens += eof
    if required is None:
        return SuffixWindow(tuple(tokens), len(tokens), at_eof=at_eof)
    return SuffixWindow(tuple(tokens), required, at_eof=at_eof)


@dataclass
class CursorConstraint:
    """Per-request matcher state; `matcher is None` means level NONE (no grammar applies)."""

    tokenizer: ModelTokenizer
    matcher: llguidance.LLMatcher | None
    level: ConstraintLevel
    window: SuffixWindow
    stats: ConstraintStats = field(default_factory=ConstraintStats)
    needed: int | None = None  # window tokens a completion must validate to end (set by `start`)
    hole: bool = False  # the document is broken at the cursor: an ending must repair it
    _consumed: int = 0  # tokens consumed since the cursor, so a restart can roll them back
    _at_cursor: llguidance.LLMatcher | None = None  # a copy of the matcher at the cursor (see `joins_text`)

    @property
    def active(self) -> bool:
        return self.matcher is not None

    def is_allowed(self, token: int) -> bool:
        """Cheap check of one sampled token (the lazy path: no mask unless it fails)."""
        if self.matcher is None:
            return True
        start = time.perf_counter()
        self.stats.validations += 1
        ok = self.matcher.validate_tokens([token]) == 1
        self.stats.seconds += time.perf_counter() - start
        return ok

    def fill_mask(self, bitmask: NDArray[np.int32]) -> None:
        """The full allowed-token bitmask (1 row), computed only when a sampled token was refused."""
        if self.matcher is None:
            bitmask.fill(-1)
            return
        start = time.perf_counter()
        self.stats.full_masks += 1
        self.matcher.unsafe_compute_mask_ptr(bitmask.ctypes.data, bitmask.nbytes)
        self.stats.seconds += time.perf_counter() - start

    def consume(self, token: int) -> None:
        if self.matcher is not None:
            start = time.perf_counter()
            self.matcher.consume_token(token)
            self._consumed += 1
            self.stats.seconds += time.perf_counter() - start

    def rewind(self) -> None:
        """Back to the cursor: undo every token consumed since (a restarted generation)."""
        if self.matcher is not None and self._consumed:
            self.matcher.rollback(self._consumed)
        self._consumed = 0

    def accepts_text(self, text: str) -> bool:
        """Whether `text` (e.g. a token's part before a newline) may follow what was consumed."""
        if self.matcher is None or not text:
            return True
        tokens = self.tokenizer.encode(text)
        return self.matcher.validate_tokens(tokens) == len(tokens)

    def joins_suffix(self, extra: str = "") -> bool:
        """May generation end here (after `extra`, not yet consumed)? The suffix window must still parse."""
        if self.matcher is None:
            return True
        start = time.perf_counter()
        self.stats.join_checks += 1
        if self.window.must_accept:
            ok = self._accepts_after(extra)
        else:
            if self.needed is None:
                self.start()
            ok = self._window_valid(self.matcher, self.tokenizer.encode(extra))
        self.stats.seconds += time.perf_counter() - start
        return ok

    def joins_text(self, text: str) -> bool:
        """Would the completion `text`, from the cursor, join the suffix? (Independent of what was consumed.)

        Used for endings that differ from the generated text: the line's text with the suffix's overlap
        removed, a cut back to an earlier point. Tokenised afresh: the grammar judges bytes, not token ids.
        """
        if self.matcher is None:
            return True
        if self.needed is None:
            self.start()
        assert self._at_cursor is not None
        tokens = self.tokenizer.encode(text)
        if self.window.must_accept:
            consumed = self._at_cursor.try_consume_tokens(tokens)
            ok = consumed == len(tokens) and self._at_cursor.is_accepting()
            if consumed:
                self._at_cursor.rollback(consumed)
            return ok
        return self._window_valid(self._at_cursor, tokens)

    def _window_valid(self, matcher: llguidance.LLMatcher, extra: list[int]) -> bool:
        assert self.needed is not None
        tokens = extra + list(self.window.tokens[: self.needed])
        return matcher.validate_tokens(tokens) == len(tokens)

    def _accepts_after(self, extra: str) -> bool:
        assert self.matcher is not None
        tokens = self.tokenizer.encode(extra)
        consumed = self.matcher.try_consume_tokens(tokens)
        ok = consumed == len(tokens) and self.matcher.is_accepting()
        if consumed:
            self.matcher.rollback(consumed)
        return ok

    def start(self) -> None:
        """Decide what an ending must validate, from how well the empty completion joins (call before decoding).

        The whole window when the empty completion validates it, and also when it fails within the
        `required` zone: the document is broken at the cursor (`x = ‸` before the next statement, a
        removed block header, a missing return type before `}`), and only a completion that repairs it may
        end. When the empty completion fails only further down, the error is not the cursor's business: a
        completion must validate at least as far as the empty one does.
        """
        if self.matcher is None or self.needed is not None:
            return
        self._at_cursor = self.matcher.deep_copy()
        if self.window.must_accept:
            self.needed = 0
            return
        window = list(self.window.tokens)
        baseline = self.matcher.validate_tokens(window)
        self.hole = baseline < self.window.required
        self.needed = len(window) if baseline >= len(window) or self.hole else baseline
