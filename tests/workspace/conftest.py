"""Small workspaces written to a temporary folder, indexed the way the server indexes them."""

from __future__ import annotations

from pathlib import Path

from maze_inference.languages import language_for_path
from maze_inference.workspace.index import WorkspaceIndex
from maze_inference.workspace.retrieval import Query, RetrievalSettings, Retriever
from maze_inference.workspace.scan import index_files, scan

CURSOR = "‸"


class Workspace:
    """Files with one of them holding a cursor marker; `context()` is what retrieval shows there."""

    def __init__(self, root: Path, files: dict[str, str], settings: RetrievalSettings = RetrievalSettings()) -> None:
        self.root = root
        self.current = ""
        for name, text in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if CURSOR in text:
                self.current, self.offset = path.as_posix(), text.index(CURSOR)
                text = text.replace(CURSOR, "")
            path.write_text(text)
        self.index = WorkspaceIndex([root.as_posix()])
        self.index.put_all(index_files([p for p, _ in scan([root.as_posix()]).files]))
        self.retriever = Retriever(self.index, settings)

    def query(self, open_documents: tuple[tuple[str, int, str], ...] = ()) -> Query:
        text = Path(self.current).read_text()
        return Query(self.current, language_for_path(self.current).id, text[: self.offset], text[self.offset :],
                     open_documents=open_documents)

    def context(self) -> str:
        found = self.retriever.retrieve(self.query())
        return "" if found is None else "\n".join(f"<{f.path}>\n{f.text}" for f in found.files)
