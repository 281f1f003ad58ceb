"""What an engine's model is: its shape, vocabulary and device, for `/health` and the benchmarks' results.

A throughput figure means little without the model behind it (the constraint's share of a step grows
with the vocabulary and shrinks with the model), so the service reports the shape and the GPU with
every run. Only public facts of the model: no paths, no weights, nothing a user sent.
"""

from __future__ import annotations

import json
import logging
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ModelInfo:
    architecture: str | None = None
    hidden_size: int | None = None
    num_layers: int | None = None
    num_heads: int | None = None
    num_kv_heads: int | None = None
    params: int | None = None
    vocab_size: int | None = None
    max_positions: int | None = None
    device: str | None = None  # "cpu", or the GPU's name

    @classmethod
    def from_hf_config(cls, config: Any, **known: Any) -> ModelInfo:
        """From a Hugging Face config (object or dict); `known` fills or overrides fields."""
        def get(*names: str) -> Any:
            for name in names:
                value = config.get(name) if isinstance(config, Mapping) else getattr(config, name, None)
                if value is not None:
                    return value
            return None

        architectures = get("architectures")
        values = {
            "architecture": architectures[0] if architectures else get("model_type", "architecture"),
            "hidden_size": get("hidden_size"),
            "num_layers": get("num_hidden_layers", "num_layers"),
            "num_heads": get("num_attention_heads", "num_heads"),
            "num_kv_heads": get("num_key_value_heads", "num_kv_heads"),
            "vocab_size": get("vocab_size"),
            "max_positions": get("max_position_embeddings", "max_positions"),
            "params": get("params"),
        }
        values.update({k: v for k, v in known.items() if v is not None})
        return cls(**values)


def safetensors_params(model_dir: Path) -> int | None:
    """The parameter count of a checkpoint folder, from its safetensors headers (no weights are read)."""
    total = 0
    files = sorted(model_dir.glob("*.safetensors")) if model_dir.is_dir() else []
    for path in files:
        try:
            with path.open("rb") as handle:
                size = struct.unpack("<Q", handle.read(8))[0]
                header = json.loads(handle.read(size))
        except (OSError, ValueError, struct.error) as exc:
            log.debug("no parameter count from %s: %s", path.name, exc)
            return None
        for name, tensor in header.items():
            if name != "__metadata__":
                count = 1
                for dim in tensor["shape"]:
                    count *= dim
                total += count
    return total or None


def model_info(engine: object) -> ModelInfo | None:
    """An engine's `model_info` where it has one (engines that only relay, like the remote one, have not)."""
    info = getattr(engine, "model_info", None)
    return info if isinstance(info, ModelInfo) else None
