"""The fuzzer's model: a seeded random-weight network, biased towards a grammar's own keywords and
punctuation, that stands in for the real model so that decoding under the grammar fuzzes it. It
needs no weights and runs on CPU with numpy, so the fuzz runs anywhere and is reproducible.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Sequence

import numpy as np
from maze_inference.constraint.grammars import grammars_dir
from maze_inference.tokenization import ModelTokenizer
from numpy.typing import NDArray

_LITERAL = re.compile(r'"((?:[^"\\\n]|\\.)*)"i?')


@functools.cache
def grammar_literals(grammar: str) -> frozenset[bytes]:
    """The quoted strings of a grammar and its sub-grammars: its keywords and punctuation."""
    found: set[bytes] = set()
    for path in sorted(grammars_dir().glob(f"{grammar}*.lark")):
        if path.stem != grammar and not path.stem.startswith(grammar + "."):
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            for match in _LITERAL.finditer(line.split("//", 1)[0] if not line.lstrip().startswith("%") else line):
                text = re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), match.group(1))
                if text.strip():
                    found.add(text.strip().encode("utf-8"))
    return frozenset(found)


def token_prior(tok: ModelTokenizer, literals: frozenset[bytes]) -> NDArray[np.float32]:
    """A unigram bias that makes a random model a useful code fuzzer.

    Uniform sampling under a grammar mask is dominated by identifier pieces (thousands of them fit
    wherever a name does, and a name can always grow), so the model would mostly write long names.
    The bias favours the grammar's own keywords and punctuation, whitespace and line breaks, and the
    end of text, which makes it try the constructs and the joins the grammar has to get right.
    """
    prior = np.zeros(tok.vocab_size, dtype=np.float32)
    for token, data in enumerate(tok.token_bytes):
        if not data:
            prior[token] = -30.0  # special tokens (never allowed by a grammar anyway)
            continue
        stripped = data.strip()
        score = -0.12 * len(data)
        if not stripped:
            score += 2.5  # whitespace, newlines, indentation
        elif stripped in literals:
            score += 3.0  # a keyword or an operator of this grammar
        elif not any(chr(b).isalnum() or b == ord("_") or b >= 0x80 for b in stripped):
            score += 1.5  # other punctuation
        elif data[:1].isalnum() or data[:1] == b"_":
            score -= 1.0  # glued to what precedes: grows a name
        prior[token] = score
    prior[tok.eos_id] = 2.0
    return prior


class FuzzModel:
    """A seeded one-layer random network over the tokenizer's vocabulary: `LogitsModel` on CPU, numpy only.

    logits(next | last) = (tanh(E[last]) @ W + prior) / T + Gumbel noise. The random embedding and
    projection give every previous token its own preferences (a random bigram model in low rank); the
    prior (`token_prior`) steers it towards the grammar's keywords and punctuation. The sampling noise
    is part of the model, so the decoder runs greedy: its argmax of these logits is a sample at
    temperature T, and when the grammar refuses it, the next best is a sample from the rest (greedy
    decoding also never meets an all-refused distribution as a probability vector).
    """

    def __init__(self, tok: ModelTokenizer, literals: frozenset[bytes] = frozenset(), seed: int = 0,
                 dim: int = 32, scale: float = 2.0) -> None:
        rng = np.random.default_rng(seed)
        self.vocab = tok.vocab_size
        self.start = tok.eos_id
        self.embedding = np.tanh(rng.standard_normal((self.vocab, dim)).astype(np.float32))
        self.projection = (rng.standard_normal((dim, self.vocab)) * scale / math.sqrt(dim)).astype(np.float32)
        self.prior = token_prior(tok, literals)
        self.temperature = 1.0
        self.noise = np.random.default_rng(seed)

    def reseed(self, seed: int, temperature: float = 1.0) -> None:
        """Start a new generation's sampling noise (the weights stay)."""
        self.noise = np.random.default_rng(seed)
        self.temperature = temperature

    def logits_after(self, token: int) -> NDArray[np.float32]:
        logits = self.embedding[token] @ self.projection + self.prior
        if self.temperature > 0:
            logits = logits / self.temperature + self.noise.gumbel(size=self.vocab).astype(np.float32)
        return logits

    def prefill(self, ids: Sequence[int]) -> NDArray[np.float32]:
        return self.logits_after(ids[-1] if ids else self.start)

    def step(self, token: int) -> NDArray[np.float32]:
        return self.logits_after(token)

    @property
    def reused_tokens(self) -> int:
        return 0
