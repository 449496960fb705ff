"""Roll rules: on which session a position moves from an expiring contract to the next.

A rule maps a contract to its roll date, an NYSE session on or before the contract's last
trading day. At the **close** of the roll date the position in that contract is closed and
the next contract is opened (see :func:`hedgekit.calendar.held_contract`).
"""

from __future__ import annotations

import abc
import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from hedgekit.calendar._codes import ContractCode
from hedgekit.calendar._dates import to_timestamp
from hedgekit.calendar._expiry import _code_from, ltd_ordinal, third_friday
from hedgekit.calendar._sessions import session_table
from hedgekit.errors import InputError

__all__ = ["CalendarDaysBeforeExpiry", "CmeRollRule", "RollRule", "SessionsBeforeExpiry"]

#: CME Group's customary roll: eight calendar days before expiry (the Thursday before).
CME_ROLL_CALENDAR_DAYS = 8


class RollRule(abc.ABC):
    """When to roll out of a contract.

    Subclasses implement :meth:`roll_date`. The result must be an NYSE session on or before
    the contract's last trading day; :func:`hedgekit.calendar.contract_schedule` checks it.
    """

    __slots__ = ()

    @abc.abstractmethod
    def roll_date(self, code: ContractCode) -> pd.Timestamp:
        """The session at whose close the position in ``code`` is moved to the next contract."""

    @abc.abstractmethod
    def to_dict(self) -> dict[str, Any]:
        """JSON-safe description: ``{"rule": <class name>, <parameters>...}``."""


def _non_negative_int(value: object, name: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise InputError(
            "must be a non-negative integer", source=name, value=value, expected="an integer >= 0"
        )
    return value


def _days_before_nominal(code: ContractCode, days: int) -> pd.Timestamp:
    table = session_table()
    day = third_friday(code.year, code.month) - dt.timedelta(days=days)
    parameter = f"roll date of {code.long}"
    return to_timestamp(
        dt.date.fromordinal(table.on_or_before(table.check(day, parameter), parameter))
    )


@dataclass(frozen=True, slots=True)
class CalendarDaysBeforeExpiry(RollRule):
    r"""Roll ``days`` calendar days before the nominal expiry (third Friday).

    .. math:: R = \max\{s \in \text{NYSE sessions} : s \le F_3 - \text{days}\}

    Counting from the *nominal* third Friday :math:`F_3` (not from a holiday-adjusted last
    trading day) follows CME Group's published roll dates, which are always the same weekday.
    ``days=8`` is :class:`CmeRollRule`; ``days=4`` is the Monday of expiration week.

    Parameters
    ----------
    days
        Calendar days before the third Friday, >= 0.
    """

    days: int

    def __post_init__(self) -> None:
        _non_negative_int(self.days, "days")

    def roll_date(self, code: ContractCode) -> pd.Timestamp:
        """Session on or before ``third Friday - days``."""
        return _days_before_nominal(_code_from(code), self.days)

    def to_dict(self) -> dict[str, Any]:
        """``{"rule": "CalendarDaysBeforeExpiry", "days": days}``."""
        return {"rule": "CalendarDaysBeforeExpiry", "days": self.days}


@dataclass(frozen=True, slots=True)
class CmeRollRule(RollRule):
    r"""CME Group's equity index roll convention: eight calendar days before expiry.

    CME Group, "Equity Index Roll Dates" (cmegroup.com/trading/equity-index/rolldates.html):
    the convention is to roll the expiring quarterly contract eight calendar days before it
    expires; that day is the roll date, after which the next contract is the lead month.
    Examples published there: expiry 2014-09-19 -> roll 2014-09-11, expiry 2014-12-19 ->
    roll 2014-12-11, and Thursday 2012-12-13 for December 2012.

    The date is eight days before the nominal third Friday :math:`F_3`, i.e. the Thursday of
    the week before expiry week, moved to the preceding NYSE session when the NYSE is shut
    (only 2001-09-13 since 1970, during the September 11 closure):

    .. math:: R = \max\{s \in \text{NYSE sessions} : s \le F_3 - 8\ \text{days}\}

    Notes
    -----
    Third-party notices (DTN IQFeed, "CME changes lead month roll procedure", effective trade
    date 2022-06-13) report that CME Globex moved the lead-month switch for the E-mini and
    Micro equity contracts to the Monday of expiration week. This class keeps the eight-day
    convention; ``CalendarDaysBeforeExpiry(4)`` gives the Monday.
    """

    def roll_date(self, code: ContractCode) -> pd.Timestamp:
        """Session on or before ``third Friday - 8 days``."""
        return _days_before_nominal(_code_from(code), CME_ROLL_CALENDAR_DAYS)

    def to_dict(self) -> dict[str, Any]:
        """``{"rule": "CmeRollRule", "days": 8}``."""
        return {"rule": "CmeRollRule", "days": CME_ROLL_CALENDAR_DAYS}


@dataclass(frozen=True, slots=True)
class SessionsBeforeExpiry(RollRule):
    r"""Roll ``n`` NYSE sessions before the last trading day.

    .. math:: R = s_{k-n}, \quad s_k = \mathrm{LTD}

    with :math:`s_0 < s_1 < \dots` the NYSE sessions. ``n = 0`` holds the contract to its
    last trading day and rolls at that day's close (the "held to expiry" convention).

    Parameters
    ----------
    n
        Sessions before the last trading day, >= 0.
    """

    n: int

    def __post_init__(self) -> None:
        _non_negative_int(self.n, "n")

    def roll_date(self, code: ContractCode) -> pd.Timestamp:
        """The session ``n`` sessions before :func:`last_trading_day`."""
        c = _code_from(code)
        table = session_table()
        ordinal = table.offset(
            ltd_ordinal(c.year, c.month), -self.n, f"last trading day of {c.long}"
        )
        return to_timestamp(dt.date.fromordinal(ordinal))

    def to_dict(self) -> dict[str, Any]:
        """``{"rule": "SessionsBeforeExpiry", "n": n}``."""
        return {"rule": "SessionsBeforeExpiry", "n": self.n}
