"""The grammar worker process: converts and validates callers' grammars under llguidance's limits.

Run as `python -m maze_inference.service.grammar_worker` by `service/grammars.py`, which kills it
when a grammar overruns its time budget. It imports only llguidance, so it starts quickly.
Protocol: `["ready", ""]` once, then per request one JSON line `[kind, source]` in and one JSON line
`["ok", grammar]` or `["error", message]` out.
"""

from __future__ import annotations

import json
import sys
from typing import IO, Any

import llguidance

# Parser limits for callers' grammars, tighter than llguidance's defaults where those are generous.
LIMITS: dict[str, Any] = {
    "max_grammar_size": 200_000,  # symbols in all productions
    "initial_lexer_fuel": 1_000_000,  # ~20 ms of regex analysis
    "max_lexer_states": 100_000,
    "verbose_errors": False,  # short messages; nothing of the parser's state
}


def convert(kind: str, source: str) -> str:
    """Caller's text -> llguidance grammar string, validated; raises ValueError with llguidance's message."""
    if kind == "lark":
        grammar = llguidance.LLMatcher.grammar_from_lark(source)
    elif kind == "json_schema":
        grammar = llguidance.LLMatcher.grammar_from_json_schema(source)
    else:
        grammar = source
    limits = llguidance.LLParserLimits(**LIMITS)
    is_error, messages = llguidance.LLMatcher.validate_grammar_with_warnings(grammar, None, limits=limits)
    if is_error:
        raise ValueError(messages[0] if messages else "invalid grammar")
    # Building a matcher also builds the lexer, which validation alone does not; the byte tokenizer
    # keeps that cheap while still running the regexes under the fuel limits.
    matcher = llguidance.LLMatcher(llguidance.LLTokenizer("byte"), grammar, log_level=0, limits=limits)
    if matcher.is_error():
        raise ValueError(matcher.get_error())
    return grammar


def serve(stdin: IO[bytes], stdout: IO[bytes]) -> None:
    stdout.write(b'["ready", ""]\n')
    stdout.flush()
    for line in stdin:
        kind, source = json.loads(line)
        try:
            reply = ["ok", convert(kind, source)]
        except Exception as exc:  # noqa: BLE001 - llguidance reports bad input as ValueError/RuntimeError
            reply = ["error", str(exc) or type(exc).__name__]
        stdout.write(json.dumps(reply).encode() + b"\n")
        stdout.flush()


if __name__ == "__main__":
    serve(sys.stdin.buffer, sys.stdout.buffer)
