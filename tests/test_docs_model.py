"""The docs never contradict the shipped model's own `maze_model.json`.

What a doc says about the model comes from one place: a paragraph generated from the model folder
(`maze bench report` rewrites it), or the model card, whose numbers are checked here against the
same file. Any other doc that states the model's size, parameters or training fails the test.
"""

from __future__ import annotations

import copy
import re

from maze_inference.engines.embedded import default_model_dir
from maze_workshop import model_summary

from tests.doc_blocks import ROOT

DOCS_DIR = ROOT / "docs"
MODEL_DIR = default_model_dir()
# Statements about the model that belong in the generated paragraph or the model card only.
RESTATED = re.compile(r"random[-\s]weights?|untrained|not\s(yet\s)?trained|placeholder\smodel|model\sis\sa\splaceholder"
                      r"|\b\d+(\.\d+)?\s?M[-\s]param|\bwe\strained\b", re.IGNORECASE)
SIZE_NEAR_MODEL = re.compile(r"model[^.]{0,60}\b\d+(\.\d+)?\s?MB\b|\b\d+(\.\d+)?\s?MB\b[^.]{0,60}model", re.IGNORECASE)


def _outside_summaries(text: str) -> str:
    return re.sub(re.escape(model_summary.BEGIN) + r".*?" + re.escape(model_summary.END), "", text, flags=re.DOTALL)


def test_summaries_are_generated_from_maze_model_json() -> None:
    with_summary = []
    for doc in model_summary.documents(DOCS_DIR):
        rendered = model_summary.render(doc, DOCS_DIR, MODEL_DIR)
        if rendered is None:
            continue
        with_summary.append(doc.name)
        assert rendered == doc.read_text(encoding="utf-8"), f"{doc.name}: stale model summary; run `maze bench report`"
    assert {"README.md", "editors.md", "model-card.md"} <= set(with_summary)


def test_no_other_doc_restates_the_model() -> None:
    for doc in model_summary.documents(DOCS_DIR):
        if doc.name == "model-card.md":
            continue
        text = _outside_summaries(doc.read_text(encoding="utf-8"))
        for pattern in (RESTATED, SIZE_NEAR_MODEL):
            match = pattern.search(text)
            line = text.count("\n", 0, match.start()) + 1 if match else 0
            assert match is None, f"{doc.name}:{line} states the model ({match.group(0)!r}): link the model card instead"


def test_model_card_numbers_are_the_model_files() -> None:
    meta = model_summary.load(MODEL_DIR)
    facts = model_summary.facts(meta, (MODEL_DIR / "model.onnx").stat().st_size)
    card = (DOCS_DIR / "model-card.md").read_text(encoding="utf-8")
    for statement in (f"{facts['params']} parameters", f"{facts['tokens']} in {facts['steps']} steps",
                      f"final training loss {facts['final_loss'].rstrip('0')}", f"vocabulary {facts['vocab']}",
                      f"({facts['size']})", f"{facts['minutes']} min of training loop"):
        assert statement in card, f"the model card does not say {statement!r} (maze_model.json does)"


def test_an_untrained_model_is_called_one() -> None:
    meta = copy.deepcopy(model_summary.load(MODEL_DIR))
    meta["training"]["status"] = "pending"
    text = " ".join(model_summary.summary(meta, 25_000_000, "model-card.md").split())
    assert "random weights" in text and "trained from scratch" not in text
