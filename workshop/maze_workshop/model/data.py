"""Training examples for the FIM model: file-level and repository-level fill-in-the-middle, and plain text.

The cursor of a completion request can sit anywhere, also inside what would be one token, so the
middle span is cut from the text before tokenising (prefix, middle and suffix are tokenised apart,
exactly as the engine tokenises the text left and right of the cursor). Spans follow how completions
are asked for: mostly "rest of this line", then a few whole lines, then arbitrary spans.

Layouts come from `maze_inference.prompts`, the builder every engine uses, so training and inference
cannot disagree: file FIM is `fim_layout(P, S)` + middle + EOS (PSM or SPM); repository FIM puts other
files of the same package first (`repo_context`, Qwen2.5-Coder's `<|repo_name|>`/`<|file_sep|>` format)
and then the file's FIM, so the model learns to use definitions from other files; plain text ends in
EOS only where its document ends. Imports only the standard library, numpy, torch, tokenizers and
`maze_inference.prompts` (itself standard library only): this runs on the GPU machine.
"""

from __future__ import annotations

import json
import lzma
import os
import random
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from maze_inference.prompts import ContextFile, FimFormat, FimIds, FimOrder, fim_layout, repo_context
from tokenizers import Tokenizer

KINDS = ("plain", "psm", "spm", "repo")
RETRIEVED_KINDS = ("retrieved", "retrieved-bare")  # validation only: the same split with and without context


@dataclass(frozen=True)
class Doc:
    text: str
    repo: str
    path: str


@dataclass(frozen=True)
class Retrieved:
    """A cursor in a document and the repository context that the language server's retrieval gives
    there (`maze corpus retrieve`)."""

    cursor: int
    name: str  # `<|repo_name|>`
    current: str  # the document's path as the prompt shows it
    files: tuple[ContextFile, ...]


@dataclass
class Language:
    docs: list[Doc]
    by_repo: dict[str, list[int]]  # repo -> indices of its documents (repos of one file included)
    retrieved: dict[int, list[Retrieved]] = field(default_factory=dict)  # doc index -> its cursors


@dataclass(frozen=True)
class Mix:
    """Shares of example kinds; the rest of FIM examples are file-level."""

    fim: float = 0.9  # FIM (file or repository) vs plain text
    spm: float = 0.5  # SPM vs PSM
    repo: float = 0.3  # of FIM examples whose package has other files: repository-level
    context_share: float = 0.4  # of a repository example's characters, at most this much is other files
    retrieved: float = 0.0  # of repository examples at a document with retrieved cursors: at one of them


def _ids(tok: Tokenizer) -> tuple[int, FimIds]:
    eos = tok.token_to_id("<|endoftext|>")
    if eos is None:
        raise ValueError("tokenizer lacks <|endoftext|>")
    return eos, FimIds.resolve(FimFormat(order=FimOrder.SPM), tok.token_to_id)


def load_corpus(paths: list[Path]) -> dict[str, Language]:
    """Documents by language from xz JSONL files of {"lang", "repo", "path", "text"}."""
    def read(path: Path) -> str:  # lzma releases the GIL: shards decompress in parallel
        with lzma.open(path, "rt", encoding="utf-8") as fh:
            return fh.read()

    out: dict[str, Language] = {}
    with ThreadPoolExecutor(max_workers=min(16, len(paths) or 1)) as pool:
        for text in pool.map(read, paths):
            for line in text.split("\n"):
                if not line.strip():
                    continue
                record = json.loads(line)
                lang = out.setdefault(record["lang"], Language([], {}))
                repo = record.get("repo") or record["path"]
                lang.by_repo.setdefault(repo, []).append(len(lang.docs))
                lang.docs.append(Doc(record["text"], repo, record["path"]))
    return out


def load_retrieved(paths: list[Path], corpus: dict[str, Language]) -> int:
    """Attach the records of `retrieved-*.jsonl.xz` to their documents in `corpus`; returns how many
    found their document (records of documents not in `corpus` are skipped)."""
    where = {name: {(doc.repo, doc.path): i for i, doc in enumerate(lang.docs)} for name, lang in corpus.items()}
    attached = 0
    for path in paths:
        with lzma.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                record = json.loads(line)
                di = where.get(record["lang"], {}).get((record["repo"], record["path"]))
                if di is None:
                    continue
                files = tuple(ContextFile(p, t) for p, t in record["files"])
                corpus[record["lang"]].retrieved.setdefault(di, []).append(
                    Retrieved(record["cursor"], record["name"], record["current"], files))
                attached += 1
    return attached


def retrieved_split(text: str, cursor: int, rng: random.Random) -> tuple[str, str, str]:
    """(prefix, middle, suffix) at a retrieved cursor, about the editor's prompt window (prefix ~384
    tokens, suffix ~128): the middle is the rest of the line (65 %) or it and one to three more lines."""
    back = cursor - rng.randint(300, 1400)
    start = 0 if back <= 0 else text.rfind("\n", 0, back) + 1
    end = text.find("\n", cursor)
    end = len(text) if end < 0 else end
    if rng.random() >= 0.65:
        for _ in range(rng.randint(1, 3)):
            following = text.find("\n", end + 1) if end < len(text) else -1
            end = len(text) if following < 0 else following
        end = min(len(text), end + 1)
    stop = text.find("\n", end + rng.randint(0, 600))
    return text[start:cursor], text[cursor:end], text[end:len(text) if stop < 0 else stop + 1]


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


@dataclass(frozen=True)
class Plan:
    """One example before tokenising: its kind, the text (a chunk of one document), and for repository
    examples the other files shown first."""

    kind: str  # one of KINDS
    text: str
    ends_document: bool
    repo: str = ""
    path: str = ""
    context: tuple[ContextFile, ...] = ()
    split: tuple[str, str, str] | None = None  # (prefix, middle, suffix) when fixed, else `fim_split(text)`


def plan_context(lang: Language, doc_index: int, rng: random.Random, budget: int) -> tuple[ContextFile, ...]:
    """Up to three other files of the document's package, each cut to its share of `budget` characters."""
    doc = lang.docs[doc_index]
    others = [i for i in lang.by_repo.get(doc.repo, ()) if i != doc_index]
    if not others:
        return ()
    picked = rng.sample(others, min(len(others), rng.randint(1, 3)))
    share = budget // len(picked)
    files = []
    for i in picked:
        other = lang.docs[i]
        text = other.text[:share]
        cut = text.rfind("\n")
        files.append(ContextFile(other.path, text[: cut + 1] if cut > 0 else text))
    return tuple(files)


def encode_plans(tok: Tokenizer, plans: list[Plan], rng: random.Random) -> list[tuple[list[int], int]]:
    """Token ids of each example and the index where its scored part starts (0: everything scored)."""
    eos, spm = _ids(tok)
    psm = FimIds(spm.prefix, spm.suffix, spm.middle, FimOrder.PSM, spm.repo_name, spm.file_sep)
    pieces: list[str] = []
    starts: list[int] = []
    for plan in plans:
        starts.append(len(pieces))
        pieces += [plan.text] if plan.kind == "plain" else list(plan.split or fim_split(plan.text, rng))
    enc = [e.ids for e in tok.encode_batch(pieces, add_special_tokens=False)]
    out: list[tuple[list[int], int]] = []
    for plan, k in zip(plans, starts, strict=True):
        if plan.kind == "plain":
            out.append((enc[k] + [eos] if plan.ends_document else enc[k], 0))
            continue
        prefix, middle, suffix = enc[k], enc[k + 1], enc[k + 2]
        head = fim_layout(psm if plan.kind == "psm" else spm, prefix, suffix)
        if plan.kind == "repo":
            encode = lambda text: tok.encode(text, add_special_tokens=False).ids
            head = repo_context(spm, encode, plan.repo, plan.context, plan.path) + head
        out.append((head + middle + [eos], len(head)))
    return out


def retrieved_plan(doc: Doc, at: Retrieved, rng: random.Random) -> Plan:
    """A repository example at a retrieved cursor, with the context retrieval gave there."""
    return Plan("repo", "", False, at.name, at.current, at.files, retrieved_split(doc.text, at.cursor, rng))


def choose_kind(mix: Mix, rng: random.Random, has_context: bool) -> str:
    if rng.random() >= mix.fim:
        return "plain"
    if has_context and rng.random() < mix.repo:
        return "repo"
    return "spm" if rng.random() < mix.spm else "psm"


class PackedStream(torch.utils.data.IterableDataset):
    """Endless micro-batches [B, T+1] of packed examples, languages sampled by weight.

    Every worker walks the same shuffled list of (language, document) per epoch, taking every n-th
    entry, so workers do not repeat each other within an epoch. A weight w repeats a language's
    documents int(w) times per epoch plus each once more with probability frac(w). Yields
    (tokens int64 [B, T+1], tokens per language appended since the last yield).
    """

    def __init__(self, corpus: dict[str, Language], weights: dict[str, float], tokenizer_path: str,
                 seq_len: int, batch: int, mix: Mix, chunk_chars: int, seed: int) -> None:
        super().__init__()
        self.corpus, self.weights, self.tokenizer_path = corpus, weights, tokenizer_path
        self.seq_len, self.batch, self.mix, self.chunk_chars, self.seed = seq_len, batch, mix, chunk_chars, seed
        self.langs = sorted(corpus)

    def _epoch(self, epoch: int) -> list[tuple[int, int]]:
        rng = random.Random(self.seed * 1_000_003 + epoch)
        order: list[tuple[int, int]] = []
        for li, lang in enumerate(self.langs):
            w = self.weights.get(lang, 1.0)
            for di in range(len(self.corpus[lang].docs)):
                order += [(li, di)] * (int(w) + (rng.random() < w - int(w)))
        rng.shuffle(order)
        return order

    def _plans(self, lang: Language, di: int, rng: random.Random) -> list[Plan]:
        doc = lang.docs[di]
        has_context = len(lang.by_repo.get(doc.repo, ())) > 1
        repo_chunk = int(self.chunk_chars * (1 - self.mix.context_share))
        plans = []
        for k, text in enumerate(parts := chunks(doc.text, rng, self.chunk_chars)):
            kind = choose_kind(self.mix, rng, has_context)
            last = k == len(parts) - 1
            if kind == "repo" and (cursors := lang.retrieved.get(di)) and rng.random() < self.mix.retrieved:
                plans.append(retrieved_plan(doc, rng.choice(cursors), rng))
                continue
            if kind != "repo":
                plans.append(Plan(kind, text, last))
                continue
            budget = self.chunk_chars - min(len(text), repo_chunk)
            plans.append(Plan(kind, text[:repo_chunk], last, doc.repo, doc.path, plan_context(lang, di, rng, budget)))
        return plans

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        info = torch.utils.data.get_worker_info()
        wid, nw = (info.id, info.num_workers) if info else (0, 1)
        if info is not None:
            os.environ["TOKENIZERS_PARALLELISM"] = "false"  # one thread per worker; no fork warning
        tok = Tokenizer.from_file(self.tokenizer_path)
        rng = random.Random(self.seed * 7919 + wid)
        need = self.batch * (self.seq_len + 1)
        buf: list[int] = []
        counts = np.zeros(len(self.langs), np.int64)
        pending: list[tuple[int, Plan]] = []
        epoch = 0
        while True:
            for li, di in self._epoch(epoch)[wid::nw]:
                pending += [(li, plan) for plan in self._plans(self.corpus[self.langs[li]], di, rng)]
                if len(pending) < 64:
                    continue
                for (li2, _), (ids, _) in zip(pending, encode_plans(tok, [p for _, p in pending], rng), strict=True):
                    buf += ids
                    counts[li2] += len(ids)
                pending = []
                while len(buf) >= need:
                    block = torch.tensor(buf[:need], dtype=torch.int64).view(self.batch, self.seq_len + 1)
                    del buf[:need]
                    yield block, torch.from_numpy(counts.copy())
                    counts[:] = 0
            epoch += 1


def val_examples(corpus: dict[str, Language], tok: Tokenizer, seq_len: int, chunk_chars: int, per_lang: int,
                 mix: Mix = Mix(), seed: int = 1234) -> dict[str, dict[str, list[tuple[list[int], int, int]]]]:
    """Fixed validation examples per language and kind (`KINDS`): (ids, first scored index, UTF-8 bytes of
    the scored text). Plain scores every token; FIM only the middle and EOS. Repository examples come
    from documents whose package has other files in the split."""
    out: dict[str, dict[str, list[tuple[list[int], int, int]]]] = {}
    repo_chunk = int(chunk_chars * (1 - mix.context_share))
    for lang_name, lang in sorted(corpus.items()):
        rng = random.Random(seed)
        pool: list[tuple[int, str, bool]] = []
        for di, doc in enumerate(lang.docs):
            parts = chunks(doc.text, rng, chunk_chars)
            pool += [(di, c, k == len(parts) - 1) for k, c in enumerate(parts) if c.strip()]
        rng.shuffle(pool)
        out[lang_name] = {}
        for kind in KINDS:
            krng = random.Random(seed + len(kind))
            if kind == "repo":
                chosen = [(di, c, last) for di, c, last in pool if len(lang.by_repo.get(lang.docs[di].repo, ())) > 1]
                plans = [Plan(kind, c[:repo_chunk], last, lang.docs[di].repo, lang.docs[di].path,
                              plan_context(lang, di, krng, chunk_chars - min(len(c), repo_chunk)))
                         for di, c, last in chosen[:per_lang]]
            else:
                plans = [Plan(kind, c, last) for _di, c, last in pool[:per_lang]]
            out[lang_name][kind] = _rows(tok, plans, krng, seq_len)
        if lang.retrieved:
            out[lang_name] |= _retrieved_rows(lang, tok, seq_len, per_lang, random.Random(seed))
    return out


def _rows(tok: Tokenizer, plans: list[Plan], rng: random.Random, seq_len: int,
          keep_all: bool = False) -> list[tuple[list[int], int, int]]:
    rows = [(ids[:seq_len], start, len(plan.text.encode()) if plan.kind == "plain" else 0)
            for plan, (ids, start) in zip(plans, encode_plans(tok, plans, rng), strict=True)]
    return rows if keep_all else [r for r in rows if r[1] < len(r[0])]


def _retrieved_rows(lang: Language, tok: Tokenizer, seq_len: int, per_lang: int,
                    rng: random.Random) -> dict[str, list[tuple[list[int], int, int]]]:
    """`RETRIEVED_KINDS`: the same splits at retrieved cursors with the retrieved context and without it
    (file-level SPM), so the difference is what the context is worth to the model."""
    cursors = [(di, at) for di, found in sorted(lang.retrieved.items()) for at in found]
    rng.shuffle(cursors)
    with_context, bare = [], []
    for di, at in cursors[:per_lang]:
        split = retrieved_split(lang.docs[di].text, at.cursor, rng)
        with_context.append(Plan("repo", "", False, at.name, at.current, at.files, split))
        bare.append(Plan("spm", "", False, split=split))
    pairs = [(a, b) for a, b in zip(_rows(tok, with_context, rng, seq_len, keep_all=True),
                                    _rows(tok, bare, rng, seq_len, keep_all=True), strict=True)
             if a[1] < len(a[0]) and b[1] < len(b[0])]
    return {RETRIEVED_KINDS[0]: [a for a, _ in pairs], RETRIEVED_KINDS[1]: [b for _, b in pairs]}
