"""Cell-level parsing shared by the user-file loaders, with precise error locations.

Each function parses one column at once (vectorised) and, on the first bad cell, raises
:class:`~hedgekit.errors.InputError` naming the file, the line (CSV, header = line 1) or
record (Parquet, 1-based), the column, the value found and what was expected.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd

from hedgekit._typing import Float64Array
from hedgekit.errors import InputError

__all__ = ["TICKER_PATTERN", "Locator", "parse_dates", "parse_numbers", "parse_tickers"]

#: Accepted ticker symbols: upper case letters and digits, with ``.`` or ``-`` for share
#: classes (``BRK-B``, ``BRK.B``), at most 15 characters.
TICKER_PATTERN: Final = re.compile(r"[A-Z0-9][A-Z0-9.\-]{0,14}")
_ISO_DATE: Final = r"\d{4}-\d{2}-\d{2}"
_DATE_EXPECTED: Final = "an ISO date YYYY-MM-DD such as 2024-09-10"


@dataclass(frozen=True, slots=True)
class Locator:
    """Where row ``i`` of a parsed table sits in its file.

    Attributes
    ----------
    source
        File path as given.
    lines
        1-based line number of each row (CSV); ``None`` for Parquet, whose rows are
        reported as 1-based record numbers.
    """

    source: str
    lines: Sequence[int] | None

    def error(
        self, i: int, message: str, *, column: str, value: Any = None, expected: str | None = None
    ) -> InputError:
        """Build the InputError for row ``i``."""
        if self.lines is not None:
            return InputError(
                message,
                source=self.source,
                row=self.lines[i],
                column=column,
                value=value,
                expected=expected,
            )
        return InputError(
            f"record {i + 1}: {message}",
            source=self.source,
            column=column,
            value=value,
            expected=expected,
        )


def _is_blank(values: pd.Series) -> np.ndarray[Any, np.dtype[np.bool_]]:
    mask = np.array(values.isna(), dtype=bool)
    if values.dtype == object or pd.api.types.is_string_dtype(values):
        # Vectorised: the text dtype keeps missing values missing, so they compare False.
        stripped = values.astype("str").str.strip()
        mask |= np.array(stripped.eq("").to_numpy(dtype=bool, na_value=False), dtype=bool)
    return mask


def _first(mask: np.ndarray[Any, np.dtype[np.bool_]]) -> int | None:
    hits = np.flatnonzero(mask)
    return int(hits[0]) if hits.size else None


def _raw(values: pd.Series, i: int) -> Any:
    value = values.iloc[i]
    return value.item() if isinstance(value, np.generic) else value


def parse_dates(values: pd.Series, loc: Locator, column: str) -> np.ndarray[Any, Any]:
    """Parse a date column to ``datetime64[ns]`` (ISO text, or tz-naive midnight timestamps).

    Raises
    ------
    InputError
        On a blank cell, text that is not ``YYYY-MM-DD``, an impossible date
        (2023-02-30), a date pandas cannot hold (after 2262-04-11, e.g. a mistyped
        2300-01-01), a timezone-aware timestamp or a timestamp with a time of day.
    """
    blank = _first(_is_blank(values))
    if blank is not None:
        raise loc.error(blank, "blank date", column=column, expected=_DATE_EXPECTED)
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        raise loc.error(
            0,
            "dates carry a timezone",
            column=column,
            value=str(values.dtype),
            expected="timezone-naive dates",
        )
    if pd.api.types.is_datetime64_dtype(values):
        stamps = pd.DatetimeIndex(values)
    elif values.dtype == object and all(isinstance(v, dt.date) for v in values):
        if any(isinstance(v, dt.datetime) and v.tzinfo is not None for v in values):
            raise loc.error(0, "dates carry a timezone", column=column, expected="naive dates")
        stamps = pd.DatetimeIndex(pd.to_datetime(values))
    else:
        if not (values.dtype == object or pd.api.types.is_string_dtype(values)):
            raise loc.error(
                0,
                "date column is not text or dates",
                column=column,
                value=_raw(values, 0),
                expected=_DATE_EXPECTED,
            )
        text = values.astype(str)
        bad = _first(~text.str.fullmatch(_ISO_DATE).to_numpy(dtype=bool))
        if bad is None:
            parsed = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
            bad = _first(parsed.isna().to_numpy(dtype=bool))
        if bad is not None:
            raise loc.error(
                bad,
                "unparseable date",
                column=column,
                value=text.iloc[bad],
                expected=_DATE_EXPECTED,
            )
        stamps = pd.DatetimeIndex(parsed)
    lo, hi = pd.Timestamp.min.ceil("D"), pd.Timestamp.max.floor("D")
    outside = _first(np.asarray((stamps < lo) | (stamps > hi), dtype=bool))
    if outside is not None:
        raise loc.error(
            outside,
            "date out of range",
            column=column,
            value=str(stamps[outside].date()),
            expected=f"a date from {lo.date()} to {hi.date()}",
        )
    stamps = stamps.as_unit("ns")
    with_time = _first(np.asarray(stamps != stamps.normalize(), dtype=bool))
    if with_time is not None:
        raise loc.error(
            with_time,
            "date has a time of day",
            column=column,
            value=str(stamps[with_time]),
            expected="dates only (midnight)",
        )
    return stamps.to_numpy()


def parse_numbers(
    values: pd.Series,
    loc: Locator,
    column: str,
    *,
    what: str,
    strictly_positive: bool = True,
    allow_blank: bool = False,
    nonzero: bool = False,
) -> Float64Array:
    """Parse a numeric column to float64.

    Parameters
    ----------
    values
        Text cells (CSV) or typed values (Parquet).
    loc
        Where each row sits in its file.
    column
        Column name for messages.
    what
        What the number is (``"price"``, ``"shares"``) for messages.
    strictly_positive
        Require ``> 0`` (else ``>= 0``).
    allow_blank
        Return NaN for blank cells instead of raising.
    nonzero
        Accept any sign but refuse 0 (signed quantities: negative = short); overrides
        ``strictly_positive``.

    Raises
    ------
    InputError
        On a blank cell (unless allowed), text that is not a number, NaN or infinity,
        booleans, or a value that is not positive (non-negative).
    """
    sign = "non-zero" if nonzero else "positive" if strictly_positive else "non-negative"
    expected = (
        "a non-zero number such as 100 or -50 (negative = short)"
        if nonzero
        else f"a {sign} number such as 101.25"
    )
    blank_mask = _is_blank(values)
    if not allow_blank:
        blank = _first(blank_mask)
        if blank is not None:
            raise loc.error(
                blank,
                f"blank {what}",
                column=column,
                expected=f"{expected} (missing values are never filled)",
            )
    if pd.api.types.is_bool_dtype(values):
        raise loc.error(
            0, f"{what} is a boolean", column=column, value=_raw(values, 0), expected=expected
        )
    if pd.api.types.is_numeric_dtype(values):
        numbers = values.to_numpy(dtype=np.float64, na_value=np.nan, copy=True)
        not_number = np.zeros(len(values), dtype=bool)
    else:
        cells = values.astype(object).where(~blank_mask, None)
        numbers = pd.to_numeric(cells, errors="coerce").to_numpy(
            dtype=np.float64, na_value=np.nan, copy=True
        )
        not_number = np.isnan(numbers) & ~blank_mask
    bad = _first(not_number)
    if bad is not None:
        raise loc.error(
            bad,
            f"{what} is not a number",
            column=column,
            value=_raw(values, bad),
            expected=expected,
        )
    present = ~blank_mask
    bad = _first(present & ~np.isfinite(numbers))
    if bad is not None:
        raise loc.error(
            bad,
            f"{what} is not a finite number",
            column=column,
            value=_raw(values, bad),
            expected=expected,
        )
    lowest_ok = -np.inf if nonzero else 0.0
    out_of_range = (
        (numbers == 0) | (numbers < lowest_ok)
        if nonzero or strictly_positive
        else numbers < lowest_ok
    )
    bad = _first(present & out_of_range)
    if bad is not None:
        raise loc.error(
            bad, f"{what} must be {sign}", column=column, value=_raw(values, bad), expected=expected
        )
    numbers[blank_mask] = np.nan
    return numbers


def parse_tickers(values: pd.Series, loc: Locator, column: str) -> list[str]:
    """Check a column of ticker symbols against :data:`TICKER_PATTERN`.

    Raises
    ------
    InputError
        On a blank cell or a symbol that is not upper-case letters/digits (``.`` and ``-``
        allowed inside).
    """
    blank = _first(_is_blank(values))
    if blank is not None:
        raise loc.error(
            blank, "missing ticker", column=column, expected="a ticker symbol such as AAPL"
        )
    out: list[str] = []
    for i, value in enumerate(values):
        if not isinstance(value, str) or TICKER_PATTERN.fullmatch(value) is None:
            raise loc.error(
                i,
                "invalid ticker symbol",
                column=column,
                value=value,
                expected="upper-case letters and digits, '.' or '-' inside (AAPL, BRK-B)",
            )
        out.append(value)
    return out
