"""The typer application and option helpers shared by every command module."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Annotated

import typer

from hedgekit._dates import to_date
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


def today() -> dt.date:
    return dt.date.today()


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
    """``None`` stays ``None``; otherwise a strict ``YYYY-MM-DD`` date (``to_date``)."""
    return None if text is None else to_date(text, name)


def check_output_path(
    path: str | None, option: str, suffixes: tuple[str, ...], *, force: bool = False
) -> Path | None:
    """Check a file the command will write, before any work is done.

    Refuses a suffix not in ``suffixes``, a folder, a missing or unwritable parent folder,
    and an existing file unless ``force``: a long computation is never lost to a bad path,
    and no file is replaced by surprise.
    """
    if path is None:
        return None
    p = Path(path)
    if p.suffix.lower() not in suffixes:
        raise InputError(
            "unsupported file type", source=option, value=path,
            expected="a file ending in " + " or ".join(suffixes),
        )  # fmt: skip
    if p.is_dir():
        raise InputError("this is a folder", source=option, value=path, expected="a file name")
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.is_dir():
        raise InputError(
            "the folder does not exist", source=option, value=path,
            expected="a file in an existing folder",
        )  # fmt: skip
    if not os.access(parent, os.W_OK):
        raise InputError(
            "the folder is not writable", source=option, value=path,
            expected="a file in a folder you can write to",
        )  # fmt: skip
    if p.exists() and not force:
        raise InputError(
            "the file exists", source=option, value=path,
            expected="a new file, or --force to replace it",
        )  # fmt: skip
    return p
