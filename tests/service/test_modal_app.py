"""The Modal app, offline: it imports, its configuration is valid, and it agrees with pyproject.

Modal cannot deploy from here (no account, no network), so what is checked is everything that does
not need one: the module builds its App, Cls, Function and images, the deploy configuration
round-trips through the container's environment, bad values are refused, and the engine it would
build points at the Volume with the configured models.
"""

from __future__ import annotations

import importlib.util
import re
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import pytest

modal = pytest.importorskip("modal", reason="the modal package is not installed (pip install 'maze-lsp[modal]')")

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def modal_app() -> ModuleType:
    spec = importlib.util.spec_from_file_location("maze_modal_app", ROOT / "inference" / "modal_app.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_module_builds_the_app(modal_app: ModuleType) -> None:
    assert isinstance(modal_app.app, modal.App) and modal_app.app.name == "maze"
    assert isinstance(modal_app.Maze, modal.Cls)
    assert isinstance(modal_app.download, modal.Function)
    assert isinstance(modal_app.image, modal.Image) and isinstance(modal_app.download_image, modal.Image)


def test_defaults(modal_app: ModuleType) -> None:
    config = modal_app.DeployConfig.from_env({})
    assert config.gpu == "A100-80GB"
    assert config.complete_model == "Qwen/Qwen2.5-Coder-7B"
    assert config.generate_model.startswith("Qwen/Qwen2.5-Coder-32B-Instruct")
    assert config.complete_memory + config.generate_memory <= 0.95
    assert config.scaledown_s > 0 and config.max_inputs > 1


def test_configuration_reaches_the_container_unchanged(modal_app: ModuleType) -> None:
    config = modal_app.DeployConfig.from_env({"MAZE_MODAL_COMPLETE_MODEL": "org/fim-model", "MAZE_MODAL_GPU": "H100",
                                              "MAZE_MODAL_SCALEDOWN_S": "60", "MAZE_MODAL_GENERATE_MEMORY": "0.5"})
    assert (config.complete_model, config.gpu, config.scaledown_s, config.generate_memory) == (
        "org/fim-model", "H100", 60, 0.5)
    assert modal_app.DeployConfig.from_env(config.as_env()) == config


@pytest.mark.parametrize("env", [
    {"MAZE_MODAL_GENERATE_MEMORY": "0.8"},  # 0.30 + 0.80 > 0.95
    {"MAZE_MODAL_COMPLETE_MEMORY": "0"},
    {"MAZE_MODAL_SCALEDOWN_S": "0"},
    {"MAZE_MODAL_COMPLETE_MODEL": ""},
    {"MAZE_MODAL_MAX_MODEL_LEN": "not-a-number"},
])
def test_bad_configuration_is_refused(modal_app: ModuleType, env: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        modal_app.DeployConfig.from_env(env)


def test_one_model_for_both_routes(modal_app: ModuleType) -> None:
    config = modal_app.DeployConfig.from_env({"MAZE_MODAL_GENERATE_MODEL": "", "MAZE_MODAL_COMPLETE_MEMORY": "0.9"})
    engine = modal_app.make_engine(config)
    assert engine.generate_model_path is None and engine.gpu_memory_utilization == 0.9


def test_engine_reads_the_models_from_the_volume(modal_app: ModuleType) -> None:
    from maze_inference.engines.vllm import VLLMEngine

    config = modal_app.DeployConfig.from_env({})
    engine = modal_app.make_engine(config)
    assert isinstance(engine, VLLMEngine) and not engine.ready
    assert engine.model_path == f"{modal_app.MODELS_DIR}/{config.complete_model}"
    assert engine.generate_model_path == f"{modal_app.MODELS_DIR}/{config.generate_model}"
    assert engine.max_model_len == config.max_model_len


def test_vllm_pin_matches_pyproject(modal_app: ModuleType) -> None:
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    pins = [re.fullmatch(r"vllm==(\S+)", spec) for spec in extras["vllm"]]
    assert [m.group(1) for m in pins if m] == [modal_app.VLLM_VERSION]
