"""`TransformersEngine`: a user's own local Hugging Face model (CPU or CUDA) behind the same interface.

For users with a bigger model than the embedded one. Needs the `transformers` extra (torch), which
is imported only when this engine is built. The model folder is any causal LM with a fast tokenizer;
FIM token names default to Qwen2.5-Coder's and can be overridden.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from maze_inference.engines.local import LoadedModel, LocalEngine
from maze_inference.engines.model_info import ModelInfo
from maze_inference.engines.prefix_cache import PrefixCache
from maze_inference.errors import EngineUnavailable
from maze_inference.prompts import FimFormat, PromptWindow
from maze_inference.tokenization import ModelTokenizer

log = logging.getLogger(__name__)


class TorchLogitsModel:
    """Next-token logits from a transformers causal LM, with a cropped `DynamicCache` between requests."""

    def __init__(self, model: Any, device: str) -> None:
        import torch

        self.torch = torch
        self.model = model
        self.device = device
        self.cache = PrefixCache()
        self._kv: Any = None

    @property
    def reused_tokens(self) -> int:
        return self.cache.reused

    def _forward(self, ids: Sequence[int]) -> NDArray[np.float32]:
        torch = self.torch
        with torch.inference_mode():
            inputs = torch.tensor([list(ids)], dtype=torch.long, device=self.device)
            out = self.model(input_ids=inputs, past_key_values=self._kv, use_cache=True, logits_to_keep=1)
        self._kv = out.past_key_values
        return out.logits[0, -1].float().cpu().numpy()

    def prefill(self, ids: Sequence[int]) -> NDArray[np.float32]:
        return self.cache.prefill(ids, self._keep, self._forward)

    def _keep(self, positions: int) -> None:
        if positions == 0:
            self._kv = None
        elif self._kv is not None:
            self._kv.crop(positions)

    def step(self, token: int) -> NDArray[np.float32]:
        logits = self._forward([token])
        self.cache.stepped(token)
        return logits


class TransformersEngine(LocalEngine):
    name = "transformers"

    def __init__(self, model_dir: str | Path, device: str | None = None, fim: FimFormat = FimFormat(),
                 window: PromptWindow = PromptWindow(), dtype: str = "auto") -> None:
        super().__init__(window)
        self.model_dir = Path(model_dir)
        self.device = device
        self.fim = fim
        self.dtype = dtype

    @property
    def model_name(self) -> str:
        return str(self.model_dir)

    def _load_model(self) -> LoadedModel:
        try:
            import torch
            import transformers
        except ImportError as exc:
            raise EngineUnavailable("the transformers engine needs `pip install 'maze-lsp[transformers]'`") from exc
        if not (self.model_dir / "config.json").is_file():
            raise EngineUnavailable(f"no Hugging Face model at {self.model_dir} (missing config.json)")
        device = self.device or ("cuda" if torch.cuda.is_available() else "cpu")
        dtype = torch.bfloat16 if (self.dtype == "auto" and device.startswith("cuda")) else torch.float32
        model = transformers.AutoModelForCausalLM.from_pretrained(self.model_dir, dtype=dtype).to(device).eval()
        tokenizer_json = self.model_dir / "tokenizer.json"
        if not tokenizer_json.is_file():
            raise EngineUnavailable(f"{self.model_dir} has no tokenizer.json (a fast tokenizer is required)")
        eos = transformers.AutoTokenizer.from_pretrained(self.model_dir).eos_token or "<|endoftext|>"
        tokenizer = ModelTokenizer.from_file(tokenizer_json, eos_token=eos)
        max_positions = int(getattr(model.config, "max_position_embeddings", 4096))
        log.info("transformers engine: %s on %s (%s)", self.model_dir, device, dtype)
        gpu = torch.cuda.get_device_name(torch.device(device)) if device.startswith("cuda") else device
        info = ModelInfo.from_hf_config(model.config, params=sum(p.numel() for p in model.parameters()), device=gpu)
        return LoadedModel.build(TorchLogitsModel(model, device), tokenizer, self.fim, max_positions, info)
