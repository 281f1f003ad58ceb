"""The service's limits and switches: one frozen value, built from flags and the environment.

Secrets come only from the environment (`MAZE_API_KEY`), are excluded from `repr`, and are never
logged. Every limit exists so that one request cannot take the server down: the body size, the
number of tokens, the deadline, the size and compile time of a caller's grammar, how long a
request's headers and body may take to arrive, and how many connections may be open.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

API_KEY_ENV = "MAZE_API_KEY"

# Hard ceilings of the request schema (422 above them); the settings below may only lower them.
MAX_TOKENS_CEILING = 4096
TIMEOUT_CEILING_S = 600.0


@dataclass(frozen=True, kw_only=True)
class ServiceSettings:
    api_key: str | None = field(default=None, repr=False)  # bearer token; None = no auth (loopback use)
    max_body_bytes: int = 1 << 20
    max_tokens: int = 1024  # largest `max_tokens` a request may ask for
    default_timeout_s: float = 30.0  # per-request deadline when the request names none
    max_timeout_s: float = 120.0
    grammar_max_bytes: int = 64 * 1024  # a caller's Lark grammar or JSON schema
    grammar_timeout_s: float = 5.0  # converting + validating it, in a worker process that is killed past this
    grammar_workers: int = 1
    load_wait_s: float = 10.0  # how long a request waits for an engine still loading before 503
    header_timeout_s: float = 10.0  # a request's headers must arrive within this (slowloris)
    body_timeout_s: float = 30.0  # and its body within this after them (slow or endless bodies): 408
    max_connections: int = 512  # open connections (and requests in flight); beyond it: 503
    cors_origins: tuple[str, ...] = ()  # closed by default
    log_user_code: bool = False  # never log prompts or completions unless asked

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> ServiceSettings:
        """Settings from `MAZE_*` variables, then `overrides` (the CLI's flags) on top."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {
            "api_key": env.get(API_KEY_ENV) or None,
            "log_user_code": env.get("MAZE_LOG_USER_CODE") == "1",
        }
        numeric = {
            "max_body_bytes": ("MAZE_MAX_BODY_BYTES", int),
            "max_tokens": ("MAZE_MAX_TOKENS", int),
            "default_timeout_s": ("MAZE_TIMEOUT_S", float),
            "grammar_timeout_s": ("MAZE_GRAMMAR_TIMEOUT_S", float),
            "header_timeout_s": ("MAZE_HEADER_TIMEOUT_S", float),
            "body_timeout_s": ("MAZE_BODY_TIMEOUT_S", float),
            "max_connections": ("MAZE_MAX_CONNECTIONS", int),
        }
        for name, (var, kind) in numeric.items():
            if env.get(var):
                values[name] = kind(env[var])
        if env.get("MAZE_CORS_ORIGINS"):
            values["cors_origins"] = tuple(o.strip() for o in env["MAZE_CORS_ORIGINS"].split(",") if o.strip())
        values.update({k: v for k, v in overrides.items() if v is not None})
        settings = cls(**values)  # type: ignore[arg-type]
        settings.check()
        return settings

    def check(self) -> None:
        if not 1 <= self.max_tokens <= MAX_TOKENS_CEILING:
            raise ValueError(f"max_tokens must be 1..{MAX_TOKENS_CEILING}, got {self.max_tokens}")
        if not 0 < self.default_timeout_s <= self.max_timeout_s <= TIMEOUT_CEILING_S:
            raise ValueError("timeouts must satisfy 0 < default <= max <= 600 s")
        if self.max_body_bytes < 1024 or self.grammar_max_bytes < 64:
            raise ValueError("size limits are too small to be useful")
        if not (self.header_timeout_s > 0 and self.body_timeout_s > 0 and self.max_connections >= 1):
            raise ValueError("read timeouts must be > 0 s and the connection limit at least 1")
