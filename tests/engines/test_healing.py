"""Token healing (`healing.py`), shared by the local decoder and the vLLM processor: the bisection index and
the mask shortcut give what a pass over the whole vocabulary gives, on the shipped tokenizer and grammars."""

from __future__ import annotations

import numpy as np
import pytest
from maze_inference.constraint.cursor import ConstraintBackend
from maze_inference.context import extract_context
from maze_inference.decode_run import DecodeRun, DecodeSettings
from maze_inference.document import Document
from maze_inference.engines.embedded import default_model_dir
from maze_inference.healing import healed_bytes
from maze_inference.languages import get_language
from maze_inference.tokenization import ModelTokenizer, load_tokenizer


@pytest.fixture(scope="module")
def tok() -> ModelTokenizer:
    return load_tokenizer(str(default_model_dir() / "tokenizer.json"))


def test_healed_bytes() -> None:
    assert healed_bytes(b"print", b"") == b"print"
    assert healed_bytes(b"pr", b"pri") == b""  # part of the heal: nothing added yet
    assert healed_bytes(b"print", b"pri") == b"nt"
    assert healed_bytes(b"pri", b"pri") == b""
    assert healed_bytes(b"pop", b"pri") is None
    assert healed_bytes(b"", b"pri") is None  # a special token never heals


@pytest.mark.parametrize("heal", [b"    ", b"pri", b"(", b" =", b"\n        ", b"self"])
def test_the_candidates_are_every_token_healing_allows(tok: ModelTokenizer, heal: bytes) -> None:
    expected = sorted(t for t in range(tok.vocab_size) if healed_bytes(tok.token_bytes[t], heal) is not None)
    assert sorted(tok.heal_index.candidates(heal)) == expected and expected


CURSORS = [  # (language, prefix, suffix): the prefix's last token is the heal
    ("python", "def f(values):\n    total = 0\n    for v in values:\n        ", "\n    return total\n"),
    ("python", "import sys\n\ndef main():\n    pri", "\n"),
    ("typescript", "function area(w: number, h: number): number {\n  return w *", ";\n}\n"),
    ("rust", "fn total(xs: &[i32]) -> i32 {\n    let mut sum = 0;\n    for x in xs {\n        sum +", "\n    }\n    sum\n}\n"),
    ("go", "package main\n\nfunc max(a, b int) int {\n\tif a > b {\n\t\treturn a\n\t}\n\treturn (", "\n}\n"),
]


@pytest.mark.parametrize(("language", "prefix", "suffix"), CURSORS)
def test_the_mask_shortcut_matches_asking_the_grammar_token_by_token(tok: ModelTokenizer, language: str, prefix: str,
                                                                     suffix: str) -> None:
    """`HealIndex.allowed` judges a one-token remainder by the grammar's mask bit: the same tokens as
    `DecodeRun.allowed` (the grammar asked for each candidate's text) over the whole vocabulary."""
    lang = get_language(language)
    document = Document(lang, prefix + suffix)
    context = extract_context(lang, document.text, document.tree, len(prefix))
    constraint = ConstraintBackend(tok).at_cursor(context)
    assert constraint.active
    constraint.start()
    heal = tok.token_bytes[tok.encode(prefix)[-1]]
    run = DecodeRun(tok, constraint, DecodeSettings(heal=heal))
    grammar = np.zeros((tok.vocab_size + 31) // 32, dtype=np.int32)
    constraint.fill_mask(grammar)
    fast = sorted(run.heal_choices(grammar))
    slow = sorted(t for t in range(tok.vocab_size) if t != tok.eos_id and run.allowed(t))
    assert fast == slow and len(slow) > 1
    logits = np.zeros(tok.vocab_size, dtype=np.float32)
    run.full_mask(logits)  # the local decoder's mask while healing is the same set
    assert sorted(np.flatnonzero(np.isfinite(logits)).tolist()) == slow
