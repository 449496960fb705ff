"""The typer application and option helpers shared by every command module."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from hedgekit._dates import to_date
from hedgekit.errors import InputError

app = typer.Typer(
    name="hedgekit",
    help="Hedge an equity portfolio with stock index futures, and see what it costs.",
    add_completion=True,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)



def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            text = version("hedgekit")
        except PackageNotFoundError:  # run from a source tree that was never installed
            text = "unknown (not installed)"
        typer.echo(f"hedgekit {text}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Print the hedgekit version and exit.",
            callback=_print_version,
            is_eager=True,
        ),
    ] = False,
) -> None:
    """Hedge an equity portfolio with stock index futures, and see what it costs."""


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
