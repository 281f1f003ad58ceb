"""Generate grammars/{javascript,typescript,tsx}.lark from grammars/src/tsjs.lark.in.

The three languages share most of their syntax, so they share one source. Template directives are
whole lines: `//#if FEAT`, `//#if !FEAT`, `//#else`, `//#endif` (nesting allowed). Features: TS
(TypeScript syntax), JSX, CAST (`<T>expr` assertions: TypeScript without JSX).

    python scripts/gen_tsjs_grammars.py          # rewrite the three grammars
    python scripts/gen_tsjs_grammars.py --check  # exit 1 if they differ from the template
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "grammars" / "src" / "tsjs.lark.in"
VARIANTS = {"javascript": {"JSX"}, "typescript": {"TS", "CAST"}, "tsx": {"TS", "JSX"}}
TITLES = {
    "javascript": "JavaScript (ES2024 + JSX), for .js/.mjs/.cjs/.jsx",
    "typescript": "TypeScript 5.x (no JSX; `<T>expr` assertions), for .ts/.mts/.cts/.d.ts",
    "tsx": "TSX: TypeScript 5.x + JSX (no `<T>expr` assertions), for .tsx",
}
_IF = re.compile(r"//#if (!?)(\w+)")


def render(text: str, features: set[str]) -> str:
    out: list[str] = []
    stack: list[bool] = []
    for line in text.splitlines():
        directive = line.strip()
        if match := _IF.fullmatch(directive):
            stack.append((match.group(2) in features) != (match.group(1) == "!"))
        elif directive == "//#else":
            stack[-1] = not stack[-1]
        elif directive == "//#endif":
            stack.pop()
        elif all(stack):
            out.append(line)
    if stack:
        raise ValueError("unclosed //#if in the template")
    return "\n".join(out) + "\n"


def generated() -> dict[Path, str]:
    template = TEMPLATE.read_text(encoding="utf-8")
    return {ROOT / "grammars" / f"{name}.lark": render(template, feats).replace("@@TITLE@@", TITLES[name])
            for name, feats in VARIANTS.items()}


def main() -> int:
    check = "--check" in sys.argv[1:]
    stale = []
    for path, body in generated().items():
        if check:
            if path.read_text(encoding="utf-8") != body:
                stale.append(path.name)
        else:
            path.write_text(body, encoding="utf-8")
    if stale:
        print(f"out of date with {TEMPLATE.name}: {', '.join(stale)}; run scripts/gen_tsjs_grammars.py")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
