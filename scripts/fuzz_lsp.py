"""Fuzz `maze lsp` over stdio with random valid and invalid messages; every request must be answered.

    python scripts/fuzz_lsp.py --messages 10000 --seed 1

Messages: opens, incremental and full changes (ranges inside, at line ends and far past the end;
CRLF, tabs, emoji, CJK), closes, completion / inline completion / code action requests at valid and
invalid positions and on unknown documents, cancels of random ids, settings changes with random
values, unknown methods, params of the wrong shape, and now and then bytes that are not JSON. A
reader thread collects answers while the writer sends. At the end every request id must have an
answer, the process must still run, and one last completion must succeed.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import threading
import time
from typing import Any

from maze_workshop.bench.stdio import StdioClient

PIECES = ["x", "def f(a):\n", "    return a\n", "\t", "\r\n", "😀", "名前", "(", ")", "{", "}", "'", '"', "#", " ", "\n"]
LANGUAGES = [("python", "py"), ("typescript", "ts"), ("rust", "rs"), ("go", "go"), ("zig", "zig"), ("javascript", "js"),
             ("plaintext", "txt")]
WEIRD = [None, 0, -1, 2**40, "x", [], {}, {"line": "a"}, True, 1.5]


class Fuzzer:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.client = StdioClient()
        self.uris: list[str] = []
        self.versions: dict[str, int] = {}
        self.answered: set[int] = set()
        self.request_ids: list[int] = []
        self.errors: dict[int, int] = {}
        self.reader = threading.Thread(target=self._read, daemon=True)

    def _read(self) -> None:
        while True:
            try:
                message = self.client.read()
            except (EOFError, ValueError, OSError):
                return
            if "method" in message:
                if "id" in message:
                    self.client.send({"jsonrpc": "2.0", "id": message["id"], "result": None})
                continue
            if isinstance(message.get("id"), int):
                self.answered.add(message["id"])
                if "error" in message:
                    code = message["error"]["code"]
                    self.errors[code] = self.errors.get(code, 0) + 1

    def _position(self) -> dict[str, Any]:
        r = self.rng.random()
        if r < 0.1:
            return {"line": self.rng.choice(WEIRD), "character": 0}
        if r < 0.5:  # always inside an open document, so real completions run too
            return {"line": 0, "character": self.rng.randrange(0, 2)}
        return {"line": self.rng.randrange(0, 12), "character": self.rng.randrange(0, 40)}

    def _text(self) -> str:
        return "".join(self.rng.choice(PIECES) for _ in range(self.rng.randrange(0, 8)))

    def _request(self, method: str, params: Any) -> None:
        self.request_ids.append(self.client.request_async(method, params))

    def step(self) -> None:
        rng, c = self.rng, self.client
        kind = rng.random()
        uri = rng.choice(self.uris) if self.uris and rng.random() < 0.9 else f"file:///fuzz/unknown-{rng.randrange(99)}.py"
        if kind < 0.08 or not self.uris:
            language, ext = rng.choice(LANGUAGES)
            uri = f"file:///fuzz/{len(self.uris)}.{ext}"
            self.uris.append(uri)
            self.versions[uri] = 1
            c.open(uri, language, self._text() * rng.randrange(1, 4))
        elif kind < 0.40:
            self.versions[uri] = self.versions.get(uri, 1) + 1
            change: dict[str, Any] = {"text": self._text()}
            if rng.random() < 0.9:
                change["range"] = {"start": self._position(), "end": self._position()}
            c.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": self.versions[uri]},
                                                "contentChanges": [change]})
        elif kind < 0.43:
            c.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        elif kind < 0.65:
            self._request("textDocument/inlineCompletion", {"textDocument": {"uri": uri}, "position": self._position(),
                                                            "context": {"triggerKind": 2}})
        elif kind < 0.75:
            self._request("textDocument/completion", {"textDocument": {"uri": uri}, "position": self._position()})
        elif kind < 0.80:
            pos = self._position()
            self._request("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": {"start": pos, "end": pos},
                                                      "context": {"diagnostics": []}})
        elif kind < 0.88 and self.request_ids:
            c.notify("$/cancelRequest", {"id": rng.choice(self.request_ids[-20:])})
        elif kind < 0.91:
            c.notify("workspace/didChangeConfiguration", {"settings": {"maze": {
                rng.choice(["maxTokens", "mode", "debounceMs", "temperature", "enable", "bogus"]): rng.choice(WEIRD + [8, "line", 0])}}})
        elif kind < 0.95:
            self._request(rng.choice(["textDocument/hover", "maze/unknown", "workspace/symbol"]), {})
        elif kind < 0.99:
            self._request(rng.choice(["textDocument/inlineCompletion", "textDocument/completion", "codeAction/resolve"]),
                          rng.choice(WEIRD))
        else:
            c.send_raw(rng.choice([b"{not json", b"\xff\xfe\xfd", b'{"jsonrpc": "2.0", "id": "x"', b"[]"]))

    def run(self, messages: int) -> dict[str, Any]:
        self.client.initialize({"debounceMs": 0, "maxTokens": 4, "timeoutMs": 2000})
        self.reader.start()
        started = time.perf_counter()
        for _ in range(messages):
            self.step()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not set(self.request_ids) <= self.answered:
            time.sleep(0.1)
        missing = sorted(set(self.request_ids) - self.answered)
        alive = self.client.proc.poll() is None
        self.client.open("file:///fuzz/final.py", "python", "x = ")
        final_id = self.client.inline("file:///fuzz/final.py", 0, 4)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and final_id not in self.answered:
            time.sleep(0.05)
        return {"messages": messages, "requests": len(self.request_ids), "answered": len(self.answered),
                "missing": missing[:20], "errors_by_code": self.errors, "alive": alive,
                "final_request_answered": final_id in self.answered, "seconds": round(time.perf_counter() - started, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    fuzzer = Fuzzer(args.seed)
    result = fuzzer.run(args.messages)
    print(json.dumps(result, indent=1))
    fuzzer.client.proc.kill()
    ok = result["alive"] and not result["missing"] and result["final_request_answered"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
