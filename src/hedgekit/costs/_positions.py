"""A futures position as the cost projection sees it: one instrument, whole contracts."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from hedgekit.calendar import QUARTERLY_MONTHS
from hedgekit.contracts import ContractSpec
from hedgekit.errors import InputError

__all__ = ["FuturesPosition"]


@dataclass(frozen=True, slots=True)
class FuturesPosition:
    """Whole contracts held in one futures instrument, with what trading it costs.

    Attributes
    ----------
    root
        Contract root (``"ES"``, ``"MES"``).
    quantity
        Whole contracts, negative = short (a hedge of a long portfolio is short).
    multiplier_usd
        USD per index point of one contract (> 0).
    tick_value_usd
        USD value of one tick (> 0), for slippage quoted in ticks.
    months
        Listed months as month codes (``"HMUZ"``), for the roll calendar.
    initial_margin_usd
        Initial margin per contract (>= 0), for the interest forgone on it.
    """

    root: str
    quantity: int
    multiplier_usd: float
    tick_value_usd: float
    months: str = QUARTERLY_MONTHS
    initial_margin_usd: float = 0.0

    def __post_init__(self) -> None:
        if isinstance(self.quantity, bool) or not isinstance(self.quantity, int):
            raise InputError(
                "contract quantity must be a whole number",
                source=f"FuturesPosition({self.root}).quantity",
                value=self.quantity,
                expected="an int (negative = short)",
            )
        for name in ("multiplier_usd", "tick_value_usd"):
            v = getattr(self, name)
            if not math.isfinite(v) or v <= 0:
                raise InputError(
                    f"{name} must be positive",
                    source=f"FuturesPosition({self.root}).{name}",
                    value=v,
                    expected="> 0",
                )
        m = self.initial_margin_usd
        if not math.isfinite(m) or m < 0:
            raise InputError(
                "initial margin must be >= 0",
                source=f"FuturesPosition({self.root}).initial_margin_usd",
                value=m,
                expected=">= 0",
            )

    @classmethod
    def from_spec(
        cls, spec: ContractSpec, quantity: int, *, initial_margin_usd: float = 0.0
    ) -> FuturesPosition:
        """Position of ``quantity`` contracts of ``spec`` (multiplier, tick, months from it)."""
        return cls(
            root=spec.root,
            quantity=quantity,
            multiplier_usd=spec.multiplier_usd,
            tick_value_usd=spec.tick_value_usd,
            months=spec.months,
            initial_margin_usd=initial_margin_usd,
        )

    @property
    def tick_size_points(self) -> float:
        """Tick size in index points (``tick_value_usd / multiplier_usd``)."""
        return self.tick_value_usd / self.multiplier_usd

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary."""
        return {
            "root": self.root,
            "quantity": self.quantity,
            "multiplier_usd": self.multiplier_usd,
            "tick_value_usd": self.tick_value_usd,
            "months": self.months,
            "initial_margin_usd": self.initial_margin_usd,
        }
