"""Small helpers for driving the server from tests."""

from __future__ import annotations

from lsprotocol import types
from maze_inference.document import Document, Position
from maze_inference.final_check import count_errors
from maze_inference.languages import get_language
from pytest_lsp import LanguageClient

from tests.conftest import Sample


def accept_registrations(client: LanguageClient) -> list[str]:
    """Answer `client/registerCapability` as the editors whose capabilities the tests send do (pytest-lsp's
    client has no handler, and an unanswered server request fails the test); returns the methods registered."""
    methods: list[str] = []

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def registered(params: types.RegistrationParams) -> None:
        methods.extend(r.method for r in params.registrations)

    return methods


def open_document(client: LanguageClient, uri: str, language_id: str, text: str, version: int = 1) -> None:
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id=language_id, version=version, text=text)
        )
    )


def change(client: LanguageClient, uri: str, version: int, start: tuple[int, int], end: tuple[int, int], text: str) -> None:
    rng = types.Range(start=types.Position(*start), end=types.Position(*end))
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangePartial(range=rng, text=text)],
        )
    )


def inline_params(uri: str, line: int, character: int) -> types.InlineCompletionParams:
    return types.InlineCompletionParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        position=types.Position(line=line, character=character),
        context=types.InlineCompletionContext(trigger_kind=types.InlineCompletionTriggerKind.Automatic),
    )


def apply_insert(language_id: str, text: str, line: int, character: int, insertion: str) -> str:
    doc = Document(get_language(language_id), text)
    offset = doc.offset_at(Position(line, character))
    return text[:offset] + insertion + text[offset:]


def error_count(language_id: str, text: str) -> int:
    tree = get_language(language_id).new_parser().parse(text.encode())
    return count_errors(tree.root_node, 0, len(text.encode()))


def assert_no_new_parse_error(sample: Sample, insertion: str, line: int | None = None, character: int | None = None) -> None:
    line = sample.line if line is None else line
    character = sample.character if character is None else character
    edited = apply_insert(sample.language_id, sample.text, line, character, insertion)
    before, after = error_count(sample.language_id, sample.text), error_count(sample.language_id, edited)
    assert after <= before, f"completion {insertion!r} added a parse error ({before} -> {after})"
