"""The layering rules of docs/architecture.md, checked on the source: imports anywhere in a file
(`TYPE_CHECKING` blocks and function bodies included), `importlib.import_module("...")` calls and
`-m module` subprocess starts all count."""

from __future__ import annotations

import ast
import itertools
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("torch", "onnx", "onnxruntime", "onnxscript", "vllm", "modal", "uvicorn", "fastapi", "starlette", "transformers")
MAX_LINES = 500


@dataclass(frozen=True)
class Rule:
    files: str  # glob under the repository root
    forbidden: tuple[str, ...]  # module prefixes the files must not reach
    why: str


RULES = (
    Rule("inference/**/*.py", ("maze_lsp", "maze_workshop"), "the runtime never imports or starts the server or the workshop"),
    Rule("server/**/*.py", ("maze_workshop", "maze_inference.service", *HEAVY),
         "the server reaches heavy engines only through maze_inference.engines, and never the service"),
    Rule("inference/maze_inference/constraint/*.py",
         ("maze_inference.engines", "maze_inference.service", "maze_inference.model", "maze_inference.pipeline",
          "maze_workshop"),
         "the constraint core imports no engine, model, service or bench code"),
    Rule("server/maze_lsp/features/*.py", ("maze_lsp.server",), "features do not import the dispatch table (no circle)"),
    Rule("server/maze_lsp/request_flow.py", ("maze_lsp.server",), "no circle through the dispatch table"),
    Rule("server/maze_lsp/language_server.py", ("maze_lsp.features", "maze_lsp.server"),
         "the server class knows no feature (the dispatch table registers them)"),
    Rule("inference/maze_inference/prompts.py", ("maze_inference.",), "the trainer imports the prompt builder alone"),
)


def reached_modules(path: Path) -> set[str]:
    """Every module `path` imports, loads by name or starts with `-m`."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Call) and _is_import_module(node.func) and node.args:
            if isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                found.add(node.args[0].value)
        elif isinstance(node, ast.List | ast.Tuple):
            values = [e.value if isinstance(e, ast.Constant) else None for e in node.elts]
            found.update(v for k, v in itertools.pairwise(values) if k == "-m" and isinstance(v, str))
    return found


def _is_import_module(func: ast.expr) -> bool:
    return (isinstance(func, ast.Attribute) and func.attr == "import_module") or (
        isinstance(func, ast.Name) and func.id == "import_module")


def _violations(rule: Rule) -> list[str]:
    out = []
    for path in sorted(ROOT.glob(rule.files)):
        for module in sorted(reached_modules(path)):
            if any(module == f or module.startswith(f if f.endswith(".") else f + ".") for f in rule.forbidden):
                out.append(f"{path.relative_to(ROOT)} reaches {module}")
    return out


@pytest.mark.parametrize("rule", RULES, ids=[r.files for r in RULES])
def test_layering(rule: Rule) -> None:
    assert list(ROOT.glob(rule.files)), f"the rule for {rule.files} matches no file"
    assert not _violations(rule), f"{rule.why}:\n" + "\n".join(_violations(rule))


def test_the_checker_sees_every_way_of_reaching_a_module(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from typing import TYPE_CHECKING\nimport importlib\nif TYPE_CHECKING:\n    from maze_lsp.server import X\n"
        "def f():\n    import torch\n    importlib.import_module('maze_workshop.cli')\n"
        "    return ['python', '-m', 'maze_lsp', 'lsp']\n")
    assert {"maze_lsp.server", "torch", "maze_workshop.cli", "maze_lsp"} <= reached_modules(sample)


@pytest.mark.parametrize("package", ["inference", "server", "workshop"])
def test_no_module_is_over_the_size_limit(package: str) -> None:
    long = [f"{p.relative_to(ROOT)}: {n}" for p in sorted((ROOT / package).rglob("*.py"))
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES]
    assert not long, f"modules over {MAX_LINES} lines:\n" + "\n".join(long)
