"""Explicit alignment of return series: same dates or an error, never a silent shift."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from hedgekit._typing import DateLike
from hedgekit.errors import InputError

from ._common import MIN_OBS, check_min_obs, check_series, iso, parse_date
from ._returns import FuturesReturns

__all__ = ["AlignedReturns", "ReturnsLike", "align"]

#: A return series, or futures returns that carry their own excluded roll days.
ReturnsLike = pd.Series | FuturesReturns

_SHOW = 5  # mismatching dates quoted in an error message


def _dates(index: pd.DatetimeIndex) -> str:
    shown = ", ".join(d.date().isoformat() for d in index[:_SHOW])
    return shown + (", ..." if len(index) > _SHOW else "")


def unwrap(returns: object, *, source: str) -> tuple[pd.Series, pd.DatetimeIndex]:
    """Split a :data:`ReturnsLike` into a validated series and its excluded roll days."""
    if isinstance(returns, FuturesReturns):
        return check_series(returns.returns, source=source), returns.roll_dates
    return check_series(returns, source=source), pd.DatetimeIndex([])


def align_frame(
    series: Mapping[str, object],
    *,
    start: DateLike | None = None,
    end: DateLike | None = None,
    window: int | None = None,
    min_obs: int = MIN_OBS,
) -> tuple[pd.DataFrame, pd.DatetimeIndex]:
    """Align several return series; see :func:`align` for the rules.

    Returns
    -------
    frame
        One column per input, in input order, on the common dates.
    excluded
        Roll days dropped inside the final sample (from :class:`FuturesReturns` inputs).
    """
    min_obs = check_min_obs(min_obs)
    if window is not None and (
        isinstance(window, bool) or not isinstance(window, int | np.integer) or window < min_obs
    ):
        raise InputError(
            "window must be a whole number of observations, at least the minimum",
            source="window",
            value=window,
            expected=f"an integer >= {min_obs}, or None for all common dates",
        )
    t0 = parse_date(start, source="start")
    t1 = parse_date(end, source="end")
    if t0 is not None and t1 is not None and t0 > t1:
        raise InputError(
            "start is after end", source="start", value=iso(t0), expected=f"<= {iso(t1)}"
        )
    if not series:
        raise InputError("no return series to align", source="series")

    cleaned: dict[str, pd.Series] = {}
    exclude = pd.DatetimeIndex([])
    for name, raw in series.items():
        s, rolls = unwrap(raw, source=name)
        first = s.first_valid_index()
        if first is None:
            raise InputError("series has no values", source=name, expected="some returns")
        # Leading NaN = not yet listed: such dates are not observations of this series.
        cleaned[name] = s.loc[first:]
        exclude = exclude.union(rolls)

    lo = max(s.index[0] for s in cleaned.values())
    hi = min(s.index[-1] for s in cleaned.values())
    if t0 is not None:
        lo = max(lo, t0)
    if t1 is not None:
        hi = min(hi, t1)
    names = list(cleaned)
    if lo > hi:
        raise InputError(
            "the series have no dates in common within the requested span",
            source=", ".join(names),
            value=f"{iso(lo)} > {iso(hi)}",
            expected="overlapping date ranges",
        )
    sliced = {name: s.loc[lo:hi] for name, s in cleaned.items()}
    ref_name = names[0]
    ref = pd.DatetimeIndex(sliced[ref_name].index)
    for name in names[1:]:
        other = pd.DatetimeIndex(sliced[name].index)
        if ref.equals(other):
            continue
        only_ref = ref.difference(other)
        only_other = other.difference(ref)
        parts = []
        if len(only_ref):
            parts.append(f"{_count(len(only_ref), 'date')} only in {ref_name}: {_dates(only_ref)}")
        if len(only_other):
            parts.append(f"{_count(len(only_other), 'date')} only in {name}: {_dates(only_other)}")
        first = min(only_ref[:1].append(only_other[:1]))
        raise InputError(
            f"{ref_name} and {name} do not have the same dates between {iso(lo)} and "
            f"{iso(hi)}; " + "; ".join(parts) + ". Put both on one calendar explicitly "
            "(e.g. restrict to exchange sessions) rather than shifting or filling",
            source=name,
            value=iso(first),
            expected=f"the same dates as {ref_name}",
        )

    frame = pd.DataFrame(sliced, index=ref)
    is_excluded = frame.index.isin(exclude)
    frame = frame.loc[~is_excluded]
    excluded = pd.DatetimeIndex(ref[is_excluded])
    nan_rows = frame.isna().to_numpy()
    if nan_rows.any():
        row, col = (int(a[0]) for a in np.nonzero(nan_rows))
        n_nan = int(nan_rows.any(axis=1).sum())
        raise InputError(
            f"missing return inside the sample ({_count(n_nan, 'date')}); missing values are never "
            "dropped silently: cut the sample or fix the data (futures roll days are excluded "
            "only through futures_returns_excluding_rolls)",
            source=names[col],
            value=frame.index[row].date().isoformat(),
            expected="a return on every common date",
        )
    if window is not None:
        if len(frame) < window:
            raise InputError(
                f"only {len(frame)} common observations up to {iso(hi)}, fewer than the "
                "requested window",
                source="window",
                value=int(window),
                expected=f"<= {len(frame)}, or an earlier start of data",
            )
        frame = frame.iloc[len(frame) - int(window) :]
    if len(frame) < min_obs:
        raise InputError(
            f"too few common observations ({len(frame)}) between {iso(lo)} and {iso(hi)}",
            source=", ".join(names),
            value=len(frame),
            expected=f">= {min_obs} observations",
        )
    if len(excluded):
        excluded = excluded[(excluded >= frame.index[0]) & (excluded <= frame.index[-1])]
    return frame, excluded


@dataclass(frozen=True, slots=True)
class AlignedReturns:
    """Two return series on exactly the same dates.

    Attributes
    ----------
    asset, index
        The aligned returns (same ``DatetimeIndex``).
    excluded_dates
        Futures roll days dropped inside the sample (empty without futures inputs).
    """

    asset: pd.Series
    index: pd.Series
    excluded_dates: pd.DatetimeIndex

    @property
    def n_obs(self) -> int:
        """Number of paired observations."""
        return len(self.asset)

    @property
    def start(self) -> pd.Timestamp:
        """First date used."""
        return pd.Timestamp(self.asset.index[0])

    @property
    def end(self) -> pd.Timestamp:
        """Last date used."""
        return pd.Timestamp(self.asset.index[-1])

    def to_frame(self) -> pd.DataFrame:
        """Both series as two columns."""
        return pd.DataFrame({"asset": self.asset, "index": self.index})

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe summary of the sample."""
        return {
            "n_obs": self.n_obs,
            "start": iso(self.start),
            "end": iso(self.end),
            "n_roll_days_excluded": len(self.excluded_dates),
            "excluded_dates": [d.date().isoformat() for d in self.excluded_dates],
        }


def align(
    asset: ReturnsLike,
    index: ReturnsLike,
    *,
    start: DateLike | None = None,
    end: DateLike | None = None,
    window: int | None = None,
    min_obs: int = MIN_OBS,
) -> AlignedReturns:
    """Put two return series on the same dates, refusing any mismatch.

    Rules, in order:

    1. Leading ``NaN`` of a series (not yet listed) are not observations: each series
       starts at its first value.
    2. The common span is from the later first date to the earlier last date, cut to
       ``[start, end]`` when given. Dates outside it are left out (inner alignment).
    3. Inside the span both series must have exactly the same dates; otherwise
       :class:`~hedgekit.errors.InputError` names the first mismatching dates of each
       side. A date present in one series only is an error, never a silent shift.
    4. Roll days carried by a :class:`FuturesReturns` input are dropped from both
       series and reported in :attr:`AlignedReturns.excluded_dates`. Any other ``NaN``
       is an error.
    5. ``window``: keep the last ``window`` observations ending at ``end`` (as of
       ``end``); fewer available is an error, not a shorter sample.
    6. Fewer than ``min_obs`` (default 20) observations is an error.

    Parameters
    ----------
    asset, index
        Return series indexed by tz-naive session dates, or :class:`FuturesReturns`.
    start, end
        Optional bounds of the sample (inclusive).
    window
        Number of most recent observations to keep, or ``None`` for all.
    min_obs
        Fewest observations accepted.

    Returns
    -------
    AlignedReturns

    Raises
    ------
    InputError
        On mismatching dates, missing values, too few observations or bad arguments.
    """
    frame, excluded = align_frame(
        {"asset": asset, "index": index}, start=start, end=end, window=window, min_obs=min_obs
    )
    a = frame["asset"].rename(getattr(asset, "name", None))
    i = frame["index"].rename(getattr(index, "name", None))
    return AlignedReturns(asset=a, index=i, excluded_dates=excluded)


def _count(n: int, noun: str) -> str:
    """``"1 date"``, ``"3 dates"``."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
