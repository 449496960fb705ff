r"""One rule for an index's dividend yield at any date, used by the plan and the backtest.

The rule, in order:

1. **S&P 500 while its total-return index runs** (1989-01-03 .. 2024-02-16 bundled): the
   trailing twelve-month yield implied by the total-return and price indices,
   :math:`q_t = \ln(TR_t/TR_{t-1y}) - \ln(P_t/P_{t-1y})`
   (:func:`hedgekit.market.dividend_yield_from_total_return`; S&P Dow Jones Indices, *Index
   Mathematics Methodology*). It is a realised yield: the dividends actually paid.
2. **Otherwise** (the S&P 500 after the total-return index ends, the NASDAQ-100 and the
   Russell 2000 always): the same identity with the index's ETF as the total-return proxy:
   SPY, QQQ, IWM, whose bundled closes are dividend-adjusted, so their growth above the
   price index is the dividends they passed on, less the fund's expense ratio, which is added
   back (:data:`ETF_PROXY`: the ratios of the funds' prospectuses). A fund holds dividends as
   cash until its quarterly distribution, so a single trailing year moves by a quarter's
   dividend as an ex-date crosses the window's edge; the figure for a date is the **median
   of the last** :data:`SMOOTHING_SESSIONS` trailing yields. Over 2005–2024, where both
   exist, the SPY figure is within 0.09% of the total-return figure nine days in ten (0.55%
   at worst); ``tests/snapshot`` checks it.
3. **Never below zero.** Dividends cannot be negative; a negative figure is replaced by 0,
   marked, and the raw figure is kept so the output can say what was measured.
4. A figure may be used up to :data:`MAX_STALE_DIVIDEND_YIELD_DAYS` calendar days after it
   was observed; later dates have no bundled yield and the caller asks for
   ``--dividend-yield``.

The futures-implied yield, :math:`q = r - \ln(F/S)/\tau` (Hull 11e §5.4), is not used:
with the T-bill as :math:`r` it comes out about half a point low (index futures are financed
above the T-bill rate), below zero for the NASDAQ-100 in 2026.

The daily series is computed once per index and cached.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from hedgekit.errors import InputError
from hedgekit.market import Observation, dividend_yield_from_total_return

__all__ = [
    "ETF_PROXY",
    "MAX_STALE_DIVIDEND_YIELD_DAYS",
    "SMOOTHING_SESSIONS",
    "DividendYieldSeries",
    "dividend_yield_at",
    "dividend_yield_series",
]

#: Index key -> (ETF ticker, annual expense ratio) of its total-return proxy. Expense
#: ratios from the funds' prospectuses: SPDR S&P 500 ETF Trust 0.0945%, Invesco QQQ Trust
#: 0.20%, iShares Russell 2000 ETF 0.19%.
ETF_PROXY: dict[str, tuple[str, float]] = {
    "SPX": ("SPY", 0.000945),
    "NDX": ("QQQ", 0.0020),
    "RUT": ("IWM", 0.0019),
}
#: Trailing yields whose median is the ETF-based figure (about a quarter of sessions).
SMOOTHING_SESSIONS = 63
#: Most calendar days a dividend-yield figure may be older than the date it is used for.
MAX_STALE_DIVIDEND_YIELD_DAYS = 10


@dataclass(frozen=True, slots=True, eq=False)
class DividendYieldSeries:
    """Daily dividend yield of one index under the module's rule.

    Attributes
    ----------
    index
        Index key.
    dates
        Dates with a figure (ascending).
    value
        Yield used (continuous, per year; never below zero).
    raw
        The figure before clipping at zero.
    method
        ``"total return"`` or ``"etf"`` per date.
    first_used, last_used
        The first and last trailing yield in the figure (the same date for ``total return``).
    """

    index: str
    dates: pd.DatetimeIndex
    value: np.ndarray
    raw: np.ndarray
    method: np.ndarray
    first_used: pd.DatetimeIndex
    last_used: pd.DatetimeIndex

    def on(self, sessions: pd.DatetimeIndex) -> np.ndarray:
        """Figures for ``sessions`` (latest on or before each), NaN where none or too stale."""
        days = self.dates.to_numpy(dtype="datetime64[D]")
        want = sessions.to_numpy(dtype="datetime64[D]")
        pos = np.searchsorted(days, want, side="right") - 1
        out = np.full(len(want), np.nan)
        ok = pos >= 0
        gap = (want[ok] - days[pos[ok]]).astype(np.int64)
        fresh = np.zeros(len(want), dtype=bool)
        fresh[np.flatnonzero(ok)[gap <= MAX_STALE_DIVIDEND_YIELD_DAYS]] = True
        out[fresh] = self.value[pos[fresh]]
        return out


def _etf_yield(index: str) -> pd.DataFrame:
    """Rule 2: median of the last quarter's trailing ETF-vs-index yields, expense added back."""
    from hedgekit import datasets

    ticker, expense = ETF_PROXY[index]
    etf = datasets.load_etf(ticker)["close"].dropna()  # type: ignore[arg-type]
    spot = datasets.load_index(index)["close"].dropna()
    common = etf.index.intersection(spot.index)
    trailing = (
        dividend_yield_from_total_return(etf.loc[common], spot.loc[common]).dropna() + expense
    )
    med = trailing.rolling(SMOOTHING_SESSIONS, min_periods=SMOOTHING_SESSIONS).median()
    first = np.maximum(np.arange(len(trailing)) - SMOOTHING_SESSIONS + 1, 0)
    frame = pd.DataFrame(
        {"raw": med.to_numpy(), "first": trailing.index[first], "last": trailing.index},
        index=trailing.index,
    )
    return frame.dropna(subset=["raw"])


@functools.cache
def dividend_yield_series(index: str) -> DividendYieldSeries:
    """The daily dividend yield of ``index`` (``SPX``, ``NDX``, ``RUT``) under the rule above.

    Raises
    ------
    InputError
        For an index with no bundled futures or total-return history (the Dow): give
        ``--dividend-yield``.
    """
    from hedgekit import datasets

    if index not in ETF_PROXY:
        raise InputError(
            f"no bundled dividend yield for the index {index}",
            source="--dividend-yield",
            value=index,
            expected="--dividend-yield (continuous, e.g. 0.016 for 1.6%)",
        )
    proxy = _etf_yield(index)
    frames = []
    if index == "SPX":
        tr = datasets.load_sp500_tr()["close"]
        px = datasets.load_sp500()["close"]
        trq = dividend_yield_from_total_return(tr, px.loc[tr.index[0] : tr.index[-1]]).dropna()
        frames.append(
            pd.DataFrame(
                {"raw": trq.to_numpy(), "method": "total return", "first": trq.index,
                 "last": trq.index},
                index=trq.index,
            )
        )  # fmt: skip
        proxy = proxy.loc[proxy.index > trq.index[-1]]
    frames.append(proxy.assign(method="etf")[["raw", "method", "first", "last"]])
    frame = pd.concat(frames).sort_index()
    raw = frame["raw"].to_numpy(dtype=np.float64)
    return DividendYieldSeries(
        index=index,
        dates=pd.DatetimeIndex(frame.index),
        value=np.maximum(raw, 0.0),
        raw=raw,
        method=frame["method"].to_numpy(dtype=object),
        first_used=pd.DatetimeIndex(frame["first"]),
        last_used=pd.DatetimeIndex(frame["last"]),
    )


def last_usable(index: str) -> dt.date:
    """Last date a bundled yield of ``index`` may be used for (rule 4)."""
    series = dividend_yield_series(index)
    return series.dates[-1].date() + dt.timedelta(days=MAX_STALE_DIVIDEND_YIELD_DAYS)


def dividend_yield_at(index: str, as_of: dt.date) -> tuple[Observation, str | None]:
    """The bundled dividend yield of ``index`` for ``as_of``, and a note when it is clipped.

    Returns
    -------
    observation
        Value (never below zero), the date observed, and how it was obtained.
    note
        ``None``, or a sentence saying the implied figure was below zero and 0 is used.

    Raises
    ------
    InputError
        No figure on or before ``as_of`` within :data:`MAX_STALE_DIVIDEND_YIELD_DAYS`.
    """
    series = dividend_yield_series(index)
    stamp = pd.Timestamp(as_of)
    pos = int(series.dates.searchsorted(stamp, side="right")) - 1
    if pos < 0 or (as_of - series.dates[pos].date()).days > MAX_STALE_DIVIDEND_YIELD_DAYS:
        span = f"{series.dates[0].date()} to {last_usable(index)}"
        raise InputError(
            f"no bundled dividend yield for {index} on {as_of.isoformat()} (bundled: {span})",
            source="--dividend-yield",
            value=as_of.isoformat(),
            expected="--dividend-yield (continuous, e.g. 0.013 for 1.3%), or an --as-of in " + span,
        )
    observed = series.dates[pos].date()
    ticker, expense = ETF_PROXY[index]
    if series.method[pos] == "total return":
        how = "S&P 500 trailing 12-month yield (total-return vs price index)"
    else:
        how = (
            f"{index} trailing 12-month yield measured on {ticker} (dividend-adjusted) vs the "
            f"index, plus its {expense:.4%} expense ratio; median of "
            f"{series.first_used[pos].date()} to {series.last_used[pos].date()}"
        )
    if series.method[pos] != "total return":
        from hedgekit.marketdata import row_origin

        row = row_origin(f"etf_{ticker.lower()}", "close", series.last_used[pos].date())
        if row is not None:
            how += (
                f"; {ticker} closes to {row.date} updated from {row.provider} "
                f"{row.provider_id}, fetched {row.fetched_at}"
            )
    note = None
    raw = float(series.raw[pos])
    if raw < 0:
        how += f"; measured {raw:.2%} is below zero, 0 used"
        note = (
            f"The {index} dividend yield measured from {ticker} is {raw:.2%}, below zero: a "
            "dividend yield cannot be negative, so 0 is used; give --dividend-yield to use "
            "another figure."
        )
    obs = Observation(
        float(series.value[pos]), observed, as_of, how, "continuous, per year", origin="derived"
    )
    return obs, note
