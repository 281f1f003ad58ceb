"""The final check's region (issue 13): where error recovery cuts the document's items differently before
and after the insertion, the check reads the items that hold the edit in both trees.

Real tree-sitter, the pipeline's own judge (`judge_at`), documents shaped like the held-out code where the
cuts showed up.
"""

from __future__ import annotations

import pytest
from maze_inference.context import extract_context
from maze_inference.document import Document
from maze_inference.final_check import region_around
from maze_inference.languages import get_language
from maze_inference.pipeline import Judge, judge_at


def statements(indent: str) -> str:
    return "".join(f"{indent}let value_{i} = rdr.read_record(&mut record_{i}).unwrap();\n" for i in range(12))


# A removed block opener whose stray `}` lies past the suffix window (512 characters), as in the `csv`
# crate's benches/bench.rs: before the insertion the enclosing item ends at that `}`.
MACRO = (
    "macro_rules! bench_borrowed {\n"
    "    ($name:ident, $data:ident, $type:ty) => {\n"
    "        #[bench]\n"
    "        ‸\n" + statements(" " * 12) + "            count\n"
    "        }\n"
    "    };\n"
    "}\n\n"
    "bench_borrowed!(count_nfl, NFL, NFLRow);\n"
)
IMPL = (
    "impl Reader {\n"
    "    ‸\n" + statements(" " * 8) + "        0\n"
    "    }\n\n"
    "    fn close(&mut self) {}\n"
    "}\n\n"
    "fn main() {}\n"
)
REMOVED = {"macro": ("rust", MACRO, "fn $name(b: &mut Bencher) {"),
           "impl": ("rust", IMPL, "fn count(&mut self) -> u64 {")}


def judge(language_id: str, marked: str) -> Judge:
    language = get_language(language_id)
    offset = marked.index("‸")
    doc = Document(language, marked.replace("‸", ""))
    byte_offset = doc.byte_offset(offset)
    context = extract_context(language, doc.text, doc.tree, offset, byte_offset=byte_offset)
    return judge_at(language, doc.source, doc.tree, byte_offset, context)


@pytest.mark.parametrize("name", list(REMOVED))
def test_the_removed_block_opener_is_accepted_back(name: str) -> None:
    language_id, marked, removed = REMOVED[name]
    assert len(marked[marked.index("‸") :]) > 600  # the stray `}` lies past the suffix window
    assert judge(language_id, marked).check(removed) is None


@pytest.mark.parametrize("name", list(REMOVED))
def test_the_wider_region_still_rejects_real_breaks(name: str) -> None:
    language_id, marked, removed = REMOVED[name]
    check = judge(language_id, marked)
    # One `{` too many: the item is left open where the stray `}` was (a MISSING `}` on the old ERROR's
    # place), and in the whole file its error moves to the end.
    assert check.check(removed + " {") is not None
    assert check.check(removed + " (") is not None


def test_an_item_cut_by_a_missing_semicolon_is_read_whole() -> None:
    """`export { a } fr‸`: tree-sitter ends the export with a MISSING `;` and reads `fr` alone, where a call
    `from(...)` parses; in the export it is an error."""
    check = judge("typescript", "export { fetchBaseQuery } fr‸\n")
    assert check.check("om('./fetchBaseQuery')") is not None
    assert check.check("om './fetchBaseQuery';") is None


def test_the_region_holds_the_item_the_cursor_item_runs_on_from() -> None:
    language = get_language("typescript")
    doc = Document(language, "const x = 1;\nexport { fetchBaseQuery } fr\n")
    cursor = len(doc.source) - 1
    region = region_around(doc.tree, doc.source, cursor, cursor - 2, cursor)
    assert doc.source[region.lo : region.hi] == b"export { fetchBaseQuery } fr"
