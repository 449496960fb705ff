"""Shared builders for the engine tests: small synthetic paths (never presented as real data)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from hedgekit.engine import AccountSpec, HeldContractSchedule, MarketPath

MarketFactory = Callable[..., MarketPath]


def random_market(
    rng: np.random.Generator,
    n: int,
    *,
    sigma_daily: float = 0.02,
    roll_every: int = 40,
    rate_annual: float | None = None,
    start_level: float = 1_000.0,
) -> MarketPath:
    """A random synthetic GBM-like path with quarterly-like rolls and fair-value futures.

    At the default level of 1,000 one contract is worth 50,000 USD, so initial margins of
    12,000-40,000 USD per contract span the bench-spec's range from 2024-like (4%) to
    1990-like (67%) and beyond, where margin calls come often.
    """
    s = start_level * np.exp(np.cumsum(rng.normal(0.0003, sigma_daily, n)))
    r = rng.uniform(0.0, 0.08, n) if rate_annual is None else np.full(n, rate_annual)
    q = rng.uniform(0.0, 0.03, n)
    # contract c expires (in trading days) at (c + 1) * roll_every + 5 and rolls 5 days earlier
    day = np.arange(n)
    held_after = day // roll_every  # contract held after day t's trades
    carried = np.r_[held_after[0], held_after[:-1]]
    is_roll = held_after != carried
    expiry_day = (np.arange(held_after.max() + 2) + 1) * roll_every + 5
    tau_hold = (expiry_day[held_after] - day) * (7 / 5) / 365.0
    tau_settle = (expiry_day[carried] - day) * (7 / 5) / 365.0
    schedule = HeldContractSchedule(tau_settle, tau_hold, is_roll)
    return MarketPath.from_fair_value(s, r, q, schedule)


def make_account(**overrides: float) -> AccountSpec:
    """The bench-spec account terms, with overrides."""
    terms: dict[str, float] = {
        "initial_value_usd": 1_000_000.0,
        "beta": 1.0,
        "multiplier_usd": 50.0,
        "commission_per_contract_usd": 2.5,
        "slippage_points": 0.25,
        "initial_margin_per_contract_usd": 12_000.0,
        "maintenance_fraction": 0.8,
        "sweep_multiple": 1.5,
    }
    terms.update(overrides)
    return AccountSpec(**terms)


@pytest.fixture(scope="session")
def market_factory() -> MarketFactory:
    return random_market


@pytest.fixture(scope="session")
def account_factory() -> Callable[..., AccountSpec]:
    return make_account
