"""`maze doctor`: check offline that everything a completion needs is installed and loads."""

from __future__ import annotations

import asyncio
import importlib.metadata
import time
from collections.abc import Callable

from maze_inference.languages import LANGUAGES

_PACKAGES = ("maze-lsp", "pygls", "lsprotocol", "tree-sitter", "llguidance", "onnxruntime", "tokenizers", "numpy", "httpx")


def _check(name: str, func: Callable[[], str]) -> bool:
    start = time.perf_counter()
    try:
        detail = func()
    except Exception as exc:  # noqa: BLE001 - doctor reports every failure, whatever its type
        print(f"FAIL  {name}: {type(exc).__name__}: {exc}")
        return False
    print(f"ok    {name}: {detail} ({(time.perf_counter() - start) * 1e3:.0f} ms)")
    return True


def _versions() -> str:
    found = []
    for package in _PACKAGES:
        found.append(f"{package} {importlib.metadata.version(package)}")
    return ", ".join(found)


def _tree_sitter(language_id: str) -> Callable[[], str]:
    def check() -> str:
        lang = next(lang for lang in LANGUAGES if lang.id == language_id)
        tree = lang.new_parser().parse(b"x")
        return f"parser loads offline ({tree.root_node.type})"

    return check


def _grammar(language_id: str) -> Callable[[], str]:
    def check() -> str:
        from maze_inference.constraint.check import Verdict, check_text
        from maze_inference.constraint.grammars import GrammarVariant, grammars_dir

        lang = next(lang for lang in LANGUAGES if lang.id == language_id)
        result = check_text(GrammarVariant(lang.grammar), "")
        if result.verdict is not Verdict.ACCEPTED:
            raise RuntimeError(f"grammar {lang.grammar} does not accept an empty file")
        return f"{grammars_dir() / (lang.grammar + '.lark')} compiles"

    return check


def _model(model_dir: str | None) -> Callable[[], str]:
    def check() -> str:
        from maze_inference.document import Document
        from maze_inference.engines.embedded import EmbeddedEngine
        from maze_inference.languages import get_language
        from maze_inference.pipeline import CompletionSettings, complete_at

        engine = EmbeddedEngine(model_dir)
        lang = get_language("python")
        doc = Document(lang, "def add(a, b):\n    return ")
        settings = CompletionSettings(max_tokens=8, timeout_s=None)
        result = asyncio.run(complete_at(engine, lang, doc.text, doc.source, doc.tree, len(doc.text), settings))
        return f"{engine.model_dir} loads and completes ({result.text!r})"

    return check


def run_checks(model_dir: str | None) -> int:
    checks: list[tuple[str, Callable[[], str]]] = [("versions", _versions)]
    checks += [(f"tree-sitter {lang.id}", _tree_sitter(lang.id)) for lang in LANGUAGES]
    checks += [(f"grammar {lang.id}", _grammar(lang.id)) for lang in LANGUAGES]
    checks.append(("embedded model", _model(model_dir)))
    failures = sum(not _check(name, func) for name, func in checks)
    print(f"{len(checks) - failures} ok, {failures} failed")
    return 1 if failures else 0
