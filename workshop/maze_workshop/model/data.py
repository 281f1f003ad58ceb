"""Training examples for the FIM model: character-level fill-in-the-middle over document chunks.

The cursor of a completion request can sit anywhere, also inside what would be one token, so the
middle span is cut from the text before tokenising (prefix, middle and suffix are tokenised apart,
exactly as the engine tokenises the text left and right of the cursor). Spans follow how completions
are asked for: mostly "rest of this line", then a few whole lines, then arbitrary spans.

Formats (token ids of the specials are read from the tokenizer):
  PSM    <|fim_prefix|>P<|fim_suffix|>S<|fim_middle|>M<|endoftext|>
  SPM    <|fim_prefix|><|fim_suffix|>S<|fim_middle|>P M<|endoftext|>
         (the SPM variant of Bavarian et al. 2022, "Efficient Training of Language Models to Fill in the
         Middle", appendix D, also used by Code Llama: prefix and middle stay adjacent at the end)
  plain  text, + <|endoftext|> where the document ends
Imports only the standard library, numpy, torch and tokenizers: this runs on the GPU machine.
"""

from __future__ import annotations

import json
import lzma
import os
import random
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from tokenizers import Tokenizer


@dataclass(frozen=True)
class Specials:
    eos: int
    prefix: int
    middle: int
    suffix: int
    pad: int

    @classmethod
    def of(cls, tok: Tokenizer) -> Specials:
        ids = [tok.token_to_id(t) for t in
               ("<|endoftext|>", "<|fim_prefix|>", "<|fim_middle|>", "<|fim_suffix|>", "<|fim_pad|>")]
        if any(i is None for i in ids):
            raise ValueError("tokenizer lacks the FIM special tokens")
        return cls(*ids)  # type: ignore[arg-type]


def load_docs(paths: list[Path]) -> dict[str, list[str]]:
    """Texts by language from xz JSONL files of {"lang", "path", "text"}."""
    def read(path: Path) -> str:  # lzma releases the GIL: shards decompress in parallel
        with lzma.open(path, "rt", encoding="utf-8") as fh:
            return fh.read()

    out: dict[str, list[str]] = {}
    with ThreadPoolExecutor(max_workers=min(16, len(paths) or 1)) as pool:
        for text in pool.map(read, paths):
            for line in text.splitlines():
                if line.strip():
                    doc = json.loads(line)
                    out.setdefault(doc["lang"], []).append(doc["text"])
    return out


def chunks(text: str, rng: random.Random, max_chars: int) -> list[str]:
    """Consecutive pieces of `text` cut at line ends, each 30-100 % of `max_chars` long (so that one
    example fits a training sequence and its FIM context looks like an editor window)."""
    out: list[str] = []
    start = 0
    while start < len(text):
        want = int(max_chars * rng.uniform(0.3, 1.0))
        end = start + want
        if end < len(text):
            cut = text.rfind("\n", start + want // 2, end)
            end = cut + 1 if cut >= 0 else end
        out.append(text[start:end])
        start = end
    return out


def fim_split(text: str, rng: random.Random) -> tuple[str, str, str]:
    """(prefix, middle, suffix) of `text`: 40 % rest of a line from a random point (the middle ends
    before the newline, so stopping at the line end is learnt; a third of these put the cursor right
    after the line's indentation, where an editor leaves it after Enter), 30 % one to five whole lines,
    30 % a uniformly random span."""
    n = len(text)
    r = rng.random()
    if n == 0:
        return "", "", ""
    if r < 0.4:
        i = rng.randrange(n)
        j = text.find("\n", i)
        j = n if j < 0 else j
        if rng.random() < 1 / 3:
            start = text.rfind("\n", 0, i) + 1
            line = text[start:j]
            i = start + len(line) - len(line.lstrip(" \t"))
    elif r < 0.7:
        starts = [0] + [k + 1 for k, c in enumerate(text) if c == "\n" and k + 1 < n]
        a = rng.randrange(len(starts))
        b = a + rng.randint(1, 5)
        i, j = starts[a], (starts[b] if b < len(starts) else n)
    else:
        i, j = sorted((rng.randrange(n + 1), rng.randrange(n + 1)))
    return text[:i], text[i:j], text[j:]


def encode_examples(tok: Tokenizer, sp: Specials, texts: list[tuple[str, bool]], rng: random.Random,
                    fim_rate: float, spm_rate: float) -> list[tuple[list[int], int]]:
    """Token ids of one example per (text, ends its document), with the index where the scored middle
    starts (0 if plain). A plain chunk ends in EOS only where its document ends: EOS means "done", so
    it must not follow a cut in the middle of a file."""
    plans: list[tuple[str, int, bool]] = []  # mode, first piece index, ends document
    pieces: list[str] = []
    for text, last in texts:
        if rng.random() < fim_rate:
            p, m, s = fim_split(text, rng)
            plans.append(("spm" if rng.random() < spm_rate else "psm", len(pieces), last))
            pieces += [p, m, s]
        else:
            plans.append(("plain", len(pieces), last))
            pieces.append(text)
    enc = [e.ids for e in tok.encode_batch(pieces, add_special_tokens=False)]
    out: list[tuple[list[int], int]] = []
    for mode, k, last in plans:
        if mode == "plain":
            out.append((enc[k] + [sp.eos] if last else enc[k], 0))
            continue
        p, m, s = enc[k], enc[k + 1], enc[k + 2]
        if mode == "psm":
            head = [sp.prefix, *p, sp.suffix, *s, sp.middle]
            out.append((head + m + [sp.eos], len(head)))
        else:
            head = [sp.prefix, sp.suffix, *s, sp.middle, *p]
            out.append((head + m + [sp.eos], len(head)))
    return out


class PackedStream(torch.utils.data.IterableDataset):
    """Endless micro-batches [B, T+1] of packed examples, languages sampled by weight.

    Every worker walks the same shuffled list of (language, document) per epoch, taking every n-th
    entry, so workers do not repeat each other within an epoch. A weight w repeats a language's
    documents int(w) times per epoch plus each once more with probability frac(w). Yields
    (tokens int64 [B, T+1], tokens per language appended since the last yield).
    """

    def __init__(self, docs: dict[str, list[str]], weights: dict[str, float], tokenizer_path: str,
                 seq_len: int, batch: int, fim_rate: float, spm_rate: float, chunk_chars: int, seed: int) -> None:
        super().__init__()
        self.docs, self.weights, self.tokenizer_path = docs, weights, tokenizer_path
        self.seq_len, self.batch, self.fim_rate, self.spm_rate = seq_len, batch, fim_rate, spm_rate
        self.chunk_chars, self.seed = chunk_chars, seed
        self.langs = sorted(docs)

    def _epoch(self, epoch: int) -> list[tuple[int, int]]:
        rng = random.Random(self.seed * 1_000_003 + epoch)
        order: list[tuple[int, int]] = []
        for li, lang in enumerate(self.langs):
            w = self.weights.get(lang, 1.0)
            for di in range(len(self.docs[lang])):
                order += [(li, di)] * (int(w) + (rng.random() < w - int(w)))
        rng.shuffle(order)
        return order

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        info = torch.utils.data.get_worker_info()
        wid, nw = (info.id, info.num_workers) if info else (0, 1)
        if info is not None:
            os.environ["TOKENIZERS_PARALLELISM"] = "false"  # one thread per worker; no fork warning
        tok = Tokenizer.from_file(self.tokenizer_path)
        sp = Specials.of(tok)
        rng = random.Random(self.seed * 7919 + wid)
        need = self.batch * (self.seq_len + 1)
        buf: list[int] = []
        counts = np.zeros(len(self.langs), np.int64)
        pending: list[tuple[int, str, bool]] = []
        epoch = 0
        while True:
            for li, di in self._epoch(epoch)[wid::nw]:
                parts = chunks(self.docs[self.langs[li]][di], rng, self.chunk_chars)
                pending += [(li, c, k == len(parts) - 1) for k, c in enumerate(parts)]
                if len(pending) < 64:
                    continue
                examples = encode_examples(tok, sp, [(c, last) for _, c, last in pending], rng, self.fim_rate,
                                           self.spm_rate)
                for (li2, _, _), (ids, _) in zip(pending, examples):
                    buf += ids
                    counts[li2] += len(ids)
                pending = []
                while len(buf) >= need:
                    block = torch.tensor(buf[:need], dtype=torch.int64).view(self.batch, self.seq_len + 1)
                    del buf[:need]
                    yield block, torch.from_numpy(counts.copy())
                    counts[:] = 0
            epoch += 1


def val_examples(docs: dict[str, list[str]], tok: Tokenizer, seq_len: int, chunk_chars: int, per_lang: int,
                 seed: int = 1234) -> dict[str, dict[str, list[tuple[list[int], int, int]]]]:
    """Fixed validation examples per language and kind ("plain", "psm", "spm"): (ids, first scored
    index, UTF-8 bytes of the scored text). Plain scores every token; FIM only the middle and EOS."""
    sp = Specials.of(tok)
    out: dict[str, dict[str, list[tuple[list[int], int, int]]]] = {}
    for lang, texts in sorted(docs.items()):
        rng = random.Random(seed)
        pool: list[tuple[str, bool]] = []
        for text in texts:
            parts = chunks(text, rng, chunk_chars)
            pool += [(c, k == len(parts) - 1) for k, c in enumerate(parts) if c.strip()]
        rng.shuffle(pool)
        pool = pool[:per_lang]
        out[lang] = {}
        for kind, fim_rate, spm_rate in (("plain", 0.0, 0.0), ("psm", 1.0, 0.0), ("spm", 1.0, 1.0)):
            krng = random.Random(seed + len(kind))
            encoded = encode_examples(tok, sp, pool, krng, fim_rate, spm_rate)
            rows = []
            for (text, _), (ids, start) in zip(pool, encoded):
                ids = ids[:seq_len]
                rows.append((ids, start, len(text.encode()) if kind == "plain" else 0))
            out[lang][kind] = [r for r in rows if r[1] < len(r[0])]
    return out
