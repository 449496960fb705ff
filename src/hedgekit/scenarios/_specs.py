"""Scenario specifications as data: an index move over a horizon."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from hedgekit.errors import InputError
from hedgekit.sizing._checks import check_finite

__all__ = ["NAMED_SCENARIOS", "Scenario", "default_scenarios", "scenario_grid"]


@dataclass(frozen=True, slots=True)
class Scenario:
    """A move of the hedged index over a horizon.

    Parameters
    ----------
    name
        Label shown in tables ("crash -20%").
    index_move
        Relative move of the index *price* level from now to the horizon (-0.20 = -20 %),
        > -1. Dividends are accounted for separately.
    horizon_days
        Calendar days to the horizon; ``None`` uses the horizon given to
        :func:`~hedgekit.scenarios.evaluate_scenarios`.
    """

    name: str
    index_move: float
    horizon_days: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise InputError(
                "scenario name must be non-empty text",
                source="Scenario.name",
                value=self.name,
                expected="a label",
            )
        move = check_finite(self.index_move, f"Scenario({self.name!r}).index_move")
        if move <= -1.0:
            raise InputError(
                "an index cannot fall 100% or more",
                source=f"Scenario({self.name!r}).index_move",
                value=self.index_move,
                expected="a fraction > -1 (e.g. -0.20 for -20%)",
            )
        object.__setattr__(self, "index_move", move)
        days: object = self.horizon_days
        if days is not None and (isinstance(days, bool) or not isinstance(days, int) or days < 0):
            raise InputError(
                "horizon must be a whole number of calendar days >= 0",
                source=f"Scenario({self.name!r}).horizon_days",
                value=days,
                expected="an int >= 0 or None",
            )

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary."""
        return {"name": self.name, "index_move": self.index_move, "horizon_days": self.horizon_days}


#: Named stress cases shown next to the grid.
NAMED_SCENARIOS: tuple[Scenario, ...] = (
    Scenario("crash -20%", -0.20),
    Scenario("rally +15%", 0.15),
    Scenario("flat 0%", 0.0),
)


def scenario_grid(
    low: float = -0.30,
    high: float = 0.30,
    step: float = 0.05,
    *,
    horizon_days: int | None = None,
) -> tuple[Scenario, ...]:
    """Evenly spaced index moves from ``low`` to ``high`` inclusive.

    Parameters
    ----------
    low, high
        First and last move (fractions, ``-1 < low <= high``).
    step
        Spacing (> 0); ``high - low`` must be a whole number of steps.
    horizon_days
        Horizon of every scenario (``None``: the evaluation's default).

    Returns
    -------
    tuple of Scenario
        Named by the move, e.g. ``"-30%"``, ``"+5%"``, ``"0%"``.
    """
    lo = check_finite(low, "low")
    hi = check_finite(high, "high")
    st = check_finite(step, "step")
    if st <= 0 or hi < lo:
        raise InputError(
            "the grid needs low <= high and a positive step",
            source="step" if st <= 0 else "high",
            value=step if st <= 0 else high,
            expected="low <= high, step > 0",
        )
    n = (hi - lo) / st
    count = round(n)
    if abs(n - count) > 1e-9 * max(1.0, n):
        raise InputError(
            "high - low is not a whole number of steps",
            source="step",
            value=step,
            expected=f"a step dividing {hi - lo:g}",
        )
    out: list[Scenario] = []
    for i in range(count + 1):
        move = round(lo + i * st, 12)
        out.append(Scenario(_move_name(move), move, horizon_days))
    return tuple(out)


def default_scenarios(*, horizon_days: int | None = None) -> tuple[Scenario, ...]:
    """The default set: the -30 %…+30 % grid in 5 % steps, then the named cases.

    Parameters
    ----------
    horizon_days
        Horizon of every scenario (``None``: the evaluation's default).

    Returns
    -------
    tuple of Scenario
    """
    named = tuple(Scenario(s.name, s.index_move, horizon_days) for s in NAMED_SCENARIOS)
    return scenario_grid(horizon_days=horizon_days) + named


def _move_name(move: float) -> str:
    pct = move * 100.0
    text = f"{pct:+.0f}%" if math.isclose(pct, round(pct), abs_tol=1e-9) else f"{pct:+.2f}%"
    return "0%" if text in ("+0%", "-0%") else text
