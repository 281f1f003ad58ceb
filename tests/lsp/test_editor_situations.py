"""The editor situations where the constraint once made things worse (issue 13), over the real server.

Each is a document as an editor holds it while the user types (auto-closed brackets included) and the
cursor where ghost text is asked for. The shipped model must show something, and what it shows must
keep the region parsing by the final check's strict rules (no error at the cursor, none moved, the
text after the cursor not swallowed into a comment or string) and hold no loop.
"""

from __future__ import annotations

import pytest
from maze_inference.document import Document, Position
from maze_inference.endings import loop_start
from maze_inference.final_check import check_insertion, region_around
from maze_inference.languages import get_language
from pytest_lsp import LanguageClient

from tests.conftest import CURSOR
from tests.lsp.helpers import inline_params, open_document

SITUATIONS = {
    "python-call-with-closing-paren": ("python", (
        "def rescale(rows, factor):\n    return [r * factor for r in rows]\n\n\n"
        "def main(rows, factor):\n    scaled = rescale(rows, ‸)\n    return scaled\n")),
    "typescript-type-member": ("typescript", "interface Options {\n  name: string;\n  verbose: ‸;\n}\n"),
    "rust-return-type-before-closing-brace": ("rust", (
        "pub struct Queue {\n    items: Vec<usize>,\n}\n\nimpl Queue {\n    pub fn front(&self) -> ‸\n}\n")),
    "rust-map-err-with-closing-paren": ("rust", (
        "fn port(s: &str) -> Result<u16, String> {\n    s.parse::<u16>().map_err(‸)\n}\n")),
    "typescript-reduce-call": ("typescript", (
        "interface Line { amount: number }\ninterface Invoice { lines: Line[] }\n\n"
        "export function total(invoice: Invoice): number {\n  return invoice.lines.reduce(‸);\n}\n")),
    "typescript-math-max": ("typescript", "const xs = [1, 2, 3];\nconst m = Math.max(‸);\n"),
    "typescript-map": ("typescript", "const xs = [1, 2, 3];\nconst ys = xs.map(‸);\n"),
    "typescript-reduce": ("typescript", "const xs = [1, 2, 3];\nconst s = xs.reduce(‸);\n"),
}


@pytest.mark.parametrize("name", list(SITUATIONS))
async def test_the_situation_gets_a_completion_that_keeps_the_region_parsing(client: LanguageClient, name: str) -> None:
    language_id, marked = SITUATIONS[name]
    offset = marked.index(CURSOR)
    text = marked.replace(CURSOR, "")
    doc = Document(get_language(language_id), text)
    position = doc.position_at(offset)
    uri = f"file:///situations/{name}.{ {'python': 'py', 'typescript': 'ts', 'rust': 'rs'}[language_id] }"
    open_document(client, uri, language_id, text)
    result = await client.text_document_inline_completion_async(inline_params(uri, position.line, position.character))
    assert result is not None and result.items, f"{name}: no ghost text"
    shown = result.items[0].insert_text
    assert isinstance(shown, str) and shown.strip()
    assert loop_start(shown) is None, f"{name}: {shown!r} repeats itself"
    cursor = doc.byte_offset(doc.offset_at(Position(position.line, position.character)))
    region = region_around(doc.tree, doc.source, cursor, 0, len(doc.source))
    verdict = check_insertion(doc.language, doc.source, region, shown)
    assert verdict is None, f"{name}: {shown!r} breaks the document ({verdict})"
