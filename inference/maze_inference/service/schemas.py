"""Request and response bodies of the HTTP API (they are also the OpenAPI schema at `/docs`).

Bounds here are the hard ceilings (422 from validation); `ServiceSettings` may lower some of them
per deployment, which the handlers check.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from maze_inference.engines.base import SEED_LIMIT
from maze_inference.engines.model_info import ModelInfo
from maze_inference.prompts import ContextFile
from maze_inference.service.settings import MAX_TOKENS_CEILING, TIMEOUT_CEILING_S
from maze_inference.workspace.repository import RepositoryContext


def _unicode(text: str) -> str:
    """Text must be encodable: JSON's `\\ud800` escape decodes to a lone surrogate that UTF-8 cannot hold.

    Refused here (422) rather than deep in tree-sitter or the tokenizer, where it was a 500.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(f"contains a lone surrogate (U+{ord(text[exc.start]):04X} at index {exc.start}); "
                         "text must be valid Unicode") from None
    return text


def _unicode_json(value: Any) -> Any:
    if isinstance(value, str):
        return _unicode(value)
    if isinstance(value, dict):
        for key, item in value.items():
            _unicode_json(key)
            _unicode_json(item)
    elif isinstance(value, list):
        for item in value:
            _unicode_json(item)
    return value


Text = Annotated[str, AfterValidator(_unicode)]
Seed = Annotated[int, Field(ge=0, lt=SEED_LIMIT)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ContextFileBody(_Body):
    path: str = Field(max_length=1000)
    text: str = Field(max_length=65_536)


class RepositoryBody(_Body):
    """Repository context: other files' excerpts the prompt shows before the current file (Qwen2.5-Coder's
    repository format), least useful first; the constraint still sees only `prefix` + `suffix`."""

    name: str = Field(max_length=200)
    path: str = Field(max_length=1000, description="the current file's path in the repository")
    files: list[ContextFileBody] = Field(default_factory=list, max_length=32)

    def context(self) -> RepositoryContext:
        return RepositoryContext(self.name, self.path, tuple(ContextFile(f.path, f.text) for f in self.files))


class CompleteBody(_Body):
    """Complete at the cursor: the document is `prefix + suffix`, the cursor sits at `len(prefix)`."""

    prefix: Text
    suffix: Text = ""
    language: Text = Field(description="languageId (python, typescript, rust, go, zig, ...) or a common alias")
    mode: Literal["auto", "line", "block"] = "auto"
    max_tokens: int = Field(48, ge=1, le=MAX_TOKENS_CEILING)
    temperature: float = Field(0.0, ge=0.0, le=2.0)
    stop: list[Text] = Field(default_factory=list, max_length=8)
    constrained: bool = True
    seed: Seed | None = None
    timeout_ms: int | None = Field(None, ge=1, le=int(TIMEOUT_CEILING_S * 1000))
    stream: bool = False
    repository: RepositoryBody | None = None


class GenerateBody(_Body):
    """Free generation from a prompt, constrained by a caller's grammar or by the language's grammar."""

    prompt: Text = Field(min_length=1, description="not empty: the model needs something to condition on")
    language: Text | None = Field(None, description="checks the output (tree-sitter, and ast.parse for Python); "
                                                   "also the grammar when none is given")
    grammar: Text | None = Field(None, description="a Lark grammar (llguidance's dialect) the output must match")
    json_schema: Annotated[dict[str, Any] | str | None, AfterValidator(_unicode_json)] = Field(
        None, description="a JSON schema the output must match")
    llguidance: Text | None = Field(None, description="a grammar already in llguidance's JSON format")
    constrained: bool = True
    max_tokens: int = Field(256, ge=1, le=MAX_TOKENS_CEILING)
    temperature: float = Field(0.0, ge=0.0, le=2.0)
    stop: list[Text] = Field(default_factory=list, max_length=8)
    seed: Seed | None = None
    timeout_ms: int | None = Field(None, ge=1, le=int(TIMEOUT_CEILING_S * 1000))
    stream: bool = False

    @model_validator(mode="after")
    def _one_grammar(self) -> GenerateBody:
        given = [n for n in ("grammar", "json_schema", "llguidance") if getattr(self, n) is not None]
        if len(given) > 1:
            raise ValueError(f"give at most one of grammar, json_schema, llguidance (got {', '.join(given)})")
        if self.constrained and not given and self.language is None:
            raise ValueError("a constrained generation needs a language or a grammar")
        if not self.constrained and given:
            raise ValueError("constrained is false but a grammar was given")
        return self


class TimingsOut(BaseModel):
    context_ms: float = 0.0
    setup_ms: float = 0.0  # constraint set-up: matcher copy + prefix consumption
    prompt_ms: float = 0.0
    decode_ms: float = 0.0
    constraint_ms: float = 0.0  # grammar work while decoding
    validate_ms: float = 0.0
    total_ms: float = 0.0
    reused_tokens: int = 0


class CompleteResponse(BaseModel):
    text: str | None = Field(description="what to insert at the cursor; null when nothing valid was produced")
    dropped: str | None = Field(None, description="why a generated candidate was not returned")
    finish_reason: str | None
    level: str | None = Field(description="constraint restart level used: file, block or none")
    mode: str
    language: str
    prompt_tokens: int
    completion_tokens: int
    timings: TimingsOut
    engine: str
    model: str


class Validation(BaseModel):
    valid: bool = Field(description="every check that applies passed")
    grammar_match: bool | None = Field(None, description="the text is a complete match of the grammar used")
    tree_sitter_ok: bool | None = Field(None, description="tree-sitter parses the text without ERROR/MISSING nodes")
    tree_sitter_errors: int | None = None
    python_ast_ok: bool | None = None
    json_ok: bool | None = None
    message: str | None = Field(None, description="the first problem found, if any")


class GenerateResponse(BaseModel):
    text: str
    finish_reason: str
    grammar: Literal["lark", "json_schema", "llguidance", "language", "none"]
    language: str | None
    validation: Validation
    prompt_tokens: int
    completion_tokens: int
    timings: TimingsOut
    engine: str
    model: str


class Health(BaseModel):
    status: Literal["ok", "loading", "unavailable"]
    warm: bool = Field(description="the engine has loaded its model")
    engine: str
    model: str
    model_info: ModelInfo | None = Field(default=None, description="the loaded model's shape, vocabulary and device "
                                                                  "(`cpu` or the GPU's name), where the engine knows it")
    languages: list[str]
    grammars: list[str]
    uptime_s: float
    version: str
    message: str | None = None


class ErrorBody(BaseModel):
    error: str
    message: str
