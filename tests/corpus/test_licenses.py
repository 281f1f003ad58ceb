"""Licence classification: permissive licences and their combinations pass, copyleft and unknown do not."""

from __future__ import annotations

from pathlib import Path

import pytest
from maze_workshop.corpus import licenses


@pytest.mark.parametrize(("expr", "expected"), [
    ("MIT", "MIT"),
    ("Expat", "MIT"),
    ("MIT OR Apache-2.0", "MIT OR Apache-2.0"),
    ("MIT/Apache-2.0", "MIT OR Apache-2.0"),
    ("Apache-2.0 OR MIT", "Apache-2.0 OR MIT"),
    ("(MIT OR Apache-2.0) AND Unicode-DFS-2016", None),
    ("Unlicense OR MIT", "Unlicense OR MIT"),
    ("BSD-3-clause", "BSD-3-Clause"),
    ("ISC", "ISC"),
    ("MPL-2.0", "MPL-2.0"),
    ("Zlib", "Zlib"),
    ("CC0-1.0", "CC0-1.0"),
    ("PSF-2.0", "PSF-2.0"),
    ("GPL-3.0", None),
    ("MIT OR GPL-2.0", None),
    ("LGPL-2.1+", None),
    ("AGPL-3.0-only", None),
    ("", None),
    ("UNKNOWN", None),
])
def test_classify(expr: str, expected: str | None) -> None:
    assert licenses.classify(expr) == expected


DEP5 = """Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: foo

Files: *
Copyright: 2020 Someone
License: Expat

Files: debian/*
Copyright: 2021 Debian Maintainer
License: GPL-2+

License: Expat
 Permission is hereby granted, free of charge, ...
"""


def test_debian_copyright() -> None:
    assert licenses.debian_copyright(DEP5) == "MIT"  # debian/* under the GPL does not count
    gpl_file = DEP5.replace("Files: debian/*", "Files: src/contrib/*")
    assert licenses.debian_copyright(gpl_file) is None  # an upstream file under the GPL rejects the package
    assert licenses.debian_copyright("This program is free software; GNU General Public License v2") is None
    assert licenses.debian_copyright("Permission is hereby granted, free of charge, to any person") == "MIT"


def test_package_metadata(tmp_path: Path) -> None:
    (tmp_path / "Cargo.toml").write_text('[package]\nname = "x"\nversion = "1.0.0"\nlicense = "MIT/Apache-2.0"\n')
    assert licenses.cargo_license(tmp_path / "Cargo.toml") == "MIT OR Apache-2.0"
    (tmp_path / "package.json").write_text('{"name": "x", "license": "ISC"}')
    assert licenses.npm_license(tmp_path / "package.json") == "ISC"
    (tmp_path / "package.json").write_text('{"name": "x", "license": "SEE LICENSE IN LICENSE"}')
    assert licenses.npm_license(tmp_path / "package.json") is None
    (tmp_path / "METADATA").write_text("Metadata-Version: 2.4\nName: x\nLicense-Expression: BSD-2-Clause\n\n")
    assert licenses.pypi_license(tmp_path / "METADATA") == "BSD-2-Clause"
    (tmp_path / "METADATA").write_text("Metadata-Version: 2.1\nName: x\nClassifier: License :: OSI Approved :: "
                                       "MIT License\n\n")
    assert licenses.pypi_license(tmp_path / "METADATA") == "MIT"
    (tmp_path / "METADATA").write_text("Metadata-Version: 2.1\nName: x\nClassifier: License :: OSI Approved :: "
                                       "GNU General Public License v3 (GPLv3)\n\n")
    assert licenses.pypi_license(tmp_path / "METADATA") is None
