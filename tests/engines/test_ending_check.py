"""The decoder asks the pipeline's final check before it ends (`DecodeSettings.ending_check`).

The grammar's join test reads a window of the suffix as a valid prefix, which an unclosed `{` still is
(`if x {` at the end of a loop body takes the loop's `}`): such an ending passed the grammar and was
then dropped by the final check, leaving the user nothing. With the check asked first, a refused ending
is not taken and the model goes on to another. Real embedded model, real grammar.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from maze_inference.context import extract_context
from maze_inference.document import Document
from maze_inference.engines.base import CompletionRequest
from maze_inference.engines.embedded import EmbeddedEngine
from maze_inference.languages import get_language
from maze_inference.pipeline import CompletionSettings, complete_at

ROOT = Path(__file__).resolve().parents[2]


def _request() -> CompletionRequest:
    python = get_language("python")
    text = (ROOT / "examples" / "stats.py").read_text()
    offset = text.index("return sum(values) / ") + len("return sum(values) / ")
    document = Document(python, text)
    context = extract_context(python, document.text, document.tree, offset)
    return CompletionRequest(context=context, max_tokens=16)


async def test_a_refused_ending_is_not_taken() -> None:
    engine = EmbeddedEngine()
    request = _request()
    first = (await engine.complete(request)).text
    assert first.strip()
    asked: list[str] = []

    def refuse_the_first(text: str) -> bool:
        asked.append(text)
        return text != first

    second = (await engine.complete(dataclasses.replace(request, ending_check=refuse_the_first))).text
    assert first in asked, "the decoder ended without asking"
    assert second != first and (not second.strip() or refuse_the_first(second))
    unconstrained = await engine.complete(dataclasses.replace(request, constrained=False, ending_check=refuse_the_first))
    assert unconstrained.text  # the raw baseline decodes without the check
    await engine.close()


async def test_an_attempt_cut_short_with_only_refused_endings_starts_again() -> None:
    """Out of tokens with every join point refused by the final check: the text would be dropped, so
    the decoder starts again with that start forbidden instead of showing nothing."""
    engine = EmbeddedEngine()
    request = dataclasses.replace(_request(), max_tokens=3)
    plain = (await engine.complete(request)).text.strip()
    assert plain

    def refuse_that_start(text: str) -> bool:
        return not text.strip().startswith(plain[0])

    again = await engine.complete(dataclasses.replace(request, ending_check=refuse_that_start))
    assert again.text.strip() and refuse_that_start(again.text), again
    await engine.close()


class RecordingEngine(EmbeddedEngine):
    """The embedded engine, keeping the last request it was given."""

    async def complete(self, request: CompletionRequest):  # type: ignore[no-untyped-def]
        self.request = request
        return await super().complete(request)


async def test_the_pipeline_hands_its_final_check_to_the_decoder() -> None:
    go = get_language("go")
    text = "package p\n\nfunc f(xs []int) int {\n\tn := 0\n\tfor _, x := range xs {\n\t\t\n\t}\n\treturn n\n}\n"
    offset = text.index("\t\t\n") + 2
    document = Document(go, text)
    engine = RecordingEngine()
    await complete_at(engine, go, document.text, document.source, document.tree, offset, CompletionSettings(max_tokens=8))
    check = engine.request.ending_check
    assert check is not None
    assert check("n += x")
    # valid as a prefix of the rest (the `{` takes the loop's `}`), but the function is left unclosed
    assert not check("if x > 0 {")
    await engine.close()
