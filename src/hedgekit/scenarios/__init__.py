"""Scenarios: index moves as data -> P&L tables for the portfolio, the futures and the costs.

Each scenario moves the index over a horizon; the table shows the stocks' expected P&L
(CAPM-consistent by default, Hull, *Options, Futures and Other Derivatives*, 11th ed., Table
3.4), the futures' P&L with the basis converging at fair value from carry, trading costs and
the net, side by side for the chosen hedge, no hedge and reference hedges.
"""

from __future__ import annotations

from hedgekit.scenarios._evaluate import (
    DEFAULT_HORIZON_DAYS,
    ReturnModel,
    ScenarioComparison,
    ScenarioRow,
    ScenarioTable,
    compare_hedges,
    evaluate_scenarios,
    hedge_alternatives,
)
from hedgekit.scenarios._specs import (
    NAMED_SCENARIOS,
    Scenario,
    default_scenarios,
    scenario_grid,
)

__all__ = [
    "DEFAULT_HORIZON_DAYS",
    "NAMED_SCENARIOS",
    "ReturnModel",
    "Scenario",
    "ScenarioComparison",
    "ScenarioRow",
    "ScenarioTable",
    "compare_hedges",
    "default_scenarios",
    "evaluate_scenarios",
    "hedge_alternatives",
    "scenario_grid",
]
