"""Hedge alternatives side by side, and the expected value of hedging.

:func:`compare_alternatives` values, for one plan and horizon, staying unhedged, the plan's
futures hedge, protective puts, a collar and selling part of the portfolio (transaction
costs and capital-gains tax included): upfront cash, expected cost, P&L in the plan's
scenarios, downside floor and upside kept. :func:`fall_probability` estimates from the
bundled index history how often a fall of at least X % happened over the horizon (method
and sample stated), which gives each alternative an expected value, probability ×
protection − cost, shown with its assumptions.
"""

from __future__ import annotations

from hedgekit.compare._alternatives import (
    DEFAULT_HISTORY_START,
    DEFAULT_OPTION_FEE_USD,
    DEFAULT_STOCK_COST_BPS,
    Alternative,
    Comparison,
    HedgeValue,
    compare_alternatives,
    cost_basis_total,
)
from hedgekit.compare._history import FallProbability, fall_probability, horizon_moves

__all__ = [
    "DEFAULT_HISTORY_START",
    "DEFAULT_OPTION_FEE_USD",
    "DEFAULT_STOCK_COST_BPS",
    "Alternative",
    "Comparison",
    "FallProbability",
    "HedgeValue",
    "compare_alternatives",
    "cost_basis_total",
    "fall_probability",
    "horizon_moves",
]
