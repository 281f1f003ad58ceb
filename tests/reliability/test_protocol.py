"""Every request gets an answer: malformed params, unknown documents, unsupported methods, bad JSON.

Driven through the real server process with a raw JSON-RPC client, so nothing in between could
repair a malformed message.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from maze_workshop.bench.stdio import StdioClient

from tests.reliability.memory import rss_mb

INVALID_PARAMS, METHOD_NOT_FOUND = -32602, -32601
URI = "file:///tmp/reliability.py"


@pytest.fixture(scope="module")
def server() -> Iterator[StdioClient]:
    client = StdioClient()
    client.initialize({"debounceMs": 0, "maxTokens": 8})
    client.open(URI, "python", 's = "😀 名"\nx = \n')
    yield client
    client.close()


def _inline(params: object) -> dict:
    return {"jsonrpc": "2.0", "method": "textDocument/inlineCompletion", "params": params}


BAD_REQUESTS = {
    "position is a word": {"textDocument": {"uri": URI}, "position": {"line": "first", "character": 0}, "context": {"triggerKind": 2}},
    "position is null": {"textDocument": {"uri": URI}, "position": None, "context": {"triggerKind": 2}},
    "params are null": None,
    "params are a list": [1, 2, 3],
    "negative line": {"textDocument": {"uri": URI}, "position": {"line": -1, "character": 0}, "context": {"triggerKind": 2}},
    "line past the end": {"textDocument": {"uri": URI}, "position": {"line": 99, "character": 0}, "context": {"triggerKind": 2}},
    "character past the end": {"textDocument": {"uri": URI}, "position": {"line": 1, "character": 50}, "context": {"triggerKind": 2}},
    "inside a surrogate pair": {"textDocument": {"uri": URI}, "position": {"line": 0, "character": 6}, "context": {"triggerKind": 2}},
    "unknown document": {"textDocument": {"uri": "file:///nowhere.py"}, "position": {"line": 0, "character": 0}, "context": {"triggerKind": 2}},
    "not a URI": {"textDocument": {"uri": "::::"}, "position": {"line": 0, "character": 0}, "context": {"triggerKind": 2}},
    "missing textDocument": {"position": {"line": 0, "character": 0}, "context": {"triggerKind": 2}},
}


@pytest.mark.parametrize("case", sorted(BAD_REQUESTS))
def test_malformed_requests_get_invalid_params(server: StdioClient, case: str) -> None:
    server.next_id += 1
    server.send({**_inline(BAD_REQUESTS[case]), "id": server.next_id})
    reply = server.response(server.next_id)
    assert reply.get("error", {}).get("code") == INVALID_PARAMS, reply
    assert reply["error"]["message"]


@pytest.mark.parametrize("method", ["textDocument/hover", "textDocument/definition", "maze/nonexistent"])
def test_unsupported_methods_get_method_not_found(server: StdioClient, method: str) -> None:
    reply = server.request(method, {"textDocument": {"uri": URI}, "position": {"line": 0, "character": 0}})
    assert reply["error"]["code"] == METHOD_NOT_FOUND


def test_closed_document_is_unknown(server: StdioClient) -> None:
    uri = "file:///tmp/closed.py"
    server.open(uri, "python", "x = 1\n")
    server.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    reply = server.response(server.inline(uri, 0, 0))
    assert reply["error"]["code"] == INVALID_PARAMS and "unknown document" in reply["error"]["message"]


def test_malformed_json_does_not_kill_the_connection(server: StdioClient) -> None:
    server.send_raw(b'{"jsonrpc": "2.0", "id": 9999, "method": ')  # truncated
    server.send_raw(b"\xff\xfe not json at all")
    server.send_raw(b'{"jsonrpc": "1.0", "id": 9998, "method": "initialize"}')  # wrong version: ignored
    reply = server.response(server.inline(URI, 1, 4))
    assert "result" in reply


def test_notifications_with_bad_params_are_survived(server: StdioClient) -> None:
    server.notify("textDocument/didChange", {"textDocument": {"uri": URI}, "contentChanges": "nope"})
    server.notify("textDocument/didOpen", None)
    server.notify("textDocument/didChange", {"textDocument": {"uri": "file:///never-opened.py", "version": 2},
                                             "contentChanges": [{"text": "x"}]})
    reply = server.response(server.inline(URI, 1, 4))
    assert "result" in reply


@pytest.mark.parametrize(("name", "text", "line", "character"), [
    # 5 MB of ordinary code; the cursor at the end
    ("huge", "".join(f"def f{i}(a, b):\n    return a + b * {i}\n\n" for i in range(120_000)) + "x = ", 360_000, 4),
    # a single 1 MB line (minified data), the cursor at its end
    ("long-line", "data = [" + ", ".join(["1"] * 300_000) + ", ", 0, 8 + 3 * 300_000),
])
def test_huge_documents_stay_within_time_and_memory(server: StdioClient, name: str, text: str, line: int,
                                                    character: int) -> None:
    """Bounded time per request, memory proportional to the open text, and released when it closes.

    tree-sitter's tree is most of the cost (tens of bytes per byte of source); the bound below is
    150 MB per MB of text, and after didClose the growth must fall back under 50 MB.
    """
    uri = f"file:///tmp/{name}.py"
    server.response(server.inline(URI, 1, 4))  # the model is loaded before the baseline, whatever ran first
    before = rss_mb(server.proc.pid)
    server.open(uri, "python", text)
    started = time.perf_counter()
    reply = server.response(server.inline(uri, line, character))
    assert "result" in reply, reply
    assert time.perf_counter() - started < 20
    megabytes = len(text.encode()) / 1e6
    assert rss_mb(server.proc.pid) - before < 150 * megabytes + 50
    server.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    server.response(server.inline(URI, 1, 4))  # the close has been processed
    assert rss_mb(server.proc.pid) - before < 50
