"""Run backtests: build the paths from history, evaluate the policy, simulate, assemble records."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, Literal, TypeAlias

import numpy as np
import pandas as pd

from hedgekit._constants import TRADING_DAYS_PER_YEAR
from hedgekit._typing import Float64Array
from hedgekit.backtest._beta import trailing_ols_beta
from hedgekit.backtest._history import HistoricalMarket, load_history
from hedgekit.backtest._result import DAILY_COLUMNS, BacktestResult, BatchSummary
from hedgekit.backtest._spec import BacktestSpec, HoldingsPortfolio, IndexPortfolio, RollingBeta
from hedgekit.contracts import get_contract
from hedgekit.engine import (
    DayState,
    HedgeLedger,
    HedgeTerms,
    PathSet,
    simulate_paths,
    unhedged_values,
)
from hedgekit.errors import InputError
from hedgekit.metrics import Metrics, metrics_columns, metrics_columns_online
from hedgekit.policies import (
    HedgePolicy,
    PolicyState,
    StatefulPolicy,
    split_cppi,
)
from hedgekit.policies._base import finish_targets

__all__ = ["BacktestEngine", "build_inputs", "last_price_date", "run_backtest", "run_batch"]

BacktestEngine: TypeAlias = Literal["auto", "numba", "numpy", "interpreted", "python"]
Progress: TypeAlias = Callable[[int, int], None]


# ---------------------------------------------------------------------------- inputs
def _first_price_date(portfolio: HoldingsPortfolio, ticker: str) -> str:
    """Earliest date with a price for ``ticker`` (given prices, else the bundled sets)."""
    if portfolio.prices is not None:
        frames = [portfolio.prices]
    else:
        from hedgekit.datasets import load_large_caps, load_sp500_20stocks

        frames = [load_large_caps(), load_sp500_20stocks()]
    found = [
        pd.Timestamp(f.index[np.flatnonzero(f[ticker].notna().to_numpy())[0]])
        for f in frames
        if ticker in f.columns and f[ticker].notna().any()
    ]
    return str(min(found).date()) if found else "none"


def last_price_date(tickers: Sequence[str], prices: pd.DataFrame | None = None) -> Any:
    """The last session with a price for every ticker, or ``None`` if some has none.

    From ``prices`` (the user's price table) when given, else from the bundled adjusted
    prices (:func:`hedgekit.datasets.load_large_caps`, ``load_sp500_20stocks``): for each
    ticker its last price in the set that has it, the earliest of those over the tickers.
    """
    if prices is not None:
        have = prices.reindex(columns=list(tickers)).notna().all(axis=1)
        return prices.index[have.to_numpy()].max() if have.any() else None
    from hedgekit.datasets import load_large_caps, load_sp500_20stocks

    frames = [load_large_caps(), load_sp500_20stocks()]
    ends: list[pd.Timestamp] = []
    for t in tickers:
        found = [f[t].last_valid_index() for f in frames if t in f.columns]
        known = [pd.Timestamp(str(d)) for d in found if d is not None]
        if not known:
            return None  # no bundled prices at all: the run says so, naming the ticker
        ends.append(max(known))
    return min(ends) if ends else None


def _holdings_prices(portfolio: HoldingsPortfolio, dates: pd.DatetimeIndex) -> pd.DataFrame:
    tickers = list(portfolio.holdings)
    if portfolio.prices is not None:
        prices = portfolio.prices
    else:
        from hedgekit.datasets import load_large_caps, load_sp500_20stocks

        frames = [load_large_caps(), load_sp500_20stocks()]
        columns: dict[str, pd.Series] = {}
        for t in tickers:
            for f in frames:
                if t in f.columns and t not in columns:
                    have = f[t].reindex(dates)
                    if not have.isna().any():
                        columns[t] = f[t]
            if t not in columns:
                raise InputError(
                    "no bundled adjusted prices cover the whole run for this ticker",
                    source="holdings",
                    value=t,
                    expected="a ticker of load_large_caps() or load_sp500_20stocks() with data "
                    "on every session, or pass prices=",
                )
        prices = pd.DataFrame(columns)
    missing = [t for t in tickers if t not in prices.columns]
    if missing:
        raise InputError("no price column for a holding", source="prices", value=missing[0])
    frame = prices[tickers].reindex(dates).astype(np.float64)
    if frame.isna().any().any():
        col = str(frame.columns[frame.isna().any()][0])
        day = frame.index[frame[col].isna()][0]
        raise InputError("price missing on a session", source="prices", column=col,
                         value=str(day.date()), expected="a price on every session")  # fmt: skip
    if (frame <= 0).any().any():
        raise InputError("prices must be positive", source="prices")
    return frame


def _rolling_beta_path(
    spec: BacktestSpec, hist: HistoricalMarket, portfolio: HoldingsPortfolio, rb: RollingBeta
) -> Float64Array:
    """The trailing OLS beta of each run session (see :class:`RollingBeta`)."""
    pm = hist.policy_market
    need = rb.history_sessions
    what = f"a rolling beta over {rb.window} {rb.frequency} returns"
    if pm.start < need:
        first = str(pd.Timestamp(pm.dates[0]).date())
        raise InputError(
            f"{what} needs {need} sessions of history before the start; "
            f"{pm.start} available (first available date {first})",
            source="beta",
            value=f"window={rb.window}, first available date {first}",
            expected=f"warmup_sessions >= {need} and a start at least {need} sessions after "
            "the first date of the index history",
        )
    lo = pm.start - need
    dates = pd.DatetimeIndex(pm.dates[lo:])
    try:
        prices = _holdings_prices(portfolio, dates)
    except InputError as err:
        ticker = str(err.value if err.source == "holdings" else err.column)
        raise InputError(
            f"{what} needs the holdings' prices from {dates[0].date()} ({need} sessions "
            f"before the start); {ticker} has prices from {_first_price_date(portfolio, ticker)}",
            source="beta",
            value=f"window={rb.window}, ticker {ticker}",
            expected="a later start, a shorter window, or prices= covering the warm-up",
        ) from err
    shares = np.array([portfolio.holdings[t] for t in prices.columns])
    value = prices.to_numpy() @ shares
    if (value <= 0).any():
        raise InputError("the holdings' value is not positive", source="holdings")
    index_key = get_contract(spec.contract).index
    if rb.index is None or rb.index == index_key:
        level: Float64Array = np.asarray(pm.index_level[lo:], dtype=np.float64)
    else:
        from hedgekit.datasets import load_index

        close = load_index(rb.index)["close"].astype(np.float64)
        level = np.asarray(close.reindex(dates).to_numpy(), dtype=np.float64)
        if np.isnan(level).any():
            raise InputError(
                f"{what} needs the {rb.index} index from {dates[0].date()}",
                source="beta",
                value=f"index={rb.index}, first available date {close.index[0].date()}",
                expected="an index with a close on every session of the warm-up and the run",
            )
    return trailing_ols_beta(value, level, window=rb.window, step=rb.step_sessions)


def _portfolio_growth(
    spec: BacktestSpec, hist: HistoricalMarket
) -> tuple[Float64Array, float, float, Float64Array | None]:
    """Gross daily returns of the stock portfolio, its starting value, beta and beta path."""
    n = hist.n_days
    p = spec.portfolio
    growth = np.ones(n)
    if isinstance(p, IndexPortfolio):
        s = hist.index_level
        q = hist.dividend_yield if p.dividend_yield is None else np.full(n, p.dividend_yield)
        growth[1:] = 1.0 + p.beta * (s[1:] / s[:-1] - 1.0) + q[:-1] / TRADING_DAYS_PER_YEAR
        if p.idio_vol_annual > 0.0:
            rng = np.random.default_rng(p.seed)
            growth[1:] += rng.normal(
                0.0, p.idio_vol_annual / math.sqrt(TRADING_DAYS_PER_YEAR), n - 1
            )
            if (growth[1:] <= 0).any():
                raise InputError("idiosyncratic noise drew a loss of 100% or more in a day",
                                 source="idio_vol_annual", value=p.idio_vol_annual)  # fmt: skip
        return growth, p.value_usd, p.beta, None
    prices = _holdings_prices(p, hist.dates)
    shares = np.array([p.holdings[t] for t in prices.columns])
    value = prices.to_numpy() @ shares
    if (value <= 0).any():
        raise InputError("the holdings' value is not positive", source="holdings")
    growth[1:] = value[1:] / value[:-1]
    rb = p.rolling_beta
    if rb is None:
        assert isinstance(p.beta, float)
        return growth, float(value[0]), p.beta, None
    path = _rolling_beta_path(spec, hist, p, rb)
    return growth, float(value[0]), float(path[0]), path


def margin_terms(
    spec: BacktestSpec, hist: HistoricalMarket
) -> tuple[float, float, float, tuple[str, ...]]:
    """Margin of the run: ``(initial per contract, fraction of notional, maint/initial, notes)``.

    The engine's initial margin per contract is ``fixed + fraction × m × F_t``; see
    :class:`~hedgekit.backtest.MarginSpec` for the models. For ``"registry"`` before the
    registry's first dated figure :math:`I_0` (effective :math:`d_0`) the figure is scaled by
    notional, :math:`I_t = I_0 F_t / F_{d_0}` (CME sets performance bonds as a risk-based
    share of the contract's value; CME Group, "Margin: Know What's Needed").
    """
    m = spec.margin
    if m.model == "notional":
        note = (
            f"Margin: initial {m.initial_fraction:.1%} of the contract's notional each day, "
            f"maintenance {m.maintenance_ratio:.1%} of initial."
        )
        return 0.0, m.initial_fraction, m.maintenance_ratio, (note,)
    if m.model == "fixed":
        assert m.initial_usd is not None
        ratio = m.maintenance_ratio
        if m.maintenance_usd is not None and m.initial_usd > 0:
            ratio = m.maintenance_usd / m.initial_usd
        note = (
            f"Margin: initial ${m.initial_usd:,.0f} per contract, maintenance "
            f"${m.initial_usd * ratio:,.0f} (given)."
        )
        return m.initial_usd, 0.0, ratio, (note,)
    contract = get_contract(spec.contract)
    rate0 = contract.margin_on(hist.dates[0], before_first="earliest")
    d0 = pd.Timestamp(contract.margins[0].effective)
    ratio = rate0.maintenance_usd / rate0.initial_usd
    root = contract.root
    if hist.dates[0] >= d0:
        last = contract.margin_on(hist.dates[-1])
        if last != rate0:
            raise InputError(
                "the registry's margin changes inside the run",
                source="--from/--to",
                value=(rate0.effective.isoformat(), last.effective.isoformat()),
                expected="a run within one dated margin figure, or --initial-margin",
            )
        note = (
            f"Margin: the registry's {root} figure dated {rate0.effective.isoformat()}, "
            f"initial ${rate0.initial_usd:,.0f} and maintenance ${rate0.maintenance_usd:,.0f} "
            "per contract."
        )
        return rate0.initial_usd, 0.0, ratio, (note,)
    first = contract.margins[0]
    # the snapshot's price on the first figure's session: the rule plan and stress use too
    from hedgekit.snapshot import first_margin_price

    f0 = first_margin_price(contract)[1]
    fraction = first.initial_usd / (hist.multiplier_usd * f0)
    note = (
        f"Margin: the registry's first dated {root} figure is ${first.initial_usd:,.0f} "
        f"initial per contract from {first.effective.isoformat()}; before it no figure is "
        f"bundled, so it is scaled by notional: ${first.initial_usd:,.0f} x F / {f0:,.2f} "
        f"(the futures price then), i.e. {fraction:.2%} of notional each day; maintenance "
        f"{ratio:.1%} of initial."
    )
    if hist.dates[-1] >= d0:
        note += (
            f" The run crosses {first.effective.isoformat()}; the scaled figure is kept "
            "after it too (one margin rule per run)."
        )
    return 0.0, fraction, ratio, (note,)


def _terms(spec: BacktestSpec, hist: HistoricalMarket, value: float, beta: float) -> HedgeTerms:
    m = spec.margin
    im_fixed, im_frac, maint_ratio, _ = margin_terms(spec, hist)
    rule = spec.rebalance
    return HedgeTerms(
        initial_value_usd=value,
        beta=beta,
        multiplier_usd=hist.multiplier_usd,
        initial_cash_usd=spec.cash_usd,
        commission_per_contract_usd=spec.costs.commission_usd,
        slippage_per_contract_usd=spec.costs.slippage_ticks * hist.tick_size_points
        * hist.multiplier_usd,
        initial_margin_per_contract_usd=im_fixed,
        initial_margin_fraction=im_frac,
        maintenance_fraction=maint_ratio,
        buffer_multiple=m.buffer_multiple,
        sweep_multiple=m.sweep_multiple,
        call_source=m.call_source,
        deposit_on_increase=True,
        margin_rate_haircut_annual=m.interest_haircut_annual,
        rounding=spec.rounding,
        rule="never" if spec.hold_contracts is not None else rule.kind,  # type: ignore[arg-type]
        ratio_change=rule.ratio_change,
        net_short_tolerance=spec.net_short_tolerance,
        hold_contracts=None if spec.hold_contracts is None else float(spec.hold_contracts),
    )  # fmt: skip


def build_inputs(
    spec: BacktestSpec, history: HistoricalMarket | None = None
) -> tuple[HistoricalMarket, PathSet, HedgeTerms]:
    """The real history of ``spec`` and the engine inputs derived from it."""
    hist = load_history(spec) if history is None else history
    growth, value, beta, beta_path = _portfolio_growth(spec, hist)
    paths = PathSet(
        portfolio_growth=growth,
        rate_annual=hist.rate_annual,
        futures_price_settle=hist.futures_price_settle,
        futures_price_hold=hist.futures_price_hold,
        is_roll=hist.is_roll,
        dates=hist.dates.to_numpy(dtype="datetime64[D]"),
        beta=beta_path,
    )
    return hist, paths, _terms(spec, hist, value, beta)


def _policy_targets(policy: HedgePolicy | None, hist: HistoricalMarket) -> Float64Array:
    pm = hist.policy_market
    if policy is None:
        return np.ones(hist.n_days)
    return finish_targets(policy.targets(pm), pm, policy.name)[pm.start :].copy()


def _stateful_callback(
    policy: StatefulPolicy, hist: HistoricalMarket, terms: HedgeTerms
) -> Callable[[DayState], float]:
    pm = hist.policy_market
    initial = terms.initial_value_usd + terms.initial_cash_usd

    def decide(day: DayState) -> float:
        t = day.day
        state = PolicyState(
            day=t,
            date=hist.dates[t],
            index_level=float(hist.index_level[t]),
            vix=float(hist.vix[t]),
            stocks_usd=day.stocks_usd,
            cash_usd=day.cash_usd,
            margin_account_usd=day.margin_account_usd,
            total_value_usd=day.stocks_usd + day.cash_usd + day.margin_account_usd,
            initial_value_usd=initial,
            contracts=day.contracts,
            hedge_ratio_previous=day.hedge_ratio_previous,
            market=pm,
        )
        return float(policy.decide(state))

    return decide


def _unhedged(paths: PathSet, terms: HedgeTerms) -> Float64Array:
    """Stocks and cash left alone, compounded in the engine's order (so a zero hedge matches)."""
    return unhedged_values(paths, terms)


# ---------------------------------------------------------------------------- records
def _fills(hist: HistoricalMarket, ledger: HedgeLedger, terms: HedgeTerms) -> pd.DataFrame:
    rows: list[dict[str, Any]] = []
    n_prev = 0.0
    comm = terms.commission_per_contract_usd
    slip = terms.slippage_per_contract_usd

    def add(t: int, contract: str, qty: float, price: float, reason: str) -> None:
        rows.append({
            "date": hist.dates[t], "contract": contract, "quantity": qty, "price": price,
            "reason": reason, "fee_usd": abs(qty) * comm, "slippage_usd": abs(qty) * slip,
        })  # fmt: skip

    for t in range(hist.n_days):
        n_now = float(ledger.contracts[t])
        if t > 0 and hist.is_roll[t]:
            if n_prev != 0.0:
                add(
                    t, hist.contract_settled[t], -n_prev, hist.futures_price_settle[t], "roll_close"
                )
            if n_now != 0.0:
                add(t, hist.contract_held[t], n_now, hist.futures_price_hold[t], "roll_open")
        elif n_now != n_prev:
            reason = "open" if n_prev == 0.0 else ("close" if n_now == 0.0 else "rebalance")
            add(t, hist.contract_held[t], n_now - n_prev, hist.futures_price_hold[t], reason)
        n_prev = n_now
    columns = ["date", "contract", "quantity", "price", "reason", "fee_usd", "slippage_usd"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["date"] = pd.to_datetime(frame["date"])
    frame["contract"] = frame["contract"].astype(object)
    frame["reason"] = frame["reason"].astype(object)
    return frame.astype({"quantity": np.float64, "price": np.float64, "fee_usd": np.float64,
                         "slippage_usd": np.float64})  # fmt: skip


def _rolls(hist: HistoricalMarket, ledger: HedgeLedger) -> pd.DataFrame:
    idx = np.flatnonzero(hist.is_roll)
    prev = np.r_[0.0, ledger.contracts[:-1]]
    spread = hist.futures_price_hold[idx] - hist.futures_price_settle[idx]
    opened = ledger.contracts[idx]
    return pd.DataFrame(
        {
            "date": pd.DatetimeIndex(hist.dates[idx]),
            "from_contract": pd.Series(hist.contract_settled[idx], dtype=object),
            "to_contract": pd.Series(hist.contract_held[idx], dtype=object),
            "contracts": opened,
            "contracts_closed": prev[idx],
            "spread_points": spread,
            # pricing.roll_cost_usd: -N_short * m * spread, with N_short = -contracts
            "spread_cost_usd": opened * hist.multiplier_usd * spread,
        }
    )


def _margin_calls(hist: HistoricalMarket, ledger: HedgeLedger, terms: HedgeTerms) -> pd.DataFrame:
    idx = np.flatnonzero(ledger.margin_call_usd > 0.0)
    return pd.DataFrame(
        {
            "date": pd.DatetimeIndex(hist.dates[idx]),
            "amount_usd": ledger.margin_call_usd[idx],
            "source": pd.Series([terms.call_source] * idx.size, dtype=object),
            "balance_before_usd": ledger.balance_before_call_usd[idx],
            "requirement_usd": ledger.initial_margin_usd[idx],
        }
    )


def _daily(hist: HistoricalMarket, ledger: HedgeLedger, unhedged: Float64Array,
           terms: HedgeTerms, beta: Float64Array | None) -> pd.DataFrame:  # fmt: skip
    contracts = ledger.contracts + 0.0  # -0.0 -> 0.0
    whole = terms.rounding != "none"
    data: dict[str, Any] = {
        "index_level": hist.index_level,
        "vix": hist.vix,
        "futures_price": ledger.futures_price,
        "futures_price_source": pd.Series(hist.source_hold, dtype=object).to_numpy(),
        "contract": pd.Series(hist.contract_held, dtype=object).to_numpy(),
        "stocks_usd": ledger.stocks_usd,
        "margin_account_usd": ledger.margin_account_usd,
        "cash_usd": ledger.cash_usd,
        "total_value_usd": ledger.total_value_usd,
        "unhedged_value_usd": unhedged,
        "contracts": np.rint(contracts).astype(np.int64) if whole else contracts,
        "hedge_ratio_target": ledger.hedge_ratio_target,
        "hedge_ratio_effective": ledger.hedge_ratio_effective,
        "fees_usd": ledger.fees_usd,
        "slippage_usd": ledger.slippage_usd,
        "interest_usd": ledger.interest_usd,
        "margin_call_usd": ledger.margin_call_usd,
        "contract_settled": pd.Series(hist.contract_settled, dtype=object).to_numpy(),
        "futures_price_settle": ledger.futures_price_settle,
        "futures_settle_source": pd.Series(hist.source_settle, dtype=object).to_numpy(),
        "is_roll": hist.is_roll,
        "rate_annual": hist.rate_annual,
        "dividend_yield": hist.dividend_yield,
        "stock_return_usd": ledger.stock_return_usd,
        "settlement_usd": ledger.settlement_usd,
        "deposit_usd": ledger.deposit_usd,
        "sweep_usd": ledger.sweep_usd,
        "margin_interest_cost_usd": ledger.margin_interest_cost_usd,
        "initial_margin_usd": ledger.initial_margin_usd,
        "maintenance_margin_usd": ledger.initial_margin_usd * terms.maintenance_fraction,
        "traded_contracts": ledger.traded_contracts,
        "trades": np.rint(ledger.trades).astype(np.int64),
        "beta": np.full(hist.n_days, terms.beta) if beta is None else np.asarray(beta),
    }
    frame = pd.DataFrame(data, index=pd.DatetimeIndex(hist.dates, name="date"))
    assert tuple(frame.columns[: len(DAILY_COLUMNS)]) == DAILY_COLUMNS
    return frame


#: An achieved average hedge ratio further than this from the target gets a warning.
HEDGE_RATIO_WARN_GAP = 0.10


def hedge_ratio_warning(spec: BacktestSpec, daily: pd.DataFrame, root: str) -> str | None:
    r"""A warning when the achieved average hedge ratio is far from the target, with the cause.

    The achieved ratio of a session is beta-dollars hedged over beta-dollars held,
    :math:`-N_t m F_t / (\\beta_t S_t)` (Hull 11e §3.5); whole contracts make it move in
    steps of :math:`1/N^*` of the hedge, and a rebalance rule lets it drift between trades.
    """
    achieved = float(daily["hedge_ratio_effective"].mean())
    target = float(daily["hedge_ratio_target"].mean())
    gap = achieved - target
    if not abs(gap) > HEDGE_RATIO_WARN_GAP:
        return None
    beta = daily["beta"].to_numpy()
    full = (
        beta
        * daily["stocks_usd"].to_numpy()
        / (get_contract(spec.contract).multiplier_usd * daily["futures_price"].to_numpy())
    )
    typical = float(np.median(np.abs(full)))
    why: list[str] = []
    if typical < 10:
        step = 1.0 / typical if typical > 0 else math.inf
        why.append(
            f"a full hedge is only about {typical:.1f} {root} contracts, so one contract is "
            f"about {step:.0%} of the hedge and whole contracts cannot come close"
            + (" (try a Micro contract, e.g. --contract MES, listed since May 2019)"
               if root in ("ES", "NQ", "RTY", "YM") else "")
        )  # fmt: skip
    if spec.rounding == "down" and gap < 0:
        why.append("--rounding down never rounds up to the target")
    kind = spec.rebalance.kind
    if kind in ("never", "calendar", "value", "beta"):
        why.append(f"the rebalance rule ({kind}) lets the hedge drift between trades")
    reason = "; ".join(why) if why else "the rebalance rule lets the hedge drift between trades"
    return (
        f"The hedge achieved {achieved:.1%} of the beta exposure on average against a target "
        f"of {target:.1%} ({gap * 100:+.1f} points): {reason}."
    )


# ---------------------------------------------------------------------------- entry points
def _resolve_engine(engine: str, stateful: bool) -> str:
    if engine not in ("auto", "numba", "numpy", "interpreted", "python"):
        raise InputError(
            "unknown engine",
            source="engine",
            value=engine,
            expected="'auto', 'numba', 'numpy', 'interpreted' or 'python'",
        )
    if stateful:
        if engine not in ("auto", "python"):
            raise InputError("a StatefulPolicy runs on the python engine only", source="engine",
                             value=engine, expected="'python' or 'auto'")  # fmt: skip
        return "python"
    return engine


def run_backtest(
    spec: BacktestSpec,
    *,
    engine: BacktestEngine = "auto",
    progress: Progress | None = None,
    history: HistoricalMarket | None = None,
) -> BacktestResult:
    """Run one hedge backtest over real history and keep every record.

    Parameters
    ----------
    spec
        The setup (portfolio, policy, contract, costs, margin, dates).
    engine
        ``"auto"`` (numba when installed, else the interpreted kernel; the python oracle for a
        :class:`~hedgekit.policies.StatefulPolicy`), ``"numba"``, ``"interpreted"`` or
        ``"python"`` (the readable oracle). All give the same numbers.
    progress
        ``progress(done, total)`` as the run advances.
    history
        A :class:`HistoricalMarket` already loaded for this spec (saves the loading).

    Returns
    -------
    BacktestResult
    """
    hist, paths, terms = build_inputs(spec, history)
    stateful = isinstance(spec.policy, StatefulPolicy)
    name = _resolve_engine(engine, stateful)
    cppi = None
    decide = None
    if isinstance(spec.policy, StatefulPolicy):
        targets = np.zeros(hist.n_days)
        decide = _stateful_callback(spec.policy, hist, terms)
    elif spec.hold_contracts is not None:
        # A held position has no target of its own: its ratio on the first session is
        # reported as the target, so the achieved average shows how far it drifted.
        beta0 = terms.beta if paths.beta is None else float(np.asarray(paths.beta)[0])
        ratio0 = (-spec.hold_contracts * terms.multiplier_usd * hist.futures_price_hold[0]
                  / (beta0 * terms.initial_value_usd))  # fmt: skip
        targets = np.full(hist.n_days, ratio0)
    else:
        vector, cppi = split_cppi(spec.policy)
        targets = _policy_targets(vector, hist)
    out = simulate_paths(
        paths,
        targets,
        terms,
        rule_parameter=spec.rebalance.parameter,
        calendar_days=spec.rebalance.calendar_days(hist.dates),
        cppi_multiplier=0.0 if cppi is None else cppi.multiplier,
        cppi_floor_fraction=0.0 if cppi is None else cppi.floor_fraction,
        full=True,
        engine=name,  # type: ignore[arg-type]
        progress=progress,
        decide=decide,
    )
    ledger = out.ledger(0)
    unhedged = _unhedged(paths, terms)
    initial = terms.initial_value_usd + terms.initial_cash_usd
    dates = hist.dates.to_numpy()
    daily = _daily(hist, ledger, unhedged, terms, paths.beta)
    notes = list(margin_terms(spec, hist)[3])
    warning = hedge_ratio_warning(spec, daily, hist.root)
    if warning is not None:
        notes.append(warning)
    hedged_cols = metrics_columns(ledger.total_value_usd, unhedged, hist.rate_annual, dates,
                                  initial_value_usd=initial, counters=out.counters)  # fmt: skip
    unhedged_cols = metrics_columns(unhedged, unhedged, hist.rate_annual, dates,
                                    initial_value_usd=initial)  # fmt: skip
    return BacktestResult(
        spec=spec,
        daily=daily,
        fills=_fills(hist, ledger, terms),
        rolls=_rolls(hist, ledger),
        margin_calls=_margin_calls(hist, ledger, terms),
        metrics=Metrics.from_columns(hedged_cols),
        unhedged_metrics=Metrics.from_columns(unhedged_cols),
        engine=out.engine,
        notes=tuple(notes),
    )


def _history_key(spec: BacktestSpec) -> tuple[Any, ...]:
    """What :func:`load_history` reads of a spec: runs equal on these share one history."""
    return (
        spec.start_date, spec.end_date, spec.contract, repr(spec.roll_rule),
        spec.futures_prices, spec.index_dividend_yield, spec.warmup_sessions,
    )  # fmt: skip


def _batch_key(spec: BacktestSpec, calendar: dict[Any, tuple[bool, ...]]) -> tuple[Any, ...]:
    """What runs of one batch must share: everything but policy and the rule's parameter.

    ``calendar`` caches each rule's calendar signature (rules are usually shared by many
    specs of a sweep).
    """
    rule = spec.rebalance
    cal_key: tuple[Any, ...] | None = (rule, spec.start_date)
    try:
        cal = calendar.get(cal_key)
    except TypeError:  # an unhashable user-written rule
        cal_key, cal = None, None
    if cal is None:
        cal = tuple(rule.calendar_days(pd.DatetimeIndex([spec.start_date])))
        if cal_key is not None:
            calendar[cal_key] = cal
    return (
        *_history_key(spec), repr(spec.portfolio), rule.kind, rule.ratio_change,
        repr(spec.costs), repr(spec.margin), spec.rounding, spec.cash_usd, cal,
        getattr(rule, "every", None), spec.net_short_tolerance, spec.hold_contracts,
    )  # fmt: skip


def _check_history(history: HistoricalMarket, spec: BacktestSpec, row: int) -> None:
    """A preloaded history must be of the spec's contract and inside its period."""
    root = get_contract(spec.contract).root
    first, last = history.dates[0], history.dates[-1]
    if history.root != root or first < spec.start_date or last > spec.end_date:
        raise InputError(
            "the preloaded history is not this spec's market",
            source="history",
            row=row,
            value=f"{history.root} {first.date()}..{last.date()}",
            expected=f"{root} sessions within {spec.start_date.date()}..{spec.end_date.date()}"
            " (load_history(spec))",
        )


def run_batch(
    specs: Sequence[BacktestSpec],
    *,
    labels: Sequence[str] | None = None,
    engine: BacktestEngine = "auto",
    progress: Progress | None = None,
    chunk_runs: int | None = None,
    history: HistoricalMarket | None = None,
) -> BatchSummary:
    """Run many backtests that share a market and an account, side by side in one batch.

    Specs are grouped by everything except the policy and the rebalance rule's parameter;
    each group is one batched kernel call, with policy targets computed chunk by chunk so
    memory stays bounded. The history is loaded once per distinct period and contract (or
    given); stateful policies run one by one on the python engine.

    The batched runs keep no value path: the kernel measures each run's path as it goes
    (:func:`hedgekit.metrics.metrics_columns_online`). Final values, returns, drawdowns and
    their dates, costs and counts equal :func:`run_backtest`'s exactly; volatility, Sharpe,
    Sortino and hedge effectiveness use Welford's running moments where a single backtest
    uses numpy's two-pass ones, and agree with them within 1e-14 absolute (the last digits
    of a double, never of a printed figure).

    Parameters
    ----------
    specs
        The runs.
    labels
        A label per run (default ``"run <i>"``).
    engine
        As for :func:`run_backtest`.
    progress
        ``progress(done_runs, total_runs)``.
    chunk_runs
        Runs per kernel chunk (default: the engine's own, 256 for numba, 1,024 for numpy).
    history
        A :class:`HistoricalMarket` already loaded (:func:`load_history`) for the specs,
        which must then all share its period and contract: a sweep calling this batch by
        batch loads the market once.

    Returns
    -------
    BatchSummary
        One row per spec, in input order.
    """
    specs = tuple(specs)
    if not specs:
        raise InputError("no runs", source="specs", expected="at least one BacktestSpec")
    names = list(labels) if labels is not None else [f"run {i}" for i in range(len(specs))]
    if len(names) != len(specs):
        raise InputError("one label per spec", source="labels", value=len(names),
                         expected=f"{len(specs)}")  # fmt: skip
    groups: dict[tuple[Any, ...], list[int]] = {}
    calendar: dict[Any, tuple[bool, ...]] = {}
    for i, spec in enumerate(specs):
        if not isinstance(spec, BacktestSpec):
            raise InputError("not a BacktestSpec", source="specs", row=i, value=repr(spec))
        groups.setdefault(_batch_key(spec, calendar), []).append(i)
    histories: dict[tuple[Any, ...], HistoricalMarket] = {}
    if history is not None:
        if not isinstance(history, HistoricalMarket):
            raise InputError("not a HistoricalMarket", source="history", value=repr(history))
        for members in groups.values():
            _check_history(history, specs[members[0]], members[0])
    rows: list[dict[str, Any] | None] = [None] * len(specs)
    total = len(specs)
    done = 0
    engines: set[str] = set()
    for members in groups.values():
        first = specs[members[0]]
        hist = history
        if hist is None:
            hist = histories.get(_history_key(first))
            if hist is None:
                hist = histories.setdefault(_history_key(first), load_history(first))
        hist, paths, terms = build_inputs(first, hist)
        initial = terms.initial_value_usd + terms.initial_cash_usd
        unhedged = _unhedged(paths, terms)
        dates = hist.dates.to_numpy()
        un_cols = metrics_columns(unhedged, unhedged, hist.rate_annual, dates,
                                  initial_value_usd=initial)  # fmt: skip
        stateful = [i for i in members if isinstance(specs[i].policy, StatefulPolicy)]
        vector = [i for i in members if i not in stateful]
        results: dict[int, dict[str, Any]] = {}
        for i in stateful:
            res = run_backtest(specs[i], engine="python", history=hist)
            engines.add(res.engine)
            results[i] = {f: getattr(res.metrics, f) for f in Metrics.__dataclass_fields__}
            done += 1
            if progress is not None:
                progress(done, total)
        if vector:
            name = _resolve_engine(engine, False)
            parts = [split_cppi(specs[i].policy) for i in vector]  # type: ignore[arg-type]
            base = done

            def chunk_targets(
                lo: int, hi: int, parts: list[Any] = parts, hist: HistoricalMarket = hist
            ) -> Float64Array:
                cols = [_policy_targets(parts[j][0], hist) for j in range(lo, hi)]
                return np.column_stack(cols).astype(np.float64)

            def report(d: int, k: int, base: int = base) -> None:
                if progress is not None:
                    progress(base + d, total)

            out = simulate_paths(
                paths,
                chunk_targets,
                terms,
                rule_parameter=np.array([specs[i].rebalance.parameter for i in vector]),
                calendar_days=first.rebalance.calendar_days(hist.dates),
                cppi_multiplier=np.array([0.0 if c is None else c.multiplier for _, c in parts]),
                cppi_floor_fraction=np.array(
                    [0.0 if c is None else c.floor_fraction for _, c in parts]
                ),
                n_runs=len(vector),
                engine=name,  # type: ignore[arg-type]
                chunk_runs=chunk_runs,
                progress=report,
                values=False,  # measured online: no (n, k) value path is kept
            )
            engines.add(out.engine)
            cols = metrics_columns_online(
                out.measures, unhedged, hist.rate_annual, dates,
                initial_value_usd=initial, counters=out.counters,
            )  # fmt: skip
            for j, i in enumerate(vector):
                m = Metrics.from_columns(cols, j)
                results[i] = {f: getattr(m, f) for f in Metrics.__dataclass_fields__}
            done += len(vector)
        un = Metrics.from_columns(un_cols)
        for i in members:
            row: dict[str, Any] = {
                "run": i,
                "label": names[i],
                "policy": specs[i].policy.name,
                "rebalance": type(specs[i].rebalance).__name__,
                "rebalance_parameter": specs[i].rebalance.parameter,
            }
            row.update(results[i])
            for f in ("total_return", "cagr", "volatility_annual", "max_drawdown", "sharpe"):
                row[f"unhedged_{f}"] = getattr(un, f)
            rows[i] = row
    frame = pd.DataFrame([r for r in rows if r is not None])
    return BatchSummary(frame=frame, specs=specs, engine="+".join(sorted(engines)))
