"""The FIM prompt: one layout for every engine and for training, so a model sees at inference what it learnt.

Layouts (token names default to Qwen2.5-Coder's):
  PSM  <|fim_prefix|>P<|fim_suffix|>S<|fim_middle|>            then the middle
  SPM  <|fim_prefix|><|fim_suffix|>S<|fim_middle|>P            then the middle
       (the SPM variant of Bavarian et al. 2022, appendix D, also Code Llama's: the prefix comes last,
       so typing at the cursor only appends tokens and the KV cache of the last request stays valid)

Repository context (Qwen2.5-Coder's repository format) goes before either layout:
  <|repo_name|>NAME\\n<|file_sep|>PATH\\nTEXT ... <|file_sep|>CURRENT_PATH\\n  then the FIM layout
so the context, which changes rarely, is the cached part of the prompt.

Pure: token ids in, token ids out; imports nothing heavier than the standard library (the trainer on
the GPU machine imports it too).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path


class FimOrder(str, Enum):
    PSM = "psm"
    SPM = "spm"


@dataclass(frozen=True)
class FimFormat:
    """Special-token names of a FIM model and the order it was trained with."""

    prefix: str = "<|fim_prefix|>"
    suffix: str = "<|fim_suffix|>"
    middle: str = "<|fim_middle|>"
    order: FimOrder = FimOrder.PSM
    repo_name: str = "<|repo_name|>"
    file_sep: str = "<|file_sep|>"

    def __post_init__(self) -> None:
        object.__setattr__(self, "order", FimOrder(self.order))


def fim_format_of(model_dir: Path) -> FimFormat:
    """The FIM format a model folder declares in `maze_model.json` (maze's own checkpoints), else Qwen's PSM."""
    config = model_dir / "maze_model.json"
    if config.is_file():
        return FimFormat(**json.loads(config.read_text()).get("fim", {}))
    return FimFormat()


@dataclass(frozen=True)
class FimIds:
    """The ids of a `FimFormat`'s tokens in one tokenizer (`repo_name`/`file_sep` None if it lacks them)."""

    prefix: int
    suffix: int
    middle: int
    order: FimOrder
    repo_name: int | None = None
    file_sep: int | None = None

    @classmethod
    def resolve(cls, fim: FimFormat, token_id: Callable[[str], int | None]) -> FimIds:
        ids = [token_id(name) for name in (fim.prefix, fim.suffix, fim.middle)]
        if any(i is None for i in ids):
            raise ValueError(f"the tokenizer lacks FIM tokens {fim.prefix}, {fim.suffix}, {fim.middle}")
        return cls(ids[0], ids[1], ids[2], fim.order, token_id(fim.repo_name), token_id(fim.file_sep))  # type: ignore[arg-type]

    @property
    def has_repo_tokens(self) -> bool:
        return self.repo_name is not None and self.file_sep is not None


def fim_layout(ids: FimIds, prefix: Sequence[int], suffix: Sequence[int]) -> list[int]:
    """The FIM part of a prompt; the model continues with the middle (training appends middle + EOS)."""
    if ids.order is FimOrder.SPM:
        return [ids.prefix, ids.suffix, *suffix, ids.middle, *prefix]
    return [ids.prefix, *prefix, ids.suffix, *suffix, ids.middle]


@dataclass(frozen=True)
class ContextFile:
    """Another file of the repository, as the prompt shows it (already cut to its budget)."""

    path: str
    text: str


def repo_context(ids: FimIds, encode: Callable[[str], list[int]], repo: str, files: Sequence[ContextFile],
                 current_path: str) -> list[int]:
    """`<|repo_name|>repo\\n` + `<|file_sep|>path\\ntext` per file + `<|file_sep|>current_path\\n`.

    Empty when the tokenizer has no repository tokens or there is nothing to show: the plain FIM
    prompt is then exactly what a model without repository training expects.
    """
    if not ids.has_repo_tokens or not files:
        return []
    out: list[int] = [ids.repo_name, *encode(repo + "\n")]  # type: ignore[list-item]
    for file in files:
        text = file.text if file.text.endswith("\n") else file.text + "\n"
        out += [ids.file_sep, *encode(f"{file.path}\n{text}")]  # type: ignore[list-item]
    out += [ids.file_sep, *encode(current_path + "\n")]  # type: ignore[list-item]
    return out


@dataclass(frozen=True)
class PromptWindow:
    """Prompt sizes in tokens, and the step that keeps the prompt's left edge still while typing."""

    prefix_tokens: int = 384
    suffix_tokens: int = 128
    anchor_chars: int = 1024  # the left edge sits on a multiple of this (then the next line start)

    def fitted(self, room: int) -> PromptWindow:
        """This window, shrunk in proportion where prefix + suffix (+ 3 FIM tokens) would not fit in `room`."""
        wanted = self.prefix_tokens + self.suffix_tokens + 3
        if wanted <= room:
            return self
        scale = max(room - 3, 2) / (wanted - 3)
        return PromptWindow(max(1, int(self.prefix_tokens * scale)), max(1, int(self.suffix_tokens * scale)),
                            self.anchor_chars)


def prefix_tokens(encode: Callable[[str], list[int]], prefix: str, prefix_start: int, window: PromptWindow) -> list[int]:
    """The prefix's tokens, from a left edge that moves in `anchor_chars` steps, not per keystroke.

    "The last N tokens" would shift the prompt by a token per keystroke and miss every KV cache (the
    engine's own, and vLLM's prefix cache across users). The edge is a function of the cursor's
    absolute offset only, so it is stateless: the same request gives the same prompt whatever came
    before it. `prefix` is the text before the cursor from absolute offset `prefix_start`.
    """
    cursor = prefix_start + len(prefix)
    step = window.anchor_chars
    start = max(prefix_start, (cursor - window.prefix_tokens * 4) // step * step)
    while True:
        text = prefix[start - prefix_start :]
        if start > prefix_start:  # start on a line, not mid-token
            newline = text.find("\n")
            text = text[newline + 1 :] if 0 <= newline < len(text) - 1 else text
        ids = encode(text)
        if len(ids) <= window.prefix_tokens or start + step >= cursor:
            return ids[-window.prefix_tokens :]
        start += step  # too many tokens: move the edge by whole steps, so it still stays put while typing


def suffix_tokens(encode: Callable[[str], list[int]], suffix: str, window: PromptWindow) -> list[int]:
    return encode(suffix[: window.suffix_tokens * 8])[: window.suffix_tokens]
