r"""Pure performance measures of value paths; each works on ``(n,)`` or ``(n, k)`` (time first).

Conventions (``W_t``, ``t = 0..n-1``, a value path at session closes; ``P`` =
``TRADING_DAYS_PER_YEAR``):

* daily returns :math:`r_t = W_t/W_{t-1} - 1`, ``t = 1..n-1``;
* total return :math:`W_{n-1}/W_{\text{init}} - 1` and CAGR
  :math:`(W_{n-1}/W_{\text{init}})^{P/(n-1)} - 1` (``W_init`` defaults to ``W_0``);
* volatility :math:`\mathrm{std}(r, \mathrm{ddof}=1)\sqrt{P}`;
* maximum drawdown :math:`\max_t (1 - W_t/\max_{s\le t} W_s)`, with the dates of the peak,
  the trough and the recovery (first close back at the peak; none if never);
* Sharpe ratio (Sharpe, 1994, *J. Portfolio Management* 21(1)) on daily excess returns
  :math:`e_t = r_t - r^f_t`: :math:`\bar e / \mathrm{std}(e, \mathrm{ddof}=1) \cdot \sqrt{P}`;
* Sortino ratio (Sortino & Price, 1994, *J. Investing* 3(3)) with the risk-free rate as the
  target: :math:`\bar e \sqrt{P} / \sqrt{\overline{\min(e, 0)^2}}`;
* hedge effectiveness :math:`1 - \mathrm{var}(r^{h})/\mathrm{var}(r^{u})` (ddof=1 both;
  Ederington, 1979, *J. Finance* 34(1)).

The risk-free daily return is the one the engine credits to cash: :math:`r^f_t =
r_{t-1}/P`, with :math:`r` the 3-month T-bill (FRED DTB3) converted to a continuous rate
(:func:`hedgekit.pricing.tbill_discount_to_continuous`) and carried forward onto sessions.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from hedgekit._constants import TRADING_DAYS_PER_YEAR
from hedgekit._typing import Float64Array
from hedgekit.errors import InputError

__all__ = [
    "Drawdown",
    "cagr",
    "daily_returns",
    "hedge_effectiveness",
    "max_drawdown",
    "risk_free_daily",
    "sharpe_ratio",
    "sortino_ratio",
    "total_return",
    "volatility_annual",
]


def _values(values: npt.ArrayLike, name: str = "values") -> Float64Array:
    w = np.asarray(values, dtype=np.float64)
    if w.ndim not in (1, 2) or w.shape[0] < 2:
        raise InputError("need a path of at least 2 values (time along axis 0)", source=name,
                         value=w.shape)  # fmt: skip
    if not np.isfinite(w).all():
        raise InputError("contains a non-finite value", source=name)
    return w


def daily_returns(values: npt.ArrayLike) -> Float64Array:
    """Simple daily returns ``W_t / W_{t-1} - 1``, one fewer row than ``values``."""
    w = _values(values)
    if (w[:-1] <= 0).any():
        raise InputError("a value is not positive: returns undefined", source="values")
    out: Float64Array = w[1:] / w[:-1] - 1.0
    return out


def _initial(w: Float64Array, initial: npt.ArrayLike | None) -> Float64Array:
    return w[0] if initial is None else np.broadcast_to(np.asarray(initial, np.float64), w[0].shape)


def total_return(values: npt.ArrayLike, initial: npt.ArrayLike | None = None) -> Float64Array:
    """``W_{n-1} / W_init - 1`` (``W_init`` = ``initial`` or ``W_0``)."""
    w = _values(values)
    out: Float64Array = np.asarray(w[-1] / _initial(w, initial) - 1.0)
    return out


def cagr(
    values: npt.ArrayLike,
    initial: npt.ArrayLike | None = None,
    periods_per_year: float = TRADING_DAYS_PER_YEAR,
) -> Float64Array:
    """Compound annual growth over ``(n-1)/periods_per_year`` years."""
    w = _values(values)
    ratio = w[-1] / _initial(w, initial)
    with np.errstate(invalid="ignore"):
        out: Float64Array = np.where(
            ratio > 0, np.abs(ratio) ** (periods_per_year / (w.shape[0] - 1)) - 1.0, -1.0
        )
    return out


def volatility_annual(
    returns: npt.ArrayLike, periods_per_year: float = TRADING_DAYS_PER_YEAR
) -> Float64Array:
    """Sample standard deviation (ddof=1) of daily returns × √periods_per_year."""
    r = np.asarray(returns, dtype=np.float64)
    out: Float64Array = np.asarray(np.std(r, axis=0, ddof=1) * np.sqrt(periods_per_year))
    return out


class Drawdown(NamedTuple):
    """Largest peak-to-trough fall: depth (fraction) and positions (``end`` = -1: no recovery)."""

    depth: Float64Array
    peak: npt.NDArray[np.int64]
    trough: npt.NDArray[np.int64]
    end: npt.NDArray[np.int64]


def max_drawdown(values: npt.ArrayLike) -> Drawdown:
    """Maximum drawdown and the positions of its peak, trough and recovery."""
    w = _values(values)
    two = w.reshape(w.shape[0], -1)
    peak_val = np.maximum.accumulate(two, axis=0)
    dd = 1.0 - two / peak_val
    trough = np.argmax(dd, axis=0)
    cols = np.arange(two.shape[1])
    depth = dd[trough, cols]
    # the peak: last position at or before the trough where the running high was set
    peak = np.empty_like(trough)
    end = np.full_like(trough, -1)
    for j in range(two.shape[1]):
        level = peak_val[trough[j], j]
        upto = two[: trough[j] + 1, j]
        peak[j] = int(np.flatnonzero(upto == level)[-1]) if depth[j] > 0 else trough[j]
        after = np.flatnonzero(two[trough[j] :, j] >= level)
        if depth[j] > 0 and after.size:
            end[j] = trough[j] + int(after[0])
    shape = w.shape[1:]
    return Drawdown(depth.reshape(shape), peak.reshape(shape), trough.reshape(shape),
                    end.reshape(shape))  # fmt: skip


def risk_free_daily(
    rate_annual: npt.ArrayLike, periods_per_year: float = TRADING_DAYS_PER_YEAR
) -> Float64Array:
    """Daily risk-free returns for days ``1..n-1``: ``r_{t-1} / periods_per_year``."""
    r = np.asarray(rate_annual, dtype=np.float64)
    out: Float64Array = r[:-1] / periods_per_year
    return out


def _excess(returns: npt.ArrayLike, risk_free: npt.ArrayLike | float) -> Float64Array:
    r = np.asarray(returns, dtype=np.float64)
    rf = np.asarray(risk_free, dtype=np.float64)
    if rf.ndim == 1 and r.ndim == 2:
        rf = rf[:, None]
    out: Float64Array = r - rf
    return out


def sharpe_ratio(
    returns: npt.ArrayLike,
    risk_free: npt.ArrayLike | float = 0.0,
    periods_per_year: float = TRADING_DAYS_PER_YEAR,
) -> Float64Array:
    """Annualised Sharpe ratio of daily returns over the daily risk-free return (NaN if flat)."""
    e = _excess(returns, risk_free)
    sd = np.std(e, axis=0, ddof=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        out: Float64Array = np.asarray(
            np.where(sd > 0, np.mean(e, axis=0) / sd * np.sqrt(periods_per_year), np.nan)
        )
    return out


def sortino_ratio(
    returns: npt.ArrayLike,
    risk_free: npt.ArrayLike | float = 0.0,
    periods_per_year: float = TRADING_DAYS_PER_YEAR,
) -> Float64Array:
    """Annualised Sortino ratio, downside deviation below the risk-free return (NaN if none)."""
    e = _excess(returns, risk_free)
    downside = np.sqrt(np.mean(np.minimum(e, 0.0) ** 2, axis=0))
    with np.errstate(divide="ignore", invalid="ignore"):
        out: Float64Array = np.asarray(
            np.where(
                downside > 0,
                np.mean(e, axis=0) * np.sqrt(periods_per_year) / downside,
                np.nan,
            )
        )
    return out


def hedge_effectiveness(
    hedged_returns: npt.ArrayLike, unhedged_returns: npt.ArrayLike
) -> Float64Array:
    """``1 - var(hedged)/var(unhedged)`` (ddof=1), per column."""
    h = np.asarray(hedged_returns, dtype=np.float64)
    u = np.asarray(unhedged_returns, dtype=np.float64)
    var_u = np.var(u, axis=0, ddof=1)
    if np.any(var_u <= 0):
        raise InputError("the unhedged returns have no variance", source="unhedged_returns")
    if u.ndim == 1 and h.ndim == 2:
        var_u = np.asarray(var_u)[None] if np.ndim(var_u) else var_u
    out: Float64Array = np.asarray(1.0 - np.var(h, axis=0, ddof=1) / var_u)
    return out
