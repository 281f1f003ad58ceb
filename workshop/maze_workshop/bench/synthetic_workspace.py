"""A synthetic multi-language workspace for `maze bench retrieval`: packages of modules that import each
other, with types, methods, functions and constants, in the five languages' usual layouts.

Deterministic for a file count, so runs compare; shaped like real code where retrieval's cost lies
(several imports per file, receivers `mod.` and `value.` in every function body, a few dozen
definitions per file).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

PER_PACKAGE = 20
SHARES = (("python", 0.3), ("typescript", 0.25), ("go", 0.15), ("rust", 0.15), ("zig", 0.15))
METHODS = 8
FUNCTIONS = 6


def _python(p: int, i: int, j: int, k: int, pk: int) -> tuple[str, str]:
    methods = "".join(f"    def method{m}_{i}(self, x: int) -> int:\n        return x + self.value * {m}\n\n"
                      for m in range(METHODS))
    functions = "".join(
        f"def func{i}_{f}(a: int, b: int) -> Type{i}:\n    item = Type{j}(a, 'x')\n"
        f"    total = mod{k}.func{k}_1(a, b).value\n    return Type{i}(item.method0_{j}(total), 'y')\n\n\n"
        for f in range(FUNCTIONS))
    text = (f"from pkg{p}.mod{j} import Type{j}, func{j}_0\nfrom pkg{pk} import mod{k}\n\nLIMIT_{i} = {i}\n\n\n"
            f"class Type{i}:\n    def __init__(self, value: int, name: str):\n        self.value = value\n"
            f"        self.name = name\n        self.count_{i} = 0\n\n{methods}\n{functions}")
    return f"py/pkg{p}/mod{i}.py", text


def _typescript(p: int, i: int, j: int, k: int, pk: int) -> tuple[str, str]:
    methods = "".join(f"  method{m}_{i}(x: number): number {{\n    return x + this.value * {m};\n  }}\n"
                      for m in range(METHODS))
    functions = "".join(
        f"export function func{i}_{f}(a: number, b: number): Type{i} {{\n  const item = new Type{j}(a, 'x');\n"
        f"  const total = mod{k}.func{k}_1(a, b).value;\n  return new Type{i}(item.method0_{j}(total), 'y');\n}}\n\n"
        for f in range(FUNCTIONS))
    text = (f"import {{ Type{j}, func{j}_0 }} from './mod{j}';\nimport * as mod{k} from '../pkg{pk}/mod{k}.js';\n\n"
            f"export const LIMIT_{i} = {i};\n\nexport class Type{i} {{\n  count{i} = 0;\n"
            f"  constructor(public value: number, public name: string) {{}}\n{methods}}}\n\n{functions}")
    return f"ts/pkg{p}/mod{i}.ts", text


def _go(p: int, i: int, j: int, k: int, pk: int) -> tuple[str, str]:
    methods = "".join(f"func (t *Type{i}) Method{m}_{i}(x int) int {{\n\treturn x + t.Value*{m}\n}}\n\n"
                      for m in range(METHODS))
    functions = "".join(
        f"func Func{i}_{f}(a, b int) *Type{i} {{\n\titem := NewType{j}(a)\n\ttotal := pkg{pk}.Func{k}_1(a, b).Value\n"
        f"\treturn NewType{i}(item.Method0_{j}(total))\n}}\n\n" for f in range(FUNCTIONS))
    text = (f"package pkg{p}\n\nimport \"example.com/ws/go/pkg{pk}\"\n\nconst Limit{i} = {i}\n\n"
            f"type Type{i} struct {{\n\tValue int\n\tName  string\n\tCount{i} int\n}}\n\n"
            f"func NewType{i}(v int) *Type{i} {{ return &Type{i}{{Value: v}} }}\n\n{methods}{functions}")
    return f"go/pkg{p}/mod{i}.go", text


def _rust(p: int, i: int, j: int, k: int, pk: int) -> tuple[str, str]:
    methods = "".join(f"    pub fn method{m}_{i}(&self, x: i64) -> i64 {{\n        x + self.value * {m}\n    }}\n"
                      for m in range(METHODS))
    functions = "".join(
        f"pub fn func{i}_{f}(a: i64, b: i64) -> Type{i} {{\n    let item = Type{j}::new(a);\n"
        f"    let total = mod{k}::func{k}_1(a, b).value;\n    Type{i}::new(item.method0_{j}(total))\n}}\n\n"
        for f in range(FUNCTIONS))
    text = (f"use crate::mod{j}::Type{j};\nuse crate::mod{k};\n\npub const LIMIT_{i}: i64 = {i};\n\n"
            f"pub struct Type{i} {{\n    pub value: i64,\n    pub name: String,\n}}\n\nimpl Type{i} {{\n"
            f"    pub fn new(value: i64) -> Self {{\n        Type{i} {{ value, name: String::new() }}\n    }}\n"
            f"{methods}}}\n\n{functions}")
    return f"rs/pkg{p}/src/mod{i}.rs", text


def _zig(p: int, i: int, j: int, k: int, pk: int) -> tuple[str, str]:
    methods = "".join(f"    pub fn method{m}_{i}(self: Type{i}, x: i64) i64 {{\n        return x + self.value * {m};\n    }}\n"
                      for m in range(METHODS))
    functions = "".join(
        f"pub fn func{i}_{f}(a: i64, b: i64) Type{i} {{\n    const item = Type{j}.init(a);\n"
        f"    const total = mod{k}.func{k}_1(a, b).value;\n    return Type{i}.init(item.method0_{j}(total));\n}}\n\n"
        for f in range(FUNCTIONS))
    text = (f"const std = @import(\"std\");\nconst Type{j} = @import(\"mod{j}.zig\").Type{j};\n"
            f"const mod{k} = @import(\"mod{k}.zig\");\n\npub const limit_{i}: i64 = {i};\n\n"
            f"pub const Type{i} = struct {{\n    value: i64,\n    name: []const u8,\n\n"
            f"    pub fn init(value: i64) Type{i} {{\n        return .{{ .value = value, .name = \"\" }};\n    }}\n"
            f"{methods}}};\n\n{functions}")
    return f"zig/pkg{p}/mod{i}.zig", text


_MAKERS: dict[str, Callable[[int, int, int, int, int], tuple[str, str]]] = {
    "python": _python, "typescript": _typescript, "go": _go, "rust": _rust, "zig": _zig}


def write_workspace(root: Path, files: int) -> list[Path]:
    """About `files` source files under `root`, split over the languages by `SHARES`; returns them."""
    written: list[Path] = []
    for language, share in SHARES:
        count = max(PER_PACKAGE, int(files * share))
        packages = max(1, count // PER_PACKAGE)
        for n in range(count):
            p, i = n % packages, n // packages * packages + n % packages
            peers = [m * packages + p for m in range(PER_PACKAGE) if m * packages + p < count and m * packages + p != i]
            j = peers[(i * 7) % len(peers)] if peers else i
            same = language in ("rust", "zig")  # these import modules of their own crate/folder only
            pk = p if same else (p + 1) % packages
            k_peers = peers if same else [m * packages + pk for m in range(PER_PACKAGE) if m * packages + pk < count]
            k = k_peers[(i * 3) % len(k_peers)] if k_peers else i
            name, text = _MAKERS[language](p, i, j, k, pk)
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
            written.append(path)
    for lib in sorted({p.parent for p in written if p.suffix == ".rs"}):  # each Rust package is a crate
        (lib / "lib.rs").write_text("".join(f"pub mod {p.stem};\n" for p in sorted(lib.glob("mod*.rs"))))
    (root / "go" / "go.mod").write_text("module example.com/ws/go\n")
    return written
