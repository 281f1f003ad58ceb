"""`maze lsp` whose code generation always fails as a small model's does: to test what the user is told.

Which stub a real model fails on changes with the model, so the failure path gets its own server:
the real one, with `implement_function` replaced by one that rejects every body after a moment.
"""

from __future__ import annotations

import asyncio
import sys

from maze_inference.errors import CompletionRejected
from maze_lsp.features import code_action_resolve
from maze_lsp.main import main


async def _reject(*_args: object) -> None:
    await asyncio.sleep(0.2)
    raise CompletionRejected("every body the model wrote broke the syntax")


code_action_resolve.implement_function = _reject  # type: ignore[assignment]

if __name__ == "__main__":
    sys.exit(main())
