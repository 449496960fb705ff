"""Severity levels and the :class:`Advice` record that every rule returns."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from hedgekit.advice._checks import as_finite_float
from hedgekit.errors import InputError

__all__ = ["Advice", "Severity"]


class Severity(enum.StrEnum):
    """How much a piece of advice matters, ordered ``INFO < WARNING < DANGER``.

    * ``INFO``: something to know or to do (a roll date, a simpler alternative).
    * ``WARNING``: the plan has a weakness the user should weigh before trading.
    * ``DANGER``: the plan can lose money in a way the user does not expect
      (net short, no protection at all, margin that cannot be posted).

    Members are strings (``Severity.DANGER == "danger"``) so they serialise as plain
    text, but they order by rank, not alphabetically; ordering against anything that is
    not a Severity raises ``TypeError``.
    """

    INFO = "info"
    WARNING = "warning"
    DANGER = "danger"

    @property
    def rank(self) -> int:
        """0 for ``INFO``, 1 for ``WARNING``, 2 for ``DANGER``."""
        return _RANK[self.value]

    def _other_rank(self, other: object) -> int:
        if not isinstance(other, Severity):
            # Refuse rather than fall back to str's alphabetical order.
            raise TypeError(f"cannot order Severity against {type(other).__name__}")
        return other.rank

    def __lt__(self, other: object) -> bool:
        return self.rank < self._other_rank(other)

    def __le__(self, other: object) -> bool:
        return self.rank <= self._other_rank(other)

    def __gt__(self, other: object) -> bool:
        return self.rank > self._other_rank(other)

    def __ge__(self, other: object) -> bool:
        return self.rank >= self._other_rank(other)


_RANK: dict[str, int] = {"info": 0, "warning": 1, "danger": 2}


@dataclass(frozen=True, slots=True)
class Advice:
    """One finding about a hedge plan.

    Attributes
    ----------
    code
        Stable identifier in upper snake case (``"OVER_HEDGED"``); the documented set
        is :data:`hedgekit.advice.ADVICE_CODES`.
    severity
        How much it matters.
    message
        Plain-language explanation that cites the figures.
    numbers
        The figures the message cites, by name (read-only). Ratios are fractions
        (``0.94`` for 94 %), money in USD, counts as floats; all finite.
    """

    code: str
    severity: Severity
    message: str
    numbers: Mapping[str, float]

    def __post_init__(self) -> None:
        if not isinstance(self.severity, Severity):
            raise InputError(
                "severity must be a Severity",
                source="Advice",
                column="severity",
                value=self.severity,
                expected="Severity.INFO, Severity.WARNING or Severity.DANGER",
            )
        clean: dict[str, float] = {}
        for name, value in self.numbers.items():
            x = as_finite_float(value)
            if x is None:
                raise InputError(
                    "every cited number must be a finite real",
                    source="Advice",
                    column=f"numbers[{name!r}]",
                    value=value,
                    expected="a finite float",
                )
            clean[str(name)] = x
        object.__setattr__(self, "numbers", MappingProxyType(clean))

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary: ``code``, ``severity`` (text), ``message``, ``numbers``."""
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "numbers": dict(self.numbers),
        }
