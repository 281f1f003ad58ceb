"""`maze bench quality --tasks crossfile`: positions whose completion needs a name from another file of the
package, each run with and without the repository context retrieval gives there."""

from __future__ import annotations

from pathlib import Path

from maze_inference.engines.embedded import EmbeddedEngine
from maze_workshop.bench import crossfile, quality

PRICING = "RATE = 0.2\n\n\ndef compute_total(amount, rate):\n    return amount * (1 + rate)\n\n\nclass Ledger:\n" \
          "    def record_entry(self, amount):\n        return amount\n"
CHECKOUT = "from shop.pricing import compute_total, Ledger\n\n\ndef checkout(amount):\n    book = Ledger()\n" \
           "    book.record_entry(amount)\n    total = compute_total(amount, 0.1)\n    return total\n"


def test_crossfile_tasks_need_a_name_from_another_file_and_run_with_and_without_context(tmp_path: Path) -> None:
    package = tmp_path / "python" / "shop"
    (package / "shop").mkdir(parents=True)
    (package / "shop" / "__init__.py").write_text("")
    (package / "shop" / "pricing.py").write_text(PRICING)
    (package / "shop" / "checkout.py").write_text(CHECKOUT)
    work = crossfile.crossfile_tasks(tmp_path, per_kind=3, seed=0, languages=("python",))
    assert work and {t.kind for t in work} <= set(crossfile.KINDS)
    for task in work:
        assert task.task_id.startswith("shop/shop/checkout.py:") and task.needed in {"compute_total", "Ledger", "record_entry"}
        assert task.needed in task.expected and task.repository is not None
        assert task.needed in "\n".join(f.text for f in task.repository.files)  # the gapped file's imports find it
    assert crossfile.context_recall(work) == {"python": 1.0}
    result = quality.evaluate(EmbeddedEngine(), work, max_tokens=8, progress=False, decoders=("constrained",))
    decoders = result["summary"]["crossfile"]
    assert set(decoders) == {"constrained", "constrained+repo"}
    assert all(0.0 <= s["needed_identifier"] <= 1.0 and s["n"] == len(work) for s in decoders.values())
