"""The measures of one or many runs gathered in a typed record: :class:`Metrics`."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from hedgekit._constants import TRADING_DAYS_PER_YEAR
from hedgekit._typing import Float64Array
from hedgekit.errors import InputError
from hedgekit.metrics._measures import (
    _excess,
    _max_drawdown,
    _sharpe,
    _sortino,
    _values,
    cagr,
    daily_returns,
    risk_free_daily,
    total_return,
)

__all__ = ["COST_COUNTERS", "Metrics", "metrics_columns", "metrics_columns_online"]

#: Counters (as produced by the engine) that :func:`metrics_columns` reads, all optional.
COST_COUNTERS = (
    "fees_usd",
    "slippage_usd",
    "roll_fees_usd",
    "roll_slippage_usd",
    "margin_interest_cost_usd",
    "n_trades",
    "n_rolls",
    "n_margin_calls",
    "largest_margin_call_usd",
    "sum_hedge_ratio_effective",
    "days_hedged",
)

_INT_FIELDS = ("n_trades", "n_rolls", "n_margin_calls")
_DATE_FIELDS = ("max_drawdown_start", "max_drawdown_trough", "max_drawdown_end")


@dataclass(frozen=True, slots=True)
class Metrics:
    """Measures of one run (see :mod:`hedgekit.metrics` for the definitions).

    Attributes
    ----------
    initial_value_usd, final_value_usd
        Value before the first trade and at the last close.
    total_return, cagr, volatility_annual
        Fractions (0.05 = 5%).
    max_drawdown
        Largest fall from a running peak, fraction >= 0.
    max_drawdown_start, max_drawdown_trough, max_drawdown_end
        Dates of that peak, trough and the recovery to the peak (None: not recovered, or no
        drawdown).
    sharpe, sortino
        Annualised, over the T-bill (NaN when undefined).
    hedge_effectiveness
        ``1 - var(hedged)/var(unhedged)`` of daily returns (0 for the unhedged portfolio).
    average_hedge_ratio
        Mean effective hedge ratio ``−N m F/(β S)`` over the sessions.
    time_hedged
        Fraction of sessions with a futures position.
    fees_usd, slippage_usd
        Commission and slippage, all trades.
    roll_cost_usd
        Commission and slippage of the roll trades (included in the two above).
    margin_interest_usd
        Interest forgone on the margin account against the T-bill (see ``HedgeTerms``).
    n_trades, n_rolls, n_margin_calls
        Counts.
    largest_margin_call_usd
        Largest single margin-call deposit.
    """

    initial_value_usd: float
    final_value_usd: float
    total_return: float
    cagr: float
    volatility_annual: float
    max_drawdown: float
    max_drawdown_start: dt.date | None
    max_drawdown_trough: dt.date | None
    max_drawdown_end: dt.date | None
    sharpe: float
    sortino: float
    hedge_effectiveness: float
    average_hedge_ratio: float
    time_hedged: float
    fees_usd: float
    slippage_usd: float
    roll_cost_usd: float
    margin_interest_usd: float
    n_trades: int
    n_rolls: int
    n_margin_calls: int
    largest_margin_call_usd: float

    @classmethod
    def from_columns(cls, columns: Mapping[str, Any], run: int = 0) -> Metrics:
        """Pick run ``run`` out of :func:`metrics_columns`'s arrays."""
        kwargs: dict[str, Any] = {}
        for f in fields(cls):
            if f.name in _DATE_FIELDS:
                stamps = np.asarray(columns[f.name], dtype="datetime64[ns]")
                stamp: np.datetime64 = stamps.reshape(-1)[run if stamps.ndim else 0]
                kwargs[f.name] = None if np.isnat(stamp) else pd.Timestamp(stamp).date()
                continue
            value = np.asarray(columns[f.name])
            item = value[run] if value.ndim else value[()]
            kwargs[f.name] = int(item) if f.name in _INT_FIELDS else float(item)
        return cls(**kwargs)

    @property
    def total_costs_usd(self) -> float:
        """Fees + slippage + margin interest forgone."""
        return self.fees_usd + self.slippage_usd + self.margin_interest_usd

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: floats (NaN as None), ints, ISO dates."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, dt.date):
                out[f.name] = value.isoformat()
            elif isinstance(value, float) and not math.isfinite(value):
                out[f.name] = None
            else:
                out[f.name] = value
        return out


def metrics_columns(
    values: npt.ArrayLike,
    unhedged: npt.ArrayLike,
    rate_annual: npt.ArrayLike,
    dates: npt.ArrayLike,
    *,
    initial_value_usd: npt.ArrayLike,
    counters: Mapping[str, npt.ArrayLike] | None = None,
) -> dict[str, Any]:
    """All :class:`Metrics` fields for ``k`` runs at once (arrays of shape ``(k,)``).

    Parameters
    ----------
    values
        Total value paths, ``(n,)`` or ``(n, k)``.
    unhedged
        The unhedged value path(s) the hedge effectiveness compares with.
    rate_annual
        Risk-free rate per session, ``(n,)``.
    dates
        Sessions, ``(n,)``.
    initial_value_usd
        Value before the first trade (scalar or per run).
    counters
        Engine counters (names in :data:`COST_COUNTERS`); missing ones count as 0 (an
        unhedged portfolio).

    Notes
    -----
    The same numbers as the single measures of :mod:`hedgekit.metrics._measures` called
    one by one (tests compare them bit for bit), with the shared pieces computed once: the
    returns' variance (volatility and hedge effectiveness), the excess returns and their
    mean (Sharpe and Sortino), the validation of the paths; the drawdown scan runs on a
    time-last copy of the paths.
    """
    w = np.asarray(values, dtype=np.float64)
    two = _values(w.reshape(w.shape[0], -1))
    k = two.shape[1]
    n = two.shape[0]
    u = np.asarray(unhedged, dtype=np.float64)
    u2 = u.reshape(u.shape[0], -1)
    day = pd.DatetimeIndex(np.asarray(dates, dtype="datetime64[ns]"))
    init = np.broadcast_to(np.asarray(initial_value_usd, np.float64), (k,))
    r = daily_returns(two)
    rf = risk_free_daily(rate_annual)
    dd = _max_drawdown(two)
    ur = daily_returns(u2)
    var_r = np.var(r, axis=0, ddof=1)
    var_u = np.var(ur, axis=0, ddof=1)
    if (var_u > 0).all():  # as hedge_effectiveness(r, ur)
        he = np.broadcast_to(np.asarray(1.0 - var_r / var_u), (k,))
    else:  # a riskless benchmark: nothing to hedge, the ratio is undefined
        he = np.full(k, np.nan)
    # volatility_annual(r): np.std is the square root of np.var
    vol = np.asarray(np.sqrt(var_r) * np.sqrt(TRADING_DAYS_PER_YEAR))
    e = _excess(r, rf)
    mean_e = np.mean(e, axis=0)

    return _columns(
        init=init, final=two[-1], n=n, dates=day, vol=vol, depth=dd.depth, peak=dd.peak,
        trough=dd.trough, end=dd.end, sharpe=_sharpe(e, mean_e, TRADING_DAYS_PER_YEAR),
        sortino=_sortino(e, mean_e, TRADING_DAYS_PER_YEAR), he=he, counters=counters,
        total=total_return(two, init), growth=cagr(two, init),
    )  # fmt: skip


def metrics_columns_online(
    measures: Mapping[str, npt.ArrayLike],
    unhedged: npt.ArrayLike,
    rate_annual: npt.ArrayLike,
    dates: npt.ArrayLike,
    *,
    initial_value_usd: npt.ArrayLike,
    counters: Mapping[str, npt.ArrayLike] | None = None,
) -> dict[str, Any]:
    r"""All :class:`Metrics` fields for ``k`` runs from the engine's online measures.

    The same fields as :func:`metrics_columns`, from what the batch kernel measured day by
    day (:attr:`hedgekit.engine.HedgePaths.measures`, simulated with ``values=False``)
    instead of from ``(n, k)`` value paths, so a sweep holds no path in memory:

    * final value, total return and CAGR from the final value (the same operations);
    * the deepest drawdown and its dates: the kernel's running scan makes the same
      divisions and comparisons as :func:`~hedgekit.metrics.max_drawdown`, so they are equal
      to the last bit;
    * volatility :math:`\sqrt{M_2 / (m - 1)}\sqrt{252}`, Sharpe
      :math:`\bar e / \sqrt{M_2^e / (m - 1)}\,\sqrt{252}` and Sortino
      :math:`\bar e \sqrt{252} / \sqrt{D / m}` over the :math:`m = n - 1` daily returns, with
      Welford's running mean and sum of squared deviations :math:`M_2` (Welford 1962; Knuth,
      TAOCP vol. 2, 4.2.2) and Sortino's downside sum :math:`D = \sum \min(e_t, 0)^2`
      (Sortino & Price 1994): the same quantities as numpy's two-pass ``var``/``std`` and
      ``mean``, equal to them but for rounding in another order: within 1e-14 absolute
      (these measures are of order 1; about 1e-15 relative away from zero, more for a
      ratio that is itself near zero). Tests hold them to 1e-12 relative or 1e-13
      absolute;
    * hedge effectiveness :math:`1 - \mathrm{var}(r) / \mathrm{var}(r^u)` with the hedged
      variance from :math:`M_2` and the unhedged one from the unhedged path.

    Parameters
    ----------
    measures
        The kernel's measures, each ``(k,)`` (names in
        :data:`hedgekit.engine._hedge_kernel.MEASURES`).
    unhedged, rate_annual, dates, initial_value_usd, counters
        As for :func:`metrics_columns`; ``dates`` and ``rate_annual`` give ``n``.
    """
    day = pd.DatetimeIndex(np.asarray(dates, dtype="datetime64[ns]"))
    n = len(day)
    m = n - 1
    if m < 2:
        raise InputError("need at least 3 sessions for the online measures", source="dates",
                         value=n, expected=">= 3")  # fmt: skip
    final = np.asarray(measures["final_value_usd"], dtype=np.float64)
    if not np.isfinite(final).all():
        raise InputError("contains a non-finite value", source="values")
    k = final.shape[0]
    init = np.broadcast_to(np.asarray(initial_value_usd, np.float64), (k,))
    u = np.asarray(unhedged, dtype=np.float64)
    var_u = np.var(daily_returns(u.reshape(u.shape[0], -1)), axis=0, ddof=1)
    var_r = np.asarray(measures["m2_return"], np.float64) / (m - 1)
    if (var_u > 0).all():
        he = np.broadcast_to(np.asarray(1.0 - var_r / var_u), (k,))
    else:
        he = np.full(k, np.nan)
    vol = np.asarray(np.sqrt(var_r) * np.sqrt(TRADING_DAYS_PER_YEAR))
    mean_e = np.asarray(measures["mean_excess_return"], np.float64)
    sd_e = np.sqrt(np.asarray(measures["m2_excess_return"], np.float64) / (m - 1))
    downside = np.sqrt(np.asarray(measures["downside_sum_sq"], np.float64) / m)
    with np.errstate(divide="ignore", invalid="ignore"):
        sharpe = np.where(sd_e > 0, mean_e / sd_e * np.sqrt(TRADING_DAYS_PER_YEAR), np.nan)
        sortino = np.where(downside > 0, mean_e * np.sqrt(TRADING_DAYS_PER_YEAR) / downside, np.nan)
    ratio = final / init
    with np.errstate(invalid="ignore"):
        growth = np.where(ratio > 0, np.abs(ratio) ** (TRADING_DAYS_PER_YEAR / m) - 1.0, -1.0)

    def pos(name: str) -> npt.NDArray[np.int64]:
        return np.asarray(measures[name], np.float64).astype(np.int64)

    return _columns(
        init=init, final=final, n=n, dates=day, vol=vol,
        depth=np.asarray(measures["max_drawdown"], np.float64), peak=pos("max_drawdown_peak"),
        trough=pos("max_drawdown_trough"), end=pos("max_drawdown_end"), sharpe=sharpe,
        sortino=sortino, he=he, counters=counters, total=np.asarray(final / init - 1.0),
        growth=growth,
    )  # fmt: skip


def _columns(
    *,
    init: Float64Array,
    final: Float64Array,
    n: int,
    dates: pd.DatetimeIndex,
    vol: Float64Array,
    depth: Float64Array,
    peak: npt.NDArray[np.int64],
    trough: npt.NDArray[np.int64],
    end: npt.NDArray[np.int64],
    sharpe: Float64Array,
    sortino: Float64Array,
    he: Float64Array,
    counters: Mapping[str, npt.ArrayLike] | None,
    total: Float64Array,
    growth: Float64Array,
) -> dict[str, Any]:
    """The :class:`Metrics` columns from the measures, however they were computed."""
    k = final.shape[0]

    def when(pos: npt.NDArray[np.int64]) -> Any:
        out = np.full(k, np.datetime64("NaT"), dtype="datetime64[ns]")
        ok = (pos >= 0) & (depth > 0)
        out[ok] = dates.to_numpy()[pos[ok]]
        return out

    c: dict[str, Float64Array] = {
        name: np.broadcast_to(np.asarray((counters or {}).get(name, 0.0), np.float64), (k,))
        for name in COST_COUNTERS
    }
    return {
        "initial_value_usd": init,
        "final_value_usd": final,
        "total_return": total,
        "cagr": growth,
        "volatility_annual": vol,
        "max_drawdown": depth,
        "max_drawdown_start": when(peak),
        "max_drawdown_trough": when(trough),
        "max_drawdown_end": when(end),
        "sharpe": sharpe,
        "sortino": sortino,
        "hedge_effectiveness": he,
        "average_hedge_ratio": c["sum_hedge_ratio_effective"] / n,
        "time_hedged": c["days_hedged"] / n,
        "fees_usd": c["fees_usd"],
        "slippage_usd": c["slippage_usd"],
        "roll_cost_usd": c["roll_fees_usd"] + c["roll_slippage_usd"],
        "margin_interest_usd": c["margin_interest_cost_usd"],
        "n_trades": np.rint(c["n_trades"]).astype(np.int64),
        "n_rolls": np.rint(c["n_rolls"]).astype(np.int64),
        "n_margin_calls": np.rint(c["n_margin_calls"]).astype(np.int64),
        "largest_margin_call_usd": c["largest_margin_call_usd"],
    }
