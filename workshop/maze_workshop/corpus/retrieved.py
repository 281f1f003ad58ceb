"""Repository examples whose context is what the editor's retrieval shows (`maze corpus retrieve`).

The pack's first repository examples put random other files of the package before the current one.
A model trained only on those learns that the context rarely matters, and it ignores the context
at the cursor: in the crossfile benchmark the needed name appeared as often with context as
without. Here each package of the pack becomes a workspace index (the language server's own
indexer), and at cursor positions in its files the language server's own retriever picks the
context, so training sees the prompt that the editor builds. Positions favour lines that use a name
defined in another file of the package, where the context helps, and include random lines, where
it does not.

Writes, per input shard, `retrieved-NNN.jsonl.xz` with records {"lang", "repo", "path", "cursor",
"name", "current", "files": [[path, text], ...]}: `cursor` is a character offset into the document,
`name`/`current`/`files` are the `RepositoryContext` exactly as retrieval returned it.
"""

from __future__ import annotations

import argparse
import json
import logging
import lzma
import random
import re
import time
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from maze_inference.workspace.index import WorkspaceIndex
from maze_inference.workspace.retrieval import Query, Retriever
from maze_inference.workspace.scan import FileIndexer
from maze_inference.workspace.symbols import FileSymbols

log = logging.getLogger(__name__)

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Lines that declare rather than use: imports, package clauses, comments.
_DECLARING = re.compile(r"(import|from|use|package|export \*|#|//|/\*|\*|extern crate)\b|.*@import\(")
_MAX_DEFINED = 8  # a name defined in more files than this says little about which file is needed
_MAX_LINE = 240


@dataclass(frozen=True)
class Settings:
    needed_per_doc: int = 2  # positions on lines that use a name defined in another file
    random_per_doc: int = 1  # positions on any line
    docs_per_repo: int = 48
    lookback: int = 6000  # what the language server passes as the text before the cursor
    lookahead: int = 2000


def _lines(text: str) -> Iterator[tuple[int, str]]:
    offset = 0
    for line in text.splitlines(keepends=True):
        yield offset, line.rstrip("\r\n")
        offset += len(line)


def positions(text: str, key: str, index: WorkspaceIndex, settings: Settings, rng: random.Random) -> list[int]:
    """Cursor offsets in `text`: after the indentation of, or before a cross-file name on, lines that use a
    name defined only in other files of the package; and at random lines."""
    needed: list[tuple[int, int, int]] = []  # (line offset, indentation, column of the name)
    plain: list[tuple[int, int, int]] = []
    for offset, line in _lines(text):
        stripped = line.lstrip()
        if not stripped or len(line) > _MAX_LINE:
            continue
        indent = len(line) - len(stripped)
        plain.append((offset, indent, len(line)))
        if _DECLARING.match(stripped):
            continue
        for match in _IDENT.finditer(line, indent):
            hits = index.named(match.group(0)) if len(match.group(0)) >= 3 else []
            if hits and len(hits) <= _MAX_DEFINED and all(h.path != key for h in hits):
                needed.append((offset, indent, match.start()))
                break
    out = []
    for offset, indent, column in rng.sample(needed, min(len(needed), settings.needed_per_doc)):
        out.append(offset + (indent if rng.random() < 0.5 else column))
    for offset, indent, length in rng.sample(plain, min(len(plain), settings.random_per_doc)):
        out.append(offset + (indent if rng.random() < 0.6 else rng.randint(indent, length)))
    return sorted(set(out))


def repository_records(lang: str, repo: str, docs: list[tuple[str, str]], settings: Settings,
                       seed: int) -> list[dict]:
    """The records of one package: `docs` are its (path, text)."""
    rng = random.Random(f"{seed}:{repo}")
    root = "/w/" + (repo.rstrip("/").rsplit("/", 1)[-1] or "repo")
    indexer = FileIndexer()
    index = WorkspaceIndex([root])
    symbols: dict[str, FileSymbols] = {}
    for path, text in docs:
        found = indexer.index(f"{root}/{path}", text)
        if found is not None:
            symbols[path] = found
    index.put_all(symbols.values())
    retriever = Retriever(index)
    chosen = [d for d in docs if d[0] in symbols]
    out: list[dict] = []
    for path, text in rng.sample(chosen, min(len(chosen), settings.docs_per_repo)):
        key = f"{root}/{path}"
        for cursor in positions(text, key, index, settings, rng):
            query = Query(key, symbols[path].language, text[max(0, cursor - settings.lookback):cursor],
                          text[cursor:cursor + settings.lookahead])
            found = retriever.retrieve(query)
            if found is None or not found.files:
                continue
            out.append({"lang": lang, "repo": repo, "path": path, "cursor": cursor, "name": found.name,
                        "current": found.path, "files": [[f.path, f.text] for f in found.files]})
    return out


def _shard_records(shard: Path, settings: Settings, seed: int) -> list[dict]:
    repos: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    with lzma.open(shard, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                record = json.loads(line)
                repos[(record["lang"], record.get("repo") or record["path"])].append((record["path"], record["text"]))
    out: list[dict] = []
    for (lang, repo), docs in sorted(repos.items()):
        if len(docs) > 1:
            out += repository_records(lang, repo, docs, settings, seed)
    return out


def _write(shard: Path, out_dir: Path, settings: Settings, seed: int) -> tuple[str, int, float]:
    start = time.time()
    records = _shard_records(shard, settings, seed)
    name = shard.name.replace("train-", "retrieved-").replace("val.", "retrieved-val.")
    target = out_dir / name
    tmp = target.with_suffix(".tmp")
    with lzma.open(tmp, "wt", encoding="utf-8", preset=6) as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    tmp.replace(target)
    return name, len(records), time.time() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="maze corpus retrieve", description=__doc__.split("\n")[0])
    parser.add_argument("shards", type=Path, nargs="+", help="pack shards (train-NNN.jsonl.xz, val.jsonl.xz)")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--docs-per-repo", type=int, default=Settings.docs_per_repo)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    settings = Settings(docs_per_repo=args.docs_per_repo)
    with ProcessPoolExecutor(args.workers) as pool:
        futures = [pool.submit(_write, shard, args.out, settings, args.seed) for shard in args.shards]
        for future in futures:
            name, count, seconds = future.result()
            log.info("%s: %d examples (%.0f s)", name, count, seconds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
