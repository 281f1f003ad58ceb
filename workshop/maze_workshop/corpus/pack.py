"""The v2 training pack (`maze-train-pack/2`): what travels to the GPU machine.

`maze corpus pack` reads the built corpus (`corpus-v2/{train,val}/<lang>.jsonl`, `manifest.json`) and
writes into `--out`:

- `train-NNN.jsonl.xz`: shards of records `{"lang", "repo", "path", "text"}`; every document of one
  repository sits in one shard, next to each other (repository-level examples need them together);
  repositories are ordered by a hash of their name, so every shard mixes languages;
- `val.jsonl.xz` (the validation split, same records), `tokenizer.json`, `manifest.json` (the pack's
  own summary, shard and piece checksums, and the corpus manifest's totals), `corpus-manifest.json.xz`
  (the full corpus manifest: every package, licence, drop counts);
- `pieces/piece-NN/`: the same files (hard links) grouped into staging pieces of at most `--piece-mib`
  MiB (34: what one GPU call can carry beside the work tree), each with a `SHA256SUMS`; piece 00 holds
  the small files too. On the GPU machine, copy every piece's files into one folder and check the sums
  (`sha256sum -c SHA256SUMS` in each piece): that folder is the trainer's `--data`.

Shards are compressed by `xz` (default `-9e`, one process per core), the strongest setting of the tool.
`--max-mib` makes a smaller subset pack: whole repositories, in hash order per language, until the
compressed pack fits.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import lzma
import os
import shutil
import subprocess
import time
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

log = logging.getLogger(__name__)

FORMAT = "maze-train-pack/2"
MiB = 1 << 20


def _iter_jsonl(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def _repo_hash(lang: str, repo: str) -> bytes:
    return hashlib.sha1(f"pack\0{lang}\0{repo}".encode()).digest()


def load_repos(corpus: Path, split: str) -> dict[tuple[str, str], list[dict]]:
    """(lang, repo) -> records of that split, in the corpus's (repo, path) order."""
    out: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for path in sorted((corpus / split).glob("*.jsonl")):
        for d in _iter_jsonl(path):
            out[(d["lang"], d["repo"])].append({"lang": d["lang"], "repo": d["repo"], "path": d["path"], "text": d["text"]})
    return out


def plan_shards(repos: dict[tuple[str, str], list[dict]], shard_bytes: int) -> list[list[tuple[str, str]]]:
    """Repositories in hash order (languages interleaved), cut into shards of about `shard_bytes` raw text;
    a repository is never split."""
    order = sorted(repos, key=lambda k: _repo_hash(*k))
    shards: list[list[tuple[str, str]]] = []
    cur: list[tuple[str, str]] = []
    size = 0
    for key in order:
        cur.append(key)
        size += sum(len(d["text"].encode()) for d in repos[key])
        if size >= shard_bytes:
            shards.append(cur)
            cur, size = [], 0
    if cur:
        shards.append(cur)
    return shards


def xz(path: Path, preset: str, threads: int = 1) -> Path:
    """Compress `path` in place to `path.xz` with the xz tool (removes the input)."""
    subprocess.run(["xz", f"-{preset}", f"-T{threads}", "-f", "-q", str(path)], check=True)
    return path.with_name(path.name + ".xz")


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def group_pieces(sizes: list[tuple[str, int]], piece_bytes: int, first: list[tuple[str, int]]) -> list[list[str]]:
    """Files into pieces of at most `piece_bytes` (first-fit decreasing); `first` files go into piece 0."""
    pieces: list[list[str]] = [[n for n, _ in first]]
    room = [piece_bytes - sum(s for _, s in first)]
    for name, size in sorted(sizes, key=lambda x: -x[1]):
        if size > piece_bytes:
            raise ValueError(f"{name} ({size} bytes) is larger than a piece ({piece_bytes}); lower --shard-mib")
        for i, r in enumerate(room):
            if size <= r:
                pieces[i].append(name)
                room[i] -= size
                break
        else:
            pieces.append([name])
            room.append(piece_bytes - size)
    return pieces


def _subset(repos: dict[tuple[str, str], list[dict]], raw_budget: int, weights: dict[str, float]) -> dict:
    """Whole repositories per language in hash order, the raw budget shared by `weights` (water-filling)."""
    by_lang: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for key in sorted(repos, key=lambda k: _repo_hash(*k)):
        by_lang[key[0]].append(key)
    avail = {lang: sum(len(d["text"].encode()) for k in keys for d in repos[k]) for lang, keys in by_lang.items()}
    budgets: dict[str, float] = {}
    left = dict(avail)
    remaining = float(raw_budget)
    while left:
        wsum = sum(weights.get(lang, 1.0) for lang in left)
        full = {lang for lang in left if avail[lang] <= remaining * weights.get(lang, 1.0) / wsum}
        if not full:
            for lang in left:
                budgets[lang] = remaining * weights.get(lang, 1.0) / wsum
            break
        for lang in full:
            budgets[lang] = avail[lang]
            remaining -= avail[lang]
            del left[lang]
    out = {}
    for lang, keys in by_lang.items():
        total = 0
        for k in keys:
            size = sum(len(d["text"].encode()) for d in repos[k])
            if total + size > budgets[lang]:
                continue
            out[k] = repos[k]
            total += size
    return out


def pack(corpus: Path, tokenizer: Path | None, out: Path, *, shard_mib: float = 24.0, piece_mib: float = 34.0,
         preset: str = "9e", workers: int = 2, max_mib: float | None = None,
         weights: dict[str, float] | None = None, resume: bool = False) -> dict:
    started = time.time()
    repos = load_repos(corpus, "train")
    val = [d for docs in load_repos(corpus, "val").values() for d in docs]
    raw_total = sum(len(d["text"].encode()) for docs in repos.values() for d in docs)
    chosen = repos
    ratio = 5.0  # xz on code: raw/compressed, refined after the first attempt
    while True:
        if max_mib is not None:
            val_raw = sum(len(d["text"].encode()) for d in val)
            budget = max(0.0, min(raw_total * 1.01, (max_mib * MiB - val_raw / ratio - (64 << 10)) * ratio))
            chosen = _subset(repos, int(budget), weights or {})
        info = _write(corpus, tokenizer, out, chosen, val, shard_mib, piece_mib, preset, workers,
                      resume and max_mib is None)
        if max_mib is None or info["packed_bytes"] <= max_mib * MiB:
            break
        ratio = info["train_raw_bytes"] / info["train_packed_bytes"] * 0.97 * (max_mib * MiB / info["packed_bytes"])
        log.info("pack: %.1f MiB is over %.1f MiB; retrying with a smaller subset", info["packed_bytes"] / MiB, max_mib)
    info["seconds"] = round(time.time() - started, 1)
    (out / "manifest.json").write_text(json.dumps(info, indent=1) + "\n")
    _link_pieces(out, info)
    return info


def _done(path: Path) -> bool:
    """A shard compressed by an earlier, interrupted run (xz removes its input only when it is done)."""
    return path.with_name(path.name + ".xz").is_file() and not path.exists()


def _write(corpus: Path, tokenizer: Path | None, out: Path, repos: dict, val: list[dict], shard_mib: float,
           piece_mib: float, preset: str, workers: int, resume: bool = False) -> dict:
    if not resume:
        shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(out / "pieces", ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
    plan = plan_shards(repos, int(shard_mib * MiB))
    langs: dict[str, dict[str, int]] = defaultdict(lambda: {"repos": 0, "documents": 0, "bytes": 0})
    raw_paths = []
    shard_rows = []
    for i, keys in enumerate(plan):
        path = out / f"train-{i:03d}.jsonl"
        row = {"name": path.name + ".xz", "repos": len(keys), "documents": 0, "raw_bytes": 0, "languages": {}}
        skip = resume and _done(path)
        with (open(os.devnull, "w") if skip else path.open("w", encoding="utf-8")) as fh:
            for key in keys:
                langs[key[0]]["repos"] += 1
                for d in repos[key]:
                    line = json.dumps(d, ensure_ascii=False) + "\n"
                    fh.write(line)
                    size = len(d["text"].encode())
                    row["documents"] += 1
                    row["raw_bytes"] += size
                    row["languages"][key[0]] = row["languages"].get(key[0], 0) + size
                    langs[key[0]]["documents"] += 1
                    langs[key[0]]["bytes"] += size
        if not skip:
            raw_paths.append(path)
        shard_rows.append(row)
    vpath = out / "val.jsonl"
    if not (resume and _done(vpath)):
        with vpath.open("w", encoding="utf-8") as fh:
            for d in val:
                fh.write(json.dumps(d, ensure_ascii=False) + "\n")
        raw_paths.append(vpath)
    log.info("pack: %d shards, %.1f MB raw; compressing %d files (xz -%s, %d at once)", len(plan),
             sum(r["raw_bytes"] for r in shard_rows) / 1e6, len(raw_paths), preset, workers)
    done = 0
    with ThreadPoolExecutor(workers) as pool:
        for _ in pool.map(lambda p: xz(p, preset), sorted(raw_paths, key=lambda p: -p.stat().st_size)):
            done += 1
            if done % 10 == 0:
                log.info("pack: %d/%d compressed", done, len(raw_paths))
    for row in shard_rows:
        p = out / row["name"]
        row["bytes"] = p.stat().st_size
        row["sha256"] = sha256(p)
    if tokenizer is not None:
        shutil.copy(tokenizer, out / "tokenizer.json")
    corpus_manifest = json.loads((corpus / "manifest.json").read_text())
    with lzma.open(out / "corpus-manifest.json.xz", "wt", encoding="utf-8", preset=9) as fh:
        json.dump(corpus_manifest, fh, indent=1)
    small = ["val.jsonl.xz", "corpus-manifest.json.xz"] + (["tokenizer.json"] if tokenizer is not None else [])
    small_sizes = [(n, (out / n).stat().st_size) for n in small] + [("manifest.json", 256 << 10)]  # room for it
    pieces = group_pieces([(r["name"], r["bytes"]) for r in shard_rows], int(piece_mib * MiB), small_sizes)
    pieces[0] = [n for n in pieces[0] if n != "manifest.json"]
    train_packed = sum(r["bytes"] for r in shard_rows)
    packed = train_packed + sum(s for n, s in small_sizes if n != "manifest.json")
    summary = {k: corpus_manifest.get(k) for k in ("totals", "languages", "registries", "heldout_check")}
    if "decontamination" in corpus_manifest:
        summary["decontamination"] = {k: v for k, v in corpus_manifest["decontamination"].items()
                                      if k not in ("documents_list", "by_package")}
    return {
        "format": FORMAT,
        "records": ["lang", "repo", "path", "text"],
        "compression": f"xz -{preset}" + (" (shards already compressed by an interrupted run kept their preset)"
                                          if resume else ""),
        "shards": shard_rows,
        "val": {"name": "val.jsonl.xz", "documents": len(val), "raw_bytes": sum(len(d["text"].encode()) for d in val),
                "bytes": (out / "val.jsonl.xz").stat().st_size, "sha256": sha256(out / "val.jsonl.xz")},
        "languages": dict(langs),
        "train_raw_bytes": sum(r["raw_bytes"] for r in shard_rows),
        "train_packed_bytes": train_packed,
        "packed_bytes": packed,
        "packed_mib": round(packed / MiB, 2),
        "piece_limit_mib": piece_mib,
        "pieces": [{"name": f"piece-{i:02d}", "files": names} for i, names in enumerate(pieces)],
        "corpus": summary,
    }


def _link_pieces(out: Path, info: dict) -> None:
    """pieces/piece-NN/: hard links of the pack's files, each piece with its SHA256SUMS; sizes recorded."""
    root = out / "pieces"
    shutil.rmtree(root, ignore_errors=True)
    for piece in info["pieces"]:
        d = root / piece["name"]
        d.mkdir(parents=True)
        names = piece["files"] + (["manifest.json"] if piece["name"] == "piece-00" else [])
        lines = []
        for n in names:
            try:
                os.link(out / n, d / n)
            except OSError:
                shutil.copy(out / n, d / n)
            lines.append(f"{sha256(d / n)}  {n}")
        (d / "SHA256SUMS").write_text("\n".join(lines) + "\n")
        piece["bytes"] = sum((d / n).stat().st_size for n in names) + (d / "SHA256SUMS").stat().st_size
        piece["mib"] = round(piece["bytes"] / MiB, 2)
        if piece["bytes"] > info["piece_limit_mib"] * MiB:
            raise RuntimeError(f"{piece['name']} is {piece['mib']} MiB, over {info['piece_limit_mib']} MiB")
    (root / "pieces.json").write_text(json.dumps(info["pieces"], indent=1) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="maze corpus pack", description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=Path(".data/corpus-v2"))
    parser.add_argument("--tokenizer", type=Path, default=Path("inference/maze_inference/model/default/tokenizer.json"),
                        help="tokenizer.json to ship in the pack ('' for none)")
    parser.add_argument("--out", type=Path, default=Path(".data/pack-v2"))
    parser.add_argument("--shard-mib", type=float, default=24.0, help="raw text per shard (before xz)")
    parser.add_argument("--piece-mib", type=float, default=34.0, help="largest staging piece")
    parser.add_argument("--preset", default="9e", help="xz preset (9e = -9 --extreme)")
    parser.add_argument("--workers", type=int, default=2, help="xz processes at once")
    parser.add_argument("--max-mib", type=float, default=None, help="make a subset pack of at most this size")
    parser.add_argument("--resume", action="store_true",
                        help="keep shards that an interrupted run of the same corpus already compressed")
    parser.add_argument("--weights", default="", help="subset only: share of the raw budget per language, e.g. "
                        "python=2,typescript=1.5")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    weights = {k: float(v) for k, v in (kv.split("=") for kv in args.weights.split(",") if kv)}
    info = pack(args.corpus, args.tokenizer if str(args.tokenizer) else None, args.out, shard_mib=args.shard_mib,
                piece_mib=args.piece_mib, preset=args.preset, workers=args.workers, max_mib=args.max_mib,
                weights=weights, resume=args.resume)
    for p in info["pieces"]:
        log.info("pack: %s %6.2f MiB (%d files)", p["name"], p["mib"], len(p["files"]))
    log.info("pack: %d shards, %d pieces, %.1f MiB packed (%.1f MB raw train), %.0f s", len(info["shards"]),
             len(info["pieces"]), info["packed_mib"], info["train_raw_bytes"] / 1e6, info["seconds"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
