"""NYSE session helpers: wiring to exchange_calendars, strict dates, bounds, invariants."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hedgekit.calendar import (
    calendar_bounds,
    is_session,
    next_session,
    offset_session,
    previous_session,
    session_on_or_after,
    session_on_or_before,
    sessions,
)
from hedgekit.errors import CalendarError, InputError

# Independent reference: NYSE closures taken from the NYSE's own history of closings
# (nyse.com "closings" history and its yearly holiday schedules), not from the code.
CLOSED = {
    "1977-07-14": "New York City blackout",
    "1985-09-27": "Hurricane Gloria",
    "1994-04-27": "Richard Nixon, national day of mourning",
    "2001-09-11": "September 11 attacks (closed 11-14)",
    "2001-09-12": "September 11 attacks",
    "2001-09-13": "September 11 attacks",
    "2001-09-14": "September 11 attacks",
    "2004-06-11": "Ronald Reagan, national day of mourning",
    "2007-01-02": "Gerald Ford, national day of mourning",
    "2008-03-21": "Good Friday (third Friday of March 2008)",
    "2012-10-29": "Hurricane Sandy",
    "2012-10-30": "Hurricane Sandy",
    "2018-12-05": "George H. W. Bush, national day of mourning",
    "2022-06-20": "Juneteenth 2022 (Sunday) observed on Monday, first year the NYSE closed",
    "2025-01-09": "Jimmy Carter, national day of mourning",
    "2026-06-19": "Juneteenth on the third Friday of June 2026",
    "2027-06-18": "Juneteenth 2027 (Saturday) observed on Friday",
    "2027-12-24": "Christmas 2027 (Saturday) observed on Friday",
}
OPEN = {
    "1987-10-19": "Black Monday: open all day",
    "2001-09-17": "NYSE reopened after September 11",
    "2012-10-31": "reopened after Hurricane Sandy",
    "2020-03-16": "open (market-wide circuit breaker halted trading, no closure)",
    "2021-06-18": "Juneteenth not yet an NYSE holiday in 2021",
    "2021-12-31": "New Year 2022 fell on a Saturday: the NYSE does not close the Friday before",
}


@pytest.mark.parametrize("day", sorted(CLOSED))
def test_known_closures(day: str) -> None:
    assert not is_session(day), CLOSED[day]


@pytest.mark.parametrize("day", sorted(OPEN))
def test_known_open_days(day: str) -> None:
    assert is_session(day), OPEN[day]


@pytest.mark.parametrize(
    ("year", "count"),
    [
        # 2023: 260 weekdays - 10 holidays (Jan 2, Jan 16, Feb 20, Apr 7 Good Friday, May 29,
        # Jun 19, Jul 4, Sep 4, Nov 23, Dec 25) = 250.
        (2023, 250),
        # 2025: 261 weekdays - 11 closures (Jan 1, Jan 9 Carter, Jan 20, Feb 17, Apr 18,
        # May 26, Jun 19, Jul 4, Sep 1, Nov 27, Dec 25) = 250.
        (2025, 250),
        # 2022: 260 weekdays - 9 (New Year on Saturday not observed; Jan 17, Feb 21, Apr 15,
        # May 30, Jun 20, Jul 4, Sep 5, Nov 24, Dec 26) = 251.
        (2022, 251),
    ],
)
def test_sessions_per_year(year: int, count: int) -> None:
    days = sessions(f"{year}-01-01", f"{year}-12-31")
    assert len(days) == count


def test_sessions_is_inclusive_and_typed() -> None:
    days = sessions("2020-03-13", "2020-03-20")
    expected = pd.to_datetime(
        ["2020-03-13", "2020-03-16", "2020-03-17", "2020-03-18", "2020-03-19", "2020-03-20"]
    )
    assert list(days) == list(expected)
    assert isinstance(days, pd.DatetimeIndex)
    assert days.tz is None
    assert days.name == "session"
    assert len(sessions("2020-03-14", "2020-03-15")) == 0  # a weekend


def test_previous_next_around_closures() -> None:
    assert previous_session("2001-09-17") == pd.Timestamp("2001-09-10")
    assert next_session("2001-09-10") == pd.Timestamp("2001-09-17")
    assert previous_session("2008-03-24") == pd.Timestamp("2008-03-20")
    assert session_on_or_before("2008-03-21") == pd.Timestamp("2008-03-20")
    assert session_on_or_after("2008-03-21") == pd.Timestamp("2008-03-24")
    assert session_on_or_before("2008-03-20") == pd.Timestamp("2008-03-20")
    assert offset_session("2001-09-10", 1) == pd.Timestamp("2001-09-17")
    assert offset_session("2001-09-17", -1) == pd.Timestamp("2001-09-10")
    assert offset_session("2001-09-17", 0) == pd.Timestamp("2001-09-17")


@pytest.mark.parametrize(
    "value",
    [
        "2008-03-20",
        dt.date(2008, 3, 20),
        dt.datetime(2008, 3, 20, 15, 30),
        pd.Timestamp("2008-03-20"),
        np.datetime64("2008-03-20"),
        np.datetime64("2008-03-20T12:00", "m"),
    ],
)
def test_date_like_inputs(value: object) -> None:
    assert is_session(value)  # type: ignore[arg-type]
    assert next_session(value) == pd.Timestamp("2008-03-24")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "value",
    [
        "2008-3-20",
        "20080320",
        "2008/03/20",
        "2008-02-30",
        " 2008-03-20",
        "2008-03-20T00:00",
        20080320,
        None,
        pd.NaT,
        np.datetime64("NaT"),
        pd.Timestamp("2008-03-20", tz="America/New_York"),
    ],
)
def test_bad_dates_name_the_parameter(value: object) -> None:
    with pytest.raises(InputError) as info:
        is_session(value)  # type: ignore[arg-type]
    assert info.value.source == "date"


def test_start_after_end() -> None:
    with pytest.raises(InputError) as info:
        sessions("2020-02-01", "2020-01-01")
    assert info.value.source == "start"


def test_offset_needs_a_session_and_an_integer() -> None:
    with pytest.raises(InputError) as info:
        offset_session("2008-03-21", 1)
    assert info.value.source == "session"
    with pytest.raises(InputError):
        offset_session("2008-03-20", 1.0)  # type: ignore[arg-type]


def test_bounds() -> None:
    first, last = calendar_bounds()
    assert first == pd.Timestamp("1970-01-01")
    assert last.month == 12
    assert last.day == 31
    assert last.year >= dt.date.today().year + 10
    with pytest.raises(CalendarError, match="outside the NYSE session calendar"):
        is_session("1969-12-31")
    with pytest.raises(CalendarError, match="1969-12-31"):
        sessions("1969-12-31", "1970-01-31")
    after = (last + pd.Timedelta(days=1)).date().isoformat()
    with pytest.raises(CalendarError):
        is_session(after)
    with pytest.raises(CalendarError):
        next_session(last)
    with pytest.raises(CalendarError):
        previous_session("1970-01-02")  # first session: nothing earlier is known
    with pytest.raises(CalendarError):
        offset_session("1970-01-02", -1)


days = st.dates(dt.date(1970, 2, 1), dt.date(2035, 11, 30))


@given(day=days)
def test_previous_and_next_are_adjacent(day: dt.date) -> None:
    before = previous_session(day)
    after = next_session(day)
    assert before.date() < day < after.date()
    assert is_session(before)
    assert is_session(after)
    between = sessions(before, after)
    assert between[0] == before
    assert between[-1] == after
    assert len(between) == (3 if is_session(day) else 2)
    assert (session_on_or_before(day).date() == day) == is_session(day)


@given(day=days)
def test_weekends_are_never_sessions(day: dt.date) -> None:
    if day.weekday() >= 5:
        assert not is_session(day)


@given(day=st.dates(dt.date(1972, 1, 1), dt.date(2034, 12, 31)), n=st.integers(-300, 300))
def test_offset_counts_sessions(day: dt.date, n: int) -> None:
    start = session_on_or_after(day)
    moved = offset_session(start, n)
    assert offset_session(moved, -n) == start
    lo, hi = sorted([start, moved])
    assert len(sessions(lo, hi)) == abs(n) + 1
