"""The one FIM prompt builder (`prompts.py`) that every engine and the trainer use."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from maze_inference.context import extract_context
from maze_inference.document import Document
from maze_inference.engines.embedded import default_model_dir
from maze_inference.engines.prompting import cursor_prompt
from maze_inference.languages import get_language
from maze_inference.prompts import (
    ContextFile,
    FimFormat,
    FimIds,
    FimOrder,
    PromptWindow,
    fim_format_of,
    fim_layout,
    prefix_tokens,
    repo_context,
)
from maze_inference.tokenization import ModelTokenizer, load_tokenizer

BODY = "".join(f"def f{i}(x):\n    return x * {i}\n\n" for i in range(400))


@pytest.fixture(scope="module")
def tokenizer() -> ModelTokenizer:
    return load_tokenizer(str(default_model_dir() / "tokenizer.json"))


def fim_prompt(tok: ModelTokenizer, fim: FimIds, ctx, window: PromptWindow, max_positions: int = 1 << 20) -> list[int]:
    """The prompt every engine sends (`engines/prompting.py`), for a model of `max_positions` positions."""
    return cursor_prompt(tok, fim, ctx, window, None, max_positions, 16).ids


def context(prefix: str, suffix: str):
    lang = get_language("python")
    document = Document(lang, prefix + suffix)
    return extract_context(lang, document.text, document.tree, len(prefix))


def test_spm_and_psm_layouts() -> None:
    spm = FimIds(1, 3, 2, FimOrder.SPM)
    psm = FimIds(1, 3, 2, FimOrder.PSM)
    assert fim_layout(spm, [10, 11], [20]) == [1, 3, 20, 2, 10, 11]  # prefix last: typing appends
    assert fim_layout(psm, [10, 11], [20]) == [1, 10, 11, 3, 20, 2]


def test_the_shipped_model_declares_spm() -> None:
    assert fim_format_of(default_model_dir()).order is FimOrder.SPM
    assert FimFormat(order="spm").order is FimOrder.SPM  # JSON strings become the enum


def test_the_left_edge_stays_while_typing(tokenizer: ModelTokenizer) -> None:
    window = PromptWindow(prefix_tokens=512, suffix_tokens=64, anchor_chars=1024)
    fim = FimIds.resolve(FimFormat(order=FimOrder.SPM), tokenizer.hf.token_to_id)
    before = fim_prompt(tokenizer, fim, context(BODY + "y = f1(", ")\n"), window)
    after = fim_prompt(tokenizer, fim, context(BODY + "y = f1(2", ")\n"), window)
    assert before[:2] == [fim.prefix, fim.suffix] and fim.middle in before
    assert len(before) <= 512 + 64 + 3
    assert after[: len(before) - 2] == before[:-2]  # SPM: everything up to the cursor's last tokens is shared


def test_the_prompt_does_not_depend_on_earlier_requests(tokenizer: ModelTokenizer) -> None:
    """The edge is a function of the cursor's offset alone: same request, same prompt, whatever ran before."""
    window = PromptWindow(prefix_tokens=200, suffix_tokens=32, anchor_chars=256)
    ctx = context(BODY + "y = f1(", ")\n")
    first = prefix_tokens(tokenizer.encode, ctx.prefix, ctx.prefix_start, window)
    prefix_tokens(tokenizer.encode, ctx.prefix[:5000], ctx.prefix_start, window)  # another position in between
    assert prefix_tokens(tokenizer.encode, ctx.prefix, ctx.prefix_start, window) == first
    assert len(first) <= 200


def test_a_short_context_model_gets_a_shrunk_window(tokenizer: ModelTokenizer) -> None:
    window = PromptWindow(2048, 512, 2048).fitted(1024 - 16)
    fim = FimIds.resolve(FimFormat(), tokenizer.hf.token_to_id)
    prompt = fim_prompt(tokenizer, fim, context(BODY + "y = f1(", ")\n" + BODY), PromptWindow(2048, 512, 2048), 1024)
    assert len(prompt) <= 1024 - 16
    assert window.prefix_tokens > 4 * window.suffix_tokens - 8  # the proportions are kept
    assert PromptWindow().fitted(100_000) == PromptWindow()


def test_repository_context_comes_first_in_qwen_format(tmp_path: Path) -> None:
    vocab = {"<|repo_name|>": 0, "<|file_sep|>": 1, "<|fim_prefix|>": 2, "<|fim_suffix|>": 3, "<|fim_middle|>": 4}
    ids = FimIds.resolve(FimFormat(), vocab.get)

    def encode(text: str) -> list[int]:
        return [100 + ord(c) for c in text]

    files = [ContextFile("pkg/pricing.py", "def price(): ...")]
    out = repo_context(ids, encode, "shop", files, "pkg/cart.py")
    decoded = "".join({0: "<R>", 1: "<F>"}[t] if t < 100 else chr(t - 100) for t in out)
    assert decoded == "<R>shop\n<F>pkg/pricing.py\ndef price(): ...\n<F>pkg/cart.py\n"
    assert repo_context(ids, encode, "shop", [], "pkg/cart.py") == []  # nothing to show: the plain FIM prompt
    no_repo_tokens = FimIds.resolve(FimFormat(), {k: v for k, v in vocab.items() if "fim" in k}.get)
    assert repo_context(no_repo_tokens, encode, "shop", files, "pkg/cart.py") == []
    (tmp_path / "maze_model.json").write_text(json.dumps({"fim": {"order": "spm"}}))
    assert fim_format_of(tmp_path).order is FimOrder.SPM
