"""Strikes asked for as index levels or as a percentage of the index level."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from hedgekit.errors import InputError

__all__ = ["StrikeSpec", "parse_fractions", "parse_strike", "parse_strikes"]


@dataclass(frozen=True, slots=True)
class StrikeSpec:
    """A strike as an index level or as a fraction of spot.

    Attributes
    ----------
    value
        The level (index points) or the fraction of spot (0.93 for 93 %), > 0.
    kind
        ``"level"`` or ``"pct"``.
    """

    value: float
    kind: Literal["level", "pct"] = "pct"

    def __post_init__(self) -> None:
        if self.kind not in ("level", "pct"):
            raise InputError(
                "unknown strike kind", source="strike", value=self.kind, expected="level | pct"
            )
        if not math.isfinite(self.value) or self.value <= 0:
            raise InputError(
                "strike must be positive", source="strike", value=self.value, expected="> 0"
            )

    @classmethod
    def pct(cls, fraction: float) -> StrikeSpec:
        """Strike at ``fraction`` × spot (0.93 = 93 %)."""
        return cls(float(fraction), "pct")

    @classmethod
    def level(cls, points: float) -> StrikeSpec:
        """Strike at an index level."""
        return cls(float(points), "level")

    def resolve(self, spot: float) -> float:
        """The strike in index points for an index level ``spot``."""
        return self.value * spot if self.kind == "pct" else self.value

    def label(self) -> str:
        """``"93%"`` or ``"4,500"``."""
        if self.kind == "pct":
            return f"{self.value * 100:g}%"
        return f"{self.value:,g}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary."""
        return {"value": self.value, "kind": self.kind}


def parse_strike(text: str, name: str = "strike") -> StrikeSpec:
    """Parse ``"93%"`` (a percentage of spot) or ``"4500"`` (an index level).

    Parameters
    ----------
    text
        One strike.
    name
        Parameter named in errors.

    Returns
    -------
    StrikeSpec
    """
    t = text.strip().replace(",", "").replace("_", "")
    is_pct = t.endswith("%")
    try:
        x = float(t.rstrip("%"))
    except ValueError:
        raise InputError(
            "not a strike", source=name, value=text, expected="a level (4500) or a % of spot (93%)"
        ) from None
    if not math.isfinite(x) or x <= 0:
        raise InputError("strike must be positive", source=name, value=text, expected="> 0")
    return StrikeSpec(x / 100.0, "pct") if is_pct else StrikeSpec(x, "level")


def parse_strikes(text: str | Sequence[str], name: str = "strikes") -> tuple[StrikeSpec, ...]:
    """Parse a comma list (``"100%,93%,87%"``) or a sequence of strike texts."""
    parts = text.split(",") if isinstance(text, str) else list(text)
    parts = [p for p in parts if p.strip()]
    if not parts:
        raise InputError("no strikes", source=name, value=text, expected="e.g. 100%,93%,87%")
    return tuple(parse_strike(p, name) for p in parts)


def parse_fractions(
    text: str | Sequence[str], name: str, *, lo: float = 0.0, hi: float = 1.0
) -> tuple[float, ...]:
    """Parse percentages (``"100,80,50"`` or ``"100%,80%"``) into fractions in ``(lo, hi]``."""
    parts = text.split(",") if isinstance(text, str) else list(text)
    parts = [p for p in parts if p.strip()]
    if not parts:
        raise InputError("nothing given", source=name, value=text, expected="e.g. 100,80,50")
    out: list[float] = []
    for p in parts:
        try:
            x = float(p.strip().rstrip("%")) / 100.0
        except ValueError:
            raise InputError(
                "not a percentage", source=name, value=p, expected="e.g. 100,80,50"
            ) from None
        if not math.isfinite(x) or not lo < x <= hi:
            raise InputError(
                "percentage out of range",
                source=name,
                value=p,
                expected=f"above {lo * 100:g}% and at most {hi * 100:g}%",
            )
        out.append(x)
    return tuple(out)
