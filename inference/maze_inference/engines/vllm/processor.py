"""The torch layer: maze's cursor constraint as a vLLM V1 logits processor, built lazily.

Importing this module needs neither torch nor vLLM; the class is built on first access of
`MazeLogitsProcessor` (vLLM resolves it by name, `PROCESSOR_FQCN`, in its engine core).


Hypotheses for the probe's ~0.6 s added to every constrained `generate` call
(`/work/shared/probes/vllm_prefix_probe.py`), and what this design does about each:
1. A matcher built per request: `LLMatcher(tokenizer, grammar)` compiles the grammar and builds
   its lexer over the vocabulary. Here grammars are compiled once per variant (and callers'
   grammars once per distinct text, LRU) and each request gets a `deep_copy` (microseconds); the
   languages' grammars are compiled in a background thread when the processor starts, so no
   request (and no batch step) waits for one.
2. `llguidance.torch.apply_token_bitmask_inplace` is `torch.compile(dynamic=True)`: a (re)compile
   on first use and whenever shapes or guards change (batch size 1 vs 32). Here the mask is
   applied with three plain tensor ops (shift, and, masked_fill), never compiled.
3. Host/device traffic: the probe copied a freshly sliced pageable mask every step (a sync). Here
   the packed bitmask (vocab/32 int32 per row) goes from a reused pinned buffer with
   `non_blocking=True`; an event per buffer stops the host from overwriting a copy in flight.
4. Per-row Python work: grammar masks are computed for constrained rows only, in parallel on
   llguidance's thread pool (`LLExecutor`); unconstrained rows are masked only while they heal
   (`healing.py`) or once the decode rules end them, and nothing is masked when no row needs it.
5. vLLM's built-in guidance path also took ~0.6 s in the probe, so part of the constant may be
   shared: the first structured request building llguidance's tokenizer (a one-off, here at
   processor start), or a fixed cost of leaving the CUDA-graph fast path for a logits processor
   that is not argmax-invariant. Measure a second run of the same request to separate one-offs.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from maze_inference.constraint.cursor import ConstraintBackend
from maze_inference.engines.vllm.batch import ConstrainedBatch
from maze_inference.engines.vllm.wire import EXTRA_ARGS_KEY
from maze_inference.tokenization import ModelTokenizer

log = logging.getLogger(__name__)

PROCESSOR_FQCN = f"{__name__}:MazeLogitsProcessor"


def tokenizer_json(name_or_path: str) -> str:
    path = Path(name_or_path)
    if path.is_dir():
        return (path / "tokenizer.json").read_text(encoding="utf-8")
    from huggingface_hub import hf_hub_download  # a vLLM dependency; the file is in its cache already

    return Path(hf_hub_download(name_or_path, "tokenizer.json")).read_text(encoding="utf-8")


def stop_ids(model_config: Any) -> list[int]:
    """Ids that end a generation: the model's `eos_token_id`, plus its generation config's when local."""
    ids: list[int] = []
    for source in (getattr(model_config.hf_config, "eos_token_id", None), _generation_eos(model_config.model)):
        ids += source if isinstance(source, list) else [source] if source is not None else []
    return sorted({int(i) for i in ids})


def _generation_eos(path: str) -> Any:
    config = Path(path) / "generation_config.json"
    if not config.is_file():
        return None
    return json.loads(config.read_text()).get("eos_token_id")


def model_tokenizer(tokenizer_json: str, eos_id: int | None) -> ModelTokenizer:
    """`ModelTokenizer` whose EOS is the model's own (`<|im_end|>` for a chat model, not end-of-text)."""
    import tokenizers

    name = tokenizers.Tokenizer.from_str(tokenizer_json).id_to_token(eos_id) if eos_id is not None else None
    return ModelTokenizer(tokenizer_json, eos_token=name or "<|endoftext|>")


def warm_grammars(backend: ConstraintBackend, indent_units: Sequence[str] = ("    ", "  ")) -> None:
    """Compile every language's file-level grammar for common indentations, off the engine's thread.

    A variant is otherwise compiled (grammar + lexer over the whole vocabulary) by the first request
    that needs it, inside `update_state`, which would stall every row of that step.
    """
    from maze_inference.constraint.grammars import GrammarVariant
    from maze_inference.languages import LANGUAGES

    started = time.perf_counter()
    for grammar in dict.fromkeys(language.grammar for language in LANGUAGES):
        for unit in indent_units:
            try:
                backend.matcher(GrammarVariant(grammar, unit))
            except Exception as exc:  # noqa: BLE001 - a broken grammar is reported when a request needs it
                log.warning("grammar %s (indent %r) did not compile: %s", grammar, unit, exc)
    log.info("maze grammars compiled in %.1f s", time.perf_counter() - started)


def _build_processor_class() -> type:
    import torch
    from vllm.v1.sample.logits_processor import LogitsProcessor

    class MazeLogitsProcessor(LogitsProcessor):
        """maze's cursor constraint as a vLLM V1 logits processor (see the module docstring)."""

        def __init__(self, vllm_config: Any, device: torch.device, is_pin_memory: bool) -> None:
            model_config = vllm_config.model_config
            eos_ids = stop_ids(model_config)
            eos = getattr(model_config.hf_config, "eos_token_id", None)
            eos = eos[0] if isinstance(eos, list) else eos
            tokenizer = model_tokenizer(tokenizer_json(model_config.tokenizer), eos)
            self.batch = ConstrainedBatch(ConstraintBackend(tokenizer), eos_ids)
            threading.Thread(target=warm_grammars, args=(self.batch.backend,), name="maze-grammar-warmup",
                             daemon=True).start()
            self.device = device
            self.pin = is_pin_memory
            self._host: list[torch.Tensor] = []
            self._events: list[Any] = []
            self._turn = 0
            self._shifts = torch.arange(32, dtype=torch.int32, device=device)
            log.info("maze logits processor ready (vocab %d, eos %s)", tokenizer.vocab_size, eos_ids)

        @classmethod
        def validate_params(cls, sampling_params: Any) -> None:
            spec = (getattr(sampling_params, "extra_args", None) or {}).get(EXTRA_ARGS_KEY)
            if spec is not None and spec.get("kind") not in ("cursor", "grammar"):
                raise ValueError(f"extra_args[{EXTRA_ARGS_KEY!r}] has an unknown kind {spec.get('kind')!r}")

        def is_argmax_invariant(self) -> bool:
            return False  # masking changes the argmax

        def needs_output_token_ids(self) -> bool:
            return True  # real ids instead of -1 placeholders under async scheduling

        def update_state(self, batch_update: Any) -> None:
            self.batch.apply_batch_update(batch_update)

        def apply(self, logits: torch.Tensor) -> torch.Tensor:
            if not self.batch.rows:
                return logits
            rows, vocab = logits.shape
            host = self._host_buffer(rows, (vocab + 31) // 32)
            used = self.batch.fill(rows, host[0].numpy(), host[1].numpy())
            if not used:
                return logits
            masks = host[0, :used].to(self.device, non_blocking=True)
            first_only = host[1, :used].to(self.device, non_blocking=True) if self.batch.first_only_used else None
            if self._events:
                self._events[self._turn].record()
            allowed = self._unpack(masks, vocab)
            if first_only is not None:  # tokens a row may take only as its first choice over the raw logits
                first = logits[:used].argmax(dim=-1, keepdim=True)
                allowed.scatter_(1, first, allowed.gather(1, first) | self._unpack(first_only, vocab).gather(1, first))
            logits[:used].masked_fill_(~allowed, float("-inf"))
            return logits

        def _unpack(self, packed: torch.Tensor, vocab: int) -> torch.Tensor:
            bits = (packed.unsqueeze(-1) >> self._shifts) & 1  # [used, words, 32]
            return bits.view(packed.shape[0], -1)[:, :vocab].bool()

        def _host_buffer(self, rows: int, words: int) -> torch.Tensor:
            """A pinned [2, rows, words] buffer (masks, first-only tokens) not being copied from: two
            alternate, each guarded by an event."""
            if not self._host or self._host[0].shape[1] < rows or self._host[0].shape[2] != words:
                size = max(rows, 64)
                self._host = [torch.empty((2, size, words), dtype=torch.int32, pin_memory=self.pin) for _ in range(2)]
                self._events = [torch.cuda.Event() for _ in range(2)] if self.device.type == "cuda" else []
            self._turn ^= 1
            if self._events:
                self._events[self._turn].synchronize()
            return self._host[self._turn]

    MazeLogitsProcessor.__module__ = __name__
    return MazeLogitsProcessor


_processor_class: type | None = None


def __getattr__(name: str) -> Any:
    """`MazeLogitsProcessor` is built on first access, so this module imports without torch or vLLM."""
    global _processor_class
    if name == "MazeLogitsProcessor":
        if _processor_class is None:
            _processor_class = _build_processor_class()
        return _processor_class
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def supports_async_scheduling() -> bool:
    """Whether this vLLM repairs output placeholders for processors that ask (`needs_output_token_ids`)."""
    from vllm.v1.sample.logits_processor import LogitsProcessor

    return hasattr(LogitsProcessor, "needs_output_token_ids")
