"""Document state never diverges: random incremental edits against a reference, and trees against fresh parses.

The reference applies LSP edits the slow, obvious way: split into lines by the spec's line breaks,
count UTF-16 units character by character, clamp positions past a line end or past the last line.
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from maze_inference.document import Change, Document, Position, Range
from maze_inference.languages import get_language

PY = get_language("python")
ALPHABET = st.sampled_from(["a", "b", "x", " ", "\t", "\n", "\r\n", "\r", "😀", "名", "é", "(", ")", ":", "=", "'", "#"])
TEXT = st.lists(ALPHABET, max_size=12).map("".join)


def reference_offset(text: str, line: int, character: int) -> int:
    """Code-point offset of an LSP position, clamped as the spec says (no cleverness)."""
    starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
    if line >= len(starts):
        return len(text)
    start = starts[line]
    end = len(text) if line + 1 >= len(starts) else starts[line + 1]
    content = re.sub(r"(\r\n|\r|\n)$", "", text[start:end])
    units = 0
    for index, ch in enumerate(content):
        width = 2 if ord(ch) > 0xFFFF else 1
        if units + width > character:
            return start + index
        units += width
    return start + len(content)


# Block sizes of the chunked text: tiny ones put every edit at or across block boundaries.
BLOCK = st.sampled_from([1, 2, 3, 5, 8, 4096])
EDIT = st.tuples(st.integers(0, 8), st.integers(0, 12), st.integers(0, 8), st.integers(0, 12), TEXT)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(initial=TEXT, edits=st.lists(EDIT, max_size=25), block=BLOCK)
def test_incremental_edits_match_the_reference(initial: str, edits: list[tuple[int, int, int, int, str]], block: int) -> None:
    doc = Document(PY, initial, block_chars=block)
    reference = initial
    for l1, c1, l2, c2, new in edits:
        doc.apply([Change(new, Range(Position(l1, c1), Position(l2, c2)))])
        a, b = reference_offset(reference, l1, c1), reference_offset(reference, l2, c2)
        a, b = min(a, b), max(a, b)
        reference = reference[:a] + new + reference[b:]
        assert doc.text == reference
        assert doc.source == reference.encode("utf-8")
        offset = len(reference) // 2
        assert doc.byte_offset(offset) == len(reference[:offset].encode("utf-8"))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits=st.lists(EDIT, min_size=1, max_size=20), language=st.sampled_from(["python", "rust", "go", "typescript"]),
       block=BLOCK)
def test_incremental_tree_equals_a_fresh_parse(edits: list[tuple[int, int, int, int, str]], language: str,
                                               block: int) -> None:
    lang = get_language(language)
    start = {"python": "def f(a):\n    return a\n", "rust": "fn f(a: u8) -> u8 {\n    a\n}\n",
             "go": "package m\n\nfunc f(a int) int {\n\treturn a\n}\n", "typescript": "function f(a) {\n  return a;\n}\n"}
    doc = Document(lang, start[language], block_chars=block)
    _ = doc.tree  # parse once, so every later tree is incremental
    for l1, c1, l2, c2, new in edits:
        doc.apply([Change(new, Range(Position(l1, c1), Position(l2, c2)))])
        if l1 % 3 == 0:
            _ = doc.tree  # reparse now and then, as completion requests would
    fresh = lang.new_parser().parse(doc.source)
    assert str(doc.tree.root_node) == str(fresh.root_node)
    incremental = doc.tree.root_node
    assert (incremental.start_byte, incremental.end_byte) == (fresh.root_node.start_byte, fresh.root_node.end_byte)
    assert incremental.end_point == fresh.root_node.end_point


@settings(max_examples=60, deadline=None)
@given(edits=st.lists(EDIT, min_size=5, max_size=60), block=BLOCK)
def test_many_small_edits_in_one_notification(edits: list[tuple[int, int, int, int, str]], block: int) -> None:
    """A didChange may carry many changes; each applies to the result of the previous one."""
    doc = Document(PY, "x = 1\r\ny = '😀'\n", block_chars=block)
    reference = doc.text
    changes = []
    for l1, c1, l2, c2, new in edits:
        changes.append(Change(new, Range(Position(l1, c1), Position(l2, c2))))
        a, b = sorted((reference_offset(reference, l1, c1), reference_offset(reference, l2, c2)))
        reference = reference[:a] + new + reference[b:]
    doc.apply(changes, version=7)
    assert doc.text == reference and doc.version == 7


def _end_position(text: str) -> tuple[int, int]:
    lines = re.split(r"\r\n|\r|\n", text)
    return len(lines) - 1, len(lines[-1].encode("utf-16-le")) // 2


def test_server_document_tracks_random_edits_over_stdio() -> None:
    """Random edits through the real server; then a placeholder function is inserted where the
    reference says the document ends. The server offers "implement <name>" there only if its text
    is the reference's, character for character (a shifted position lands elsewhere)."""
    import random

    from maze_workshop.bench.stdio import StdioClient

    rng = random.Random(7)
    pieces = ["a", " ", "\t", "\n", "\r\n", "😀", "名", "é", "x1", "# c\n"]  # no brackets: an open one would swallow the probe
    client = StdioClient()
    client.initialize({"debounceMs": 0})
    try:
        for round_ in range(25):
            uri = f"file:///tmp/state-{round_}.py"
            reference = "x = 1\r\n# 😀 名\n"
            client.open(uri, "python", reference)
            version = 1
            for _ in range(40):
                l1, c1, l2, c2 = (rng.randrange(6), rng.randrange(10), rng.randrange(6), rng.randrange(10))
                new = "".join(rng.choice(pieces) for _ in range(rng.randrange(4)))
                version += 1
                client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                              "contentChanges": [{"range": {"start": {"line": l1, "character": c1},
                                                            "end": {"line": l2, "character": c2}}, "text": new}]})
                a, b = sorted((reference_offset(reference, l1, c1), reference_offset(reference, l2, c2)))
                reference = reference[:a] + new + reference[b:]
            name = f"probe_{round_}"
            line, character = _end_position(reference)
            function = f"\n\ndef {name}():\n    pass\n"
            version += 1
            client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                          "contentChanges": [{"range": {"start": {"line": line, "character": character},
                                                        "end": {"line": line, "character": character}}, "text": function}]})
            probe_line = line + 2
            reply = client.request("textDocument/codeAction", {
                "textDocument": {"uri": uri},
                "range": {"start": {"line": probe_line, "character": 5}, "end": {"line": probe_line, "character": 5}},
                "context": {"diagnostics": []}})
            titles = [a["title"] for a in reply.get("result") or []]
            assert f"maze: implement {name}" in titles, (round_, titles)
    finally:
        client.close()


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(initial=TEXT, edits=st.lists(EDIT, max_size=25), block=BLOCK)
def test_line_index_equals_a_full_rescan(initial: str, edits: list[tuple[int, int, int, int, str]], block: int) -> None:
    """The incrementally updated line index is exactly what rescanning the whole text gives."""
    from maze_inference.document import line_starts

    doc = Document(PY, initial, block_chars=block)
    for l1, c1, l2, c2, new in edits:
        doc.apply([Change(new, Range(Position(l1, c1), Position(l2, c2)))])
        starts = line_starts(doc.text)
        assert doc.line_count == len(starts)
        assert [doc.offset_at(Position(line, 0)) for line in range(doc.line_count)] == starts
