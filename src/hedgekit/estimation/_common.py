"""Shared validation and conventions of :mod:`hedgekit.estimation`."""

from __future__ import annotations

import math
from typing import Final, Literal, TypeAlias

import numpy as np
import pandas as pd

from hedgekit._constants import TRADING_DAYS_PER_YEAR, WEEKS_PER_YEAR
from hedgekit._dates import to_date, to_timestamp
from hedgekit._typing import DateLike, Float64Array
from hedgekit.errors import InputError

#: Sampling frequency of a return series.
Frequency: TypeAlias = Literal["daily", "weekly"]

#: Fewest paired observations accepted for any fit (fewer gives meaningless standard errors).
MIN_OBS: Final = 20

# Median calendar-day spacing a return series must have for its declared frequency
# (daily: 1 day, 3 over weekends, up to 4 over long weekends; weekly: 7, 6 or 8 around holidays).
_SPACING_DAYS: Final[dict[str, tuple[float, float]]] = {"daily": (0.5, 4.0), "weekly": (5.0, 9.0)}


def check_frequency(frequency: str, *, source: str = "frequency") -> Frequency:
    """Return ``frequency`` if it is ``"daily"`` or ``"weekly"``, else raise InputError."""
    if frequency == "daily":
        return "daily"
    if frequency == "weekly":
        return "weekly"
    raise InputError(
        "unknown return frequency", source=source, value=frequency, expected="'daily' or 'weekly'"
    )


def periods_per_year(frequency: Frequency) -> int:
    """Periods per year used to annualise: 252 sessions (daily) or 52 weeks (weekly)."""
    return TRADING_DAYS_PER_YEAR if frequency == "daily" else WEEKS_PER_YEAR


def check_min_obs(min_obs: int, *, source: str = "min_obs") -> int:
    """Validate a minimum-observation setting (an integer of at least 3)."""
    if isinstance(min_obs, bool) or not isinstance(min_obs, int | np.integer) or min_obs < 3:
        raise InputError(
            "minimum number of observations must be an integer >= 3",
            source=source,
            value=min_obs,
            expected="an integer >= 3",
        )
    return int(min_obs)


def parse_date(value: DateLike | None, *, source: str) -> pd.Timestamp | None:
    """Parse a date strictly (:func:`hedgekit._dates.to_date`) to a tz-naive midnight stamp.

    ``None`` passes through.
    """
    return None if value is None else to_timestamp(to_date(value, source))


def iso(ts: pd.Timestamp | None) -> str | None:
    """ISO ``YYYY-MM-DD`` of a session date (``None`` passes through)."""
    return None if ts is None else ts.date().isoformat()


def json_float(value: float | None) -> float | None:
    """A plain float for JSON, with NaN and infinities as ``None``."""
    if value is None:
        return None
    out = float(value)
    return out if math.isfinite(out) else None


def check_date_index(index: pd.Index, *, source: str) -> pd.DatetimeIndex:
    """Require a tz-naive, strictly increasing ``DatetimeIndex`` without missing dates."""
    if not isinstance(index, pd.DatetimeIndex):
        raise InputError(
            "series must be indexed by date",
            source=source,
            value=type(index).__name__,
            expected="a pandas DatetimeIndex",
        )
    if index.tz is not None:
        raise InputError(
            "dates are tz-naive session dates", source=source, value=str(index.tz), expected="none"
        )
    if index.hasnans:
        raise InputError("date index contains NaT", source=source, expected="valid dates")
    if not index.is_unique:
        dup = index[index.duplicated()][0]
        raise InputError(
            "duplicate date", source=source, value=dup.date().isoformat(), expected="unique dates"
        )
    if not index.is_monotonic_increasing:
        pos = int(np.flatnonzero(np.diff(index.asi8) < 0)[0]) + 1
        raise InputError(
            "dates are not in ascending order",
            source=source,
            value=index[pos].date().isoformat(),
            expected="ascending dates",
        )
    return index


def check_series(series: object, *, source: str) -> pd.Series:
    """Validate a numeric date-indexed series and return it as float64 (NaN kept)."""
    if not isinstance(series, pd.Series):
        raise InputError(
            "expected a pandas Series",
            source=source,
            value=type(series).__name__,
            expected="pd.Series indexed by date",
        )
    check_date_index(series.index, source=source)
    try:
        values = series.to_numpy(dtype=np.float64, na_value=np.nan)
    except (ValueError, TypeError) as exc:
        raise InputError(
            "series is not numeric", source=source, value=str(series.dtype), expected="numbers"
        ) from exc
    if np.isinf(values).any():
        pos = int(np.flatnonzero(np.isinf(values))[0])
        raise InputError(
            "infinite value",
            source=source,
            row=None,
            value=f"{values[pos]} on {series.index[pos].date().isoformat()}",
            expected="finite numbers",
        )
    return pd.Series(values, index=series.index, name=series.name)


def series_name(series: pd.Series, default: str) -> str:
    """The series' name as a string, or ``default`` when it has none."""
    name = series.name
    return default if name is None else str(name)


def check_spacing(index: pd.DatetimeIndex, frequency: Frequency, *, source: str) -> None:
    """Raise when the dates' median spacing does not fit the declared ``frequency``.

    Guards against annualising weekly returns with 252 (or daily ones with 52).
    """
    if len(index) < 2:
        return
    gaps_days = np.asarray((index[1:] - index[:-1]) / pd.Timedelta(days=1), dtype=np.float64)
    median = float(np.median(gaps_days))
    lo, hi = _SPACING_DAYS[frequency]
    if not lo <= median <= hi:
        raise InputError(
            f"returns are spaced {median:g} calendar days apart (median), which does not fit "
            f"frequency={frequency!r}",
            source=source,
            value=frequency,
            expected=f"median spacing between {lo:g} and {hi:g} days, or the other frequency",
        )


def values(series: pd.Series) -> Float64Array:
    """The float64 values of a validated series."""
    out: Float64Array = series.to_numpy(dtype=np.float64)
    return out
