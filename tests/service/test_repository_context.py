"""The remote engine carries repository context to the service, which builds the prompt with it."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from fastapi import FastAPI
from maze_inference.client import MazeClient
from maze_inference.document import Document
from maze_inference.engines.remote import RemoteEngine
from maze_inference.languages import get_language
from maze_inference.pipeline import CompletionSettings, complete_at

from tests.engines.test_repository_prompts import PREFIX, REPOSITORY, SUFFIX, RepoTokenEngine


async def test_the_remote_engine_sends_the_context_and_the_service_builds_the_prompt(
        make_app: Callable[..., FastAPI]) -> None:
    app = make_app(RepoTokenEngine())
    remote = RemoteEngine("http://maze.test", client=MazeClient("http://maze.test", transport=httpx.ASGITransport(app=app)),
                          timeout_s=30.0)
    python = get_language("python")
    document = Document(python, PREFIX + SUFFIX)
    text, source, tree, _ = document.snapshot()
    settings = CompletionSettings(max_tokens=4, timeout_s=30.0, fallback=False)
    plain = await complete_at(remote, python, text, source, tree, len(PREFIX), settings)
    with_context = await complete_at(remote, python, text, source, tree, len(PREFIX), settings, repository=REPOSITORY)
    assert plain.result is not None and with_context.result is not None
    assert with_context.result.prompt_tokens > plain.result.prompt_tokens + 20
    await remote.close()
