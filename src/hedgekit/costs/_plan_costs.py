"""Cost projection of a hedge plan: the plan's contracts, prices and trading costs."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from hedgekit.contracts import ContractRegistry, default_registry
from hedgekit.costs._horizon import Horizon, resolve_horizon
from hedgekit.costs._ledger import CostProjection, project_costs
from hedgekit.costs._positions import FuturesPosition
from hedgekit.plan import HedgePlan

__all__ = ["plan_costs", "plan_positions"]


def plan_positions(
    plan: HedgePlan, *, registry: ContractRegistry | None = None
) -> tuple[FuturesPosition, ...]:
    """The plan's futures legs with their tick values, months and initial margin.

    Parameters
    ----------
    plan
        A plan from :func:`hedgekit.plan.make_plan`.
    registry
        Where to look the legs' contracts up; default the builtin registry (pass the one
        the plan was made with when it holds user contracts).

    Returns
    -------
    tuple of FuturesPosition
        Legs with a non-zero quantity.
    """
    reg = default_registry() if registry is None else registry
    margins = {line.root: line.initial_per_contract_usd for line in plan.margin.lines}
    out: list[FuturesPosition] = []
    for leg in plan.sizing.legs:
        if leg.quantity == 0:
            continue
        spec = reg.get(leg.root)
        out.append(
            FuturesPosition.from_spec(spec, leg.quantity, initial_margin_usd=margins[leg.root])
        )
    return tuple(out)


def plan_costs(
    plan: HedgePlan,
    horizon: Horizon | str | int | dt.date | None = None,
    *,
    registry: ContractRegistry | None = None,
    quoted_spreads: Sequence[float | None] = (),
    margin_rate_annual: float | None = None,
    margin_in_tbills: bool = False,
) -> CostProjection:
    """Project the cost of a plan's futures hedge over a horizon.

    Uses the plan's contracts, entry futures price, index level, rate and dividend yield
    (with their dates and sources in ``plan.market``), its commission and slippage per
    contract per side, and the initial margin of its margin table.

    Parameters
    ----------
    plan
        The plan.
    horizon
        A :class:`Horizon`, or anything :func:`resolve_horizon` takes; default the plan's
        scenario horizon (``plan.request.horizon_days``).
    registry
        Contract registry the plan was made with (default builtin).
    quoted_spreads, margin_rate_annual, margin_in_tbills
        As in :func:`project_costs`.

    Returns
    -------
    CostProjection
    """
    if horizon is None:
        horizon = plan.request.horizon_days
    hz = horizon if isinstance(horizon, Horizon) else resolve_horizon(plan.as_of, horizon)
    m = plan.market
    positions = plan_positions(plan, registry=registry)
    # the month the plan trades, on the root of the first leg (MESZ2024 for a Micro-only hedge)
    entry = m.contract if not positions else dataclasses.replace(m.contract, root=positions[0].root)
    return project_costs(
        positions,
        hz,
        portfolio_value_usd=plan.portfolio_value_usd,
        index_level=m.index_level.value,
        rate_annual=m.rate.value,
        dividend_yield=m.dividend_yield.value,
        entry_futures_price=m.futures_price,
        entry_contract=entry.long,
        quoted_spreads=quoted_spreads,
        commission_usd=plan.request.commission_usd,
        slippage_ticks=plan.request.slippage_ticks,
        margin_rate_annual=margin_rate_annual,
        margin_in_tbills=margin_in_tbills,
    )
