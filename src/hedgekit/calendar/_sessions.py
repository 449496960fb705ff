"""NYSE sessions: a thin, cached adapter over ``exchange_calendars`` (XNYS).

Holidays and closures are not written here: they come from the ``exchange_calendars`` XNYS
calendar (regular holidays such as Good Friday and Juneteenth, and ad-hoc closures such as
2001-09-11..14, 2012-10-29/30 and national days of mourning). This module only answers
"is this a session?" and "which session is before/after?" quickly, from one sorted array of
session days built on first use.

Range
-----
Sessions are answered from **1970-01-01** to **31 December of the current year + 10**.

* Start: with pandas 3 the XNYS calendar of ``exchange_calendars`` 4.13 lists most
  pre-1970 holidays (New Year's Day, Independence Day, Christmas, ...) as sessions, so
  earlier years would be wrong. From 1970-01-02 to 2026-07-10 its sessions agree day for
  day with the S&P 500 daily history bundled with hedgekit (0 missing, 0 extra). S&P 500
  futures began trading in 1982, so nothing the library does needs earlier sessions.
* End: years after the NYSE's published holiday schedule (about three years ahead) are
  projections by the calendar's current rules. The end moves with the clock year; that is
  the only thing here that depends on the date the code runs.

Dates outside the range raise :class:`~hedgekit.errors.CalendarError`; the library never
guesses a session it cannot look up.
"""

from __future__ import annotations

import datetime as dt
import functools
import warnings
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from hedgekit._constants import PRIMARY_EXCHANGE
from hedgekit._typing import DateLike, Int64Array
from hedgekit.calendar._dates import to_date, to_timestamp
from hedgekit.errors import CalendarError, InputError

__all__ = [
    "calendar_bounds",
    "is_session",
    "next_session",
    "offset_session",
    "previous_session",
    "session_on_or_after",
    "session_on_or_before",
    "sessions",
]

#: First day the session calendar answers for (see the module docstring).
FIRST_DAY: Final = dt.date(1970, 1, 1)
#: The calendar runs to 31 December of (current year + this many years).
YEARS_AHEAD: Final = 10
#: ``datetime.date.toordinal()`` of 1970-01-01 (proleptic Gregorian ordinal of the epoch).
_EPOCH_ORDINAL: Final = 719_163


@dataclass(frozen=True, slots=True)
class _SessionTable:
    """Sorted session days as proleptic Gregorian ordinals, and the span they cover."""

    ordinals: Int64Array
    first_day: dt.date
    last_day: dt.date

    def check(self, day: dt.date, parameter: str) -> int:
        """Return ``day.toordinal()``; raise CalendarError when ``day`` is out of range."""
        if not self.first_day <= day <= self.last_day:
            raise CalendarError(
                f"{parameter}={day.isoformat()} is outside the NYSE session calendar "
                f"({self.first_day.isoformat()} .. {self.last_day.isoformat()}); "
                "sessions come from exchange_calendars XNYS and are not extrapolated"
            )
        return day.toordinal()

    def on_or_before(self, ordinal: int, parameter: str) -> int:
        i = int(np.searchsorted(self.ordinals, ordinal, side="right")) - 1
        if i < 0:
            raise CalendarError(
                f"no NYSE session on or before {parameter}="
                f"{dt.date.fromordinal(ordinal).isoformat()} within the calendar "
                f"(which starts {self.first_day.isoformat()})"
            )
        return int(self.ordinals[i])

    def on_or_after(self, ordinal: int, parameter: str) -> int:
        i = int(np.searchsorted(self.ordinals, ordinal, side="left"))
        if i >= self.ordinals.size:
            raise CalendarError(
                f"no NYSE session on or after {parameter}="
                f"{dt.date.fromordinal(ordinal).isoformat()} within the calendar "
                f"(which ends {self.last_day.isoformat()})"
            )
        return int(self.ordinals[i])

    def contains(self, ordinal: int) -> bool:
        i = int(np.searchsorted(self.ordinals, ordinal, side="left"))
        return i < self.ordinals.size and int(self.ordinals[i]) == ordinal

    def offset(self, ordinal: int, n: int, parameter: str) -> int:
        """The session ``n`` sessions after the session ``ordinal`` (before, if n < 0)."""
        i = int(np.searchsorted(self.ordinals, ordinal, side="left"))
        if i >= self.ordinals.size or int(self.ordinals[i]) != ordinal:
            raise InputError(
                "not an NYSE session",
                source=parameter,
                value=dt.date.fromordinal(ordinal).isoformat(),
                expected="a session date (see hedgekit.calendar.is_session)",
            )
        j = i + n
        if not 0 <= j < self.ordinals.size:
            raise CalendarError(
                f"{abs(n)} sessions {'after' if n > 0 else 'before'} "
                f"{dt.date.fromordinal(ordinal).isoformat()} is outside the NYSE session "
                f"calendar ({self.first_day.isoformat()} .. {self.last_day.isoformat()})"
            )
        return int(self.ordinals[j])


@functools.cache
def session_table() -> _SessionTable:
    """Build (once per process) the session table from exchange_calendars.

    The import of ``exchange_calendars`` and the construction (~0.3 s) happen here, on the
    first call that needs sessions, never at import of :mod:`hedgekit`.
    """
    import exchange_calendars as xcals  # deferred: heavy import

    last_day = dt.date(dt.datetime.now(dt.UTC).year + YEARS_AHEAD, 12, 31)
    with warnings.catch_warnings():
        # exchange_calendars 4.13 uses pandas APIs that pandas 3 deprecates; the warnings
        # are about its internals and nothing a hedgekit user can act on.
        warnings.simplefilter("ignore", category=DeprecationWarning)
        cal = xcals.get_calendar(
            PRIMARY_EXCHANGE, start=FIRST_DAY.isoformat(), end=last_day.isoformat()
        )
    days = np.asarray(cal.sessions.values).astype("datetime64[D]").astype(np.int64)
    ordinals = np.ascontiguousarray(days + _EPOCH_ORDINAL, dtype=np.int64)
    ordinals.setflags(write=False)
    return _SessionTable(ordinals=ordinals, first_day=FIRST_DAY, last_day=last_day)


def _from_ordinal(ordinal: int) -> pd.Timestamp:
    return to_timestamp(dt.date.fromordinal(ordinal))


def calendar_bounds() -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day the session calendar answers for (inclusive).

    Returns
    -------
    (pandas.Timestamp, pandas.Timestamp)
        1970-01-01 and 31 December of the current year + 10 (see the module notes).
    """
    table = session_table()
    return to_timestamp(table.first_day), to_timestamp(table.last_day)


def sessions(start: DateLike, end: DateLike) -> pd.DatetimeIndex:
    """NYSE sessions from ``start`` to ``end``, both inclusive.

    Parameters
    ----------
    start, end
        Dates (need not be sessions); ``start <= end``.

    Returns
    -------
    pandas.DatetimeIndex
        tz-naive midnight timestamps named ``"session"`` (empty if no session falls in
        the range, e.g. a weekend).

    Raises
    ------
    InputError
        Unparseable dates, or ``start > end``.
    CalendarError
        Either date outside :func:`calendar_bounds`.
    """
    first = to_date(start, "start")
    last = to_date(end, "end")
    if first > last:
        raise InputError(
            "start is after end",
            source="start",
            value=first.isoformat(),
            expected=f"a date on or before end={last.isoformat()}",
        )
    table = session_table()
    lo = np.searchsorted(table.ordinals, table.check(first, "start"), side="left")
    hi = np.searchsorted(table.ordinals, table.check(last, "end"), side="right")
    days = (table.ordinals[lo:hi] - _EPOCH_ORDINAL).astype("datetime64[D]")
    return pd.DatetimeIndex(days.astype("datetime64[ns]"), name="session")


def is_session(date: DateLike) -> bool:
    """Whether the NYSE holds a regular trading session on ``date``.

    Raises
    ------
    InputError
        ``date`` does not parse.
    CalendarError
        ``date`` outside :func:`calendar_bounds`.
    """
    table = session_table()
    return table.contains(table.check(to_date(date, "date"), "date"))


def previous_session(date: DateLike) -> pd.Timestamp:
    """The last NYSE session strictly before ``date`` (``date`` need not be a session)."""
    table = session_table()
    ordinal = table.check(to_date(date, "date"), "date")
    return _from_ordinal(table.on_or_before(ordinal - 1, "date"))


def next_session(date: DateLike) -> pd.Timestamp:
    """The first NYSE session strictly after ``date`` (``date`` need not be a session)."""
    table = session_table()
    ordinal = table.check(to_date(date, "date"), "date")
    return _from_ordinal(table.on_or_after(ordinal + 1, "date"))


def session_on_or_before(date: DateLike) -> pd.Timestamp:
    """``date`` itself if it is a session, else the last session before it."""
    table = session_table()
    ordinal = table.check(to_date(date, "date"), "date")
    return _from_ordinal(table.on_or_before(ordinal, "date"))


def session_on_or_after(date: DateLike) -> pd.Timestamp:
    """``date`` itself if it is a session, else the first session after it."""
    table = session_table()
    ordinal = table.check(to_date(date, "date"), "date")
    return _from_ordinal(table.on_or_after(ordinal, "date"))


def offset_session(session: DateLike, n: int) -> pd.Timestamp:
    """The session ``n`` NYSE sessions after ``session`` (before it when ``n < 0``).

    Parameters
    ----------
    session
        A session date (:func:`is_session` must hold).
    n
        Number of sessions to move; 0 returns ``session``.

    Raises
    ------
    InputError
        ``session`` is not a session, or ``n`` is not an integer.
    CalendarError
        The result falls outside :func:`calendar_bounds`.
    """
    if not isinstance(n, int | np.integer) or isinstance(n, bool):
        raise InputError("must be an integer", source="n", value=n, expected="an integer")
    table = session_table()
    ordinal = table.check(to_date(session, "session"), "session")
    return _from_ordinal(table.offset(ordinal, int(n), "session"))
