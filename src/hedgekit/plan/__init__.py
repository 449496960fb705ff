"""The hedge planner: ``make_plan(PlanRequest(...), holdings=...) -> HedgePlan``.

One call measures the portfolio (value, beta against each bundled index, the best index,
the minimum-variance ratio on futures returns), sizes the hedge in whole contracts, works out
its margin, runs the scenario table for the hedge, no hedge and a 50% hedge, and lists the
warnings that apply, each figure with the date and source of its inputs.
"""

from __future__ import annotations

from hedgekit.plan._plan import HedgePlan, HoldingBeta, make_plan
from hedgekit.plan._request import PlanRequest
from hedgekit.snapshot import MarketInputs

__all__ = ["HedgePlan", "HoldingBeta", "MarketInputs", "PlanRequest", "make_plan"]
