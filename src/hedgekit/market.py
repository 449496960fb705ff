"""Market inputs at a date: index level, futures price, VIX, interest rate, dividend yield.

Every figure comes with the date it was observed and its source, so a plan can say
exactly what it used. Nothing is filled silently: where the bundled history stops before
the requested date, the latest earlier observation is used only within an explicit
staleness limit, and the observation date is reported next to the value.

Sources and conventions
-----------------------
* Interest rate: FRED DTB3, the 3-month T-bill on a bank-discount basis ``d`` (percent),
  converted to a continuously compounded rate ``r = -ln(1 - d·91/360)·365/91`` by
  :func:`hedgekit.pricing.tbill_discount_to_continuous` (Hull, 11th ed., §6.1).
* S&P 500 dividend yield: trailing twelve months, continuously compounded, implied by the
  total-return and price indices, ``q = ln(TR_t/TR_{t-1y}) - ln(P_t/P_{t-1y})``. The bundled
  total-return series ends 2024-02-16; later dates use that last value, flagged as stale.
* Futures price: the bundled front-month continuous series (``inferred_contract`` label),
  used only when its contract is the one asked for; otherwise the caller prices the
  contract at fair value from carry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from hedgekit._constants import CALENDAR_DAYS_PER_YEAR
from hedgekit.errors import InputError

__all__ = [
    "Observation",
    "Origin",
    "dividend_yield_from_total_return",
    "latest_observation",
]


#: Where a market figure comes from: the bundled history as published (``bundled``), a row
#: fetched by ``hedgekit data update`` into the local store (``updated``: ``source`` names
#: the provider, its identifier and the fetch time), the user's command line or file
#: (``user``), or computed from other figures (``derived``: a carry fair value, an implied
#: dividend yield). ``source`` says which data and how.
Origin = Literal["bundled", "updated", "user", "derived"]


@dataclass(frozen=True, slots=True)
class Observation:
    """A market figure and where it came from.

    Attributes
    ----------
    value
        The figure (units in ``unit``).
    observed
        The date the figure was observed (on or before the requested date).
    requested
        The date that was asked for.
    source
        Dataset or user option it came from.
    unit
        Unit of ``value``.
    origin
        ``bundled``, ``user`` or ``derived`` (see :data:`Origin`).
    """

    value: float
    observed: dt.date
    requested: dt.date
    source: str
    unit: str
    origin: Origin = "bundled"

    @property
    def stale_days(self) -> int:
        """Calendar days between the observation and the requested date."""
        return (self.requested - self.observed).days

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary."""
        d = asdict(self)
        d["observed"] = self.observed.isoformat()
        d["requested"] = self.requested.isoformat()
        d["stale_days"] = self.stale_days
        return d


def latest_observation(
    series: pd.Series,
    as_of: dt.date,
    *,
    max_stale_days: int,
    source: str,
    unit: str,
) -> Observation:
    """Return the last non-missing value of ``series`` on or before ``as_of``.

    Parameters
    ----------
    series
        Date-indexed values (tz-naive, ascending).
    as_of
        Requested date.
    max_stale_days
        Largest allowed gap in calendar days between observation and ``as_of``.
    source, unit
        Recorded in the result.

    Raises
    ------
    InputError
        When there is no observation on or before ``as_of``, or the latest one is older
        than ``max_stale_days``; the message names the series and the dates.
    """
    stamp = pd.Timestamp(as_of)
    clean = series.loc[:stamp].dropna()
    if clean.empty:
        first = series.dropna().index.min()
        raise InputError(
            f"no {source} data on or before {as_of.isoformat()}",
            source=source,
            value=as_of.isoformat(),
            expected=f"a date on or after {pd.Timestamp(first).date().isoformat()}",
        )
    observed = pd.Timestamp(clean.index[-1]).date()
    gap = (as_of - observed).days
    if gap > max_stale_days:
        raise InputError(
            f"the latest {source} observation is {gap} days before {as_of.isoformat()}",
            source=source,
            value=observed.isoformat(),
            expected=f"data within {max_stale_days} days of the date, or give the value explicitly",
        )
    return Observation(float(clean.iloc[-1]), observed, as_of, source, unit)


def dividend_yield_from_total_return(
    total_return: pd.Series, price: pd.Series, lookback_days: int = 365
) -> pd.Series:
    r"""Trailing dividend yield implied by a total-return and a price index.

    .. math:: q_t = \frac{365}{h}\left[\ln\frac{TR_t}{TR_{t-h}} - \ln\frac{P_t}{P_{t-h}}\right]

    with ``h`` the calendar-day lookback (the observation ``t-h`` is the last session on
    or before that date). The result is a continuously compounded annual yield.

    Parameters
    ----------
    total_return, price
        Aligned daily closes of the total-return and the price index.
    lookback_days
        Trailing window in calendar days.

    Returns
    -------
    pandas.Series
        Yield per date; NaN where the window reaches before the data.

    Notes
    -----
    Both series must share the same dates over their overlap; a mismatch raises.
    Source of the identity: a total-return index reinvests dividends, so its growth in
    excess of the price index is the dividend yield (S&P Dow Jones Indices, *Index
    Mathematics Methodology*, total-return calculation).
    """
    common = total_return.index.intersection(price.index)
    if len(common) == 0:
        raise InputError("total-return and price series do not overlap", source="total_return")
    lo, hi = common[0], common[-1]
    for name, own, other in (
        ("total_return", total_return.index, price.index),
        ("price", price.index, total_return.index),
    ):
        inside = own[(own >= lo) & (own <= hi)]
        extra = inside.difference(other)
        if len(extra):
            raise InputError(
                f"{name} has a date the other series lacks inside their overlap",
                source=name,
                value=str(pd.Timestamp(extra[0]).date()),
                expected=f"the same dates in both series from {lo.date()} to {hi.date()}",
            )
    tr = total_return.loc[common].astype(np.float64)
    px = price.loc[common].astype(np.float64)
    log_excess = np.log(tr.to_numpy()) - np.log(px.to_numpy())
    idx = pd.DatetimeIndex(common)
    past = idx - pd.Timedelta(days=lookback_days)
    pos = idx.searchsorted(past, side="right") - 1
    out = np.full(len(idx), np.nan)
    ok = pos >= 0
    span_days = (idx[ok] - idx[pos[ok]]).days.to_numpy().astype(np.float64)
    out[ok] = (log_excess[ok] - log_excess[pos[ok]]) * CALENDAR_DAYS_PER_YEAR / span_days
    # the first lookback window is incomplete
    out[idx < idx[0] + pd.Timedelta(days=lookback_days)] = np.nan
    return pd.Series(out, index=idx, name="dividend_yield")
