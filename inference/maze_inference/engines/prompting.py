"""What every engine makes of a completion request: the FIM prompt with its healed bytes, and the decode
settings. One builder for the local engines and the vLLM engine, so the same checkpoint is asked the
same question on either path.

The prompt is what training shows the model (`maze_workshop.model.data.encode_plans`): repository context
first (`workspace.repository.context_tokens`, in the room the file's window leaves), then the file's FIM
layout (`prompts.fim_layout`). Token healing (`healing.py`) takes the prefix's last token off the
prompt; the output must reproduce its bytes first.
"""

from __future__ import annotations

from dataclasses import dataclass

from maze_inference.context import CursorContext, Mode
from maze_inference.decode_run import DecodeSettings
from maze_inference.engines.base import CompletionRequest
from maze_inference.prompts import FimIds, PromptWindow, fim_layout, prefix_tokens, suffix_tokens
from maze_inference.tokenization import ModelTokenizer
from maze_inference.workspace.repository import RepositoryContext, context_tokens

SUFFIX_CHARS = 2000  # what the decode rules compare re-typed text with


@dataclass(frozen=True)
class CursorPrompt:
    ids: list[int]
    heal: bytes  # the bytes of the prefix's last token, taken off the prompt: the output starts with them


def cursor_prompt(tok: ModelTokenizer, fim: FimIds, context: CursorContext, window: PromptWindow,
                  repository: RepositoryContext | None, max_positions: int, max_new: int) -> CursorPrompt:
    """The prompt for a completion of at most `max_new` tokens by a model of `max_positions` positions.

    The window shrinks to fit (`PromptWindow.fitted`); its left edge moves in steps, so the prompt's
    start stays put while the user types and KV caches (the engine's own, vLLM's prefix cache) are reused.
    """
    room = max(16, max_positions - max_new)
    window = window.fitted(room)
    suffix_ids = suffix_tokens(tok.encode, context.suffix, window)
    prefix_ids = prefix_tokens(tok.encode, context.prefix, context.prefix_start, window)
    heal = tok.token_bytes[prefix_ids.pop()] if prefix_ids else b""
    layout = fim_layout(fim, prefix_ids, suffix_ids)
    return CursorPrompt(context_tokens(fim, tok.encode, repository, room - len(layout) - 1) + layout, heal)


def block_indent(context: CursorContext) -> int:
    return len(context.current_indent) if context.mode is Mode.BLOCK else 0


def decode_settings(request: CompletionRequest, heal: bytes, *, active: bool) -> DecodeSettings:
    """The decode rules' settings for `request`; `active`: a grammar constrains it (the ending check is
    asked only then: the raw unconstrained baseline decodes without it)."""
    context = request.context
    return DecodeSettings(
        max_tokens=request.max_tokens,
        temperature=request.temperature,
        mode=context.mode,
        block_indent=block_indent(context),
        stop=request.stop,
        seed=request.seed,
        heal=heal,
        suffix=context.suffix[:SUFFIX_CHARS],
        guards=request.constrained,
        must_write=not context.line_prefix.strip() and not context.line_suffix.strip(),
        ending_check=request.ending_check if active else None,
    )
