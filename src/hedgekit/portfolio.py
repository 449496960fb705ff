"""Portfolio valuation: holdings and prices -> values, weights, buy-and-hold returns.

Pure computation: no files, no printing. Prices come in as a wide frame (dates ×
tickers, e.g. from :func:`hedgekit.data.prices_for`); every held ticker must have a price
where one is needed, and missing prices raise :class:`~hedgekit.errors.InputError`
instead of being filled.

The portfolio is valued the way a hedger values the position to be hedged: at current
market prices, shares × price (Hull, *Options, Futures, and Other Derivatives*, 11th ed.,
§3.5 "Stock index futures", where the hedged portfolio's value ``V_A`` is its current
market value). Its history is that of the *current* holdings held unchanged (constant
share counts), which is what a beta estimated for today's hedge needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from hedgekit._dates import to_date, to_timestamp
from hedgekit._typing import DateLike, Float64Array
from hedgekit.data import Holdings, validate_prices
from hedgekit.errors import InputError

__all__ = [
    "PortfolioSnapshot",
    "buy_and_hold_returns",
    "portfolio_returns",
    "portfolio_values",
    "value_holdings",
    "weights_at",
]


@dataclass(frozen=True, slots=True)
class PortfolioSnapshot:
    """Holdings valued on one date.

    Attributes
    ----------
    as_of
        Valuation date (a date present in the price history).
    shares
        ``(ticker, shares)`` per position; for positions given by market value, the
        implied count ``market_value_usd / price``.
    prices_usd
        ``(ticker, price)`` used, per position.
    values_usd
        ``(ticker, value)``: ``shares × price``, or the given market value; negative for
        a short position.
    weights
        ``(ticker, value / total_value_usd)``; they sum to 1 (a short's weight is negative).
    total_value_usd
        Sum of the position values.
    """

    as_of: pd.Timestamp
    shares: tuple[tuple[str, float], ...]
    prices_usd: tuple[tuple[str, float], ...]
    values_usd: tuple[tuple[str, float], ...]
    weights: tuple[tuple[str, float], ...]
    total_value_usd: float

    @property
    def tickers(self) -> tuple[str, ...]:
        """Tickers in holdings order."""
        return tuple(t for t, _ in self.values_usd)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dict (ISO date, plain floats)."""
        return {
            "as_of": self.as_of.date().isoformat(),
            "total_value_usd": float(self.total_value_usd),
            "positions": [
                {
                    "ticker": t,
                    "shares": float(s),
                    "price_usd": float(p),
                    "value_usd": float(v),
                    "weight": float(w),
                }
                for (t, s), (_, p), (_, v), (_, w) in zip(
                    self.shares, self.prices_usd, self.values_usd, self.weights, strict=True
                )
            ],
        }

    def to_frame(self) -> pd.DataFrame:
        """Return one row per position: ``shares, price_usd, value_usd, weight``."""
        return pd.DataFrame(
            {
                "shares": [s for _, s in self.shares],
                "price_usd": [p for _, p in self.prices_usd],
                "value_usd": [v for _, v in self.values_usd],
                "weight": [w for _, w in self.weights],
            },
            index=pd.Index(list(self.tickers), name="ticker"),
            dtype=np.float64,
        )


def _parse_date(value: DateLike, name: str) -> pd.Timestamp:
    """Parse a date argument strictly (:func:`hedgekit._dates.to_date`) to a midnight stamp."""
    return to_timestamp(to_date(value, name))


def _row_at(prices: pd.DataFrame, as_of: pd.Timestamp) -> int:
    index = prices.index
    if as_of in index:
        return int(index.get_loc(as_of))  # type: ignore[arg-type]
    before = index[index < as_of]
    if len(before):
        hint = f"the last date with prices before it is {before[-1].date()}"
    elif len(index):
        hint = f"prices start on {index[0].date()}"
    else:
        hint = "the price history is empty"
    raise InputError(
        f"no prices on {as_of.date()}; {hint}",
        source="as_of",
        value=str(as_of.date()),
        expected="a date present in the price history",
    )


def value_holdings(holdings: Holdings, prices: pd.DataFrame, as_of: DateLike) -> PortfolioSnapshot:
    r"""Value ``holdings`` at the prices of ``as_of``.

    Parameters
    ----------
    holdings
        Positions by share count or by market value.
    prices
        Wide price frame with a column per held ticker (see
        :func:`hedgekit.data.validate_prices`).
    as_of
        Valuation date; must be a date in ``prices.index``.

    Returns
    -------
    PortfolioSnapshot
        Values, implied shares and weights.

    Raises
    ------
    InputError
        If ``as_of`` is not in the price history (the message gives the last date before
        it), a held ticker has no price column, its price on ``as_of`` is NaN, or short
        positions make the total value zero or negative.

    Notes
    -----
    For position :math:`i` with price :math:`P_i` on the valuation date,

    .. math::

        V_i = n_i P_i \quad\text{(given shares } n_i\text{)},\qquad
        n_i = V_i / P_i \quad\text{(given market value } V_i\text{)},\qquad
        w_i = V_i / \textstyle\sum_j V_j .

    The portfolio value :math:`\sum_j V_j` is the :math:`V_A` of Hull (11th ed., §3.5).
    A short position has :math:`n_i < 0` (or :math:`V_i < 0`), so it counts against the
    total and its weight is negative; its beta exposure is :math:`\beta_i V_i < 0`. Futures
    held (:attr:`Holdings.existing_hedge`) are not stock value and are not counted here.
    """
    frame = validate_prices(prices, holdings.tickers, source="prices")
    stamp = _parse_date(as_of, "as_of")
    row = frame.iloc[_row_at(frame, stamp)].to_numpy(dtype=np.float64)
    for ticker, price in zip(holdings.tickers, row, strict=True):
        if np.isnan(price):
            raise InputError(
                f"no price for {ticker} on {stamp.date()} (missing prices are never filled)",
                source="prices",
                column=ticker,
                value=str(stamp.date()),
                expected="a price for every held ticker on the valuation date",
            )
    shares = np.empty(len(holdings), dtype=np.float64)
    values = np.empty(len(holdings), dtype=np.float64)
    for i, pos in enumerate(holdings.positions):
        if pos.shares is not None:
            shares[i] = pos.shares
            values[i] = pos.shares * row[i]
        else:
            assert pos.market_value_usd is not None  # guaranteed by Holding
            values[i] = pos.market_value_usd
            shares[i] = pos.market_value_usd / row[i]
    total = float(values.sum())
    if not total > 0:
        raise InputError(
            f"the stock positions are worth {total:,.2f} USD on {stamp.date()}: short "
            "positions at least as large as the long ones leave nothing to hedge",
            source=holdings.source,
            column="shares",
            value=total,
            expected="holdings whose long positions are worth more than the short ones",
        )
    tickers = holdings.tickers

    def pairs(xs: Float64Array) -> tuple[tuple[str, float], ...]:
        return tuple((t, float(x)) for t, x in zip(tickers, xs, strict=True))

    return PortfolioSnapshot(
        as_of=stamp,
        shares=pairs(shares),
        prices_usd=pairs(row),
        values_usd=pairs(values),
        weights=pairs(values / total),
        total_value_usd=total,
    )


def weights_at(holdings: Holdings, prices: pd.DataFrame, as_of: DateLike) -> pd.Series:
    """Position weights on ``as_of`` as a Series indexed by ticker (sums to 1).

    See :func:`value_holdings` for the definition and the errors raised.
    """
    snap = value_holdings(holdings, prices, as_of)
    return pd.Series(
        [w for _, w in snap.weights],
        index=pd.Index(list(snap.tickers), name="ticker"),
        name="weight",
        dtype=np.float64,
    )


def buy_and_hold_returns(prices: Float64Array, shares: Float64Array) -> Float64Array:
    r"""Daily simple returns of a constant-share portfolio (numpy core).

    Parameters
    ----------
    prices
        ``(T, N)`` prices, no NaN.
    shares
        ``(N,)`` share counts.

    Returns
    -------
    numpy.ndarray
        ``(T - 1,)`` returns :math:`r_t = V_t / V_{t-1} - 1` with
        :math:`V_t = \sum_i n_i P_{i,t}`; equivalently
        :math:`r_t = \sum_i w_{i,t-1} r_{i,t}` with drifting weights
        :math:`w_{i,t-1} = n_i P_{i,t-1} / V_{t-1}` (Hull, 11th ed., §3.5: the
        portfolio's value and return are those of its constituents at market prices).
    """
    values = prices @ shares
    out: Float64Array = values[1:] / values[:-1] - 1.0
    return out


def _window(
    holdings: Holdings,
    prices: pd.DataFrame,
    start: DateLike,
    end: DateLike,
    as_of: DateLike | None,
) -> tuple[pd.DataFrame, Float64Array]:
    frame = validate_prices(prices, holdings.tickers, source="prices")
    lo, hi = _parse_date(start, "start"), _parse_date(end, "end")
    if lo > hi:
        raise InputError(
            "start is after end",
            source="start",
            value=f"{lo.date()} > {hi.date()}",
            expected="start <= end",
        )
    window = frame.loc[lo:hi]
    if len(window) < 2:
        raise InputError(
            f"fewer than 2 price dates between {lo.date()} and {hi.date()}",
            source="start/end",
            value=len(window),
            expected="a window with at least two dates in the price history",
        )
    values = window.to_numpy(dtype=np.float64)
    missing = np.isnan(values)
    if missing.any():
        cols = np.flatnonzero(missing.any(axis=0))
        first = [(window.index[int(np.argmax(missing[:, j]))], holdings.tickers[j]) for j in cols]
        first.sort()
        date, ticker = first[0]
        others = ", ".join(f"{t} from {d.date()}" for d, t in first[1:])
        raise InputError(
            f"no price for {ticker} on {date.date()} inside {lo.date()} .. {hi.date()}"
            + (f" (also missing: {others})" if others else "")
            + "; missing prices are never filled",
            source="prices",
            column=ticker,
            value=str(date.date()),
            expected="a complete price history for every held ticker in the window",
        )
    snap = value_holdings(holdings, frame, window.index[-1] if as_of is None else as_of)
    shares = np.array([s for _, s in snap.shares], dtype=np.float64)
    return window, shares


def portfolio_values(
    holdings: Holdings,
    prices: pd.DataFrame,
    start: DateLike,
    end: DateLike,
    *,
    as_of: DateLike | None = None,
) -> pd.Series:
    r"""Daily value in USD of the current holdings held unchanged over ``[start, end]``.

    Parameters
    ----------
    holdings, prices
        As for :func:`value_holdings`.
    start, end
        Inclusive window; need not be trading days.
    as_of
        Date whose prices turn market-value positions into share counts; default: the
        last date in the window.

    Returns
    -------
    pandas.Series
        :math:`V_t = \sum_i n_i P_{i,t}` on every price date in the window (``date``
        index), named ``portfolio_value_usd``.

    Raises
    ------
    InputError
        As :func:`portfolio_returns`.
    """
    window, shares = _window(holdings, prices, start, end, as_of)
    return pd.Series(
        window.to_numpy(dtype=np.float64) @ shares,
        index=window.index,
        name="portfolio_value_usd",
    )


def portfolio_returns(
    holdings: Holdings,
    prices: pd.DataFrame,
    start: DateLike,
    end: DateLike,
    *,
    as_of: DateLike | None = None,
) -> pd.Series:
    """Daily simple returns of the buy-and-hold portfolio of the current holdings.

    The share counts are held constant over the whole window: the series is the history
    of *today's* positions (what a beta for today's hedge should be estimated on), not
    the history of a past account.

    Parameters
    ----------
    holdings
        Positions by share count or by market value.
    prices
        Wide price frame with a column per held ticker.
    start, end
        Inclusive window; need not be trading days. The first price date in the window
        is the base, so ``n`` dates give ``n - 1`` returns.
    as_of
        Date whose prices turn market-value positions into share counts; must be in the
        price history. Default: the last date in the window.

    Returns
    -------
    pandas.Series
        Returns :math:`r_t = V_t / V_{t-1} - 1` (see :func:`buy_and_hold_returns`),
        indexed by the later date of each pair, named ``portfolio_return``.

    Raises
    ------
    InputError
        If ``start > end``, the window has fewer than two dates, a held ticker has a NaN
        price inside the window (the message names the ticker and its first missing
        date; nothing is filled), or as for :func:`value_holdings`.
    """
    window, shares = _window(holdings, prices, start, end, as_of)
    returns = buy_and_hold_returns(window.to_numpy(dtype=np.float64), shares)
    return pd.Series(returns, index=window.index[1:], name="portfolio_return")
