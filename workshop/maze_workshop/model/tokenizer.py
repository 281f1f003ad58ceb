"""Byte-level BPE tokenizer for the embedded model, trained on the corpus's train split.

Small vocabulary (8192 by default) because the embedding and the output projection dominate a model
this small, and on CPU the output projection is paid for every generated token.

Two pre-tokenizers (`--pretokenizer`):
- "qwen" (default): exactly the pipeline that transformers' `Qwen2Tokenizer` rebuilds (NFC, its split
  regex, byte level). transformers 5 maps every `qwen2` checkpoint to `Qwen2Tokenizer`, which keeps
  only the vocabulary and merges of tokenizer.json and substitutes its own pre-tokenizer; with this
  choice `AutoTokenizer.from_pretrained(checkpoint)` encodes exactly as tokenizer.json does. The regex
  suits code well enough: space runs stay one pre-token (less the last space, which joins the next
  word), newlines split from code, digits one by one, punctuation runs together.
- "code": made for code, ~3 % (Python) to ~7 % (Zig) fewer tokens: a newline carries the next line's
  indentation, identifiers keep their underscores and may take one leading space or punctuation mark,
  numbers go in groups of up to three digits. Loses `AutoTokenizer` parity (see above): load such a
  checkpoint's tokenizer with `PreTrainedTokenizerFast.from_pretrained` or `tokenizers` directly.
"""

from __future__ import annotations

import argparse
import json
import logging
from collections.abc import Iterator
from pathlib import Path

from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers

log = logging.getLogger(__name__)

EOS = "<|endoftext|>"
FIM_PREFIX = "<|fim_prefix|>"
FIM_MIDDLE = "<|fim_middle|>"
FIM_SUFFIX = "<|fim_suffix|>"
FIM_PAD = "<|fim_pad|>"
REPO_NAME = "<|repo_name|>"  # repository-level examples (Qwen2.5-Coder's format):
FILE_SEP = "<|file_sep|>"  # <|repo_name|>NAME\n<|file_sep|>PATH\n...file...<|file_sep|>PATH\n...
SPECIAL_TOKENS = (EOS, FIM_PREFIX, FIM_MIDDLE, FIM_SUFFIX, FIM_PAD, REPO_NAME, FILE_SEP)  # ids 0..6 in this order

# The "code" pre-tokenizer. Alternatives, first match wins at each position:
#   newline + the indentation after it | identifier with an optional leading space or punctuation mark
#   (`.attr`, `"word`, `(self`) |
#   1-3 digits with an optional space | punctuation run with an optional space |
#   spaces not counting the last one before a word (that one joins the word) | other spaces | any other space
PRE_TOKEN_PATTERN = (
    r"\n[ \t]*"
    r"|(?:[ ]|[^\s\p{L}\p{N}_$])?[\p{L}_$][\p{L}\p{N}_$]*"
    r"|[ ]?\p{N}{1,3}"
    r"|[ ]?[^\s\p{L}\p{N}_$]+"
    r"|[ \t]+(?!\S)"
    r"|[ \t]+"
    r"|\s"
)


# transformers' Qwen2Tokenizer split regex (PRETOKENIZE_REGEX in tokenization_qwen2.py), verbatim.
QWEN2_PATTERN = (
    r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"""
)


def new_tokenizer(pretokenizer: str = "qwen") -> Tokenizer:
    """An untrained byte-level BPE tokenizer with the chosen pre-tokenizer ("qwen" or "code")."""
    tok = Tokenizer(models.BPE(byte_fallback=False))
    pattern = QWEN2_PATTERN if pretokenizer == "qwen" else PRE_TOKEN_PATTERN
    if pretokenizer == "qwen":
        tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(pattern), behavior="isolated"),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
    ])
    tok.decoder = decoders.ByteLevel()
    return tok


def train(texts: Iterator[str], vocab_size: int = 8192, pretokenizer: str = "qwen") -> Tokenizer:
    tok = new_tokenizer(pretokenizer)
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        min_frequency=2,
        special_tokens=list(SPECIAL_TOKENS),
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        max_token_length=32,
        show_progress=False,
    )
    tok.train_from_iterator(texts, trainer=trainer)
    for i, name in enumerate(SPECIAL_TOKENS):
        if tok.token_to_id(name) != i:
            raise RuntimeError(f"special token {name} got id {tok.token_to_id(name)}, expected {i}")
    return tok


def _docs(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def corpus_texts(corpus: Path, split: str, weights: dict[str, float], max_mb: float) -> Iterator[str]:
    """Texts of a split, each language sampled down to about `max_mb` MB and repeated by its (integer
    part of) weight, so that the merges favour the languages we care about most without being swamped
    by the largest. The sample is spread over the whole file (every k-th document by a hash of its
    path), not its first megabytes, since the corpus files are sorted by repository."""
    import hashlib

    for path in sorted((corpus / split).glob("*.jsonl")):
        repeat = max(1, int(weights.get(path.stem, 1.0)))
        fraction = min(1.0, max_mb * 1e6 / max(1, path.stat().st_size * 0.97))
        for _ in range(repeat):
            total = 0
            for doc in _docs(path):
                if total > max_mb * 1e6:
                    break
                key = f"{doc.get('repo', '')}/{doc['path']}".encode()
                if int.from_bytes(hashlib.sha1(key).digest()[:4], "big") / 2**32 >= fraction:
                    continue
                total += len(doc["text"])
                yield doc["text"]


def bytes_per_token(tok: Tokenizer, corpus: Path, split: str = "val") -> dict[str, float]:
    """UTF-8 bytes per token of each language's documents (higher is better compression)."""
    out: dict[str, float] = {}
    for path in sorted((corpus / split).glob("*.jsonl")):
        texts = [d["text"] for d in _docs(path)]
        n_tokens = sum(len(e.ids) for e in tok.encode_batch(texts, add_special_tokens=False))
        out[path.stem] = sum(len(t.encode()) for t in texts) / max(1, n_tokens)
    return out


def stats(args: argparse.Namespace) -> int:
    """Tokenizers of several vocabulary sizes on one balanced sample of the train split, each saved as
    `tok-{8k,16k,32k}.json`; bytes per token per language on the whole validation split."""
    import time

    weights = {k: float(v) for k, v in (kv.split("=") for kv in args.weights.split(",") if kv)}
    args.out_dir.mkdir(parents=True, exist_ok=True)
    sample = list(corpus_texts(args.corpus, "train", weights, args.max_mb_per_lang))
    log.info("tokenizer stats: sample of %d documents, %.1f MB", len(sample), sum(map(len, sample)) / 1e6)
    table: dict[str, dict] = {}
    for size in (int(x) for x in args.sizes.split(",")):
        started = time.time()
        tok = train(iter(sample), size, args.pretokenizer)
        name = f"tok-{size // 1024}k.json"
        tok.save(str(args.out_dir / name))
        table[name] = {"vocab_size": tok.get_vocab_size(), "seconds": round(time.time() - started, 1),
                       "bytes_per_token": {k: round(v, 3) for k, v in bytes_per_token(tok, args.corpus).items()}}
        log.info("tokenizer %s: %s", name, table[name])
    if args.json:
        args.json.write_text(json.dumps({"sample_mb": round(sum(map(len, sample)) / 1e6, 1), "tokenizers": table},
                                        indent=1) + "\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="maze_workshop.model.tokenizer", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("train", help="train the BPE tokenizer on the corpus train split")
    t.add_argument("--corpus", type=Path, default=Path(".data/corpus"))
    t.add_argument("--out", type=Path, default=Path(".data/corpus/tokenizer.json"))
    t.add_argument("--vocab-size", type=int, default=8192)
    t.add_argument("--weights", default="python=2", help="integer repeat per language, e.g. python=2")
    t.add_argument("--max-mb-per-lang", type=float, default=30.0)
    t.add_argument("--pretokenizer", choices=["qwen", "code"], default="qwen")
    st = sub.add_parser("stats", help="train one tokenizer per vocabulary size; bytes/token per language (val)")
    st.add_argument("--corpus", type=Path, default=Path(".data/corpus-v2"))
    st.add_argument("--out-dir", type=Path, default=Path(".data/tokenizers"))
    st.add_argument("--sizes", default="8192,16384,32768")
    st.add_argument("--max-mb-per-lang", type=float, default=30.0)
    st.add_argument("--weights", default="")
    st.add_argument("--pretokenizer", choices=["qwen", "code"], default="qwen")
    st.add_argument("--json", type=Path, default=None, help="write the table as JSON here")
    r = sub.add_parser("report", help="bytes/token per language on the val split")
    r.add_argument("--corpus", type=Path, default=Path(".data/corpus"))
    r.add_argument("--tokenizer", type=Path, default=Path(".data/corpus/tokenizer.json"))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    if args.cmd == "stats":
        return stats(args)
    if args.cmd == "train":
        weights = {k: float(v) for k, v in (kv.split("=") for kv in args.weights.split(",") if kv)}
        tok = train(corpus_texts(args.corpus, "train", weights, args.max_mb_per_lang), args.vocab_size,
                    args.pretokenizer)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        tok.save(str(args.out))
        log.info("tokenizer: %d tokens -> %s", tok.get_vocab_size(), args.out)
    else:
        tok = Tokenizer.from_file(str(args.tokenizer))
    for lang, bpt in bytes_per_token(tok, args.corpus).items():
        log.info("tokenizer: %-10s %.2f bytes/token (val)", lang, bpt)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
