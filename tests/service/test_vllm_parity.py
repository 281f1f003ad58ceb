"""The vLLM path at parity with the local engine: the same checkpoint gives the same greedy completions.

vLLM cannot run here, so its GPU forward pass and greedy sampler are played by the shipped ONNX model
(`tests.fakes.FakeVLLMGreedyModel`, inside the stand-in `FakeVLLMAsyncLLM`); everything of maze's is
real on both sides: the prompt builder, the processor's per-row masks and decode rules in the stand-in
engine core, the frontend's replay, restarts and the pipeline's final check. The logits are the ones the
embedded engine computes, so any difference is maze's, not the model's. On the GPU the same comparison
runs against real vLLM (fp16 logits there may break greedy ties differently).
"""

from __future__ import annotations

import pytest
from maze_inference.document import Document
from maze_inference.engines.embedded import EmbeddedEngine, default_model_dir
from maze_inference.engines.vllm import VLLMEngine
from maze_inference.languages import get_language
from maze_inference.pipeline import CompletionSettings, complete_at
from maze_workshop.bench.tasks import find_data, humaneval_tasks

from tests.fakes import FakeVLLMAsyncLLM, FakeVLLMGreedyModel, fake_vllm_modules

OTHER_LANGUAGES = [  # (language, prefix, suffix, mode)
    ("typescript", "function area(w: number, h: number): number {\n  const a = ", ";\n  return a;\n}\n", "line"),
    ("rust", "fn total(xs: &[i32]) -> i32 {\n    let mut sum = 0;\n    for x in xs {\n        sum += ",
     ";\n    }\n    sum\n}\n", "line"),
    ("go", "package main\n\nfunc max(a, b int) int {\n\tif a > b {\n\t\t", "\n\t}\n\treturn b\n}\n", "block"),
    ("zig", "fn square(x: i32) i32 {\n    return ", ";\n}\n", "line"),
]


def _positions() -> list[tuple[str, str, str, str]]:
    try:
        data = find_data(None)
    except FileNotFoundError:
        pytest.skip("HumanEval-infilling is not here")
    tasks = humaneval_tasks(data, ["single", "multi"], 24, seed=3)
    return [("python", t.before, t.after, "line" if t.kind == "single" else "block") for t in tasks] + OTHER_LANGUAGES


@pytest.fixture
def greedy_vllm():
    FakeVLLMAsyncLLM.instances.clear()
    FakeVLLMAsyncLLM.greedy_model = FakeVLLMGreedyModel(str(default_model_dir()))
    try:
        with fake_vllm_modules():
            yield
    finally:
        FakeVLLMAsyncLLM.greedy_model = None


@pytest.mark.parametrize("constrained", [True, False], ids=["constrained", "unconstrained"])
async def test_the_same_checkpoint_gives_the_same_greedy_completions(greedy_vllm, constrained: bool) -> None:
    positions = _positions() if constrained else _positions()[::4]
    local = EmbeddedEngine()
    vllm = VLLMEngine(str(default_model_dir()), max_model_len=1024)
    differ = []
    for language, prefix, suffix, mode in positions:
        lang = get_language(language)
        document = Document(lang, prefix + suffix)
        settings = CompletionSettings(max_tokens=16, mode=mode, constrained=constrained, timeout_s=None)
        ours = await complete_at(local, lang, document.text, document.source, document.tree, len(prefix), settings)
        theirs = await complete_at(vllm, lang, document.text, document.source, document.tree, len(prefix), settings)
        assert theirs.result is not None and theirs.result.engine == "vllm"
        if (ours.text, ours.dropped) != (theirs.text, theirs.dropped):
            differ.append((language, prefix[-40:], ours.text, theirs.text))
    assert len(positions) >= (52 if constrained else 13)
    assert not differ, differ
    assert len(FakeVLLMAsyncLLM.instances[0].prompts) >= len(positions)  # every completion went through vLLM
    await vllm.close()
    await local.close()


async def test_an_ending_the_final_check_refuses_is_passed_by_on_both_paths(greedy_vllm) -> None:
    """The decoder asks the final check before it ends (`DecodeSettings.ending_check`); where it refuses, the
    local loop samples on and vLLM resumes the generation without that ending: the same text comes out."""
    import dataclasses
    from pathlib import Path

    from maze_inference.context import extract_context
    from maze_inference.engines.base import CompletionRequest

    python = get_language("python")
    text = (Path(__file__).resolve().parents[2] / "examples" / "stats.py").read_text()
    offset = text.index("return sum(values) / ") + len("return sum(values) / ")
    document = Document(python, text)
    request = CompletionRequest(context=extract_context(python, document.text, document.tree, offset), max_tokens=16)
    local = EmbeddedEngine()
    vllm = VLLMEngine(str(default_model_dir()), max_model_len=1024)
    first = (await vllm.complete(request)).text
    assert first.strip() and first == (await local.complete(request)).text
    asked: list[str] = []

    def refuse_the_first(candidate: str) -> bool:
        asked.append(candidate)
        return candidate != first

    checked = dataclasses.replace(request, ending_check=refuse_the_first)
    theirs = await vllm.complete(checked)
    assert first in asked and theirs.text != first
    assert theirs.text == (await local.complete(checked)).text
    assert len(FakeVLLMAsyncLLM.instances[0].prompts) >= 3  # the refused ending resumed the generation
    await vllm.close()
    await local.close()
