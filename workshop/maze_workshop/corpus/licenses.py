"""Licence classification: read a package's licence from its own metadata and decide if we may train on it.

Only permissive licences are accepted: MIT, BSD-2/3-Clause, Apache-2.0, ISC, PSF-2.0, Zlib, MPL-2.0,
Unlicense, CC0-1.0, and OR/AND combinations of these (an OR expression is accepted only if every
alternative is permissive, so the recorded expression never needs a choice to be made). Everything else
(GPL, LGPL, AGPL, unknown, missing) is rejected.
"""

from __future__ import annotations

import json
import re
import tomllib
from email.parser import HeaderParser
from pathlib import Path

PERMISSIVE = ("MIT", "BSD-2-Clause", "BSD-3-Clause", "Apache-2.0", "ISC", "PSF-2.0", "Zlib", "MPL-2.0", "Unlicense",
              "CC0-1.0")

# Lower-cased spellings seen in Debian copyright files, Cargo.toml, package.json and PyPI metadata.
_ALIASES = {
    "mit": "MIT", "expat": "MIT", "mit license": "MIT", "mit/x11": "MIT", "the mit license": "MIT", "mit-0": "MIT",
    "mit license (mit)": "MIT", "mit-style": "MIT",
    "bsd-2-clause": "BSD-2-Clause", "bsd-2": "BSD-2-Clause", "bsd 2-clause": "BSD-2-Clause", "freebsd": "BSD-2-Clause",
    "bsd-2-clause-freebsd": "BSD-2-Clause", "simplified bsd": "BSD-2-Clause",
    "bsd-3-clause": "BSD-3-Clause", "bsd-3": "BSD-3-Clause", "bsd 3-clause": "BSD-3-Clause", "new bsd": "BSD-3-Clause",
    "modified bsd": "BSD-3-Clause", "bsd-3-clause-clear": "BSD-3-Clause", "revised bsd": "BSD-3-Clause",
    "new bsd license": "BSD-3-Clause", "3-clause bsd": "BSD-3-Clause", "bsd 3-clause license": "BSD-3-Clause",
    "apache-2.0": "Apache-2.0", "apache-2": "Apache-2.0", "apache 2.0": "Apache-2.0", "apache 2": "Apache-2.0",
    "apache license 2.0": "Apache-2.0", "apache license, version 2.0": "Apache-2.0", "apache2": "Apache-2.0",
    "apache software license": "Apache-2.0", "apache license version 2.0": "Apache-2.0", "apache-2.0+": "Apache-2.0",
    "apache 2.0 license": "Apache-2.0", "apache software license 2.0": "Apache-2.0", "asl 2.0": "Apache-2.0",
    "apache license (2.0)": "Apache-2.0", "apache": "Apache-2.0",
    "isc": "ISC", "isc license": "ISC", "isc license (iscl)": "ISC",
    "psf-2.0": "PSF-2.0", "psf": "PSF-2.0", "psf-2": "PSF-2.0", "python-2.0": "PSF-2.0", "psfl": "PSF-2.0",
    "python software foundation license": "PSF-2.0", "python": "PSF-2.0", "psf license": "PSF-2.0",
    "zlib": "Zlib", "zlib/libpng": "Zlib", "zlib license": "Zlib",
    "mpl-2.0": "MPL-2.0", "mpl 2.0": "MPL-2.0", "mozilla public license 2.0 (mpl 2.0)": "MPL-2.0", "mpl2": "MPL-2.0",
    "mozilla public license 2.0": "MPL-2.0",
    "unlicense": "Unlicense", "the unlicense": "Unlicense", "the unlicense (unlicense)": "Unlicense",
    "cc0-1.0": "CC0-1.0", "cc0": "CC0-1.0", "cc0 1.0 universal": "CC0-1.0",
}
_BSD_TEXT = re.compile(r"Redistribution and use in source and binary forms", re.IGNORECASE)


def canonical(name: str, text: str = "") -> str | None:
    """SPDX id of one licence name (None if not one we accept). A bare "BSD" is decided by `text`."""
    key = re.sub(r"\s+", " ", name.strip().strip("()").strip()).lower()
    if key in _ALIASES:
        return _ALIASES[key]
    if key in ("bsd", "bsd license", "bsd-like", "bsd-style", "bsd licence"):
        if not text or not _BSD_TEXT.search(text):
            return "BSD-3-Clause" if not text else None
        return "BSD-3-Clause" if re.search(r"Neither the name|endorse or promote", text, re.IGNORECASE) else "BSD-2-Clause"
    return None


def classify(expression: str, text: str = "") -> str | None:
    """Normalised SPDX expression if every part of `expression` is permissive, else None.

    Accepts SPDX (`MIT OR Apache-2.0`), Cargo's old `MIT/Apache-2.0`, Debian's `Expat or Apache-2.0`,
    and AND/"," combinations."""
    expr = expression.strip()
    if not expr:
        return None
    expr = re.sub(r"[()]", " ", expr)
    ors = re.split(r"\s+or\s+|\s*/\s*|\s*\|\s*", expr, flags=re.IGNORECASE)
    out_or: list[str] = []
    for alt in ors:
        ands = [a for a in re.split(r"\s+and\s+|\s*,\s*|\s*&\s*", alt, flags=re.IGNORECASE) if a.strip()]
        ids = [canonical(a, text) for a in ands]
        if not ids or any(i is None for i in ids):
            if "/" in expression and len(ors) > 1 and (c := canonical(expression, text)):
                return c  # a name with a slash in it, e.g. "MIT/X11", "zlib/libpng"
            return None
        out_or.append(" AND ".join(dict.fromkeys(ids)))  # type: ignore[arg-type]
    uniq = list(dict.fromkeys(out_or))
    return " OR ".join(uniq)


def _dep5_paragraphs(text: str) -> list[dict[str, str]]:
    paras = []
    for block in re.split(r"\n\s*\n", text):
        fields: dict[str, str] = {}
        key = None
        for line in block.split("\n"):
            if line and not line[0].isspace() and ":" in line:
                key, _, value = line.partition(":")
                key = key.strip().lower()
                fields[key] = value.strip()
            elif key is not None:
                fields[key] += "\n" + line
        if fields:
            paras.append(fields)
    return paras


def debian_copyright(text: str) -> str | None:
    """Licence of the upstream code from a Debian `copyright` file, or None if not all permissive.

    Machine-readable (DEP-5) files: every `Files:` paragraph that is not only `debian/*` must be
    permissive; the expression of the `Files: *` paragraph is returned. Free-form files: recognised by
    their licence text; any mention of the GPL family rejects them."""
    paras = [p for p in _dep5_paragraphs(text) if "files" in p and "license" in p]
    if paras:
        main = None
        for p in paras:
            files = p["files"].split()
            if files and all(f.startswith("debian/") or f == "debian" for f in files):
                continue
            lic_name = p["license"].split("\n", 1)[0].strip()
            lic = classify(lic_name, text)
            if lic is None:
                return None
            if "*" in files and main is None:
                main = lic
        return main
    if re.search(r"\b(?:L|A)?GPL\b|GNU (?:Lesser |Library |Affero )?General Public", text):
        return None
    if "Permission is hereby granted, free of charge" in text:
        return "MIT"
    if re.search(r"Apache License,? Version 2\.0", text):
        return "Apache-2.0"
    if _BSD_TEXT.search(text):
        return canonical("bsd", text)
    if re.search(r"Permission to use, copy, modify, and(?:/or)? distribute this software for any", text):
        return "ISC"
    return None


def cargo_license(cargo_toml: Path) -> str | None:
    """The `license` field of a crate's Cargo.toml, classified (None if missing or not permissive)."""
    try:
        data = tomllib.loads(cargo_toml.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return None
    lic = data.get("package", {}).get("license")
    return classify(lic) if isinstance(lic, str) else None


def npm_license(package_json: Path) -> str | None:
    try:
        data = json.loads(package_json.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    lic = data.get("license")
    if isinstance(lic, dict):
        lic = lic.get("type")
    if lic is None and isinstance(data.get("licenses"), list) and data["licenses"]:
        lic = " OR ".join(str(x.get("type", "")) if isinstance(x, dict) else str(x) for x in data["licenses"])
    return classify(lic) if isinstance(lic, str) else None


def pypi_license(metadata: Path, license_text: str = "") -> str | None:
    """Licence of a wheel from its METADATA: License-Expression, else License (if short), else the
    licence classifiers (all of them must be permissive)."""
    try:
        msg = HeaderParser().parsestr(metadata.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return None
    if expr := msg.get("License-Expression"):
        return classify(expr, license_text)
    lic = (msg.get("License") or "").strip()
    short = lic and "\n" not in lic and len(lic) < 60 and lic.upper() not in ("UNKNOWN", "OTHER")
    if short and (c := classify(lic, license_text)) is not None:
        return c
    classifiers = [c.split("::")[-1].strip() for c in msg.get_all("Classifier") or [] if c.startswith("License ::")]
    classifiers = [c for c in classifiers if c not in ("OSI Approved",)]
    if classifiers:
        ids = [classify(c, license_text) for c in classifiers]
        if all(ids):
            return " OR ".join(dict.fromkeys(ids))  # type: ignore[arg-type]
        return None
    if lic and (c := classify(lic, license_text)):
        return c
    if license_text:  # no metadata at all: the licence file's text decides
        return debian_copyright(license_text)
    return None


def find_license_file(folder: Path) -> Path | None:
    """The LICENSE/LICENCE/COPYING-like file directly in `folder`, preferring LICENSE-MIT style names."""
    if not folder.is_dir():
        return None
    files = sorted((p for p in folder.iterdir() if p.is_file()), key=lambda p: p.name.lower())
    for p in files:
        if re.match(r"(?i)^(licen[cs]e|copying|unlicense|copyright)", p.name):
            return p
    return None
