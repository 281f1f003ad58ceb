"""The vLLM engine: continuous batching on a GPU, constrained by maze's own constraint core.

vLLM's built-in structured output compiles a grammar and starts it at the first generated token;
a completion must instead continue *this document*, so the grammar has to have consumed the text
from the restart point to the cursor first. That is what `ConstraintBackend.at_cursor` does for
the local engines, and here it runs inside a vLLM V1 logits processor (`MazeLogitsProcessor`):

* The frontend (`VLLMEngine`, in the API process) walks the fallback ladder once to know the
  restart level, builds the FIM prompt, and sends the cursor context to the engine core in
  `SamplingParams.extra_args["maze"]`.
* The processor (in vLLM's engine-core process) builds the same constraint from that context on a
  matcher copied from a cached, compiled template (`ConstraintBackend` on the model's own
  `tokenizer.json`), keeps one per batch row through `BatchUpdate`'s removed/added/moved, feeds it
  the row's new output tokens, and masks the logits of constrained rows only. End-of-text is
  allowed only where the suffix still joins (`CursorConstraint.joins_suffix`), as in the local
  decode loop.
* After generation the frontend replays the output through its own matcher and cuts a text that
  stopped early (length, deadline, a stop string) back to the last point where the suffix joined,
  like `decoding._final_text`.

Async scheduling: vLLM may schedule step t+1 before step t's token is on the host, so a
processor's view of a row's output ends in a -1 placeholder. A processor that returns True from
`needs_output_token_ids()` gets the placeholders replaced with the real ids right before
sampling, i.e. before `apply`, so this one consumes tokens in `apply` (never in `update_state`)
and only ids >= 0; the mask is then for the position being sampled. On a vLLM without that hook
the engine turns async scheduling off, because there the last id stays -1 and no correct mask

Modules: `wire` (the context on its way to the engine core), `batch` (per-row constraints and
masks, numpy only), `processor` (the torch layer vLLM loads), `engine` (the frontend). Importing
this package needs neither torch nor vLLM.
"""

from __future__ import annotations

from typing import Any

from maze_inference.engines.vllm.batch import ConstrainedBatch, GrammarTemplates, RowState, allowed_tokens
from maze_inference.engines.vllm.engine import VLLMEngine, fim_prompt, valid_text
from maze_inference.engines.vllm.processor import PROCESSOR_FQCN
from maze_inference.engines.vllm.wire import (
    EXTRA_ARGS_KEY,
    context_from_wire,
    context_to_wire,
    cursor_args,
    grammar_args,
)


def __getattr__(name: str) -> Any:
    """`MazeLogitsProcessor` from `processor`, built (importing torch and vLLM) only when asked for."""
    if name == "MazeLogitsProcessor":
        from maze_inference.engines.vllm import processor

        return processor.MazeLogitsProcessor
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["EXTRA_ARGS_KEY", "PROCESSOR_FQCN", "ConstrainedBatch", "GrammarTemplates", "RowState",
           "VLLMEngine", "allowed_tokens", "context_from_wire", "context_to_wire", "cursor_args", "fim_prompt",
           "grammar_args", "valid_text"]
