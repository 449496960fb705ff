"""Expiry and roll calendar for quarterly US equity index futures (ES, NQ, RTY, YM, Micros).

* Contract codes: :class:`ContractCode` (``ESZ6`` / ``ESZ2026``), :data:`MONTH_CODES`.
* NYSE sessions (from ``exchange_calendars`` XNYS, built lazily on first use):
  :func:`sessions`, :func:`is_session`, :func:`previous_session`, :func:`next_session`,
  :func:`session_on_or_before`, :func:`session_on_or_after`, :func:`offset_session`,
  :func:`calendar_bounds`.
* Expiry: :func:`nominal_expiry` (third Friday), :func:`last_trading_day` (third Friday or
  the NYSE session before it), :func:`front_contract`.
* Rolls: :class:`RollRule`, :class:`CmeRollRule` (eight calendar days before expiry),
  :class:`CalendarDaysBeforeExpiry`, :class:`SessionsBeforeExpiry`.
* Held contract: :func:`held_contract`, :func:`contract_schedule` (:class:`HeldPeriod`),
  :func:`schedule_frame`, :func:`held_by_session`. The position moves at the close of the
  roll date: on the roll date the expiring contract is still held.

All dates are tz-naive; inputs are ``DateLike`` (ISO text, ``date``, tz-naive
``datetime``/``Timestamp``, ``datetime64``) parsed strictly. Bad input raises
:class:`~hedgekit.errors.InputError`; dates the session calendar cannot answer raise
:class:`~hedgekit.errors.CalendarError`.
"""

from __future__ import annotations

from hedgekit.calendar._codes import MONTH_CODES, QUARTERLY_MONTHS, ContractCode
from hedgekit.calendar._expiry import front_contract, last_trading_day, nominal_expiry
from hedgekit.calendar._roll import (
    CalendarDaysBeforeExpiry,
    CmeRollRule,
    RollRule,
    SessionsBeforeExpiry,
)
from hedgekit.calendar._schedule import (
    ROLL_AHEAD_SESSIONS,
    HeldPeriod,
    contract_schedule,
    contract_to_open,
    held_by_session,
    held_contract,
    schedule_frame,
)
from hedgekit.calendar._sessions import (
    calendar_bounds,
    is_session,
    next_session,
    offset_session,
    previous_session,
    session_on_or_after,
    session_on_or_before,
    sessions,
)

__all__ = [
    "MONTH_CODES",
    "QUARTERLY_MONTHS",
    "ROLL_AHEAD_SESSIONS",
    "CalendarDaysBeforeExpiry",
    "CmeRollRule",
    "ContractCode",
    "HeldPeriod",
    "RollRule",
    "SessionsBeforeExpiry",
    "calendar_bounds",
    "contract_schedule",
    "contract_to_open",
    "front_contract",
    "held_by_session",
    "held_contract",
    "is_session",
    "last_trading_day",
    "next_session",
    "nominal_expiry",
    "offset_session",
    "previous_session",
    "schedule_frame",
    "session_on_or_after",
    "session_on_or_before",
    "sessions",
]
