"""The intermediate representation between a description and code: a JSON schema and its renderings.

Step 1 of "generate from a description" makes the model write this JSON under llguidance's JSON-schema
constraint, so an IR that does not match the schema cannot be produced, let alone reach step 2.
Identifier and type strings carry per-language patterns, so the signature rendered from the IR is
made of tokens the language accepts; step 3 still parses the result.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

_IDENT = {"python": r"^[a-z_][a-z0-9_]{0,30}$", "go": r"^[A-Za-z][A-Za-z0-9]{0,30}$", "zig": r"^[a-z][A-Za-z0-9]{0,30}$"}
_IDENT_DEFAULT = r"^[a-z][A-Za-z0-9_]{0,30}$"
# Types the signature renderer can print safely; nested generics stay one level deep on purpose.
_TYPE = {
    "python": r"^[A-Za-z_][A-Za-z0-9_]{0,20}(\[[A-Za-z_][A-Za-z0-9_]{0,20}(, ?[A-Za-z_][A-Za-z0-9_]{0,20})?\])?$",
    "typescript": r"^[A-Za-z_][A-Za-z0-9_]{0,20}(<[A-Za-z_][A-Za-z0-9_]{0,20}>)?(\[\])?$",
    "typescriptreact": r"^[A-Za-z_][A-Za-z0-9_]{0,20}(<[A-Za-z_][A-Za-z0-9_]{0,20}>)?(\[\])?$",
    "javascript": r"^[A-Za-z_][A-Za-z0-9_]{0,20}$",
    "rust": r"^&?[A-Za-z_][A-Za-z0-9_]{0,20}(<[A-Za-z_][A-Za-z0-9_]{0,20}>)?$",
    "go": r"^(\[\])?\*?[A-Za-z_][A-Za-z0-9_.]{0,20}$",
    "zig": r"^(\[\]const )?[A-Za-z_][A-Za-z0-9_]{0,20}$",
}


def ir_schema(language: str) -> dict[str, Any]:
    """The IR's JSON schema for `language` (names and types constrained to what renders validly)."""
    ident = {"type": "string", "pattern": _IDENT.get(language, _IDENT_DEFAULT)}
    type_ = {"type": "string", "pattern": _TYPE[language]}
    text = {"type": "string", "maxLength": 80}
    return {
        "type": "object",
        "properties": {
            "name": ident,
            "parameters": {
                "type": "array",
                "maxItems": 4,
                "items": {"type": "object", "properties": {"name": ident, "type": type_},
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
