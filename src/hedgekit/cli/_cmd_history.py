"""Commands ``backtest`` and ``replay``: a hedge policy carried through real history.

JSON schemas: docs/cli-json-history.md.
"""

from __future__ import annotations

import contextlib
import math
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from hedgekit.cli import _output as out
from hedgekit.cli._app import (
    ForceFlag,
    JsonFlag,
    app,
    check_output_dir,
    check_output_path,
    choice,
    parse_date,
)
from hedgekit.cli._plan_options import (
    LegsText,
    NetShortTolerance,
    PositionFile,
    position_from_options,
)
from hedgekit.errors import InputError
from hedgekit.sizing._sizing import DEFAULT_NET_SHORT_TOLERANCE, MAX_NET_SHORT_TOLERANCE

if TYPE_CHECKING:
    from hedgekit.policies import HedgePolicy, RebalanceRule
    from hedgekit.replays import ReplayResult

#: Runs longer than this many sessions show a progress bar (when stderr is a terminal).
PROGRESS_MIN_SESSIONS = 750

ReportOpt = Annotated[
    str | None,
    typer.Option("--report", help="Write a self-contained HTML report (charts embedded) here."),
]
PngDirOpt = Annotated[
    str | None, typer.Option("--png-dir", help="Also write the report's charts as PNG files here.")
]
EngineOpt = Annotated[
    str,
    typer.Option(
        "--engine", help="auto | numba | numpy | interpreted | python (the readable oracle)."
    ),
]

POLICY_HELP = (
    "Hedge policy: static:H | vix:CAP (h=max(0,1-VIX/CAP)) | vix-tiers[:20=0,30=0.5,inf=1] | "
    "seasonal:9,10 | trend:200 | profit:0.10 | stop:0.10 | vix-exit:40 | cppi:0.85,3 | "
    "ratio-model:rolling[:252] | ratio-model:ewma[:0.94] | ratio-model:dcc[:monthly]. "
    "Policies with a hedge ratio use --hedge (default 1)."
)


# --------------------------------------------------------------------------- parsing


def _number(text: str, source: str, expected: str) -> float:
    try:
        x = float(text.strip().rstrip("%"))
    except ValueError:
        raise InputError("not a number", source=source, value=text, expected=expected) from None
    if text.strip().endswith("%"):
        x /= 100.0
    return x


def parse_policy(text: str | None, hedge: float | None) -> HedgePolicy:
    """A hedge policy from ``--policy`` text and ``--hedge`` (see :data:`POLICY_HELP`)."""
    from hedgekit import policies as p

    h = 1.0 if hedge is None else float(hedge)
    if text is None:
        return p.StaticHedge(h)
    name, _, arg = text.strip().partition(":")
    name = name.lower()
    src = "--policy"
    try:
        if name == "static":
            if arg and hedge is not None:
                raise InputError(
                    "give the ratio once", source=src, value=text, expected="static:H or --hedge H"
                )
            return p.StaticHedge(_number(arg, src, "static:0.5") if arg else h)
        if name == "vix":
            return p.VixFormula(cap=_number(arg, src, "vix:40") if arg else 40.0, h_max=h)
        if name == "vix-tiers":
            if not arg:
                return p.VixTiers()
            tiers = []
            for part in arg.split(","):
                lvl, eq, ratio = part.partition("=")
                if not eq:
                    raise InputError(
                        "bad tier", source=src, value=part, expected="LEVEL=RATIO, e.g. 20=0"
                    )
                top = math.inf if lvl.strip().lower() == "inf" else _number(lvl, src, "20=0")
                tiers.append((top, _number(ratio, src, "20=0")))
            return p.VixTiers(tuple(tiers))
        if name == "seasonal":
            months = tuple(
                int(_number(m, src, "seasonal:9,10")) for m in (arg or "9,10").split(",")
            )
            return p.Seasonal(months=months, h=h)
        if name == "trend":
            return p.Trend(h=h, window=int(_number(arg, src, "trend:200")) if arg else 200)
        if name == "profit":
            return p.ProfitTarget(h=h, fall=_number(arg, src, "profit:0.10") if arg else 0.10)
        if name == "stop":
            return p.StopOnRally(h=h, rise=_number(arg, src, "stop:0.10") if arg else 0.10)
        if name == "vix-exit":
            return p.VixSpikeExit(h=h, vix_exit=_number(arg, src, "vix-exit:40") if arg else 40.0)
        if name == "ratio-model":
            return _ratio_model(arg, src)
        if name == "cppi":
            parts = arg.split(",") if arg else []
            floor = _number(parts[0], src, "cppi:0.85,3") if parts else 0.85
            mult = _number(parts[1], src, "cppi:0.85,3") if len(parts) > 1 else 3.0
            return p.FloorCppi(floor_fraction=floor, multiplier=mult)
    except InputError as exc:
        if exc.source == src:
            raise
        raise InputError(
            f"bad policy parameter: {exc.message}", source=src, value=text, expected=POLICY_HELP
        ) from None
    raise InputError("unknown policy", source=src, value=text, expected=POLICY_HELP)


def _ratio_model(arg: str, src: str) -> HedgePolicy:
    """``ratio-model:MODEL[:PARAM]``: a time-varying minimum-variance ratio."""
    from hedgekit import policies as p

    model, _, param = arg.strip().lower().partition(":")
    if model == "rolling":
        window = int(_number(param, src, "ratio-model:rolling:252")) if param else 252
        return p.RatioModelHedge(model="rolling", window=window)
    if model == "ewma":
        decay = _number(param, src, "ratio-model:ewma:0.94") if param else 0.94
        return p.RatioModelHedge(model="ewma", decay=decay)
    if model == "dcc":
        return p.RatioModelHedge(model="dcc", refit=param or "monthly")
    raise InputError(
        "unknown ratio model",
        source=src,
        value=f"ratio-model:{arg}",
        expected="ratio-model:rolling[:252] | ratio-model:ewma[:0.94] | ratio-model:dcc[:monthly]",
    )


REBALANCE_HELP = "band:X | value:PCT | beta:DELTA | calendar:month | calendar:N | always | never"


def _rebalance(band: float | None, rule: str | None = None) -> RebalanceRule:
    from hedgekit import policies as p

    if band is not None and rule is not None:
        raise InputError(
            "give --band or --rebalance, not both", source="--rebalance", value=rule,
            expected="one rebalance rule",
        )  # fmt: skip
    if rule is None:
        b = 0.05 if band is None else band
        if not (math.isfinite(b) and b >= 0.0):
            raise InputError("must be a number >= 0", source="--band", value=b, expected="e.g. 0.1")
        return p.Band(contracts_fraction=b)
    name, _, arg = rule.strip().lower().partition(":")
    src = "--rebalance"
    if name == "always" and not arg:
        return p.Always()
    if name == "never" and not arg:
        return p.Never()
    if name == "calendar" and arg:
        if arg == "month":
            return p.Calendar(every="month")
        if arg.isdigit() and int(arg) > 0:
            return p.Calendar(every=int(arg))
    if name in ("band", "value", "beta") and arg:
        x = _number(arg, src, REBALANCE_HELP)
        if name == "band":
            return p.Band(contracts_fraction=x)
        if name == "value":
            return p.ValueChange(pct=x)
        return p.BetaChange(threshold=x)
    raise InputError("unknown rebalance rule", source=src, value=rule, expected=REBALANCE_HELP)


# --------------------------------------------------------------------------- progress


@contextlib.contextmanager
def progress_bar(n_sessions: int, label: str) -> Iterator[Callable[[int, int], None] | None]:
    """A rich progress bar on stderr for long runs, only when stderr is a terminal."""
    if n_sessions < PROGRESS_MIN_SESSIONS or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} sessions"),
        TimeElapsedColumn(),
        console=out.console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=n_sessions)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def _sessions_between(start: Any, end: Any) -> int:
    """Rough count of sessions (for deciding whether to show progress)."""
    return int((end - start).days * 252 / 365)


# --------------------------------------------------------------------------- data


def _frame_records(frame: Any) -> list[dict[str, Any]]:
    if frame is None or len(frame) == 0:
        return []
    records: list[dict[str, Any]] = frame.to_dict(orient="records")
    return records


def _metrics_dict(m: Any) -> dict[str, Any]:
    to_dict = getattr(m, "to_dict", None)
    if callable(to_dict):
        data: dict[str, Any] = dict(to_dict())
        return data
    import dataclasses

    return {f.name: getattr(m, f.name) for f in dataclasses.fields(m)}


#: The daily series ``backtest --out``/``--json`` export, and the result column each comes from.
DAILY_EXPORT = (
    ("portfolio_value_usd", "unhedged_value_usd"),
    ("hedged_value_usd", "total_value_usd"),
    ("stocks_usd", "stocks_usd"),
    ("futures_pnl_usd", "settlement_usd"),
    ("hedge_ratio", "hedge_ratio_effective"),
    ("hedge_ratio_target", "hedge_ratio_target"),
    ("beta", "beta"),
    ("futures_price", "futures_price"),
    ("contract", "contract"),
    ("margin_requirement_usd", "initial_margin_usd"),
    ("maintenance_margin_usd", "maintenance_margin_usd"),
    ("margin_account_usd", "margin_account_usd"),
    ("cash_usd", "cash_usd"),
)


def daily_export(result: Any) -> Any:
    """The daily series a user charts elsewhere: one row per session, columns in words.

    ``futures_pnl_usd`` is the day's variation margin of the futures held (negative = paid),
    ``futures_pnl_cumulative_usd`` its running sum; ``contracts_<ROOT>`` the signed count.
    """
    import pandas as pd

    d = result.daily
    root = str(result.spec.contract)
    frame = pd.DataFrame({"date": [t.date() for t in d.index]})
    for name, col in DAILY_EXPORT:
        frame[name] = d[col].to_numpy()
        if name == "futures_pnl_usd":
            frame["futures_pnl_cumulative_usd"] = d[col].cumsum().to_numpy()
        if name == "hedge_ratio_target":
            frame[f"contracts_{root}"] = d["contracts"].to_numpy()
    for col in frame.columns:
        if frame[col].dtype.kind == "f":
            frame[col] = frame[col] + 0.0  # no -0.0 in the export
    return frame


def _check_out_path(path: str | None, force: bool) -> Path | None:
    return check_output_path(
        path, "--out", (".csv", ".parquet"), force=force,
        message="the daily series is written as CSV or Parquet, chosen by the file's suffix",
        expected="FILE.csv or FILE.parquet",
    )  # fmt: skip


def _write_daily(frame: Any, path: Path) -> None:
    """Write the daily export whole (a temporary file renamed into place)."""
    from hedgekit._io import atomic_write

    if path.suffix.lower() == ".csv":
        atomic_write(path, lambda tmp: frame.to_csv(tmp, index=False))
    else:
        import pandas as pd

        frame = frame.assign(date=pd.to_datetime(frame["date"]))
        atomic_write(path, lambda tmp: frame.to_parquet(tmp, index=False))


def _run_dates(
    from_: str | None,
    to: str | None,
    contract: str,
    index_dividend_yield: float | None,
    prices_end: Any = None,
) -> tuple[Any, Any, str | None]:
    """``--from``/``--to``, defaulting to the last year of data; a note when defaulted.

    ``prices_end``: the last session with a price for every holding, when the portfolio is
    a list of holdings (the default ``--to`` is then no later).
    """
    import pandas as pd

    from hedgekit.backtest import last_available_date

    start = parse_date(from_, "--from") if from_ is not None else None
    end = parse_date(to, "--to") if to is not None else None
    last = pd.Timestamp(last_available_date(contract.upper(), index_dividend_yield))
    if prices_end is not None:
        last = min(last, pd.Timestamp(prices_end))
    if end is None:
        end = last
        if start is not None and pd.Timestamp(start) + pd.DateOffset(years=1) < last:
            end = pd.Timestamp(start) + pd.DateOffset(years=1)
    end = pd.Timestamp(end)
    if start is None:
        start = end - pd.DateOffset(years=1)
    start = pd.Timestamp(start)
    said = []
    if to is None and end < last:
        said.append(f"--to defaults to one year after --from, {end.date()}")
    elif to is None:
        said.append(
            f"--to defaults to {end.date()}, the latest usable date (the last session with "
            "every input the backtest needs: index close, T-bill rate"
            + (", dividend yield" if index_dividend_yield is None else "")
            + (", the holdings' prices" if prices_end is not None else "") + ")"
        )  # fmt: skip
    if from_ is None:
        said.append(f"--from defaults to one year before --to, {start.date()}")
    note = ("No dates given: " if from_ is None and to is None else "") + "; ".join(said)
    return start, end, (note[:1].upper() + note[1:] + ".") if said else None


def backtest_settings(result: Any) -> dict[str, Any]:
    """Every setting a backtest ran with, in words (the report's settings table)."""
    from hedgekit.report import spec_settings

    return dict(spec_settings(result))


def backtest_data(result: Any) -> dict[str, Any]:
    """The JSON-ready summary of a backtest (docs/cli-json-history.md)."""
    daily = result.daily
    last = daily.iloc[-1]
    sources = (
        daily["futures_price_source"].value_counts() if "futures_price_source" in daily else {}
    )
    contracts = [str(c) for c in dict.fromkeys(daily["contract"].tolist()) if str(c)]
    return {
        "start": daily.index[0].date(),
        "end": daily.index[-1].date(),
        "n_sessions": len(daily),
        "metrics": {
            "hedged": _metrics_dict(result.metrics),
            "unhedged": _metrics_dict(result.unhedged_metrics),
        },
        "final": {
            "total_value_usd": float(last["total_value_usd"]),
            "unhedged_value_usd": float(last["unhedged_value_usd"]),
            "stocks_usd": float(last["stocks_usd"]),
            "margin_account_usd": float(last["margin_account_usd"]),
            "cash_usd": float(last["cash_usd"]),
            "contracts": int(last["contracts"]),
        },
        "contracts_held": contracts,
        "futures_price_sources": {str(k): int(v) for k, v in dict(sources).items()},
        "n_fills": len(result.fills),
        "rolls": _frame_records(result.rolls),
        "margin_calls": _frame_records(result.margin_calls),
        "hedge_ratio_target": float(daily["hedge_ratio_target"].mean()),
        "hedge_ratio_achieved": float(daily["hedge_ratio_effective"].mean()),
        "notes": list(getattr(result, "notes", ())),
    }


def _check_report_outputs(
    report: str | None, png_dir: str | None, force: bool
) -> tuple[Path | None, Path | None]:
    """``--report`` and ``--png-dir``, checked before the run (see check_output_path)."""
    from hedgekit.report import CHART_NAMES

    return (
        check_output_path(
            report, "--report", (".html", ".htm"), force=force,
            message="the report is an HTML file", expected="FILE.html",
        ),
        check_output_dir(png_dir, "--png-dir", tuple(f"{n}.png" for n in CHART_NAMES),
                         force=force),
    )  # fmt: skip


def _write_outputs(
    obj: Any,
    report: Path | None,
    png_dir: Path | None,
    title: str | None,
    *,
    daily: Any = None,
    out_path: Path | None = None,
) -> dict[str, Any]:
    """Write every file asked for, each whole; return the report's paths for the output.

    The charts are drawn first and the files written last, so a Ctrl-C while drawing leaves
    nothing written.
    """
    from hedgekit.report import export_pngs, report_charts, write_html_report

    charts = report_charts(obj) if report is not None or png_dir is not None else ()
    if out_path is not None:
        _write_daily(daily, out_path)
    html_path: str | None = None
    if report is not None:
        html_path = str(write_html_report(obj, report, title=title, charts=charts))
    pngs: list[str] = []
    if png_dir is not None:
        pngs = [str(p) for p in export_pngs(obj, png_dir, charts=charts)]
    return {"report": html_path, "png_files": pngs}


#: Table labels that the field name alone would mislead: ``roll_cost_usd`` is the commission
#: and slippage of the roll trades, already inside the two lines above it, not the calendar
#: spread (the carry, which ``hedgekit cost`` calls "rolls").
_METRIC_LABELS = {
    "roll_cost_usd": "of which on rolls",
    "cagr": "CAGR",
    "n_trades": "trades",
    "n_rolls": "rolls",
    "n_margin_calls": "margin calls",
    "largest_margin_call_usd": "largest margin call",
    "fees_usd": "fees",
    "slippage_usd": "slippage",
}


def _render_backtest(data: dict[str, Any], title: str) -> None:
    c = out.console()
    h, u = data["metrics"]["hedged"], data["metrics"]["unhedged"]
    c.print(f"{title}: {data['start']} to {data['end']}, {data['n_sessions']:,} sessions")
    if data.get("position"):
        c.print(f"Position held: {data['position']['description']}")
    if "hedge_ratio_achieved" in data:
        c.print(
            f"Hedge ratio: target {data['hedge_ratio_target']:.1%}, achieved "
            f"{data['hedge_ratio_achieved']:.1%} on average (beta-dollars hedged / held)."
        )
    rows = []
    for key, fmt in (
        ("total_return", out.pct),
        ("cagr", out.pct),
        ("volatility_annual", out.pct),
        ("max_drawdown", out.pct),
        ("sharpe", out.num),
        ("hedge_effectiveness", out.pct),
        ("average_hedge_ratio", out.pct),
        ("fees_usd", out.usd),
        ("slippage_usd", out.usd),
        ("roll_cost_usd", out.usd),
        ("n_trades", lambda x: f"{x:,.0f}"),
        ("n_rolls", lambda x: f"{x:,.0f}"),
        ("n_margin_calls", lambda x: f"{x:,.0f}"),
        ("largest_margin_call_usd", out.usd),
    ):
        if key not in h:
            continue

        def cell(v: Any, fmt: Callable[[float], str] = fmt) -> str:
            return "n/a" if v is None else fmt(float(v))

        label = _METRIC_LABELS.get(key, key.replace("_", " "))
        rows.append([label, cell(h[key]), cell(u.get(key))])
    c.print(out.table("Hedged vs unhedged", ["measure", "hedged", "unhedged"], rows))
    f = data["final"]
    calls = len(data["margin_calls"])
    rolls = int(h.get("n_rolls", len(data["rolls"])))
    c.print(
        f"Final value: hedged {out.usd(f['total_value_usd'])}, unhedged "
        f"{out.usd(f['unhedged_value_usd'])}; {calls:,} margin call{'s' * (calls != 1)}, "
        f"{rolls:,} roll{'s' * (rolls != 1)}."
    )
    if data.get("settings"):
        st = data["settings"]
        c.print(f"Cash buffer: {st['Cash buffer']}; margin calls paid from "
                f"{st['Margin calls paid from']}.")  # fmt: skip
    for note in data.get("notes", []):
        c.print(f"- {note}")
    if data.get("out"):
        c.print(f"Daily series written to {data['out']}")
    if data["futures_price_sources"]:
        src = ", ".join(f"{k} {v}" for k, v in data["futures_price_sources"].items())
        c.print(f"Futures prices by source (sessions): {src}.")
    if data.get("report"):
        c.print(f"Report written to {data['report']}")
    if data.get("png_files"):
        c.print(f"Charts written: {', '.join(data['png_files'])}")


# --------------------------------------------------------------------------- backtest


@app.command("backtest")
def backtest_cmd(
    from_: Annotated[
        str | None,
        typer.Option("--from", help="First session (YYYY-MM-DD); default one year before --to."),
    ] = None,
    to: Annotated[
        str | None,
        typer.Option(
            "--to",
            help="Last session (YYYY-MM-DD); default the last date with every input the "
            "backtest needs.",
        ),
    ] = None,
    hedge: Annotated[
        float | None,
        typer.Option("--hedge", help="Hedge ratio: fraction of beta exposure, 0..1 (default 1)."),
    ] = None,
    policy: Annotated[str | None, typer.Option("--policy", help=POLICY_HELP)] = None,
    value_usd: Annotated[
        float | None,
        typer.Option("--value-usd", help="Index-tracking portfolio value (with --beta)."),
    ] = None,
    beta: Annotated[
        float | None,
        typer.Option(
            "--beta",
            help="Portfolio beta. Default: 1 for --value-usd; for --holdings, a rolling OLS "
            "beta estimated each day from the trailing --beta-window returns (no look-ahead).",
        ),
    ] = None,
    index_dividend_yield: Annotated[
        float | None,
        typer.Option(
            "--index-dividend-yield",
            help="Index dividend yield for futures fair values (default: the S&P 500's "
            "trailing yield from the bundled total-return index, which ends 2024-02-16).",
        ),
    ] = None,
    beta_window: Annotated[
        int, typer.Option("--beta-window", help="Returns in the rolling beta (holdings).")
    ] = 252,
    dividend_yield: Annotated[
        float | None,
        typer.Option(
            "--dividend-yield", help="Portfolio dividend yield per year (default the engine's)."
        ),
    ] = None,
    holdings: Annotated[
        str | None,
        typer.Option("--holdings", help="Holdings CSV: ticker, shares or market_value_usd."),
    ] = None,
    prices: Annotated[
        str | None, typer.Option("--prices", help="Price file for the holdings; default bundled.")
    ] = None,
    contract: Annotated[
        str | None,
        typer.Option(
            "--contract", help="Futures root: ES, MES, NQ, ... (default ES, or the position's)."
        ),
    ] = None,
    band: Annotated[
        float | None,
        typer.Option(
            "--band",
            help="Rebalance when |N - N*| >= max(1, band x N*) contracts (default 0.05).",
        ),
    ] = None,
    rebalance: Annotated[
        str | None,
        typer.Option(
            "--rebalance",
            help="Rebalance rule instead of --band: band:X | value:PCT | beta:DELTA | "
            "calendar:month | calendar:N (sessions) | always | never. Rolls always trade.",
        ),
    ] = None,
    commission: Annotated[
        float, typer.Option("--commission", help="USD per contract per side.")
    ] = 2.5,
    slippage_ticks: Annotated[
        float, typer.Option("--slippage-ticks", help="Ticks per contract per side.")
    ] = 1.0,
    initial_margin: Annotated[
        float | None,
        typer.Option(
            "--initial-margin",
            help="Initial margin per contract, USD (default: the contract registry's dated "
            "figure; before its first date, that figure scaled by the futures price).",
        ),
    ] = None,
    maintenance_margin: Annotated[
        float | None,
        typer.Option(
            "--maintenance-margin", help="Maintenance per contract (default initial/1.10)."
        ),
    ] = None,
    margin_buffer: Annotated[
        float,
        typer.Option(
            "--margin-buffer",
            help="Cash deposited in the margin account when contracts are opened, as a "
            "multiple of initial margin (>= 1; default 1.5, the buffer the plan recommends); "
            "the excess above (buffer + 0.5) x initial is swept back.",
        ),
    ] = 1.5,
    margin_source: Annotated[
        str,
        typer.Option(
            "--margin-source",
            help="Pay margin calls from: cash (default: a cash account beside the stocks, as "
            "the plan advises and stress assumes) | stock (sold at the close).",
        ),
    ] = "cash",
    rounding: Annotated[
        str,
        typer.Option(
            "--rounding", help="Contracts: nearest (as the plan) | down (never above target)."
        ),
    ] = "nearest",
    futures_prices: Annotated[
        str,
        typer.Option(
            "--futures-prices", help="settlement (bundled ES settlements, else fair) | fair."
        ),
    ] = "settlement",
    net_short_tolerance: NetShortTolerance = DEFAULT_NET_SHORT_TOLERANCE,
    position: PositionFile = None,
    legs: LegsText = None,
    engine: EngineOpt = "auto",
    report: ReportOpt = None,
    png_dir: PngDirOpt = None,
    out_file: Annotated[
        str | None,
        typer.Option(
            "--out",
            help="Write the daily series (values, hedge, contracts, margin, cash) to FILE.csv "
            "or FILE.parquet.",
        ),
    ] = None,
    json_: JsonFlag = False,
    force: ForceFlag = False,
) -> None:
    """Carry a hedge policy through real history, day by day; metrics, records and a report."""
    out_path = _check_out_path(out_file, force)
    report_path, png_path = _check_report_outputs(report, png_dir, force)
    data, result, daily = backtest_document(
        from_=from_,
        to=to,
        hedge=hedge,
        policy=policy,
        value_usd=value_usd,
        beta=beta,
        index_dividend_yield=index_dividend_yield,
        beta_window=beta_window,
        dividend_yield=dividend_yield,
        holdings=holdings,
        prices=prices,
        contract=contract,
        band=band,
        rebalance=rebalance,
        commission=commission,
        slippage_ticks=slippage_ticks,
        initial_margin=initial_margin,
        maintenance_margin=maintenance_margin,
        margin_buffer=margin_buffer,
        margin_source=margin_source,
        rounding=rounding,
        futures_prices=futures_prices,
        net_short_tolerance=net_short_tolerance,
        position=position,
        legs=legs,
        engine=engine,
    )
    data["out"] = None if out_path is None else str(out_path)
    data.update(_write_outputs(result, report_path, png_path, None, daily=daily, out_path=out_path))
    if json_:
        out.emit_json("backtest", data)
    else:
        held = data["position"] is not None
        title = "Backtest (position held)" if held else f"Backtest ({data['policy']['name']})"
        _render_backtest(data, title)


def backtest_document(
    *,
    from_: str | None = None,
    to: str | None = None,
    hedge: float | None = None,
    policy: str | None = None,
    value_usd: float | None = None,
    beta: float | None = None,
    index_dividend_yield: float | None = None,
    beta_window: int = 252,
    dividend_yield: float | None = None,
    holdings: str | None = None,
    prices: str | None = None,
    contract: str | None = None,
    band: float | None = None,
    rebalance: str | None = None,
    commission: float = 2.5,
    slippage_ticks: float = 1.0,
    initial_margin: float | None = None,
    maintenance_margin: float | None = None,
    margin_buffer: float = 1.5,
    margin_source: str = "cash",
    rounding: str = "nearest",
    futures_prices: str = "settlement",
    net_short_tolerance: float = DEFAULT_NET_SHORT_TOLERANCE,
    position: str | None = None,
    legs: str | None = None,
    engine: str = "auto",
    progress: Callable[[int, str], Any] = progress_bar,
) -> tuple[dict[str, Any], Any, Any]:
    """The ``backtest --json`` document for the command's options, its result and daily table.

    One source for the command and the web API (``/api/backtest``); ``progress(n, label)``
    is a context manager giving the engine's progress callback (a terminal bar by default).
    The document's ``out`` is ``None`` here: the command fills in the file it wrote.
    """
    from hedgekit import backtest as bt
    from hedgekit.contracts import get_contract

    saved = position_from_options(position, legs)
    if saved is not None:
        # the saved plan's date and portfolio, so `backtest --position FILE` evaluates the
        # hedge the plan recommended, from the day it recommended it
        if contract is None:
            contract = saved.by_index()[0].main_root if saved.legs else None
        if from_ is None and saved.as_of is not None:
            from_ = saved.as_of.isoformat()
        sized_for = saved.value_and_beta()
        if sized_for is not None and holdings is None and value_usd is None and beta is None:
            value_usd, beta = sized_for
    contract = "ES" if contract is None else contract
    held = px = None
    if holdings is not None:
        from hedgekit.data import load_holdings, load_prices

        held = load_holdings(holdings)
        px = load_prices(prices) if prices is not None else None
    prices_end = None
    if held is not None:
        prices_end = bt.last_price_date([p.ticker for p in held.positions], px)
    start, end, date_note = _run_dates(from_, to, contract, index_dividend_yield, prices_end)
    if end <= start:
        raise InputError(
            "must be after --from", source="--to", value=str(end.date()),
            expected=f"after {start.date()}",
        )  # fmt: skip
    if hedge is not None and not (math.isfinite(hedge) and 0.0 <= hedge <= 1.0):
        raise InputError("out of range", source="--hedge", value=hedge, expected="0..1")
    if hedge is not None and policy is not None and policy.lower().startswith("static:"):
        raise InputError(
            "give the ratio once", source="--policy", value=policy, expected="static:H or --hedge H"
        )
    call_source = choice(margin_source, "margin-source", ("stock", "cash"))
    rounding_mode = choice(rounding, "rounding", ("nearest", "down"))
    prices_mode = choice(futures_prices, "futures-prices", ("settlement", "fair"))
    eng = choice(engine, "engine", ("auto", "numba", "numpy", "interpreted", "python"))
    if not (math.isfinite(net_short_tolerance)
            and 0.0 <= net_short_tolerance <= MAX_NET_SHORT_TOLERANCE):  # fmt: skip
        raise InputError(
            "net-short tolerance is outside its range", source="--net-short-tolerance",
            value=net_short_tolerance,
            expected=f"a share of the beta exposure from 0 to {MAX_NET_SHORT_TOLERANCE:g}",
        )  # fmt: skip
    hold = _held_position(position, legs, contract, commission, hedge, policy, band, rebalance)
    if hold is not None:
        contract = hold["run_root"]
        commission = hold["commission_per_unit_usd"]
    pol = parse_policy(policy, hedge)
    portfolio: Any
    if holdings is not None:
        assert held is not None
        if value_usd is not None:
            raise InputError(
                "--value-usd and --holdings exclude each other", source="--value-usd",
                value=value_usd, expected="one of --holdings or --value-usd",
            )  # fmt: skip
        by_value = [p.ticker for p in held.positions if p.shares is None]
        if by_value:
            raise InputError(
                "a backtest needs share counts (values change every day)",
                source=holdings,
                column="shares",
                value=", ".join(by_value),
                expected="shares for every ticker",
            )
        shares = {p.ticker: float(p.shares) for p in held.positions if p.shares is not None}
        if beta_window < 20:
            raise InputError(
                "window too short", source="--beta-window", value=beta_window, expected=">= 20"
            )
        portfolio = bt.HoldingsPortfolio(
            shares, prices=px, beta=bt.RollingBeta(window=beta_window) if beta is None else beta
        )
    else:
        if value_usd is None:
            raise InputError(
                "no portfolio",
                source="--value-usd",
                expected="--value-usd (with --beta) or --holdings",
            )
        if prices is not None:
            raise InputError(
                "--prices needs --holdings", source="--prices", value=prices, expected="--holdings"
            )
        kwargs: dict[str, Any] = {"value_usd": value_usd, "beta": 1.0 if beta is None else beta}
        if dividend_yield is not None:
            kwargs["dividend_yield"] = dividend_yield
        portfolio = bt.IndexPortfolio(**kwargs)
    if maintenance_margin is not None and initial_margin is None:
        raise InputError(
            "--maintenance-margin needs --initial-margin", source="--maintenance-margin",
            value=maintenance_margin, expected="--initial-margin too",
        )  # fmt: skip
    if not (math.isfinite(margin_buffer) and margin_buffer >= 1.0):
        raise InputError(
            "the margin account must hold at least the initial margin",
            source="--margin-buffer", value=margin_buffer, expected="a multiple >= 1, e.g. 1.5",
        )  # fmt: skip
    margin_kwargs: dict[str, Any] = {
        "call_source": call_source,
        "buffer_multiple": margin_buffer,
        # the excess is swept back half an initial margin above the buffer
        "sweep_multiple": margin_buffer + 0.5,
    }
    if initial_margin is not None:
        margin_kwargs["initial_usd"] = initial_margin
        margin_kwargs["maintenance_usd"] = (
            maintenance_margin if maintenance_margin is not None else initial_margin / 1.10
        )
    spec = bt.BacktestSpec(
        start=start,
        end=end,
        portfolio=portfolio,
        contract=contract.upper(),
        policy=pol,
        rebalance=_rebalance(band, rebalance),
        index_dividend_yield=index_dividend_yield,
        costs=bt.Costs(commission_usd=commission, slippage_ticks=slippage_ticks),
        margin=bt.MarginSpec(**margin_kwargs),
        rounding=rounding_mode,  # type: ignore[arg-type]
        futures_prices="settlement_then_fair" if prices_mode == "settlement" else "fair",
        net_short_tolerance=net_short_tolerance,
        hold_contracts=None if hold is None else hold["units"],
    )
    with progress(_sessions_between(start, end), "backtest") as prog:
        result = bt.run_backtest(spec, engine=eng, progress=prog)  # type: ignore[arg-type]
    data = backtest_data(result)
    data["policy"] = pol.to_dict()
    data["contract"] = contract.upper()
    data["settings"] = backtest_settings(result)
    data["notes"] = ([date_note] if date_note else []) + data["notes"]
    listed = get_contract(contract).listed
    if listed is not None and start.date() < listed:
        data["notes"].insert(0, (
            f"{contract.upper()} was listed on {listed}, after the run starts ({start.date()}): "
            "before then no one could hold it, and the run shows it as if they could."
        ))  # fmt: skip
    data["position"] = None
    if hold is not None:
        data["position"] = {k: v for k, v in hold.items() if k != "commission_per_unit_usd"}
        data["policy"] = {"name": "hold", "contracts": hold["units"], "root": hold["run_root"]}
    daily = daily_export(result)
    data["out"] = None
    data["daily"] = _frame_records(daily)
    return data, result, daily


def _held_position(
    position: str | None,
    legs: str | None,
    contract: str,
    commission_usd: float,
    hedge: float | None,
    policy: str | None,
    band: float | None,
    rebalance: str | None,
) -> dict[str, Any] | None:
    """The ``--position``/``--legs`` hedge as one held count, in Micro units when mixed.

    E-mini and Micro legs on one index are one exposure: a CME Micro is 1/10 of the E-mini
    (multiplier $5 vs $50 on ES/MES), so ``ES:-2,MES:-5`` is -25 MES held; the registry's
    Micro margins are 1/10 of the E-mini's, slippage in ticks scales with the multiplier, and
    the commission is blended to keep the position's total per side (CME contract specs).
    """
    from hedgekit.contracts import default_registry, get_contract

    pos = position_from_options(position, legs)
    if pos is None:
        return None
    flag = "--position" if position is not None else "--legs"
    given = position if position is not None else legs
    for name, value in (("--hedge", hedge), ("--policy", policy), ("--band", band),
                        ("--rebalance", rebalance)):  # fmt: skip
        if value is not None:
            raise InputError(
                f"{flag} backtests the position as held (no rebalancing): {name} does not apply",
                source=name, value=value, expected=f"{flag} alone, or {name} without {flag}",
            )  # fmt: skip
    reg = default_registry()
    count = pos.in_units(reg, source=flag)
    if count.unit_root is None or count.main_root is None:
        raise InputError("the position holds no contracts", source=flag, value=given,
                         expected="legs with non-zero quantities, e.g. ES:-2,MES:-5")  # fmt: skip
    asked = get_contract(contract)
    if asked.index != count.index:
        raise InputError(
            f"the position is on {count.index} but --contract {asked.root} is on {asked.index}",
            source=flag, value=given,
            expected=f"--contract {count.main_root} (or another {count.index} contract)",
        )  # fmt: skip
    run = get_contract(count.unit_root)
    units = count.units
    n_contracts = count.contracts
    per_unit = commission_usd * n_contracts / abs(units) if units != 0 else commission_usd
    specs = {root: get_contract(root) for root, _ in count.legs}
    group_main = count.main_root
    text = pos.to_legs_text()
    mixed = len(specs) > 1
    description = f"{text} held as {units:+d} {run.root}, rolled at each roll, no rebalancing"
    if mixed:
        description += (
            f" (run in {run.root} units: 1 {group_main} = "
            f"{specs[group_main].multiplier_usd / run.multiplier_usd:g} {run.root} by "
            f"multiplier; {run.root} margin per unit; commission ${per_unit:,.4g} per unit "
            f"per side, the position's ${commission_usd:g} x {n_contracts} contracts)"
            if group_main in specs
            else ""
        )
    description += "."
    return {
        "legs": text,
        "run_root": run.root,
        "units": units,
        "micro_units": mixed,
        "commission_per_unit_usd": per_unit,
        "description": description,
    }


# --------------------------------------------------------------------------- replay


def episodes_data() -> list[dict[str, Any]]:
    """The named episodes, for ``replay --list``."""
    from hedgekit.replays import list_episodes

    return [
        {
            "key": e.key,
            "title": e.title,
            "start": e.start,
            "end": e.end,
            "hedge_until": e.hedge_until,
            "hedge_ratio": e.hedge_ratio,
            "value_usd": e.value_usd,
            "beta": e.beta,
            "contract": e.contract,
            "source_section": e.source_section,
            "n_claims": len(e.claims),
        }
        for e in list_episodes()
    ]


def replay_data(rep: ReplayResult) -> dict[str, Any]:
    """The JSON-ready replay: episode, claims against measurements, backtest summary."""
    episode = rep.episode.to_dict()
    episode.pop("claims")
    return {
        "episode": episode,
        "n_claims": len(rep.claims),
        "n_disagreements": rep.n_disagreements,
        "claims": [c.to_dict() for c in rep.claims],
        "backtest": backtest_data(rep.result),
    }


def _render_episodes(rows: list[dict[str, Any]]) -> None:
    table = out.table(
        "Episodes (hedgekit replay KEY)",
        ["key", "title", "run", "hedge", "claims"],
        [
            [
                r["key"],
                r["title"],
                f"{r['start']} to {r['end']}",
                f"{r['hedge_ratio']:.0%}"
                + (
                    f" until {r['hedge_until']}"
                    if r["hedge_until"] and r["hedge_until"] < r["end"]
                    else ""
                ),
                str(r["n_claims"]),
            ]
            for r in rows
        ],
    )
    out.console().print(table)


def _render_replay(data: dict[str, Any]) -> None:
    from hedgekit.replays._claims import format_value

    c = out.console()
    ep = data["episode"]
    c.print(f"{ep['title']}  [{ep['key']}]")
    c.print(f"From: {ep['source_section']}")
    c.print(ep["story"])
    c.print(f"Run: {ep['policy']}; ${ep['value_usd']:,.0f}, beta {ep['beta']:.2f}.")
    rows = []
    for ch in data["claims"]:
        measured = "-" if ch["measured"] is None else format_value(ch["measured"], ch["unit"])
        verdict = "agrees" if ch["agrees"] else ("n/a" if ch["measured"] is None else "DISAGREES")
        rows.append([ch["what"], format_value(ch["stated_value"], ch["unit"]), measured, verdict])
    c.print(
        out.table(
            "The story's numbers against the real history",
            ["claim", "story", "measured", "verdict"],
            rows,
        )
    )
    c.print(
        f"{data['n_disagreements']} of {data['n_claims']} claims disagree with the bundled history."
    )
    bt_data = dict(data["backtest"])
    bt_data["report"] = data.get("report")
    bt_data["png_files"] = data.get("png_files", [])
    _render_backtest(bt_data, "Backtest of the stated setup")


@app.command("replay")
def replay_cmd(
    key: Annotated[str | None, typer.Argument(help="Episode key (see --list).")] = None,
    list_: Annotated[bool, typer.Option("--list", help="List the named episodes.")] = False,
    engine: EngineOpt = "auto",
    report: ReportOpt = None,
    png_dir: PngDirOpt = None,
    json_: JsonFlag = False,
    force: ForceFlag = False,
) -> None:
    """Replay a famous hedging episode on the real history; the story's numbers checked."""
    if list_:
        if key is not None:
            raise InputError(
                "--list takes no episode", source="KEY", value=key, expected="--list alone"
            )
        rows = episodes_data()
        if json_:
            out.emit_json("episodes", rows)
        else:
            _render_episodes(rows)
        return
    if key is None:
        raise InputError("no episode named", source="KEY", expected="an episode key, or --list")
    from hedgekit.replays import get_episode, replay

    episode = get_episode(key)
    eng = choice(engine, "engine", ("auto", "numba", "numpy", "interpreted", "python"))
    report_path, png_path = _check_report_outputs(report, png_dir, force)
    with progress_bar(_sessions_between(episode.start, episode.end), f"replay {key}") as prog:
        rep = replay(episode, engine=eng, progress=prog)
    data = replay_data(rep)
    data.update(_write_outputs(rep, report_path, png_path, None))
    if json_:
        out.emit_json("replay", data)
    else:
        _render_replay(data)
