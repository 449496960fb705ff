r"""How often the index fell at least X % over a horizon, from its own history.

Method: price returns of the index over windows of :math:`h` trading sessions,
:math:`x_i = C_{i+h}/C_i - 1` for consecutive closes :math:`C` (the index level, without
dividends) from ``start`` to ``end``. Two samples are formed:

* **overlapping**: every session starts a window, :math:`n = N - h` windows for :math:`N`
  closes. All the data is used, but neighbouring windows share :math:`h - 1` returns, so
  the windows are far from independent: the effective sample is about :math:`n/h`.
* **non-overlapping**: windows back to back from the first close, :math:`\lfloor (N-1)/h
  \rfloor` of them, independent if daily returns are, but few.

The probability of a fall of at least :math:`X` is the share of windows with
:math:`x_i \le -X`; the overlapping estimate is the headline figure, the non-overlapping
one is shown next to it as a check. Both treat the past as a sample of the future: they
say nothing about today's valuation, volatility or regime.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from hedgekit._typing import Float64Array
from hedgekit.errors import InputError

__all__ = ["FallProbability", "fall_probability", "horizon_moves"]


def _closes(closes: pd.Series, start: dt.date | None, end: dt.date | None) -> pd.Series:
    if not isinstance(closes, pd.Series) or not isinstance(closes.index, pd.DatetimeIndex):
        raise InputError(
            "index history must be a date-indexed Series of closes",
            source="index_history",
            value=type(closes).__name__,
            expected="pandas Series with a DatetimeIndex",
        )
    window = closes.loc[
        (pd.Timestamp(start) if start else None) : (pd.Timestamp(end) if end else None)
    ]
    if window.isna().any():
        raise InputError(
            "index history has missing closes",
            source="index_history",
            value=int(window.isna().sum()),
            expected="no NaN in the window used",
        )
    if not window.index.is_monotonic_increasing or not window.index.is_unique:
        raise InputError(
            "index history is not in strictly increasing date order",
            source="index_history",
            expected="ascending unique dates",
        )
    if (window <= 0).any():
        raise InputError(
            "index history has closes <= 0", source="index_history", expected="positive closes"
        )
    return window


def horizon_moves(
    closes: pd.Series,
    horizon_sessions: int,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    overlapping: bool = True,
) -> Float64Array:
    """Index price returns over ``horizon_sessions`` sessions (module notes).

    Parameters
    ----------
    closes
        Daily closes, date-indexed, ascending, no gaps filled.
    horizon_sessions
        Window length :math:`h` in sessions (>= 1).
    start, end
        First and last close used (inclusive); default all.
    overlapping
        Every session starts a window (default), or windows back to back.

    Returns
    -------
    ndarray
        The returns :math:`x_i`, in date order of their first close.
    """
    if isinstance(horizon_sessions, bool) or not isinstance(horizon_sessions, int):
        raise InputError(
            "horizon in sessions must be a whole number",
            source="horizon_sessions",
            value=horizon_sessions,
            expected="an int >= 1",
        )
    if horizon_sessions < 1:
        raise InputError(
            "horizon too short", source="horizon_sessions", value=horizon_sessions, expected=">= 1"
        )
    c = _closes(closes, start, end).to_numpy(dtype=np.float64)
    h = horizon_sessions
    if len(c) <= h:
        raise InputError(
            "index history shorter than the horizon",
            source="index_history",
            value=len(c),
            expected=f"more than {h} closes",
        )
    if overlapping:
        return np.asarray(c[h:] / c[:-h] - 1.0, dtype=np.float64)
    idx = np.arange(0, len(c), h)
    pts = c[idx]
    return np.asarray(pts[1:] / pts[:-1] - 1.0, dtype=np.float64)


@dataclass(frozen=True, slots=True)
class FallProbability:
    """Share of historical windows in which the index fell at least ``threshold``.

    Attributes
    ----------
    threshold
        Fall :math:`X` as a positive fraction (0.10 = a fall of 10 % or more).
    horizon_sessions
        Window length in sessions.
    start, end
        First and last close of the sample.
    n_windows, n_falls, probability
        Overlapping windows, those with a fall of at least ``threshold``, and the share.
    n_windows_non_overlapping, n_falls_non_overlapping, probability_non_overlapping
        The same with back-to-back windows.
    series
        Name of the index history used.
    method
        The method in one sentence.
    """

    threshold: float
    horizon_sessions: int
    start: dt.date
    end: dt.date
    n_windows: int
    n_falls: int
    probability: float
    n_windows_non_overlapping: int
    n_falls_non_overlapping: int
    probability_non_overlapping: float
    series: str
    method: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary."""
        out: dict[str, Any] = {}
        for name in self.__dataclass_fields__:
            v = getattr(self, name)
            out[name] = v.isoformat() if isinstance(v, dt.date) else v
        return out


def fall_probability(
    closes: pd.Series,
    horizon_sessions: int,
    threshold: float,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    series: str = "index",
) -> FallProbability:
    """Probability of a fall of at least ``threshold`` over ``horizon_sessions`` sessions.

    Parameters
    ----------
    closes
        Daily closes of the index.
    horizon_sessions
        Window length in sessions.
    threshold
        Fall as a positive fraction, in (0, 1).
    start, end
        Sample (inclusive); default all closes.
    series
        Name recorded in the result.

    Returns
    -------
    FallProbability
    """
    x = float(threshold)
    if not math.isfinite(x) or not 0.0 < x < 1.0:
        raise InputError(
            "fall threshold out of range",
            source="threshold",
            value=threshold,
            expected="a fraction in (0, 1), e.g. 0.10",
        )
    window = _closes(closes, start, end)
    over = horizon_moves(window, horizon_sessions)
    non = horizon_moves(window, horizon_sessions, overlapping=False)
    first = pd.Timestamp(window.index[0]).date()
    last = pd.Timestamp(window.index[-1]).date()
    falls = int(np.sum(over <= -x))
    falls_non = int(np.sum(non <= -x))
    return FallProbability(
        threshold=x,
        horizon_sessions=horizon_sessions,
        start=first,
        end=last,
        n_windows=len(over),
        n_falls=falls,
        probability=falls / len(over),
        n_windows_non_overlapping=len(non),
        n_falls_non_overlapping=falls_non,
        probability_non_overlapping=falls_non / len(non) if len(non) else math.nan,
        series=series,
        method=(
            f"share of overlapping {horizon_sessions}-session price returns of the {series} "
            f"from {first.isoformat()} to {last.isoformat()} at or below -{x:.0%} "
            f"({len(over):,} windows, effective sample about {len(over) // horizon_sessions:,} "
            f"independent ones; back-to-back windows: {falls_non} of {len(non):,})"
        ),
    )
