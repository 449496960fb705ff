"""Command ``hedge-ratio``: rolling, EWMA and DCC-GARCH hedge ratios judged out of sample.

JSON: ``kind = "hedge-ratio"``, ``data`` = :meth:`OutOfSampleResult.to_dict`.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hedgekit.cli import _output as out
from hedgekit.cli._app import ForceFlag, JsonFlag, app, check_output_path, choice, parse_date
from hedgekit.cli._plan_options import Commission, Holdings, SlippageTicks
from hedgekit.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

    from hedgekit.estimation._out_of_sample import HedgePair, OutOfSampleResult

FUTURES_SOURCES = ("es-yahoo", "es-chris")
MODELS = ("rolling", "ewma", "dcc")

FuturesOpt = Annotated[
    str,
    typer.Option(
        "--futures",
        help="Futures history: es-yahoo (ES=F closes, 2000-2026) or es-chris (CME ES1 "
        "settlements, 1997-2019).",
    ),
]
ModelsOpt = Annotated[
    str, typer.Option("--models", help="Comma-separated models to judge: rolling,ewma,dcc.")
]
WindowOpt = Annotated[int, typer.Option("--window", help="Rolling OLS window, sessions.")]
DecayOpt = Annotated[float, typer.Option("--decay", help="EWMA decay λ (RiskMetrics daily: 0.94).")]
TrainOpt = Annotated[
    int,
    typer.Option(
        "--train",
        help="Sessions before the first test day (static OLS sample, first DCC fit; >= 260).",
    ),
]
FitWindowOpt = Annotated[
    int | None,
    typer.Option("--fit-window", help="DCC fit window in sessions; default expanding."),
]
RefitOpt = Annotated[str, typer.Option("--refit", help="DCC refit: weekly | monthly | quarterly.")]
RebalanceOpt = Annotated[
    str, typer.Option("--rebalance", help="Re-size the contracts: daily | weekly | monthly.")
]
ValueOpt = Annotated[
    float | None,
    typer.Option(
        "--value-usd", help="Spot position value; default the holdings' value, else $1,000,000."
    ),
]
ContractOpt = Annotated[str, typer.Option("--contract", help="Hedge contract: ES or MES.")]
FromOpt = Annotated[str | None, typer.Option("--from", help="First session of the history.")]
ToOpt = Annotated[str | None, typer.Option("--to", help="Last session of the history.")]
OutOpt = Annotated[
    str | None, typer.Option("--out", help="Also write the table: FILE.csv or FILE.md.")
]

#: Sessions in a run from which a progress bar is shown (when stderr is a terminal).
_PROGRESS_MIN_REFITS = 24


@contextlib.contextmanager
def _progress() -> Iterator[Callable[[int, int], None] | None]:
    if not sys.stderr.isatty():
        yield None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("DCC refits"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=out.console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("dcc", total=None)

        def update(done: int, total: int) -> None:
            if total >= _PROGRESS_MIN_REFITS:
                bar.update(task, completed=done, total=total)

        yield update


def _models(text: str) -> tuple[str, ...]:
    names = tuple(p.strip().lower() for p in text.split(","))
    bad = [n for n in names if n not in MODELS]
    if bad or not names or len(set(names)) != len(names):
        raise InputError(
            "unknown or repeated model",
            source="--models",
            value=text,
            expected="a comma-separated list of rolling, ewma, dcc",
        )
    return names


def _futures(source: str) -> tuple[pd.Series, pd.Series, str]:
    from hedgekit.datasets import load_es_front_month, load_futures_front

    if source == "es-chris":
        es = load_es_front_month()
        return es["settle"], es["inferred_contract"], "ES settlements (CME ES1)"
    es = load_futures_front("ES")
    return es["close"], es["inferred_contract"], "ES=F closes"


def _spot(holdings: str | None, value_usd: float | None) -> tuple[pd.Series, str, float]:
    from hedgekit.datasets import load_sp500

    if holdings is None:
        close = load_sp500()["close"]
        return close.pct_change().dropna(), "S&P 500", value_usd or 1_000_000.0
    from hedgekit.data._holdings import load_holdings
    from hedgekit.data._prices import prices_for
    from hedgekit.portfolio import portfolio_returns, value_holdings

    h = load_holdings(holdings)  # the stocks are the spot; futures rows are not part of it
    prices = prices_for(h)
    complete = prices.dropna()
    if len(complete) < 3:
        raise InputError(
            "the held tickers have fewer than 3 sessions with prices for all of them",
            source="--holdings",
            value=holdings,
            expected="tickers with a common price history",
        )
    first, last = complete.index[0], complete.index[-1]
    rets = portfolio_returns(h, prices, first, last)
    value = value_usd or value_holdings(h, prices, last).total_value_usd
    return rets, f"portfolio {Path(holdings).name}", value


def _rows_text(result: OutOfSampleResult) -> tuple[list[str], list[list[str]]]:
    cols = [
        "period",
        "strategy",
        "hedge effectiveness",
        "tracking error (annual)",
        "mean ratio",
        "turnover (contracts)",
        "roll contracts",
        "costs",
        "hedge P&L",
        "net after costs",
    ]
    rows = [
        [
            r.period,
            r.strategy,
            out.pct(r.hedge_effectiveness, 2),
            out.pct(r.tracking_error_annual, 2),
            f"{r.mean_ratio:.3f}",
            f"{r.turnover_contracts:,.0f}",
            f"{r.roll_contracts:,.0f}",
            out.usd(r.costs_usd),
            out.usd(r.hedge_pnl_usd),
            out.usd(r.net_usd),
        ]
        for r in result.rows
    ]
    return cols, rows


def _markdown(result: OutOfSampleResult) -> str:
    cols, rows = _rows_text(result)
    lines = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def _write(path: Path, result: OutOfSampleResult) -> None:
    if path.suffix.lower() == ".md":
        path.write_text(_markdown(result), encoding="utf-8")
        return
    import pandas as pd

    pd.DataFrame([r.to_dict() for r in result.rows]).to_csv(path, index=False)


@app.command("hedge-ratio")
def hedge_ratio(
    holdings: Holdings = None,
    futures: FuturesOpt = "es-yahoo",
    models: ModelsOpt = "rolling,ewma,dcc",
    window: WindowOpt = 252,
    decay: DecayOpt = 0.94,
    train: TrainOpt = 504,
    fit_window: FitWindowOpt = None,
    refit: RefitOpt = "monthly",
    rebalance: RebalanceOpt = "weekly",
    value_usd: ValueOpt = None,
    contract: ContractOpt = "ES",
    commission: Commission = 2.50,
    slippage_ticks: SlippageTicks = 1.0,
    date_from: FromOpt = None,
    date_to: ToOpt = None,
    json_out: JsonFlag = False,
    out_path: OutOpt = None,
    force: ForceFlag = False,
) -> None:
    """Judge rolling, EWMA and DCC-GARCH hedge ratios out of sample, after trading costs.

    Each model's ratio is built with no look-ahead (DCC refitted on the sessions before each
    refit, filtered daily in between), the contracts are re-sized at the --rebalance
    frequency, and the result is set against the static OLS ratio of the training sessions
    and h = 1: variance removed, tracking error, turnover, costs and the hedge's net result,
    over the whole test span and the replays' episodes. Spot: the S&P 500, or --holdings.
    """
    import pandas as pd

    from hedgekit.contracts import get_contract
    from hedgekit.estimation._out_of_sample import (
        OUT_OF_SAMPLE_EPISODES,
        OutOfSampleSettings,
        evaluate_hedge_ratios,
        hedge_pair,
    )
    from hedgekit.replays import EPISODES

    source = choice(futures, "futures", FUTURES_SOURCES)
    refit_every = choice(refit, "refit", ("weekly", "monthly", "quarterly"))
    rebalance_every = choice(rebalance, "rebalance", ("daily", "weekly", "monthly"))
    root = contract.strip().upper()
    if root not in ("ES", "MES"):
        raise InputError(
            "the bundled futures history is the E-mini S&P 500",
            source="--contract",
            value=contract,
            expected="ES or MES",
        )
    names = _models(models)
    if "rolling" in names and window > train:
        raise InputError(
            "the rolling window is longer than the training sessions: the first test days "
            "would have no rolling ratio",
            source="--window",
            value=window,
            expected=f"at most --train ({train}) sessions",
        )
    start = parse_date(date_from, "--from")
    end = parse_date(date_to, "--to")
    if start is not None and end is not None and start > end:
        raise InputError("--from is after --to", source="--from", value=str(start))
    target = check_output_path(out_path, "--out", (".csv", ".md"), force=force)
    spec = get_contract(root)
    spot, spot_name, value = _spot(holdings, value_usd)
    prices, labels, fut_name = _futures(source)
    lo = pd.Timestamp(start) if start is not None else None
    hi = pd.Timestamp(end) if end is not None else None
    spot = spot.loc[lo:hi]
    pair: HedgePair = hedge_pair(
        spot, prices.loc[lo:hi], labels, spot_name=spot_name, futures_name=fut_name
    )
    settings = OutOfSampleSettings(
        models=names,
        rolling_window=window,
        decay=decay,
        train_sessions=train,
        fit_window=fit_window,
        refit=refit_every,  # type: ignore[arg-type]
        rebalance=rebalance_every,  # type: ignore[arg-type]
        value_usd=value,
        multiplier_usd=spec.multiplier_usd,
        tick_value_usd=spec.multiplier_usd * spec.tick_size_points,
        commission_usd=commission,
        slippage_ticks=slippage_ticks,
    )
    episodes = [
        (k, pd.Timestamp(EPISODES[k].start), pd.Timestamp(EPISODES[k].end))
        for k in OUT_OF_SAMPLE_EPISODES
    ]
    t0 = time.perf_counter()
    with _progress() as update:
        result = evaluate_hedge_ratios(pair, settings, episodes=episodes, progress=update)
    elapsed = time.perf_counter() - t0
    if target is not None:
        _write(target, result)
    if json_out:
        data = result.to_dict()
        data["contract"] = root
        data["seconds"]["total"] = elapsed
        out.emit_json("hedge-ratio", data)
        return
    c = out.console()
    cols, rows = _rows_text(result)
    title = (
        f"Hedge ratios out of sample: {spot_name} hedged with {root} ({fut_name}); "
        f"test {result.test_start.date()} .. {result.test_end.date()}, "
        f"{out.usd(value)} position, re-sized {rebalance_every}"
    )
    c.print(out.table(title, cols, rows))
    c.print(result.verdict())
    for note in result.notes:
        c.print(f"note: {note}")
    if "dcc" in names:
        c.print(
            f"DCC: {result.seconds.get('dcc_refits', 0):.0f} refits ({refit_every}) in "
            f"{result.seconds.get('dcc', 0.0):.1f} s."
        )
    if target is not None:
        c.print(f"Table written to {target}.")
