"""Price histories: user files (CSV/Parquet, wide or long), bundled closes, and checks."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd

from hedgekit.data._cells import TICKER_PATTERN, Locator, parse_dates, parse_numbers, parse_tickers
from hedgekit.data._read import read_bytes, read_csv_table
from hedgekit.datasets._registry import DATASETS
from hedgekit.errors import InputError, few

if TYPE_CHECKING:
    from hedgekit.data._holdings import Holdings

__all__ = ["bundled_prices", "bundled_tickers", "load_prices", "prices_for", "validate_prices"]

_LONG_COLUMNS: Final = frozenset({"date", "ticker", "close"})
_CSV_SUFFIXES: Final = (".csv",)
_PARQUET_SUFFIXES: Final = (".parquet", ".pq")
_WIDE_EXPECTED: Final = "wide 'date,<TICKER>,<TICKER>,...' or long 'date,ticker,close'"
#: Bundled sources of adjusted closes, in order of precedence.
_PRICE_SOURCES: Final = ("large_caps", "etf_spy", "etf_qqq", "etf_iwm", "etf_dia", "sp500_20stocks")


def _header_error(
    loc: Locator,
    row: int | None,
    message: str,
    *,
    column: str | None = None,
    expected: str | None = None,
) -> InputError:
    return InputError(message, source=loc.source, row=row, column=column, expected=expected)


def _check_ascending(
    dates: np.ndarray, loc: Locator, column: str, keys: Sequence[str] | None = None
) -> None:
    """Require strictly ascending dates (per key in long files); name both rows on failure."""
    last: dict[str, tuple[np.datetime64, int]] = {}
    for i, d in enumerate(dates):
        key = keys[i] if keys is not None else ""
        prev = last.get(key)
        if prev is not None and d <= prev[0]:
            where = (
                f"line {loc.lines[prev[1]]}" if loc.lines is not None else f"record {prev[1] + 1}"
            )
            for_key = f" for {key}" if keys is not None else ""
            if d == prev[0]:
                raise loc.error(
                    i,
                    f"duplicate date{for_key} (also on {where})",
                    column=column,
                    value=str(pd.Timestamp(d).date()),
                    expected="each date once" + (" per ticker" if keys is not None else ""),
                )
            raise loc.error(
                i,
                f"dates{for_key} are not in ascending order ({where} has "
                f"{pd.Timestamp(prev[0]).date()})",
                column=column,
                value=str(pd.Timestamp(d).date()),
                expected="dates sorted oldest first",
            )
        last[key] = (d, i)


def _parse_table(
    frame: pd.DataFrame, header: Sequence[str], loc: Locator, header_row: int | None
) -> pd.DataFrame:
    """Turn raw cells (text or typed) under ``header`` into a wide float64 price frame."""
    lowered = [h.lower() for h in header]
    if len(header) == len(_LONG_COLUMNS) and set(lowered) == _LONG_COLUMNS:
        return _parse_long(frame, header, lowered, loc)
    if not header or lowered[0] != "date":
        raise _header_error(
            loc,
            header_row,
            "first column must be 'date'",
            column=header[0] if header else None,
            expected=_WIDE_EXPECTED,
        )
    if len(header) < 2:
        raise _header_error(loc, header_row, "no ticker columns", expected=_WIDE_EXPECTED)
    tickers = list(header[1:])
    for j, ticker in enumerate(tickers):
        col = j + 1
        if not ticker:
            raise _header_error(
                loc,
                header_row,
                f"missing ticker in header (column {col + 1})",
                expected="a ticker symbol in every header cell after 'date'",
            )
        if TICKER_PATTERN.fullmatch(ticker) is None:
            raise InputError(
                "invalid ticker symbol in header",
                source=loc.source,
                row=header_row,
                column=ticker,
                expected="upper-case letters and digits, '.' or '-' inside (AAPL, BRK-B)",
            )
        if ticker in tickers[:j]:
            raise _header_error(
                loc,
                header_row,
                "duplicate ticker column",
                column=ticker,
                expected="each ticker once",
            )
    if frame.empty:
        raise _header_error(
            loc, None, "no data rows below the header", expected="at least one date"
        )
    dates = parse_dates(frame.iloc[:, 0], loc, header[0])
    _check_ascending(dates, loc, header[0])
    values = {
        t: parse_numbers(frame.iloc[:, j + 1], loc, t, what="price") for j, t in enumerate(tickers)
    }
    return pd.DataFrame(values, index=pd.DatetimeIndex(dates, name="date"), dtype=np.float64)


def _parse_long(
    frame: pd.DataFrame, header: Sequence[str], lowered: Sequence[str], loc: Locator
) -> pd.DataFrame:
    if frame.empty:
        raise _header_error(loc, None, "no data rows below the header", expected="at least one row")
    name = {low: header[i] for i, low in enumerate(lowered)}
    cols = {low: frame.iloc[:, i] for i, low in enumerate(lowered)}
    dates = parse_dates(cols["date"], loc, name["date"])
    tickers = parse_tickers(cols["ticker"], loc, name["ticker"])
    closes = parse_numbers(cols["close"], loc, name["close"], what="price")
    _check_ascending(dates, loc, name["date"], keys=tickers)
    long = pd.DataFrame({"date": dates, "ticker": tickers, "close": closes})
    # pivot (not pivot_table): it cannot aggregate, and duplicates were rejected above.
    wide = long.pivot(index="date", columns="ticker", values="close")  # noqa: PD010
    wide = wide.reindex(columns=list(dict.fromkeys(tickers))).sort_index()
    wide.columns = pd.Index(list(wide.columns))
    wide.index = pd.DatetimeIndex(wide.index, name="date")
    return wide.astype(np.float64)


def _read_parquet(path: str | os.PathLike[str]) -> tuple[pd.DataFrame, list[str]]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    source = str(path)
    read_bytes(path)  # existence, folder and emptiness checks with the same messages as CSV
    try:
        frame = pq.read_table(path).to_pandas()
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise InputError(
            f"cannot read as Parquet ({exc})", source=source, expected="a Parquet file"
        ) from exc
    if not isinstance(frame.index, pd.RangeIndex):
        frame = frame.reset_index()
    header: list[str] = []
    for col in frame.columns:
        if not isinstance(col, str):
            raise InputError(
                "column name is not text", source=source, value=col, expected=_WIDE_EXPECTED
            )
        header.append(col.strip())
    return frame, header


def load_prices(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a user price history (CSV or Parquet) into a wide frame.

    Parameters
    ----------
    path
        ``.csv`` (UTF-8, a UTF-8 byte-order mark is accepted) or ``.parquet``/``.pq``.
        Two layouts, chosen **by the header only**:

        * long, if and only if the columns are exactly ``date``, ``ticker`` and ``close``
          (any order, names case-insensitive): one row per (date, ticker);
        * wide otherwise: first column ``date`` (case-insensitive), then one column per
          ticker (upper-case symbols, e.g. ``AAPL``, ``BRK-B``).

        Dates are ISO ``YYYY-MM-DD`` text (Parquet may also store dates or tz-naive
        midnight timestamps). Prices are positive numbers: use adjusted closes if the
        history crosses splits or dividends.

    Returns
    -------
    pandas.DataFrame
        Index: ``DatetimeIndex`` named ``date`` (tz-naive, ``datetime64[ns]``), strictly
        ascending. One float64 column per ticker, in file order. A wide file has no
        blanks (see Raises); in a long file each ticker may cover different dates, and a
        date a ticker lacks is NaN (never filled: valuation and return functions reject
        NaN where they need a price).

    Raises
    ------
    InputError
        Naming file, line (CSV, header = line 1) or record (Parquet), column, value and
        what was expected: missing or empty file, non-UTF-8 text, unknown suffix,
        unreadable Parquet, a wide header without ``date`` first, a blank or invalid or
        duplicated ticker column, rows with the wrong number of fields, blank cells,
        unparseable dates, duplicated or unsorted dates (per ticker in long files),
        duplicate (date, ticker) rows, and non-numeric, non-finite or non-positive prices.
    """
    suffix = Path(path).suffix.lower()
    if suffix in _CSV_SUFFIXES:
        table = read_csv_table(path)
        frame = pd.DataFrame(list(table.rows), columns=range(len(table.header)), dtype=object)
        loc = Locator(table.source, table.lines)
        out = _parse_table(frame, table.header, loc, table.header_line)
    elif suffix in _PARQUET_SUFFIXES:
        frame, header = _read_parquet(path)
        frame.columns = pd.RangeIndex(len(header))
        out = _parse_table(frame, header, Locator(str(path), None), None)
    else:
        raise InputError(
            "unsupported file type",
            source=str(path),
            value=suffix or "(no suffix)",
            expected="a .csv or .parquet file",
        )
    out.attrs["source"] = str(path)  # so later checks (prices_for) can name the file
    return out


def bundled_tickers() -> dict[str, str]:
    """Tickers with bundled adjusted closes, each mapped to the dataset that supplies it.

    Precedence, when a ticker is in several sets: the 41-stock panel
    (``large_caps``, 2003-10-30 .. 2024-09-10) first, then the ETFs SPY/QQQ/IWM/DIA
    (adjusted ``close``), then the skfolio 20-stock panel (``sp500_20stocks``, 1990 ..
    2022-12-28) for the tickers only it has (AMD, BBY, GE, RRC). Series are never spliced
    across sets.
    """
    out: dict[str, str] = {}
    for name in _PRICE_SOURCES:
        spec = DATASETS[name]
        symbols = (
            [name.removeprefix("etf_").upper()] if name.startswith("etf_") else spec.output_columns
        )
        for ticker in symbols:
            out.setdefault(ticker, name)
    return out


def _check_ticker_list(tickers: Sequence[str], source: str) -> list[str]:
    if isinstance(tickers, str):
        raise InputError(
            "tickers must be a sequence of symbols, not one string",
            source=source,
            value=tickers,
            expected=f"e.g. [{tickers!r}]",
        )
    out = list(tickers)
    if not out:
        raise InputError("no tickers given", source=source, expected="at least one ticker")
    counts = Counter(out)  # linear: a list's own count() per item is quadratic in rows
    dupes = sorted(t for t, n in counts.items() if n > 1)
    if dupes:
        raise InputError(
            f"{len(dupes):,} duplicate tickers: {few(dupes)}", source=source,
            value=dupes, expected="each ticker once",
        )  # fmt: skip
    return out


def bundled_prices(tickers: Sequence[str]) -> pd.DataFrame:
    """Adjusted daily closes of ``tickers`` from the bundled stock panels and ETFs.

    Parameters
    ----------
    tickers
        Symbols from :func:`bundled_tickers` (precedence documented there), or tickers
        that ``hedgekit data update --holdings`` fetched into the local store (their
        adjusted closes as fetched, never spliced onto a bundled series).

    Returns
    -------
    pandas.DataFrame
        Wide float64 frame, columns in the order given, indexed by the union of the
        source sets' dates (``date``, ascending). Where a ticker's source has no value
        for a date (before listing, or outside that set's range) the cell is NaN; nothing
        is filled.

    Raises
    ------
    InputError
        For an empty or duplicated list, or a ticker that is not bundled (the message
        lists every bundled ticker).
    """
    wanted = _check_ticker_list(tickers, "tickers")
    available = bundled_tickers()
    from hedgekit.marketdata._overlay import stored_closes

    fetched = {t: s for t in wanted if t not in available and (s := stored_closes(t)) is not None}
    unknown = [t for t in wanted if t not in available and t not in fetched]
    if unknown:
        raise InputError(
            f"no bundled prices for {few(unknown)}",
            source="tickers",
            value=unknown,
            expected=f"bundled tickers: {', '.join(sorted(available))}; or supply a price "
            "file, or fetch them with `hedgekit data update --holdings FILE`",
        )
    from hedgekit import datasets

    frames: list[pd.DataFrame] = []
    for name in dict.fromkeys(available[t] for t in wanted if t in available):
        data = datasets.load(name)
        if name.startswith("etf_"):
            data = data[["close"]].rename(columns={"close": name.removeprefix("etf_").upper()})
        frames.append(data[[t for t in wanted if available.get(t) == name]])
    if fetched:
        frames.append(pd.DataFrame(fetched))
    joined = pd.concat(frames, axis=1, join="outer", sort=True) if len(frames) > 1 else frames[0]
    out = joined[wanted].astype(np.float64)
    out.index.name = "date"
    return out


def validate_prices(
    prices: pd.DataFrame, tickers: Sequence[str] | None = None, *, source: str = "prices"
) -> pd.DataFrame:
    """Check an in-memory price frame and return a float64 copy of the needed columns.

    Parameters
    ----------
    prices
        Wide frame: tz-naive ``DatetimeIndex``, strictly ascending and unique; one
        numeric column per ticker. NaN is allowed (it means "no price") and is kept.
    tickers
        Columns required (and returned, in this order); all columns when ``None``.
    source
        Name used in error messages.

    Raises
    ------
    InputError
        If ``prices`` is not such a frame, a ticker column is missing (all missing ones
        are listed), a column is not numeric, or a present price is not finite and > 0.
    """
    if not isinstance(prices, pd.DataFrame):
        raise InputError("prices must be a DataFrame", source=source, value=type(prices).__name__)
    index = prices.index
    if not isinstance(index, pd.DatetimeIndex):
        raise InputError(
            "price index is not a DatetimeIndex",
            source=source,
            value=type(index).__name__,
            expected="dates as the index",
        )
    if index.tz is not None:
        raise InputError(
            "price dates carry a timezone",
            source=source,
            value=str(index.tz),
            expected="tz-naive dates",
        )
    if not index.is_unique:
        dup = index[index.duplicated()][0]
        raise InputError(
            "duplicate date in prices",
            source=source,
            value=str(dup.date()),
            expected="each date once",
        )
    if not index.is_monotonic_increasing:
        raise InputError(
            "price dates are not ascending", source=source, expected="dates sorted oldest first"
        )
    if not prices.columns.is_unique:
        raise InputError(
            "duplicate price columns",
            source=source,
            value=sorted(prices.columns[prices.columns.duplicated()].astype(str)),
        )
    wanted = list(prices.columns) if tickers is None else _check_ticker_list(tickers, source)
    missing = [t for t in wanted if t not in prices.columns]
    if missing:
        raise InputError(
            f"prices missing for {few(missing)}",
            source=source,
            value=missing,
            expected=f"a column for every ticker (have: {few(prices.columns)})",
        )
    out = prices.loc[:, wanted]
    for col in wanted:
        series = out[col]
        if pd.api.types.is_bool_dtype(series) or not pd.api.types.is_numeric_dtype(series):
            raise InputError(
                "price column is not numeric",
                source=source,
                column=str(col),
                value=str(series.dtype),
                expected="float prices",
            )
    values = out.to_numpy(dtype=np.float64, na_value=np.nan, copy=True)
    bad = ~np.isnan(values) & ~(np.isfinite(values) & (values > 0))
    if bad.any():
        i, j = (int(k[0]) for k in np.nonzero(bad))
        raise InputError(
            f"price on {index[i].date()} is not a positive finite number",
            source=source,
            column=str(wanted[j]),
            value=float(values[i, j]),
            expected="prices > 0 (NaN for missing)",
        )
    result = pd.DataFrame(
        values, index=pd.DatetimeIndex(index, name="date"), columns=pd.Index(wanted)
    )
    return result


def prices_for(holdings: Holdings, prices: pd.DataFrame | None = None) -> pd.DataFrame:
    """Price history for every held ticker: the user's when given, else the bundled one.

    Parameters
    ----------
    holdings
        The positions.
    prices
        User prices (e.g. from :func:`load_prices`); every held ticker must have a column.
        ``None`` uses :func:`bundled_prices`.

    Returns
    -------
    pandas.DataFrame
        Wide float64 frame with the holdings' tickers as columns, in holdings order.

    Raises
    ------
    InputError
        If user prices lack some tickers (all are listed) or fail
        :func:`validate_prices`, or if a ticker is not bundled when ``prices`` is None.
        Errors name the price file (``prices.attrs["source"]``, set by
        :func:`load_prices`; else ``"prices"``) or, for unbundled tickers, the holdings
        source.
    """
    if prices is None:
        try:
            return bundled_prices(holdings.tickers)
        except InputError as err:  # an unbundled ticker: point at the holdings instead
            raise InputError(
                err.message,
                source=holdings.source,
                column="ticker",
                value=err.value,
                expected=err.expected,
            ) from None
    return validate_prices(
        prices, holdings.tickers, source=str(prices.attrs.get("source", "prices"))
    )
