"""Return series from price series: plain simple returns and futures returns without roll jumps."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, overload

import numpy as np
import numpy.typing as npt
import pandas as pd

from hedgekit._typing import BoolArray
from hedgekit.errors import InputError

from ._common import Frequency, check_date_index, check_frequency, check_series, iso
from ._kernels import labels_change, simple_returns

__all__ = ["FuturesReturns", "futures_returns_excluding_rolls", "returns_from_prices"]


def _week_end_positions(index: pd.DatetimeIndex) -> np.ndarray[Any, np.dtype[np.intp]]:
    """Positions of the last row of each week ending Friday (``W-FRI``)."""
    weeks = index.to_period("W-FRI").asi8
    last_of_week = np.ones(len(index), dtype=bool)
    last_of_week[:-1] = weeks[1:] != weeks[:-1]
    return np.flatnonzero(last_of_week)


def _check_prices_frame(frame: pd.DataFrame, *, source: str) -> pd.DataFrame:
    """Validate prices: numeric, positive, NaN only before a column's first price."""
    checked = {col: check_series(frame[col], source=f"{source}[{col!r}]") for col in frame.columns}
    out = pd.DataFrame(checked, index=frame.index)
    for col in out.columns:
        s = out[col]
        vals = s.to_numpy()
        valid = ~np.isnan(vals)
        if not valid.any():
            raise InputError("no prices at all", source=source, column=str(col))
        first = int(np.argmax(valid))
        gaps = np.flatnonzero(~valid[first:])
        if gaps.size:
            date = s.index[first + int(gaps[0])]
            raise InputError(
                f"missing price after the series has started ({_count(int(gaps.size), 'gap')}); "
                "fill or cut the gap explicitly before computing returns",
                source=source,
                column=str(col),
                value=date.date().isoformat(),
                expected="no missing prices after the first one",
            )
        nonpos = np.flatnonzero(vals[valid] <= 0.0)
        if nonpos.size:
            date = s.index[valid][int(nonpos[0])]
            raise InputError(
                "price is not positive",
                source=source,
                column=str(col),
                value=f"{vals[valid][int(nonpos[0])]} on {date.date().isoformat()}",
                expected="prices > 0",
            )
    return out


@overload
def returns_from_prices(prices: pd.Series, frequency: Frequency = "daily") -> pd.Series: ...
@overload
def returns_from_prices(prices: pd.DataFrame, frequency: Frequency = "daily") -> pd.DataFrame: ...
def returns_from_prices(
    prices: pd.Series | pd.DataFrame, frequency: Frequency = "daily"
) -> pd.Series | pd.DataFrame:
    r"""Simple returns of one price series or of each column of a price table.

    .. math:: r_t = \frac{P_t}{P_{t-1}} - 1

    Parameters
    ----------
    prices
        Positive prices indexed by ascending, unique, tz-naive session dates. Use
        dividend-adjusted closes for total returns.
    frequency
        ``"daily"``: one return per row, from the previous row.
        ``"weekly"``: Friday-to-Friday returns. Each week runs Saturday to Friday
        (pandas ``W-FRI``); its price is the *last session of the week*, usually the
        Friday, the Thursday when Friday is a holiday. The return is labelled with that
        session's actual date. The first and last weeks may be partial: the last
        week's price is simply the last row given.

    Returns
    -------
    pd.Series or pd.DataFrame
        Same type and columns as ``prices``, without the first (sampled) date, which has
        no previous price.

    Raises
    ------
    InputError
        A missing price after a series has started (gaps are never skipped silently),
        a non-positive or infinite price, a bad date index, fewer than two prices.

    Notes
    -----
    Leading missing prices (a stock not yet listed, e.g. in a table of several stocks)
    are allowed: the returns of that column are NaN up to and including its first
    listed date, because a return needs two prices. :func:`align` treats such leading
    NaN as "not yet listed" and starts the common sample after them.
    """
    freq = check_frequency(frequency)
    series_name: Any = None
    if isinstance(prices, pd.Series):
        series_name = prices.name
        frame = pd.DataFrame({0: prices})
    elif isinstance(prices, pd.DataFrame):
        frame = prices
    else:
        raise InputError(
            "expected a pandas Series or DataFrame of prices",
            source="prices",
            value=type(prices).__name__,
        )
    check_date_index(frame.index, source="prices")
    frame = _check_prices_frame(frame, source="prices")
    if freq == "weekly":
        frame = frame.iloc[_week_end_positions(pd.DatetimeIndex(frame.index))]
    if len(frame) < 2:
        raise InputError(
            "need at least two prices to compute a return",
            source="prices",
            value=len(frame),
            expected=">= 2 rows (after weekly sampling)",
        )
    rets = simple_returns(frame.to_numpy(dtype=np.float64))
    out = pd.DataFrame(rets, index=frame.index[1:], columns=frame.columns)
    if isinstance(prices, pd.Series):
        return pd.Series(out.iloc[:, 0].to_numpy(), index=out.index, name=series_name)
    return out


@dataclass(frozen=True, slots=True)
class FuturesReturns:
    """Returns of a front-month continuous futures series with the roll days excluded.

    Attributes
    ----------
    returns
        Simple returns; ``NaN`` on every roll day (the first session of a new contract),
        whose price change mixes two contracts.
    roll_dates
        The excluded roll days, ascending.
    frequency
        ``"daily"`` or ``"weekly"``.
    name
        Name of the series (e.g. ``"ES"``).

    Notes
    -----
    Pass the object itself (not ``.returns``) to :func:`align` and the estimators: they
    drop exactly ``roll_dates`` from every series in the fit, count them as
    ``n_roll_days_excluded`` in the result, and still reject any other missing value.
    """

    returns: pd.Series
    roll_dates: pd.DatetimeIndex
    frequency: Frequency
    name: str

    @property
    def n_roll_days_excluded(self) -> int:
        """Number of roll days whose return is excluded."""
        return len(self.roll_dates)

    @property
    def n_obs(self) -> int:
        """Number of usable (non-roll) returns."""
        return len(self.returns) - len(self.roll_dates)

    def to_frame(self) -> pd.DataFrame:
        """Returns with an ``is_roll_day`` flag column."""
        return pd.DataFrame(
            {
                "return": self.returns,
                "is_roll_day": self.returns.index.isin(self.roll_dates),
            }
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe summary (the return series itself is in :meth:`to_frame`)."""
        return {
            "name": self.name,
            "frequency": self.frequency,
            "start": iso(self.returns.index[0]) if len(self.returns) else None,
            "end": iso(self.returns.index[-1]) if len(self.returns) else None,
            "n_obs": self.n_obs,
            "n_roll_days_excluded": self.n_roll_days_excluded,
            "roll_dates": [d.date().isoformat() for d in self.roll_dates],
        }


def final_settlement_days(dates: pd.DatetimeIndex, labels: npt.NDArray[Any]) -> BoolArray:
    """True where a date is the last trading day of the contract labelled on it.

    On that day a continuous front-month series prints the contract's final settlement
    (the Special Opening Quotation, CME Rulebook Chapter 358), not a closing price; see
    :func:`futures_returns_excluding_rolls`.

    A label that is not a contract code (``ESZ2020``; e.g. a synthetic ``ES2010Q1``) names
    no last trading day, and its dates are never marked.
    """
    from hedgekit.calendar import ContractCode, last_trading_day

    ltd: dict[str, pd.Timestamp | None] = {}
    out = np.zeros(len(dates), dtype=np.bool_)
    for i, (date, label) in enumerate(zip(dates, labels, strict=True)):
        key = str(label)
        if key not in ltd:
            try:
                ltd[key] = last_trading_day(ContractCode.parse(key))
            except InputError:
                ltd[key] = None
        out[i] = date == ltd[key]
    return out


def futures_returns_excluding_rolls(
    prices: pd.Series,
    contract_labels: pd.Series,
    *,
    frequency: Frequency = "daily",
    name: str | None = None,
) -> FuturesReturns:
    r"""Returns of a continuous front-month futures series, roll jumps excluded.

    A continuous front-month series switches from the expiring contract to the next one
    on a roll; the price change that day is mostly the calendar spread between two
    contracts, not a market move, and would bias a beta or hedge ratio. The return on
    the first session of each new contract is therefore set to ``NaN`` and the day is
    recorded in :attr:`FuturesReturns.roll_dates`:

    .. math::

        r_t = \begin{cases} F_t / F_{t-1} - 1 & \text{contract}_t = \text{contract}_{t-1} \\
        \text{excluded} & \text{otherwise} \end{cases}

    The return *into* a contract's last trading day is excluded too: on that day the
    continuous series prints the contract's final settlement, the Special Opening
    Quotation struck at 9:30 a.m. (CME Rulebook Chapter 358), not a price at the index's
    close. In the bundled ``ES=F`` history the basis jumps by a median 8 index points on
    those days against 1.6 on others, and by 40-90 points in several recent quarters
    (2020-03-20: the futures +1.4% while the index fell 4.3%). A hedger who rolls before
    expiry never holds the contract that day (see :data:`hedgekit.calendar.ROLL_AHEAD_SESSIONS`).

    Those days are dropped (from every series in a fit, so the pairs stay matched) by
    :func:`align` and the estimators, and counted in their results
    (``n_roll_days_excluded``). That day's genuine market move is lost with them.

    Parameters
    ----------
    prices
        Unadjusted front-month prices (e.g. the ``close`` of the bundled Yahoo ``ES=F``,
        ``NQ=F`` or ``RTY=F`` files), no missing values.
    contract_labels
        The contract held on each date (e.g. the bundled ``inferred_contract`` column,
        ``ESZ2020``), same dates as ``prices``. A contract may not reappear once the
        series has moved past it.
    frequency
        ``"daily"`` or ``"weekly"`` (last session of each ``W-FRI`` week, as in
        :func:`returns_from_prices`); a weekly return is excluded when the contract at
        the end of the week differs from the one at the end of the previous week.
    name
        Name for the result; defaults to ``prices.name``.

    Returns
    -------
    FuturesReturns

    Raises
    ------
    InputError
        Missing or non-positive prices, missing labels, dates that differ between the
        two inputs, a contract label that reappears.
    """
    freq = check_frequency(frequency)
    px = check_series(prices, source="prices")
    if px.isna().any():
        date = px.index[px.isna().to_numpy()][0]
        raise InputError(
            "missing futures price",
            source="prices",
            value=date.date().isoformat(),
            expected="a price on every date",
        )
    if (px <= 0.0).any():
        date = px.index[(px <= 0.0).to_numpy()][0]
        raise InputError(
            "price is not positive",
            source="prices",
            value=date.date().isoformat(),
            expected="prices > 0",
        )
    if not isinstance(contract_labels, pd.Series):
        raise InputError(
            "expected a pandas Series of contract labels",
            source="contract_labels",
            value=type(contract_labels).__name__,
        )
    check_date_index(contract_labels.index, source="contract_labels")
    if not px.index.equals(contract_labels.index):
        only_p = px.index.difference(contract_labels.index)
        only_l = contract_labels.index.difference(px.index)
        first = (only_p[:1].append(only_l[:1])).min() if len(only_p) or len(only_l) else None
        raise InputError(
            f"prices and contract_labels have different dates ({len(only_p)} only in prices, "
            f"{len(only_l)} only in labels)",
            source="contract_labels",
            value=None if first is None else first.date().isoformat(),
            expected="exactly the same dates as prices",
        )
    labels = contract_labels.to_numpy(dtype=object)
    bad = [i for i, v in enumerate(labels) if not isinstance(v, str) or not v.strip()]
    if bad:
        raise InputError(
            "missing or empty contract label",
            source="contract_labels",
            value=contract_labels.index[bad[0]].date().isoformat(),
            expected="a contract code such as ESZ2020 on every date",
        )
    seen: set[str] = set()
    for i, label in enumerate(labels):
        if i and label != labels[i - 1]:
            if label in seen:
                raise InputError(
                    "contract label reappears after the series rolled past it",
                    source="contract_labels",
                    value=f"{label} on {contract_labels.index[i].date().isoformat()}",
                    expected="each contract held over one unbroken stretch of dates",
                )
            seen.add(str(labels[i - 1]))
    index = pd.DatetimeIndex(px.index)
    pos = np.arange(len(index)) if freq == "daily" else _week_end_positions(index)
    if len(pos) < 2:
        raise InputError(
            "need at least two prices to compute a return", source="prices", value=len(pos)
        )
    sampled_px = px.to_numpy()[pos]
    sampled_labels = labels[pos]
    rets = simple_returns(sampled_px)
    rolls = labels_change(sampled_labels) | final_settlement_days(
        index[pos][1:], sampled_labels[1:]
    )
    rets[rolls] = np.nan
    ret_index = index[pos][1:]
    label = name if name is not None else ("futures" if px.name is None else str(px.name))
    return FuturesReturns(
        returns=pd.Series(rets, index=ret_index, name=label),
        roll_dates=pd.DatetimeIndex(ret_index[rolls]),
        frequency=freq,
        name=label,
    )


def _count(n: int, noun: str) -> str:
    """``"1 date"``, ``"3 dates"``."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
