"""The HTTP service (`maze serve`): one FastAPI app over any engine, built by `create_app`.

FastAPI is imported on first use of `create_app`, so the grammar worker (a child process that
imports `maze_inference.service.grammar_worker`) starts without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from maze_inference.service.app import create_app
    from maze_inference.service.settings import ServiceSettings

__all__ = ["ServiceSettings", "create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from maze_inference.service.app import create_app

        return create_app
    if name == "ServiceSettings":
        from maze_inference.service.settings import ServiceSettings

        return ServiceSettings
    raise AttributeError(name)
