"""Strict parsing of dates at the boundary: one parser for every module that takes a date."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

from hedgekit._typing import DateLike
from hedgekit.errors import InputError

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_EXPECTED = "a datetime.date, a tz-naive datetime/Timestamp, a numpy.datetime64 or 'YYYY-MM-DD'"


def to_date(value: DateLike, parameter: str) -> dt.date:
    """Parse ``value`` into a calendar date, or raise :class:`InputError` naming ``parameter``.

    A tz-naive ``datetime``/``Timestamp`` contributes its calendar date; text must be ISO
    ``YYYY-MM-DD`` exactly. NaT, time-zone-aware values and anything else are refused.
    """
    if value is pd.NaT or (isinstance(value, np.datetime64) and np.isnat(value)):  # type: ignore[comparison-overlap]
        raise InputError("missing date", source=parameter, value=str(value), expected=_EXPECTED)
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            raise InputError(
                "time-zone-aware timestamp",
                source=parameter,
                value=str(value),
                expected="a tz-naive date (session dates carry no time zone)",
            )
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, np.datetime64):
        day = value.astype("datetime64[D]").item()
        if isinstance(day, dt.date):
            return day
        raise InputError(
            "date out of range", source=parameter, value=str(value), expected=_EXPECTED
        )
    if isinstance(value, str):
        if _ISO_DATE.fullmatch(value):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        raise InputError(
            "not a date (not a valid ISO date)",
            source=parameter,
            value=value,
            expected="'YYYY-MM-DD'",
        )
    raise InputError("not a date", source=parameter, value=repr(value), expected=_EXPECTED)


def to_timestamp(day: dt.date) -> pd.Timestamp:
    """Return ``day`` as a tz-naive midnight :class:`pandas.Timestamp`."""
    return pd.Timestamp(day.year, day.month, day.day)
