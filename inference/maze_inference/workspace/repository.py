"""The repository context of one completion request, and fitting it into a model's prompt.

Retrieval (`retrieval.py`) produces it in the language server; it travels in the
`CompletionRequest` to a local engine, or in the HTTP body to the service, and every engine turns it
into tokens with `prompts.repo_context`, the one builder that training uses too. Files are ordered as
the prompt shows them: the most useful last, nearest the current file, so when the model's context
is short the first ones are dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from maze_inference.prompts import ContextFile, FimIds, repo_context


@dataclass(frozen=True)
class RepositoryContext:
    name: str  # the repository (workspace folder) name, `<|repo_name|>`
    path: str  # the current file's path in it
    files: tuple[ContextFile, ...]  # other files' excerpts, least useful first

    @property
    def chars(self) -> int:
        return sum(len(f.path) + len(f.text) for f in self.files)


def context_tokens(ids: FimIds, encode: Callable[[str], list[int]], repository: RepositoryContext | None,
                   room: int) -> list[int]:
    """`repo_context(...)` for as many of the most useful files as fit in `room` tokens; [] when the
    tokenizer has no repository tokens (the plain FIM prompt is then what the model knows) or nothing fits."""
    if repository is None or not repository.files or not ids.has_repo_tokens or room <= 0:
        return []
    files: Sequence[ContextFile] = repository.files
    while files:
        tokens = repo_context(ids, encode, repository.name, files, repository.path)
        if len(tokens) <= room:
            return tokens
        files = files[1:]
    return []
