#!/usr/bin/env python3
# -*- coding: utf-8 -*-
"""Inventory helpers.

A module docstring spanning several lines, with 'quotes' and "quotes".
"""

from __future__ import annotations

import os
import sys, json
import collections.abc as cabc
from pathlib import Path
from typing import (
    Any,
    Callable,  # used below
    Optional as Opt,
)
from . import sibling
from .. import parent_pkg
from ...deep.pkg import thing as other_thing
from .local_module import *

__all__ = ["load", "save"]

VERSION = (1, 4, 2)


def load(path: Path) -> dict[str, Any]:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def save(path: Path, data: Opt[dict] = None) -> None:
    path.write_text(json.dumps(data or {}, indent=2))


if __name__ == "__main__":
    sys.exit(main())
