"""The vLLM processor's rows under the local decoder's rules (`decode_run.py`), without a GPU.

Real tokenizer, grammars and llguidance; the rows are fed tokens as vLLM's persistent batch would give
them. What each mask allows is compared with what the local loop's own state (`DecodeRun`) allows.
"""

from __future__ import annotations

import numpy as np
import pytest
from maze_inference.constraint.cursor import ConstraintBackend, ConstraintLevel
from maze_inference.endings import loop_at_end
from maze_inference.engines.vllm import ConstrainedBatch, allowed_tokens, cursor_args
from maze_inference.tokenization import ModelTokenizer, load_tokenizer

from tests.service.conftest import require_model
from tests.service.test_vllm_engine import context


@pytest.fixture(scope="module")
def tok() -> ModelTokenizer:
    return load_tokenizer(str(require_model() / "tokenizer.json"))


class Rows:
    """One `ConstrainedBatch` and the output lists vLLM would hand it."""

    def __init__(self, tok: ModelTokenizer) -> None:
        self.tok = tok
        self.batch = ConstrainedBatch(ConstraintBackend(tok), [tok.eos_id])
        self.outputs: list[list[int]] = []

    def add(self, extra_args: dict) -> list[int]:
        output: list[int] = []
        self.batch.add(len(self.outputs), extra_args, output)
        self.outputs.append(output)
        return output

    def masks(self) -> tuple[int, np.ndarray, np.ndarray]:
        n = len(self.outputs)
        out = np.zeros((n, self.batch.words), dtype=np.int32)
        first_only = np.zeros_like(out)
        used = self.batch.fill(n, out, first_only)
        return used, out, first_only

    def allowed(self, row: int = 0) -> set[int]:
        used, out, _ = self.masks()
        assert used > row
        return set(np.flatnonzero(allowed_tokens(out[row], self.tok.vocab_size)).tolist())


HEALED = [  # (language, prefix, suffix, what the completion writes after the heal)
    ("python", "def f(values):\n    total = 0\n    for v in values:\n        ", "\n    return total\n", "total"),
    ("typescript", "function area(w: number, h: number): number {\n  const a = ", ";\n  return a;\n}\n", "w"),
    ("rust", "fn main() {\n    let v = vec![1, 2];\n    v.it", "\n}\n", "er()"),
    ("go", "package main\n\nfunc f(n int) int {\n\treturn (", "\n}\n", "n"),
]


@pytest.mark.parametrize(("language", "prefix", "suffix", "after"), HEALED)
def test_a_healing_row_allows_what_the_local_loop_allows(tok: ModelTokenizer, language: str, prefix: str,
                                                         suffix: str, after: str) -> None:
    """The processor judges healing tokens with one mask of the grammar before the healed bytes; the local
    loop asks the grammar at the cursor about each token's text: the same tokens."""
    ctx = context(language, prefix, suffix)
    heal = tok.token_bytes[tok.encode(ctx.prefix)[-1]]
    rows = Rows(tok)
    output = rows.add(cursor_args(ctx, ConstraintLevel.FILE, heal=heal))
    row = rows.batch.rows[0]
    assert row.pre_heal is not None
    grammar = np.zeros(rows.batch.words, dtype=np.int32)
    row.run.constraint.fill_mask(grammar)  # type: ignore[union-attr]
    allowed = rows.allowed()
    assert allowed == set(row.run.heal_choices(grammar)) and tok.eos_id not in allowed and len(allowed) > 1
    output.extend(tok.encode(heal.decode() + after))  # the heal reproduced, then the completion's own text
    rows.masks()
    assert not row.run.heal and row.run.text == after and row.pre_heal is None


def test_an_unconstrained_row_is_masked_only_while_it_heals(tok: ModelTokenizer) -> None:
    ctx = context("python", "import sys\n\ndef main():\n    pri", "\n")
    heal = tok.token_bytes[tok.encode(ctx.prefix)[-1]]
    rows = Rows(tok)
    output = rows.add(cursor_args(ctx, ConstraintLevel.NONE, heal=heal, constrained=False))
    allowed = rows.allowed()
    assert heal == b" pri" and tok.encode(" print")[0] in allowed and tok.encode(" if")[0] not in allowed
    assert all(tok.token_bytes[t].startswith(heal) or heal.startswith(tok.token_bytes[t]) for t in allowed)
    output.extend(tok.encode(heal.decode() + "nt"))
    assert rows.masks()[0] == 0  # healed: nothing left to mask for an unconstrained row


def test_a_line_end_that_joins_ends_the_row(tok: ModelTokenizer) -> None:
    rows = Rows(tok)
    ctx = context("python", "def f(a, b):\n    return ", "\n\nprint(f(1, 2))\n", "line")
    output = rows.add(cursor_args(ctx, ConstraintLevel.FILE))
    output.extend(tok.encode("a + b"))
    assert len(rows.allowed()) > 2
    output.extend(tok.encode("\n"))
    assert rows.allowed() == {tok.eos_id}


def test_a_repeated_line_ends_the_row(tok: ModelTokenizer) -> None:
    """The loop guard: a line three times over, with a join point before it, ends the completion."""
    rows = Rows(tok)
    ctx = context("python", "def f(xs):\n    out = []\n    ", "\n    return out\n", "block")
    output = rows.add(cursor_args(ctx, ConstraintLevel.FILE))
    run = rows.batch.rows[0].run
    for _ in range(6):
        assert len(rows.allowed()) > 2
        output.extend(tok.encode("out.append(1)\n    "))
        rows.masks()
        if loop_at_end(run.text) is not None:
            break
    assert loop_at_end(run.text) is not None and rows.allowed() == {tok.eos_id}


@pytest.mark.parametrize(("prefix", "suffix", "token"), [
    # `))` before the editor's `)`: the grammar refuses it; the local loop ends there (the suffix re-typed)
    ("def f(values):\n    total = sum(values", ")\n    return total\n", "))"),
    # a line end after `if x` does not join, but `:` + newline may: the local loop judges it by its text
    ("def f(x):\n    if x", "\n        return 1\n    return 0\n", ":\n"),
], ids=["re-typed suffix", "line end"])
def test_first_choice_only_tokens(tok: ModelTokenizer, prefix: str, suffix: str, token: str) -> None:
    """Tokens the grammar mask refuses but the local loop would take, or end with, as the model's first choice."""
    rows = Rows(tok)
    rows.add(cursor_args(context("python", prefix, suffix, "line"), ConstraintLevel.FILE))
    _used, out, first_only = rows.masks()
    ids = tok.encode(token)
    assert len(ids) == 1
    assert not allowed_tokens(out[0], tok.vocab_size)[ids[0]]
    assert allowed_tokens(first_only[0], tok.vocab_size)[ids[0]] and rows.batch.first_only_used


def test_bans_and_resumed_tokens(tok: ModelTokenizer) -> None:
    rows = Rows(tok)
    ctx = context("python", "def f(a, b):\n    return ", "\n", "line")
    first = tok.encode("a")[0]
    rows.add(cursor_args(ctx, ConstraintLevel.FILE, bans={0: {first}}))
    assert first not in rows.allowed()
    done = tok.encode("a +")
    rows.add(cursor_args(ctx, ConstraintLevel.FILE, resume=done, bans={len(done): {tok.encode(" b")[0]}}))
    assert rows.batch.rows[1].run.ids == done  # the resumed row picks up where the completion stands
    allowed = rows.allowed(1)
    assert tok.encode(" b")[0] not in allowed and tok.encode(" a")[0] in allowed and tok.eos_id not in allowed


def test_the_torch_layer_takes_a_first_choice_only_token_only_as_the_first_choice(tok: ModelTokenizer) -> None:
    torch = pytest.importorskip("torch", reason="the torch layer needs torch (the vllm extra installs it)")
    from maze_inference.engines.vllm import processor as module

    from tests.fakes import FakeVLLMBatchUpdate, FakeVLLMSamplingParams, fake_vllm_config, fake_vllm_modules

    ctx = context("python", "def f(values):\n    total = sum(values", ")\n    return total\n", "line")
    close = tok.encode("))")[0]
    with fake_vllm_modules():
        processor = module._build_processor_class()(fake_vllm_config(str(require_model()), tok.eos_id),
                                                     torch.device("cpu"), False)
        outputs: list[list[int]] = [[], []]
        processor.update_state(FakeVLLMBatchUpdate(2, [], [
            (i, FakeVLLMSamplingParams(cursor_args(ctx, ConstraintLevel.FILE)), [1], outputs[i]) for i in range(2)
        ], []))
        logits = torch.zeros(2, tok.vocab_size)
        logits[0, close] = 10.0  # row 0: the model's first choice re-types the editor's `)`
        logits[1, close] = 10.0
        logits[1, tok.encode(" +")[0]] = 20.0  # row 1: something else comes first
        result = processor.apply(logits)
    assert torch.isfinite(result[0, close]) and int(result[0].argmax()) == close
    assert not torch.isfinite(result[1, close])
