"""The v2 pack: repositories kept whole in one shard, languages interleaved, pieces under their size limit."""

from __future__ import annotations

import hashlib
import json
import lzma
import random
from pathlib import Path

from maze_workshop.corpus import pack


def _corpus(root: Path) -> None:
    rng = random.Random(0)
    for split, n in (("train", 40), ("val", 3)):
        (root / split).mkdir(parents=True)
        for lang in ("python", "go", "rust"):
            with (root / split / f"{lang}.jsonl").open("w") as fh:
                for r in range(n):
                    for f in range(3):
                        text = "".join(rng.choice("abcdefghij \n") for _ in range(6000))  # poorly compressible
                        fh.write(json.dumps({"lang": lang, "repo": f"{lang}-repo{r}", "source": "x",
                                             "path": f"f{f}.x", "text": text}) + "\n")
    (root / "manifest.json").write_text(json.dumps({"totals": {}, "languages": {}}))


def test_pack_pieces_and_shards(tmp_path: Path) -> None:
    _corpus(tmp_path / "corpus")
    out = tmp_path / "pack"
    info = pack.pack(tmp_path / "corpus", None, out, shard_mib=0.1, piece_mib=0.25, preset="6", workers=2)
    assert info["format"] == "maze-train-pack/2"
    assert len(info["pieces"]) > 1
    names = set()
    for piece in info["pieces"]:
        d = out / "pieces" / piece["name"]
        total = sum(p.stat().st_size for p in d.iterdir())
        assert total <= 0.25 * (1 << 20)
        for line in (d / "SHA256SUMS").read_text().splitlines():
            digest, name = line.split("  ")
            assert hashlib.sha256((d / name).read_bytes()).hexdigest() == digest
            names.add(name)
    assert {s["name"] for s in info["shards"]} | {"val.jsonl.xz", "corpus-manifest.json.xz", "manifest.json"} == names
    where: dict[str, str] = {}
    mixed = 0
    for shard in info["shards"]:
        with lzma.open(out / shard["name"], "rt") as fh:
            recs = [json.loads(line) for line in fh]
        assert set(recs[0]) == {"lang", "repo", "path", "text"}
        for r in recs:
            assert where.setdefault(r["repo"], shard["name"]) == shard["name"]  # a repository stays in one shard
        mixed += len({r["lang"] for r in recs}) > 1
    assert len(where) == 120 and mixed >= len(info["shards"]) // 2


def test_max_mib_subset(tmp_path: Path) -> None:
    _corpus(tmp_path / "corpus")
    out = tmp_path / "pack"
    info = pack.pack(tmp_path / "corpus", None, out, shard_mib=0.1, piece_mib=1, preset="6", max_mib=0.3)
    assert info["packed_bytes"] <= 0.3 * (1 << 20)
    assert 0 < info["train_raw_bytes"] < 3 * 40 * 3 * 6000
