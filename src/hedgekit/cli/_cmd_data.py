"""``hedgekit data`` (what is bundled, what was updated) and ``hedgekit data update``."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from hedgekit.cli import _output as out
from hedgekit.cli._app import JsonFlag, app, parse_date, today
from hedgekit.cli._plan_options import Holdings

data_app = typer.Typer(
    name="data",
    help="The market history: bundled, updated from public sources, and the latest usable date.",
    invoke_without_command=True,
    rich_markup_mode=None,
)
app.add_typer(data_app)


@data_app.callback()
def data_cmd(ctx: typer.Context, json_: JsonFlag = False) -> None:
    """The bundled market history, what `data update` added to it, and the latest usable date."""
    if ctx.invoked_subcommand is not None:
        return
    from hedgekit.cli._commands import (
        datasets_data,
        render_datasets,
        render_usable_dates,
        usable_dates_data,
    )
    from hedgekit.marketdata import series_status, store_path

    series = [s.to_dict() for s in series_status(today())]
    data: dict[str, Any] = {
        "datasets": datasets_data(),
        "series": series,
        "store": str(store_path()),
        "latest_usable": usable_dates_data(),
    }
    if json_:
        out.emit_json("data", data)
        return
    render_datasets(data["datasets"])
    _render_series(series, str(store_path()))
    render_usable_dates(data["latest_usable"])


def _span(first: str | None, last: str | None) -> str:
    return "-" if first is None else f"{first} .. {last}"


def _render_series(rows: list[dict[str, Any]], store: str) -> None:
    body = [
        [
            str(r["series"]),
            _span(r["bundled_first"], r["bundled_last"]),
            _span(r["updated_first"], r["updated_last"]),
            "never" if r["last_fetch"] is None
            else f"{r['last_fetch']} {r['provider']} ({r['last_status']})",
            "-" if r["stale_days"] is None else f"{r['stale_days']} days",
        ]
        for r in rows
    ]  # fmt: skip
    c = out.console()
    c.print(
        out.table(
            "Series: bundled and updated",
            ["series", "bundled", "updated", "last fetch", "stale"],
            body,
        )
    )
    c.print(
        f"Updated rows live in {store} (`hedgekit data update` adds them; bundled rows are "
        "never replaced). Stale: calendar days from the last row to today.",
        style="dim",
    )


Series = Annotated[
    str | None,
    typer.Option(
        "--series",
        help="Comma-separated series to update (default: all a hedge needs): SPX, NDX, RUT, "
        "DJI, VIX, DTB3, SPY, QQQ, IWM, DIA, ES, NQ, RTY, YM, or a holdings ticker.",
    ),
]
Source = Annotated[
    str | None,
    typer.Option(
        "--source",
        help="Provider per family: NAME for all, or prices=NAME,futures=NAME,rates=NAME; a "
        "NAME is yahoo, fred, a hedgekit.providers entry point, or package.module:Class.",
    ),
]
Until = Annotated[
    str | None,
    typer.Option("--until", help="Last date to fetch (YYYY-MM-DD); default today."),
]


@data_app.command("update")
def update_cmd(
    holdings: Holdings = None,
    series: Series = None,
    source: Source = None,
    until: Until = None,
    json_: JsonFlag = False,
) -> None:
    """Fetch today's market data from public sources into the local store, with provenance."""
    from hedgekit._domains import check_date
    from hedgekit.data import load_holdings
    from hedgekit.marketdata import parse_sources, select_series, update

    end = parse_date(until, "--until")
    if end is not None:  # the dates every command accepts (the --as-of range)
        check_date("--as-of", end, source="--until")
    tickers = load_holdings(holdings).tickers if holdings else ()
    only = None if series is None else series.split(",")
    specs = select_series(tickers, only)
    report = update(specs, sources=parse_sources(source), until=end)
    if json_:
        out.emit_json("data_update", report.to_dict())
    else:
        body = [
            [
                r.key,
                f"{r.provider} {r.provider_id}".strip(),
                r.status,
                str(r.rows_added),
                _span(None if r.first is None else r.first.isoformat(),
                      None if r.last is None else r.last.isoformat()),
                r.contract or "",
            ]
            for r in report.results
        ]  # fmt: skip
        c = out.console()
        c.print(
            out.table(
                f"data update to {report.until} (fetched {report.fetched_at})",
                ["series", "provider", "status", "rows", "new rows", "contract"],
                body,
            )
        )
        for r in report.failed:
            c.print(r.message)
        c.print(f"Store: {report.store}", style="dim")
    if report.failed:
        names = ", ".join(r.key for r in report.failed)
        others = (
            "the others were updated"
            if len(report.failed) < len(report.results)
            else "nothing was updated"
        )
        out.console(stderr=True).print(
            f"{len(report.failed)} series not updated ({names}); {others}. "
            "The store is unchanged for those series."
        )
        raise typer.Exit(1)
