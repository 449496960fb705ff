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
    r"""Maximum drawdown and the positions of its peak, trough and recovery.

    The trough is the first position of the largest :math:`1 - W_t/\max_{s\le t} W_s`; the
    peak the last position at or before it where that running high was set; the end the
    first position at or after the trough back at the high (-1: none, or no drawdown).
    """
    return _max_drawdown(_values(values))


#: Paths per block of the drawdown scan (a block's time-last copy stays in cache).
DRAWDOWN_BLOCK_PATHS = 32


def _max_drawdown(w: Float64Array) -> Drawdown:
    """:func:`max_drawdown` of validated values, by blocks of paths (see :func:`_drawdown_rows`)."""
    n = w.shape[0]
    two = w.reshape(n, -1)
    k = two.shape[1]
    step = DRAWDOWN_BLOCK_PATHS
    parts = [_drawdown_rows(np.ascontiguousarray(two[:, lo : lo + step].T))
             for lo in range(0, k, step)]  # fmt: skip
    depth, peak, trough, end = (np.concatenate(x) for x in zip(*parts, strict=True))
    shape = w.shape[1:]
    return Drawdown(depth.reshape(shape), peak.reshape(shape), trough.reshape(shape),
                    end.reshape(shape))  # fmt: skip


def _drawdown_rows(
    wt: Float64Array,
) -> tuple[Float64Array, npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Drawdown of each row of ``wt`` (one path per row, time last).

    Running highs, ratios and first/last positions are exact operations (comparisons and
    one division per element), so working on a transposed, contiguous copy gives the same
    numbers as working down the columns, only with memory-friendly strides.
    """
    k, n = wt.shape
    high = np.maximum.accumulate(wt, axis=1)
    dd = np.divide(wt, high)
    np.subtract(1.0, dd, out=dd)  # 1 - W/high, the same operations as written out
    trough = np.argmax(dd, axis=1)
    rows = np.arange(k)
    depth = dd[rows, trough]
    level = high[rows, trough]
    pos = np.arange(n)
    # the peak: last position at or before the trough where the running high was set
    at_high = (wt == level[:, None]) & (pos <= trough[:, None])
    last_high = n - 1 - np.argmax(at_high[:, ::-1], axis=1)
    peak = np.where(depth > 0, last_high, trough)
    # the end: first position at or after the trough back at the high
    back = (wt >= level[:, None]) & (pos >= trough[:, None])
    first_back = np.argmax(back, axis=1)
    end = np.where((depth > 0) & back[rows, first_back], first_back, -1)
    return depth, peak, trough, end


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
    return _sharpe(e, np.mean(e, axis=0), periods_per_year)


def _sharpe(e: Float64Array, mean_e: Float64Array, periods_per_year: float) -> Float64Array:
    sd = np.std(e, axis=0, ddof=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        out: Float64Array = np.asarray(
            np.where(sd > 0, mean_e / sd * np.sqrt(periods_per_year), np.nan)
        )
    return out


def sortino_ratio(
    returns: npt.ArrayLike,
    risk_free: npt.ArrayLike | float = 0.0,
    periods_per_year: float = TRADING_DAYS_PER_YEAR,
) -> Float64Array:
    """Annualised Sortino ratio, downside deviation below the risk-free return (NaN if none)."""
    e = _excess(returns, risk_free)
    return _sortino(e, np.mean(e, axis=0), periods_per_year)


def _sortino(e: Float64Array, mean_e: Float64Array, periods_per_year: float) -> Float64Array:
    downside = np.sqrt(np.mean(np.minimum(e, 0.0) ** 2, axis=0))
    with np.errstate(divide="ignore", invalid="ignore"):
        out: Float64Array = np.asarray(
            np.where(downside > 0, mean_e * np.sqrt(periods_per_year) / downside, np.nan)
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
