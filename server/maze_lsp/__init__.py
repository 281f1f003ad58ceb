"""maze: a code-completion language server whose completions are guaranteed to parse."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("maze-lsp")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0+source"
