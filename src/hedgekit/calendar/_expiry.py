"""Expiry of US equity index futures: third Friday, moved to the preceding NYSE session.

Rule (E-mini S&P 500, CME Rulebook Chapter 358, "Termination of Trading"; the E-mini
Nasdaq-100 (Chapter 359), E-mini Russell 2000 (Chapter 393), the CBOT Dow futures and the
Micro E-mini contracts use the same rule): trading in an expiring contract terminates at
9:30 a.m. ET on the third Friday of the contract month, where the final settlement price is
the Special Opening Quotation of the index; if that Friday is not a business day, trading
terminates on the preceding business day. Business days are NYSE sessions here, because
the Special Opening Quotation needs the NYSE open.

Cases the NYSE calendar moves: Good Friday 2008-03-21 (ESH2008 last traded 2008-03-20);
Juneteenth on Friday 2026-06-19 (June 2026 contracts, last day 2026-06-18); Juneteenth
observed on Friday 2027-06-18 (June 2027 contracts, last day 2027-06-17).
"""

from __future__ import annotations

import datetime as dt
from typing import overload

import pandas as pd

from hedgekit._typing import DateLike
from hedgekit.calendar._codes import MAX_YEAR, MIN_YEAR, QUARTERLY_MONTHS, ContractCode, month_cycle
from hedgekit.calendar._dates import to_date, to_timestamp
from hedgekit.calendar._sessions import session_table
from hedgekit.errors import InputError

__all__ = ["front_contract", "last_trading_day", "nominal_expiry"]

_FRIDAY = 4  # datetime.date.weekday(): Monday = 0


def _year_month(year: object, month: object) -> tuple[int, int]:
    if not isinstance(year, int) or isinstance(year, bool) or not MIN_YEAR <= year <= MAX_YEAR:
        raise InputError(
            "invalid year",
            source="year",
            value=year,
            expected=f"an integer year from {MIN_YEAR} to {MAX_YEAR}",
        )
    if not isinstance(month, int) or isinstance(month, bool) or not 1 <= month <= 12:
        raise InputError("invalid month", source="month", value=month, expected="1 to 12")
    return year, month


def third_friday(year: int, month: int) -> dt.date:
    """The third Friday of ``year``-``month`` (no validation; see :func:`nominal_expiry`)."""
    fifteenth = dt.date(year, month, 15)
    return fifteenth + dt.timedelta(days=(_FRIDAY - fifteenth.weekday()) % 7)


def nominal_expiry(year: int, month: int) -> pd.Timestamp:
    r"""The third Friday of the month: the expiry before any holiday adjustment.

    The third Friday is the first Friday on or after the 15th:

    .. math:: d = 15 + ((4 - w_{15}) \bmod 7),

    with :math:`w_{15}` the weekday of the 15th (Monday = 0), so it falls on day 15-21.

    Parameters
    ----------
    year
        Four-digit year.
    month
        Month, 1-12.

    Returns
    -------
    pandas.Timestamp
        tz-naive midnight.

    Raises
    ------
    InputError
        ``year`` or ``month`` out of range or not an integer.
    """
    y, m = _year_month(year, month)
    return to_timestamp(third_friday(y, m))


def ltd_ordinal(year: int, month: int) -> int:
    """Proleptic ordinal of the last trading day (session on or before the third Friday)."""
    table = session_table()
    friday = third_friday(year, month)
    parameter = f"third Friday of {year}-{month:02d}"
    return table.on_or_before(table.check(friday, parameter), parameter)


def _code_from(contract: object) -> ContractCode:
    if isinstance(contract, ContractCode):
        return contract
    if isinstance(contract, str):
        return ContractCode.parse(contract)
    raise InputError(
        "not a contract",
        source="contract",
        value=repr(contract),
        expected="a ContractCode, a code with a four-digit year ('ESH2008'), or year and month",
    )


@overload
def last_trading_day(contract: ContractCode | str, /) -> pd.Timestamp: ...
@overload
def last_trading_day(year: int, month: int, /) -> pd.Timestamp: ...
def last_trading_day(
    contract: ContractCode | str | int, month: int | None = None, /
) -> pd.Timestamp:
    r"""Last trading day of a quarterly US equity index futures contract.

    The third Friday of the contract month if it is an NYSE session, else the NYSE session
    before it (CME Rulebook Chapter 358, "Termination of Trading"; see the module notes):

    .. math:: \mathrm{LTD} = \max\{s \in \text{NYSE sessions} : s \le F_3\},

    with :math:`F_3` = :func:`nominal_expiry`. Trading ends at 9:30 a.m. ET that day; the
    final settlement is the Special Opening Quotation.

    Parameters
    ----------
    contract
        A :class:`ContractCode`, a code with a four-digit year (``"ESH2008"``), or a year
        followed by ``month``.
    month
        The month, when ``contract`` is a year.

    Returns
    -------
    pandas.Timestamp

    Raises
    ------
    InputError
        Bad contract, year or month.
    CalendarError
        The month lies outside the session calendar.

    Examples
    --------
    >>> str(last_trading_day("ESH2008").date())  # Good Friday 2008-03-21
    '2008-03-20'
    """
    if month is None:
        code = _code_from(contract)
        year, mon = code.year, code.month
    else:
        year, mon = _year_month(contract, month)
    return to_timestamp(dt.date.fromordinal(ltd_ordinal(year, mon)))


def front_contract(root: str, date: DateLike, months: str = QUARTERLY_MONTHS) -> ContractCode:
    """The nearest contract still trading on ``date``: the first whose last trading day >= date.

    On a contract's last trading day that contract is still the front one; the next
    contract becomes front the day after (this is the "held to expiry" convention of
    continuous front-month series such as CHRIS CME_ES1).

    Parameters
    ----------
    root
        Contract root, e.g. ``"ES"``.
    date
        Any date (need not be a session).
    months
        Listed months as month codes in calendar order (``"HMUZ"`` for the quarterly cycle).

    Returns
    -------
    ContractCode

    Raises
    ------
    InputError
        Bad root, date or months.
    CalendarError
        ``date`` too close to the calendar bounds to answer.
    """
    day = to_date(date, "date")
    cycle = month_cycle(months)
    later = [m for m in cycle if m >= day.month]
    code = (
        ContractCode(root, day.year, later[0])
        if later
        else ContractCode(root, day.year + 1, cycle[0])
    )
    target = day.toordinal()
    while ltd_ordinal(code.year, code.month) < target:
        code = code.next(months)
    return code
