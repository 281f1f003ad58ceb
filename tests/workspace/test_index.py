"""The index: what a file's symbols are in each language, which files a workspace walk takes, and
that updates leave the lookups consistent."""

from __future__ import annotations

from pathlib import Path

import pytest
from maze_inference.languages import get_language
from maze_inference.workspace.definitions import extract_definitions
from maze_inference.workspace.ignore import parse
from maze_inference.workspace.imports import extract_imports, go_package_name
from maze_inference.workspace.index import WorkspaceIndex
from maze_inference.workspace.scan import IndexLimits, index_files, indexable, scan
from maze_inference.workspace.symbols import Import, Kind

SOURCES = {
    "python": ("import os.path\nfrom .models import Cart as C\nMAX = 3\n"
               "class Cart(Base):\n    size = 0\n    def __init__(self):\n        self.items = []\n"
               "    @property\n    def total(self) -> Money:\n        return 0\n",
               {("MAX", Kind.CONSTANT, ""), ("Cart", Kind.CLASS, ""), ("size", Kind.FIELD, "Cart"),
                ("__init__", Kind.METHOD, "Cart"), ("items", Kind.FIELD, "Cart"), ("total", Kind.METHOD, "Cart")},
               {Import("os", "os"), Import("os.path", "os.path"), Import("C", ".models", "Cart")}),
    "typescript": ("import { a as b } from './x';\nimport * as ns from '../y';\nexport const K = 1;\n"
                   "export class Cart { items: Item[] = []; add(i: Item): void {} }\n"
                   "export interface Item { name: string; price(): number }\nexport enum Color { Red, Green = 2 }\n"
                   "export type Id = string;\nexport function f(): Cart { return new Cart(); }\n",
                   {("K", Kind.CONSTANT, ""), ("Cart", Kind.CLASS, ""), ("items", Kind.FIELD, "Cart"),
                    ("add", Kind.METHOD, "Cart"), ("Item", Kind.INTERFACE, ""), ("name", Kind.FIELD, "Item"),
                    ("price", Kind.METHOD, "Item"), ("Color", Kind.ENUM, ""), ("Red", Kind.VARIANT, "Color"),
                    ("Green", Kind.VARIANT, "Color"), ("Id", Kind.TYPE, ""), ("f", Kind.FUNCTION, "")},
                   {Import("b", "./x", "a"), Import("ns", "../y")}),
    "rust": ("use crate::a::{self, b as c};\nmod m;\npub struct S { pub x: u8 }\npub enum E { A, B(u8) }\n"
             "pub trait T { fn t(&self); }\nimpl S { pub fn new() -> Self { S { x: 0 } } }\npub const N: u8 = 1;\n",
             {("S", Kind.STRUCT, ""), ("x", Kind.FIELD, "S"), ("E", Kind.ENUM, ""), ("A", Kind.VARIANT, "E"),
              ("B", Kind.VARIANT, "E"), ("T", Kind.TRAIT, ""), ("t", Kind.METHOD, "T"), ("S", Kind.IMPL, ""),
              ("new", Kind.METHOD, "S"), ("N", Kind.CONSTANT, "")},
             {Import("a", "crate", "a"), Import("c", "crate::a", "b"), Import("m", "self::m")}),
    "go": ("package p\n\nimport (\n\t\"fmt\"\n\tx \"example.com/a/b\"\n)\n\nconst C = 1\n\n"
           "type S struct {\n\tA, B int\n\tfmt.Stringer\n}\n\ntype I interface {\n\tM() int\n}\n\n"
           "func New() *S { return nil }\n\nfunc (s *S) Get() int { return s.A }\n",
           {("C", Kind.CONSTANT, ""), ("S", Kind.STRUCT, ""), ("A", Kind.FIELD, "S"), ("B", Kind.FIELD, "S"),
            ("Stringer", Kind.FIELD, "S"), ("I", Kind.INTERFACE, ""), ("M", Kind.METHOD, "I"), ("New", Kind.FUNCTION, ""),
            ("Get", Kind.METHOD, "S")},
           {Import("fmt", "fmt"), Import("x", "example.com/a/b")}),
    "zig": ("const std = @import(\"std\");\nconst Cart = @import(\"cart.zig\").Cart;\nfield: u8 = 0,\n"
            "pub const E = enum { a, b };\npub const S = struct {\n    v: u8,\n    pub fn get(self: S) u8 {\n"
            "        return self.v;\n    }\n};\npub fn main() void {}\n",
            {("field", Kind.FIELD, ""), ("E", Kind.ENUM, ""), ("a", Kind.VARIANT, "E"), ("b", Kind.VARIANT, "E"),
             ("S", Kind.STRUCT, ""), ("v", Kind.FIELD, "S"), ("get", Kind.METHOD, "S"), ("main", Kind.FUNCTION, "")},
            {Import("std", "std"), Import("Cart", "cart.zig", "Cart")}),
}


@pytest.mark.parametrize("language", sorted(SOURCES))
def test_definitions_and_imports(language: str) -> None:
    text, definitions, imports = SOURCES[language]
    source = text.encode()
    root = get_language(language).new_parser().parse(source).root_node
    found = extract_definitions(language, root, source)
    assert {(d.name, d.kind, d.container) for d in found} == definitions
    assert all(d.parent < i for i, d in enumerate(found))  # parents come first: rendering relies on it
    assert set(extract_imports(language, root, source)) == imports


def test_headers_keep_the_source_and_leave_bodies_out() -> None:
    text = "class Cart:\n    @property\n    def total(self,\n              vat: float) -> Money:\n        return 0\n"
    source = text.encode()
    found = extract_definitions("python", get_language("python").new_parser().parse(source).root_node, source)
    total = next(d for d in found if d.name == "total")
    assert total.head == "    @property\n    def total(self,\n              vat: float) -> Money:"
    assert total.body and total.type_name == "Money"


def test_go_import_names() -> None:
    assert [go_package_name(p) for p in ("github.com/dustin/go-humanize", "gopkg.in/yaml.v3", "example.com/x/v2",
                                         "fmt")] == ["humanize", "yaml", "x", "fmt"]


def test_gitignore_patterns() -> None:
    rules = parse("# comment\n*.gen.py\n/dist\nbuild/\n!keep.gen.py\ndocs/**/tmp\n")
    def ignored(path: str, folder: bool = False) -> bool:
        result = False
        for rule in rules:
            if (not rule.folders_only or folder) and rule.regex.match(path if rule.anchored else path.rsplit("/", 1)[-1]):
                result = not rule.negate
        return result
    assert ignored("a/b.gen.py") and not ignored("a/keep.gen.py") and not ignored("a/b.py")
    assert ignored("dist", True) and not ignored("src/dist", True)
    assert ignored("src/build", True) and not ignored("src/build")
    assert ignored("docs/a/b/tmp") and not ignored("src/tmp")


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def test_the_walk_skips_ignored_vendored_hidden_and_large_files_and_stops_at_limits(tmp_path: Path) -> None:
    _write(tmp_path, {".gitignore": "generated/\n*.tmp.py\n", "a.py": "x = 1\n", "pkg/b.ts": "export const b = 1;\n",
                      "generated/c.py": "", "pkg/d.tmp.py": "", "node_modules/e/index.js": "", ".venv/f.py": "",
                      "target/debug/g.rs": "", "pkg/.gitignore": "local.py\n", "pkg/local.py": "", "notes.txt": "",
                      "deep/er/h.go": "package er\n", "big.py": "#" * 2000, "lib.min.js": ""})
    root = tmp_path.as_posix()
    found = [p[len(root) + 1 :] for p, _ in scan([root], IndexLimits(max_file_bytes=1000)).files]
    assert found == ["a.py", "pkg/b.ts", "deep/er/h.go"]  # breadth first, sorted
    limited = scan([root], IndexLimits(max_files=2, max_file_bytes=1000))
    assert len(limited.files) == 2 and limited.truncated
    assert indexable(f"{root}/pkg/b.ts", [root], IndexLimits())
    assert not any(indexable(f"{root}/{p}", [root], IndexLimits()) for p in
                   ("generated/c.py", "pkg/local.py", "node_modules/e/index.js", "notes.txt", "../x.py"))


def test_updates_keep_every_lookup_consistent(tmp_path: Path) -> None:
    _write(tmp_path, {"m/a.py": "class A:\n    def f(self): pass\n", "m/b.py": "def g(): pass\n"})
    root = tmp_path.as_posix()
    index = WorkspaceIndex([root])
    index.put_all(index_files([p for p, _ in scan([root]).files]))
    assert [f.definition.name for f in index.members("A")] == ["f"] and index.modules("a") == [f"{root}/m/a.py"]
    (tmp_path / "m/a.py").write_text("def h(): pass\n")
    index.put_all(index_files([f"{root}/m/a.py"]))
    assert not index.members("A") and not index.named("A") and [f.path for f in index.named("h")] == [f"{root}/m/a.py"]
    index.remove(f"{root}/m/a.py")
    index.remove(f"{root}/m/b.py")
    assert not index.files and index.total_bytes == 0 and not index.folders_named("m") and not index.named("g")
