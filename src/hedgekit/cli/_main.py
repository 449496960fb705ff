"""The ``hedgekit`` command: typer application and the error boundary."""

from __future__ import annotations

import datetime as dt
import sys
from typing import Annotated, Any

import typer

from hedgekit.cli import _output as out
from hedgekit.errors import HedgekitError, InputError

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


def _today() -> dt.date:
    return dt.date.today()


@app.command("contracts")
def contracts_cmd(
    json_: JsonFlag = False,
    contracts_file: Annotated[
        str | None,
        typer.Option("--contracts-file", help="TOML file of user contracts to add or override."),
    ] = None,
) -> None:
    """List the futures contracts hedgekit knows: size, tick, months and typical margin."""
    from hedgekit.cli._commands import contracts_data, render_contracts

    data = contracts_data(contracts_file, as_of=_today())
    if json_:
        out.emit_json("contracts", data)
    else:
        render_contracts(data)


@app.command("calendar")
def calendar_cmd(
    root: Annotated[str, typer.Argument(help="Contract root, e.g. ES, MES, NQ.")],
    from_: Annotated[
        str | None, typer.Option("--from", help="First date (YYYY-MM-DD); default today.")
    ] = None,
    to: Annotated[
        str | None, typer.Option("--to", help="Last date (YYYY-MM-DD); default one year on.")
    ] = None,
    roll: Annotated[
        str,
        typer.Option(
            "--roll",
            help="Roll rule: 'cme' (8 calendar days before the third Friday) "
            "or 'sessions:N' (N sessions before the last trading day).",
        ),
    ] = "cme",
    contracts_file: Annotated[
        str | None, typer.Option("--contracts-file", help="TOML file of user contracts.")
    ] = None,
    json_: JsonFlag = False,
) -> None:
    """Expiries (last trading days) and roll dates of a contract over a date range."""
    from hedgekit.cli._commands import calendar_data, render_calendar

    start = from_ if from_ is not None else _today().isoformat()
    if to is None:
        end = (dt.date.fromisoformat(start) if _is_iso(start) else _today()) + dt.timedelta(
            days=365
        )
        to = end.isoformat()
    data = calendar_data(root, start, to, roll, contracts_file)
    if json_:
        out.emit_json("calendar", data)
    else:
        render_calendar(root, data)


def _is_iso(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


@app.command("data")
def data_cmd(json_: JsonFlag = False) -> None:
    """The real market history bundled with hedgekit, with date ranges and sources."""
    from hedgekit.cli._commands import datasets_data, render_datasets

    data = datasets_data()
    if json_:
        out.emit_json("datasets", data)
    else:
        render_datasets(data)


@app.command("tour")
def tour_cmd(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Date for 'next' expiries; default today.")
    ] = None,
) -> None:
    """A first look: contracts, the next expiries and rolls, and the bundled data."""
    from hedgekit.cli._commands import (
        calendar_data,
        contracts_data,
        datasets_data,
        render_calendar,
        render_contracts,
        render_datasets,
    )

    day = dt.date.fromisoformat(as_of) if as_of and _is_iso(as_of) else _today()
    if as_of and not _is_iso(as_of):
        raise InputError(
            "not a date", source="--as-of", value=as_of, expected="a date as YYYY-MM-DD"
        )
    render_contracts(contracts_data(None, as_of=day))
    end = (day + dt.timedelta(days=200)).isoformat()
    render_calendar("ES", calendar_data("ES", day.isoformat(), end, "cme", None))
    render_datasets(datasets_data())


def _report_error(exc: HedgekitError) -> None:
    err = out.console(stderr=True)
    if isinstance(exc, InputError):
        err.print("[bold red]error:[/] " + exc.message, markup=True, highlight=False)
        where = exc.location()
        if where:
            err.print(f"  where:    {where}", markup=False)
        if exc.value is not None:
            err.print(f"  got:      {exc.value!r}", markup=False)
        if exc.expected is not None:
            err.print(f"  expected: {exc.expected}", markup=False)
    else:
        err.print(f"[bold red]error:[/] {exc}", markup=True, highlight=False)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit status (0 ok, 1 failure, 2 bad input)."""
    try:
        result: Any = app(args=argv, standalone_mode=False)
    except HedgekitError as exc:
        _report_error(exc)
        return 2
    except typer.Exit as exc:
        return int(exc.exit_code)
    except typer.Abort:
        return 1
    except typer.TyperException as exc:  # usage errors: unknown option, missing argument
        show = getattr(exc, "show", None)
        if callable(show):
            show(file=sys.stderr)
        else:
            sys.stderr.write(f"error: {exc}\n")
        return int(getattr(exc, "exit_code", 2))
    return int(result) if isinstance(result, int) else 0
