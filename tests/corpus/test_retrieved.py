"""`maze corpus retrieve`: training cursors get the context that the language server's retrieval gives."""

from __future__ import annotations

import json
import lzma
from pathlib import Path

from maze_workshop.corpus import retrieved

PRICING = '''"""Prices."""


def discounted_total(amount: float, rate: float) -> float:
    return amount * (1 - rate)


class Invoice:
    def __init__(self, lines: list[float]) -> None:
        self.lines = lines
'''

CHECKOUT = '''from shop.pricing import Invoice, discounted_total


def pay(lines: list[float]) -> float:
    invoice = Invoice(lines)
    total = sum(invoice.lines)
    return discounted_total(total, 0.1)
'''


def _shard(path: Path) -> None:
    records = [{"lang": "python", "repo": "example/shop", "path": "shop/pricing.py", "text": PRICING},
               {"lang": "python", "repo": "example/shop", "path": "shop/checkout.py", "text": CHECKOUT},
               {"lang": "python", "repo": "example/alone", "path": "alone.py", "text": CHECKOUT}]
    with lzma.open(path, "wt", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r) + "\n" for r in records)


def test_cursors_on_cross_file_lines_carry_the_definitions(tmp_path: Path) -> None:
    _shard(tmp_path / "train-000.jsonl.xz")
    assert retrieved.main([str(tmp_path / "train-000.jsonl.xz"), "--out", str(tmp_path / "out"), "--workers", "1"]) == 0
    with lzma.open(tmp_path / "out" / "retrieved-000.jsonl.xz", "rt", encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh]
    assert records and {r["repo"] for r in records} == {"example/shop"}  # a one-file package has no context
    at_call = [r for r in records if r["path"] == "shop/checkout.py"
               and CHECKOUT[CHECKOUT.rfind("\n", 0, r["cursor"]) + 1:].lstrip().startswith(("invoice =", "return"))]
    assert at_call, [CHECKOUT[r["cursor"]:r["cursor"] + 30] for r in records]
    for record in at_call:
        assert record["name"] == "shop" and record["current"] == "shop/checkout.py"
        shown = {path: text for path, text in record["files"]}
        assert "shop/pricing.py" in shown
        assert "def discounted_total" in shown["shop/pricing.py"] or "class Invoice" in shown["shop/pricing.py"]


def test_positions_are_deterministic_and_inside_the_text(tmp_path: Path) -> None:
    _shard(tmp_path / "train-000.jsonl.xz")
    runs = []
    for name in ("a", "b"):
        retrieved.main([str(tmp_path / "train-000.jsonl.xz"), "--out", str(tmp_path / name), "--workers", "1"])
        with lzma.open(tmp_path / name / "retrieved-000.jsonl.xz", "rt", encoding="utf-8") as fh:
            runs.append(fh.read())
    assert runs[0] == runs[1]
    for line in runs[0].splitlines():
        record = json.loads(line)
        text = PRICING if record["path"] == "shop/pricing.py" else CHECKOUT
        assert 0 <= record["cursor"] <= len(text)
