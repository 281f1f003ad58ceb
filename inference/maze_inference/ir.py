"""The intermediate representation between a description and code: a JSON schema and its renderings.

Step 1 of "generate from a description" makes the model write this JSON under llguidance's JSON-schema
constraint, so an IR that does not match the schema cannot be produced, let alone reach step 2.
Identifier and type strings carry per-language patterns, so the signature rendered from the IR is
made of tokens the language accepts; step 3 still parses the result.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

_IDENT = {"python": r"^[a-z_][a-z0-9_]{0,30}$", "go": r"^[A-Za-z][A-Za-z0-9]{0,30}$", "zig": r"^[a-z][A-Za-z0-9]{0,30}$"}
_IDENT_DEFAULT = r"^[a-z][A-Za-z0-9_]{0,30}$"
# Closed vocabularies for types and parameter names: a small model fills free-form fields with
# whatever it saw last (often the function's own name); a choice from these always renders validly.
_TYPES = {
    "python": ["int", "float", "str", "bool", "list[int]", "list[str]", "dict[str, int]", "None"],
    "typescript": ["number", "string", "boolean", "number[]", "string[]", "void"],
    "javascript": ["number", "string", "boolean", "Array", "Object"],
    "rust": ["i32", "i64", "f64", "bool", "usize", "String", "&str", "Vec<i32>"],
    "go": ["int", "float64", "string", "bool", "[]int", "[]string", "error"],
    "zig": ["i32", "i64", "f64", "bool", "usize", "[]const u8"],
}
_TYPES["typescriptreact"] = _TYPES["typescript"]
_PARAMETER_NAMES = ["a", "b", "c", "x", "y", "n", "values", "items", "text", "count", "index", "key", "value"]

_STOPWORDS = frozenset(["a", "an", "the", "of", "to", "from", "in", "on", "for", "and", "or", "with", "by", "is", "are", "be", "this", "that", "it", "its", "as", "into", "each", "all", "any", "given", "two", "three", "return", "returns", "compute", "computes", "make", "makes"])
_CAMEL = frozenset({"typescript", "typescriptreact", "javascript", "go", "zig"})


def candidate_names(description: str, language: str) -> list[str]:
    """Function names made from the description's words, in the language's naming style.

    A small model names functions poorly; offering only these (as a JSON-schema enum) makes the
    name relevant by construction.
    """
    words = [w for w in re.findall(r"[a-z][a-z0-9]*", description.lower()) if w not in _STOPWORDS][:4]
    names: list[str] = []
    for count in (2, 3, 1, 4):
        part = words[:count]
        if not part:
            continue
        name = part[0] + "".join(w.title() for w in part[1:]) if language in _CAMEL else "_".join(part)
        if re.match(_IDENT.get(language, _IDENT_DEFAULT), name) and name not in names:
            names.append(name)
    return names


def ir_schema(language: str, description: str = "") -> dict[str, Any]:
    """The IR's JSON schema for `language` (names and types constrained to what renders validly)."""
    ident = {"type": "string", "pattern": _IDENT.get(language, _IDENT_DEFAULT)}
    names = candidate_names(description, language)
    function_name = {"enum": names} if names else ident
    type_ = {"enum": _TYPES[language]}
    text = {"type": "string", "maxLength": 80}
    return {
        "type": "object",
        "properties": {
            "name": function_name,
            "parameters": {
                "type": "array",
                "maxItems": 4,
                "items": {"type": "object", "properties": {"name": {"enum": _PARAMETER_NAMES}, "type": type_},
                          "required": ["name", "type"], "additionalProperties": False},
            },
            "returns": type_,
            "errors": {"type": "array", "maxItems": 2, "items": text},
            "steps": {"type": "array", "minItems": 1, "maxItems": 4, "items": text},
            "tests": {
                "type": "array",
                "maxItems": 2,
                "items": {"type": "object", "properties": {"input": text, "expected": text},
                          "required": ["input", "expected"], "additionalProperties": False},
            },
        },
        "required": ["name", "parameters", "returns", "steps"],
        "additionalProperties": False,
    }


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str


@dataclass(frozen=True)
class FunctionIR:
    name: str
    parameters: tuple[Parameter, ...]
    returns: str
    steps: tuple[str, ...]
    errors: tuple[str, ...] = ()
    tests: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_json(cls, text: str) -> FunctionIR:
        data = json.loads(text)
        return cls(
            name=data["name"],
            parameters=tuple(Parameter(p["name"], p["type"]) for p in data.get("parameters", [])),
            returns=data["returns"],
            steps=tuple(data.get("steps", [])),
            errors=tuple(data.get("errors", [])),
            tests=tuple((t["input"], t["expected"]) for t in data.get("tests", [])),
        )

    def spec_lines(self) -> list[str]:
        """The IR as prose lines for a docstring or doc comment (shown to the user in the code)."""
        lines = [f"{i}. {step}" for i, step in enumerate(self.steps, 1)]
        lines += [f"Errors: {e}" for e in self.errors]
        lines += [f"Example: {i} -> {o}" for i, o in self.tests]
        return [_safe(line) for line in lines]


def _safe(line: str) -> str:
    """Keep generated prose from closing the comment or docstring it is put in."""
    return line.replace('"""', "'''").replace("*/", "* /").replace("\n", " ").strip()


def render_signature(ir: FunctionIR, language: str, indent: str) -> tuple[str, str]:
    """(text before the body, text after it) for a function from the IR; the body goes between."""
    params = ir.parameters
    spec = ir.spec_lines()
    inner = indent
    if language == "python":
        args = ", ".join(f"{p.name}: {p.type}" for p in params)
        doc = "\n".join(f"{indent}{line}" for line in spec)
        return f'def {ir.name}({args}) -> {ir.returns}:\n{indent}"""\n{doc}\n{indent}"""\n{inner}', "\n"
    comment = "".join(f"/// {line}\n" if language in ("rust", "zig") else f"// {line}\n" for line in spec)
    if language in ("typescript", "typescriptreact"):
        args = ", ".join(f"{p.name}: {p.type}" for p in params)
        return f"{comment}export function {ir.name}({args}): {ir.returns} {{\n{inner}", "\n}\n"
    if language == "javascript":
        args = ", ".join(p.name for p in params)
        return f"{comment}function {ir.name}({args}) {{\n{inner}", "\n}\n"
    if language == "rust":
        args = ", ".join(f"{p.name}: {p.type}" for p in params)
        return f"{comment}pub fn {ir.name}({args}) -> {ir.returns} {{\n{inner}", "\n}\n"
    if language == "go":
        args = ", ".join(f"{p.name} {p.type}" for p in params)
        return f"{comment}func {ir.name}({args}) {ir.returns} {{\n{inner}", "\n}\n"
    if language == "zig":
        args = ", ".join(f"{p.name}: {p.type}" for p in params)
        return f"{comment}pub fn {ir.name}({args}) {ir.returns} {{\n{inner}", "\n}\n"
    raise ValueError(f"no signature renderer for {language}")
