"""The model's tokenizer, seen the way generation and constraints need it.

One object holds the Hugging Face `tokenizers` tokenizer (for prompts), llguidance's view of the
same vocabulary (for matchers), and each token's bytes (to spot newlines and decode without
per-token Python work). User text is encoded with special tokens disabled, so a document that
contains the literal text `<|fim_middle|>` cannot steer the prompt.
"""

from __future__ import annotations

import functools
from pathlib import Path

import llguidance
import tokenizers

from maze_inference.healing import HealIndex


class ModelTokenizer:
    def __init__(self, tokenizer_json: str, *, eos_token: str = "<|endoftext|>") -> None:
        self.hf = tokenizers.Tokenizer.from_str(tokenizer_json)
        self.hf.encode_special_tokens = True  # document text never becomes control tokens
        eos = self.hf.token_to_id(eos_token)
        if eos is None:
            raise ValueError(f"tokenizer has no {eos_token!r} token")
        self.eos_id = eos
        self.vocab_size = self.hf.get_vocab_size(with_added_tokens=True)
        self.llg = llguidance.LLTokenizer(tokenizer_json, n_vocab=self.vocab_size, eos_token=eos)
        self.token_bytes: tuple[bytes, ...] = tuple(
            b"" if self.llg.is_special_token(i) else self.llg.decode_bytes([i]) for i in range(self.vocab_size)
        )
        self.newline_ids = frozenset(i for i, b in enumerate(self.token_bytes) if b"\n" in b)

    @functools.cached_property
    def heal_index(self) -> HealIndex:
        """Built on first use: a sort of the vocabulary that only token healing needs."""
        return HealIndex(self.token_bytes)

    @classmethod
    def from_file(cls, path: str | Path, **kwargs: str) -> ModelTokenizer:
        return cls(Path(path).read_text(encoding="utf-8"), **kwargs)

    def special_id(self, token: str) -> int:
        token_id = self.hf.token_to_id(token)
        if token_id is None:
            raise ValueError(f"tokenizer has no special token {token!r}")
        return token_id

    def encode(self, text: str) -> list[int]:
        """Token ids for document text (special-token strings stay plain text)."""
        return self.hf.encode(text, add_special_tokens=False).ids if text else []

    def decode_bytes(self, ids: list[int]) -> bytes:
        return b"".join(self.token_bytes[i] for i in ids)

    def decode(self, ids: list[int]) -> str:
        return self.decode_bytes(ids).decode("utf-8", "replace")


@functools.lru_cache(maxsize=4)
def load_tokenizer(path: str) -> ModelTokenizer:
    """Tokenizers are immutable and costly to build (the llguidance trie): share one per file."""
    return ModelTokenizer.from_file(path)
