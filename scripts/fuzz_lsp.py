"""Fuzz `maze lsp` over stdio with random valid and invalid messages; every request must be answered.

    python scripts/fuzz_lsp.py --messages 10000 --seed 1

Messages: opens, incremental and full changes (ranges inside, at line ends and far past the end;
CRLF, tabs, emoji, CJK, lone surrogates), closes, completion / inline completion / code action
requests at valid and invalid positions and on unknown documents, cancels of random ids, settings
changes with random values, unknown methods, params of the wrong shape, bytes that are not JSON,
and badly framed requests (Content-Length `abc`, `-5`, missing, too short, too long, LF-only
headers, no headers at all). Lifecycle misuse: requests and a `shutdown` before `initialize`
(ServerNotInitialized), a second `initialize`, and at the end requests and a second `shutdown`
after `shutdown` (InvalidRequest), then `exit`, which must end the process with status 0. A reader
thread collects answers while the writer sends. Every request id must have an answer, the process
must run until `exit`, and one last completion must succeed.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import threading
import time
from typing import Any

from maze_workshop.bench.stdio import StdioClient

PIECES = ["x", "def f(a):\n", "    return a\n", "\t", "\r\n", "😀", "名前", "(", ")", "{", "}", "'", '"', "#", " ", "\n",
          "\ud800"]
LANGUAGES = [("python", "py"), ("typescript", "ts"), ("rust", "rs"), ("go", "go"), ("zig", "zig"), ("javascript", "js"),
             ("plaintext", "txt")]
WEIRD = [None, 0, -1, 2**40, "x", [], {}, {"line": "a"}, True, 1.5]
BAD_FRAMES = {  # each wraps one request's body
    "length abc": lambda b: b"Content-Length: abc\r\n\r\n" + b,
    "length -5": lambda b: b"Content-Length: -5\r\n\r\n" + b,
    "no length": lambda b: b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n" + b,
    "too short": lambda b: b"Content-Length: %d\r\n\r\n" % (len(b) - 3) + b,
    "too long": lambda b: b"Content-Length: %d\r\n\r\n" % (len(b) + 25) + b,
    "LF only": lambda b: b"Content-Length: %d\n\n" % len(b) + b,
    "no headers": lambda b: b,
}


class Fuzzer:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.client = StdioClient()
        self.uris: list[str] = []
        self.versions: dict[str, int] = {}
        self.answered: set[int] = set()
        self.request_ids: list[int] = []
        self.errors: dict[int, int] = {}
        self.framing: dict[str, int] = {}
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
        elif kind < 0.98:
            self._request(rng.choice(["textDocument/inlineCompletion", "textDocument/completion", "codeAction/resolve"]),
                          rng.choice(WEIRD))
        elif kind < 0.99:
            self._bad_frame(rng.choice(sorted(BAD_FRAMES)))
        else:
            c.send_raw(rng.choice([b"{not json", b"\xff\xfe\xfd", b'{"jsonrpc": "2.0", "id": "x"', b"[]"]))

    def _bad_frame(self, kind: str) -> None:
        """A request in a bad frame: it must still be answered (with an error), and the stream stay in sync."""
        c = self.client
        c.next_id += 1
        self.request_ids.append(c.next_id)
        self.framing[kind] = self.framing.get(kind, 0) + 1
        body = json.dumps({"jsonrpc": "2.0", "id": c.next_id, "method": "textDocument/hover", "params": {}}).encode()
        assert c.proc.stdin is not None
        c.proc.stdin.write(BAD_FRAMES[kind](body))
        c.proc.stdin.flush()

    def _lifecycle_misuse_before(self) -> None:
        """Requests before `initialize` (a `shutdown` among them): each answered with ServerNotInitialized."""
        self._request("textDocument/completion", {"textDocument": {"uri": "file:///fuzz/x.py"},
                                                  "position": {"line": 0, "character": 0}})
        self._request("shutdown", None)
        self.client.notify("textDocument/didOpen", {"textDocument": {"uri": "file:///fuzz/early.py",
                                                                     "languageId": "python", "version": 1, "text": ""}})

    def _wait_answered(self, seconds: float) -> list[int]:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not set(self.request_ids) <= self.answered:
            time.sleep(0.05)
        return sorted(set(self.request_ids) - self.answered)

    def _lifecycle_misuse_after(self) -> int | None:
        """A second `initialize`; `shutdown`; requests and a second `shutdown` after it; `exit`: the status."""
        self._request("initialize", {"processId": None, "rootUri": None, "capabilities": {}})
        self._request("shutdown", None)
        self._wait_answered(30)
        self._request("textDocument/completion", {"textDocument": {"uri": "file:///fuzz/final.py"},
                                                  "position": {"line": 0, "character": 0}})
        self._request("shutdown", None)
        self.client.notify("exit", None)
        try:
            return self.client.proc.wait(30)
        except subprocess.TimeoutExpired:
            return None

    def run(self, messages: int) -> dict[str, Any]:
        self.reader.start()
        self._lifecycle_misuse_before()
        self.client.next_id += 1
        init_id = self.client.next_id
        self.client.send({"jsonrpc": "2.0", "id": init_id, "method": "initialize", "params": {
            "processId": None, "rootUri": None, "capabilities": {},
            "initializationOptions": {"debounceMs": 0, "maxTokens": 4, "timeoutMs": 2000}}})
        self.request_ids.append(init_id)
        self.client.notify("initialized", {})
        started = time.perf_counter()
        for _ in range(messages):
            self.step()
        self._wait_answered(120)
        alive = self.client.proc.poll() is None
        self.client.open("file:///fuzz/final.py", "python", "x = ")
        final_id = self.client.inline("file:///fuzz/final.py", 0, 4)
        self.request_ids.append(final_id)
        self._wait_answered(30)
        status = self._lifecycle_misuse_after()
        time.sleep(0.5)  # the reader takes the last answers
        missing = sorted(set(self.request_ids) - self.answered)
        return {"messages": messages, "requests": len(self.request_ids), "answered": len(self.answered),
                "missing": missing[:20], "errors_by_code": self.errors, "bad_frames": self.framing,
                "alive_until_exit": alive, "final_request_answered": final_id in self.answered,
                "exit_status": status, "seconds": round(time.perf_counter() - started, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    fuzzer = Fuzzer(args.seed)
    result = fuzzer.run(args.messages)
    print(json.dumps(result, indent=1))
    if fuzzer.client.proc.poll() is None:
        fuzzer.client.proc.kill()
    ok = (result["alive_until_exit"] and not result["missing"] and result["final_request_answered"]
          and result["exit_status"] == 0)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
