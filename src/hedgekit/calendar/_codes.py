"""Futures contract codes: root + month code + year (``ESZ6``, ``ESZ2026``, ``M2KH2027``).

Month codes are the exchange convention used by CME Group (F = January ... Z = December).
A code names a contract, not a date: when it expires is :mod:`hedgekit.calendar._expiry`'s
business.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Any, Final

from hedgekit.errors import InputError

__all__ = ["MONTH_CODES", "QUARTERLY_MONTHS", "ContractCode", "month_cycle"]

#: Futures month codes in calendar order: ``MONTH_CODES[m - 1]`` is month ``m``'s letter.
MONTH_CODES: Final = "FGHJKMNQUVXZ"
#: The March quarterly cycle listed for US equity index futures (Mar, Jun, Sep, Dec).
QUARTERLY_MONTHS: Final = "HMUZ"

#: Years a contract code may name (four digits; wide enough for any listed contract).
MIN_YEAR: Final = 1900
MAX_YEAR: Final = 2199

_ROOT = re.compile(r"[A-Z][A-Z0-9]{0,4}")
_CODE = re.compile(r"(?P<root>[A-Z][A-Z0-9]{0,4})(?P<month>[FGHJKMNQUVXZ])(?P<year>[0-9]+)")
_CODE_EXPECTED = (
    "ROOT + month code + year, e.g. 'ESZ2026' (four-digit year) or 'ESZ6' (one-digit year, "
    "needs reference_year); ROOT is 1 to 5 uppercase letters or digits starting with a "
    f"letter (ES, MES, M2K); month code one of {MONTH_CODES!r}"
)
_MONTHS_EXPECTED = f"distinct month codes from {MONTH_CODES!r} in calendar order (e.g. 'HMUZ')"


def month_cycle(months: str, parameter: str = "months") -> tuple[int, ...]:
    """Return the month numbers (1-12) listed in ``months``, validated.

    Parameters
    ----------
    months
        Month codes in calendar order without repeats, e.g. ``"HMUZ"``.
    parameter
        Name reported in the error.

    Raises
    ------
    InputError
        Empty text, an unknown letter, a repeat or letters out of calendar order.
    """
    if not isinstance(months, str) or not months:
        raise InputError(
            "must be a non-empty string of month codes",
            source=parameter,
            value=months,
            expected=_MONTHS_EXPECTED,
        )
    bad = [letter for letter in months if letter not in MONTH_CODES]
    if bad:
        raise InputError(
            f"unknown month code {bad[0]!r}",
            source=parameter,
            value=months,
            expected=_MONTHS_EXPECTED,
        )
    numbers = tuple(MONTH_CODES.index(letter) + 1 for letter in months)
    if any(b <= a for a, b in itertools.pairwise(numbers)):
        raise InputError(
            "month codes repeated or out of calendar order",
            source=parameter,
            value=months,
            expected=_MONTHS_EXPECTED,
        )
    return numbers


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True, slots=True, order=True)
class ContractCode:
    """One futures contract: root, delivery year and delivery month.

    Instances are immutable and ordered by ``(root, year, month)``, so contracts of one root
    sort by delivery date.

    Parameters
    ----------
    root
        Exchange product code: 1 to 5 uppercase letters or digits, starting with a letter
        (``ES``, ``MES``, ``NQ``, ``MNQ``, ``RTY``, ``M2K``, ``YM``, ``MYM``).
    year
        Four-digit delivery year, 1900 to 2199.
    month
        Delivery month, 1 to 12.

    Examples
    --------
    >>> code = ContractCode.parse("ESZ6", reference_year=2026)
    >>> code.long, code.short, str(code.next())
    ('ESZ2026', 'ESZ6', 'ESH2027')
    """

    root: str
    year: int
    month: int

    def __post_init__(self) -> None:
        if not isinstance(self.root, str) or not _ROOT.fullmatch(self.root):
            raise InputError(
                "invalid contract root",
                source="root",
                value=self.root,
                expected="1 to 5 uppercase letters or digits, starting with a letter (e.g. 'ES')",
            )
        if not _is_int(self.year) or not MIN_YEAR <= self.year <= MAX_YEAR:
            raise InputError(
                "invalid contract year",
                source="year",
                value=self.year,
                expected=f"an integer year from {MIN_YEAR} to {MAX_YEAR}",
            )
        if not _is_int(self.month) or not 1 <= self.month <= 12:
            raise InputError(
                "invalid contract month", source="month", value=self.month, expected="1 to 12"
            )

    @classmethod
    def parse(cls, text: str, *, reference_year: int | None = None) -> ContractCode:
        """Parse ``"ESZ2026"`` or ``"ESZ6"`` (letters in either case).

        The root is everything before the last letter (the month code), so roots that hold
        a digit parse too: ``"M2KZ6"`` is root ``M2K``, December, year ending in 6.

        A one-digit year is ambiguous: it is resolved against ``reference_year`` (normally
        the current year, which the caller supplies; computation never reads the clock) as
        the **first year >= reference_year - 1 ending in that digit**, i.e. the one year in
        ``[reference_year - 1, reference_year + 8]``. So with ``reference_year=2026``,
        ``ESZ5`` is December 2025 (just expired), ``ESZ6`` December 2026 and ``ESH4``
        March 2034. Pass the year of the date you are looking at when reading history.

        Parameters
        ----------
        text
            The code.
        reference_year
            Required when the code has a one-digit year; ignored for four-digit years.

        Raises
        ------
        InputError
            The text is not one of the accepted forms (the message names the value and the
            forms), or a one-digit year is given without ``reference_year``.
        """
        if not isinstance(text, str):
            raise InputError(
                "contract code must be text", source="code", value=text, expected=_CODE_EXPECTED
            )
        match = _CODE.fullmatch(text.upper())
        if match is None or len(match["year"]) not in (1, 4):
            raise InputError(
                "invalid contract code", source="code", value=text, expected=_CODE_EXPECTED
            )
        month = MONTH_CODES.index(match["month"]) + 1
        digits = match["year"]
        if len(digits) == 4:
            year = int(digits)
        else:
            if reference_year is None:
                raise InputError(
                    "a one-digit year needs reference_year to say which decade is meant",
                    source="code",
                    value=text,
                    expected="a four-digit year (e.g. 'ESZ2026') or reference_year=<year>",
                )
            if not _is_int(reference_year) or not MIN_YEAR + 1 <= reference_year <= MAX_YEAR - 8:
                raise InputError(
                    "invalid reference year",
                    source="reference_year",
                    value=reference_year,
                    expected=f"an integer year from {MIN_YEAR + 1} to {MAX_YEAR - 8}",
                )
            first = reference_year - 1
            year = first + (int(digits) - first) % 10
        return cls(match["root"], year, month)

    @property
    def month_code(self) -> str:
        """The month letter (``"Z"`` for December)."""
        return MONTH_CODES[self.month - 1]

    @property
    def short(self) -> str:
        """Code with a one-digit year, ``"ESZ6"`` (ambiguous across decades)."""
        return f"{self.root}{self.month_code}{self.year % 10}"

    @property
    def long(self) -> str:
        """Code with a four-digit year, ``"ESZ2026"`` (unambiguous)."""
        return f"{self.root}{self.month_code}{self.year:04d}"

    def __str__(self) -> str:
        return self.long

    def next(self, months: str = QUARTERLY_MONTHS) -> ContractCode:
        """The first contract of the same root listed after this one in the ``months`` cycle.

        This contract's own month need not be in ``months``.
        """
        cycle = month_cycle(months)
        later = [m for m in cycle if m > self.month]
        if later:
            return ContractCode(self.root, self.year, later[0])
        return ContractCode(self.root, self.year + 1, cycle[0])

    def previous(self, months: str = QUARTERLY_MONTHS) -> ContractCode:
        """The last contract of the same root listed before this one in the ``months`` cycle."""
        cycle = month_cycle(months)
        earlier = [m for m in cycle if m < self.month]
        if earlier:
            return ContractCode(self.root, self.year, earlier[-1])
        return ContractCode(self.root, self.year - 1, cycle[-1])

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form: ``{"code": "ESZ2026", "root": "ES", "year": 2026, "month": 12}``."""
        return {"code": self.long, "root": self.root, "year": self.year, "month": self.month}
