"""Accounting invariants of the ledger, checked on random synthetic paths with hypothesis."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hedgekit.engine import AccountSpec, MarketPath, RunLedger, simulate_batch, simulate_ledger
from hedgekit.engine._simulate import available_engines

MarketFactory = Callable[..., MarketPath]
AccountFactory = Callable[..., AccountSpec]

paths = st.fixed_dictionaries(
    {
        "seed": st.integers(0, 2**32 - 1),
        "n": st.integers(3, 120),
        "roll_every": st.integers(2, 50),
        "margin": st.sampled_from([0.0, 12_000.0, 30_000.0, 38_000.0]),
        "h": st.floats(0.0, 1.2),
        "b": st.one_of(st.just(0.0), st.floats(0.0, 0.5)),
    }
)


def skip_without_numba() -> None:
    """Skip where numba is not installed or is switched off by ``HEDGEKIT_DISABLE_NUMBA``."""
    if "numba" not in available_engines():
        pytest.skip("numba is not installed or is disabled by HEDGEKIT_DISABLE_NUMBA")


def _ledger(
    p: dict[str, float],
    market_factory: MarketFactory,
    account_factory: AccountFactory,
    **terms: float,
) -> tuple[MarketPath, AccountSpec, RunLedger]:
    rng = np.random.default_rng(int(p["seed"]))
    market = market_factory(rng, int(p["n"]), roll_every=int(p["roll_every"]), sigma_daily=0.025)
    account = account_factory(initial_margin_per_contract_usd=p["margin"], **terms)
    return market, account, simulate_ledger(market, p["h"], p["b"], account)


@pytest.mark.parametrize("engine", ["numpy", pytest.param("numba", marks=pytest.mark.slow)])
def test_zero_hedge_is_the_unhedged_portfolio(
    market_factory: MarketFactory,
    account_factory: AccountFactory,
    rng: np.random.Generator,
    engine: str,
) -> None:
    market = market_factory(rng, 250)
    account = account_factory()
    led = simulate_ledger(market, 0.0, 0.3, account)
    s, q = market.index_level, market.dividend_yield_annual
    growth = 1.0 + account.beta * (s[1:] / s[:-1] - 1.0) + q[:-1] / 252
    unhedged = np.cumprod(np.r_[account.initial_value_usd, growth])
    np.testing.assert_array_equal(led.total_value_usd, unhedged)  # exactly, not approximately
    assert led.trades.sum() == 0
    assert not led.margin_usd.any()
    if engine == "numba":
        skip_without_numba()
    res = simulate_batch(market, [0.0], [0.3], account, engine=engine)  # type: ignore[arg-type]
    assert res.final_value_usd[0] == unhedged[-1]
    assert res.n_trades[0] == 0
    assert res.trading_costs_usd[0] == 0.0


@given(p=paths)
def test_cash_is_conserved(
    p: dict[str, float], market_factory: MarketFactory, account_factory: AccountFactory
) -> None:
    """Final total = V0 + portfolio returns + futures settlements + interest - costs."""
    _, account, led = _ledger(p, market_factory, account_factory)
    flows = (
        led.portfolio_return_usd.sum()
        + led.settlement_usd.sum()
        + led.interest_usd.sum()
        - led.trading_cost_usd.sum()
    )
    assert abs(account.initial_value_usd + flows - led.total_value_usd[-1]) < 1e-6


@given(p=paths)
def test_futures_pnl_equals_trade_accounting(
    p: dict[str, float], market_factory: MarketFactory, account_factory: AccountFactory
) -> None:
    """Sum of daily settlements == P&L of the trades themselves, marked at the last price.

    Trade accounting (independent of the daily marks): a short sold at P and bought back at
    P' earns m * (P - P'); every change of position is a trade at that day's price of the
    contract traded; the open position is valued at the last hold price.
    """
    market, account, led = _ledger(p, market_factory, account_factory)
    m = account.multiplier_usd
    fs, fh = market.futures_price_settle, market.futures_price_hold
    n_held = led.contracts
    cash = n_held[0] * fh[0]  # day 0: sell N0 at the opening price
    for t in range(1, n_held.size):
        if market.is_roll[t]:
            cash -= n_held[t - 1] * fs[t]  # buy back the old contract at its own price
            cash += n_held[t] * fh[t]  # sell the new one
        else:
            cash += (n_held[t] - n_held[t - 1]) * fh[t]
    pnl = m * (cash - n_held[-1] * fh[-1])
    assert abs(pnl - led.settlement_usd.sum()) < 0.01  # to the cent


@given(p=paths)
def test_margin_account_within_bounds_after_the_check(
    p: dict[str, float], market_factory: MarketFactory, account_factory: AccountFactory
) -> None:
    _, account, led = _ledger(p, market_factory, account_factory)
    im = account.initial_margin_per_contract_usd
    n_held = led.contracts[1:].astype(float)
    bal = led.margin_usd[1:]
    assert (bal >= account.maintenance_fraction * im * n_held - 1e-9).all()
    assert (bal <= account.sweep_multiple * im * n_held + 1e-9).all()
    calls = led.margin_call[1:]
    np.testing.assert_array_equal(bal[calls], im * n_held[calls])  # a call restores initial


@given(p=paths)
def test_costs_trades_and_positions_are_consistent(
    p: dict[str, float], market_factory: MarketFactory, account_factory: AccountFactory
) -> None:
    market, account, led = _ledger(p, market_factory, account_factory)
    np.testing.assert_allclose(
        led.trading_cost_usd, led.contracts_traded * account.cost_per_contract_usd
    )
    moved = np.abs(np.diff(led.contracts))
    off_roll = ~market.is_roll[1:]
    # off roll days, contracts traded = change of position, one trade if any
    np.testing.assert_array_equal(led.contracts_traded[1:][off_roll], moved[off_roll])
    np.testing.assert_array_equal(led.trades[1:][off_roll], (moved[off_roll] > 0).astype(int))
    # on roll days both legs are traded
    on_roll = market.is_roll[1:]
    legs = led.contracts[:-1][on_roll] + led.contracts[1:][on_roll]
    np.testing.assert_array_equal(led.contracts_traded[1:][on_roll], legs)
    assert (led.contracts >= 0).all()


@given(p=paths)
def test_without_costs_and_margin_the_hedge_pnl_is_the_sum_of_marks(
    p: dict[str, float], market_factory: MarketFactory, account_factory: AccountFactory
) -> None:
    """No costs, no margin: total value = unhedged growth of V plus futures marks + interest."""
    _, account, led = _ledger(
        {**p, "margin": 0.0},
        market_factory,
        account_factory,
        commission_per_contract_usd=0.0,
        slippage_points=0.0,
    )
    assert led.trading_cost_usd.sum() == 0.0
    # with no margin requirement every day's settlement is swept straight to the portfolio
    # (or called from it), so the margin account is empty at every close
    assert not led.margin_usd.any()
    assert not led.interest_usd.any()
    expected = account.initial_value_usd + led.portfolio_return_usd.sum() + led.settlement_usd.sum()
    assert abs(expected - led.total_value_usd[-1]) < 1e-6
