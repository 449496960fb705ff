"""The typer application and option helpers shared by every command module."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

import typer

from hedgekit.errors import InputError

app = typer.Typer(
    name="hedgekit",
    help="Hedge an equity portfolio with stock index futures, and see what it costs.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

JsonFlag = Annotated[
    bool, typer.Option("--json", help="Print a stable JSON document instead of tables.")
]


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def today() -> dt.date:
    return dt.date.today()


def is_iso(text: str) -> bool:
    """True for a real calendar date written exactly ``YYYY-MM-DD``.

    ``date.fromisoformat`` alone also takes ``20240104`` and ``2024-W01-4`` (Python 3.11).
    """
    if not _ISO_DATE.fullmatch(text):
        return False
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def choice(value: str, name: str, allowed: tuple[str, ...]) -> str:
    v = value.lower()
    if v not in allowed:
        raise InputError(
            f"unknown {name}", source=f"--{name}", value=value, expected=" | ".join(allowed)
        )
    return v


def parse_moves(text: str | None) -> tuple[float, ...] | None:
    if text is None:
        return None
    out: list[float] = []
    for part in text.split(","):
        p = part.strip().rstrip("%")
        try:
            x = float(p)
        except ValueError:
            raise InputError(
                "not a number", source="--moves", value=part, expected="e.g. -30,-20,-10,0,10"
            ) from None
        out.append(x / 100.0)
    return tuple(out)


def parse_date(text: str | None, name: str) -> dt.date | None:
    if text is None:
        return None
    if not is_iso(text):
        raise InputError("not a date", source=name, value=text, expected="YYYY-MM-DD")
    return dt.date.fromisoformat(text)
