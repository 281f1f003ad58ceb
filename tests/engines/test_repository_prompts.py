"""Repository context in prompts: `repo_context` (the one builder) before the file's FIM layout, for the
embedded engine, the vLLM prompt and the service; the plain prompt when the tokenizer has no repository
tokens (a model trained without them, like the first shipped one) or nothing fits. The vLLM engine sends
the local engines' prompt token for token (`engines/prompting.py`), in training's order."""

from __future__ import annotations

import dataclasses

from maze_inference.context import extract_context
from maze_inference.document import Document
from maze_inference.engines.base import CompletionRequest
from maze_inference.engines.embedded import EmbeddedEngine
from maze_inference.engines.local import LoadedModel
from maze_inference.engines.prompting import cursor_prompt
from maze_inference.engines.vllm import VLLMEngine
from maze_inference.languages import get_language
from maze_inference.prompts import ContextFile, FimIds, FimOrder, PromptWindow, fim_layout, repo_context
from maze_inference.workspace.repository import RepositoryContext, context_tokens

PREFIX, SUFFIX = "from shop import pricing\n\ntotal = pricing.", "\n"
REPOSITORY = RepositoryContext("shop", "shop/checkout.py", (
    ContextFile("shop/models.py", "class Cart:\n    def subtotal(self) -> float:\n        ...\n"),
    ContextFile("shop/pricing.py", "def compute_total(amount: float) -> float:\n    ...\n"),
))


def encode(text: str) -> list[int]:
    return [ord(c) for c in text]


def test_context_tokens_keep_the_most_useful_files_that_fit() -> None:
    ids = FimIds(1, 2, 3, FimOrder.SPM, repo_name=4, file_sep=5)
    whole = repo_context(ids, encode, "shop", REPOSITORY.files, "shop/checkout.py")
    assert context_tokens(ids, encode, REPOSITORY, len(whole)) == whole
    last_only = repo_context(ids, encode, "shop", REPOSITORY.files[1:], "shop/checkout.py")
    assert context_tokens(ids, encode, REPOSITORY, len(whole) - 1) == last_only  # the least useful goes first
    assert context_tokens(ids, encode, REPOSITORY, 10) == []
    assert context_tokens(FimIds(1, 2, 3, FimOrder.SPM), encode, REPOSITORY, 10_000) == []  # no repository tokens


class RepoTokenEngine(EmbeddedEngine):
    """The shipped model with two of its tokens standing in for `<|repo_name|>` and `<|file_sep|>`: the
    prompt path of a v2 model, whose tokenizer has them, on the model that is here."""

    def _load_model(self) -> LoadedModel:
        loaded = super()._load_model()
        loaded.fim = dataclasses.replace(loaded.fim, repo_name=loaded.tokenizer.encode("#")[0],
                                         file_sep=loaded.tokenizer.encode("\n")[0])
        return loaded


def _request(repository: RepositoryContext | None) -> CompletionRequest:
    python = get_language("python")
    document = Document(python, PREFIX + SUFFIX)
    context = extract_context(python, document.text, document.tree, len(PREFIX))
    return CompletionRequest(context=context, max_tokens=4, repository=repository)


def _prompt(engine: EmbeddedEngine, loaded: LoadedModel, context, repository: RepositoryContext | None = None,
            max_new: int = 4) -> tuple[list[int], bytes]:
    """The prompt `LocalEngine.complete` sends its model, and the healed bytes."""
    prompt = cursor_prompt(loaded.tokenizer, loaded.fim, context, engine.window, repository, loaded.max_positions,
                           max_new)
    return prompt.ids, prompt.heal


async def test_the_embedded_engine_puts_the_context_before_the_file() -> None:
    engine = RepoTokenEngine()
    loaded = await engine._require_loaded()
    request = _request(REPOSITORY)
    plain, heal = _prompt(engine, loaded, request.context)
    prompt, heal_with = _prompt(engine, loaded, request.context, REPOSITORY)
    head = repo_context(loaded.fim, loaded.tokenizer.encode, "shop", REPOSITORY.files, "shop/checkout.py")
    assert prompt == head + plain and heal_with == heal and head
    with_context = await engine.complete(request)
    without = await engine.complete(_request(None))
    assert with_context.prompt_tokens == without.prompt_tokens + len(head)
    await engine.close()


async def test_the_shipped_model_reads_context_and_a_model_without_repository_tokens_gets_the_plain_prompt() -> None:
    engine = EmbeddedEngine()
    loaded = await engine._require_loaded()
    context = _request(None).context
    plain, heal = _prompt(engine, loaded, context)
    assert loaded.fim.has_repo_tokens  # the shipped model was trained with repository-format examples
    with_context, _ = _prompt(engine, loaded, context, REPOSITORY)
    assert with_context[0] == loaded.fim.repo_name and with_context[-len(plain):] == plain
    without_tokens = dataclasses.replace(loaded, fim=dataclasses.replace(loaded.fim, repo_name=None, file_sep=None))
    assert _prompt(engine, without_tokens, context, REPOSITORY) == (plain, heal)
    await engine.close()


async def test_the_prompt_fits_the_room_the_model_leaves() -> None:
    engine = RepoTokenEngine()
    loaded = await engine._require_loaded()
    context = _request(None).context
    window = PromptWindow(prefix_tokens=32, suffix_tokens=8)
    plain = cursor_prompt(loaded.tokenizer, loaded.fim, context, window, None, 4096, 16).ids
    head = repo_context(loaded.fim, loaded.tokenizer.encode, "shop", REPOSITORY.files, "shop/checkout.py")
    assert cursor_prompt(loaded.tokenizer, loaded.fim, context, window, REPOSITORY, 4096, 16).ids == head + plain
    tight = 32 + 8 + 3 + 16  # room for the whole window and the completion, too little for the context
    assert len(head) > tight - 16 - len(plain)
    assert cursor_prompt(loaded.tokenizer, loaded.fim, context, window, REPOSITORY, tight, 16).ids == plain
    await engine.close()


async def test_the_vllm_engine_sends_the_local_engines_prompt_token_for_token() -> None:
    """The same checkpoint, the same context (repository included): the prompt vLLM is given equals the one the
    embedded engine runs, in training's order (`model.data.encode_plans`: repository context, then the SPM
    layout), with the prefix's last token healed on both paths."""
    from maze_inference.engines.embedded import default_model_dir
    from maze_inference.prompts import FimOrder, prefix_tokens, suffix_tokens

    from tests.fakes import FakeVLLMAsyncLLM, fake_vllm_modules

    local = EmbeddedEngine()
    loaded = await local._require_loaded()
    request = dataclasses.replace(_request(REPOSITORY), max_tokens=8)
    expected, heal = _prompt(local, loaded, request.context, REPOSITORY, max_new=8)
    FakeVLLMAsyncLLM.instances.clear()
    with fake_vllm_modules():
        engine = VLLMEngine(str(default_model_dir()), max_model_len=loaded.max_positions)
        await engine.complete(request)
        sent = FakeVLLMAsyncLLM.instances[0].prompts[0]
        await engine.close()
    assert sent == expected
    tok, ids, context = loaded.tokenizer, loaded.fim, request.context
    assert ids.order is FimOrder.SPM
    prefix = prefix_tokens(tok.encode, context.prefix, context.prefix_start, local.window)
    suffix = suffix_tokens(tok.encode, context.suffix, local.window)
    head = repo_context(ids, tok.encode, "shop", REPOSITORY.files, "shop/checkout.py")
    assert sent == head + fim_layout(ids, prefix[:-1], suffix)
    assert heal == tok.token_bytes[prefix[-1]] and heal
    await local.close()
