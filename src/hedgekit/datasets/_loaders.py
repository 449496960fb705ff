"""Public loaders of the bundled real market history.

Every loader returns a new :class:`pandas.DataFrame` indexed by a tz-naive
``DatetimeIndex`` named ``date`` (``datetime64[ns]``), ascending and unique. Columns are
float64 unless stated. Values are exactly those of the staged source files (see
``PROVENANCE.md`` next to this module): nothing is filled, rounded or dropped on load, and
known gaps stay visible as NaN cells or as missing dates.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final, Literal

import numpy.typing as npt

from hedgekit.datasets._registry import DATASET_NAMES, DATASETS
from hedgekit.datasets._store import bundle_until, load_frame, metadata, read_columns
from hedgekit.errors import DatasetError, InputError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "EtfTicker",
    "FuturesRoot",
    "IndexKey",
    "list_datasets",
    "load",
    "load_columns",
    "load_es_front_month",
    "load_etf",
    "load_futures_front",
    "load_index",
    "load_large_caps",
    "load_ndx",
    "load_rut",
    "load_shiller_monthly",
    "load_sp500",
    "load_sp500_20stocks",
    "load_sp500_tr",
    "load_tbill_3m",
    "load_tbill_3m_monthly",
    "load_tf_front_month",
    "load_vix",
]

EtfTicker = Literal["SPY", "QQQ", "IWM", "DIA"]
FuturesRoot = Literal["ES", "NQ", "RTY"]
IndexKey = Literal["SPX", "NDX", "RUT"]

_ETFS: Final = ("SPY", "QQQ", "IWM", "DIA")
_FUTURES_ROOTS: Final = ("ES", "NQ", "RTY")
_INDEX_DATASETS: Final = {"SPX": "sp500", "NDX": "ndx", "RUT": "rut"}


def load(name: str) -> pd.DataFrame:
    """Load a bundled dataset by name.

    Parameters
    ----------
    name
        One of :data:`DATASET_NAMES` (``load(name)`` equals ``load_<name>()``; the ETF
        sets are ``etf_spy`` … and the Yahoo futures ``futures_front_es`` …).

    Returns
    -------
    pandas.DataFrame
        The dataset, as documented by its ``load_*`` function.

    Raises
    ------
    InputError
        If ``name`` is not a bundled dataset.
    DatasetError
        If the bundled file is missing or does not match its schema.
    """
    if name not in DATASETS:
        raise InputError(
            "unknown dataset", source="name", value=name, expected=f"one of {list(DATASET_NAMES)}"
        )
    return load_frame(name)


def load_columns(name: str, columns: Sequence[str] | None = None) -> dict[str, npt.NDArray[Any]]:
    """Load columns of a bundled dataset as numpy arrays, without pandas.

    The same file and the same checks as :func:`load` (content checksum, header, ISO dates,
    unique and ascending, row count and date range against the record, every cell of the
    columns read parsed), for callers that want plain arrays and no pandas import (a
    short-lived process such as ``benchmarks/grid.py``). Parsed columns are cached per
    process like the frames.

    Parameters
    ----------
    name
        One of :data:`DATASET_NAMES`.
    columns
        Column names as in ``load(name).columns``; ``None`` for all of them.

    Returns
    -------
    dict of str to numpy.ndarray
        ``"date"``: the dates as ``datetime64[D]``; then each requested column, in the
        order asked: float64 (blank cells NaN) or, for string columns, ``str_``. Values
        equal ``load(name)`` exactly (``load(name).index`` is these dates at ns precision).
        The arrays are fresh copies.

    Raises
    ------
    InputError
        If ``name`` is not a bundled dataset or a column is not one of its columns.
    DatasetError
        If the bundled file is missing or does not match its schema.

    Examples
    --------
    >>> cols = load_columns("sp500", ["close"])
    >>> str(cols["date"][0]), float(cols["close"][0])
    ('1927-12-30', 17.66)
    """
    if name not in DATASETS:
        raise InputError(
            "unknown dataset", source="name", value=name, expected=f"one of {list(DATASET_NAMES)}"
        )
    available = DATASETS[name].output_columns
    wanted = available if columns is None else tuple(columns)
    for col in wanted:
        if col not in available:
            raise InputError(
                f"dataset {name!r} has no such column",
                source="columns",
                value=col,
                expected=f"one of {list(available)}",
            )
    return read_columns(name, wanted)


def load_sp500() -> pd.DataFrame:
    """S&P 500 price index (Yahoo ^GSPC), daily, 1927-12-30 .. 2026-07-10.

    Returns
    -------
    pandas.DataFrame
        Columns ``open, high, low, close`` (index points, 2 decimals), 24,747 NYSE
        sessions; no NaN. Up to 1962 (and on some rows to 1983) open = high = low = close:
        use the close only for those years. 2019-08-12 and 2021-08-11 closes are FRED's.
    """
    return load_frame("sp500")


def load_ndx() -> pd.DataFrame:
    """NASDAQ-100 index (Yahoo ^NDX), daily, 1985-10-01 .. 2026-07-10.

    Returns
    -------
    pandas.DataFrame
        Columns ``open, high, low, close`` (index points), 10,272 sessions; no NaN.
    """
    return load_frame("ndx")


def load_rut() -> pd.DataFrame:
    """Russell 2000 index (Yahoo ^RUT), daily, 1987-09-10 .. 2026-02-20.

    Returns
    -------
    pandas.DataFrame
        Columns ``open, high, low, close`` (index points), 9,685 sessions; no NaN.
    """
    return load_frame("rut")


def load_sp500_tr() -> pd.DataFrame:
    """S&P 500 Total Return index (Yahoo ^SP500TR), daily close, 1988-01-04 .. 2024-02-16.

    Returns
    -------
    pandas.DataFrame
        Column ``close`` (index points), 9,103 sessions; no NaN. Yahoo glitches left in
        place: 1990-01-24 (about −1.8% for one day), 2019-03-12 and 2019-07-03 (stale).
    """
    return load_frame("sp500_tr")


def load_vix() -> pd.DataFrame:
    """CBOE VIX, daily, 1990-01-02 .. 2026-07-23, on NYSE sessions.

    Returns
    -------
    pandas.DataFrame
        Columns ``open, high, low, close`` (volatility points), 9,206 rows; no NaN. Before
        mid-2004 many rows have O = H = L = C and 47 rows in 1992-2006 have an open/high/low
        inconsistent with the close (CBOE archive): use the close.
    """
    return load_frame("vix")


def load_tbill_3m() -> pd.DataFrame:
    """3-month Treasury bill, secondary market (FRED DTB3), daily, 1954-01-04 .. 2026-01-29.

    Returns
    -------
    pandas.DataFrame
        Column ``discount_pct``: percent per annum on a bank-discount basis (not a
        bond-equivalent yield), 18,009 rows; no NaN. The series follows the bond-market
        calendar and is **not** forward filled here: 188 NYSE sessions have no row
        (Columbus Day, Veterans Day, …) and 56 rows fall on days the NYSE was closed.
        Values are 0 or slightly negative on 21 days (2008-2015, 2020); they are genuine.
        Aligning to trading days (e.g. carrying the last value forward) is the caller's
        explicit choice.
    """
    return load_frame("tbill_3m")


def load_tbill_3m_monthly() -> pd.DataFrame:
    """3-month Treasury bill, monthly average (FRED TB3MS), 1934-01 .. 2023-11.

    Returns
    -------
    pandas.DataFrame
        Column ``rate_pct`` (percent per annum), one row per month indexed by the first
        day of the month, 1,079 rows, no gaps.
    """
    return load_frame("tbill_3m_monthly")


def load_shiller_monthly() -> pd.DataFrame:
    """Shiller's monthly S&P 500 data, 1871-01 .. 2026-06 (fundamentals to 2023-06).

    Returns
    -------
    pandas.DataFrame
        Index: first day of each month (1,866 rows). Columns: ``sp500_price`` (monthly
        average of daily closes), ``dividend_12m`` and ``earnings_12m`` (trailing
        four-quarter totals, index points), ``cpi``, ``gs10`` (10-year Treasury yield, %),
        ``cape_pe10`` and ``dividend_yield`` (``dividend_12m / sp500_price`` as a fraction).
        NaN where the source has no value: every column but the price from 2023-07 on,
        and CAPE for 1871-1880.
    """
    return load_frame("shiller_monthly")


def load_etf(ticker: EtfTicker) -> pd.DataFrame:
    """Split- and dividend-adjusted daily prices of an index ETF (Yahoo, auto-adjusted).

    Parameters
    ----------
    ticker
        ``"SPY"`` (from 1993-01-29), ``"QQQ"`` (1999-03-10), ``"IWM"`` (2000-05-26) or
        ``"DIA"`` (1998-01-20); all end 2026-07-10.

    Returns
    -------
    pandas.DataFrame
        Columns ``open, high, low, close`` (USD, adjusted: total-return prices; only the
        last date equals the quoted close). No NaN.

    Raises
    ------
    InputError
        If ``ticker`` is not one of the four.
    """
    if ticker not in _ETFS:
        raise InputError(
            "no bundled ETF with this ticker",
            source="ticker",
            value=ticker,
            expected=f"one of {list(_ETFS)}",
        )
    return load_frame(f"etf_{ticker.lower()}")


def load_large_caps() -> pd.DataFrame:
    """Adjusted daily closes of 41 large US stocks, 2003-10-30 .. 2024-09-10 (Yahoo).

    Returns
    -------
    pandas.DataFrame
        Wide: one float64 column per ticker (USD, split- and dividend-adjusted on the
        2024-09-10 basis, so the last row equals the quoted close, e.g. AAPL 220.11),
        5,250 sessions. Tickers listed later are NaN before listing and never filled:
        GOOGL until 2004-08-19, MA 2006-05-25, V 2008-03-19, TSLA 2010-06-29, META
        2012-05-18. No interior NaN.
    """
    return load_frame("large_caps")


def load_sp500_20stocks() -> pd.DataFrame:
    """Adjusted daily closes of 20 S&P 500 stocks from the skfolio package, 1990 .. 2022-12-28.

    Returns
    -------
    pandas.DataFrame
        Wide: one float64 column per ticker (USD, adjusted, 3 decimals in the source, so
        low early prices are coarse), 8,313 sessions, no NaN. skfolio warns the data "does
        not reflect current or accurate market prices".
    """
    return load_frame("sp500_20stocks")


def load_es_front_month() -> pd.DataFrame:
    """E-mini S&P 500 front month held to expiry (Quandl CHRIS/CME_ES1), 1997-09-09 .. 2019-10-18.

    Returns
    -------
    pandas.DataFrame
        Float64 columns ``open, high, low, last`` (source "Close"), ``change``, ``settle``
        (index points; $50 multiplier), ``volume`` and ``prev_day_open_interest``
        (contracts), and string column ``inferred_contract`` (e.g. ``"ESZ2008"``: the first
        quarterly contract expiring on or after the date; derived, not from the source).
        5,650 rows, 85 of them on NYSE holidays when Globex traded. ``change`` is NaN on
        4,251 rows, as in the source.
    """
    return load_frame("es_front_month")


def load_tf_front_month() -> pd.DataFrame:
    """Russell 2000 mini on ICE (Quandl CHRIS/ICE_TF1) front month, 2006-12-18 .. 2018-06-15.

    Returns
    -------
    pandas.DataFrame
        Float64 columns ``open, high, low, close`` (CHRIS "Close", assumed to be the ICE
        settlement; index points, $100 multiplier), ``change``, ``volume``,
        ``prev_day_open_interest`` and string ``inferred_contract`` (e.g. ``"TFZ2008"``).
        2,940 rows; 2008-09-22 is missing; ``change`` is NaN on 199 rows and
        ``prev_day_open_interest`` on 2, as in the source.
    """
    return load_frame("tf_front_month")


def load_futures_front(root: FuturesRoot) -> pd.DataFrame:
    """Yahoo continuous front-month futures (``ES=F``, ``NQ=F``, ``RTY=F``), daily.

    Parameters
    ----------
    root
        ``"ES"`` or ``"NQ"`` (2000-09-18 .. 2026-02-20) or ``"RTY"`` (2017-07-10 ..
        2026-02-20).

    Returns
    -------
    pandas.DataFrame
        Float64 columns ``open, high, low, close`` (index points, unadjusted: the level
        jumps at rolls by the calendar spread) and ``volume`` (contracts), plus string
        ``inferred_contract`` (front contract held until expiry). ES and NQ lack the
        sessions 2016-10-10 and 2016-11-11 (missing rows, not filled).

    Raises
    ------
    InputError
        If ``root`` is not one of the three.
    """
    if root not in _FUTURES_ROOTS:
        raise InputError(
            "no bundled continuous futures series for this root",
            source="root",
            value=root,
            expected=f"one of {list(_FUTURES_ROOTS)}",
        )
    return load_frame(f"futures_front_{root.lower()}")


def load_index(key: IndexKey | str) -> pd.DataFrame:
    """Daily OHLC of the cash index a futures contract settles on.

    Parameters
    ----------
    key
        ``"SPX"`` (S&P 500), ``"NDX"`` (NASDAQ-100) or ``"RUT"`` (Russell 2000).

    Returns
    -------
    pandas.DataFrame
        Same as :func:`load_sp500`, :func:`load_ndx` or :func:`load_rut`.

    Raises
    ------
    DatasetError
        For ``"DJI"``: no Dow Jones Industrial Average series is bundled; use
        ``load_etf("DIA")`` (adjusted, so total-return) as a proxy.
    InputError
        For any other key.
    """
    if key == "DJI":
        raise DatasetError(
            "no Dow Jones Industrial Average (DJI) index series is bundled; use the DIA ETF "
            'as a proxy: hedgekit.datasets.load_etf("DIA") (adjusted, i.e. total-return prices)'
        )
    if key not in _INDEX_DATASETS:
        raise InputError(
            "no bundled index series for this key",
            source="key",
            value=key,
            expected=f"one of {list(_INDEX_DATASETS)} (DJI: use load_etf('DIA'))",
        )
    return load_frame(_INDEX_DATASETS[key])


def list_datasets() -> pd.DataFrame:
    """Describe every bundled dataset without parsing it.

    Returns
    -------
    pandas.DataFrame
        One row per dataset, in :data:`DATASET_NAMES` order, with columns ``name``,
        ``description``, ``first_date`` and ``last_date`` (Timestamps), ``rows`` (int),
        ``columns`` (comma-separated loaded column names), ``file`` (shipped file name),
        ``source`` and ``terms``. Dates and row counts come from the build-time record,
        which every load verifies against the data (or, with a bundle cut, from the cut
        data). Rows fetched by ``hedgekit data update`` are not counted here.
    """
    import pandas as pd

    records = metadata()
    rows = []
    for name, spec in DATASETS.items():
        rec = dict(records[name])
        if bundle_until() is not None:  # the bundle as known on that date
            dates = read_columns(name, ())["date"]
            if len(dates):
                rec.update(rows=len(dates), last_date=str(dates[-1]))
            else:
                rec.update(rows=0, first_date=None, last_date=None)
        rows.append(
            {
                "name": name,
                "description": spec.description,
                "first_date": pd.Timestamp(rec["first_date"]),
                "last_date": pd.Timestamp(rec["last_date"]),
                "rows": int(rec["rows"]),
                "columns": ", ".join(spec.output_columns),
                "file": spec.filename,
                "source": spec.source,
                "terms": spec.terms,
            }
        )
    return pd.DataFrame(rows)
