"""Put protection: protective puts, collars and put spreads sized for a portfolio.

Strikes (levels or % of spot) × hedge ratios -> beta-adjusted index option contracts
(SPX by default; XSP, NDX, RUT or a user multiplier), premium in USD and % of the portfolio,
protected floor, break-even move, decay per day and the cost of keeping the protection over
a horizon. Options are priced by Black–Scholes–Merton with the index dividend yield, at a
volatility from VIX at the plan date for the S&P 500, the index's realised volatility for the
others (optionally with the labelled skew heuristic), or the user's. The option defaults to the
one on the plan's index whose whole contracts best meet the hedge ratio asked. See
:func:`plan_protection` for the formulas.
"""

from __future__ import annotations

from hedgekit.protection._capm import capm_portfolio_value
from hedgekit.protection._contracts import OPTION_CONTRACTS, OptionContract, option_contract
from hedgekit.protection._plan_protection import (
    check_option_index,
    choose_option,
    default_option_for,
    plan_vol,
    protection_for_plan,
)
from hedgekit.protection._planner import (
    DEFAULT_SPREAD_WIDTH,
    STRUCTURES,
    ProtectionRow,
    ProtectionTable,
    Structure,
    contracts_for,
    plan_protection,
)
from hedgekit.protection._strikes import StrikeSpec, parse_fractions, parse_strike, parse_strikes

__all__ = [
    "DEFAULT_SPREAD_WIDTH",
    "OPTION_CONTRACTS",
    "STRUCTURES",
    "OptionContract",
    "ProtectionRow",
    "ProtectionTable",
    "StrikeSpec",
    "Structure",
    "capm_portfolio_value",
    "check_option_index",
    "choose_option",
    "contracts_for",
    "default_option_for",
    "option_contract",
    "parse_fractions",
    "parse_strike",
    "parse_strikes",
    "plan_protection",
    "plan_vol",
    "protection_for_plan",
]
