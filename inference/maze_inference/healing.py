"""Token healing, shared by the local decode loop and the vLLM processor.

The cursor usually splits a token (`    ` before `return`, `pri` of `print`), and a prompt that ends on
such a piece is one the model never saw in training. So the prompt's last token is taken off and the
output must start with its bytes (the "heal") instead. While healing, a token is allowed when its bytes
are a non-empty prefix of what is left of the heal, or start with all of it and go on with text the
grammar accepts. Finding those tokens by bisection over the sorted vocabulary, and judging a remainder
by the grammar's mask where the remainder is itself one token, keeps this cheap for a 150k vocabulary,
where a pass over every token with a grammar call each would take tens of milliseconds.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import NDArray


def healed_bytes(data: bytes, heal: bytes) -> bytes | None:
    """What a token of bytes `data` adds to the output while `heal` is still owed; None if it contradicts it.

    b"" means the token reproduces part of the heal and adds nothing yet.
    """
    if not heal:
        return data
    if heal.startswith(data):
        return b"" if data else None
    if data.startswith(heal):
        return data[len(heal) :]
    return None


class HealIndex:
    """The vocabulary sorted by bytes, to find the tokens that can continue a healed prompt."""

    def __init__(self, token_bytes: Sequence[bytes]) -> None:
        self._bytes = token_bytes
        order = sorted((data, token) for token, data in enumerate(token_bytes) if data)
        self._keys = [data for data, _ in order]
        self._ids = [token for _, token in order]
        self._single: dict[bytes, int] = {}
        for data, token in reversed(order):
            self._single[data] = token  # the lowest id spelling these bytes

    def token_for(self, data: bytes) -> int | None:
        """A token whose bytes are exactly `data`, if the vocabulary has one."""
        return self._single.get(data)

    def starting_with(self, data: bytes) -> list[int]:
        """Every token whose bytes start with `data` (`data` itself included)."""
        keys, out = self._keys, []
        k = bisect.bisect_left(keys, data)
        while k < len(keys) and keys[k].startswith(data):
            out.append(self._ids[k])
            k += 1
        return out

    def candidates(self, heal: bytes) -> list[int]:
        """The tokens `healed_bytes` does not refuse: non-empty prefixes of `heal`, and tokens starting with it."""
        out = []
        for size in range(1, len(heal)):
            k = bisect.bisect_left(self._keys, heal[:size])
            while k < len(self._keys) and self._keys[k] == heal[:size]:
                out.append(self._ids[k])
                k += 1
        return out + self.starting_with(heal)

    def allowed(self, heal: bytes, grammar: NDArray[np.int32] | None, accepts: Callable[[bytes], bool]) -> list[int]:
        """The candidates whose added text the grammar accepts.

        `grammar` is the grammar's allowed-token bitmask at the cursor (None: no grammar): a remainder
        spelled by one token is judged by that token's bit (the grammar reads bytes, so the bit answers
        for those bytes); any other remainder by `accepts`, once the bit of its longest leading token
        says it may be.
        """
        out = []
        for token in self.candidates(heal):
            data = self._bytes[token]
            rest = data[len(heal) :] if len(data) > len(heal) else b""
            if not rest or grammar is None:
                out.append(token)
                continue
            # The longest token spelling a start of the remainder: the grammar must allow it (a text the
            # grammar accepts has every start accepted), and where it spells all of it, its bit decides.
            prefix = next((t for size in range(len(rest), 0, -1) if (t := self._single.get(rest[:size])) is not None),
                          None)
            if prefix is None or not mask_allows(grammar, prefix):
                continue
            if self._bytes[prefix] == rest or accepts(rest):
                out.append(token)
        return out


def mask_allows(mask: NDArray[np.int32], token: int) -> bool:
    """Whether llguidance's packed bitmask (32 tokens per int32 word) allows `token`."""
    word, bit = divmod(token, 32)
    return word < mask.shape[0] and bool((int(mask[word]) >> bit) & 1)
