"""`maze bench latency`: the server's own cost per request, and keystroke-to-ghost-text over stdio.

(a) overhead: everything a request costs except the model — applying a keystroke edit, context
    extraction, the grammar constraint at the cursor (matcher copy + prefix consumption), post-processing
    and the final tree-sitter check — on 1k- and 10k-line files per language built from the accept corpora.
(b) end to end: a real `maze lsp` process over stdio; for each cursor, characters are typed one by one
    (didChange) and an inline completion is requested after each, in line mode and block mode, with the
    grammar on and off, interleaved so machine load affects both alike.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

from maze_inference.constraint.cursor import ConstraintBackend
from maze_inference.constraint.grammars import grammars_dir
from maze_inference.context import detect_indent_unit, extract_context
from maze_inference.document import Change, Document, Position, Range
from maze_inference.final_check import adds_parse_error
from maze_inference.languages import LANGUAGES, Language
from maze_inference.postprocess import postprocess

from maze_workshop.bench.report import percentile, progress
from maze_workshop.bench.stdio import StdioClient


def synthetic_file(language: Language, lines: int) -> str:
    """A valid file of about `lines` lines: the language's accept corpus repeated.

    A `#!` line is valid only at the very start of a file, so it is dropped from every later copy
    (a JavaScript corpus file starts with one; left in, the whole file had a parse error).
    """
    sources = [p.read_text(encoding="utf-8") for p in sorted((grammars_dir() / "corpora" / language.id / "accept").glob("*")) if p.is_file()]
    sources = [s if s.endswith("\n") else s + "\n" for s in sources if not language.new_parser().parse(s.encode()).root_node.has_error]
    out: list[str] = []
    count = 0
    while count < lines:
        for text in sources:
            if out and text.startswith("#!"):
                text = text.split("\n", 1)[1]
            out.append(text)
            count += text.count("\n")
            if count >= lines:
                break
    return "".join(out)


def measure_overhead(backend: ConstraintBackend, lines: int, positions: int, seed: int = 0) -> dict:
    rng = random.Random(seed)
    report: dict = {}
    bar = progress(len(LANGUAGES) * positions, f"overhead {lines // 1000}k lines", "req")
    for language in LANGUAGES:
        text = synthetic_file(language, lines)
        doc = Document(language, text)
        _ = doc.tree
        unit = detect_indent_unit(text, language.indent)  # the server detects it once per document
        line_ends = [i for i, ch in enumerate(text) if ch == "\n"]
        edit_ms, reparse_ms, context_ms, constraint_ms, validate_ms, total_ms = [], [], [], [], [], []
        for _ in range(positions):
            bar.update()
            offset = rng.choice(line_ends)
            pos = doc.position_at(offset)
            t0 = time.perf_counter()
            doc.apply([Change(" ", Range(pos, pos))])  # a keystroke, then its undo: the document is unchanged
            doc.apply([Change("", Range(pos, Position(pos.line, pos.character + 1)))])
            t_applied = time.perf_counter()
            text_, source, tree, _version = doc.snapshot()  # tree-sitter's incremental reparse, mostly
            t1 = time.perf_counter()
            ctx = extract_context(language, text_, tree, offset, byte_offset=doc.byte_offset(offset), indent_unit=unit)
            t2 = time.perf_counter()
            backend.at_cursor(ctx)
            t3 = time.perf_counter()
            insertion = postprocess(" x", ctx, checked_by_grammar=True) or " x"
            byte_offset = doc.byte_offset(offset)
            adds_parse_error(language, source, tree, byte_offset, insertion,
                             byte_offset - len(ctx.grammar_text.encode()), byte_offset + 512)
            t4 = time.perf_counter()
            edit_ms.append((t1 - t0) * 1e3)
            reparse_ms.append((t1 - t_applied) * 1e3)
            context_ms.append((t2 - t1) * 1e3)
            constraint_ms.append((t3 - t2) * 1e3)
            validate_ms.append((t4 - t3) * 1e3)
            total_ms.append((t4 - t0) * 1e3)
        report[language.id] = {
            "lines": text.count("\n"), "bytes": len(doc.source), "top_level_items": doc.tree.root_node.child_count,
            **{name: _p(values) for name, values in (("edit_ms", edit_ms), ("reparse_ms", reparse_ms), ("context_ms", context_ms),
                                                     ("constraint_ms", constraint_ms), ("validate_ms", validate_ms),
                                                     ("total_ms", total_ms))},
        }
    return report


def _p(values: list[float]) -> dict:
    return {"p50": percentile(values, 50), "p99": percentile(values, 99)}


def _scenarios() -> list[tuple[str, str, str, str, str]]:
    """(language, mode, text before the cursor, typed characters, text after the cursor)."""
    return [
        ("python", "line", "def total(prices, tax):\n    subtotal = sum(prices)\n    return ", "subtotal * (1 + t", "\n"),
        ("python", "block", "class Stack:\n    def __init__(self):\n        self.items = []\n\n    def push(self, item):\n        ", "self", "\n"),
        ("rust", "block", "fn count_words(text: &str) -> usize {\n    ", "let", "\n}\n"),
        ("go", "block", "package main\n\nfunc sum(xs []int) int {\n\t", "tot", "\n}\n"),
        ("typescript", "line", "export function clamp(x: number, lo: number, hi: number): number {\n  return Math.", "min(hi, Math.m", "\n}\n"),
        ("rust", "line", "fn mean(xs: &[f64]) -> f64 {\n    let sum: f64 = xs.iter().", "sum(", ";\n    sum / xs.len() as f64\n}\n"),
        ("go", "line", "package main\n\nfunc double(xs []int) []int {\n\tout := make([]int, len(xs))\n\tfor i, x := range xs {\n\t\tout[i] = ", "x * ", "\n\t}\n\treturn out\n}\n"),
    ]


def measure_keystrokes(rounds: int = 3) -> dict:
    """Keystroke -> inlineCompletion latency through a real server process over stdio."""
    client = StdioClient()
    client.initialize({"debounceMs": 0, "maxTokens": 16, "timeoutMs": 30000})
    samples: dict[str, list[float]] = {}
    first: dict[str, list[float]] = {}
    version = 0
    bar = progress(rounds * len(_scenarios()), "keystrokes", "scenario")
    for round_ in range(rounds):
        for index, (language, mode, before, typed, after) in enumerate(_scenarios()):
            bar.update()
            for constrained in ((True, False) if round_ % 2 == 0 else (False, True)):  # neither gets the warmer cache
                key = f"{mode}-{'constrained' if constrained else 'unconstrained'}"
                client.notify("workspace/didChangeConfiguration", {"settings": {"maze": {
                    "constrained": constrained, "mode": mode, "maxTokens": 16 if mode == "line" else 64}}})
                uri = f"file:///bench/{language}/{round_}-{index}-{key}"
                version += 1
                client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": language,
                                                                        "version": version, "text": before + after}})
                lines = before.split("\n")
                line, character = len(lines) - 1, len(lines[-1])
                for step in range(len(typed) + 1):
                    if step:
                        version += 1
                        pos = {"line": line, "character": character}
                        client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                                                 "contentChanges": [{"range": {"start": pos, "end": pos},
                                                                                     "text": typed[step - 1]}]})
                        character += 1
                    t0 = time.perf_counter()
                    client.response(client.inline(uri, line, character))
                    elapsed = (time.perf_counter() - t0) * 1e3
                    (first if step == 0 else samples).setdefault(key, []).append(elapsed)
    client.close()
    out = {}
    for key in sorted(set(samples) | set(first)):
        values = samples.get(key, []) + first.get(key, [])
        out[key] = {"n": len(values), "p50": percentile(values, 50), "p95": percentile(values, 95),
                    "first_keystroke_p50": percentile(first.get(key, []), 50) if first.get(key) else None,
                    "later_keystrokes_p50": percentile(samples[key], 50) if samples.get(key) else None,
                    "samples_ms": sorted(values)}
    return out


def measure_cold_completions(samples: int, seed: int = 0) -> dict:
    """Single-line completions from a cold cache: a full 512-token prompt, then up to 16 tokens.

    Cursor positions are the middles of random lines (at least 8 characters of code) of the 10k-line
    files, so consecutive prompts share almost nothing and every request pays the whole prefill (the
    worst case; typing normally reuses the cache).
    """
    import asyncio

    from maze_inference.engines.embedded import EmbeddedEngine
    from maze_inference.pipeline import CompletionSettings, complete_at

    engine = EmbeddedEngine()
    rng = random.Random(seed)
    docs = {lang.id: Document(lang, synthetic_file(lang, 10_000)) for lang in LANGUAGES}
    out: dict = {}
    rows: dict[str, list[tuple[float, int, int]]] = {"constrained": [], "unconstrained": []}
    # Per document, as the server does once per document: the indent unit and the candidate lines.
    units = {lang.id: detect_indent_unit(docs[lang.id].text, lang.indent) for lang in LANGUAGES}
    line_ends = {lang.id: [i for i, ch in enumerate(docs[lang.id].text[:-100]) if ch == "\n" and i > 3000]
                 for lang in LANGUAGES}
    bar = progress(samples, "cold completions", "pair")
    for _ in range(samples):
        bar.update()
        lang = rng.choice(LANGUAGES)
        doc = docs[lang.id]
        offset = _mid_line(doc.text, line_ends[lang.id], rng)
        for constrained in (True, False):
            settings = CompletionSettings(max_tokens=16, mode="line", constrained=constrained, timeout_s=None,
                                          fallback=constrained)
            t0 = time.perf_counter()
            completion = asyncio.run(complete_at(engine, lang, doc.text, doc.source, doc.tree, offset, settings,
                                                 indent_unit=units[lang.id]))
            result = completion.result
            assert result is not None
            rows["constrained" if constrained else "unconstrained"].append(
                ((time.perf_counter() - t0) * 1e3, result.prompt_tokens, result.completion_tokens))
            asyncio.run(complete_at(engine, lang, doc.text, doc.source, doc.tree, line_ends[lang.id][0], settings,
                                    indent_unit=units[lang.id]))  # evict the cache
    for key, values in rows.items():
        ms = [v[0] for v in values]
        out[key] = {"n": len(ms), "p50": percentile(ms, 50), "p95": percentile(ms, 95),
                    "prompt_tokens_p50": percentile([float(v[1]) for v in values], 50),
                    "completion_tokens_p50": percentile([float(v[2]) for v in values], 50)}
    return out


def _mid_line(text: str, line_ends: list[int], rng: random.Random) -> int:
    """The middle of the code on a random line with at least 8 characters of it."""
    while True:
        end = rng.choice(line_ends)
        start = text.rfind("\n", 0, end) + 1
        line = text[start:end]
        code = line.lstrip()
        if len(code) >= 8:
            return start + len(line) - len(code) + len(code) // 2


def run(backend: ConstraintBackend, positions: int, rounds: int, seed: int = 0) -> dict:
    return {
        "cold_single_line": measure_cold_completions(max(20, positions // 2), seed),
        "overhead_1k": measure_overhead(backend, 1_000, positions, seed),
        "overhead_10k": measure_overhead(backend, 10_000, positions, seed),
        "keystrokes": measure_keystrokes(rounds),
    }


def format_table(result: dict) -> str:
    lines = ["server overhead per request (no model), ms: p50 / p99. `edit` = applying a keystroke and its undo, then "
             "tree-sitter's incremental reparse (paid once per burst of keystrokes, at the next request); `reparse` = "
             "that snapshot alone (tree-sitter's own cost grows with the number of top-level items); `total` includes it",
             "| language | lines | items | edit | reparse | context | constraint | validate | total |",
             "|---|---|---|---|---|---|---|---|---|"]
    for size in ("overhead_1k", "overhead_10k"):
        for language, r in result[size].items():
            cells = " | ".join(f"{r[k]['p50']:.2f} / {r[k]['p99']:.2f}" if k in r else "-" for k in (
                "edit_ms", "reparse_ms", "context_ms", "constraint_ms", "validate_ms", "total_ms"))
            lines.append(f"| {language} | {r['lines']} | {r.get('top_level_items', '-')} | {cells} |")
    cold = result.get("cold_single_line")
    if cold:
        lines += ["", "single-line completion from a cold cache (prompt ~512 tokens, up to 16 new), in process, ms",
                  "| decoder | n | p50 | p95 | prompt tokens p50 | new tokens p50 |", "|---|---|---|---|---|---|"]
        for key, r in cold.items():
            lines.append(f"| {key} | {r['n']} | {r['p50']:.0f} | {r['p95']:.0f} | {r['prompt_tokens_p50']:.0f} | "
                         f"{r['completion_tokens_p50']:.0f} |")
    lines += ["", "keystroke -> inline completion over stdio, ms",
              "| mode | n | p50 | p95 | first keystroke p50 | later keystrokes p50 |", "|---|---|---|---|---|---|"]
    for key, r in result["keystrokes"].items():
        first = f"{r['first_keystroke_p50']:.0f}" if r["first_keystroke_p50"] else "-"
        later = f"{r['later_keystrokes_p50']:.0f}" if r["later_keystrokes_p50"] else "-"
        lines.append(f"| {key} | {r['n']} | {r['p50']:.0f} | {r['p95']:.0f} | {first} | {later} |")
    return "\n".join(lines)


def default_backend(model_dir: str | None) -> ConstraintBackend:
    from maze_inference.engines.embedded import default_model_dir
    from maze_inference.tokenization import load_tokenizer

    folder = Path(model_dir) if model_dir else default_model_dir()
    return ConstraintBackend(load_tokenizer(str(folder / "tokenizer.json")))
