"""Offline grammar checking with llguidance's byte tokenizer: no model needed.

The byte tokenizer has one token per byte, so the number of tokens a matcher accepts is the
byte offset of the first rejected byte, which is what `maze grammar check` reports. The same
functions back the CI corpora (`grammars/corpora/<lang>/{accept,prefix,reject}`) and the large
corpus measurement (`scripts/grammar_corpus.py`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from enum import Enum

import llguidance

from maze_inference.constraint.grammars import GrammarVariant, compiled_grammar


class Verdict(str, Enum):
    ACCEPTED = "accepted"  # the whole text parses and the grammar may end there
    PREFIX = "prefix"  # every byte was accepted, but the text is not a complete parse
    REJECTED = "rejected"  # a byte was refused at `offset`


@dataclass(frozen=True)
class CheckResult:
    verdict: Verdict
    offset: int | None  # byte offset of the first refused byte (REJECTED only)
    message: str = ""


@functools.cache
def byte_tokenizer() -> llguidance.LLTokenizer:
    return llguidance.LLTokenizer("byte")


def corpus_limits() -> llguidance.LLParserLimits:
    """Whole files are far longer than completions; give the parser room for them."""
    return llguidance.LLParserLimits(step_max_items=500_000, max_items_in_row=20_000, verbose_errors=False)


@functools.lru_cache(maxsize=64)
def _template(variant: GrammarVariant) -> llguidance.LLMatcher:
    """One compiled matcher per variant; checks copy it (microseconds) instead of rebuilding (milliseconds)."""
    return llguidance.LLMatcher(byte_tokenizer(), compiled_grammar(variant), log_level=0, limits=corpus_limits())


def check_bytes(variant: GrammarVariant, data: bytes) -> CheckResult:
    """Validate `data` plus end-of-text in one call and classify the outcome.

    With the byte tokenizer a token id is the byte value, so the count `validate_tokens` returns is
    the offset of the first refused byte; end-of-text is valid only if the whole text is a complete
    parse. One validation is several times cheaper than consuming byte by byte, which asks the
    parser at every byte whether the text could end there.
    """
    tok = byte_tokenizer()
    matcher = _template(variant).deep_copy()
    valid = matcher.validate_tokens([*data, tok.eos_token])
    if valid == len(data) + 1:
        return CheckResult(Verdict.ACCEPTED, None)
    if valid == len(data):
        return CheckResult(Verdict.PREFIX, None)
    return CheckResult(Verdict.REJECTED, valid, matcher.get_error())


def check_text(variant: GrammarVariant, text: str) -> CheckResult:
    return check_bytes(variant, text.encode("utf-8"))


def describe_offset(data: bytes, offset: int) -> str:
    """`line:col` (1-based) and the rejected line, for a human reading the check output."""
    line_no = data.count(b"\n", 0, offset) + 1
    line_start = data.rfind(b"\n", 0, offset) + 1
    line_end = data.find(b"\n", offset)
    line = data[line_start : len(data) if line_end < 0 else line_end].decode("utf-8", "replace")
    col = len(data[line_start:offset].decode("utf-8", "replace")) + 1
    return f"{line_no}:{col}: {line.strip()[:120]}"
