"""Independent checks of a generated text: what `/v1/generate` reports next to the code.

The grammar constrained the generation, so these checks are a second opinion from other parsers:
tree-sitter for the language (and `ast.parse` for Python, which is stricter than both), the
grammar itself replayed byte by byte with llguidance's byte tokenizer (so a tokenizer quirk of the
model cannot hide a mismatch), and `json.loads` for JSON schemas.
"""

from __future__ import annotations

import json

import llguidance

from maze_inference.constraint.check import byte_tokenizer, corpus_limits
from maze_inference.final_check import count_errors
from maze_inference.languages import Language
from maze_inference.service.request_grammars import RequestGrammar
from maze_inference.service.schemas import Validation
from maze_inference.syntax import python_syntax_error


def matches_grammar(grammar: str, text: str) -> bool:
    """Whether `text` is a complete match of the llguidance `grammar`."""
    matcher = llguidance.LLMatcher(byte_tokenizer(), grammar, log_level=0, limits=corpus_limits())
    data = list(text.encode("utf-8"))
    return matcher.try_consume_tokens(data) == len(data) and not matcher.is_error() and matcher.is_accepting()


def tree_sitter_errors(language: Language, text: str) -> int:
    """ERROR and MISSING nodes in a parse of `text` alone (0: it parses)."""
    source = text.encode("utf-8")
    root = language.new_parser().parse(source).root_node
    if not root.has_error:
        return 0
    return max(1, count_errors(root, 0, len(source)) + int(root.is_error))


def validate_output(text: str, language: Language | None, grammar: RequestGrammar) -> Validation:
    problems: list[str] = []
    grammar_match = None
    if grammar.grammar is not None:
        grammar_match = matches_grammar(grammar.grammar, text)
        if not grammar_match:
            problems.append(f"the text does not match the {grammar.kind} grammar")
    json_ok = None
    if grammar.kind == "json_schema":
        try:
            json.loads(text)
            json_ok = True
        except ValueError as exc:
            json_ok = False
            problems.append(f"json: {exc}")
    ts_errors = ts_ok = python_ok = None
    if language is not None and grammar.kind != "json_schema":
        ts_errors = tree_sitter_errors(language, text)
        ts_ok = ts_errors == 0
        if not ts_ok:
            problems.append(f"tree-sitter ({language.id}) found {ts_errors} error node(s)")
        if language.id == "python":
            error = python_syntax_error(text)
            python_ok = error is None
            if error is not None:
                problems.append(f"python: {error}")
    return Validation(
        valid=not problems,
        grammar_match=grammar_match,
        tree_sitter_ok=ts_ok,
        tree_sitter_errors=ts_errors,
        python_ast_ok=python_ok,
        json_ok=json_ok,
        message=problems[0] if problems else None,
    )
