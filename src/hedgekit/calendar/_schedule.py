r"""Which contract a rolled futures position holds, date by date.

Convention (used by every function here): the position is moved at the **close** of the
roll date. So the contract *held on* a date ``d`` is the one whose price change from the
previous close to ``d``'s close the position earns:

* on the roll date itself the expiring contract is still held (it is sold at that close);
* from the next session on, the next contract is held.

Formally, with :math:`R(c)` the roll date of contract :math:`c` and contracts taken in
listed-month order, the contract held on ``d`` is the first :math:`c` with
:math:`R(c) \ge d`. For a date that is not a session (a weekend) this is the contract held
since the last close before it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from hedgekit._typing import DateLike
from hedgekit.calendar._codes import QUARTERLY_MONTHS, ContractCode, month_cycle
from hedgekit.calendar._dates import to_date, to_timestamp
from hedgekit.calendar._expiry import front_contract, ltd_ordinal
from hedgekit.calendar._roll import RollRule
from hedgekit.calendar._sessions import session_table
from hedgekit.errors import CalendarError, InputError

__all__ = ["HeldPeriod", "contract_schedule", "held_by_session", "held_contract", "schedule_frame"]

_FRAME_COLUMNS = (
    "contract",
    "last_trading_day",
    "roll_date",
    "first_session_held",
    "last_session_held",
)


@dataclass(frozen=True, slots=True)
class HeldPeriod:
    """A run of sessions during which one contract is held.

    Attributes
    ----------
    contract
        The contract held.
    last_trading_day
        Its last trading day (:func:`hedgekit.calendar.last_trading_day`).
    roll_date
        Its roll date under the schedule's rule: the session at whose close it is sold.
    first_session_held, last_session_held
        First and last session of the requested range on which it is held (inclusive).
        Inside the range ``last_session_held`` equals ``roll_date``, and the next period
        starts on the session after it; the first and last periods are cut at the range.
    """

    contract: ContractCode
    last_trading_day: pd.Timestamp
    roll_date: pd.Timestamp
    first_session_held: pd.Timestamp
    last_session_held: pd.Timestamp

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form: the contract code (four-digit year) and ISO dates."""
        return {
            "contract": self.contract.long,
            "last_trading_day": self.last_trading_day.date().isoformat(),
            "roll_date": self.roll_date.date().isoformat(),
            "first_session_held": self.first_session_held.date().isoformat(),
            "last_session_held": self.last_session_held.date().isoformat(),
        }


def _check_rule(rule: object) -> RollRule:
    if not isinstance(rule, RollRule):
        raise InputError(
            "not a roll rule",
            source="rule",
            value=repr(rule),
            expected="a RollRule, e.g. CmeRollRule() or SessionsBeforeExpiry(5)",
        )
    return rule


def _roll_ordinal(rule: RollRule, code: ContractCode) -> int:
    """The rule's roll date for ``code`` as an ordinal, checked to be a session <= LTD."""
    raw = rule.roll_date(code)
    day = to_date(raw, f"{type(rule).__name__}.roll_date({code.long})")
    table = session_table()
    ordinal = table.check(day, f"roll date of {code.long}")
    ltd = ltd_ordinal(code.year, code.month)
    if not table.contains(ordinal) or ordinal > ltd:
        raise CalendarError(
            f"{type(rule).__name__} gives {day.isoformat()} as the roll date of {code.long}; "
            "a roll date must be an NYSE session on or before the last trading day "
            f"({dt.date.fromordinal(ltd).isoformat()})"
        )
    return ordinal


def _held_code(root: str, ordinal: int, rule: RollRule, months: str) -> ContractCode:
    code = front_contract(root, dt.date.fromordinal(ordinal), months)
    while _roll_ordinal(rule, code) < ordinal:
        code = code.next(months)
    return code


def held_contract(
    root: str, date: DateLike, rule: RollRule, months: str = QUARTERLY_MONTHS
) -> ContractCode:
    """The contract a position rolled under ``rule`` holds on ``date``.

    The roll happens at the close of the roll date, so **on the roll date the expiring
    contract is returned**; the next contract is held from the following session (see the
    module notes). To know what to open when trading on ``date`` itself, ask for
    ``held_contract(root, next_session(date), rule)``.

    Parameters
    ----------
    root
        Contract root, e.g. ``"ES"``.
    date
        Any date (need not be a session).
    rule
        A :class:`RollRule`.
    months
        Listed months as month codes in calendar order.

    Returns
    -------
    ContractCode
        The first contract, in listed-month order from the front contract, whose roll date
        is on or after ``date``.

    Raises
    ------
    InputError
        Bad root, date, rule or months.
    CalendarError
        A date outside the session calendar, or a rule giving an impossible roll date.
    """
    rule = _check_rule(rule)
    month_cycle(months)
    return _held_code(root, to_date(date, "date").toordinal(), rule, months)


#: A hedge opened within this many sessions of its contract's roll date opens in the next
#: contract directly: it would be rolled within days, paying a round trip for nothing.
ROLL_AHEAD_SESSIONS = 3


def contract_to_open(
    root: str,
    session: DateLike,
    rule: RollRule,
    months: str = QUARTERLY_MONTHS,
    sessions_ahead: int = ROLL_AHEAD_SESSIONS,
) -> ContractCode:
    """The contract a hedge opened on ``session`` should be in: the one it will hold.

    :func:`held_contract` of the session ``sessions_ahead`` NYSE sessions later: the held
    contract itself, or the next one when the held contract's roll date is that close. Every
    command that opens a hedge (plan, cost, backtest, stress) uses this rule.

    Parameters
    ----------
    root, rule, months
        As for :func:`held_contract`.
    session
        An NYSE session.
    sessions_ahead
        Sessions within which the roll is taken at the opening (>= 0).
    """
    from hedgekit.calendar._sessions import offset_session

    ahead = offset_session(session, sessions_ahead)
    return held_contract(root, ahead, rule, months)


def contract_schedule(
    root: str,
    start: DateLike,
    end: DateLike,
    rule: RollRule,
    months: str = QUARTERLY_MONTHS,
) -> list[HeldPeriod]:
    """The contracts held from ``start`` to ``end`` under ``rule``, one period per contract.

    Every session of the range belongs to exactly one period; periods are consecutive in
    the listed-month cycle (no contract is skipped) and follow the convention of
    :func:`held_contract` (a period ends on its roll date, the next starts the session
    after).

    Parameters
    ----------
    root
        Contract root, e.g. ``"ES"``.
    start, end
        Range of dates, inclusive; ``start <= end``. They need not be sessions.
    rule
        A :class:`RollRule`.
    months
        Listed months as month codes in calendar order.

    Returns
    -------
    list of HeldPeriod
        In date order; empty when no session falls in the range.

    Raises
    ------
    InputError
        Bad root, dates, rule or months, or ``start > end``.
    CalendarError
        A date outside the session calendar, or a rule giving an impossible roll date (not
        a session, after the last trading day, or not later than the previous roll).
    """
    rule = _check_rule(rule)
    month_cycle(months)
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
    lo = int(np.searchsorted(table.ordinals, table.check(first, "start"), side="left"))
    hi = int(np.searchsorted(table.ordinals, table.check(last, "end"), side="right"))
    if lo >= hi:
        return []
    range_first = int(table.ordinals[lo])
    range_last = int(table.ordinals[hi - 1])

    periods: list[HeldPeriod] = []
    code = _held_code(root, range_first, rule, months)
    period_first = range_first
    roll = _roll_ordinal(rule, code)
    while True:
        ltd = ltd_ordinal(code.year, code.month)
        period_last = min(roll, range_last)
        periods.append(
            HeldPeriod(
                contract=code,
                last_trading_day=to_timestamp(dt.date.fromordinal(ltd)),
                roll_date=to_timestamp(dt.date.fromordinal(roll)),
                first_session_held=to_timestamp(dt.date.fromordinal(period_first)),
                last_session_held=to_timestamp(dt.date.fromordinal(period_last)),
            )
        )
        if roll >= range_last:
            return periods
        following = code.next(months)
        next_roll = _roll_ordinal(rule, following)
        if next_roll <= roll:
            raise CalendarError(
                f"{type(rule).__name__} rolls {following.long} on "
                f"{dt.date.fromordinal(next_roll).isoformat()}, not after the roll of "
                f"{code.long} on {dt.date.fromordinal(roll).isoformat()}"
            )
        period_first = table.on_or_after(roll + 1, f"session after roll of {code.long}")
        code, roll = following, next_roll


def schedule_frame(
    root: str,
    start: DateLike,
    end: DateLike,
    rule: RollRule,
    months: str = QUARTERLY_MONTHS,
) -> pd.DataFrame:
    """:func:`contract_schedule` as a table, one row per contract.

    Returns
    -------
    pandas.DataFrame
        Columns ``contract`` (code with a four-digit year, str), ``last_trading_day``,
        ``roll_date``, ``first_session_held``, ``last_session_held`` (datetime64).
    """
    periods = contract_schedule(root, start, end, rule, months)
    frame = pd.DataFrame(
        {
            "contract": pd.Series([p.contract.long for p in periods], dtype=object),
            **{
                column: pd.to_datetime(
                    pd.Series([getattr(p, column) for p in periods], dtype="datetime64[ns]")
                )
                for column in _FRAME_COLUMNS[1:]
            },
        },
        columns=list(_FRAME_COLUMNS),
    )
    return frame


def held_by_session(
    root: str,
    start: DateLike,
    end: DateLike,
    rule: RollRule,
    months: str = QUARTERLY_MONTHS,
) -> pd.DataFrame:
    """The held contract on every session from ``start`` to ``end``.

    Returns
    -------
    pandas.DataFrame
        Indexed by session (``"session"``), with columns ``contract`` (str),
        ``last_trading_day`` and ``roll_date`` of the contract held that session. A session
        equal to its ``roll_date`` is a roll session (the position moves at its close).
    """
    periods = contract_schedule(root, start, end, rule, months)
    table = session_table()
    chunks: list[np.ndarray[Any, np.dtype[np.int64]]] = []
    codes: list[str] = []
    ltds: list[pd.Timestamp] = []
    rolls: list[pd.Timestamp] = []
    for p in periods:
        lo = np.searchsorted(table.ordinals, p.first_session_held.date().toordinal(), side="left")
        hi = np.searchsorted(table.ordinals, p.last_session_held.date().toordinal(), side="right")
        n = int(hi - lo)
        chunks.append(table.ordinals[lo:hi])
        codes.extend([p.contract.long] * n)
        ltds.extend([p.last_trading_day] * n)
        rolls.extend([p.roll_date] * n)
    ordinals = np.concatenate(chunks) if chunks else np.empty(0, dtype=np.int64)
    epoch = dt.date(1970, 1, 1).toordinal()
    index = pd.DatetimeIndex(
        (ordinals - epoch).astype("datetime64[D]").astype("datetime64[ns]"), name="session"
    )
    return pd.DataFrame(
        {
            "contract": pd.Series(codes, index=index, dtype=object),
            "last_trading_day": pd.Series(ltds, index=index, dtype="datetime64[ns]"),
            "roll_date": pd.Series(rolls, index=index, dtype="datetime64[ns]"),
        },
        index=index,
    )
