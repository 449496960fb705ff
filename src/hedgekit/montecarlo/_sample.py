"""The historical sample the bootstrap draws from: daily S&P 500 returns, VIX and T-bill rate.

Alignment is explicit. The index return of a session is the close-to-close return from the
index's own previous session (``C_t / C_{t-1} - 1`` on consecutive S&P 500 sessions). A session
enters the sample only when all three series have an observation dated that session: the
S&P 500 close (and the one before it), the VIX close and the 3-month T-bill (FRED DTB3). Nothing
is filled; sessions without a VIX or a DTB3 value are left out and counted
(:attr:`HistoricalSample.dropped`). With the bundled data the sample runs from 1990-01-02 (first
VIX close) to 2026-01-29 (last DTB3 value): 9,011 sessions; the 75 S&P 500 sessions of that
span without a DTB3 value (bond-market holidays on which the NYSE traded, e.g. Columbus Day and
Veterans Day) are left out, so a bootstrap block may step over such a day.

The rate is the DTB3 discount ``d`` (percent) as a continuously compounded rate
``r = -ln(1 - d/100 · 91/360) · 365/91`` (Hull, 11th ed., §6.1; see
:func:`hedgekit.pricing.tbill_discount_to_continuous`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from hedgekit._typing import DateLike, Float64Array
from hedgekit.errors import InputError

__all__ = ["HistoricalSample", "align_sample", "historical_sample"]

#: Fewest sessions a sample may have (a bootstrap from fewer says little).
MIN_SAMPLE_SESSIONS = 20


@dataclass(frozen=True, slots=True)
class HistoricalSample:
    """Daily observations on common sessions, the rows a bootstrap resamples.

    Attributes
    ----------
    dates
        Sessions, ascending (``datetime64[D]``), shape ``(n,)``.
    index_return
        Simple return of the index on each session from its previous session.
    index_close
        Index close on each session (for the starting level of simulations).
    vix
        VIX close on each session, volatility points.
    rate_annual
        T-bill rate on each session, continuously compounded per year.
    source
        Where the series came from, in words.
    dropped
        Sessions of the index inside the sample's span that were left out, by reason
        (``"no VIX"``, ``"no rate"``).
    """

    dates: np.ndarray[Any, np.dtype[np.datetime64]]
    index_return: Float64Array
    index_close: Float64Array
    vix: Float64Array
    rate_annual: Float64Array
    source: str
    dropped: dict[str, int]

    def __post_init__(self) -> None:
        n = self.dates.size
        if n < MIN_SAMPLE_SESSIONS:
            raise InputError(
                "sample too short",
                source="sample",
                value=n,
                expected=f"at least {MIN_SAMPLE_SESSIONS} common sessions",
            )
        for name in ("index_return", "index_close", "vix", "rate_annual"):
            arr = np.array(getattr(self, name), dtype=np.float64, copy=True)
            if arr.shape != (n,):
                raise InputError(
                    "length differs from dates", source=name, value=arr.shape, expected=f"({n},)"
                )
            if not np.isfinite(arr).all():
                i = int(np.flatnonzero(~np.isfinite(arr))[0])
                raise InputError(
                    "non-finite value", source=name, row=i, value=float(arr[i]), expected="finite"
                )
            arr.setflags(write=False)
            object.__setattr__(self, name, arr)
        if (self.index_return <= -1.0).any():
            raise InputError("index return of -100% or less", source="index_return")

    @property
    def n_sessions(self) -> int:
        """Number of sessions in the sample."""
        return int(self.dates.size)

    @property
    def rate_change(self) -> Float64Array:
        """Change of the rate from the previous session of the sample (0 on the first)."""
        return np.diff(self.rate_annual, prepend=self.rate_annual[0])

    @property
    def first_date(self) -> dt.date:
        """First session of the sample."""
        return pd.Timestamp(self.dates[0]).date()

    @property
    def last_date(self) -> dt.date:
        """Last session of the sample."""
        return pd.Timestamp(self.dates[-1]).date()

    def window(
        self, start: DateLike | None = None, end: DateLike | None = None
    ) -> HistoricalSample:
        """Return the sub-sample of sessions from ``start`` to ``end`` (inclusive)."""
        lo = np.datetime64(pd.Timestamp(start).date(), "D") if start is not None else None
        hi = np.datetime64(pd.Timestamp(end).date(), "D") if end is not None else None
        keep = np.ones(self.n_sessions, dtype=np.bool_)
        if lo is not None:
            keep &= self.dates >= lo
        if hi is not None:
            keep &= self.dates <= hi
        return HistoricalSample(
            dates=self.dates[keep],
            index_return=self.index_return[keep],
            index_close=self.index_close[keep],
            vix=self.vix[keep],
            rate_annual=self.rate_annual[keep],
            source=self.source,
            dropped=dict(self.dropped),
        )

    def to_dict(self) -> dict[str, Any]:
        """Describe the sample (span, size, sources, sessions left out) as JSON-safe data."""
        return {
            "first_date": self.first_date.isoformat(),
            "last_date": self.last_date.isoformat(),
            "n_sessions": self.n_sessions,
            "source": self.source,
            "dropped_sessions": dict(self.dropped),
        }


def _series(obj: pd.Series, name: str) -> pd.Series:
    if not isinstance(obj, pd.Series) or not isinstance(obj.index, pd.DatetimeIndex):
        raise InputError(
            "must be a date-indexed Series",
            source=name,
            value=type(obj).__name__,
            expected="pandas Series with a DatetimeIndex",
        )
    if not obj.index.is_monotonic_increasing or not obj.index.is_unique:
        raise InputError("dates must be ascending and unique", source=name)
    if obj.isna().any():
        raise InputError(
            "has missing values (fill or drop them explicitly first)",
            source=name,
            value=int(obj.isna().sum()),
            expected="no NaN",
        )
    return obj.astype(np.float64)


def align_sample(
    index_close: pd.Series,
    vix_close: pd.Series,
    rate_annual: pd.Series,
    *,
    start: DateLike | None = None,
    end: DateLike | None = None,
    source: str = "user series",
) -> HistoricalSample:
    """Put an index, the VIX and a rate on their common sessions, without filling anything.

    Parameters
    ----------
    index_close
        Index closes on the index's sessions (date-indexed, no NaN).
    vix_close
        VIX closes (date-indexed, no NaN).
    rate_annual
        Continuously compounded rate per year (date-indexed, no NaN).
    start, end
        Optional span (inclusive) of the sessions kept.
    source
        Description recorded in the sample.

    Returns
    -------
    HistoricalSample
        Sessions ``t`` (after the index's first) with a VIX and a rate dated ``t``; the
        return is ``C_t / C_{t-1} - 1`` over consecutive index sessions.
    """
    close = _series(index_close, "index_close")
    vix = _series(vix_close, "vix_close")
    rate = _series(rate_annual, "rate_annual")
    ret = close.iloc[1:].to_numpy() / close.iloc[:-1].to_numpy() - 1.0
    days = close.index[1:]
    lo = max(vix.index[0], rate.index[0], days[0])
    hi = min(vix.index[-1], rate.index[-1], days[-1])
    if start is not None:
        lo = max(lo, pd.Timestamp(start))
    if end is not None:
        hi = min(hi, pd.Timestamp(end))
    span = (days >= lo) & (days <= hi)
    has_vix = days.isin(vix.index)
    has_rate = days.isin(rate.index)
    keep = span & has_vix & has_rate
    kept = days[keep]
    return HistoricalSample(
        dates=kept.to_numpy(dtype="datetime64[D]"),
        index_return=ret[keep],
        index_close=close.iloc[1:].to_numpy()[keep],
        vix=vix.reindex(kept).to_numpy(),
        rate_annual=rate.reindex(kept).to_numpy(),
        source=source,
        dropped={
            "no VIX": int((span & ~has_vix).sum()),
            "no rate": int((span & has_vix & ~has_rate).sum()),
        },
    )


def historical_sample(
    start: DateLike | None = None, end: DateLike | None = None, *, index: str = "SPX"
) -> HistoricalSample:
    """The bundled sample: an index's closes, CBOE VIX and FRED DTB3 on common sessions.

    Parameters
    ----------
    start, end
        Optional span (inclusive); by default all common sessions (from 1990-01-02 for the
        S&P 500 to the last T-bill observation, 2026-01-29, with the bundled data).
    index
        ``SPX`` (Yahoo ^GSPC), ``NDX`` or ``RUT``: the index of the hedge contract, so an NQ
        or RTY stress resamples the returns of its own index. The VIX (an S&P 500 measure)
        is kept as the common volatility state.

    Returns
    -------
    HistoricalSample
    """
    from hedgekit.datasets import load_index, load_tbill_3m, load_vix
    from hedgekit.pricing import tbill_discount_to_continuous

    names = {"SPX": "S&P 500 close (Yahoo ^GSPC)", "NDX": "NASDAQ-100 close",
             "RUT": "Russell 2000 close"}  # fmt: skip
    if index not in names:
        raise InputError(
            f"no bundled history of the index {index} to sample",
            source="--contract",
            value=index,
            expected="a contract on the S&P 500, NASDAQ-100 or Russell 2000",
        )
    closes = load_index(index)["close"]
    vix = load_vix()["close"]
    dtb3 = load_tbill_3m()["discount_pct"]
    rate = pd.Series(
        tbill_discount_to_continuous(dtb3.to_numpy(dtype=np.float64)), index=dtb3.index
    )
    return align_sample(
        closes,
        vix,
        rate,
        start=start,
        end=end,
        source=f"{names[index]}, CBOE VIX close, FRED DTB3 as a continuous rate",
    )
