"""Reserved and held-out packages: matched across registries and name forms, and a vendored copy fails the build."""

from __future__ import annotations

from pathlib import Path

import pytest
from maze_workshop.corpus import build, heldout, packages


@pytest.mark.parametrize(("registry", "name", "expected"), [
    ("pypi", "attrs", "attrs"),
    ("pypi", "More_Itertools", "more-itertools"),
    ("debian", "python3-attr", "attrs"),
    ("debian", "python3-click", "click"),
    ("debian", "python3-click-log", None),
    ("debian", "python3-tomlkit", "tomlkit"),  # REALCODE
    ("debian", "librust-serde-json-dev", "serde-json"),
    ("debian", "librust-serde+derive-dev", "serde"),
    ("debian", "librust-regex-syntax-0.6-dev", "regex-syntax"),
    ("debian", "librust-regex-automata-dev", None),
    ("debian", "librust-rand-core-dev", None),
    ("debian", "librust-nom-dev", "nom"),  # REALCODE
    ("crates", "once_cell", "once-cell"),
    ("debian", "golang-github-spf13-cobra-dev", "github.com/spf13/cobra"),
    ("debian", "golang-github-urfave-cli-v2-dev", "github.com/urfave/cli"),
    ("debian", "golang-gopkg-yaml.v3-dev", "gopkg.in/yaml.v3"),
    ("debian", "golang-gopkg-yaml.v2-dev", None),
    ("debian", "golang-github-google-uuid-dev", "github.com/google/uuid"),
    ("go", "github.com/stretchr/testify/assert", "github.com/stretchr/testify"),
    ("go", "github.com/spf13/cobrax", None),
    ("npm", "@tanstack/react-query", "@tanstack/react-query"),
    ("npm", "@tanstack/table-core", None),
    ("npm", "@effect/platform", "@effect/platform"),
    ("npm", "zod", "zod"),
    ("npm", "immer", "immer"),  # REALCODE
])
def test_held_name(registry: str, name: str, expected: str | None) -> None:
    assert heldout.held_name(registry, name) == expected


def test_vendored_copies_by_path() -> None:
    tree = {"mypkg/__init__.py", "mypkg/extern/click/__init__.py", "mypkg/extern/click/core.py", "mypkg/rich/x.py"}
    assert heldout.path_match("python", "mypkg/extern/click/__init__.py", tree) == "click"
    assert heldout.path_match("python", "mypkg/rich/x.py", tree) is None  # no rich/console.py: another `rich`
    assert heldout.path_match("go", "usr/share/gocode/src/github.com/a/b/vendor/github.com/spf13/cobra/cmd.go") \
        == "github.com/spf13/cobra"
    assert heldout.path_match("go", "usr/share/gocode/src/github.com/spf13/cobra/command.go") == "github.com/spf13/cobra"
    assert heldout.path_match("rust", "usr/share/cargo/registry/serde-1.0.152/src/lib.rs") == "serde"
    assert heldout.path_match("rust", "usr/share/cargo/registry/serde_derive-1.0.152/src/lib.rs") is None
    assert heldout.path_match("typescript", "package/node_modules/zod/lib/index.js") == "zod"
    assert heldout.text_match("typescript", "x\n// node_modules/rxjs/dist/esm/x.js\nvar a = 1;\n") == "rxjs"
    assert heldout.path_match("zig", "std/json/static.zig") == "zig-std-heldout"
    assert heldout.path_match("zig", "compiler/aro/main.zig") is not None
    assert heldout.path_match("zig", "std/mem.zig") is None


def _code(name: str) -> str:
    body = "\n".join(f"    value_{i} = compute_{name}_{i}(argument, other_argument)  # step {i}" for i in range(12))
    return f"def run_{name}(argument, other_argument):\n{body}\n    return value_0\n"


def _fake_repo(tmp: Path, files: dict[str, str]) -> packages.Repo:
    folder = tmp / "debian" / "python3-mypkg"
    root = folder / "usr/lib/python3/dist-packages"
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    (folder / "copyright").write_text("MIT\n")
    return packages.Repo("debian:python3-mypkg", "mypkg", "python", "debian", "python3-mypkg", "1.0", "MIT",
                         "copyright", folder, root)


def test_build_fails_on_a_vendored_copy(tmp_path: Path) -> None:
    repo = _fake_repo(tmp_path / "src", {"mypkg/__init__.py": _code("a"), "mypkg/_compat/click/core.py": _code("b"),
                                         "mypkg/_compat/click/types.py": _code("c")})
    out = tmp_path / "corpus"
    with pytest.raises(heldout.HeldOutViolation, match="click"):
        build.build(tmp_path / "src", out, None, workers=1, repo_list=[repo])
    assert not (out / "train").exists()  # nothing to train on was left behind
    import json

    check = json.loads((out / "manifest.json").read_text())["heldout_check"]
    assert not check["ok"] and {v["held_out"] for v in check["violations"]} == {"click"}


def test_build_passes_without_copies_and_skips_vendor_folders(tmp_path: Path) -> None:
    repo = _fake_repo(tmp_path / "src", {"mypkg/__init__.py": _code("a"), "mypkg/core.py": _code("d"),
                                         "mypkg/_vendor/click/core.py": _code("b")})
    out = tmp_path / "corpus"
    manifest = build.build(tmp_path / "src", out, None, workers=1, repo_list=[repo])
    assert manifest["heldout_check"]["ok"]
    import json

    records = [json.loads(line) for f in ("train/python.jsonl", "val/python.jsonl") for line in (out / f).open()]
    assert {r["path"] for r in records} == {"mypkg/__init__.py", "mypkg/core.py"}
    assert {r["repo"] for r in records} == {"mypkg"}
