"""Auth, limits and errors of the HTTP API: the real app through `httpx.ASGITransport`, the real client.

Raw httpx asserts statuses and bodies; `MazeClient` asserts what the language server would see
(the maze error tree, never an httpx type).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from maze_inference.engines.embedded import EmbeddedEngine
from maze_inference.errors import EngineTimeout, EngineUnavailable, GrammarError
from maze_inference.service.request_grammars import GrammarChecker

from tests.service.conftest import asgi_client
from tests.service.seed import lark

KEY = "k3y-for-tests-only"
PY = {"prefix": "def f(a):\n    return ", "suffix": "\n", "language": "python", "max_tokens": 8}


def raw(app: FastAPI, token: str | None = None) -> httpx.AsyncClient:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://maze.test", headers=headers)


def assert_error(response: httpx.Response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error", "message"} and body["error"] == code and body["message"]
    return body


# ---- 401 ----------------------------------------------------------------------------------------


async def test_bearer_auth(make_app: Callable[..., FastAPI]) -> None:
    app = make_app(api_key=KEY)
    async with raw(app) as anonymous, raw(app, "wrong") as wrong, raw(app, KEY) as right:
        assert_error(await anonymous.post("/v1/complete", json=PY), 401, "unauthorized")
        response = await wrong.post("/v1/complete", json=PY)
        assert_error(response, 401, "unauthorized")
        assert response.headers["www-authenticate"] == "Bearer"
        assert_error(await anonymous.get("/metrics"), 401, "unauthorized")
        assert (await right.post("/v1/complete", json=PY)).status_code == 200
        for open_path in ("/health", "/docs", "/openapi.json"):
            assert (await anonymous.get(open_path)).status_code == 200, open_path


async def test_401_before_reading_the_body(make_app: Callable[..., FastAPI]) -> None:
    app = make_app(api_key=KEY, max_body_bytes=1024)
    async with raw(app) as anonymous:
        assert_error(await anonymous.post("/v1/complete", content=b"x" * 4096), 401, "unauthorized")


async def test_client_reports_a_refused_token_as_unavailable(make_app: Callable[..., FastAPI]) -> None:
    client = asgi_client(make_app(api_key=KEY), token="wrong", retries=0)
    with pytest.raises(EngineUnavailable, match="refused the token") as caught:
        await client.complete(PY)
    assert not isinstance(caught.value.__cause__, httpx.HTTPError)
    await client.aclose()


# ---- 413 ----------------------------------------------------------------------------------------


async def test_body_over_the_limit(make_app: Callable[..., FastAPI]) -> None:
    app = make_app(max_body_bytes=4096)
    async with raw(app) as http:
        body = {**PY, "prefix": "x" * 5000}
        assert_error(await http.post("/v1/complete", json=body), 413, "payload_too_large")

        async def chunks():  # no Content-Length: the limit is enforced while reading
            for _ in range(10):
                yield b" " * 1000

        assert_error(await http.post("/v1/complete", content=chunks(),
                                     headers={"content-type": "application/json"}), 413, "payload_too_large")

        async def small():
            yield json.dumps(PY).encode()

        assert (await http.post("/v1/complete", content=small(),
                                headers={"content-type": "application/json"})).status_code == 200


async def test_grammar_over_its_size_limit(make_app: Callable[..., FastAPI]) -> None:
    app = make_app(grammar_max_bytes=256)
    async with raw(app) as http:
        grammar = "start: " + " | ".join(f'"w{i}"' for i in range(100))
        body = assert_error(await http.post("/v1/generate", json={"prompt": "x", "grammar": grammar}),
                            413, "payload_too_large")
        assert "256" in body["message"]


# ---- 422 ----------------------------------------------------------------------------------------


async def test_max_tokens_is_bounded(make_app: Callable[..., FastAPI]) -> None:
    app = make_app(max_tokens=64)
    async with raw(app) as http:
        body = assert_error(await http.post("/v1/complete", json={**PY, "max_tokens": 10_000}), 422, "invalid_request")
        assert body["message"].startswith("max_tokens")
        body = assert_error(await http.post("/v1/complete", json={**PY, "max_tokens": 65}), 422, "invalid_request")
        assert "64" in body["message"]
        assert_error(await http.post("/v1/complete", json={**PY, "surprise": 1}), 422, "invalid_request")
        assert_error(await http.post("/v1/generate", json={"prompt": "x", "grammar": "start: \"a\"",
                                                           "json_schema": {}}), 422, "invalid_request")
        assert_error(await http.post("/v1/complete", content=b"{not json",
                                     headers={"content-type": "application/json"}), 422, "invalid_request")
    client = asgi_client(app, retries=2)
    with pytest.raises(EngineUnavailable, match="HTTP 422"):
        await client.complete({**PY, "max_tokens": 65})
    await client.aclose()
    async with raw(app) as http:  # 4xx is not retried: one request reached the app
        metrics = (await http.get("/metrics")).text
        assert 'maze_requests_total{route="/v1/complete",status="422"} 5.0' in metrics  # 4 above + 1 from the client


# ---- 400 ----------------------------------------------------------------------------------------


async def test_invalid_grammar_and_schema(make_app: Callable[..., FastAPI]) -> None:
    app = make_app()
    async with raw(app) as http:
        body = assert_error(await http.post("/v1/generate", json={"prompt": "x", "grammar": "start: (\n"}),
                            400, "invalid_grammar")
        assert body["message"].startswith("lark: ")
        body = assert_error(await http.post("/v1/generate", json={"prompt": "x", "json_schema": {"type": "nonsense"}}),
                            400, "invalid_grammar")
        assert "nonsense" in body["message"]
        assert_error(await http.post("/v1/generate", json={"prompt": "x", "json_schema": "{not json"}),
                     400, "invalid_grammar")
    client = asgi_client(app)
    with pytest.raises(GrammarError, match="unknown name"):
        await client.generate({"prompt": "x", "grammar": "start: missing_rule\n"})
    await client.aclose()


async def test_unsupported_language_names_the_supported_ones(make_app: Callable[..., FastAPI]) -> None:
    app = make_app()
    async with raw(app) as http:
        for path, body in (("/v1/complete", {**PY, "language": "cobol"}),
                           ("/v1/generate", {"prompt": "x", "language": "cobol"})):
            message = assert_error(await http.post(path, json=body), 400, "unsupported_language")["message"]
            assert "cobol" in message and "python" in message and "zig" in message


async def test_a_grammar_that_overruns_its_budget_is_refused_and_its_worker_replaced() -> None:
    checker = GrammarChecker(max_bytes=1 << 20, timeout_s=0.2)
    hostile = "start: " + " | ".join(f'"k{i}"' for i in range(20_000))  # ~1.5 s to compile
    try:
        with pytest.raises(GrammarError, match=r"did not compile within 0\.2 s"):
            await checker.check("lark", hostile)
        grammar = await checker.check("lark", 'start: "ok"\n')
        assert grammar.kind == "lark" and "ok" in (grammar.grammar or "")
        again = await checker.check("lark", 'start: "ok"\n')  # cached: no second round trip
        assert again == grammar and checker.compiles == 2
    finally:
        checker.close()


# ---- 503 / 504 ----------------------------------------------------------------------------------


async def test_no_engine_ready_is_503_and_retried(make_app: Callable[..., FastAPI], tmp_path: Path) -> None:
    app = make_app(EmbeddedEngine(tmp_path / "no-model"))
    async with raw(app) as http:
        response = await http.post("/v1/complete", json=PY)
        body = assert_error(response, 503, "engine_unavailable")
        assert "no model" in body["message"] and response.headers["retry-after"] == "1"
        health = (await http.get("/health")).json()
        assert health["status"] == "unavailable" and health["warm"] is False and "no model" in health["message"]
    client = asgi_client(app, retries=2, backoff_s=0.01)
    with pytest.raises(EngineUnavailable, match="HTTP 503"):
        await client.complete(PY)
    await client.aclose()
    async with raw(app) as http:
        metrics = (await http.get("/metrics")).text
        assert 'maze_requests_total{route="/v1/complete",status="503"} 4.0' in metrics  # 1 + 1 try + 2 retries


async def test_deadline_is_504(make_app: Callable[..., FastAPI]) -> None:
    app = make_app()
    client = asgi_client(app, retries=0)
    await client.complete(PY)  # load the model first: a cold engine would be a 503
    async with raw(app) as http:
        assert_error(await http.post("/v1/complete", json={**PY, "max_tokens": 64, "timeout_ms": 1}),
                     504, "deadline_exceeded")
        assert_error(await http.post("/v1/generate", json={"prompt": "x", "language": "python", "max_tokens": 64,
                                                           "timeout_ms": 1}), 504, "deadline_exceeded")
    with pytest.raises(EngineTimeout):
        await client.complete({**PY, "timeout_ms": 1})
    await client.aclose()


# ---- other HTTP behaviour -----------------------------------------------------------------------


async def test_unknown_route_has_the_same_error_shape(make_app: Callable[..., FastAPI]) -> None:
    async with raw(make_app()) as http:
        assert_error(await http.get("/v2/nothing"), 404, "not_found")
        assert_error(await http.get("/v1/complete"), 405, "method_not_allowed")


async def test_cors_is_closed_by_default(make_app: Callable[..., FastAPI]) -> None:
    preflight = {"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
    async with raw(make_app()) as http:
        response = await http.options("/v1/complete", headers=preflight)
        assert "access-control-allow-origin" not in response.headers
    async with raw(make_app(cors_origins=("https://ide.example",))) as http:
        response = await http.options("/v1/complete", headers={**preflight, "Origin": "https://ide.example"})
        assert response.headers["access-control-allow-origin"] == "https://ide.example"
        response = await http.options("/v1/complete", headers=preflight)
        assert "access-control-allow-origin" not in response.headers


async def test_streaming(make_app: Callable[..., FastAPI]) -> None:
    async with raw(make_app()) as http:
        response = await http.post("/v1/generate", json={"prompt": "# x\n", "language": "python", "stream": True,
                                                         "grammar": lark(r'NAME " = " NUM "\n"'), "max_tokens": 16})
        assert response.headers["content-type"].startswith("text/event-stream")
        events = [(block.split("\n")[0], json.loads(block.split("\n")[1][len("data: "):]))
                  for block in response.text.strip().split("\n\n")]
        assert [name for name, _ in events] == ["event: delta", "event: done"]
        assert events[0][1]["text"] == events[1][1]["text"] and events[1][1]["validation"]["valid"]
        response = await http.post("/v1/complete", json={**PY, "stream": True})
        names = [block.split("\n")[0] for block in response.text.strip().split("\n\n")]
        assert names[-1] == "event: done" and set(names) <= {"event: delta", "event: done"}
        # Errors that can be known before streaming are statuses, not events.
        assert_error(await http.post("/v1/complete", json={**PY, "language": "cobol", "stream": True}),
                     400, "unsupported_language")


async def test_logs_carry_neither_code_nor_secrets(make_app: Callable[..., FastAPI],
                                                   caplog: pytest.LogCaptureFixture) -> None:
    secret_code = "def very_secret_function_name(a):\n    return "
    caplog.set_level(logging.DEBUG)
    app = make_app(api_key=KEY)
    async with raw(app, KEY) as http:
        assert (await http.post("/v1/complete", json={**PY, "prefix": secret_code})).status_code == 200
        bad = {**PY, "prefix": secret_code, "language": "cobol"}
        assert (await http.post("/v1/complete", json=bad)).status_code == 400
    async with raw(app, "not-" + KEY) as http:
        assert (await http.post("/v1/complete", json=PY)).status_code == 401
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "complete " in text  # the per-request line is there ...
    assert "very_secret_function_name" not in text and KEY not in text  # ... without code or token
