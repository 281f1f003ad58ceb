"""Every grammar against its accept/prefix/reject/block_tail corpus, with llguidance's byte tokenizer.

Grammars are data: adding a file under `grammars/corpora/<language>/<kind>/` adds a case. `accept`
files must parse completely (and tree-sitter must agree they are valid), `prefix` files must never be
refused but must not be complete at the end (a half-typed file), `reject` files must be refused
before their end, `block_tail` files must parse from the grammar's block-tail entry rule.
"""

from __future__ import annotations

import re
from pathlib import Path

import llguidance
import numpy as np
import pytest
from maze_inference.constraint.check import Verdict, byte_tokenizer, check_bytes, corpus_limits
from maze_inference.constraint.grammars import GrammarVariant, compiled_grammar, grammars_dir
from maze_inference.context import detect_indent_unit
from maze_inference.languages import LANGUAGES, Language
from maze_workshop.corpus.grammar_acceptance import reference_accepts

CORPORA = grammars_dir() / "corpora"
KINDS = ("accept", "prefix", "reject", "block_tail")


def _cases() -> list[tuple[Language, str, Path]]:
    cases = []
    for lang in LANGUAGES:
        for kind in KINDS:
            folder = CORPORA / lang.id / kind
            cases += [(lang, kind, p) for p in sorted(folder.glob("*")) if p.is_file()]
    return cases


CASES = _cases()


def _variant(lang: Language, kind: str, path: Path, data: bytes) -> GrammarVariant:
    unit = detect_indent_unit(data.decode("utf-8"))
    if kind != "block_tail":
        return GrammarVariant(lang.grammar, unit)
    if lang.grammar == "python":
        level = re.match(r"(\d+)_", path.name)
        assert level, f"python block_tail files are named <level>_name.py: {path.name}"
        return GrammarVariant(lang.grammar, unit, f"block_tail_{level.group(1)}")
    return GrammarVariant(lang.grammar, unit, "block_tail")


def test_every_language_has_a_corpus() -> None:
    for lang in LANGUAGES:
        for kind in ("accept", "prefix", "reject"):
            assert any(p.is_file() for p in (CORPORA / lang.id / kind).glob("*")), f"no {kind} corpus for {lang.id}"


@pytest.mark.parametrize(("lang", "kind", "path"), CASES, ids=[f"{c[0].id}/{c[1]}/{c[2].name}" for c in CASES])
def test_corpus_file(lang: Language, kind: str, path: Path) -> None:
    data = path.read_bytes()
    result = check_bytes(_variant(lang, kind, path, data), data)
    if kind in ("accept", "block_tail"):
        assert result.verdict is Verdict.ACCEPTED, f"{path}: {result}"
    elif kind == "prefix":
        assert result.verdict is Verdict.PREFIX, f"{path}: {result}"
    else:
        assert result.verdict is Verdict.REJECTED, f"{path} was not rejected"
        assert result.offset is not None and result.offset < len(data)
    if kind == "accept":
        # The language's own reference parser (CPython's ast, `zig ast-check`, tree-sitter) must agree.
        assert reference_accepts(lang.id, data), f"the reference parser rejects {path}: not valid code"


@pytest.mark.parametrize("lang", LANGUAGES, ids=[lang.id for lang in LANGUAGES])
def test_mask_agrees_with_validation(lang: Language) -> None:
    """As llguidance's own tests do: the full mask and `validate_tokens` must agree, byte by byte."""
    accept = sorted(p for p in (CORPORA / lang.id / "accept").glob("*") if p.is_file())
    assert accept
    data = accept[0].read_bytes()[:600]
    grammar = compiled_grammar(GrammarVariant(lang.grammar, detect_indent_unit(data.decode("utf-8", "ignore"))))
    tok = byte_tokenizer()
    matcher = llguidance.LLMatcher(tok, grammar, log_level=0, limits=corpus_limits())
    mask = np.zeros((tok.vocab_size + 31) // 32, dtype=np.int32)
    for index, byte in enumerate(data):
        matcher.unsafe_compute_mask_ptr(mask.ctypes.data, mask.nbytes)
        in_mask = bool((int(mask[byte // 32]) >> (byte % 32)) & 1)
        valid = matcher.validate_tokens([byte]) == 1
        assert in_mask == valid, f"{lang.id}: mask and validate disagree at byte {index} ({bytes([byte])!r})"
        if not valid:
            break
        assert matcher.consume_token(byte), matcher.get_error()


def test_tsjs_grammars_match_their_template() -> None:
    """javascript/typescript/tsx.lark are generated from one template; they must not drift apart."""
    import importlib.util

    script = Path(__file__).resolve().parents[2] / "scripts" / "gen_tsjs_grammars.py"
    spec = importlib.util.spec_from_file_location("gen_tsjs_grammars", script)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    for path, body in module.generated().items():
        assert path.read_text(encoding="utf-8") == body, f"{path.name} differs: run scripts/gen_tsjs_grammars.py"
