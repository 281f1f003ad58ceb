"""The vLLM engine without a GPU: its processor state against a stand-in persistent batch.

vLLM cannot run here, so `FakeVLLMPersistentBatch` (tests/fakes.py) plays vLLM's part: rows that
are added, removed, condensed and swapped, `BatchUpdate`s in vLLM's order, and -1 placeholders
under async scheduling. Everything else is real: llguidance, the embedded model's tokenizer, maze's
grammars and constraint core. Each request also has its own oracle constraint fed with the same
tokens, so a mask computed for the wrong row or the wrong position shows up as a refused token.
"""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
from dataclasses import dataclass

import llguidance
import numpy as np
import pytest
from maze_inference.constraint.cursor import ConstraintBackend, ConstraintLevel, CursorConstraint
from maze_inference.context import Mode, extract_context
from maze_inference.document import Document
from maze_inference.engines.vllm import (
    ConstrainedBatch,
    GrammarTemplates,
    VLLMEngine,
    allowed_tokens,
    context_from_wire,
    context_to_wire,
    cursor_args,
    grammar_args,
    valid_text,
)
from maze_inference.errors import EngineUnavailable
from maze_inference.languages import get_language
from maze_inference.tokenization import ModelTokenizer, load_tokenizer

from tests.fakes import FakeVLLMPersistentBatch
from tests.service.conftest import require_model
from tests.service.seed import error_nodes, lark


@pytest.fixture(scope="module")
def tokenizer() -> ModelTokenizer:
    return load_tokenizer(str(require_model() / "tokenizer.json"))


def context(language: str, prefix: str, suffix: str, mode: str | None = None):
    lang = get_language(language)
    document = Document(lang, prefix + suffix)
    ctx = extract_context(lang, document.text, document.tree, len(prefix))
    if mode is not None:
        import dataclasses

        ctx = dataclasses.replace(ctx, mode=Mode(mode))
    return ctx


@dataclass
class Tracked:
    """A request in the fake batch with the oracle that checks every token it is given."""

    oracle: CursorConstraint | None
    prefix: str = ""
    suffix: str = ""
    language: str = ""
    tokens: list[int] | None = None
    ended_by_eos: bool = False


class Sampler:
    """The model's sampler: a random token among those the row's mask allows, EOS now and then."""

    def __init__(self, tokenizer: ModelTokenizer, tracked: dict[str, Tracked], seed: int, max_tokens: int = 24) -> None:
        self.tok = tokenizer
        self.tracked = tracked
        self.rng = np.random.default_rng(seed)
        self.max_tokens = max_tokens
        self.sampled = 0

    def __call__(self, request, mask) -> int:  # type: ignore[no-untyped-def]
        track = self.tracked[request.rid]
        produced = len(request.output)
        if mask is None:
            token = self.tok.eos_id if produced >= self.max_tokens else int(self.rng.integers(1, self.tok.vocab_size))
        else:
            allowed = np.flatnonzero(allowed_tokens(mask, self.tok.vocab_size))
            assert allowed.size, "an empty mask: the row could not be sampled"
            eos_ok = self.tok.eos_id in allowed
            if eos_ok and (produced >= self.max_tokens or self.rng.random() < 0.3):
                token = self.tok.eos_id
            else:
                choices = allowed[allowed != self.tok.eos_id] if allowed.size > 1 else allowed
                token = int(self.rng.choice(choices))
        self._check(track, token)
        if token == self.tok.eos_id:
            request.finished = True
            track.ended_by_eos = True
        self.sampled += 1
        return token

    def _check(self, track: Tracked, token: int) -> None:
        oracle = track.oracle
        if oracle is None:
            return
        if token == self.tok.eos_id:
            assert oracle.joins_suffix(), "EOS was allowed where the suffix does not join"
        else:
            assert oracle.is_allowed(token), f"token {token} ({self.tok.token_bytes[token]!r}) is not allowed here"
            oracle.consume(token)
            assert track.tokens is not None
            track.tokens.append(token)


def cursor_request(fake: FakeVLLMPersistentBatch, tracked: dict[str, Tracked], backend: ConstraintBackend,
                   language: str, prefix: str, suffix: str, mode: str | None = None):
    ctx = context(language, prefix, suffix, mode)
    oracle = backend.at_cursor(ctx)
    oracle.start()
    request = fake.add(cursor_args(ctx, oracle.level))
    tracked[request.rid] = Tracked(oracle, prefix, suffix, language, [])
    return request


def grammar_request(fake: FakeVLLMPersistentBatch, tracked: dict[str, Tracked], backend: ConstraintBackend,
                    grammar: str):
    request = fake.add(grammar_args(grammar))
    tracked[request.rid] = Tracked(GrammarTemplates(backend).constraint(grammar), tokens=[])
    return request


def plain_request(fake: FakeVLLMPersistentBatch, tracked: dict[str, Tracked]):
    request = fake.add(None)
    tracked[request.rid] = Tracked(None)
    return request


def run(fake: FakeVLLMPersistentBatch, state: ConstrainedBatch, sampler: Sampler, steps: int, **options) -> None:
    for _ in range(steps):
        if all(r is None or r.finished for r in fake.rows):
            return
        fake.step(state, state.words, sampler, **options)


def assert_completions_parse(tok: ModelTokenizer, tracked: dict[str, Tracked]) -> int:
    checked = 0
    for track in tracked.values():
        if track.language and track.ended_by_eos:
            text = tok.decode_bytes(track.tokens or []).decode("utf-8", "ignore")
            before = error_nodes(track.language, track.prefix + track.suffix)
            after = error_nodes(track.language, track.prefix + text + track.suffix)
            assert after <= before, f"{track.language}: {text!r} added parse errors"
            checked += 1
    return checked


CURSORS = [
    ("python", "def add(a, b):\n    return ", "\n"),
    ("typescript", "function f(x: number): number {\n  return ", ";\n}\n"),
    ("rust", "fn main() {\n    let v = ", ";\n}\n"),
    ("go", "package main\n\nfunc f(n int) int {\n\treturn ", "\n}\n"),
]
FREE = lark(r'"let " NAME " = " NUM ";\n"')


@pytest.mark.parametrize("async_scheduling", [False, True], ids=["sync", "async"])
def test_a_mixed_batch_through_adds_removes_moves_and_swaps(tokenizer: ModelTokenizer, async_scheduling: bool) -> None:
    backend = ConstraintBackend(tokenizer)
    state = ConstrainedBatch(ConstraintBackend(tokenizer), [tokenizer.eos_id])
    fake = FakeVLLMPersistentBatch(async_scheduling=async_scheduling)
    tracked: dict[str, Tracked] = {}
    sampler = Sampler(tokenizer, tracked, seed=1)
    requests = [cursor_request(fake, tracked, backend, *c) for c in CURSORS]
    requests.append(grammar_request(fake, tracked, backend, FREE))
    requests.append(plain_request(fake, tracked))
    run(fake, state, sampler, 3)
    fake.remove(requests[1])  # a hole in the middle ...
    later = cursor_request(fake, tracked, backend, "python", "xs = [x * 2 for x in ", "]\n")  # ... taken by a new row
    fake.swap(0, 2)
    run(fake, state, sampler, 3)
    fake.remove(requests[0])
    fake.remove(requests[2])
    fake.condense()  # holes filled by the last rows
    fake.swap(0, 1)
    run(fake, state, sampler, 60)
    assert later.finished and requests[4].finished
    assert sampler.sampled > 20
    assert assert_completions_parse(tokenizer, tracked) >= 3
    free = tracked[requests[4].rid]
    text = tokenizer.decode_bytes(free.tokens or []).decode()
    assert text.startswith("let ") and text.endswith(";\n")


def test_the_prefix_is_pre_fed(tokenizer: ModelTokenizer) -> None:
    """Right after the cursor `return a +`, the row must not allow EOS; after an operand it may."""
    state = ConstrainedBatch(ConstraintBackend(tokenizer), [tokenizer.eos_id])
    fake = FakeVLLMPersistentBatch(async_scheduling=False)
    ctx = context("python", "def f(a):\n    return a +", "\n")
    request = fake.add(cursor_args(ctx, ConstraintLevel.FILE))
    state.apply_batch_update(fake.batch_update())
    masks = np.zeros((1, state.words), dtype=np.int32)
    assert state.fill(1, masks) == 1
    allowed = allowed_tokens(masks[0], tokenizer.vocab_size)
    assert not allowed[tokenizer.eos_id]
    assert not allowed[tokenizer.encode(")")[0]]  # `return a +)` cannot continue this document
    assert allowed[tokenizer.encode(" b")[0]]
    request.output.extend(tokenizer.encode(" b"))
    state.fill(1, masks)
    assert allowed_tokens(masks[0], tokenizer.vocab_size)[tokenizer.eos_id]


def test_a_placeholder_that_is_never_repaired_ends_the_row(tokenizer: ModelTokenizer) -> None:
    """A vLLM without `needs_output_token_ids` support: the row is ended, never masked for a guessed position."""
    state = ConstrainedBatch(ConstraintBackend(tokenizer), [tokenizer.eos_id])
    fake = FakeVLLMPersistentBatch(async_scheduling=True)
    tracked: dict[str, Tracked] = {}
    backend = ConstraintBackend(tokenizer)
    cursor_request(fake, tracked, backend, "python", "def f(a):\n    return ", "\n")
    sampler = Sampler(tokenizer, tracked, seed=4)
    fake.step(state, state.words, sampler, repair_before_apply=False)
    request = fake.rows[0]
    if request.finished:
        pytest.skip("the sampler ended the row at once")
    fake.batch_update()
    masks = np.zeros((1, state.words), dtype=np.int32)
    state.fill(1, masks)
    allowed = np.flatnonzero(allowed_tokens(masks[0], tokenizer.vocab_size))
    assert allowed.tolist() == [tokenizer.eos_id]


def test_block_mode_ends_at_a_dedent(tokenizer: ModelTokenizer) -> None:
    state = ConstrainedBatch(ConstraintBackend(tokenizer), [tokenizer.eos_id])
    fake = FakeVLLMPersistentBatch(async_scheduling=False)
    ctx = context("python", "def f(a):\n    ", "\n", mode="block")
    assert ctx.current_indent == "    "
    request = fake.add(cursor_args(ctx, ConstraintLevel.FILE))
    state.apply_batch_update(fake.batch_update())
    masks = np.zeros((1, state.words), dtype=np.int32)
    request.output.extend(tokenizer.encode("x = a\n    return x\n"))
    state.fill(1, masks)
    assert allowed_tokens(masks[0], tokenizer.vocab_size).sum() > 1  # still inside the block
    request.output.extend(tokenizer.encode("print"))
    state.fill(1, masks)
    assert np.flatnonzero(allowed_tokens(masks[0], tokenizer.vocab_size)).tolist() == [tokenizer.eos_id]


def test_wider_logits_are_masked_beyond_the_vocabulary(tokenizer: ModelTokenizer) -> None:
    """A model's padded logits (more rows than the tokenizer has tokens) stay masked for constrained rows."""
    state = ConstrainedBatch(ConstraintBackend(tokenizer), [tokenizer.eos_id])
    fake = FakeVLLMPersistentBatch(async_scheduling=False)
    fake.add(None)
    fake.add(grammar_args(FREE))
    state.apply_batch_update(fake.batch_update())
    masks = np.zeros((2, state.words + 4), dtype=np.int32)
    assert state.fill(2, masks) == 2
    assert (masks[0] == -1).all()  # unconstrained row: everything
    assert (masks[1, state.words:] == 0).all() and masks[1, : state.words].any()


def test_valid_text_cuts_back_to_where_the_suffix_joins(tokenizer: ModelTokenizer) -> None:
    backend = ConstraintBackend(tokenizer)
    ctx = context("python", "def f(a, b):\n    return ", "\n\nprint(f(1, 2))\n")
    tokens = tokenizer.encode("a + b *")  # cut short by max_tokens mid-expression
    text = tokenizer.decode(tokens)
    assert valid_text(backend.at_cursor(ctx), tokens, text, ended_by_eos=False) == "a + b"
    # EOS is only ever allowed where the suffix joins, so a text that ended with it is kept whole
    assert valid_text(backend.at_cursor(ctx), tokens, text, ended_by_eos=True) == text
    full = tokenizer.encode("a + b  # sum")
    stopped = "a + b  "  # vLLM's text cut at a stop string "#" inside a token
    assert valid_text(backend.at_cursor(ctx), full, stopped, ended_by_eos=False) == "a + b  "


def test_context_survives_the_wire() -> None:
    ctx = context("rust", "impl S {\n    fn f(&self) -> u32 {\n        ", "\n    }\n}\n")
    wire = json.loads(json.dumps(context_to_wire(ctx)))
    assert context_from_wire(wire) == ctx


def test_imports_without_torch_or_vllm() -> None:
    code = ("import sys; sys.modules['torch'] = None; sys.modules['vllm'] = None\n"
            "import maze_inference.engines.vllm as v\n"
            "try:\n    v.MazeLogitsProcessor\nexcept ImportError:\n    print('lazy')\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "lazy"


async def test_load_without_vllm_says_what_to_install() -> None:
    pytest.importorskip("sys")
    try:
        import vllm  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("vllm is installed here")
    engine = VLLMEngine("Qwen/Qwen2.5-Coder-7B")
    with pytest.raises(EngineUnavailable, match=r"maze-lsp\[vllm\]"):
        await engine.load()
    assert not engine.ready


def test_the_torch_layer_masks_only_constrained_rows(tokenizer: ModelTokenizer) -> None:
    """`MazeLogitsProcessor` itself, on CPU, inside stand-in vLLM modules (skipped where torch is absent)."""
    torch = pytest.importorskip("torch", reason="the torch layer needs torch (the vllm extra installs it)")
    from maze_inference.engines.vllm import processor as module

    from tests.fakes import FakeVLLMBatchUpdate, FakeVLLMSamplingParams, fake_vllm_config, fake_vllm_modules

    with fake_vllm_modules():
        processor_class = module._build_processor_class()
        config = fake_vllm_config(str(require_model()), tokenizer.eos_id)
        processor = processor_class(config, torch.device("cpu"), False)
        assert processor.needs_output_token_ids() and not processor.is_argmax_invariant()
        ctx = context("python", "def f(a):\n    return a +", "\n")
        outputs: list[list[int]] = [[], []]
        processor.update_state(FakeVLLMBatchUpdate(2, [], [
            (0, FakeVLLMSamplingParams(None), [1], outputs[0]),
            (1, FakeVLLMSamplingParams(cursor_args(ctx, ConstraintLevel.FILE)), [1], outputs[1]),
        ], []))
        vocab = tokenizer.vocab_size + 64  # padded like a real model's logits
        logits = torch.randn(2, vocab)
        original = logits.clone()
        result = processor.apply(logits)
        assert torch.equal(result[0], original[0])  # unconstrained row untouched
        reference = np.zeros((2, processor.batch.words + 2), dtype=np.int32)
        fresh = ConstrainedBatch(ConstraintBackend(tokenizer), [tokenizer.eos_id])
        fresh.add(1, cursor_args(ctx, ConstraintLevel.FILE), [])
        fresh.fill(2, reference)
        allowed = torch.from_numpy(np.unpackbits(reference[1].view(np.uint8), bitorder="little")[:vocab].astype(bool))
        assert torch.equal(torch.isinf(result[1]), ~allowed)
        assert torch.equal(result[1][allowed], original[1][allowed])
        assert not allowed[tokenizer.eos_id] and allowed[: tokenizer.vocab_size].sum() > 10


# ---- the frontend (`VLLMEngine`) over a stand-in AsyncLLM -----------------------------------------


@pytest.fixture
def fake_vllm():
    from tests.fakes import FakeVLLMAsyncLLM, fake_vllm_modules

    FakeVLLMAsyncLLM.instances.clear()
    with fake_vllm_modules():
        yield FakeVLLMAsyncLLM


async def loaded_engine(**options) -> VLLMEngine:
    engine = VLLMEngine(str(require_model()), max_model_len=2048, **options)
    await engine.load()
    assert engine.ready
    return engine


async def test_completions_through_the_engine_keep_the_document_parsing(fake_vllm) -> None:
    from maze_inference.pipeline import CompletionSettings, complete_at

    engine = await loaded_engine()
    llm = fake_vllm.instances[0]
    assert llm.args["enable_prefix_caching"] and llm.args["max_model_len"] == 2048
    shown = 0
    for language, prefix, suffix in CURSORS * 2:
        lang = get_language(language)
        document = Document(lang, prefix + suffix)
        completion = await complete_at(engine, lang, document.text, document.source, document.tree, len(prefix),
                                       CompletionSettings(max_tokens=12, temperature=0.8, timeout_s=30.0))
        result = completion.result
        assert result is not None and result.engine == "vllm" and result.level == "file"
        assert result.finish_reason in ("stop", "length") and result.completion_tokens <= 12
        if completion.text is not None:
            before = error_nodes(language, prefix + suffix)
            assert error_nodes(language, prefix + completion.text + suffix) <= before
            shown += 1
    assert shown >= 2
    await engine.close()
    assert llm.shut_down


async def test_concurrent_requests_share_the_batch(fake_vllm) -> None:
    from maze_inference.engines.base import CompletionRequest

    engine = await loaded_engine()
    requests = [CompletionRequest(context=context(*cursor), max_tokens=10, temperature=1.0)
                for cursor in CURSORS * 3]
    results = await asyncio.gather(*(engine.complete(r) for r in requests))
    assert all(r.level == "file" for r in results)
    assert fake_vllm.instances[0].widest_step >= 6  # continuous batching: many requests in one step
    await engine.close()


async def test_generate_and_its_stream(fake_vllm) -> None:
    from maze_inference.engines.base import GenerateRequest, GenerateResult

    engine = await loaded_engine()
    grammar = llguidance.LLMatcher.grammar_from_lark(FREE)
    result = await engine.generate(GenerateRequest(prompt="// a binding\n", grammar=grammar, max_tokens=40))
    assert re.fullmatch(r"let [a-z]{2,6}[0-9] = [1-9][0-9]{0,2};\n", result.text), result.text
    items = [item async for item in engine.generate_stream(
        GenerateRequest(prompt="// another\n", grammar=grammar, max_tokens=40))]
    final = items[-1]
    assert isinstance(final, GenerateResult) and all(isinstance(i, str) for i in items[:-1])
    assert "".join(items[:-1]).startswith(final.text.rstrip("\n")[:4])
    assert re.fullmatch(r"let [a-z]{2,6}[0-9] = [1-9][0-9]{0,2};\n", final.text)
    short = await engine.generate(GenerateRequest(prompt="// cut\n", grammar=grammar, max_tokens=3))
    assert short.finish_reason == "length" and short.text == ""  # cut short: back to where the grammar was satisfied
    await engine.close()


async def test_a_deadline_aborts_the_request(fake_vllm) -> None:
    import time

    from maze_inference.engines.base import GenerateRequest

    fake_vllm.step_delay_s = 0.05
    try:
        engine = await loaded_engine()
        result = await engine.generate(GenerateRequest(prompt="x", grammar=None, max_tokens=200,
                                                       deadline=time.monotonic() + 0.3))
        assert result.finish_reason == "deadline" and result.completion_tokens < 200
        assert fake_vllm.instances[0].aborted
        await engine.close()
    finally:
        fake_vllm.step_delay_s = 0.001


async def test_the_service_over_the_vllm_engine(fake_vllm, make_app) -> None:
    """`create_app` with `VLLMEngine`: the service's path is the same whatever the engine."""
    import httpx

    app = make_app(VLLMEngine(str(require_model()), max_model_len=2048))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://maze.test") as http:
        response = await http.post("/v1/complete", json={"prefix": "def f(a):\n    return ", "suffix": "\n",
                                                         "language": "python", "max_tokens": 8})
        assert response.status_code == 200 and response.json()["engine"] == "vllm"
        info = (await http.get("/health")).json()["model_info"]  # the shape a benchmark was measured on
        assert info["hidden_size"] > 0 and info["num_layers"] > 0 and info["num_heads"] >= info["num_kv_heads"] > 0
        assert info["vocab_size"] == 8192 and info["device"] == "stand-in GPU (CPU)"
        assert not any("/" in str(value) for value in info.values())  # no host paths on the open endpoint
        response = await http.post("/v1/generate", json={"prompt": "x", "language": "typescript", "grammar": FREE,
                                                         "max_tokens": 40, "stream": True})
        assert response.status_code == 200 and "event: done" in response.text
