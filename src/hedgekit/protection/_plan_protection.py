"""Put protection for a hedge plan: its portfolio, beta, index level, rates and VIX."""

from __future__ import annotations

from collections.abc import Sequence

from hedgekit._typing import RoundingMode
from hedgekit.errors import InputError
from hedgekit.plan import HedgePlan
from hedgekit.pricing import vol_from_vix
from hedgekit.protection._contracts import OPTION_CONTRACTS, OptionContract
from hedgekit.protection._planner import (
    DEFAULT_SPREAD_WIDTH,
    ProtectionTable,
    Structure,
    plan_protection,
)
from hedgekit.protection._strikes import StrikeSpec

__all__ = ["default_option_for", "plan_vol", "protection_for_plan"]


def default_option_for(index: str) -> OptionContract:
    """The builtin index option on ``index`` (SPX for the S&P 500)."""
    for spec in OPTION_CONTRACTS.values():
        if spec.index == index and spec.index_fraction == 1.0:
            return spec
    raise InputError(
        f"no builtin index option on {index}",
        source="option",
        value=index,
        expected="--option with --option-multiplier and --option-fraction",
    )


def plan_vol(plan: HedgePlan, vol: float | None) -> tuple[float, str]:
    """The at-the-money vol to use: the user's, else VIX/100 at the plan date (S&P 500 only).

    Returns
    -------
    (float, str)
        The vol and a description of its source.
    """
    if vol is not None:
        return float(vol), "user"
    m = plan.market
    if m.index != "SPX":
        raise InputError(
            f"VIX measures S&P 500 volatility, not {m.index}",
            source="vol",
            value=None,
            expected="--vol for options on this index (e.g. 0.22)",
        )
    if m.vix is None:
        raise InputError(
            f"no VIX close within a few days of {plan.as_of.isoformat()}",
            source="vol",
            value=None,
            expected="--vol (e.g. 0.18)",
        )
    return vol_from_vix(m.vix.value), (
        f"VIX {m.vix.value:.2f} on {m.vix.observed.isoformat()} ({m.vix.source}) / 100"
    )


def protection_for_plan(
    plan: HedgePlan,
    *,
    strikes: Sequence[StrikeSpec | float],
    hedge_ratios: Sequence[float] | None = None,
    option_days: float = 91,
    vol: float | None = None,
    skew_per_10pct: float | None = None,
    structures: Sequence[Structure] = ("put",),
    call_strike: StrikeSpec | float | None = None,
    spread_width: StrikeSpec = DEFAULT_SPREAD_WIDTH,
    option: OptionContract | None = None,
    rounding: RoundingMode = "nearest",
    horizon_days: float | None = None,
    fee_per_contract_usd: float = 0.0,
) -> ProtectionTable:
    """:func:`plan_protection` with the plan's portfolio value, beta and market inputs.

    The at-the-money vol defaults to VIX/100 at the plan date (:func:`plan_vol`); the hedge
    ratios default to the plan's hedge ratio; the option to the index's own (SPX); the
    horizon to the plan's scenario horizon.
    """
    atm, source = plan_vol(plan, vol)
    ratios = (plan.sizing.hedge_ratio_target,) if hedge_ratios is None else tuple(hedge_ratios)
    m = plan.market
    return plan_protection(
        plan.portfolio_value_usd,
        plan.beta.beta,
        m.index_level.value,
        strikes=strikes,
        rate_annual=m.rate.value,
        dividend_yield=m.dividend_yield.value,
        vol=atm,
        hedge_ratios=ratios,
        option_days=option_days,
        vol_source=source,
        skew_per_10pct=skew_per_10pct,
        structures=structures,
        call_strike=call_strike,
        spread_width=spread_width,
        option=default_option_for(m.index) if option is None else option,
        rounding=rounding,
        horizon_days=plan.request.horizon_days if horizon_days is None else horizon_days,
        fee_per_contract_usd=fee_per_contract_usd,
    )
