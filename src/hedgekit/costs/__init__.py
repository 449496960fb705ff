"""What a futures hedge costs over a horizon: carry, rolls, trading costs, margin interest.

* Horizons: :func:`resolve_horizon` (``"tactical"`` 1–3 months, ``"medium"`` 3–12,
  ``"long"`` a year or more, ``"45d"``/``"6m"``/``"2y"``, or an end date) -> :class:`Horizon`.
* Projection: :func:`project_costs` (explicit inputs) and :func:`plan_costs` (a
  :class:`~hedgekit.plan.HedgePlan`) -> :class:`CostProjection`: the rolls from the real
  calendar with their fair (or quoted) spreads and a cheap/rich verdict, the carry as
  basis at entry + basis left + rolls, commissions and slippage per contract per side,
  interest forgone on the margin, the dividends on the stocks against those priced into the
  futures; totals in USD, % of the portfolio, per year and per day.

Signs: positive = paid by the hedger, negative = received.
"""

from __future__ import annotations

from hedgekit.costs._horizon import (
    HORIZON_PRESETS,
    LONG_MIN_DAYS,
    TACTICAL_MAX_DAYS,
    Horizon,
    HorizonKind,
    horizon_kind,
    resolve_horizon,
)
from hedgekit.costs._ledger import CostProjection, HeldContract, RollEvent, project_costs
from hedgekit.costs._plan_costs import plan_costs, plan_positions
from hedgekit.costs._positions import FuturesPosition

__all__ = [
    "HORIZON_PRESETS",
    "LONG_MIN_DAYS",
    "TACTICAL_MAX_DAYS",
    "CostProjection",
    "FuturesPosition",
    "HeldContract",
    "Horizon",
    "HorizonKind",
    "RollEvent",
    "horizon_kind",
    "plan_costs",
    "plan_positions",
    "project_costs",
    "resolve_horizon",
]
