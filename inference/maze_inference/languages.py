"""The supported languages: one row each, and everything else loops over this table.

A row names the editor `languageId`s and file extensions that select it, the tree-sitter parser,
the Lark grammar in `grammars/`, and the node types that the cursor context needs (scopes,
strings, comments, blocks). Adding a language is adding a row, a grammar and its corpora.
"""

from __future__ import annotations

import functools
import importlib
from dataclasses import dataclass
from pathlib import PurePath

import tree_sitter

from maze_inference.errors import UnsupportedLanguage


@dataclass(frozen=True)
class Language:
    """Static facts about one language; values only, so a row is safe to share between threads."""

    id: str
    lsp_ids: tuple[str, ...]
    extensions: tuple[str, ...]
    grammar: str
    ts_module: str
    ts_function: str
    scope_types: frozenset[str]
    string_types: frozenset[str]
    comment_types: frozenset[str]
    block_types: frozenset[str]
    line_comment: str
    block_openers: tuple[str, ...]
    indent: str = "    "  # the community's usual unit, when a document shows none

    @property
    def ts_language(self) -> tree_sitter.Language:
        return _load_ts_language(self.ts_module, self.ts_function)

    def new_parser(self) -> tree_sitter.Parser:
        """A fresh parser: tree-sitter parsers are not thread-safe, so each user holds its own."""
        return tree_sitter.Parser(self.ts_language)


@functools.cache
def _load_ts_language(module: str, function: str) -> tree_sitter.Language:
    """Load a bundled tree-sitter grammar; the per-language wheels carry the parser, nothing is fetched."""
    return tree_sitter.Language(getattr(importlib.import_module(module), function)())


_C_STYLE_COMMENTS = frozenset({"comment"})

LANGUAGES: tuple[Language, ...] = (
    Language(
        id="python",
        lsp_ids=("python",),
        extensions=(".py", ".pyi"),
        grammar="python",
        ts_module="tree_sitter_python",
        ts_function="language",
        scope_types=frozenset({"function_definition", "class_definition", "lambda"}),
        string_types=frozenset({"string", "concatenated_string"}),
        comment_types=_C_STYLE_COMMENTS,
        block_types=frozenset({"block"}),
        line_comment="#",
        block_openers=(":",),
    ),
    Language(
        id="typescript",
        lsp_ids=("typescript",),
        extensions=(".ts", ".mts", ".cts"),
        grammar="typescript",
        ts_module="tree_sitter_typescript",
        ts_function="language_typescript",
        scope_types=frozenset(
            {
                "function_declaration", "method_definition", "class_declaration", "arrow_function",
                "function_expression", "interface_declaration", "abstract_class_declaration",
                "generator_function_declaration", "internal_module", "enum_declaration",
            }
        ),
        string_types=frozenset({"string", "template_string"}),
        comment_types=_C_STYLE_COMMENTS,
        block_types=frozenset({"statement_block", "class_body", "object_type", "interface_body", "enum_body"}),
        line_comment="//",
        block_openers=("{",),
        indent="  ",
    ),
    Language(
        id="typescriptreact",
        lsp_ids=("typescriptreact",),
        extensions=(".tsx",),
        grammar="tsx",
        ts_module="tree_sitter_typescript",
        ts_function="language_tsx",
        scope_types=frozenset(
            {
                "function_declaration", "method_definition", "class_declaration", "arrow_function",
                "function_expression", "interface_declaration", "abstract_class_declaration",
                "generator_function_declaration",
            }
        ),
        string_types=frozenset({"string", "template_string"}),
        comment_types=_C_STYLE_COMMENTS,
        block_types=frozenset({"statement_block", "class_body", "object_type", "interface_body"}),
        line_comment="//",
        block_openers=("{",),
        indent="  ",
    ),
    Language(
        id="javascript",
        lsp_ids=("javascript", "javascriptreact"),
        extensions=(".js", ".mjs", ".cjs", ".jsx"),
        grammar="javascript",
        ts_module="tree_sitter_javascript",
        ts_function="language",
        scope_types=frozenset(
            {
                "function_declaration", "method_definition", "class_declaration", "arrow_function",
                "function_expression", "generator_function_declaration",
            }
        ),
        string_types=frozenset({"string", "template_string"}),
        comment_types=_C_STYLE_COMMENTS,
        block_types=frozenset({"statement_block", "class_body"}),
        line_comment="//",
        block_openers=("{",),
        indent="  ",
    ),
    Language(
        id="rust",
        lsp_ids=("rust",),
        extensions=(".rs",),
        grammar="rust",
        ts_module="tree_sitter_rust",
        ts_function="language",
        scope_types=frozenset(
            {"function_item", "impl_item", "trait_item", "struct_item", "enum_item", "mod_item", "closure_expression"}
        ),
        string_types=frozenset({"string_literal", "raw_string_literal", "char_literal"}),
        comment_types=frozenset({"line_comment", "block_comment"}),
        block_types=frozenset({"block", "declaration_list", "field_declaration_list"}),
        line_comment="//",
        block_openers=("{",),
    ),
    Language(
        id="go",
        lsp_ids=("go",),
        extensions=(".go",),
        grammar="go",
        ts_module="tree_sitter_go",
        ts_function="language",
        scope_types=frozenset({"function_declaration", "method_declaration", "func_literal", "type_declaration"}),
        string_types=frozenset({"interpreted_string_literal", "raw_string_literal", "rune_literal"}),
        comment_types=_C_STYLE_COMMENTS,
        block_types=frozenset({"block", "field_declaration_list", "interface_type"}),
        line_comment="//",
        block_openers=("{",),
        indent="\t",
    ),
    Language(
        id="zig",
        lsp_ids=("zig",),
        extensions=(".zig",),
        grammar="zig",
        ts_module="tree_sitter_zig",
        ts_function="language",
        scope_types=frozenset({"function_declaration", "test_declaration", "struct_declaration", "enum_declaration", "union_declaration"}),
        string_types=frozenset({"string", "multiline_string", "character"}),
        comment_types=_C_STYLE_COMMENTS,
        block_types=frozenset({"block", "struct_declaration", "enum_declaration", "union_declaration"}),
        line_comment="//",
        block_openers=("{",),
    ),
)

_BY_ID = {lang.id: lang for lang in LANGUAGES}
_BY_LSP_ID = {lsp_id: lang for lang in LANGUAGES for lsp_id in lang.lsp_ids}
_BY_EXTENSION = {ext: lang for lang in LANGUAGES for ext in lang.extensions}
# Names people type (`maze generate --language ts`) that are not languageIds.
_ALIASES = {"py": "python", "ts": "typescript", "tsx": "typescriptreact", "js": "javascript", "jsx": "javascript", "rs": "rust"}

SUPPORTED_NAMES: tuple[str, ...] = tuple(sorted(_BY_LSP_ID))


def get_language(name: str) -> Language:
    """Find a language by languageId, id or common alias; raise `UnsupportedLanguage` naming the choices."""
    key = name.strip().lower()
    lang = _BY_LSP_ID.get(key) or _BY_ID.get(key) or _BY_LSP_ID.get(_ALIASES.get(key, ""))
    if lang is None:
        raise UnsupportedLanguage(name, SUPPORTED_NAMES)
    return lang


def language_for_path(path: str | PurePath) -> Language:
    """Pick the language from a file name's extension (for the CLI, which has no languageId)."""
    suffix = PurePath(path).suffix.lower()
    lang = _BY_EXTENSION.get(suffix)
    if lang is None:
        raise UnsupportedLanguage(suffix or str(path), tuple(sorted(_BY_EXTENSION)))
    return lang
