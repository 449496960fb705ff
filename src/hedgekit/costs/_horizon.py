r"""Hedge horizons: tactical (1–3 months), medium (3–12 months), long (a year or more).

A horizon is a pair of calendar dates. It can be asked for by name (``"tactical"``,
``"medium"``, ``"long"``), as a length (``"45d"``, ``"6w"``, ``"3m"``, ``"1y"``, or a
number of calendar days) or by its end date (``"2025-06-20"``). Months and years are
calendar months from the start date (31 January + 1 month = 28/29 February); the length in
years used for annualising is :math:`h = \text{days}/365` (actual/365, as the carry
formulas; Hull, *Options, Futures and Other Derivatives*, 11th ed., §4.2).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Final, Literal

import pandas as pd

from hedgekit._constants import CALENDAR_DAYS_PER_YEAR
from hedgekit._typing import DateLike
from hedgekit.calendar._dates import to_date
from hedgekit.errors import InputError

__all__ = [
    "HORIZON_PRESETS",
    "LONG_MIN_DAYS",
    "TACTICAL_MAX_DAYS",
    "Horizon",
    "HorizonKind",
    "horizon_kind",
    "resolve_horizon",
]

HorizonKind = Literal["tactical", "medium", "long"]

#: Longest tactical horizon, calendar days (three months: 92 days covers any quarter).
TACTICAL_MAX_DAYS: Final = 92
#: Shortest long horizon, calendar days (one year).
LONG_MIN_DAYS: Final = 365
#: Length in calendar months of the named horizons: a representative point of each band.
HORIZON_PRESETS: Final[dict[str, int]] = {"tactical": 3, "medium": 6, "long": 12}
#: Longest horizon accepted, calendar days (ten years).
MAX_HORIZON_DAYS: Final = 3660

_LENGTH = re.compile(r"(\d+)\s*([dwmy])", re.IGNORECASE)
_EXPECTED = (
    "tactical | medium | long, a length like 45d, 6w, 3m, 1y, a number of days, "
    "or an end date YYYY-MM-DD"
)


def horizon_kind(days: int) -> HorizonKind:
    """Band of a horizon of ``days`` calendar days.

    ``tactical`` up to :data:`TACTICAL_MAX_DAYS` (1–3 months), ``long`` from
    :data:`LONG_MIN_DAYS` (a year or more), ``medium`` in between (3–12 months).

    Parameters
    ----------
    days
        Calendar days (>= 1).

    Returns
    -------
    str
        ``"tactical"``, ``"medium"`` or ``"long"``.
    """
    if days <= TACTICAL_MAX_DAYS:
        return "tactical"
    if days >= LONG_MIN_DAYS:
        return "long"
    return "medium"


@dataclass(frozen=True, slots=True)
class Horizon:
    """A hedge horizon from ``start`` to ``end`` (calendar dates, ``end > start``).

    Attributes
    ----------
    start, end
        First and last day.
    label
        What was asked for (``"3m"``, ``"tactical"``, ``"2025-06-20"``).
    """

    start: dt.date
    end: dt.date
    label: str

    def __post_init__(self) -> None:
        days = (self.end - self.start).days
        if days < 1 or days > MAX_HORIZON_DAYS:
            raise InputError(
                "horizon out of range",
                source="horizon",
                value=f"{self.start.isoformat()} to {self.end.isoformat()}",
                expected=f"an end 1 to {MAX_HORIZON_DAYS} calendar days after the start",
            )

    @property
    def days(self) -> int:
        """Calendar days from start to end."""
        return (self.end - self.start).days

    @property
    def years(self) -> float:
        """``days / 365``."""
        return self.days / CALENDAR_DAYS_PER_YEAR

    @property
    def kind(self) -> HorizonKind:
        """``"tactical"``, ``"medium"`` or ``"long"`` (:func:`horizon_kind`)."""
        return horizon_kind(self.days)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary."""
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "label": self.label,
            "days": self.days,
            "years": self.years,
            "kind": self.kind,
        }


def _add_months(day: dt.date, months: int) -> dt.date:
    stamp = pd.Timestamp(day) + pd.DateOffset(months=months)
    return dt.date(stamp.year, stamp.month, stamp.day)


def _days(days: int, asked: object) -> int:
    """``days`` if it is a horizon length the range check can handle, else an error."""
    if not 1 <= days <= MAX_HORIZON_DAYS:
        raise InputError(
            "horizon out of range",
            source="horizon",
            value=asked,
            expected=f"1 to {MAX_HORIZON_DAYS} calendar days",
        )
    return days


def resolve_horizon(start: DateLike, horizon: str | int | dt.date) -> Horizon:
    """Turn a horizon request into dates.

    Parameters
    ----------
    start
        First day of the hedge (the plan date).
    horizon
        ``"tactical"`` (3 months), ``"medium"`` (6 months), ``"long"`` (12 months); a
        length ``"<n>d"``, ``"<n>w"``, ``"<n>m"``, ``"<n>y"``; a whole number of calendar
        days (int or digits); or an end date (``datetime.date`` or ``"YYYY-MM-DD"``).

    Returns
    -------
    Horizon

    Raises
    ------
    InputError
        Text that is none of these, or an end not 1 to 3,660 days after the start.
    """
    first = to_date(start, "start")
    if isinstance(horizon, bool):
        raise InputError("not a horizon", source="horizon", value=horizon, expected=_EXPECTED)
    if isinstance(horizon, int):
        return Horizon(first, first + dt.timedelta(days=_days(horizon, horizon)), f"{horizon}d")
    if isinstance(horizon, dt.date):
        return Horizon(first, to_date(horizon, "horizon"), horizon.isoformat())
    if not isinstance(horizon, str):
        raise InputError("not a horizon", source="horizon", value=horizon, expected=_EXPECTED)
    text = horizon.strip().lower()
    if text in HORIZON_PRESETS:
        return Horizon(first, _add_months(first, HORIZON_PRESETS[text]), text)
    if text.isdigit():
        return Horizon(first, first + dt.timedelta(days=_days(int(text), horizon)), f"{int(text)}d")
    match = _LENGTH.fullmatch(text)
    if match is not None:
        n, unit = int(match.group(1)), match.group(2)
        if unit == "d":
            end = first + dt.timedelta(days=_days(n, horizon))
        elif unit == "w":
            end = first + dt.timedelta(days=_days(7 * n, horizon))
        else:
            months = n if unit == "m" else 12 * n
            _days(months * 28, horizon)
            end = _add_months(first, months)
        return Horizon(first, end, text)
    try:
        end = to_date(horizon.strip(), "horizon")
    except InputError:
        raise InputError(
            "not a horizon", source="horizon", value=horizon, expected=_EXPECTED
        ) from None
    return Horizon(first, end, end.isoformat())
