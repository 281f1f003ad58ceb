"""`RemoteEngine`: the Engine protocol over HTTP, against the real app (in-process and over a socket)."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import llguidance
import pytest
from fastapi import FastAPI
from maze_inference.client import MazeClient
from maze_inference.document import Document
from maze_inference.engines import EngineSettings, create_engine
from maze_inference.engines.base import CompletionRequest, Engine, GenerateRequest
from maze_inference.engines.remote import RemoteEngine
from maze_inference.errors import EngineUnavailable
from maze_inference.languages import get_language
from maze_inference.pipeline import CompletionSettings, complete_at

from tests.service.conftest import free_port, serve_in_thread
from tests.service.seed import assert_insertion_keeps_parse, lark

PREFIX, SUFFIX = "fn main() {\n    let total = ", ";\n}\n"


def remote_over_asgi(app: FastAPI) -> RemoteEngine:
    client = MazeClient("http://maze.test", transport=httpx.ASGITransport(app=app))
    return RemoteEngine("http://maze.test", client=client, timeout_s=30.0)


async def test_is_an_engine_built_by_the_factory() -> None:
    engine = create_engine(EngineSettings(engine="remote", endpoint="http://127.0.0.1:1", timeout_s=1.0))
    assert isinstance(engine, RemoteEngine) and isinstance(engine, Engine)
    assert not engine.ready
    await engine.close()


async def test_complete_through_complete_at(make_app: Callable[..., FastAPI]) -> None:
    """The language server's path: `complete_at` with the remote engine, checked again locally."""
    engine = remote_over_asgi(make_app())
    await engine.load()
    assert engine.ready and "at http://maze.test" in engine.model_name
    rust = get_language("rust")
    document = Document(rust, PREFIX + SUFFIX)
    text, source, tree, _ = document.snapshot()
    completion = await complete_at(engine, rust, text, source, tree, len(PREFIX),
                                   CompletionSettings(max_tokens=16, timeout_s=30.0))
    result = completion.result
    assert result is not None and result.level == "file" and result.engine == "remote:embedded"
    assert result.completion_tokens > 0 and result.timings.decode_ms > 0
    assert_insertion_keeps_parse("rust", PREFIX, completion.text, SUFFIX)
    await engine.close()


async def test_generate_sends_the_llguidance_grammar(make_app: Callable[..., FastAPI]) -> None:
    engine = remote_over_asgi(make_app())
    grammar = llguidance.LLMatcher.grammar_from_lark(lark(r'"const " NAME " = " NUM ";\n"'))
    result = await engine.generate(GenerateRequest(prompt="// x\n", grammar=grammar, max_tokens=32))
    assert result.finish_reason == "stop" and result.text.startswith("const ") and result.text.endswith(";\n")
    unconstrained = await engine.generate(GenerateRequest(prompt="// x\n", grammar=None, max_tokens=4))
    assert unconstrained.completion_tokens <= 4
    await engine.close()


async def test_token_comes_from_the_named_env_var(make_app: Callable[..., FastAPI],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app(api_key="t0ken")
    context_request = _request()
    with serve_in_thread(app) as url:
        monkeypatch.setenv("MAZE_TEST_TOKEN", "t0ken")
        engine = RemoteEngine(url, token_env="MAZE_TEST_TOKEN", timeout_s=30.0)
        await engine.load()
        result = await engine.complete(context_request)
        assert result.level == "file"
        await engine.close()

        monkeypatch.delenv("MAZE_TEST_TOKEN")
        anonymous = RemoteEngine(url, token_env="MAZE_TEST_TOKEN", timeout_s=30.0)
        await anonymous.load()  # /health is open
        with pytest.raises(EngineUnavailable, match="refused the token"):
            await anonymous.complete(context_request)
        await anonymous.close()


async def test_unreachable_endpoint_fails_to_load() -> None:
    engine = RemoteEngine(f"http://127.0.0.1:{free_port()}", timeout_s=0.5)
    with pytest.raises(EngineUnavailable):
        await engine.load()
    assert not engine.ready
    await engine.close()


def _request() -> CompletionRequest:
    from maze_inference.context import extract_context

    rust = get_language("rust")
    document = Document(rust, PREFIX + SUFFIX)
    context = extract_context(rust, document.text, document.tree, len(PREFIX))
    return CompletionRequest(context=context, max_tokens=8, deadline=CompletionRequest.deadline_in(30.0))
