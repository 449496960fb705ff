"""Daily margin ledger against Hull 11e Table 2.1 and invariants."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from hedgekit.errors import InputError
from hedgekit.margin import simulate_margin_account

# Hull, Options, Futures and Other Derivatives, 11th ed., Table 2.1 "Operation of margin
# account for a long position in two gold futures contracts": 100 oz per contract, initial
# margin $6,000 per contract ($12,000 total), maintenance $4,500 ($9,000 total); entered on
# day 1 at $1,450.00, closed out on day 16 at $1,426.90. Each row: settlement (close-out price
# on day 16), daily gain, cumulative gain, balance before any call, margin call.
# Every figure checks by hand: gain = 2 x 100 x dF; a call restores the account to $12,000.
HULL_TABLE_2_1 = [
    # price,     gain,    cumul.,  balance,  call
    (1_441.00, -1_800, -1_800, 10_200, 0),
    (1_438.30, -540, -2_340, 9_660, 0),
    (1_444.60, 1_260, -1_080, 10_920, 0),
    (1_441.30, -660, -1_740, 10_260, 0),
    (1_440.10, -240, -1_980, 10_020, 0),
    (1_436.20, -780, -2_760, 9_240, 0),
    (1_429.90, -1_260, -4_020, 7_980, 4_020),
    (1_430.80, 180, -3_840, 12_180, 0),
    (1_425.40, -1_080, -4_920, 11_100, 0),
    (1_428.10, 540, -4_380, 11_640, 0),
    (1_411.00, -3_420, -7_800, 8_220, 3_780),
    (1_411.00, 0, -7_800, 12_000, 0),
    (1_414.30, 660, -7_140, 12_660, 0),
    (1_416.10, 360, -6_780, 13_020, 0),
    (1_423.00, 1_380, -5_400, 14_400, 0),
    (1_426.90, 780, -4_620, 15_180, 0),
]


def _hull_path() -> np.ndarray:
    return np.array([1_450.0] + [row[0] for row in HULL_TABLE_2_1])


def test_reproduces_hull_table_2_1() -> None:
    path = simulate_margin_account(_hull_path(), 2, 100.0, 6_000.0, 4_500.0)
    expected = np.array(HULL_TABLE_2_1, dtype=float)
    np.testing.assert_allclose(path.settlement, expected[:, 0])
    np.testing.assert_allclose(path.daily_gain_usd, expected[:, 1], atol=1e-6)
    np.testing.assert_allclose(path.cumulative_gain_usd, expected[:, 2], atol=1e-6)
    np.testing.assert_allclose(path.balance_before_call_usd, expected[:, 3], atol=1e-6)
    np.testing.assert_allclose(path.margin_call_usd, expected[:, 4], atol=1e-6)
    assert path.initial_usd == 12_000
    assert path.maintenance_usd == 9_000
    assert path.n_calls == 2
    assert path.total_deposits_usd == pytest.approx(4_020 + 3_780)
    assert path.final_balance_usd == pytest.approx(15_180)
    # Hull: total gain -4,620 = balance 15,180 - 12,000 initial - 7,800 deposited
    assert path.final_balance_usd - 12_000 - path.total_deposits_usd == pytest.approx(-4_620)


def test_short_is_the_mirror_of_long() -> None:
    prices = _hull_path()
    mirrored = 2 * prices[0] - prices  # same moves, opposite sign
    long_ = simulate_margin_account(prices, 2, 100.0, 6_000.0, 4_500.0)
    short = simulate_margin_account(mirrored, -2, 100.0, 6_000.0, 4_500.0)
    np.testing.assert_allclose(short.daily_gain_usd, long_.daily_gain_usd, atol=1e-9)
    np.testing.assert_allclose(short.balance_usd, long_.balance_usd, atol=1e-9)
    np.testing.assert_allclose(short.margin_call_usd, long_.margin_call_usd, atol=1e-9)


def test_guide_two_es_short_rally_three_percent() -> None:
    # Seed guide: short 2 ES at 4,500, initial $24,000, maintenance $19,200; the index rallies
    # 3% to 4,635: loss 135 x 50 x 2 = 13,500, balance 10,500 < 19,200 -> deposit 13,500.
    p = simulate_margin_account(np.array([4_500.0, 4_635.0]), -2, 50.0, 12_000.0, 9_600.0)
    assert p.balance_before_call_usd[0] == pytest.approx(10_500)
    assert p.margin_call_usd[0] == pytest.approx(13_500)
    # The guide's "Mistake #2" says a +225 point rally (balance 24,000 - 22,500 = 1,500)
    # "barely avoided" a call: 1,500 is far below the 19,200 maintenance, so it is a call
    # for 22,500.
    p = simulate_margin_account(np.array([4_500.0, 4_725.0]), -2, 50.0, 12_000.0, 9_600.0)
    assert p.balance_before_call_usd[0] == pytest.approx(1_500)
    assert p.margin_call_usd[0] == pytest.approx(22_500)


def test_interest_and_starting_balance() -> None:
    # flat prices, 2 contracts, starting at 30,000, 5% simple over 2 periods of 1/2 year each
    p = simulate_margin_account(
        np.array([100.0, 100.0, 100.0]), 2, 10.0, 10_000.0, 8_000.0,
        starting_balance_usd=30_000, rate_annual=0.05, periods_per_year=2,
    )  # fmt: skip
    # 30,000 x 0.025 = 750; then 30,750 x 0.025 = 768.75
    np.testing.assert_allclose(p.interest_usd, [750.0, 768.75])
    assert p.final_balance_usd == pytest.approx(31_518.75)


def test_frame_and_dict() -> None:
    p = simulate_margin_account(_hull_path(), 2, 100.0, 6_000.0, 4_500.0)
    df = p.to_frame()
    assert list(df.index) == list(range(1, 17))
    assert df.loc[7, "margin_call_usd"] == pytest.approx(4_020)
    d = json.loads(json.dumps(p.to_dict()))
    assert d["n_calls"] == 2
    assert d["balance_usd"][-1] == pytest.approx(15_180)
    with pytest.raises(ValueError, match="read-only"):
        p.balance_usd[0] = 0.0


@pytest.mark.parametrize(
    ("kwargs", "source"),
    [
        ({"futures_prices": np.array([100.0, np.nan])}, "futures_prices"),
        ({"futures_prices": np.array([100.0, -1.0])}, "futures_prices"),
        ({"futures_prices": np.zeros((2, 2)) + 1}, "futures_prices"),
        ({"quantity": 1.5}, "quantity"),
        ({"maintenance_usd_per_contract": 7_000.0}, "maintenance_usd_per_contract"),
        ({"initial_usd_per_contract": 0.0}, "initial_usd_per_contract"),
        ({"starting_balance_usd": 5_000.0}, "starting_balance_usd"),
        ({"multiplier_usd": float("inf")}, "multiplier_usd"),
    ],
)
def test_bad_input(kwargs: dict[str, object], source: str) -> None:
    args: dict[str, object] = {
        "futures_prices": np.array([100.0, 101.0]),
        "quantity": 1,
        "multiplier_usd": 50.0,
        "initial_usd_per_contract": 6_000.0,
        "maintenance_usd_per_contract": 4_500.0,
    }
    args.update(kwargs)
    with pytest.raises(InputError) as err:
        simulate_margin_account(**args)  # type: ignore[arg-type]
    assert err.value.source == source


price_paths = hnp.arrays(
    np.float64, st.integers(1, 60), elements=st.floats(500.0, 2_000.0, allow_subnormal=False)
)


@given(price_paths, st.integers(-20, 20), st.floats(0.5, 1.0))
def test_ledger_identities(prices: np.ndarray, q: int, maint_share: float) -> None:
    p = simulate_margin_account(prices, q, 50.0, 10_000.0, 10_000.0 * maint_share)
    # the account never ends a day below maintenance
    assert np.all(p.balance_usd >= p.maintenance_usd - 1e-6)
    # cash identity: final = start + total gain + deposits
    total_gain = q * 50.0 * (prices[-1] - prices[0])
    assert p.final_balance_usd == pytest.approx(
        p.starting_balance_usd + total_gain + p.total_deposits_usd, abs=1e-6
    )
    # a call always brings the account back to exactly the initial margin
    called = p.margin_call_usd > 0
    np.testing.assert_allclose(p.balance_usd[called], p.initial_usd)
    assert np.all(p.balance_before_call_usd[called] < p.maintenance_usd)
