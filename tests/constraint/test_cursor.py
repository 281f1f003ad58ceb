"""The constraint at the cursor, with the shipped model's real tokenizer and the real grammars."""

from __future__ import annotations

import functools

import numpy as np
import pytest
from maze_inference.constraint.cursor import ConstraintBackend, ConstraintLevel
from maze_inference.context import CursorContext, extract_context
from maze_inference.decode_run import allowed_from_bitmask
from maze_inference.document import Document
from maze_inference.engines.embedded import default_model_dir
from maze_inference.languages import get_language
from maze_inference.tokenization import load_tokenizer


@functools.cache
def backend() -> ConstraintBackend:
    return ConstraintBackend(load_tokenizer(str(default_model_dir() / "tokenizer.json")))


def context(language: str, marked: str) -> CursorContext:
    lang = get_language(language)
    offset = marked.index("‸")
    text = marked.replace("‸", "")
    doc = Document(lang, text)
    return extract_context(lang, doc.text, doc.tree, offset, byte_offset=doc.byte_offset(offset))


def allowed_text(constraint, text: str) -> bool:
    return constraint.accepts_text(text)


def test_only_continuations_of_this_document_are_allowed() -> None:
    c = backend().at_cursor(context("python", "def f(a):\n    return a +‸\n"))
    assert c.level is ConstraintLevel.FILE
    assert allowed_text(c, " 1")
    assert allowed_text(c, " g(a)")
    assert not allowed_text(c, " )")
    assert not allowed_text(c, " 1 2")


def test_error_before_the_item_does_not_matter() -> None:
    c = backend().at_cursor(context("python", "x = (\n\ndef f(a):\n    return a +‸\n"))
    assert c.level in (ConstraintLevel.FILE, ConstraintLevel.BLOCK)
    assert allowed_text(c, " 1")


def test_error_inside_the_item_falls_back_to_the_block_level() -> None:
    c = backend().at_cursor(context("python", "def f(a:\n    x = 1\n    return a +‸\n"))
    assert c.level is ConstraintLevel.BLOCK
    assert allowed_text(c, " 1") and not allowed_text(c, " )")


def test_unparseable_everything_gives_level_none_not_an_error() -> None:
    c = backend().at_cursor(context("python", "))) $$$ ‸"))
    assert c.level is ConstraintLevel.NONE
    assert allowed_text(c, "anything at all")


@pytest.mark.parametrize(("marked", "good", "bad"), [
    ("print(foo(‸))\n", "1", "1)"),  # the suffix already closes the call
    ("x = [1, 2‸]\n", ", 3", ", 3]"),
    ("if x:\n    y = {‸}\n", "'a': 1", "'a': 1}"),
])
def test_generation_may_end_only_where_the_suffix_joins(marked: str, good: str, bad: str) -> None:
    c = backend().at_cursor(context("python", marked))
    c.start()
    assert c.joins_suffix(good), f"{good!r} should join {marked!r}"
    assert not c.joins_suffix(bad), f"{bad!r} duplicates what the suffix closes in {marked!r}"


def test_end_of_line_completion_must_finish_the_statement() -> None:
    c = backend().at_cursor(context("python", "def f(a):\n    x = ‸\n    return x\n"))
    c.start()
    assert c.joins_suffix("a + 1")
    assert not c.joins_suffix("g(a,")  # leaves the call open before `return`


def test_go_brace_language() -> None:
    c = backend().at_cursor(context("go", "package main\n\nfunc f(a int) int {\n\treturn a +‸\n}\n"))
    assert c.level is ConstraintLevel.FILE
    c.start()
    assert c.joins_suffix(" 1")
    assert not c.joins_suffix(" 1 }")


def test_text_after_an_item_on_its_line_continues_it() -> None:
    """`export { a } fr‸`: tree-sitter cuts the line after a MISSING `;`; the grammar must still read the
    export, where only `from` and a string may follow (`from(...)` alone is a call, in the export an error)."""
    c = backend().at_cursor(context("typescript", "export { fetchBaseQuery } fr‸\n"))
    assert c.level is ConstraintLevel.FILE
    c.start()
    assert c.joins_suffix("om './fetchBaseQuery';")
    assert not c.accepts_text("om('./fetchBaseQuery')")


def test_lazy_check_agrees_with_the_full_mask() -> None:
    c = backend().at_cursor(context("python", "def f(items):\n    return [x for x in ‸\n"))
    tok = c.tokenizer
    mask = np.zeros((tok.vocab_size + 31) // 32, dtype=np.int32)
    c.fill_mask(mask)
    allowed = allowed_from_bitmask(mask, tok.vocab_size)
    sample = np.random.default_rng(0).choice(tok.vocab_size, size=300, replace=False)
    for token in sample:
        if token == tok.eos_id:
            continue
        assert c.is_allowed(int(token)) == bool(allowed[token]), tok.token_bytes[token]
    assert allowed.sum() > 10  # many tokens can start an expression


def test_free_constraint_ends_only_when_complete() -> None:
    import llguidance

    grammar = llguidance.LLMatcher.grammar_from_lark('start: "def " NAME "():" \nNAME: /[a-z]+/')
    c = backend().free_constraint(grammar)
    assert not c.joins_suffix("def f(")
    assert c.joins_suffix("def f():")


def test_a_matcher_fed_from_the_last_request_equals_a_fresh_one() -> None:
    """Typing reuses the matcher that consumed the previous request's prefix (rolled back to what both
    share); its masks must be exactly those of a matcher built from scratch."""
    typed = "def f(items):\n    total = 0\n    for item in items:\n        total += item\n    return tot"
    shared = ConstraintBackend(load_tokenizer(str(default_model_dir() / "tokenizer.json")))
    tok = shared.tokenizer
    for end in range(len(typed) - 40, len(typed) + 1, 7):
        marked = typed[:end] + "‸\n"
        reused = shared.at_cursor(context("python", marked))
        fresh = ConstraintBackend(tok).at_cursor(context("python", marked))
        assert reused.level is fresh.level
        a, b = (np.zeros((tok.vocab_size + 31) // 32, dtype=np.int32) for _ in range(2))
        reused.fill_mask(a)
        fresh.fill_mask(b)
        assert np.array_equal(a, b), marked
