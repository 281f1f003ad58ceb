"""Checkpoint folders and their transport: a tar split into parts small enough to come back from the
GPU machine (at most 8 files of at most 16 MiB), and the inverse. Standard library + torch/transformers
only, since train.py uses it on the GPU machine.
"""

from __future__ import annotations

import io
import json
import logging
import shutil
import tarfile
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

PART_BYTES = 15 << 20
PART_PREFIX = "ckpt.tar.part-"
SPECIALS = {"eos": "<|endoftext|>", "pad": "<|fim_pad|>",
            "fim": ["<|fim_prefix|>", "<|fim_middle|>", "<|fim_suffix|>"]}


def save_checkpoint(model, tokenizer_json: Path, folder: Path, dtype, max_length: int) -> None:
    """`save_pretrained` in `dtype` (tied embedding stored once) plus tokenizer files that
    `AutoTokenizer.from_pretrained` reads; the model itself stays untouched (fp32, on its device)."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    state = {k: v.detach().to("cpu", dtype) for k, v in model.state_dict().items()}
    if model.config.tie_word_embeddings:
        state.pop("lm_head.weight", None)
    model.generation_config.eos_token_id = model.config.eos_token_id
    model.generation_config.pad_token_id = model.config.pad_token_id
    model.save_pretrained(str(folder), state_dict=state, safe_serialization=True)
    config_path = folder / "config.json"  # save_pretrained records the live (fp32) dtype; say what is stored
    config = json.loads(config_path.read_text())
    config["dtype"] = str(dtype).removeprefix("torch.")
    config_path.write_text(json.dumps(config, indent=2) + "\n")
    shutil.copy(tokenizer_json, folder / "tokenizer.json")
    try:
        from transformers import PreTrainedTokenizerFast

        tok = PreTrainedTokenizerFast(tokenizer_file=str(tokenizer_json), eos_token=SPECIALS["eos"],
                                      pad_token=SPECIALS["pad"], additional_special_tokens=SPECIALS["fim"],
                                      model_max_length=max_length, clean_up_tokenization_spaces=False)
        tok.save_pretrained(str(folder))
    except Exception as exc:  # noqa: BLE001 — a hand-written config loads the same
        log.warning("tokenizer save_pretrained failed (%s); writing tokenizer_config.json by hand", exc)
        (folder / "tokenizer_config.json").write_text(json.dumps({
            "tokenizer_class": "PreTrainedTokenizerFast", "eos_token": SPECIALS["eos"], "pad_token": SPECIALS["pad"],
            "additional_special_tokens": SPECIALS["fim"], "model_max_length": max_length,
            "clean_up_tokenization_spaces": False}, indent=2) + "\n")


def write_parts(folder: Path, out: Path) -> list[str]:
    """Tar `folder` (as ckpt/...) and write it as `ckpt.tar.part-NN` files of PART_BYTES into `out`,
    replacing earlier parts; each part is written under a temporary name and renamed when complete."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        tar.add(folder, arcname="ckpt")
    data = buf.getvalue()
    out.mkdir(parents=True, exist_ok=True)
    names = []
    for i in range(0, max(1, len(data)), PART_BYTES):
        name = f"{PART_PREFIX}{i // PART_BYTES:02d}"
        tmp = out / (name + ".tmp")
        tmp.write_bytes(data[i : i + PART_BYTES])
        tmp.replace(out / name)
        names.append(name)
    for stale in out.glob(PART_PREFIX + "*"):
        if stale.name not in names:
            stale.unlink()
    return names


def unpack(parts_dir: Path, out: Path) -> Path:
    """Join `ckpt.tar.part-NN` from `parts_dir` and untar; returns the checkpoint folder (out/ckpt)."""
    parts = sorted(p for p in parts_dir.glob(PART_PREFIX + "*") if not p.name.endswith(".tmp"))
    if not parts:
        raise FileNotFoundError(f"no {PART_PREFIX}* in {parts_dir}")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tar_path = Path(tmp) / "ckpt.tar"
        with tar_path.open("wb") as fh:
            for part in parts:
                fh.write(part.read_bytes())
        with tarfile.open(tar_path) as tar:
            tar.extractall(out, filter="data")
    metrics = parts_dir / "metrics.json"
    if metrics.is_file():
        shutil.copy(metrics, out / "ckpt" / "metrics.json")
    return out / "ckpt"
