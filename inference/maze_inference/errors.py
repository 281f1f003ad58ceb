"""One exception tree for everything below the LSP and HTTP layers.

    MazeError
    ├── UnsupportedLanguage      the language (or extension) is not in `languages.LANGUAGES`
    ├── GrammarError             a grammar (ours or a caller's) does not compile; carries llguidance's message
    ├── ContextError             a position or document that cannot be read (out of range, mid-surrogate)
    ├── InvalidParameters        a request's own parameters are invalid (a negative seed): the caller's fault
    ├── EngineError              the engine could not produce a completion
    │   ├── EngineUnavailable    not loaded, model missing or corrupt, remote unreachable or 5xx
    │   └── EngineTimeout        the request's deadline passed
    └── CompletionRejected       a candidate failed the final parse check: dropped and counted, never shown

The LSP layer maps these to JSON-RPC errors or empty results, the service to HTTP statuses, and
the client maps httpx's errors into `EngineUnavailable`/`EngineTimeout`, so no layer above sees a
transport type.
"""

from __future__ import annotations


class MazeError(Exception):
    """Base of every error maze raises on purpose."""


class UnsupportedLanguage(MazeError):
    def __init__(self, name: str, supported: tuple[str, ...]) -> None:
        self.name = name
        self.supported = supported
        super().__init__(f"unsupported language {name!r}; supported: {', '.join(supported)}")


class GrammarError(MazeError):
    """A grammar or JSON schema that llguidance refuses; the message is llguidance's own."""


class ContextError(MazeError):
    """The request names a position or document that cannot be read."""


class InvalidParameters(MazeError):
    """A request's own parameters are invalid: never an engine failure, so no model is unloaded or rested."""


class EngineError(MazeError):
    """The engine failed to produce a completion."""


class EngineUnavailable(EngineError):
    """No usable engine: not loaded yet, model file missing/corrupt, or the remote is down."""


class EngineTimeout(EngineError):
    """The per-request deadline passed before the engine answered."""


class CompletionRejected(MazeError):
    """A finished candidate added a parse error to the document; it is dropped, never trimmed."""
