"""What the docs say about the shipped model, generated from the model's own `maze_model.json`.

Docs that restated the model (trained or not, size, languages) went stale when the model changed:
the editors guide kept calling a trained model "random weights". So the docs carry one generated
paragraph between markers, `maze bench report` rewrites it from the model folder, and a test fails
when a doc's paragraph differs from what the model folder says. Everything else about the model is
in the model card, which the paragraph links to.
"""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path
from typing import Any

BEGIN = "<!-- model summary: generated from maze_model.json by `maze bench report`; edit the generator, not this -->"
END = "<!-- end of model summary -->"
_REGION = re.compile(re.escape(BEGIN) + r"\n(.*?)\n" + re.escape(END), re.DOTALL)
_LANGUAGE_NAMES = {"python": "Python", "typescript": "TypeScript/JavaScript", "go": "Go", "rust": "Rust", "zig": "Zig"}


def load(model_dir: Path) -> dict[str, Any]:
    return json.loads((model_dir / "maze_model.json").read_text(encoding="utf-8"))


def facts(meta: dict[str, Any], onnx_bytes: int) -> dict[str, str]:
    """The model's facts as the docs print them (also what the model card's numbers are checked against)."""
    training = meta.get("training") or {}
    tokens = training.get("tokens_by_lang") or {}
    languages = [_LANGUAGE_NAMES.get(name, name) for name in sorted(tokens, key=lambda n: -tokens[n])]
    return {
        "trained": "yes" if training.get("status") == "done" else "no",
        "params": f"{meta['params'] / 1e6:.1f} M",
        "layers": str(meta["num_layers"]),
        "hidden": str(meta["hidden_size"]),
        "vocab": str(meta["vocab_size"]),
        "context": str(meta["max_positions"]),
        "size": f"{onnx_bytes / 1e6:.1f} MB",
        "quantization": meta.get("quantization", "none"),
        "languages": ", ".join(languages),
        "tokens": f"{training.get('tokens_seen', 0) / 1e6:.0f} M",
        "steps": str(training.get("steps", 0)),
        "minutes": str(training.get("minutes", "")),
        "final_loss": f"{training.get('final_train_loss', 0):.3f}",
    }


def summary(meta: dict[str, Any], onnx_bytes: int, card_link: str) -> str:
    """One paragraph: what the shipped model is, linking to the model card for everything else."""
    f = facts(meta, onnx_bytes)
    if f["trained"] == "no":
        what = "has random weights (it is not trained yet), so its suggestions are meaningless, though they still parse"
    else:
        what = (f"was trained from scratch by this project on {f['languages']} code ({f['tokens']} tokens, "
                f"{f['steps']} steps)")
    text = (f"The shipped model is a {f['params']}-parameter decoder ({f['layers']} layers, hidden size "
            f"{f['hidden']}, vocabulary {f['vocab']}, context {f['context']} tokens), {f['quantization']} ONNX, "
            f"{f['size']} on disk, run on the CPU by onnxruntime; it {what}. See the [model card]({card_link}).")
    return textwrap.fill(text, width=100, break_long_words=False, break_on_hyphens=False)


def card_link(doc: Path, docs_dir: Path) -> str:
    return "model-card.md" if doc.parent == docs_dir else f"{docs_dir.name}/model-card.md"


def render(doc: Path, docs_dir: Path, model_dir: Path) -> str | None:
    """`doc`'s text with its summary region regenerated; None when it has no region."""
    text = doc.read_text(encoding="utf-8")
    if not _REGION.search(text):
        return None
    paragraph = summary(load(model_dir), (model_dir / "model.onnx").stat().st_size, card_link(doc, docs_dir))
    return _REGION.sub(lambda _m: f"{BEGIN}\n{paragraph}\n{END}", text)


def documents(docs_dir: Path) -> list[Path]:
    """The README beside the docs folder (when there is one) and every doc in it."""
    readme = docs_dir.parent / "README.md"
    return [*([readme] if readme.exists() else []), *sorted(docs_dir.glob("*.md"))]


def update(docs_dir: Path, model_dir: Path) -> list[Path]:
    """Rewrite every doc's summary region from `model_dir`; the docs that changed."""
    changed = []
    for doc in documents(docs_dir):
        rendered = render(doc, docs_dir, model_dir)
        if rendered is not None and rendered != doc.read_text(encoding="utf-8"):
            doc.write_text(rendered, encoding="utf-8")
            changed.append(doc)
    return changed
