"""What a policy sees: the market on every session of a run, with a warm-up history before it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from hedgekit._typing import BoolArray, Float64Array
from hedgekit.errors import InputError

__all__ = ["PolicyMarket"]


def _vector(value: Any, name: str, n: int, *, allow_nan: bool = False) -> Float64Array:
    arr = np.array(np.broadcast_to(np.asarray(value, dtype=np.float64), (n,)), copy=True)
    bad = ~np.isfinite(arr) & ~(allow_nan & np.isnan(arr))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(
            "contains a non-finite value",
            source=name,
            row=i,
            value=float(arr[i]),
            expected="finite numbers" + (" or NaN for a missing day" if allow_nan else ""),
        )
    arr.setflags(write=False)
    return arr


@dataclass(frozen=True, slots=True)
class PolicyMarket:
    """Daily market data a :class:`~hedgekit.policies.HedgePolicy` decides from.

    Arrays have one entry per session in ``dates``. The first ``start`` sessions are a
    warm-up history (for moving averages and highs); the run itself begins at ``dates[start]``.
    Policies with a memory (an entry level, days on) start it at ``start``.

    Attributes
    ----------
    dates
        Sessions, ascending.
    index_level
        Index closes, positive.
    vix
        VIX closes; NaN where the source has none (a policy that needs a missing VIX raises).
    rate_annual
        Risk-free rate, continuously compounded per year (NaN where unknown, e.g. warm-up).
    dividend_yield
        Index dividend yield per year (NaN where unknown).
    start
        Position in ``dates`` of the first session of the run (0 = no warm-up).
    """

    dates: pd.DatetimeIndex
    index_level: Float64Array
    vix: Float64Array
    rate_annual: Float64Array
    dividend_yield: Float64Array
    start: int = 0

    def __post_init__(self) -> None:
        dates = pd.DatetimeIndex(self.dates)
        n = len(dates)
        if n == 0:
            raise InputError("no sessions", source="dates", expected="at least one session")
        if not dates.is_monotonic_increasing or not dates.is_unique:
            raise InputError("must be strictly ascending", source="dates")
        s = _vector(self.index_level, "index_level", n)
        if (s <= 0).any():
            i = int(np.flatnonzero(s <= 0)[0])
            raise InputError("must be positive", source="index_level", row=i, value=float(s[i]))
        vix = _vector(self.vix, "vix", n, allow_nan=True)
        r = _vector(self.rate_annual, "rate_annual", n, allow_nan=True)
        q = _vector(self.dividend_yield, "dividend_yield", n, allow_nan=True)
        if not (isinstance(self.start, int | np.integer) and 0 <= int(self.start) < n):
            raise InputError(
                "start outside the sessions",
                source="start",
                value=self.start,
                expected=f"0..{n - 1}",
            )
        object.__setattr__(self, "dates", dates)
        object.__setattr__(self, "index_level", s)
        object.__setattr__(self, "vix", vix)
        object.__setattr__(self, "rate_annual", r)
        object.__setattr__(self, "dividend_yield", q)
        object.__setattr__(self, "start", int(self.start))

    @classmethod
    def synthetic(
        cls,
        index_level: npt.ArrayLike,
        vix: npt.ArrayLike | float = np.nan,
        *,
        start_date: str = "2000-01-03",
        rate_annual: float = 0.0,
        dividend_yield: float = 0.0,
        start: int = 0,
    ) -> PolicyMarket:
        """A market on consecutive business days, for examples and tests (not real data)."""
        s = np.asarray(index_level, dtype=np.float64)
        dates = pd.bdate_range(start_date, periods=s.size)
        vix_arr = np.broadcast_to(np.asarray(vix, np.float64), s.shape)
        r = np.full(s.size, rate_annual)
        q = np.full(s.size, dividend_yield)
        return cls(dates, s, vix_arr, r, q, start)

    @property
    def n_days(self) -> int:
        """Number of sessions, warm-up included."""
        return len(self.dates)

    def rolling_mean(self, window: int) -> Float64Array:
        r"""Simple moving average of the index over ``window`` sessions, today included.

        .. math:: \bar S_t = \frac{1}{N}\sum_{i=0}^{N-1} S_{t-i}

        NaN where fewer than ``window`` sessions are available.
        """
        if window < 1:
            raise InputError("must be >= 1", source="window", value=window)
        out = np.full(self.n_days, np.nan)
        if window <= self.n_days:
            c = np.cumsum(np.r_[0.0, self.index_level])
            out[window - 1 :] = (c[window:] - c[:-window]) / window
        return out

    def running_high(self, window: int | None = None) -> Float64Array:
        """Highest close over the last ``window`` sessions (today included); all history if None.

        A 52-week high is ``running_high(252)`` (``TRADING_DAYS_PER_YEAR`` sessions).
        """
        s = pd.Series(self.index_level)
        if window is None:
            return np.maximum.accumulate(self.index_level)
        return s.rolling(window, min_periods=1).max().to_numpy(dtype=np.float64)

    def drawdown_from_high(self, window: int | None = None) -> Float64Array:
        r"""Fall of the index below its running high, a fraction >= 0: :math:`1 - S_t/H_t`."""
        return 1.0 - self.index_level / self.running_high(window)

    def months(self) -> npt.NDArray[np.int64]:
        """Calendar month (1-12) of each session."""
        return np.asarray(self.dates.month, dtype=np.int64)

    def in_run(self) -> BoolArray:
        """``True`` on the sessions of the run (from ``start`` on)."""
        out = np.zeros(self.n_days, dtype=np.bool_)
        out[self.start :] = True
        return out

    def require_vix(self, source: str) -> Float64Array:
        """The VIX over the run, raising if a run session has none."""
        run = self.vix[self.start :]
        if np.isnan(run).any():
            i = int(np.flatnonzero(np.isnan(run))[0]) + self.start
            raise InputError(
                "VIX missing on a session of the run",
                source=source,
                row=i,
                value=str(self.dates[i].date()),
                expected="VIX data on every session (the bundled VIX starts 1990-01-02)",
            )
        return self.vix
