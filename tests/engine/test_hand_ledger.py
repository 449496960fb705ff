"""A seven-day ledger worked out by hand: day 0, a band hold, a call, a rebalance, a roll, sweeps.

Terms (chosen so the arithmetic is short): V0 = 10,000 USD, beta 1, q = 0, r = 25.2% so the
margin account earns exactly 0.1% a day (r/252 = 0.001); multiplier 10 USD/point; cost per
contract 1.00 commission + 0.5 points x 10 = 6 USD; initial margin 100 USD/contract, so a call
below 80 * N and a sweep above 150 * N; h = 1, b = 0.2.

Prices are given directly (not fair values) so every step can be followed:

day  S      F settle  F hold   event
0    100    100       100      open contract A
1    102    102       102
2    96.9   96.9      96.9
3    97     97.5      98.5     roll: A settles at 97.5 and is closed, B opened at 98.5
4    90     91.4      91.4
5    100    101.6     101.6
6    101    102.6     102.6
"""

from __future__ import annotations

import numpy as np
import pytest

from hedgekit.engine import AccountSpec, MarketPath, simulate_batch, simulate_ledger
from hedgekit.engine._simulate import available_engines

S = [100.0, 102.0, 96.9, 97.0, 90.0, 100.0, 101.0]
F_SETTLE = [100.0, 102.0, 96.9, 97.5, 91.4, 101.6, 102.6]
F_HOLD = [100.0, 102.0, 96.9, 98.5, 91.4, 101.6, 102.6]
ROLL = [False, False, False, True, False, False, False]

# Day 0: N0 = floor(1 * 10,000 / (10 * 100)) = 10; 10 * 100 = 1,000 moves to the margin account,
#        the opening costs 10 * 6 = 60 from it: V = 9,000, M = 940, W = 9,940.
# Day 1: V = 9,000 * 102/100 = 9,180; M = 940 * 1.001 - 10 * 10 * (102 - 100) = 740.94.
#        N* = floor(9,180 / 1,020) = 9; |10 - 9| = 1 < max(1, 0.2 * 9 = 1.8): hold 10.
#        740.94 < 80 * 10 = 800: call, top up to 1,000 from the portfolio (259.06):
#        V = 8,920.94, M = 1,000.
# Day 2: V = 8,920.94 * 0.95 = 8,474.893; M = 1,000 * 1.001 + 10 * 10 * (102 - 96.9) = 1,511.
#        N* = floor(8,474.893 / 969) = floor(8.746) = 8; |10 - 8| = 2 >= max(1, 1.6): sell back
#        2 (cost 12): M = 1,499 > 150 * 8 = 1,200: sweep 299 -> V = 8,773.893, M = 1,200.
# Day 3 (roll): V = 8,773.893 * 97/96.9; M = 1,200 * 1.001 - 8 * 10 * (97.5 - 96.9) = 1,153.2.
#        N* on B = floor(V / 985) = floor(8.917) = 8: buy 8 A, sell 8 B: 16 contracts, 2 trades,
#        cost 96: M = 1,057.2, inside [640, 1,200].
# Day 4: V = V3 * 90/97; M = 1,057.2 * 1.001 + 8 * 10 * (98.5 - 91.4) = 1,626.2572.
#        N* = floor(V / 914) = floor(8.916) = 8: no trade. Sweep 426.2572: M = 1,200.
# Day 5: V = V4' * 100/90; M = 1,200 * 1.001 - 8 * 10 * (101.6 - 91.4) = 385.2.
#        N* = floor(V / 1,016) = floor(9.378) = 9; |8 - 9| = 1 < max(1, 1.8): hold 8.
#        385.2 < 640: call, top up 414.8: M = 800.
# Day 6: V = V5' * 1.01; M = 800 * 1.001 - 8 * 10 * (102.6 - 101.6) = 720.8; N* = 8: hold.
V3 = 8_773.893 * 97 / 96.9
V4 = V3 * 90 / 97 + 426.2572
V5 = V4 * 100 / 90 - 414.8
V6 = V5 * 1.01
EXPECTED_V = [9_000.0, 8_920.94, 8_773.893, V3, V4, V5, V6]
EXPECTED_M = [940.0, 1_000.0, 1_200.0, 1_057.2, 1_200.0, 800.0, 720.8]
EXPECTED_N = [10, 10, 8, 8, 8, 8, 8]
EXPECTED_TRADED = [10, 0, 2, 16, 0, 0, 0]
EXPECTED_TRADES = [1, 0, 1, 2, 0, 0, 0]
EXPECTED_CALL = [False, True, False, False, False, True, False]
EXPECTED_TRANSFER = [1_000.0, 259.06, -299.0, 0.0, -426.2572, 414.8, 0.0]


def skip_without_numba() -> None:
    """Skip where numba is not installed or is switched off by ``HEDGEKIT_DISABLE_NUMBA``."""
    if "numba" not in available_engines():
        pytest.skip("numba is not installed or is disabled by HEDGEKIT_DISABLE_NUMBA")


@pytest.fixture
def market() -> MarketPath:
    n = len(S)
    return MarketPath(
        index_level=np.array(S),
        rate_annual=np.full(n, 0.252),
        dividend_yield_annual=np.zeros(n),
        futures_price_settle=np.array(F_SETTLE),
        futures_price_hold=np.array(F_HOLD),
        is_roll=np.array(ROLL),
    )


@pytest.fixture
def account() -> AccountSpec:
    return AccountSpec(
        initial_value_usd=10_000.0,
        beta=1.0,
        multiplier_usd=10.0,
        commission_per_contract_usd=1.0,
        slippage_points=0.5,
        initial_margin_per_contract_usd=100.0,
        maintenance_fraction=0.8,
        sweep_multiple=1.5,
    )


def test_ledger_day_by_day(market: MarketPath, account: AccountSpec) -> None:
    led = simulate_ledger(market, 1.0, 0.2, account)
    np.testing.assert_allclose(led.portfolio_usd, EXPECTED_V, rtol=1e-12)
    np.testing.assert_allclose(led.margin_usd, EXPECTED_M, rtol=1e-12)
    np.testing.assert_array_equal(led.contracts, EXPECTED_N)
    np.testing.assert_array_equal(led.contracts_traded, EXPECTED_TRADED)
    np.testing.assert_array_equal(led.trades, EXPECTED_TRADES)
    np.testing.assert_array_equal(led.margin_call, EXPECTED_CALL)
    np.testing.assert_allclose(led.margin_transfer_usd, EXPECTED_TRANSFER, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(led.trading_cost_usd, np.array(EXPECTED_TRADED) * 6.0)
    # day 3 settles the old contract at its own price: -8 * 10 * (97.5 - 96.9) = -48
    assert led.settlement_usd[3] == pytest.approx(-48.0, rel=1e-12)
    assert led.interest_usd[1] == pytest.approx(0.94, rel=1e-12)


def test_ledger_summary(market: MarketPath, account: AccountSpec) -> None:
    summary = simulate_ledger(market, 1.0, 0.2, account).summary()
    w = np.array(EXPECTED_V) + np.array(EXPECTED_M)
    assert summary["final_value_usd"] == pytest.approx(V6 + 720.8, rel=1e-12)
    assert summary["trading_costs_usd"] == pytest.approx(60 + 12 + 96)
    assert summary["n_trades"] == 4
    assert summary["n_margin_calls"] == 2
    # peak 9,973.893 on day 2, trough on day 4
    assert summary["max_drawdown"] == pytest.approx(1 - w[4] / (8_773.893 + 1_200), rel=1e-12)
    years = 6 / 252
    assert summary["cagr"] == pytest.approx((w[-1] / 10_000) ** (1 / years) - 1, rel=1e-10)
    hedged = w[1:] / w[:-1] - 1
    assert summary["volatility_annual"] == pytest.approx(
        np.std(hedged, ddof=1) * np.sqrt(252), rel=1e-12
    )
    unhedged = np.diff(S) / np.array(S[:-1])
    assert summary["hedge_effectiveness"] == pytest.approx(
        1 - np.var(hedged, ddof=1) / np.var(unhedged, ddof=1), rel=1e-10
    )


@pytest.mark.parametrize("engine", ["numpy", pytest.param("numba", marks=pytest.mark.slow)])
def test_batched_kernels_reproduce_the_hand_ledger(
    market: MarketPath, account: AccountSpec, engine: str
) -> None:
    if engine == "numba":
        skip_without_numba()
    summary = simulate_ledger(market, 1.0, 0.2, account).summary()
    res = simulate_batch(market, [1.0, 0.0], [0.2, 0.0], account, engine=engine)  # type: ignore[arg-type]
    row = res.run(0)
    for key, value in summary.items():
        assert row[key] == pytest.approx(value, rel=1e-12, abs=1e-15), key
    # h = 0: nothing traded, the margin account stays empty, the value is the portfolio's
    assert res.n_trades[1] == 0
    assert res.final_value_usd[1] == pytest.approx(10_000 * 101 / 100, rel=1e-12)
