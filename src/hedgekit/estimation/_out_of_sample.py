r"""Time-varying hedge ratios judged out of sample, after the costs of trading them.

The question of Figlewski (1984), Cecchetti, Cumby & Figlewski (1988) and Kroner & Sultan
(1993): does a ratio that follows changing volatilities and correlation hedge better *out
of sample* than the constant OLS ratio (Ederington 1979), once the extra trading is paid
for? Every strategy here holds whole contracts of one futures contract against a spot
position of constant value :math:`V`; on day ``t`` the hedged profit is

.. math::

    \Pi_t = V r_{S,t} - N_t\, m\, (F_t - F_{t-1}) - c_t

with :math:`N_t` contracts short (set at the last rebalance from information up to the
close before it), multiplier :math:`m` and trading costs :math:`c_t` (commission plus
slippage per contract per side, on every trade and on every roll). Hedge effectiveness is
:math:`1 - \mathrm{Var}(\Pi)/\mathrm{Var}(V r_S)` (Ederington 1979; Hull, 11th ed., §3.4).

No look-ahead: the ratio used on day ``t`` is built from returns up to ``t - 1`` only
(rolling and EWMA paths are ex ante by construction; DCC parameters are refitted at each
refit date on the returns before it and filtered daily in between).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal, TypeAlias

import numpy as np
import pandas as pd

from hedgekit._constants import TRADING_DAYS_PER_YEAR
from hedgekit._typing import BoolArray, Float64Array
from hedgekit.errors import InputError

from ._common import iso, json_float
from ._dcc import DCCParams
from ._ewma import RISKMETRICS_DAILY_DECAY
from ._kernels import ols
from ._time_varying import (
    DCC_MIN_OBS,
    DEFAULT_ROLLING_WINDOW,
    DCCFitError,
    dcc_filter,
    ewma_path,
    fit_dcc_core,
    rolling_path,
)

__all__ = [
    "OUT_OF_SAMPLE_EPISODES",
    "HedgePair",
    "OutOfSampleResult",
    "OutOfSampleRow",
    "OutOfSampleSettings",
    "evaluate_hedge_ratios",
    "hedge_pair",
    "ratio_paths",
]

RefitEvery: TypeAlias = Literal["weekly", "monthly", "quarterly"]
RebalanceEvery: TypeAlias = Literal["daily", "weekly", "monthly"]

#: Episodes reported besides the whole test span: the replays' dates
#: (:data:`hedgekit.replays.EPISODES`).
OUT_OF_SAMPLE_EPISODES: Final = (
    "crisis-2008",
    "q4-2018",
    "covid-crash-2020",
    "bear-2022",
    "rally-2023",
)

#: Fewest sessions of an episode inside the test span for it to be reported.
MIN_EPISODE_SESSIONS: Final = 20

#: Strategies always reported besides the models.
BENCHMARKS: Final = ("h=1", "static-ols")


@dataclass(frozen=True, slots=True)
class HedgePair:
    """Spot returns and futures prices on common sessions.

    Attributes
    ----------
    dates
        Sessions, ascending; ``spot_return`` and ``futures_change`` are from the previous
        session to this one.
    spot_return
        Simple return of the spot position.
    futures_price_prev
        Futures price at the previous session's close (index points).
    futures_change
        :math:`F_t - F_{t-1}` of the contract held (NaN on a roll session, where the series
        switches contract).
    roll
        True on a roll session.
    spot_name, futures_name
        What the two series are.
    """

    dates: pd.DatetimeIndex
    spot_return: Float64Array
    futures_price_prev: Float64Array
    futures_change: Float64Array
    roll: BoolArray
    spot_name: str
    futures_name: str

    @property
    def futures_return(self) -> Float64Array:
        """:math:`F_t/F_{t-1} - 1` (NaN on roll sessions)."""
        out: Float64Array = self.futures_change / self.futures_price_prev
        return out


def hedge_pair(
    spot_returns: pd.Series,
    futures_prices: pd.Series,
    contract_labels: pd.Series,
    *,
    spot_name: str,
    futures_name: str,
) -> HedgePair:
    """Pair spot returns with a continuous front-month futures series on common sessions.

    Futures prices are read on the spot's sessions only (a Globex-only holiday is skipped,
    so the change spans it); a session whose contract label differs from the previous
    session's is a roll: its change is the calendar spread, not a market move, and is
    excluded from the returns (as :func:`futures_returns_excluding_rolls`) while the roll's
    trading cost is still charged.
    """
    fut = futures_prices.dropna()
    common = spot_returns.dropna().index.intersection(fut.index)
    if len(common) < 3:
        raise InputError(
            "the spot and futures series have fewer than 3 sessions in common",
            source="--from",
            expected="overlapping histories",
        )
    price = fut.reindex(common).to_numpy(dtype=np.float64)
    label = contract_labels.reindex(common).astype(str).to_numpy()
    s = spot_returns.reindex(common).to_numpy(dtype=np.float64)
    change = np.diff(price)
    roll = label[1:] != label[:-1]
    change[roll] = np.nan
    return HedgePair(
        dates=pd.DatetimeIndex(common[1:]),
        spot_return=s[1:],
        futures_price_prev=price[:-1],
        futures_change=change,
        roll=np.asarray(roll, dtype=np.bool_),
        spot_name=spot_name,
        futures_name=futures_name,
    )


@dataclass(frozen=True, slots=True)
class OutOfSampleSettings:
    """How the hedge ratios are fitted, traded and charged.

    Attributes
    ----------
    models
        Time-varying models to judge: ``"rolling"``, ``"ewma"``, ``"dcc"``.
    rolling_window
        Rolling OLS window (sessions).
    decay
        EWMA λ (RiskMetrics 0.94 for daily data).
    train_sessions
        Sessions before the first test day: the static OLS ratio's sample and the first DCC
        fit's sample.
    fit_window
        DCC fit window in sessions; ``None`` = expanding (all sessions before the refit).
    refit
        How often the DCC parameters are re-estimated (between refits they filter daily).
    rebalance
        How often contracts are re-sized to the current ratio.
    value_usd
        Constant value of the spot position.
    multiplier_usd, tick_value_usd
        The contract's dollars per index point and per tick.
    commission_usd, slippage_ticks
        Costs per contract per side (the project's defaults: $2.50 and one tick).
    """

    models: tuple[str, ...] = ("rolling", "ewma", "dcc")
    rolling_window: int = DEFAULT_ROLLING_WINDOW
    decay: float = RISKMETRICS_DAILY_DECAY
    train_sessions: int = 2 * TRADING_DAYS_PER_YEAR
    fit_window: int | None = None
    refit: RefitEvery = "monthly"
    rebalance: RebalanceEvery = "weekly"
    value_usd: float = 1_000_000.0
    multiplier_usd: float = 50.0
    tick_value_usd: float = 12.5
    commission_usd: float = 2.50
    slippage_ticks: float = 1.0

    @property
    def cost_per_contract_side_usd(self) -> float:
        """Commission plus slippage for one contract, one side."""
        return self.commission_usd + self.slippage_ticks * self.tick_value_usd


def _period_starts(dates: pd.DatetimeIndex, every: str) -> BoolArray:
    """True on the first session of each period (and on the first session)."""
    if every == "daily":
        return np.ones(len(dates), dtype=np.bool_)
    if every == "weekly":
        key = dates.to_period("W")
    elif every == "monthly":
        key = dates.to_period("M")
    else:
        key = dates.to_period("Q")
    codes = np.asarray(key.asi8)
    out = np.ones(len(dates), dtype=np.bool_)
    out[1:] = codes[1:] != codes[:-1]
    return out


def _dcc_path(
    s: Float64Array,
    f: Float64Array,
    first_test: int,
    refit_days: BoolArray,
    settings: OutOfSampleSettings,
    progress: Callable[[int, int], None] | None,
) -> tuple[Float64Array, list[str], int]:
    """Ex-ante DCC ratio, ``n + 1`` entries, refitted on ``refit_days`` from ``first_test``.

    NaN before ``first_test``; the last entry is the forecast after the last day.
    """
    n = s.size
    h = np.full(n + 1, np.nan)
    notes: list[str] = []
    fits = [i for i in range(first_test, n) if refit_days[i] or i == first_test]
    previous: DCCParams | None = None
    fallback_path = ewma_path(s, f, settings.decay)[0]
    n_fallback = 0
    for k, i in enumerate(fits):
        stop = fits[k + 1] if k + 1 < len(fits) else n + 1
        lo = 0 if settings.fit_window is None else max(0, i - settings.fit_window)
        try:
            params, _, _, _ = fit_dcc_core(s[lo:i], f[lo:i], start=previous)
        except DCCFitError as exc:
            n_fallback += 1
            if len(notes) < 3:
                notes.append(
                    f"DCC fit on the sessions before the refit of entry {i} failed ({exc}); "
                    f"the EWMA ratio (λ = {settings.decay:g}) was used until the next refit"
                )
            h[i:stop] = fallback_path[i:stop]
        else:
            previous = params
            # Entry j of the filter over s[lo:end] uses returns before j only.
            end = min(stop, n)
            path = dcc_filter(params, s[lo:end], f[lo:end])[0]
            h[i:stop] = path[i - lo : stop - lo]
        if progress is not None:
            progress(k + 1, len(fits))
    if n_fallback > 3:
        notes.append(f"{n_fallback} DCC refits fell back to EWMA in all")
    return h, notes, len(fits)


def ratio_paths(
    pair: HedgePair,
    settings: OutOfSampleSettings,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[dict[str, Float64Array], list[str], dict[str, float]]:
    """Ex-ante hedge ratio of every strategy on every session (NaN before the test span).

    Roll sessions carry no futures return; they are left out of every fit and filter (as
    :func:`align` does) and the ratio of the session before is carried over them.

    Returns
    -------
    paths, notes, timings
        ``{strategy: h}`` over ``pair.dates``; what went wrong in fits; seconds per model.
    """
    n = len(pair.dates)
    first_test = settings.train_sessions
    if first_test < DCC_MIN_OBS + 10:
        raise InputError(
            "too few training sessions for the first fits",
            source="--train",
            value=settings.train_sessions,
            expected=f"at least {DCC_MIN_OBS + 10} sessions",
        )
    if first_test >= n - 1:
        raise InputError(
            f"{n} sessions leave no test span after {settings.train_sessions} training sessions",
            source="--train",
            value=settings.train_sessions,
            expected=f"fewer than {n - 1} sessions, or a longer --from .. --to span",
        )
    ok = ~pair.roll & np.isfinite(pair.futures_change) & np.isfinite(pair.spot_return)
    idx = np.flatnonzero(ok)
    s = pair.spot_return[idx]
    f = pair.futures_return[idx]
    # First test session in the compressed (roll-free) sample.
    first_c = int(np.searchsorted(idx, first_test))
    test_days = np.arange(n) >= first_test
    paths_c: dict[str, Float64Array] = {}
    notes: list[str] = []
    timings: dict[str, float] = {}
    paths_c["h=1"] = np.ones(s.size)
    fit = ols(s[:first_c], f[:first_c])
    paths_c["static-ols"] = np.full(s.size, float(fit.coef[1]))
    for model in settings.models:
        t0 = time.perf_counter()
        if model == "rolling":
            paths_c[model] = rolling_path(s, f, settings.rolling_window)[0][:-1]
        elif model == "ewma":
            paths_c[model] = ewma_path(s, f, settings.decay)[0][:-1]
        elif model == "dcc":
            refit_c = _period_starts(pair.dates[idx], settings.refit)
            h, dcc_notes, n_fits = _dcc_path(s, f, first_c, refit_c, settings, progress)
            paths_c[model] = h[:-1]
            notes.extend(dcc_notes)
            timings["dcc_refits"] = float(n_fits)
        timings[model] = time.perf_counter() - t0
    out: dict[str, Float64Array] = {}
    for name, pc in paths_c.items():
        full = np.full(n, np.nan)
        full[idx] = pc
        # Roll sessions: carry the last ratio (forward fill).
        filled = np.array(pd.Series(full).ffill().to_numpy(dtype=np.float64), copy=True)
        filled[~test_days] = np.nan
        out[name] = filled
    return out, notes, timings


@dataclass(frozen=True, slots=True)
class OutOfSampleRow:
    r"""One strategy over one period.

    Attributes
    ----------
    strategy, period
        e.g. ``"dcc"``, ``"all"`` or an episode key.
    start, end, n_sessions
        Sessions of the period.
    hedge_effectiveness
        :math:`1 - \mathrm{Var}(\Pi)/\mathrm{Var}(V r_S)`, costs included.
    tracking_error_annual
        Annualised standard deviation of :math:`\Pi / V`: how far the hedged position
        strays from a riskless one (252 sessions a year).
    mean_ratio
        Average ratio held (effective, after rounding to whole contracts).
    turnover_contracts
        Contracts traded to re-size the hedge (entry and rolls excluded).
    roll_contracts
        Contracts traded on rolls (both sides counted).
    costs_usd
        Commission and slippage on every trade: entry, re-sizing and rolls.
    hedge_pnl_usd
        Futures profit of the short position, before costs.
    net_usd
        ``hedge_pnl_usd - costs_usd``: what the hedge itself earned after costs.
    """

    strategy: str
    period: str
    start: pd.Timestamp
    end: pd.Timestamp
    n_sessions: int
    hedge_effectiveness: float
    tracking_error_annual: float
    mean_ratio: float
    turnover_contracts: float
    roll_contracts: float
    costs_usd: float
    hedge_pnl_usd: float
    net_usd: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary."""
        return {
            "strategy": self.strategy,
            "period": self.period,
            "start": iso(self.start),
            "end": iso(self.end),
            "n_sessions": int(self.n_sessions),
            "hedge_effectiveness": json_float(self.hedge_effectiveness),
            "tracking_error_annual": json_float(self.tracking_error_annual),
            "mean_ratio": json_float(self.mean_ratio),
            "turnover_contracts": json_float(self.turnover_contracts),
            "roll_contracts": json_float(self.roll_contracts),
            "costs_usd": json_float(self.costs_usd),
            "hedge_pnl_usd": json_float(self.hedge_pnl_usd),
            "net_usd": json_float(self.net_usd),
        }


@dataclass(frozen=True, slots=True)
class OutOfSampleResult:
    """Every strategy's out-of-sample record, whole span and per episode.

    Attributes
    ----------
    rows
        One per (strategy, period); period ``"all"`` first.
    settings
        What was run.
    spot_name, futures_name
        The two series.
    train_start, test_start, test_end
        Training and test spans.
    notes
        Fits that failed and what replaced them.
    seconds
        Run time per model (and ``"dcc_refits"``: the number of DCC fits).
    """

    rows: tuple[OutOfSampleRow, ...]
    settings: OutOfSampleSettings
    spot_name: str
    futures_name: str
    train_start: pd.Timestamp
    test_start: pd.Timestamp
    test_end: pd.Timestamp
    notes: tuple[str, ...] = ()
    seconds: Mapping[str, float] = field(default_factory=dict)

    def best(self, period: str = "all") -> OutOfSampleRow:
        """The strategy with the highest hedge effectiveness (after costs) in ``period``."""
        rows = [r for r in self.rows if r.period == period]
        return max(rows, key=lambda r: -math.inf if math.isnan(r.hedge_effectiveness)
                   else r.hedge_effectiveness)  # fmt: skip

    def row(self, strategy: str, period: str = "all") -> OutOfSampleRow:
        """The row of ``strategy`` in ``period``."""
        for r in self.rows:
            if r.strategy == strategy and r.period == period:
                return r
        raise KeyError((strategy, period))

    def verdict(self) -> str:
        """One plain sentence: which ratio hedged best after costs over the test span."""
        best = self.best()
        static = self.row("static-ols")
        diff = best.hedge_effectiveness - static.hedge_effectiveness
        if best.strategy == "static-ols":
            return (
                "The static OLS ratio hedged best out of sample after costs "
                f"({static.hedge_effectiveness:.1%} of the variance removed)."
            )
        return (
            f"The {best.strategy} ratio hedged best out of sample after costs: "
            f"{best.hedge_effectiveness:.1%} of the variance removed against "
            f"{static.hedge_effectiveness:.1%} for the static OLS ratio "
            f"({diff * 100:+.2f} points), at ${best.costs_usd:,.0f} of trading costs against "
            f"${static.costs_usd:,.0f}."
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary."""
        s = self.settings
        return {
            "spot": self.spot_name,
            "futures": self.futures_name,
            "train_start": iso(self.train_start),
            "test_start": iso(self.test_start),
            "test_end": iso(self.test_end),
            "settings": {
                "models": list(s.models),
                "rolling_window": s.rolling_window,
                "decay": s.decay,
                "train_sessions": s.train_sessions,
                "fit_window": s.fit_window,
                "refit": s.refit,
                "rebalance": s.rebalance,
                "value_usd": s.value_usd,
                "multiplier_usd": s.multiplier_usd,
                "commission_usd": s.commission_usd,
                "slippage_ticks": s.slippage_ticks,
            },
            "verdict": self.verdict(),
            "rows": [r.to_dict() for r in self.rows],
            "notes": list(self.notes),
            "seconds": {k: json_float(v) for k, v in self.seconds.items()},
        }


def _contracts(
    h: Float64Array, pair: HedgePair, rebalance: BoolArray, settings: OutOfSampleSettings
) -> Float64Array:
    """Whole contracts short on each session: re-sized on rebalance sessions only."""
    n = h.size
    out = np.zeros(n)
    held = 0.0
    started = False
    for t in range(n):
        if not math.isfinite(h[t]):
            out[t] = 0.0
            continue
        if rebalance[t] or not started:
            notional = settings.multiplier_usd * pair.futures_price_prev[t]
            held = float(np.round(h[t] * settings.value_usd / notional))
            started = True
        out[t] = held
    return out


def _row(
    strategy: str,
    period: str,
    mask: BoolArray,
    pair: HedgePair,
    n_short: Float64Array,
    costs: Float64Array,
    turnover: Float64Array,
    rolls: Float64Array,
    settings: OutOfSampleSettings,
) -> OutOfSampleRow:
    ok = mask & np.isfinite(pair.futures_change)
    v = settings.value_usd
    spot_pnl = v * pair.spot_return
    fut_pnl = -n_short * settings.multiplier_usd * np.nan_to_num(pair.futures_change)
    hedged = spot_pnl + fut_pnl - costs
    var_u = float(np.var(spot_pnl[ok], ddof=1))
    var_h = float(np.var(hedged[ok], ddof=1))
    eff = n_short * settings.multiplier_usd * pair.futures_price_prev / v
    dates = pair.dates[mask]
    return OutOfSampleRow(
        strategy=strategy,
        period=period,
        start=pd.Timestamp(dates[0]),
        end=pd.Timestamp(dates[-1]),
        n_sessions=int(mask.sum()),
        hedge_effectiveness=1.0 - var_h / var_u if var_u > 0 else math.nan,
        tracking_error_annual=float(np.std(hedged[ok] / v, ddof=1))
        * math.sqrt(TRADING_DAYS_PER_YEAR),
        mean_ratio=float(np.mean(eff[mask])),
        turnover_contracts=float(turnover[mask].sum()),
        roll_contracts=float(rolls[mask].sum()),
        costs_usd=float(costs[mask].sum()),
        hedge_pnl_usd=float(fut_pnl[mask].sum()),
        net_usd=float(fut_pnl[mask].sum() - costs[mask].sum()),
    )


def evaluate_hedge_ratios(
    pair: HedgePair,
    settings: OutOfSampleSettings | None = None,
    *,
    episodes: Sequence[tuple[str, pd.Timestamp, pd.Timestamp]] = (),
    progress: Callable[[int, int], None] | None = None,
) -> OutOfSampleResult:
    """Judge static, ``h = 1`` and time-varying hedge ratios out of sample, after costs.

    Parameters
    ----------
    pair
        Spot returns and futures prices (:func:`hedge_pair`).
    settings
        Models, fit and trading settings (:class:`OutOfSampleSettings`).
    episodes
        ``(key, start, end)`` periods to report besides the whole test span; those with
        fewer than 20 test sessions are skipped.
    progress
        Called with ``(done, total)`` DCC refits.

    Returns
    -------
    OutOfSampleResult
    """
    st = settings or OutOfSampleSettings()
    paths, notes, seconds = ratio_paths(pair, st, progress=progress)
    n = len(pair.dates)
    test = np.arange(n) >= st.train_sessions
    rebalance = _period_starts(pair.dates, st.rebalance)
    side = st.cost_per_contract_side_usd
    rows: list[OutOfSampleRow] = []
    periods: list[tuple[str, BoolArray]] = [("all", test)]
    for key, lo, hi in episodes:
        m = test & (pair.dates >= lo) & (pair.dates <= hi)
        if int(m.sum()) >= MIN_EPISODE_SESSIONS:
            periods.append((key, m))
    per_strategy = []
    for name, h in paths.items():
        n_short = _contracts(h, pair, rebalance, st)
        prev = np.concatenate([[0.0], n_short[:-1]])
        trade = np.abs(n_short - prev)
        entry = (prev == 0.0) & (n_short != 0.0)
        turnover = np.where(entry, 0.0, trade)
        # A roll closes the old contract and opens the new one: two sides per contract.
        rolls = np.where(pair.roll, 2.0 * np.abs(prev), 0.0)
        costs = (trade + rolls) * side
        per_strategy.append((name, n_short, costs, turnover, rolls))
    for period, mask in periods:
        for name, n_short, costs, turnover, rolls in per_strategy:
            rows.append(_row(name, period, mask, pair, n_short, costs, turnover, rolls, st))
    test_dates = pair.dates[test]
    return OutOfSampleResult(
        rows=tuple(rows),
        settings=st,
        spot_name=pair.spot_name,
        futures_name=pair.futures_name,
        train_start=pd.Timestamp(pair.dates[0]),
        test_start=pd.Timestamp(test_dates[0]),
        test_end=pd.Timestamp(test_dates[-1]),
        notes=tuple(notes),
        seconds=seconds,
    )
