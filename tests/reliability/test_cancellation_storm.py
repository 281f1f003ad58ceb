"""Fast typing: 1,000 keystrokes, each followed by a completion request and the cancel of the previous one.

Every request must be answered (a result or RequestCancelled), only the newest computed, memory flat,
and the last answer as fast as a lone request.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from maze_workshop.bench.stdio import StdioClient

from tests.reliability.memory import rss_mb

REQUEST_CANCELLED = -32800
BURST = 1000


def test_burst_of_requests_with_cancels(tmp_path: Path) -> None:
    log = tmp_path / "lsp.log"
    client = StdioClient("--log-level", "DEBUG", log_file=str(log))
    try:
        client.initialize({"debounceMs": 30, "maxTokens": 16})
        uri = "file:///tmp/storm.py"
        client.open(uri, "python", "def f(values):\n    total = 0\n    return \n")
        # A lone request, for the normal latency (and a warm model).
        started = time.perf_counter()
        assert "result" in client.response(client.inline(uri, 2, 11))
        alone = time.perf_counter() - started
        rss_before = rss_mb(client.proc.pid)
        ids = [client.next_id + 1 + i for i in range(BURST)]

        def type_fast() -> None:  # on its own thread: the server's answers must be read meanwhile
            for i, msg_id in enumerate(ids):
                client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": i + 2},
                              "contentChanges": [{"range": {"start": {"line": 2, "character": 11 + i},
                                                            "end": {"line": 2, "character": 11 + i}}, "text": "abcdefghij"[i % 10]}]})
                if i:
                    client.notify("$/cancelRequest", {"id": ids[i - 1]})
                assert client.inline(uri, 2, 12 + i) == msg_id

        writer = threading.Thread(target=type_fast)
        writer.start()
        replies = [client.response(i) for i in ids[:-1]]
        writer.join()
        sent = time.perf_counter()
        last = client.response(ids[-1])
        last_latency = time.perf_counter() - sent
        assert "result" in last, last
        outcomes = {"result" if "result" in r else r["error"]["code"] for r in replies}
        assert outcomes <= {"result", REQUEST_CANCELLED}, outcomes  # every request answered, none failed
        cancelled = sum(r.get("error", {}).get("code") == REQUEST_CANCELLED for r in replies)
        assert cancelled >= BURST * 0.95
        computed = [line for line in log.read_text().splitlines() if "textDocument/inlineCompletion engine=" in line]
        print(f"\n{len(computed)} generations for {BURST} keystrokes; {cancelled} cancelled; last answer {last_latency * 1e3:.0f} ms (alone {alone * 1e3:.0f} ms)")
        assert len(computed) <= 1 + BURST * 0.02, f"{len(computed)} generations ran for {BURST} keystrokes"
        assert last_latency < alone + 2.0, (last_latency, alone)
        assert rss_mb(client.proc.pid) - rss_before < 60
    finally:
        client.close()
