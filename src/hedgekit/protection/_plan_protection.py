"""Put protection for a hedge plan: its portfolio, beta, index level, rates and VIX."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from hedgekit._typing import RoundingMode
from hedgekit.errors import InputError
from hedgekit.plan import HedgePlan
from hedgekit.pricing import REALISED_VOL_WINDOW, TRADING_DAYS_PER_YEAR, realised_vol, vol_from_vix
from hedgekit.protection._contracts import OPTION_CONTRACTS, OptionContract
from hedgekit.protection._planner import (
    DEFAULT_SPREAD_WIDTH,
    ProtectionTable,
    Structure,
    contracts_for,
    plan_protection,
)
from hedgekit.protection._strikes import StrikeSpec

#: How much closer to the asked ratio a smaller option contract must come to be preferred.
CLOSER_BY = 0.01

__all__ = [
    "check_option_index",
    "choose_option",
    "default_option_for",
    "plan_vol",
    "protection_for_plan",
]


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


def choose_option(
    plan: HedgePlan,
    hedge_ratios: Sequence[float],
    rounding: RoundingMode = "nearest",
) -> OptionContract:
    r"""The builtin option on the plan's index whose whole contracts best meet the ratios asked.

    For each candidate (SPX and XSP on the S&P 500; NDX; RUT) the achieved ratio of each
    asked ratio :math:`h` is :math:`n\,u\,S/(\beta V)` with :math:`n` the rounded count
    (:func:`contracts_for`); the candidate with the smallest worst miss
    :math:`\max_h |\text{achieved} - h|` wins. A smaller contract is taken only when it comes
    closer by more than :data:`CLOSER_BY` (one percentage point): otherwise the larger one
    (fewer contracts, fewer fees) is kept.

    Parameters
    ----------
    plan
        Portfolio value, beta and index level.
    hedge_ratios
        Ratios asked for (fractions of the beta exposure).
    rounding
        Rounding of the contract count.

    Returns
    -------
    OptionContract
    """
    m = plan.market
    candidates = [c for c in OPTION_CONTRACTS.values() if c.index == m.index]
    if not candidates:
        return default_option_for(m.index)
    v, b, s = plan.portfolio_value_usd, plan.beta.beta, m.index_level.value
    if not b > 0:
        return default_option_for(m.index)

    def worst_miss(c: OptionContract) -> float:
        miss = 0.0
        for h in hedge_ratios:
            n, _ = contracts_for(v, b, s, h, c, rounding)
            miss = max(miss, abs(n * c.units_per_contract * s / (b * v) - h))
        return miss

    ordered = sorted(candidates, key=lambda c: -c.units_per_contract)
    best, best_miss = ordered[0], worst_miss(ordered[0])
    for c in ordered[1:]:
        miss = worst_miss(c)
        if miss < best_miss - CLOSER_BY:
            best, best_miss = c, miss
    return best


def check_option_index(plan: HedgePlan, option: OptionContract) -> None:
    """Refuse an option on another index than the one the plan's beta and level are against."""
    idx = plan.market.index
    if option.index not in (idx, "user"):
        raise InputError(
            f"{option.name} options are on {option.index}, but the beta and the index level "
            f"are against {idx}",
            source="--option",
            value=option.name,
            expected=f"an option on {idx} (auto), or --contract with a future on {option.index} "
            f"so that the plan is against {option.index}",
        )


def plan_vol(plan: HedgePlan, vol: float | None) -> tuple[float, str]:
    r"""The at-the-money vol: the user's, else VIX/100 (S&P 500), else the index's realised vol.

    For the S&P 500 the default is the VIX close at the plan date divided by 100
    (:func:`hedgekit.pricing.vol_from_vix`). No such implied measure ships for the
    Nasdaq-100 or the Russell 2000: their default is the realised volatility of the bundled
    index closes, the last 63 daily log returns up to the plan date annualised with
    :math:`\sqrt{252}` (Hull 11e §15.4; :func:`hedgekit.pricing.realised_vol`), labelled as
    such.

    Returns
    -------
    (float, str)
        The vol and a description of its source.
    """
    if vol is not None:
        return float(vol), "user"
    m = plan.market
    if m.index != "SPX":
        return _realised_vol_of(plan)
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


def _realised_vol_of(plan: HedgePlan) -> tuple[float, str]:
    from hedgekit import datasets

    index = plan.market.index
    try:
        closes = datasets.load_index(index)["close"]
    except (KeyError, ValueError):
        raise InputError(
            f"no bundled closes of {index} to estimate its volatility",
            source="--vol",
            value=None,
            expected="--vol (e.g. 0.22)",
        ) from None
    closes = closes[closes.index <= np.datetime64(plan.as_of)]
    n = REALISED_VOL_WINDOW
    if len(closes) < n + 1:
        raise InputError(
            f"fewer than {n + 1} {index} closes up to {plan.as_of.isoformat()}",
            source="--vol",
            value=None,
            expected="--vol (e.g. 0.22)",
        )
    sigma = realised_vol(closes.to_numpy(dtype=np.float64), n, TRADING_DAYS_PER_YEAR)
    first = closes.index[-(n + 1)].date().isoformat()
    last = closes.index[-1].date().isoformat()
    return sigma, (
        f"realised vol of {index}: {n} daily log returns {first} to {last}, "
        f"std x sqrt({TRADING_DAYS_PER_YEAR}) (Hull 11e §15.4); not an implied vol"
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

    The at-the-money vol defaults to :func:`plan_vol` (VIX/100 for the S&P 500, realised
    vol otherwise); the hedge ratios to the plan's hedge ratio; the option to the one on
    the plan's index that best meets the ratios (:func:`choose_option`); the horizon to the
    plan's scenario horizon.
    """
    atm, source = plan_vol(plan, vol)
    ratios = (plan.sizing.hedge_ratio_target,) if hedge_ratios is None else tuple(hedge_ratios)
    if option is None:
        option = choose_option(plan, ratios, rounding)
    check_option_index(plan, option)
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
        option=option,
        rounding=rounding,
        horizon_days=plan.request.horizon_days if horizon_days is None else horizon_days,
        fee_per_contract_usd=fee_per_contract_usd,
    )
