"""Inputs: roll schedules mapped onto sessions, fair-value pricing, validation errors."""

from __future__ import annotations

import numpy as np
import pytest

from hedgekit.engine import (
    AccountSpec,
    HeldContractSchedule,
    MarketPath,
    held_contract_schedule,
    simulate_batch,
)
from hedgekit.errors import InputError

# Two weeks of weekdays, 2024-03-04 (Mon) .. 2024-03-15 (Fri).
SESSIONS = np.array(
    [f"2024-03-{d:02d}" for d in (4, 5, 6, 7, 8, 11, 12, 13, 14, 15)], dtype="datetime64[D]"
)
EXPIRIES = np.array(["2024-03-08", "2024-03-15", "2024-03-22"], dtype="datetime64[D]")
ROLLS = np.array(["2024-03-06", "2024-03-13", "2024-03-20"], dtype="datetime64[D]")


def test_schedule_by_hand() -> None:
    sch = held_contract_schedule(SESSIONS, EXPIRIES, ROLLS)
    # contract 0 (exp 03-08) held on 03-04, 03-05; rolled on 03-06 into contract 1 (exp 03-15),
    # rolled on 03-13 into contract 2 (exp 03-22)
    np.testing.assert_array_equal(sch.is_roll, [0, 0, 1, 0, 0, 0, 0, 1, 0, 0])
    days_settle = [4, 3, 2, 8, 7, 4, 3, 2, 8, 7]  # calendar days to the settled contract's expiry
    days_hold = [4, 3, 9, 8, 7, 4, 3, 9, 8, 7]
    np.testing.assert_allclose(sch.tau_settle_years, np.array(days_settle) / 365)
    np.testing.assert_allclose(sch.tau_hold_years, np.array(days_hold) / 365)


def test_schedule_skips_contracts_rolled_before_the_path() -> None:
    sch = held_contract_schedule(SESSIONS[3:], EXPIRIES, ROLLS)  # starts 03-07, after 1st roll
    assert sch.tau_hold_years[0] == pytest.approx(8 / 365)  # contract 1, expiring 03-15
    assert not sch.is_roll[0]


@pytest.mark.parametrize(
    ("expiries", "rolls", "message"),
    [
        (EXPIRIES, np.array(["2024-03-06", "2024-03-09", "2024-03-20"]), "not a trading day"),
        (EXPIRIES[:2], ROLLS[:2], "ends before the path"),
        (EXPIRIES, ROLLS[::-1], "ascending"),
        (EXPIRIES, np.array(["2024-03-06", "2024-03-13", "2024-03-25"]), "after the contract"),
    ],
)
def test_schedule_errors(expiries: np.ndarray, rolls: np.ndarray, message: str) -> None:
    with pytest.raises(InputError, match=message) as err:
        held_contract_schedule(SESSIONS, expiries, rolls)
    assert err.value.source == "roll_dates"


def test_fair_value_hull_index_futures_example() -> None:
    # Hull, Options, Futures and Other Derivatives (11th ed.), ch. 5, stock index futures:
    # S0 = 1,300, r = 5%, q = 1%, T = 3 months -> F0 = 1,300 e^{0.04 x 0.25} = 1,313.07.
    sch = HeldContractSchedule(np.full(3, 0.25), np.full(3, 0.25), np.zeros(3, bool))
    mkt = MarketPath.from_fair_value(np.full(3, 1_300.0), np.full(3, 0.05), 0.01, sch)
    assert mkt.futures_price_hold[0] == pytest.approx(1_313.07, abs=0.005)
    np.testing.assert_array_equal(mkt.dividend_yield_annual, [0.01] * 3)


def _path(**kw: object) -> dict[str, object]:
    s = np.array([100.0, 101.0, 102.0, 103.0])
    base: dict[str, object] = {
        "index_level": s,
        "rate_annual": np.zeros(4),
        "dividend_yield_annual": np.zeros(4),
        "futures_price_settle": s,
        "futures_price_hold": s,
        "is_roll": np.zeros(4, bool),
    }
    base.update(kw)
    return base


@pytest.mark.parametrize(
    ("change", "source"),
    [
        ({"index_level": np.array([100.0, np.nan, 102.0, 103.0])}, "index_level"),
        ({"index_level": np.array([100.0, -1.0, 102.0, 103.0])}, "index_level"),
        ({"index_level": np.array([100.0, 101.0])}, "index_level"),
        ({"rate_annual": np.zeros(3)}, "rate_annual"),
        ({"is_roll": np.array([True, False, False, False])}, "is_roll"),
        ({"futures_price_hold": np.array([100.0, 101.0, 103.0, 103.0])}, "futures_price_hold"),
        ({"futures_price_settle": np.array([99.0, 101.0, 102.0, 103.0])}, "futures_price_settle"),
    ],
)
def test_market_path_rejects_bad_input(change: dict[str, object], source: str) -> None:
    with pytest.raises(InputError) as err:
        MarketPath(**_path(**change))  # type: ignore[arg-type]
    assert err.value.source == source


def test_account_terms() -> None:
    acc = AccountSpec(
        initial_value_usd=1e6,
        beta=1.0,
        multiplier_usd=50.0,
        commission_per_contract_usd=2.5,
        slippage_points=0.25,
        initial_margin_per_contract_usd=12_000.0,
        maintenance_fraction=0.8,
        sweep_multiple=1.5,
    )
    assert acc.cost_per_contract_usd == 15.0  # 2.50 + 0.25 x 50 (bench-spec pinned detail 6)
    assert acc.to_dict()["slippage_points"] == 0.25
    with pytest.raises(InputError) as err:
        AccountSpec(**{**acc.to_dict(), "maintenance_fraction": 1.2})  # type: ignore[arg-type]
    assert err.value.source == "maintenance_fraction"


@pytest.mark.parametrize(
    ("h", "b", "source"),
    [
        ([0.5, -0.1], [0.0, 0.0], "hedge_ratio"),
        ([0.5], [np.inf], "band"),
        ([0.5], [0.1, 0.2], "band"),
    ],
)
def test_run_parameters_validated(h: list[float], b: list[float], source: str) -> None:
    acc = AccountSpec(1e4, 1.0, 10.0, 0.0, 0.0, 100.0, 0.8, 1.5)
    with pytest.raises(InputError) as err:
        simulate_batch(MarketPath(**_path()), h, b, acc, engine="numpy")  # type: ignore[arg-type]
    assert err.value.source == source
