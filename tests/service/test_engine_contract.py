"""The `Engine` protocol's contract, passed by every engine: the embedded model, the remote engine
against a real `maze serve` on loopback, the vLLM frontend over a stand-in AsyncLLM (vLLM cannot run
on these CPUs: the stand-in is `tests.fakes.FakeVLLMAsyncLLM`), and the Transformers engine where
torch is installed (the `transformers` extra; not in the default test install)."""

from __future__ import annotations

import asyncio
import importlib.util
from collections.abc import AsyncIterator, Awaitable, Callable

import llguidance
import pytest
from maze_inference.constraint.cursor import ConstraintLevel
from maze_inference.context import extract_context
from maze_inference.decoding import FinishReason
from maze_inference.document import Document
from maze_inference.engines.base import (
    CompletionRequest,
    CompletionResult,
    Engine,
    GenerateRequest,
    GenerateResult,
)
from maze_inference.engines.embedded import EmbeddedEngine
from maze_inference.engines.remote import RemoteEngine
from maze_inference.languages import get_language

from tests.service.conftest import Live, require_model

GRAMMAR = 'start: "x = " NUMBER "\\n"\nNUMBER: /[1-9][0-9]{0,2}/'


def _request() -> CompletionRequest:
    lang = get_language("python")
    prefix, suffix = "def add(a, b):\n    return a + ", "\n"
    doc = Document(lang, prefix + suffix)
    return CompletionRequest(context=extract_context(lang, doc.text, doc.tree, len(prefix)), max_tokens=8)


async def _embedded(_live: Live) -> AsyncIterator[Engine]:
    yield EmbeddedEngine(require_model())


async def _remote(live: Live) -> AsyncIterator[Engine]:
    yield RemoteEngine(live.url, timeout_s=30.0)


async def _vllm(_live: Live) -> AsyncIterator[Engine]:
    from maze_inference.engines.vllm import VLLMEngine

    from tests.fakes import FakeVLLMAsyncLLM, fake_vllm_modules

    FakeVLLMAsyncLLM.instances.clear()
    with fake_vllm_modules():
        yield VLLMEngine(str(require_model()), max_model_len=2048)


async def _transformers(_live: Live) -> AsyncIterator[Engine]:
    if importlib.util.find_spec("torch") is None or importlib.util.find_spec("transformers") is None:
        pytest.skip("the transformers engine needs torch (`pip install 'maze-lsp[transformers]'`), not in the test install")
    from maze_inference.engines.transformers import TransformersEngine

    yield TransformersEngine(require_model())


ENGINES: dict[str, Callable[[Live], AsyncIterator[Engine]]] = {
    "embedded": _embedded, "remote": _remote, "vllm": _vllm, "transformers": _transformers,
}


@pytest.fixture(params=list(ENGINES))
async def engine(request: pytest.FixtureRequest, live: Live) -> AsyncIterator[Engine]:
    factory = ENGINES[request.param](live)
    built = await anext(factory)
    try:
        yield built
    finally:
        await built.close()
        await factory.aclose()


async def test_load_makes_it_ready(engine: Engine) -> None:
    assert isinstance(engine, Engine)
    await engine.load()
    assert engine.ready and isinstance(engine.name, str) and engine.model_name


async def test_complete_returns_typed_results(engine: Engine) -> None:
    result = await engine.complete(_request())
    assert isinstance(result, CompletionResult) and isinstance(result.text, str)
    assert isinstance(result.finish_reason, FinishReason) and isinstance(result.level, ConstraintLevel)
    assert 0 < result.prompt_tokens and result.completion_tokens <= 8
    assert all(0 < point < len(result.text) for point in result.join_points)


async def test_generate_follows_the_grammar_and_streams_the_same_text(engine: Engine) -> None:
    grammar = llguidance.LLMatcher.grammar_from_lark(GRAMMAR)
    result = await engine.generate(GenerateRequest(prompt="# a number\n", grammar=grammar, max_tokens=16))
    assert isinstance(result, GenerateResult) and isinstance(result.finish_reason, FinishReason)
    assert result.finish_reason is FinishReason.STOP and result.text.startswith("x = ")
    items = [item async for item in engine.generate_stream(
        GenerateRequest(prompt="# a number\n", grammar=grammar, max_tokens=16))]
    final = items[-1]
    assert isinstance(final, GenerateResult) and all(isinstance(item, str) for item in items[:-1])
    assert "".join(items[:-1]) == final.text


async def test_a_cancelled_request_leaves_the_engine_usable(engine: Engine) -> None:
    await engine.load()
    task: asyncio.Task[CompletionResult] = asyncio.create_task(engine.complete(_request()))
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    again: Awaitable[CompletionResult] = engine.complete(_request())
    assert isinstance(await asyncio.wait_for(again, 60), CompletionResult)
