"""The vLLM engine: continuous batching on a GPU, constrained by maze's own constraint core.

vLLM's built-in structured output compiles a grammar and starts it at the first generated token;
a completion must instead continue *this document*, so the grammar has to have consumed the text
from the restart point to the cursor first. That is what `ConstraintBackend.at_cursor` does for
the local engines, and here it runs inside a vLLM V1 logits processor (`MazeLogitsProcessor`):

* The frontend (`VLLMEngine`, in the API process) walks the fallback ladder once to know the
  restart level, builds the FIM prompt, and sends the cursor context to the engine core in
  `SamplingParams.extra_args["maze"]`.
* The prompt is the local engines' (`engines/prompting.py`: repository context, the FIM layout, the
  prefix's last token taken off for token healing), so the same checkpoint sees the same prompt.
* The processor (in vLLM's engine-core process) builds the same constraint from that context on a
  matcher copied from a cached, compiled template (`ConstraintBackend` on the model's own
  `tokenizer.json`), keeps one per batch row through `BatchUpdate`'s removed/added/moved, and runs
  the local decoder's rules (`decode_run.py`) over the row's new output tokens. It masks the rows
  that need it: grammar masks for constrained rows, with end-of-text only where the suffix still
  joins (`CursorConstraint.joins_suffix`); the healed bytes first (`healing.py`); and a row the rules
  end (a line's end, a dedent, a loop, the suffix re-typed) gets end-of-text only.
* After generation the frontend replays the tokens through the same rules (`decode_run.replay`), with
  the model's raw top choices from vLLM's log-probabilities, so it shows the text the local loop would
  show for them; the pipeline's final check is asked of the ending and of every cut back
  (`DecodeSettings.ending_check`), and the join points go back for the pipeline's trims. What the
  local loop does that a GPU batch cannot (resample after the final check refuses an ending, restart
  from a dead end) ends in a cut back instead.

Async scheduling: vLLM may schedule step t+1 before step t's token is on the host, so a
processor's view of a row's output ends in a -1 placeholder. A processor that returns True from
`needs_output_token_ids()` gets the placeholders replaced with the real ids right before
sampling, i.e. before `apply`, so this one consumes tokens in `apply` (never in `update_state`)
and only ids >= 0; the mask is then for the position being sampled. On a vLLM without that hook
the engine turns async scheduling off, because there the last id stays -1 and no correct mask
could be computed.

Modules: `wire` (the context on its way to the engine core), `batch` (per-row constraints and
masks, numpy only), `processor` (the torch layer vLLM loads), `engine` (the frontend), `results`
(the frontend's reading of vLLM's output). Importing
this package needs neither torch nor vLLM.
"""

from __future__ import annotations

from typing import Any

from maze_inference.decode_run import allowed_from_bitmask as allowed_tokens  # a bitmask row as booleans
from maze_inference.engines.vllm.batch import ConstrainedBatch, GrammarTemplates, RowState
from maze_inference.engines.vllm.engine import VLLMEngine
from maze_inference.engines.vllm.processor import PROCESSOR_FQCN
from maze_inference.engines.vllm.results import valid_text
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
           "VLLMEngine", "allowed_tokens", "context_from_wire", "context_to_wire", "cursor_args",
           "grammar_args", "valid_text"]
