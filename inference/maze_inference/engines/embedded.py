"""The default engine: our small FIM model, exported to ONNX with a KV cache, on onnxruntime (CPU).

onnxruntime is a 28 MB wheel that imports in ~0.1 s; torch would be gigabytes and seconds, which
an editor plugin's default cannot afford. The model folder (`maze_model.json`, `model.onnx`,
`tokenizer.json`) follows the I/O contract written by `maze_workshop.model.export`:
inputs `input_ids` [1, S] and `past_key_{i}`/`past_value_{i}` [1, KVH, P, D]; outputs `logits`
[1, V] for the last position and `present_key_{i}`/`present_value_{i}` [1, KVH, P+S, D].
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from maze_inference.engines.local import LoadedModel, LocalEngine
from maze_inference.engines.model_info import ModelInfo
from maze_inference.engines.prefix_cache import PrefixCache
from maze_inference.errors import EngineUnavailable
from maze_inference.prompts import FimFormat, PromptWindow
from maze_inference.tokenization import load_tokenizer

log = logging.getLogger(__name__)

MODEL_FORMAT = "maze-onnx-kv/1"


def default_model_dir() -> Path:
    """The model shipped inside the package (`maze_inference/model/default`)."""
    return Path(str(resources.files("maze_inference"))) / "model" / "default"


def read_model_config(model_dir: Path) -> dict:
    config_path = model_dir / "maze_model.json"
    if not config_path.is_file():
        raise EngineUnavailable(f"no model at {model_dir} (missing maze_model.json)")
    config = json.loads(config_path.read_text())
    if config.get("format") != MODEL_FORMAT:
        raise EngineUnavailable(f"{config_path}: format {config.get('format')!r}, expected {MODEL_FORMAT!r}")
    return config


class OnnxLogitsModel:
    """Next-token logits with a KV cache that survives between requests.

    A new prompt that shares a prefix with the cached sequence (the user typed a character) only
    runs its changed tail through the model, in the chunks `PrefixCache` chooses.
    """

    def __init__(self, model_dir: Path, config: dict, threads: int) -> None:
        import onnxruntime as ort  # imported here so `maze --help` stays instant

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        self.session = ort.InferenceSession(str(model_dir / config.get("onnx", "model.onnx")), options,
                                            providers=["CPUExecutionProvider"])
        self.layers = int(config["num_layers"])
        self.kv_shape = (1, int(config["num_kv_heads"]), 0, int(config["head_dim"]))
        self.cache = PrefixCache()
        self._past: list[NDArray[np.float32]] = self._empty_past()

    def _empty_past(self) -> list[NDArray[np.float32]]:
        return [np.zeros(self.kv_shape, dtype=np.float32) for _ in range(2 * self.layers)]

    @property
    def reused_tokens(self) -> int:
        return self.cache.reused

    def _run(self, ids: Sequence[int]) -> NDArray[np.float32]:
        feeds: dict[str, NDArray] = {"input_ids": np.asarray([ids], dtype=np.int64)}
        for i in range(self.layers):
            feeds[f"past_key_{i}"] = self._past[2 * i]
            feeds[f"past_value_{i}"] = self._past[2 * i + 1]
        outputs = self.session.run(None, feeds)
        self._past = list(outputs[1:])
        return outputs[0][0]

    def prefill(self, ids: Sequence[int]) -> NDArray[np.float32]:
        return self.cache.prefill(ids, self._keep, self._run)

    def _keep(self, positions: int) -> None:
        self._past = [np.ascontiguousarray(p[:, :, :positions]) for p in self._past] if positions else self._empty_past()

    def step(self, token: int) -> NDArray[np.float32]:
        logits = self._run([token])
        self.cache.stepped(token)
        return logits


class EmbeddedEngine(LocalEngine):
    """onnxruntime on CPU with the model shipped in the wheel (or a folder named in settings)."""

    name = "embedded"

    def __init__(self, model_dir: str | Path | None = None, threads: int | None = None,
                 window: PromptWindow = PromptWindow()) -> None:
        super().__init__(window)
        self.model_dir = Path(model_dir) if model_dir else default_model_dir()
        self.threads = threads or min(4, os.cpu_count() or 1)

    @property
    def model_name(self) -> str:
        return str(self.model_dir)

    def _load_model(self) -> LoadedModel:
        config = read_model_config(self.model_dir)
        tokenizer = load_tokenizer(str(self.model_dir / config.get("tokenizer", "tokenizer.json")))
        model = OnnxLogitsModel(self.model_dir, config, self.threads)
        fim = FimFormat(**config.get("fim", {}))
        log.info("embedded engine: %s (%s params, %s layers)", self.model_dir, config.get("params"), config["num_layers"])
        heads = config["hidden_size"] // config["head_dim"] if config.get("head_dim") and config.get("hidden_size") else None
        info = ModelInfo.from_hf_config(config, num_heads=heads, vocab_size=tokenizer.vocab_size, device="cpu")
        return LoadedModel.build(model, tokenizer, fim, int(config.get("max_positions", 1024)), info)
