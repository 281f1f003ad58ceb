"""maze's inference service on Modal: vLLM on one A100-80GB, the same FastAPI app as `maze serve`.

    modal deploy inference/modal_app.py       # see docs/deploy-modal.md for the whole procedure

Two models share the GPU: a FIM base model for `/v1/complete` (default Qwen2.5-Coder-7B, bf16,
~15 GB) and an instruct model for `/v1/generate` (default Qwen2.5-Coder-32B-Instruct as Qwen's AWQ
checkpoint, ~19 GB: the bf16 32B alone is ~65 GB and would not fit beside the 7B with any KV
cache). Both are read from a Modal Volume filled once by `download_models`; nothing is fetched
at container start. `MAZE_API_KEY` comes from a Modal Secret; the app refuses unauthenticated
requests when it is set. A memory snapshot keeps the imported Python world (torch, vLLM, FastAPI,
compiled grammars) so a cold start skips those imports; the model still loads onto the GPU after
restore (GPU state is not in a CPU memory snapshot).

Deploy-time settings come from the environment of `modal deploy` (`DeployConfig.from_env`) and
are passed to the container in `env=`, so both sides see the same configuration.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import modal

VLLM_VERSION = "0.26.0"  # the `vllm` extra of pyproject.toml pins the same version
MODELS_DIR = "/models"
REPO_IN_IMAGE = "/opt/maze"
_ENV_PREFIX = "MAZE_MODAL_"


@dataclass(frozen=True)
class DeployConfig:
    app_name: str = "maze"
    gpu: str = "A100-80GB"
    volume: str = "maze-models"
    secret: str = "maze-api-key"  # a Modal Secret holding MAZE_API_KEY
    complete_model: str = "Qwen/Qwen2.5-Coder-7B"
    generate_model: str = "Qwen/Qwen2.5-Coder-32B-Instruct-AWQ"  # "" = /v1/generate uses the completion model
    complete_memory: float = 0.30  # fractions of GPU memory (weights + KV cache) per model
    generate_memory: float = 0.58
    max_model_len: int = 8192
    scaledown_s: int = 300  # how long an idle container stays warm
    max_containers: int = 1
    max_inputs: int = 64  # concurrent requests per container (vLLM batches them)
    load_wait_s: float = 600.0  # requests that arrive while the models load wait this long before 503

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> DeployConfig:
        """`MAZE_MODAL_<FIELD>` variables (e.g. MAZE_MODAL_GPU, MAZE_MODAL_COMPLETE_MODEL) over the defaults."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = env.get(_ENV_PREFIX + f.name.upper())
            if raw is None:
                continue
            values[f.name] = type(getattr(cls, f.name))(raw) if not isinstance(getattr(cls, f.name), str) else raw
        config = cls(**values)  # type: ignore[arg-type]
        config.check()
        return config

    def as_env(self) -> dict[str, str]:
        return {_ENV_PREFIX + k.upper(): str(v) for k, v in asdict(self).items()}

    def check(self) -> None:
        if not self.complete_model:
            raise ValueError("MAZE_MODAL_COMPLETE_MODEL must name a model")
        total = self.complete_memory + (self.generate_memory if self.generate_model else 0.0)
        if total > 0.95 or self.complete_memory <= 0 or (self.generate_model and self.generate_memory <= 0):
            raise ValueError(f"GPU memory fractions must be positive and sum to at most 0.95, got {total:.2f}")
        if self.scaledown_s < 2 or self.max_containers < 1 or self.max_inputs < 1 or self.max_model_len < 512:
            raise ValueError("scaledown_s >= 2, max_containers >= 1, max_inputs >= 1, max_model_len >= 512")

    def model_dir(self, repo_id: str) -> str:
        return f"{MODELS_DIR}/{repo_id}"


CONFIG = DeployConfig.from_env()
REPO = Path(__file__).resolve().parent.parent
_IGNORE = [".git", ".venv*", ".data", ".train", ".bench", "**/__pycache__", "**/node_modules", "editors", "tests",
           "inference/maze_inference/model/default", "*.onnx"]

image = (
    modal.Image.from_registry("nvidia/cuda:12.8.1-devel-ubuntu22.04", add_python="3.11")
    .entrypoint([])
    .uv_pip_install(f"vllm=={VLLM_VERSION}", "huggingface_hub>=0.30")
    .add_local_dir(REPO, REPO_IN_IMAGE, copy=True, ignore=_IGNORE)
    .run_commands(f"python -m pip install --no-cache-dir '{REPO_IN_IMAGE}[service]'")
    .env({"HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"})
)
download_image = modal.Image.debian_slim(python_version="3.11").uv_pip_install("huggingface_hub>=0.30")

app = modal.App(CONFIG.app_name)
volume = modal.Volume.from_name(CONFIG.volume, create_if_missing=True)


def make_engine(config: DeployConfig):  # -> VLLMEngine (imported lazily: no vLLM on the deploying machine)
    from maze_inference.engines.vllm import VLLMEngine

    generate = config.model_dir(config.generate_model) if config.generate_model else None
    return VLLMEngine(
        config.model_dir(config.complete_model),
        generate_model_path=generate,
        max_model_len=config.max_model_len,
        gpu_memory_utilization=config.complete_memory,
        generate_gpu_memory_utilization=config.generate_memory,
    )


@app.cls(
    image=image,
    gpu=CONFIG.gpu,
    volumes={MODELS_DIR: volume},
    secrets=[modal.Secret.from_name(CONFIG.secret, required_keys=["MAZE_API_KEY"])],
    env=CONFIG.as_env(),  # the container re-imports this module and must see the same configuration
    enable_memory_snapshot=True,
    scaledown_window=CONFIG.scaledown_s,
    max_containers=CONFIG.max_containers,
    timeout=int(CONFIG.load_wait_s) + 300,
)
@modal.concurrent(max_inputs=CONFIG.max_inputs)
class Maze:
    @modal.enter(snap=True)
    def prepare(self) -> None:
        """CPU-only work that the memory snapshot keeps: heavy imports and our compiled grammars."""
        import torch  # noqa: F401
        import vllm  # noqa: F401
        from maze_inference.constraint.grammars import GrammarVariant, compiled_grammar
        from maze_inference.languages import LANGUAGES
        from maze_inference.service import create_app  # noqa: F401  (FastAPI and the app's modules)

        for language in LANGUAGES:
            compiled_grammar(GrammarVariant(language.grammar))

    @modal.enter(snap=False)
    def start(self) -> None:
        """After restore: the engine object; the app's startup loads the models onto the GPU."""
        self.engine = make_engine(DeployConfig.from_env())

    @modal.asgi_app()
    def web(self):  # -> FastAPI
        from maze_inference.service import ServiceSettings, create_app

        return create_app(self.engine, ServiceSettings.from_env(load_wait_s=DeployConfig.from_env().load_wait_s))


@app.function(image=download_image, volumes={MODELS_DIR: volume}, timeout=3 * 3600)
def download(repo_id: str) -> str:
    """Copy a Hugging Face model into the Volume (once; later deploys read it from there)."""
    from huggingface_hub import snapshot_download

    target = CONFIG.model_dir(repo_id)
    snapshot_download(repo_id, local_dir=target,
                      allow_patterns=["*.json", "*.safetensors", "*.txt", "*.model", "*.tiktoken"])
    volume.commit()
    return target


@app.local_entrypoint()
def download_models(model: str = "") -> None:
    """`modal run inference/modal_app.py::download_models [--model REPO_ID]`: the configured models by default."""
    wanted = [model] if model else [m for m in (CONFIG.complete_model, CONFIG.generate_model) if m]
    for repo_id in wanted:
        print(f"{repo_id} -> {download.remote(repo_id)}")
