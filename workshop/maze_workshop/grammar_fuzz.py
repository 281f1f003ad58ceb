"""`maze grammar fuzz`: a tiny random-weight model generates under the grammar; tree-sitter judges.

The Lark grammars are approximations, and the final tree-sitter check is what keeps a text the grammar
wrongly accepts from reaching the editor. This finds such texts before users do. A random model with
temperature sampling is a grammar fuzzer: under the constraint every token it picks keeps the
document a valid prefix *for the grammar*, so every completion the final check rejects (at level
`file`, where the grammar has read the enclosing item) is a text the grammar accepts and tree-sitter
does not: a grammar bug, or occasionally a tree-sitter quirk.

The path is the engines' own: `extract_context` → `ConstraintBackend.at_cursor` → `decode` (the
model's logits, lazy masking, suffix-aware ends, block-mode cuts), then the completion is inserted and
checked with `final_check.adds_parse_error`, as the pipeline does. Only the prompt is skipped (the
model is random, so a FIM prompt would tell it nothing) and token healing with it.

Cursor positions come from the accept corpora (`grammars/corpora/<lang>/accept/`): line ends, the
middle of a line, right after a line's indentation, a new empty line between two lines (line mode)
and a new empty line right after a block opener (block mode). Everything is seeded: the same
arguments give the same report. Each drop is classified (`classify`): the grammar's, CPython's
placement rules (Python), or the decoder's end.
"""

from __future__ import annotations

import functools
import logging
import math
import random
import re
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from maze_inference.constraint.cursor import ConstraintBackend, CursorConstraint
from maze_inference.constraint.grammars import grammars_dir
from maze_inference.context import CursorContext, Mode, extract_context
from maze_inference.decoding import DecodeSettings, decode
from maze_inference.document import Document
from maze_inference.final_check import adds_parse_error
from maze_inference.languages import LANGUAGES, Language, get_language
from maze_inference.postprocess import postprocess
from maze_inference.tokenization import ModelTokenizer, load_tokenizer
from numpy.typing import NDArray

log = logging.getLogger(__name__)

LEVELS = ("file", "block", "none")
# How often each kind of cursor position is drawn (line-mode kinds, then the block-mode one).
KIND_WEIGHTS = {"mid_line": 0.30, "line_end": 0.20, "line_start": 0.15, "new_line": 0.15, "block": 0.20}
THRESHOLD = 0.005  # the target: final-check drops at level `file` below 0.5 % of generations


def default_tokenizer_path() -> Path:
    return Path(__file__).resolve().parents[2] / "inference" / "maze_inference" / "model" / "default" / "tokenizer.json"


# ---- the model -----------------------------------------------------------------------------------


_LITERAL = re.compile(r'"((?:[^"\\\n]|\\.)*)"i?')


@functools.cache
def grammar_literals(grammar: str) -> frozenset[bytes]:
    """The quoted strings of a grammar and its sub-grammars: its keywords and punctuation."""
    found: set[bytes] = set()
    for path in sorted(grammars_dir().glob(f"{grammar}*.lark")):
        if path.stem != grammar and not path.stem.startswith(grammar + "."):
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            for match in _LITERAL.finditer(line.split("//", 1)[0] if not line.lstrip().startswith("%") else line):
                text = re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), match.group(1))
                if text.strip():
                    found.add(text.strip().encode("utf-8"))
    return frozenset(found)


def token_prior(tok: ModelTokenizer, literals: frozenset[bytes]) -> NDArray[np.float32]:
    """A unigram bias that makes a random model a useful code fuzzer.

    Uniform sampling under a grammar mask is dominated by identifier pieces (thousands of them fit
    wherever a name does, and a name can always grow), so the model would mostly write long names.
    The bias favours the grammar's own keywords and punctuation, whitespace and line breaks, and the
    end of text, which makes it try the constructs and the joins the grammar has to get right.
    """
    prior = np.zeros(tok.vocab_size, dtype=np.float32)
    for token, data in enumerate(tok.token_bytes):
        if not data:
            prior[token] = -30.0  # special tokens (never allowed by a grammar anyway)
            continue
        stripped = data.strip()
        score = -0.12 * len(data)
        if not stripped:
            score += 2.5  # whitespace, newlines, indentation
        elif stripped in literals:
            score += 3.0  # a keyword or an operator of this grammar
        elif not any(chr(b).isalnum() or b == ord("_") or b >= 0x80 for b in stripped):
            score += 1.5  # other punctuation
        elif data[:1].isalnum() or data[:1] == b"_":
            score -= 1.0  # glued to what precedes: grows a name
        prior[token] = score
    prior[tok.eos_id] = 2.0
    return prior


class FuzzModel:
    """A seeded one-layer random network over the tokenizer's vocabulary: `LogitsModel` on CPU, numpy only.

    logits(next | last) = (tanh(E[last]) @ W + prior) / T + Gumbel noise. The random embedding and
    projection give every previous token its own preferences (a random bigram model in low rank); the
    prior (`token_prior`) steers it towards the grammar's keywords and punctuation. The sampling noise
    is part of the model, so the decoder runs greedy: its argmax of these logits is a sample at
    temperature T, and when the grammar refuses it, the next best is a sample from the rest (greedy
    decoding also never meets an all-refused distribution as a probability vector).
    """

    def __init__(self, tok: ModelTokenizer, literals: frozenset[bytes] = frozenset(), seed: int = 0,
                 dim: int = 32, scale: float = 2.0) -> None:
        rng = np.random.default_rng(seed)
        self.vocab = tok.vocab_size
        self.start = tok.eos_id
        self.embedding = np.tanh(rng.standard_normal((self.vocab, dim)).astype(np.float32))
        self.projection = (rng.standard_normal((dim, self.vocab)) * scale / math.sqrt(dim)).astype(np.float32)
        self.prior = token_prior(tok, literals)
        self.temperature = 1.0
        self.noise = np.random.default_rng(seed)

    def reseed(self, seed: int, temperature: float = 1.0) -> None:
        """Start a new generation's sampling noise (the weights stay)."""
        self.noise = np.random.default_rng(seed)
        self.temperature = temperature

    def logits_after(self, token: int) -> NDArray[np.float32]:
        logits = self.embedding[token] @ self.projection + self.prior
        if self.temperature > 0:
            logits = logits / self.temperature + self.noise.gumbel(size=self.vocab).astype(np.float32)
        return logits

    def prefill(self, ids: Sequence[int]) -> NDArray[np.float32]:
        return self.logits_after(ids[-1] if ids else self.start)

    def step(self, token: int) -> NDArray[np.float32]:
        return self.logits_after(token)

    @property
    def reused_tokens(self) -> int:
        return 0


# ---- cursor positions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Position:
    """A cursor in a document: a corpus file, or one with an empty line inserted (`new_line`, `block`)."""

    path: str
    kind: str
    text: str
    offset: int


def _opens_block(language: Language, line: str) -> bool:
    code = line.split("#")[0] if language.line_comment == "#" else line
    return code.rstrip().endswith(language.block_openers)


def cursor_positions(language: Language, path: str, text: str, rng: random.Random) -> list[Position]:
    """Every line of `text` gives a line-end, a mid-line, a line-start and an inserted-empty-line cursor.

    An inserted line after a block opener (`:`/`{` ending the line) is indented like the block's first
    line (one unit deeper when the block is empty), which puts the cursor in block mode.
    """
    lines = text.split("\n")
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    out: list[Position] = []
    for i, line in enumerate(lines):
        content = line.strip()
        if not content:
            continue
        start, end = starts[i], starts[i] + len(line.rstrip("\r"))
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        out.append(Position(path, "line_end", text, end))
        out.append(Position(path, "line_start", text, start + len(indent)))
        if end - start - len(indent) > 1:
            out.append(Position(path, "mid_line", text, rng.randrange(start + len(indent) + 1, end)))
        following = next((n for n in lines[i + 1 :] if n.strip()), "")
        next_indent = following[: len(following) - len(following.lstrip(" \t"))]
        if _opens_block(language, line):
            unit = "\t" if indent.startswith("\t") else language.indent
            child = next_indent if len(next_indent) > len(indent) else indent + unit
            kind = "block"
        else:
            child = indent if content[0] not in ")]}" else next_indent
            kind = "new_line"
        inserted = text[:end] + "\n" + child + text[end:]
        out.append(Position(path, kind, inserted, end + 1 + len(child)))
    return out


def corpus_positions(language: Language, seed: int = 0) -> dict[str, list[Position]]:
    """Cursor positions in the language's accept corpus, by kind; only documents that parse cleanly."""
    rng = random.Random(seed)
    by_kind: dict[str, list[Position]] = {kind: [] for kind in KIND_WEIGHTS}
    clean: dict[str, bool] = {}
    folder = grammars_dir() / "corpora" / language.id / "accept"
    for file in sorted(p for p in folder.glob("*") if p.is_file()):
        for position in cursor_positions(language, file.name, file.read_text(encoding="utf-8"), rng):
            if position.text not in clean:
                clean[position.text] = not language.new_parser().parse(position.text.encode("utf-8")).root_node.has_error
            if clean[position.text]:
                by_kind[position.kind].append(position)
    return by_kind


# ---- one generation and its verdict --------------------------------------------------------------


def strict_join(constraint: CursorConstraint, tok: ModelTokenizer, rest: str) -> None:
    """Make `constraint` end only where the grammar accepts the completion plus the *whole* rest of the document.

    An experiment, not what the engines do: their join check asks only that the suffix window stay a
    valid prefix, so an unclosed bracket, string or comment that swallows the window passes it (the
    "decoder" drops of `classify`). With this stricter end nearly every drop left is the grammar's, and
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


def final_check(language: Language, document: Document, byte_offset: int, context: CursorContext,
                insertion: str) -> bool:
    """Whether the pipeline's final check drops `insertion` (the one place this module calls it)."""
    region_start = byte_offset - len(context.grammar_text.encode("utf-8"))
    region_end = byte_offset + len(context.suffix[:512].encode("utf-8"))
    return adds_parse_error(language, document.source, document.tree, byte_offset, insertion, region_start,
                            region_end)


def describe_error(language: Language, source: bytes, around: int) -> str:
    """The parse error a reader should look at: tree-sitter's first ERROR/MISSING node nearest `around`."""
    root = language.new_parser().parse(source).root_node
    found = []
    stack = [root] if root.has_error or root.is_error or root.is_missing else []
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            found.append(node)
        stack.extend(child for child in node.children if child.has_error or child.is_error or child.is_missing)
    if not found:
        if language.id == "python":
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    compile(source, "<completion>", "exec", dont_inherit=True)
            except (SyntaxError, ValueError) as exc:
                return f"python compile: {exc}"
        return "no error in the whole document (the check counts only the items around the edit)"
    node = min(found, key=lambda n: abs(n.start_byte - around))
    row, col = node.start_point
    line = source.split(b"\n")[row].decode("utf-8", "replace").strip()[:120] if row < source.count(b"\n") + 1 else ""
    what = f"MISSING {node.type}" if node.is_missing else "ERROR"
    return f"{what} at {row + 1}:{col + 1} ({len(found)} error node(s)): {line}"


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


def classify(language: Language, context: CursorContext, edited: str) -> str:
    """Why a completion the final check drops got through the constraint (at level `file`).

    "grammar": the grammar accepts the whole edited document, which tree-sitter rejects: a grammar bug
    (or a tree-sitter quirk). "context" (Python): the same, but what CPython's compiler (part of the
    final check) rejects is where the text stands, which the grammar does not track (`await` outside
    an async function, `break` outside a loop, a statement before `from __future__`). "decoder": the grammar rejects the edited document too, so the decoder
    ended or cut where the completion does not join the rest: its end check asks only that the suffix
    window stay a valid *prefix* (an unclosed bracket, string or comment swallows it), and a block-mode
    dedent cut may land between join points. Drops at levels `block` and `none` are not classified
    (the grammar did not read the whole item); their cause is the level's name.
    """
    from maze_inference.constraint.check import Verdict, check_text
    from maze_inference.constraint.grammars import GrammarVariant

    verdict = check_text(GrammarVariant(language.grammar, context.indent_unit), edited).verdict
    if verdict is not Verdict.ACCEPTED:
        return "decoder"
    return "context" if language.id == "python" and _context_error(edited) else "grammar"


# CPython compile errors about where a statement stands, not how it is written: the grammar reads
# only the enclosing top-level item and does not track function, loop or async context.
CONTEXT_ERRORS = ("outside async function", "outside function", "outside loop", "not properly in loop",
                  "from __future__ imports must occur", "unknown encoding", "future feature",
                  "makes remaining patterns unreachable")


def _context_error(source: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(source.encode("utf-8"), "<fuzz>", "exec", dont_inherit=True)  # bytes: coding cookies apply
    except (SyntaxError, ValueError) as exc:
        return any(text in str(exc) for text in CONTEXT_ERRORS)
    return False


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


@dataclass(frozen=True)
class Draw:
    """Everything random about one generation, drawn up front so any one can be replayed alone."""

    index: int
    position: Position
    line_tokens: int  # max tokens in line mode (block mode uses the full budget)
    noise_seed: int
    temperature: float


def draws(by_kind: dict[str, list[Position]], generations: int, seed: int, max_tokens: int) -> list[Draw]:
    kinds = [kind for kind in KIND_WEIGHTS if by_kind.get(kind)]
    weights = [KIND_WEIGHTS[kind] for kind in kinds]
    rng = random.Random(seed)
    out = []
    for index in range(generations):
        position = rng.choice(by_kind[rng.choices(kinds, weights)[0]])
        out.append(Draw(index, position, rng.choice((max(1, max_tokens // 2), max_tokens)), rng.randrange(2**32),
                        rng.choice((0.7, 1.0, 1.3))))
    return out


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

    def __init__(self, language: Language, *, seed: int = 0, max_tokens: int = 20, join: str = "window",
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
        settings = DecodeSettings(
            max_tokens=draw.line_tokens if context.mode is Mode.LINE else self.max_tokens,
            temperature=0.0,  # the model samples (see `FuzzModel`)
            mode=context.mode,
            block_indent=len(context.current_indent) if context.mode is Mode.BLOCK else 0,
        )
        self.model.reseed(draw.noise_seed, draw.temperature)
        prompt = tok.encode(context.prefix[-64:])[-4:]
        outcome = decode(self.model, tok, prompt, constraint, settings)
        result = Generation(draw, context, constraint.level.value, outcome.finish_reason.value, outcome.text)
        if not outcome.text.strip():
            return result
        if final_check(language, document, byte_offset, context, outcome.text):
            result.dropped, result.inserted = "raw", outcome.text
        else:
            shown = postprocess(outcome.text, context, checked_by_grammar=constraint.active)
            if shown is not None and shown != outcome.text and final_check(language, document, byte_offset, context,
                                                                           shown):
                result.dropped, result.inserted = "postprocessed", shown
        if result.dropped is not None:
            edited = self.edited(result)
            result.cause = classify(language, context, edited) if result.level == "file" else result.level
        return result

    def edited(self, result: Generation) -> str:
        position = result.draw.position
        return position.text[: position.offset] + result.inserted + position.text[position.offset :]


def fuzz_language(language: Language, generations: int, *, seed: int = 0, examples: int = 20,
                  max_tokens: int = 20, join: str = "window", tokenizer: ModelTokenizer | None = None,
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
         max_tokens: int = 20, join: str = "window", progress: bool = False) -> list[LanguageReport]:
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
