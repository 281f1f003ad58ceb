"""Engines by name. Factories import their heavy dependencies (torch, httpx, vllm) only when called."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from maze_inference.engines.base import Engine
from maze_inference.errors import EngineUnavailable


@dataclass(frozen=True)
class EngineSettings:
    """Which engine to build and how; the LSP options and the service's flags both map onto this."""

    engine: str = "embedded"  # embedded | transformers | remote | vllm
    model_path: str | None = None  # embedded: ONNX model folder; transformers/vllm: HF model folder
    device: str | None = None
    threads: int | None = None
    endpoint: str | None = None  # remote: base URL of `maze serve`
    token_env: str = "MAZE_API_KEY"  # remote: name of the env var that holds the bearer token
    timeout_s: float = 2.0


def _embedded(settings: EngineSettings) -> Engine:
    from maze_inference.engines.embedded import EmbeddedEngine

    return EmbeddedEngine(settings.model_path, threads=settings.threads)


def _transformers(settings: EngineSettings) -> Engine:
    from maze_inference.engines.transformers import TransformersEngine

    if not settings.model_path:
        raise EngineUnavailable("the transformers engine needs a model path (a Hugging Face model folder)")
    return TransformersEngine(settings.model_path, device=settings.device)


def _remote(settings: EngineSettings) -> Engine:
    from maze_inference.engines.remote import RemoteEngine

    if not settings.endpoint:
        raise EngineUnavailable("the remote engine needs an endpoint URL")
    return RemoteEngine(settings.endpoint, token_env=settings.token_env, timeout_s=settings.timeout_s)


def _vllm(settings: EngineSettings) -> Engine:
    from maze_inference.engines.vllm import VLLMEngine

    if not settings.model_path:
        raise EngineUnavailable("the vllm engine needs a model path (a Hugging Face model folder)")
    return VLLMEngine(settings.model_path)


FACTORIES: dict[str, Callable[[EngineSettings], Engine]] = {
    "embedded": _embedded,
    "transformers": _transformers,
    "remote": _remote,
    "vllm": _vllm,
}


def create_engine(settings: EngineSettings) -> Engine:
    factory = FACTORIES.get(settings.engine)
    if factory is None:
        raise EngineUnavailable(f"unknown engine {settings.engine!r}; choose one of {', '.join(FACTORIES)}")
    return factory(settings)
