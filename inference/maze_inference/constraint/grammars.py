"""Find, specialise and compile the Lark grammars in `grammars/`, once per variant.

Grammars are data (`grammars/<name>.lark`, plus optional sub-grammars `<name>.<sub>.lark` that the
main file references as `@<sub>`, each with its own `%ignore`). Two textual parameters make
variants without copying files:

* `INDENT_UNIT: "    "` (one line) is rewritten to the document's indentation unit, because
  llguidance has no indentation post-lexer and Python's grammar spells each level out.
* `start: ...` (one line) is rewritten to another entry rule for the fallback levels.

Compiled grammars are cached by (name, indent, start): compiling costs milliseconds, a request
must not pay it.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import llguidance

from maze_inference.errors import GrammarError

_INDENT_LINE = re.compile(r'^INDENT_UNIT:\s*"[^"\n]*"\s*$', re.MULTILINE)
_START_LINE = re.compile(r"^start\s*:.*$", re.MULTILINE)
_ALLOWED_INDENTS = re.compile(r"^( {1,8}|\t)$")


def grammars_dir() -> Path:
    """The grammar folder: inside the installed wheel, else the source checkout's `grammars/`."""
    packaged = Path(str(resources.files("maze_inference"))) / "grammars"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "grammars"


@dataclass(frozen=True)
class GrammarVariant:
    """Which grammar, for which indentation unit, from which entry rule."""

    name: str
    indent_unit: str = "    "
    start: str | None = None


def available_grammars() -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in grammars_dir().glob("*.lark") if "." not in p.stem))


def _read_sources(name: str) -> dict[str, str]:
    """Main grammar (key "") and its sub-grammars (keys = names used after `@`)."""
    folder = grammars_dir()
    main = folder / f"{name}.lark"
    if not main.is_file():
        raise GrammarError(f"no grammar {name!r} in {folder} (have: {', '.join(available_grammars())})")
    sources = {"": main.read_text(encoding="utf-8")}
    for sub in sorted(folder.glob(f"{name}.*.lark")):
        sources[sub.name[len(name) + 1 : -len(".lark")]] = sub.read_text(encoding="utf-8")
    return sources


def specialise(text: str, indent_unit: str, start: str | None, *, is_main: bool) -> str:
    """Apply the indentation unit everywhere and the entry rule to the main grammar."""
    if not _ALLOWED_INDENTS.match(indent_unit):
        raise GrammarError(f"indentation unit must be 1-8 spaces or one tab, got {indent_unit!r}")
    text = _INDENT_LINE.sub(lambda _m: f"INDENT_UNIT: {json.dumps(indent_unit)}", text)
    if start is not None and is_main:
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", start):
            raise GrammarError(f"invalid entry rule {start!r}")
        text, count = _START_LINE.subn(f"start: {start}", text, count=1)
        if count != 1:
            raise GrammarError("grammar has no one-line `start:` rule to redirect")
    return text


def grammar_json(variant: GrammarVariant) -> str:
    """The llguidance grammar (JSON with the main Lark grammar first) for a variant, uncompiled."""
    sources = _read_sources(variant.name)
    grammars = []
    for sub, text in sources.items():
        lark = specialise(text, variant.indent_unit, variant.start, is_main=(sub == ""))
        entry: dict[str, str] = {"lark_grammar": lark}
        if sub:
            entry["name"] = sub
        grammars.append(entry)
    return json.dumps({"grammars": grammars})


@functools.lru_cache(maxsize=128)
def compiled_grammar(variant: GrammarVariant) -> str:
    """Validated grammar string for `LLMatcher`; raises `GrammarError` with llguidance's message."""
    grammar = grammar_json(variant)
    is_error, messages = llguidance.LLMatcher.validate_grammar_with_warnings(grammar)
    if is_error:
        raise GrammarError(f"grammar {variant.name!r}: {messages[0] if messages else 'invalid'}")
    return grammar


@functools.cache
def has_rule(name: str, rule: str) -> bool:
    """Whether the main grammar defines `rule` (fallback levels use only rules that exist)."""
    return re.search(rf"^\??{re.escape(rule)}\s*(\[[^\]]*\])?\s*:", _read_sources(name)[""], re.MULTILINE) is not None
