"""The general (policy) day worked by hand, and the margin ledger against Hull 11e Table 2.1.

Synthetic six-day path (not market data). Terms chosen for short arithmetic:
V0 = 10,000 USD stocks, C0 = 1,000 USD cash, beta 1, multiplier 10 USD/point, commission 1 +
slippage 5 = 6 USD per contract per side, initial margin 10% of notional (m F), maintenance
80% of initial, buffer 1.5x initial on opening, sweep above 2x initial, calls and sweeps
through cash, r = 25.2% so cash and margin earn exactly 0.1% a day, nearest-contract rounding,
band 0 (trade whenever the whole-contract target changes). Targets h = 1, 1, 1, 0.5, 0.5, 0.

day  g      F settle  F hold   h
0    -      100       100      1
1    1.02   102       102      1
2    0.95   90        90       1
3    1.05   95        96       0.5   roll: old settles at 95, new opened at 96
4    0.98   110       110      0.5
5    1.00   108       108      0
"""

from __future__ import annotations

import numpy as np
import pytest

from hedgekit.engine import HedgeTerms, PathSet, simulate_hedge_ledger, simulate_paths
from hedgekit.margin import simulate_margin_account

GROWTH = [1.0, 1.02, 0.95, 1.05, 0.98, 1.00]
F_SETTLE = [100.0, 102.0, 90.0, 95.0, 110.0, 108.0]
F_HOLD = [100.0, 102.0, 90.0, 96.0, 110.0, 108.0]
ROLL = [False, False, False, True, False, False]
TARGETS = np.array([1.0, 1.0, 1.0, 0.5, 0.5, 0.0])

TERMS = HedgeTerms(
    initial_value_usd=10_000.0,
    initial_cash_usd=1_000.0,
    beta=1.0,
    multiplier_usd=10.0,
    commission_per_contract_usd=1.0,
    slippage_per_contract_usd=5.0,
    initial_margin_fraction=0.10,
    maintenance_fraction=0.8,
    buffer_multiple=1.5,
    sweep_multiple=2.0,
    call_source="cash",
    deposit_on_increase=True,
    rounding="nearest",
    rule="band",
    # Day 2 rounds 10.77 up to 11, net short 2.2% of the beta exposure: the largest tolerance
    # (10%) keeps this ledger on plain nearest rounding; the guard is tested on its own.
    net_short_tolerance=0.10,
)
PATHS = PathSet(GROWTH, np.full(6, 0.252), F_SETTLE, F_HOLD, ROLL)

# Day 0: x = 10,000/(10 x 100) = 10 -> N = -10. IM = 0.1 x 10 x 100 = 100/contract; deposit
#        1.5 x 100 x 10 = 1,500 from cash (C = -500); costs 10 x 6 = 60: M = 1,440.
# Day 1: S = 10,200; C = -500 x 1.001 = -500.5; M = 1,440 x 1.001 - 10 x 10 x 2 = 1,241.44.
#        x = 10,200/1,020 = 10: hold. IM = 102: maintenance 816 <= M <= sweep cap 2,040.
# Day 2: S = 9,690; C = -501.0005; M = 1,241.44 x 1.001 + 10 x 10 x 12 = 2,442.68144.
#        x = 9,690/900 = 10.77 -> 11: sell 1 (cost 6): M = 2,436.68144. |N| grew: funded level
#        1.5 x 90 x 11 = 1,485 <= M, no deposit. Cap 2 x 90 x 11 = 1,980: sweep 456.68144 to
#        cash: C = -44.31906, M = 1,980.
# Day 3: roll. S = 10,174.5; C = -44.36337906; M = 1,980 x 1.001 - 11 x 10 x 5 = 1,431.98.
#        h = 0.5: x = 0.5 x 10,174.5/960 = 5.2992 -> 5. Buy 11 old, sell 5 new: 16 x 6 = 96:
#        M = 1,335.98; cap 2 x 96 x 5 = 960: sweep 375.98: C = 331.61662094, M = 960.
# Day 4: S = 9,971.01; C = 331.94823756094; M = 960 x 1.001 - 5 x 10 x 14 = 260.96.
#        x = 0.5 x 9,971.01/1,100 = 4.53 -> 5: hold. Maintenance 0.8 x 110 x 5 = 440 > M:
#        call 110 x 5 - 260.96 = 289.04 from cash: C = 42.90823756094, M = 550.
# Day 5: S = 9,971.01; C = 42.95114579850094; M = 550.55 + 5 x 10 x 2 = 650.55. h = 0: close
#        5 (cost 30): M = 620.55, swept to cash: C = 663.50114579850094, M = 0.
EXPECTED = {
    "stocks_usd": [8_500.0 + 1_500.0, 10_200.0, 9_690.0, 10_174.5, 9_971.01, 9_971.01],
    "cash_usd": [-500.0, -500.5, -44.31906, 331.61662094, 42.90823756094, 663.50114579850094],
    "margin_account_usd": [1_440.0, 1_241.44, 1_980.0, 960.0, 550.0, 0.0],
    "contracts": [-10.0, -10.0, -11.0, -5.0, -5.0, 0.0],
    "traded_contracts": [10.0, 0.0, 1.0, 16.0, 0.0, 5.0],
    "trades": [1.0, 0.0, 1.0, 2.0, 0.0, 1.0],
    "fees_usd": [10.0, 0.0, 1.0, 16.0, 0.0, 5.0],
    "slippage_usd": [50.0, 0.0, 5.0, 80.0, 0.0, 25.0],
    "settlement_usd": [0.0, -200.0, 1_200.0, -550.0, -700.0, 100.0],
    "deposit_usd": [1_500.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    "margin_call_usd": [0.0, 0.0, 0.0, 0.0, 289.04, 0.0],
    "sweep_usd": [0.0, 0.0, 456.68144, 375.98, 0.0, 620.55],
    "initial_margin_usd": [1_000.0, 1_020.0, 990.0, 480.0, 550.0, 0.0],
}


@pytest.mark.parametrize("engine", ["python", "interpreted", "numpy"])
def test_hand_ledger(engine: str) -> None:
    out = simulate_paths(PATHS, TARGETS, TERMS, full=True, engine=engine)  # type: ignore[arg-type]
    ledger = out.ledger(0)
    for name, values in EXPECTED.items():
        np.testing.assert_allclose(getattr(ledger, name), values, rtol=0, atol=1e-8, err_msg=name)
    total = np.array(EXPECTED["stocks_usd"]) + EXPECTED["cash_usd"] + EXPECTED["margin_account_usd"]
    np.testing.assert_allclose(ledger.total_value_usd, total, atol=1e-8)
    assert ledger.rebalanced.tolist() == [False, False, True, False, False, True]
    c = out.counters
    assert c["n_trades"][0] == 5
    assert c["n_rolls"][0] == 1
    assert c["n_margin_calls"][0] == 1
    assert c["largest_margin_call_usd"][0] == pytest.approx(289.04)
    assert c["roll_fees_usd"][0] + c["roll_slippage_usd"][0] == pytest.approx(96.0)
    # nothing created or lost: final value = start + stock P&L + interest + marks - costs
    pnl = ledger.stock_return_usd.sum() + ledger.interest_usd.sum() + ledger.settlement_usd.sum()
    costs = ledger.fees_usd.sum() + ledger.slippage_usd.sum()
    assert ledger.total_value_usd[-1] == pytest.approx(11_000.0 + pnl - costs, abs=1e-9)
    assert costs == pytest.approx(60 + 6 + 96 + 30)


def test_stock_source_moves_money_through_stocks() -> None:
    # Same path, calls and sweeps through stock: day 0 the 1,500 deposit is sold from stock.
    terms = HedgeTerms(**{**TERMS.to_dict(), "call_source": "stock"})
    ledger = simulate_hedge_ledger(PATHS, TARGETS, terms)
    assert ledger.stocks_usd[0] == pytest.approx(8_500.0)
    assert ledger.cash_usd[0] == pytest.approx(1_000.0)
    # Day 1: cash only earns interest; stock earns its 2%.
    assert ledger.cash_usd[1] == pytest.approx(1_001.0)
    assert ledger.stocks_usd[1] == pytest.approx(8_670.0)


# Hull, Options, Futures and Other Derivatives, 11th ed., Table 2.1: long 2 gold futures
# (100 oz), initial margin 6,000 and maintenance 4,500 per contract, entered at 1,450.00.
# Rows: settlement, daily gain, balance before the call, margin call (see tests/margin).
HULL_TABLE_2_1 = [
    (1_441.00, -1_800, 10_200, 0),
    (1_438.30, -540, 9_660, 0),
    (1_444.60, 1_260, 10_920, 0),
    (1_441.30, -660, 10_260, 0),
    (1_440.10, -240, 10_020, 0),
    (1_436.20, -780, 9_240, 0),
    (1_429.90, -1_260, 7_980, 4_020),
    (1_430.80, 180, 12_180, 0),
    (1_425.40, -1_080, 11_100, 0),
    (1_428.10, 540, 11_640, 0),
    (1_411.00, -3_420, 8_220, 3_780),
    (1_411.00, 0, 12_000, 0),
    (1_414.30, 660, 12_660, 0),
    (1_416.10, 360, 13_020, 0),
    (1_423.00, 1_380, 14_400, 0),
    (1_426.90, 780, 15_180, 0),
]


@pytest.mark.parametrize("engine", ["python", "interpreted", "numpy"])
def test_margin_ledger_reproduces_hull_table_2_1(engine: str) -> None:
    prices = np.array([1_450.0] + [row[0] for row in HULL_TABLE_2_1])
    n = prices.size
    paths = PathSet(np.ones(n), np.zeros(n), prices, prices, np.zeros(n, bool))
    # target -1 on V0 = 290,000 = 2 x 100 x 1,450 gives N = +2 (long), as in Hull's table;
    # no costs, no rebalancing, calls from cash, nothing swept (Hull leaves the excess).
    terms = HedgeTerms(
        initial_value_usd=290_000.0,
        multiplier_usd=100.0,
        initial_margin_per_contract_usd=6_000.0,
        maintenance_fraction=4_500.0 / 6_000.0,
        sweep_multiple=1e9,
        call_source="cash",
        rounding="nearest",
        rule="never",
    )
    out = simulate_paths(paths, np.full(n, -1.0), terms, full=True, engine=engine)  # type: ignore[arg-type]
    ledger = out.ledger(0)
    table = np.array(HULL_TABLE_2_1, dtype=float)
    assert set(ledger.contracts.tolist()) == {2.0}
    assert ledger.margin_account_usd[0] == 12_000.0
    np.testing.assert_allclose(ledger.settlement_usd[1:], table[:, 1], atol=1e-6)
    np.testing.assert_allclose(ledger.balance_before_call_usd[1:], table[:, 2], atol=1e-6)
    np.testing.assert_allclose(ledger.margin_call_usd[1:], table[:, 3], atol=1e-6)
    assert ledger.margin_account_usd[-1] == pytest.approx(15_180.0)
    # and the margin module's own ledger on the same path agrees line by line
    ref = simulate_margin_account(prices, 2, 100.0, 6_000.0, 4_500.0)
    np.testing.assert_allclose(ledger.margin_account_usd[1:], ref.balance_usd, atol=1e-9)
    np.testing.assert_allclose(ledger.margin_call_usd[1:], ref.margin_call_usd, atol=1e-9)
    assert out.counters["n_margin_calls"][0] == ref.n_calls == 2
