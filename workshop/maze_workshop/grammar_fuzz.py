"""`maze grammar fuzz`: a tiny random-weight model generates under the grammar; tree-sitter judges.

The Lark grammars are approximations, and the final tree-sitter check is what keeps a text the grammar
wrongly accepts from reaching the editor. This finds such texts before users do. A random model with
temperature sampling is a grammar fuzzer: under the constraint every token it picks keeps the
document a valid prefix *for the grammar*, so every completion the final check rejects (at level
`file`, where the grammar has read the enclosing item) is a text the grammar accepts and tree-sitter
does not: a grammar bug, or occasionally a tree-sitter quirk.

The path is the engines' own: `extract_context` → `ConstraintBackend.at_cursor` → `decode` (the
model's logits, lazy masking, suffix-aware ends, block-mode cuts), then the completion is inserted and
checked with the pipeline's own final check (`pipeline.judge_at`). Only the prompt is skipped (the
model is random, so a FIM prompt would tell it nothing) and token healing with it.

Cursor positions come from the accept corpora (`grammars/corpora/<lang>/accept/`): line ends, the
middle of a line, right after a line's indentation, a new empty line between two lines (line mode)
and a new empty line right after a block opener (block mode). Everything is seeded: the same
arguments give the same report. Each drop is classified (`classify`): the grammar's, CPython's
placement rules (Python), or the decoder's end.

The parts live beside this module: the random model (`grammar_fuzz_model.py`), the cursor positions
and draws (`grammar_fuzz_positions.py`) and the verdict on one completion (`grammar_fuzz_verdict.py`);
this one runs the generations and reports.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from maze_inference.constraint.cursor import ConstraintBackend, CursorConstraint
from maze_inference.context import CursorContext, Mode, extract_context
from maze_inference.decoding import DecodeSettings, decode
from maze_inference.document import Document
from maze_inference.languages import LANGUAGES, Language, get_language
from maze_inference.pipeline import judge_at
from maze_inference.postprocess import postprocess
from maze_inference.tokenization import ModelTokenizer, load_tokenizer

from maze_workshop.grammar_fuzz_model import FuzzModel, grammar_literals
from maze_workshop.grammar_fuzz_positions import Draw, corpus_positions, draws
from maze_workshop.grammar_fuzz_verdict import classify, describe_error

log = logging.getLogger(__name__)

LEVELS = ("file", "block", "none")
THRESHOLD = 0.005  # the target: final-check drops at level `file` below 0.5 % of generations


def default_tokenizer_path() -> Path:
    """The shipped model's tokenizer, as package data (a source checkout and an installed wheel alike)."""
    from maze_inference.engines.embedded import default_model_dir

    return default_model_dir() / "tokenizer.json"


# ---- one generation and the report -------------------------------------------------------------


def strict_join(constraint: CursorConstraint, tok: ModelTokenizer, rest: str) -> None:
    """Make `constraint` end only where the grammar accepts the completion plus the *whole* rest of the document.

    An experiment, not what the engines do: the grammar's join check asks only that the suffix window
    stay a valid prefix, so an unclosed bracket, string or comment that swallows the window passes it
    (the "decoder" drops of `classify`; the engines then ask the final check, `--join engine`). With this stricter end nearly every drop left is the grammar's, and
    every generation is a complete text (more grammar bugs found per generation).
    """
    matcher = constraint.matcher
    if matcher is None:
        return
    window_join = constraint.joins_suffix
    rest_ids = tok.encode(rest)

    def joins_suffix(extra: str = "") -> bool:
        if not window_join(extra):
            return False
        ids = [*tok.encode(extra), *rest_ids, tok.eos_id]
        return matcher.validate_tokens(ids) == len(ids)

    constraint.joins_suffix = joins_suffix  # type: ignore[method-assign]


@dataclass
class Failure:
    index: int  # which generation of the run (the same arguments reproduce it)
    path: str
    kind: str
    mode: str
    level: str
    before: str  # the end of the text before the cursor's line (up to 4 lines) and the line up to the cursor
    completion: str
    after: str  # the rest of the cursor's line and the next line
    error: str
    stage: str = "raw"  # "raw": the generated text; "postprocessed": what the pipeline would insert
    cause: str = "grammar"  # see `classify`
    finish: str = ""  # the decoder's finish reason

    @classmethod
    def of(cls, result: Generation, error: str) -> Failure:
        draw, context = result.draw, result.context
        assert result.dropped is not None and result.cause is not None
        return cls(index=draw.index, path=draw.position.path, kind=draw.position.kind, mode=context.mode.value,
                   level=result.level, before=_excerpt_before(context), completion=result.inserted,
                   after=_excerpt_after(context), error=error, stage=result.dropped, cause=result.cause,
                   finish=result.finish)


@dataclass
class LevelCounts:
    generations: int = 0
    nonempty: int = 0
    rejected: int = 0  # the generated text adds a parse error (the final check drops it)
    rejected_grammar: int = 0  # ... and the grammar accepts the whole edited document (see `classify`)
    rejected_context: int = 0  # ... likewise, but for a context rule the grammar does not track (Python)
    rejected_postprocessed: int = 0  # only post-processing (trimming, as the pipeline inserts it) broke it

    @property
    def rate(self) -> float:
        return self.rejected / self.generations if self.generations else 0.0

    @property
    def rate_nonempty(self) -> float:
        return self.rejected / self.nonempty if self.nonempty else 0.0

    @property
    def rate_grammar(self) -> float:
        return self.rejected_grammar / self.generations if self.generations else 0.0


@dataclass
class LanguageReport:
    language: str
    generations: int
    seconds: float
    levels: dict[str, LevelCounts] = field(default_factory=lambda: {level: LevelCounts() for level in LEVELS})
    modes: dict[str, int] = field(default_factory=dict)
    kinds: dict[str, int] = field(default_factory=dict)
    finish: dict[str, int] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)

    def add(self, result: Generation) -> None:
        counts = self.levels.setdefault(result.level, LevelCounts())
        counts.generations += 1
        mode, kind = result.context.mode.value, result.draw.position.kind
        self.modes[mode] = self.modes.get(mode, 0) + 1
        self.kinds[kind] = self.kinds.get(kind, 0) + 1
        self.finish[result.finish] = self.finish.get(result.finish, 0) + 1
        if result.text.strip():
            counts.nonempty += 1
        if result.dropped == "raw":
            counts.rejected += 1
            counts.rejected_grammar += result.cause == "grammar"
            counts.rejected_context += result.cause == "context"
        elif result.dropped == "postprocessed":
            counts.rejected_postprocessed += 1

    def as_json(self) -> dict[str, object]:
        return {
            "language": self.language,
            "generations": self.generations,
            "seconds": round(self.seconds, 1),
            "levels": {
                level: {**asdict(counts), "rate": round(counts.rate, 5), "rate_nonempty": round(counts.rate_nonempty, 5),
                        "rate_grammar": round(counts.rate_grammar, 5)}
                for level, counts in self.levels.items()
            },
            "modes": self.modes,
            "kinds": self.kinds,
            "finish_reasons": self.finish,
            "failures": [asdict(f) for f in self.failures],
        }


def _excerpt_before(context: CursorContext) -> str:
    prefix = context.prefix
    cut = len(prefix)
    for _ in range(5):
        cut = prefix.rfind("\n", 0, cut)
        if cut < 0:
            break
    return prefix[cut + 1 :]


def _excerpt_after(context: CursorContext) -> str:
    return "\n".join(context.suffix.split("\n")[:2])


@dataclass
class Generation:
    draw: Draw
    context: CursorContext
    level: str
    finish: str
    text: str
    dropped: str | None = None  # None, "raw" (the generated text breaks the parse) or "postprocessed"
    inserted: str = ""  # the text that broke it
    cause: str | None = None  # see `classify`


class Fuzzer:
    """One language: positions, the model and the constraint backend; `run` judges one draw."""

    def __init__(self, language: Language, *, seed: int = 0, max_tokens: int = 20, join: str = "engine",
                 tokenizer: ModelTokenizer | None = None, backend: ConstraintBackend | None = None) -> None:
        self.language = language
        self.tok = tokenizer or load_tokenizer(str(default_tokenizer_path()))
        self.backend = backend or ConstraintBackend(self.tok)
        self.model = FuzzModel(self.tok, grammar_literals(language.grammar), seed=seed)
        self.by_kind = {kind: found for kind, found in corpus_positions(language, seed).items() if found}
        if not self.by_kind:
            raise ValueError(f"no accept corpus for {language.id}")
        self.max_tokens = max_tokens
        self.join = join
        self._documents: dict[str, Document] = {}

    def document(self, text: str) -> Document:
        document = self._documents.get(text)
        if document is None:
            if len(self._documents) > 256:
                self._documents.clear()
            document = self._documents[text] = Document(self.language, text)
        return document

    def run(self, draw: Draw) -> Generation:
        language, tok, position = self.language, self.tok, draw.position
        document = self.document(position.text)
        byte_offset = document.byte_offset(position.offset)
        context = extract_context(language, document.text, document.tree, position.offset, byte_offset=byte_offset)
        constraint = self.backend.at_cursor(context)
        if self.join == "strict":
            strict_join(constraint, tok, document.text[position.offset :])
        judge = judge_at(language, document.source, document.tree, byte_offset, context)
        settings = DecodeSettings(
            max_tokens=draw.line_tokens if context.mode is Mode.LINE else self.max_tokens,
            temperature=0.0,  # the model samples (see `FuzzModel`)
            mode=context.mode,
            block_indent=len(context.current_indent) if context.mode is Mode.BLOCK else 0,
            # what the pipeline hands the local engines (`CompletionRequest.ending_check`)
            ending_check=judge.ending_passes if self.join == "engine" and constraint.active else None,
        )
        self.model.reseed(draw.noise_seed, draw.temperature)
        prompt = tok.encode(context.prefix[-64:])[-4:]
        outcome = decode(self.model, tok, prompt, constraint, settings)
        result = Generation(draw, context, constraint.level.value, outcome.finish_reason.value, outcome.text)
        if not outcome.text.strip():
            return result
        if judge.check(outcome.text) is not None:
            result.dropped, result.inserted = "raw", outcome.text
        else:
            shown = postprocess(outcome.text, context, checked_by_grammar=constraint.active)
            if shown is not None and shown != outcome.text and judge.check(shown) is not None:
                result.dropped, result.inserted = "postprocessed", shown
        if result.dropped is not None:
            edited = self.edited(result)
            result.cause = classify(language, context, edited) if result.level == "file" else result.level
        return result

    def edited(self, result: Generation) -> str:
        position = result.draw.position
        return position.text[: position.offset] + result.inserted + position.text[position.offset :]


def fuzz_language(language: Language, generations: int, *, seed: int = 0, examples: int = 20,
                  max_tokens: int = 20, join: str = "engine", tokenizer: ModelTokenizer | None = None,
                  backend: ConstraintBackend | None = None,
                  progress: Callable[[int, int], None] | None = None) -> LanguageReport:
    """Run `generations` constrained generations at random corpus positions and judge each with the final check."""
    fuzzer = Fuzzer(language, seed=seed, max_tokens=max_tokens, join=join, tokenizer=tokenizer, backend=backend)
    report = LanguageReport(language.id, generations, 0.0)
    seen: set[tuple[str, str]] = set()
    kept: dict[str, int] = {}  # examples kept per cause
    started = time.perf_counter()
    for draw in draws(fuzzer.by_kind, generations, seed, max_tokens):
        result = fuzzer.run(draw)
        report.add(result)
        if result.dropped is not None and result.cause is not None and kept.get(result.cause, 0) < examples:
            key = (result.context.prefix, result.inserted)
            if key not in seen:
                seen.add(key)
                kept[result.cause] = kept.get(result.cause, 0) + 1
                report.failures.append(Failure.of(result, describe_error(
                    language, fuzzer.edited(result).encode("utf-8"), len(draw.position.text[: draw.position.offset].encode()))))
        if progress is not None:
            progress(draw.index + 1, generations)
    report.seconds = time.perf_counter() - started
    return report


def fuzz(languages: Sequence[str], generations: int, *, seed: int = 0, examples: int = 20,
         max_tokens: int = 20, join: str = "engine", progress: bool = False) -> list[LanguageReport]:
    tok = load_tokenizer(str(default_tokenizer_path()))
    backend = ConstraintBackend(tok)
    reports = []
    for name in languages:
        language = get_language(name)
        tick = _progress_printer(language.id) if progress else None
        reports.append(fuzz_language(language, generations, seed=seed, examples=examples, max_tokens=max_tokens,
                                     join=join, tokenizer=tok, backend=backend, progress=tick))
    return reports


def _progress_printer(name: str) -> Callable[[int, int], None]:
    import sys

    def tick(done: int, total: int) -> None:
        if done == total or done % max(1, total // 10) == 0:
            print(f"{name}: {done}/{total}", file=sys.stderr, flush=True)

    return tick


def all_language_ids() -> list[str]:
    return [lang.id for lang in LANGUAGES]


def format_table(reports: Sequence[LanguageReport]) -> str:
    """Markdown: drops by the final check, and their causes (see `classify`)."""
    rows = ["| language | level | generations | non-empty | dropped | rate | grammar | rate | context | decoder "
            "| +postprocess | seconds |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for report in reports:
        for level, c in report.levels.items():
            if not c.generations:
                continue
            decoder = c.rejected - c.rejected_grammar - c.rejected_context
            rows.append(f"| {report.language} | {level} | {c.generations} | {c.nonempty} | {c.rejected} | "
                        f"{100 * c.rate:.2f} % | {c.rejected_grammar} | {100 * c.rate_grammar:.2f} % | "
                        f"{c.rejected_context} | {decoder} | {c.rejected_postprocessed} | {report.seconds:.0f} |")
    return "\n".join(rows)
