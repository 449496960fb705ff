"""Pure numeric pricing: futures carry, Black–Scholes–Merton options, vol inputs, option hedges.

Functions take floats or numpy arrays (broadcast together, ``float64``) and return a
``float`` when every input is a scalar. Rates and yields are fractions per year,
continuously compounded unless a name or docstring says otherwise; times are in years
(``t_years``) or calendar days (``*_days``). Bad input raises
:class:`hedgekit.errors.InputError` naming the parameter.
"""

from __future__ import annotations

from hedgekit.pricing._bsm import (
    BsmGreeks,
    OptionKind,
    bsm_delta,
    bsm_gamma,
    bsm_greeks,
    bsm_price,
    bsm_rho,
    bsm_theta,
    bsm_vega,
    implied_vol,
    theta_per_calendar_day,
)
from hedgekit.pricing._carry import (
    Basis,
    RichCheap,
    ShortHedgeCarry,
    Valuation,
    basis,
    basis_pct,
    basis_points,
    calendar_spread,
    carry_cost_of_short_hedge,
    continuous_to_simple,
    dividends_future_value_points,
    fair_value_continuous,
    fair_value_simple,
    implied_dividend_yield,
    implied_rate,
    rich_cheap,
    roll_cost_usd,
    short_hedge_carry_pnl_usd,
    simple_to_continuous,
    tbill_discount_to_continuous,
)
from hedgekit.pricing._strategies import (
    HedgeStructure,
    OptionLeg,
    collar,
    protective_put,
    put_spread,
    zero_cost_collar_call_strike,
)
from hedgekit.pricing._vol import (
    DEFAULT_SKEW_PER_10PCT,
    REALISED_VOL_WINDOW,
    TRADING_DAYS_PER_YEAR,
    realised_vol,
    skew_adjusted_vol,
    vol_from_vix,
)

__all__ = [
    "DEFAULT_SKEW_PER_10PCT",
    "REALISED_VOL_WINDOW",
    "TRADING_DAYS_PER_YEAR",
    "Basis",
    "BsmGreeks",
    "HedgeStructure",
    "OptionKind",
    "OptionLeg",
    "RichCheap",
    "ShortHedgeCarry",
    "Valuation",
    "basis",
    "basis_pct",
    "basis_points",
    "bsm_delta",
    "bsm_gamma",
    "bsm_greeks",
    "bsm_price",
    "bsm_rho",
    "bsm_theta",
    "bsm_vega",
    "calendar_spread",
    "carry_cost_of_short_hedge",
    "collar",
    "continuous_to_simple",
    "dividends_future_value_points",
    "fair_value_continuous",
    "fair_value_simple",
    "implied_dividend_yield",
    "implied_rate",
    "implied_vol",
    "protective_put",
    "put_spread",
    "realised_vol",
    "rich_cheap",
    "roll_cost_usd",
    "short_hedge_carry_pnl_usd",
    "simple_to_continuous",
    "skew_adjusted_vol",
    "tbill_discount_to_continuous",
    "theta_per_calendar_day",
    "vol_from_vix",
    "zero_cost_collar_call_strike",
]
