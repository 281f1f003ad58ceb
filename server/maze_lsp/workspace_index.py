"""The server's repository context: the workspace index, kept current, and retrieval for a completion.

The index is built in the background after `initialized` (in its own process, `builder.py`) and
kept current from the editor: open documents are re-read from their text a moment after the user
stops typing (the editor's version wins over the disk's), closed ones from disk, and watched-file
events add, update and remove files. A completion never waits for any of it: it gets the context of
what is indexed at that moment (`context_for`, a few milliseconds).
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

import tree_sitter
from maze_inference.workspace.builder import BATCH_FILES, BuildReport, build_index
from maze_inference.workspace.imports import extract_imports
from maze_inference.workspace.index import WorkspaceIndex
from maze_inference.workspace.repository import RepositoryContext
from maze_inference.workspace.retrieval import Query, Retriever
from maze_inference.workspace.scan import IndexLimits, index_files, indexable, symbols_of
from maze_inference.workspace.symbols import FileSymbols
from pygls.uris import to_fs_path
from pygls.workspace import Workspace

from maze_lsp.options import Options

log = logging.getLogger(__name__)

Progress = Callable[[str], Awaitable[Callable[[], None]]]
OPEN_DELAY_S = 0.2  # a newly opened document is indexed from its text this long after didOpen
EDIT_DELAY_S = 1.0  # ... and again this long after the last edit
WATCH_DELAY_S = 0.3  # watched-file events are gathered this long, then indexed together
MAX_OPEN_SNIPPET_DOCUMENTS = 20
LOOKBACK_CHARS = 6000
MAX_PAUSE_S = 2.0  # the build waits this long at most for completions to finish before it merges a batch


def path_of(uri: str) -> str | None:
    """The file system path of a `file:` URI (POSIX separators), None for `untitled:` and the like."""
    path = to_fs_path(uri)
    return os.path.normpath(path).replace(os.sep, "/") if path else None


def folders(workspace: Workspace) -> list[str]:
    """The workspace folders the client named (`workspaceFolders`, else `rootUri`) as paths."""
    uris = [folder.uri for folder in workspace.folders.values()] or [workspace.root_uri or ""]
    return sorted({p for uri in uris if uri and (p := path_of(uri))})


class WorkspaceContext:
    def __init__(self) -> None:
        self.busy: Callable[[], bool] = lambda: False  # a completion is in flight (`ServerState` sets it)
        self.index: WorkspaceIndex | None = None
        self.retriever: Retriever | None = None
        self.report: BuildReport | None = None
        self._config: tuple[tuple[str, ...], IndexLimits] | None = None
        self._build: asyncio.Task[None] | None = None
        self._open: dict[str, str] = {}  # uri -> path, documents whose editor text the index holds
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._watched: dict[str, bool] = {}  # path -> deleted, gathered for the next watched-file batch
        self._tasks: set[asyncio.Task[Any]] = set()

    @property
    def building(self) -> bool:
        return self._build is not None and not self._build.done()

    # ---- configuration -------------------------------------------------------------------------

    def configure(self, roots: Sequence[str], options: Options, progress: Progress) -> None:
        """Start (or restart, when the folders or limits changed) the background build; stop and free
        the index when repository context is off. Returns at once."""
        if not options.repository_context:
            self.stop()
            return
        config = (tuple(sorted(set(roots))), options.index_limits())
        if self.retriever is not None:
            self.retriever.settings = options.retrieval_settings()
        if config == self._config:
            return
        self.stop()
        self._config = config
        self.index = WorkspaceIndex(config[0])
        self.retriever = Retriever(self.index, options.retrieval_settings())
        if config[0]:
            self._build = asyncio.create_task(self._run_build(config[0], config[1], progress), name="maze-index")

    def stop(self) -> None:
        if self._build is not None:
            self._build.cancel()
        for handle in self._timers.values():
            handle.cancel()
        self._timers.clear()
        self.index = self.retriever = self._build = self._config = None

    async def _run_build(self, roots: tuple[str, ...], limits: IndexLimits, progress: Progress) -> None:
        end = await progress("maze: indexing the workspace")
        try:
            self.report = await build_index(roots, limits, self._merge, pause=self._quiet)
        except asyncio.CancelledError:
            raise
        except Exception:  # no index is a worse context, never a failed completion
            log.warning("building the workspace index failed", exc_info=True)
        finally:
            end()

    async def _quiet(self) -> None:
        """Wait for the completions in flight (up to `MAX_PAUSE_S`) before a batch is merged: reading and
        merging one takes the interpreter lock for a few milliseconds, each time a completion would wait."""
        deadline = time.monotonic() + MAX_PAUSE_S
        while self.busy() and time.monotonic() < deadline:
            await asyncio.sleep(0.02)

    def _merge(self, batch: list[FileSymbols]) -> None:
        """Files from disk, except those the editor has open (their text in the editor is newer)."""
        if self.index is None:
            return
        open_paths = set(self._open.values())
        limit = self._config[1].max_files if self._config else 0
        for symbols in batch:
            if symbols.path not in open_paths and (symbols.path in self.index.files or len(self.index) < limit):
                self.index.put(symbols)

    # ---- documents -----------------------------------------------------------------------------

    def opened(self, uri: str, document: Any) -> None:
        path = path_of(uri)
        if path is not None and self.index is not None:
            self._open[uri] = path
            self._later(uri, OPEN_DELAY_S, lambda: self._from_document(uri, path, document))

    def changed(self, uri: str, document: Any) -> None:
        path = self._open.get(uri)
        if path is not None and self.index is not None:
            self._later(uri, EDIT_DELAY_S, lambda: self._from_document(uri, path, document))

    def closed(self, uri: str) -> None:
        """The disk's version again (the editor may not have saved), or nothing for a file outside the
        workspace folders or gone from disk."""
        path = self._open.pop(uri, None)
        handle = self._timers.pop(uri, None)
        if handle is not None:
            handle.cancel()
        if path is not None and self.retriever is not None:
            self.retriever.snippets.forget(path)
            self._watched[path] = False
            self._later("watched", WATCH_DELAY_S, self._from_disk)

    def files_changed(self, changes: Sequence[tuple[str, bool]]) -> None:
        """Watched-file events, (uri, deleted); indexed together after a short pause."""
        if self.index is None:
            return
        for uri, deleted in changes:
            path = path_of(uri)
            if path is not None and path not in self._open.values():
                self._watched[path] = deleted
        self._later("watched", WATCH_DELAY_S, self._from_disk)

    def _later(self, key: str, delay: float, work: Callable[[], Awaitable[None]]) -> None:
        previous = self._timers.pop(key, None)
        if previous is not None:
            previous.cancel()
        loop = asyncio.get_running_loop()
        self._timers[key] = loop.call_later(delay, lambda: self._spawn(key, work()))

    def _spawn(self, key: str, work: Awaitable[None]) -> None:
        self._timers.pop(key, None)
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _from_document(self, uri: str, path: str, document: Any) -> None:
        if self._config is None or len(document.source) > self._config[1].max_file_bytes:
            return  # as the walk skips such a file: reading a huge document's outline would compete with completions
        _text, source, tree, _version = document.snapshot()
        copy = tree.copy()  # the editor's edits change the document's tree in place; the thread reads a copy
        symbols = await asyncio.to_thread(symbols_of, document.language, path, copy, source)
        if self.index is not None and self._open.get(uri) == path:
            self.index.put(symbols)

    async def _from_disk(self) -> None:
        changes, self._watched = self._watched, {}
        if self.index is None or self._config is None:
            return
        roots, limits = self._config
        wanted = sorted(p for p, deleted in changes.items() if not deleted)
        update = await asyncio.to_thread(lambda: [p for p in wanted if indexable(p, roots, limits)])
        for path in set(changes) - set(update):
            self.index.remove(path)
        if len(update) > BATCH_FILES:  # a branch switch: parse in the background process, as the first build did
            await build_index(roots, limits, self._merge, files=update, pause=self._quiet)
        elif update:
            self._merge(await asyncio.to_thread(index_files, update))

    # ---- retrieval -----------------------------------------------------------------------------

    def context_for(self, uri: str, language_id: str, text: str, source: bytes, tree: tree_sitter.Tree, offset: int,
                    documents: Mapping[str, Any]) -> RepositoryContext | None:
        """The repository context at `offset` of the document `uri` (None: nothing to show, or off)."""
        path = path_of(uri)
        if self.retriever is None or self.index is None or path is None:
            return None
        started = time.perf_counter()
        try:
            limit = self._config[1].max_file_bytes if self._config else 0
            imports = None if path in self.index.files else (
                extract_imports(language_id, tree.root_node, source) if len(source) <= limit else ())
            others = sorted((p, d.document) for u, d in documents.items() if u != uri and (p := path_of(u)))
            query = Query(path, language_id, text[max(0, offset - LOOKBACK_CHARS) : offset], text[offset : offset + 2000],
                          imports, tuple((p, doc.version, doc.text) for p, doc in others[:MAX_OPEN_SNIPPET_DOCUMENTS]))
            context = self.retriever.retrieve(query)
        except Exception:  # a bug here must cost the context, never the completion
            log.warning("repository context failed", exc_info=True)
            return None
        log.debug("repository context: %d files, %d chars in %.2f ms (index: %d files)",
                  len(context.files) if context else 0, context.chars if context else 0,
                  (time.perf_counter() - started) * 1e3, len(self.index))
        return context

    async def close(self) -> None:
        self.stop()
        for task in list(self._tasks):
            task.cancel()

