"""Constructs next to the places where the grammar follows CPython's compiler more strictly than
it used to (found by `maze grammar fuzz`): all of these compile."""
import os as os_module
from os import path as os_path, sep

first, *rest = [1, 2, 3]
*init, = rest
(a, b) = (1, 2)
[c, *d] = [3, 4, 5]
(e) = 6
(os_module.x): int = 7
items = *rest, first
escapes = "\N{BULLET} \u00e9 \U0001F600 \x41 \q" + r"\N \u0 \x" + f"\N{EN DASH}{a!r:>{b}}"
raw_bytes = b"\x41\n" + rb"\x" + br"\N"
negated = a not in rest and not b


def params(p, q=1, /, r=2, *, s, t=3, **rest_kw):
    return *rest, p


def plain(p, /, q, r=1):
    return p


short = lambda m, n=1, /, o=2: m
for item in *rest, first:
    pass

match first:
    case -1 | 1 + 2j | -1.5 - 3j | True | None:
        pass
    case [x, *others] if others:
        pass
    case _:
        pass
