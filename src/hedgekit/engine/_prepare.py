"""Per-day arrays shared by the batched kernels, computed once for all runs.

The batched kernels (numba and numpy) read these instead of the raw path, so the work that
does not depend on the hedge policy is done once. The pure-Python oracle does not use them: it
evaluates the same expressions itself, day by day, so that the three agree bit for bit on every
sizing decision.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from hedgekit._constants import TRADING_DAYS_PER_YEAR
from hedgekit._typing import Float64Array
from hedgekit.engine._inputs import AccountSpec, MarketPath

__all__ = ["DayArrays", "KernelScalars", "prepare_days", "prepare_scalars"]


class DayArrays(NamedTuple):
    """Day-indexed inputs of the kernels (index 0 is day 0; entries at 0 are unused).

    Attributes
    ----------
    growth
        ``1 + beta * (S_t/S_{t-1} - 1) + q_{t-1}/252``: the portfolio's gross return on day t.
    interest
        ``1 + r_{t-1}/252``: the margin account's gross interest from close t-1 to close t.
    settle_per_contract_usd
        ``-(multiplier * (Fsettle_t - Fhold_{t-1}))``: the day's settlement per short contract.
    notional_usd
        ``multiplier * Fhold_t``: value of one contract at the sizing price.
    is_roll
        Roll flags as ``uint8`` (0/1).
    inv_count
        ``1 / t``: weight of day t's return in the running (Welford) mean.
    """

    growth: Float64Array
    interest: Float64Array
    settle_per_contract_usd: Float64Array
    notional_usd: Float64Array
    is_roll: npt.NDArray[np.uint8]
    inv_count: Float64Array


class KernelScalars(NamedTuple):
    """Account terms in the form the kernels use them."""

    initial_value_usd: float
    cost_per_contract_usd: float
    initial_margin_usd: float
    maintenance_margin_usd: float
    sweep_level_usd: float


def prepare_days(market: MarketPath, account: AccountSpec) -> DayArrays:
    """Compute the policy-independent per-day arrays of ``market`` under ``account``."""
    n = market.n_days
    s = market.index_level
    fs = market.futures_price_settle
    fh = market.futures_price_hold
    mult = account.multiplier_usd
    growth = np.ones(n)
    growth[1:] = (
        1.0
        + account.beta * (s[1:] / s[:-1] - 1.0)
        + market.dividend_yield_annual[:-1] / TRADING_DAYS_PER_YEAR
    )
    interest = np.ones(n)
    interest[1:] = 1.0 + market.rate_annual[:-1] / TRADING_DAYS_PER_YEAR
    settle = np.zeros(n)
    settle[1:] = -(mult * (fs[1:] - fh[:-1]))
    notional = mult * fh
    inv_count = np.zeros(n)
    inv_count[1:] = 1.0 / np.arange(1, n, dtype=np.float64)
    return DayArrays(
        growth=growth,
        interest=interest,
        settle_per_contract_usd=settle,
        notional_usd=notional,
        is_roll=market.is_roll.astype(np.uint8),
        inv_count=inv_count,
    )


def prepare_scalars(account: AccountSpec) -> KernelScalars:
    """Return the account terms as the kernels use them (margin levels per contract)."""
    im = account.initial_margin_per_contract_usd
    return KernelScalars(
        initial_value_usd=account.initial_value_usd,
        cost_per_contract_usd=account.cost_per_contract_usd,
        initial_margin_usd=im,
        maintenance_margin_usd=account.maintenance_fraction * im,
        sweep_level_usd=account.sweep_multiple * im,
    )
