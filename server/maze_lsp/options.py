"""Typed server settings, read from `initializationOptions` and `workspace/configuration` ("maze").

Editors send camelCase JSON; one cattrs converter maps it onto a keyword-only dataclass with
defaults. Invalid settings never stop the server: the user is told what was wrong and the
defaults are used for it (as jedi-language-server does).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Literal

import cattrs
from cattrs.gen import make_dict_structure_fn, override
from maze_inference.engines import EngineSettings
from maze_inference.pipeline import CompletionSettings
from maze_inference.workspace.retrieval import RetrievalSettings
from maze_inference.workspace.scan import IndexLimits

SECTION = "maze"
DEFAULT_TOKEN_ENVS = frozenset({"MAZE_API_KEY"})


@dataclass(frozen=True, kw_only=True)
class Options:
    enable: bool = True
    engine: Literal["embedded", "transformers", "remote"] = "embedded"
    model_path: str | None = None  # embedded: ONNX model folder (default: the shipped model)
    device: str | None = None  # transformers: "cpu", "cuda", ...
    threads: int | None = None  # embedded: onnxruntime threads (default: min(4, cores))
    endpoint: str | None = None  # remote: base URL of `maze serve`
    token_env: str = "MAZE_API_KEY"  # remote: env var holding the bearer token ("" = none); only allow-listed names
    max_tokens: int = 48
    mode: Literal["auto", "line", "block"] = "auto"
    debounce_ms: int = 60
    timeout_ms: int = 2000
    constrained: bool = True
    temperature: float = 0.0
    status_notifications: bool = False  # send `maze/status` (the VS Code extension's status bar asks for it)
    repository_context: bool = True  # index the workspace and show other files' definitions to the model
    context_tokens: int = 512  # repository context budget (the engine keeps what fits the model's window)
    index_max_files: int = 5000
    index_max_file_bytes: int = 500_000
    index_max_total_bytes: int = 64_000_000

    def engine_settings(self) -> EngineSettings:
        return EngineSettings(
            engine=self.engine,
            model_path=self.model_path,
            device=self.device,
            threads=self.threads,
            endpoint=self.endpoint,
            token_env=self.token_env,
            timeout_s=self.timeout_ms / 1000,
        )

    def completion_settings(self) -> CompletionSettings:
        return CompletionSettings(
            max_tokens=self.max_tokens,
            mode=self.mode,
            constrained=self.constrained,
            temperature=self.temperature,
            timeout_s=self.timeout_ms / 1000,
        )


    def retrieval_settings(self) -> RetrievalSettings:
        return RetrievalSettings(budget_tokens=self.context_tokens)

    def index_limits(self) -> IndexLimits:
        return IndexLimits(self.index_max_files, self.index_max_file_bytes, self.index_max_total_bytes)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _make_converter() -> cattrs.Converter:
    converter = cattrs.Converter(forbid_extra_keys=False)
    renames = {f.name: override(rename=_camel(f.name)) for f in dataclasses.fields(Options)}
    converter.register_structure_hook(Options, make_dict_structure_fn(Options, converter, **renames))
    return converter


_CONVERTER = _make_converter()

_LIMITS: dict[str, tuple[float, float]] = {
    "max_tokens": (1, 512),
    "debounce_ms": (0, 2000),
    "timeout_ms": (50, 60_000),
    "temperature": (0.0, 2.0),
    "threads": (1, 64),
    "context_tokens": (0, 16_384),
    "index_max_files": (1, 200_000),
    "index_max_file_bytes": (1_000, 10_000_000),
    "index_max_total_bytes": (100_000, 2_000_000_000),
}


def parse_options(raw: Any, base: Options = Options(),
                  allowed_token_envs: frozenset[str] = DEFAULT_TOKEN_ENVS) -> tuple[Options, list[str]]:
    """Options from editor JSON, falling back to `base` field by field; returns (options, problems).

    `tokenEnv` may only name a variable in `allowed_token_envs` (or be "" for no token): settings can
    come from a workspace (a cloned repository's `.vscode/settings.json`, `.helix/languages.toml`),
    and a workspace that could name any variable could send any secret of the user's environment to
    an endpoint of its choosing. The allow-list is set where a workspace cannot reach: the server's
    command line (`--allow-token-env`) and environment (`MAZE_TOKEN_ENVS`).
    """
    if raw is None:
        return base, []
    if isinstance(raw, dict) and SECTION in raw and isinstance(raw[SECTION], dict):
        raw = raw[SECTION]  # didChangeConfiguration sends {"maze": {...}}
    if not isinstance(raw, dict):
        return base, [f"settings must be an object, got {type(raw).__name__}"]
    problems: list[str] = []
    values: dict[str, Any] = {}
    for field in dataclasses.fields(Options):
        key = _camel(field.name)
        if key not in raw:
            continue
        try:
            candidate = _CONVERTER.structure({key: raw[key]}, Options)
        except (cattrs.BaseValidationError, ValueError, TypeError) as exc:
            problems.append(f"{key}: {_describe(exc)}")
            continue
        value = getattr(candidate, field.name)
        if field.name == "token_env" and value and value not in allowed_token_envs:
            problems.append(f"{key}: {value!r} is not an allowed token variable ({', '.join(sorted(allowed_token_envs))}"
                            f"); allow it on the server's command line: maze lsp --allow-token-env {value}")
            continue
        low_high = _LIMITS.get(field.name)
        if low_high is not None and value is not None and not low_high[0] <= value <= low_high[1]:
            problems.append(f"{key}: {value} is outside {low_high[0]}..{low_high[1]}")
            continue
        values[field.name] = value
    unknown = sorted(set(raw) - {_camel(f.name) for f in dataclasses.fields(Options)})
    if unknown:
        problems.append(f"unknown settings ignored: {', '.join(unknown)}")
    return dataclasses.replace(base, **values), problems


def _describe(exc: Exception) -> str:
    if isinstance(exc, cattrs.BaseValidationError):
        return "; ".join(str(e) for e in exc.exceptions) or str(exc)
    return str(exc)
