"""Shared pieces of every benchmark: percentiles, the machine description, JSON results."""

from __future__ import annotations

import importlib.metadata
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (no interpolation: every reported value was measured)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


class _Silent:
    def update(self, _n: int = 1) -> None: ...

    def close(self) -> None: ...


def progress(total: int, desc: str, unit: str = "it", enabled: bool = True) -> Any:
    """A tqdm bar on stderr (the bench extra installs tqdm); a silent stand-in without it or when disabled."""
    try:
        from tqdm import tqdm
    except ImportError:  # the bench extra is optional for library users
        enabled = False
    return tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, leave=False) if enabled else _Silent()


def machine() -> dict[str, Any]:
    versions = {}
    for name in ("maze-lsp", "onnxruntime", "llguidance", "tree-sitter", "tokenizers", "numpy", "vllm"):
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    cpu = ""
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        cpu = platform.processor()
    described = {"python": platform.python_version(), "platform": platform.platform(), "cpu": cpu,
                 "cores": os.cpu_count(), "versions": versions, "date": time.strftime("%Y-%m-%d %H:%M")}
    gpu = _gpu_name()
    return {**described, "gpu": gpu} if gpu else described


def _gpu_name() -> str | None:
    """The first NVIDIA GPU's name, so results from the GPU machine are labelled as such."""
    smi = shutil.which("nvidia-smi")
    if smi is None:
        return None
    try:
        done = subprocess.run([smi, "--query-gpu=name", "--format=csv,noheader"], capture_output=True, text=True,
                              timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.splitlines()[0].strip() if done.returncode == 0 and done.stdout.strip() else None


def write_json(path: str | Path, name: str, command: str, result: dict[str, Any]) -> Path:
    """Write `{name, command, machine, result}`; the markdown report is built from these files."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"name": name, "command": command, "machine": machine(), "result": result}, indent=1))
    return out
