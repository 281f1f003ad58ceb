"""Training corpus for the embedded model (v2): select, clean, decontaminate, dedupe and split.

`build` turns the pinned registry packages (`pins.py`, `pins/*.tsv`) and the v1 sources
(`sources.py`) into documents under `corpus-v2/{train,val}/<lang>.jsonl` (records `lang`, `repo`,
`source`, `path`, `text`, each package's files together) with a `manifest.json` that says, per
package and per language, what was kept and what was dropped and why, so the model card can be written
from it. The build fails (exit 2) if a reserved or held-out package (`heldout.py`) would enter it.
`maze corpus pack` (pack.py) then writes the compressed training pack.

The per-document filters, dedupe and split are in `cleaning.py`, the packages and the per-package work
in `packages.py`; this module runs them language by language and writes the files and the manifest.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import shutil
import sys
from collections import defaultdict
from pathlib import Path

from maze_workshop.corpus.cleaning import (
    MAX_FILE_BYTES,
    MAX_LINE_CHARS,
    MAX_MEAN_LINE_CHARS,
    MAX_SOURCE_FILE_BYTES,
    MAX_ZLIB_RATIO,
    MIN_BYTES,
    MIN_LINES,
    MIN_WHITESPACE_RATIO,
    NEAR_CONTAINMENT,
    NEAR_LINE_CHARS,
    PART_BYTES,
    SPLIT_BYTES,
    VAL_FRACTION,
    Document,
    dedupe,
    val_choice,
)
from maze_workshop.corpus.packages import PACKAGE_CAP_BYTES, Repo, decontam_problems, process_repo, repos

log = logging.getLogger(__name__)


def count_tokens(tokenizer, texts: list[str]) -> int:  # type: ignore[no-untyped-def]
    total = 0
    batch: list[str] = []
    size = 0
    for t in texts:
        batch.append(t)
        size += len(t)
        if size > 8 << 20:
            total += sum(len(e.ids) for e in tokenizer.encode_batch(batch, add_special_tokens=False))
            batch, size = [], 0
    if batch:
        total += sum(len(e.ids) for e in tokenizer.encode_batch(batch, add_special_tokens=False))
    return total


def _sampled(doc: Document, fraction: float) -> bool:
    if fraction >= 1.0:
        return True
    h = hashlib.sha1(f"tok\0{doc.lang}\0{doc.repo}/{doc.path}".encode()).digest()
    return int.from_bytes(h[:4], "big") / 2**32 < fraction


def build(sources_dir: Path, out_dir: Path, tokenizer_path: Path | None = None, languages: tuple[str, ...] = (),
          workers: int = 2, repo_list: list[Repo] | None = None, token_sample: float = 1.0) -> dict:
    """Build the v2 corpus into `out_dir`; raises HeldOutViolation (after writing the manifest, and with
    no train/val files) if a reserved or held-out package would enter it."""
    import multiprocessing

    from maze_workshop.corpus import decontam, heldout

    all_repos = repo_list if repo_list is not None else repos(sources_dir, languages)
    tokenizer = None
    if tokenizer_path is not None:
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(tokenizer_path))
    out_dir.mkdir(parents=True, exist_ok=True)
    for sub in ("train", "val"):
        shutil.rmtree(out_dir / sub, ignore_errors=True)
        (out_dir / sub).mkdir(parents=True)
    packages: dict[str, dict] = {}
    dropped: dict[str, dict[str, list[int]]] = {}
    violations: list[dict] = []
    contaminated: list[dict] = []
    languages_out: dict[str, dict] = {}
    by_lang: dict[str, list[Repo]] = defaultdict(list)
    for r in all_repos:
        by_lang[r.lang].append(r)
        packages[r.key] = {"name": r.name, "language": r.lang, "registry": r.registry, "package": r.package,
                           "version": r.version, "license": r.license, "license_file": r.license_file}
    ctx = multiprocessing.get_context("fork")
    decontam_problems()  # loaded once, inherited by the workers
    for lang in sorted(by_lang):
        docs: list[Document] = []
        group = sorted(by_lang[lang], key=lambda r: r.key)
        with ctx.Pool(workers) as pool:
            for i, res in enumerate(pool.imap_unordered(process_repo, group, chunksize=4)):
                row = packages[res["key"]]
                row["files_selected"] = res["files_selected"]
                row["files_available"] = res["files_available"]
                row["bytes_selected"] = res["bytes_selected"]
                dropped[res["key"]] = {k: list(v) for k, v in res["dropped"].items()}
                violations += res["violations"]
                contaminated += res["contaminated"]
                docs += res["docs"]
                if i % 500 == 0:
                    log.info("build %s: %d/%d packages, %d docs", lang, i + 1, len(group), len(docs))
        log.info("build %s: %d documents before dedupe (%.1f MB)", lang, len(docs),
                 sum(len(d.text) for d in docs) / 1e6)
        docs = dedupe(docs, dropped)
        val = val_choice(docs)
        docs.sort(key=lambda d: (d.repo, d.source, d.path))
        stats = {"packages": len(group), "train_documents": 0, "train_bytes": 0, "val_documents": 0, "val_bytes": 0}
        texts: dict[str, list[str]] = {"train": [], "val": []}
        with (out_dir / "train" / f"{lang}.jsonl").open("w", encoding="utf-8") as train_fh, \
                (out_dir / "val" / f"{lang}.jsonl").open("w", encoding="utf-8") as val_fh:
            for doc in docs:
                split = "val" if f"{doc.repo}/{doc.path}" in val else "train"
                record = {"lang": doc.lang, "repo": doc.repo, "source": doc.source, "path": doc.path, "text": doc.text}
                (val_fh if split == "val" else train_fh).write(json.dumps(record, ensure_ascii=False) + "\n")
                size = len(doc.text.encode())
                kept = packages[doc.source].setdefault("kept", {"train": {"documents": 0, "bytes": 0},
                                                                "val": {"documents": 0, "bytes": 0}})
                kept[split]["documents"] += 1
                kept[split]["bytes"] += size
                stats[f"{split}_documents"] += 1
                stats[f"{split}_bytes"] += size
                if tokenizer is not None and _sampled(doc, token_sample):
                    texts[split].append(doc.text)
        stats["packages_kept"] = len({d.source for d in docs})
        if tokenizer is not None:
            for split in ("train", "val"):
                sample_bytes = sum(len(t.encode()) for t in texts[split])
                n = count_tokens(tokenizer, texts[split])
                # a hash sample of the documents when token_sample < 1: tokens scaled by bytes
                stats[f"{split}_tokens"] = round(n * stats[f"{split}_bytes"] / max(1, sample_bytes))
                stats[f"{split}_tokens_counted"] = n
            stats["bytes_per_token"] = round((stats["train_bytes"] + stats["val_bytes"])
                                             / max(1, stats["train_tokens"] + stats["val_tokens"]), 3)
        languages_out[lang] = stats
        log.info("build %s: %s", lang, stats)
        del docs, texts
    for key, row in packages.items():
        row["dropped"] = {r: {"documents": c[0], "bytes": c[1]} for r, c in sorted(dropped.get(key, {}).items())}
        row.setdefault("kept", {"train": {"documents": 0, "bytes": 0}, "val": {"documents": 0, "bytes": 0}})
    manifest = _manifest(packages, languages_out, violations, contaminated, tokenizer_path, decontam, heldout,
                         token_sample)
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    if violations:
        for sub in ("train", "val"):
            shutil.rmtree(out_dir / sub, ignore_errors=True)
        first = "; ".join(f"{v['package']}:{v['path']} ({v['held_out']})" for v in violations[:5])
        raise heldout.HeldOutViolation(
            f"{len(violations)} reserved/held-out files would enter the corpus, e.g. {first}. Exclude them from the "
            f"pins (pins/*.tsv) or the selection; see heldout_check in {out_dir / 'manifest.json'}")
    return manifest


def _manifest(packages: dict, languages: dict, violations: list[dict], contaminated: list[dict],
              tokenizer_path: Path | None, decontam, heldout,  # type: ignore[no-untyped-def]
              token_sample: float = 1.0) -> dict:
    drops: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(lambda: {"documents": 0, "bytes": 0}))
    registries: dict[str, dict[str, int]] = defaultdict(lambda: {"packages": 0, "packages_kept": 0, "train_bytes": 0})
    for key, row in packages.items():
        reg = "v1" if key.startswith("v1:") else "zig" if key.startswith("pypi:ziglang-") else row["registry"]
        registries[reg]["packages"] += 1
        registries[reg]["packages_kept"] += int(row["kept"]["train"]["documents"] + row["kept"]["val"]["documents"] > 0)
        registries[reg]["train_bytes"] += row["kept"]["train"]["bytes"]
        for reason, c in row["dropped"].items():
            drops[row["language"]][reason]["documents"] += c["documents"]
            drops[row["language"]][reason]["bytes"] += c["bytes"]
    by_pkg: dict[str, dict[str, int]] = defaultdict(lambda: {"documents": 0, "bytes": 0})
    by_kind: dict[str, int] = defaultdict(int)
    tasks: set[str] = set()
    for c in contaminated:
        by_pkg[c["package"]]["documents"] += 1
        by_pkg[c["package"]]["bytes"] += c["bytes"]
        by_kind[c["kind"]] += 1
        tasks.add(c["task"])
    totals = {k: sum(v.get(k, 0) for v in languages.values())
              for k in ("train_documents", "train_bytes", "val_documents", "val_bytes", "train_tokens", "val_tokens")}
    return {
        "format": "maze-corpus/2",
        "filters": _filter_doc(),
        "tokenizer": str(tokenizer_path) if tokenizer_path else None,
        "token_sample": token_sample,
        "totals": totals,
        "languages": languages,
        "registries": dict(registries),
        "dropped": {lang: dict(v) for lang, v in drops.items()},
        "heldout_check": {
            "ok": not violations,
            "violations": violations[:200],
            "violation_count": len(violations),
            "reserved": heldout.RESERVED,
            "reserved_zig": "everything under a ziglang wheel's lib/ outside lib/std/",
            "realcode": [{"name": h.name, "language": h.language, "registry": h.registry, "package": h.package,
                          "license": h.license} for h in heldout.REALCODE],
            "realcode_zig_heldout_dirs": list(heldout.ZIG_HELDOUT_DIRS),
            "rule": "package names matched across registries and name forms; every selected file checked for "
                    "vendored copies (folder + characteristic file, crate-version folders, Go import paths, "
                    "node_modules, esbuild markers)",
        },
        "decontamination": {
            "rule": "whitespace-normalised HumanEval docstring, or 3 consecutive non-trivial lines of a canonical "
                    f"solution (>= {decontam.MIN_LINE} chars, not a bare keyword)",
            "humaneval_tasks": decontam_problems().tasks,
            "documents": len(contaminated),
            "bytes": sum(c["bytes"] for c in contaminated),
            "by_kind": dict(by_kind),
            "tasks_matched": len(tasks),
            "by_package": dict(sorted(by_pkg.items(), key=lambda kv: -kv[1]["documents"])),
            "documents_list": contaminated[:500],
        },
        "packages": packages,
    }


def _filter_doc() -> dict[str, str]:
    return {
        "selection": "the language's files under the package's code folder, vendored/fixture folders skipped "
        f"(vendor, _vendor, node_modules, testdata, third_party, ...), non-test files first, read "
        f"until {PACKAGE_CAP_BYTES >> 20} MiB of a registry package passed the filters (v1 sources, ziglang std exempt)",
        "undecodable": "not valid UTF-8",
        "tiny": f"< {MIN_BYTES} bytes or < {MIN_LINES} lines",
        "special_token": "contains a special token string such as <|endoftext|> or <|file_sep|>",
        "generated": "generated-code marker in the first 3000 chars (e.g. 'Code generated ... DO NOT EDIT')",
        "long_lines": f"a line > {4 * MAX_LINE_CHARS} chars, lines > {MAX_LINE_CHARS} chars holding > 10 % of "
        f"the text, or mean line > {MAX_MEAN_LINE_CHARS} chars (minified code, blobs)",
        "low_whitespace": f"whitespace < {MIN_WHITESPACE_RATIO:.0%} of chars (minified/packed data)",
        "huge": f"file > {MAX_SOURCE_FILE_BYTES >> 20} MiB, or document > {MAX_FILE_BYTES} bytes after splitting "
        "(tables, test vectors, dumps)",
        "repetitive": f"zlib ratio > {MAX_ZLIB_RATIO} (generated tables, repeated boilerplate)",
        "decontaminated": "contains a HumanEval docstring or 3 consecutive non-trivial lines of a canonical solution",
        "duplicate": "same content as an earlier document of the language (any package)",
        "near_duplicate": "same as an earlier (larger) document once whitespace is removed, or "
        f">= {NEAR_CONTAINMENT:.0%} of its distinct lines of >= {NEAR_LINE_CHARS} chars occur in earlier documents",
        "splitting": f"esbuild bundles are split per source module; other files > {SPLIT_BYTES} bytes "
        f"into ~{PART_BYTES}-byte parts at top-level boundaries (documents, not drops)",
        "validation": f"{VAL_FRACTION:.0%} of each language's bytes: documents in sha1(lang, repo/path) order",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="maze corpus", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="select, clean, decontaminate, dedupe and split the fetched packages")
    b.add_argument("--sources", type=Path, default=Path(".data/sources-v2"))
    b.add_argument("--out", type=Path, default=Path(".data/corpus-v2"))
    b.add_argument("--tokenizer", type=Path, default=Path("inference/maze_inference/model/default/tokenizer.json"),
                   help="count tokens with this tokenizer.json ('' to skip)")
    b.add_argument("--languages", default="", help="comma-separated subset (default: all)")
    b.add_argument("--workers", type=int, default=2)
    b.add_argument("--token-sample", type=float, default=1.0,
                   help="count tokens on this fraction of the documents (hash sample) and scale by bytes")
    sub.add_parser("pack", help="write the v2 training pack (see pack.py)", add_help=False)
    args, extra = parser.parse_known_args(argv)
    if args.cmd == "pack":
        from maze_workshop.corpus import pack

        return pack.main(extra)
    if extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    from maze_workshop.corpus.heldout import HeldOutViolation

    tok = args.tokenizer if str(args.tokenizer) else None
    try:
        manifest = build(args.sources, args.out, tok, tuple(x for x in args.languages.split(",") if x), args.workers,
                         token_sample=args.token_sample)
    except HeldOutViolation as exc:
        print(f"maze corpus build: FAILED: {exc}", file=sys.stderr)
        return 2
    t = manifest["totals"]
    log.info("corpus: train %.1f MB (%s tokens), val %.1f MB; decontaminated %d documents; held-out check ok",
             t["train_bytes"] / 1e6, t.get("train_tokens"), t["val_bytes"] / 1e6, manifest["decontamination"]["documents"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
