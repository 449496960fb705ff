"""Output helpers shared by the commands: JSON documents and rich tables."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import sys
from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

#: Version of the JSON documents printed with ``--json``. Bumped on any breaking change.
JSON_SCHEMA_VERSION = 1
#: Width of tables written to a pipe or file.
_PIPE_WIDTH = 160


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        return _jsonable(value.item())
    return value


def emit_json(kind: str, data: Any) -> None:
    """Print a JSON document ``{"schema": ..., "kind": ..., "data": ...}`` to stdout."""
    doc = {"schema_version": JSON_SCHEMA_VERSION, "kind": kind, "data": _jsonable(data)}
    sys.stdout.write(json.dumps(doc, indent=2, allow_nan=False) + "\n")


def console(stderr: bool = False) -> Console:
    """Return a rich console (plain when not a terminal, so pipes get clean text)."""
    c = Console(stderr=stderr, highlight=False, soft_wrap=False)
    if not c.is_terminal:  # pipes and files: wide enough that tables never wrap
        c = Console(stderr=stderr, highlight=False, soft_wrap=False, width=_PIPE_WIDTH)
    return c


#: A formatted number: optional sign and $, digits with separators, decimals, % or ×.
_NUMBER = re.compile(r"[-+]?\$?[-+]?[\d,]*\.?\d+(e[-+]?\d+)?\s*[%×x]?", re.IGNORECASE)


def table(title: str, columns: Sequence[str], rows: Sequence[Sequence[str]]) -> Table:
    """Build a rich table with right-aligned numeric-looking columns."""
    t = Table(title=title, title_justify="left", header_style="bold")
    for i, col in enumerate(columns):
        cells = [row[i] for row in rows if row[i] not in ("", "-", "n/a")]
        numeric = bool(cells) and all(_NUMBER.fullmatch(c) for c in cells)
        t.add_column(col, justify="right" if numeric else "left")
    for row in rows:
        t.add_row(*row)
    return t


def usd(x: float, decimals: int = 0) -> str:
    """Format USD with thousands separators, minus sign in front: ``-$1,234``."""
    if not math.isfinite(x):
        return "n/a"
    body = f"{abs(x):,.{decimals}f}"
    sign = "-" if x < 0 and body.strip("0.,") else ""  # no "-$0" for a tiny negative
    return f"{sign}${body}"


def pct(x: float, decimals: int = 1) -> str:
    """Format a fraction as a percentage: ``0.123 -> 12.3%``."""
    if not math.isfinite(x):
        return "n/a"
    text = f"{x * 100:.{decimals}f}%"
    return text[1:] if text.startswith("-") and not text.strip("-0.%") else text


def num(x: float, decimals: int = 2) -> str:
    """Format a number with thousands separators."""
    if not math.isfinite(x):
        return "n/a"
    text = f"{x:,.{decimals}f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.,") else text


def signed(x: float, decimals: int = 0) -> str:
    """Format with an explicit sign, ``+3`` / ``-4.29``; zero (or what rounds to it) unsigned."""
    if not math.isfinite(x):
        return "n/a"
    text = f"{x:+,.{decimals}f}"
    return text[1:] if not text.strip("+-0.,") else text
