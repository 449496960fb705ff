"""Margin requirements and buffers: hand arithmetic from the seed guide's ES examples."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hedgekit.contracts import ContractSpec, MarginRate, get_contract
from hedgekit.errors import InputError, UnknownContractError
from hedgekit.margin import margin_requirements, simulate_margin_account
from hedgekit.sizing import Leg, size_hedge

# A user contract with the guide's round ES figures: initial $12,000, maintenance $9,600
# (80% of initial, the guide's "~80% of initial").
ES_GUIDE = ContractSpec(
    root="ES", name="E-mini S&P 500 (guide margins)", index="SPX", multiplier_usd=50.0,
    tick_size_points=0.25,
    margins=(
        MarginRate(dt.date(2023, 1, 1), 12_000.0, 9_600.0, "seed guide round figures"),
        MarginRate(dt.date(2024, 1, 1), 13_000.0, 10_400.0, "later test figure"),
    ),
)  # fmt: skip
MES_GUIDE = ContractSpec(
    root="MES", name="Micro (guide margins)", index="SPX", multiplier_usd=5.0,
    tick_size_points=0.25, full_size_root="ES",
    margins=(MarginRate(dt.date(2023, 1, 1), 1_200.0, 960.0, "1/10 of ES"),),
)  # fmt: skip
REG = {"ES": ES_GUIDE, "MES": MES_GUIDE}


def test_two_es_short_guide_example() -> None:
    # Guide: short 2 ES at 4,500: initial 24,000, maintenance 19,200; notional 450,000.
    legs = [Leg.of("ES", -2, 50.0, 4_500.0)]
    m = margin_requirements(legs, "2023-06-30", 500_000, registry=REG)
    assert m.initial_usd == 24_000
    assert m.maintenance_usd == 19_200
    assert m.initial_pct_of_portfolio == pytest.approx(0.048)
    assert m.leverage == pytest.approx(450_000 / 24_000)
    # Guide: "Safe Margin = Initial Margin x 1.5 = $36,000"; 2x = 48,000
    assert m.recommended_buffer_usd == 36_000
    assert m.conservative_buffer_usd == 48_000
    # With 1.0x initial cash the call comes after a rise of (24,000 - 19,200) / 450,000 = 1.067%
    by_k = {row.multiple: row for row in m.buffer_table}
    assert by_k[1.0].adverse_move_to_call == pytest.approx(4_800 / 450_000)
    assert by_k[1.0].adverse_direction == "rise"
    # 1.5x: (36,000 - 19,200) / 450,000 = 3.733%; 2x: (48,000 - 19,200) / 450,000 = 6.4%
    assert by_k[1.5].adverse_move_to_call == pytest.approx(16_800 / 450_000)
    assert by_k[2.0].adverse_move_to_call == pytest.approx(28_800 / 450_000)
    assert m.buffer.multiple == 1.5
    # at the trigger the account is at maintenance; the call restores initial: 4,800
    assert by_k[1.0].deposit_at_call_usd == pytest.approx(4_800)
    # Guide: the 3% rally with 24,000 posted leaves 10,500 -> deposit 13,500
    assert m.deposit_after_move(0.03, cash_usd=24_000) == pytest.approx(13_500)
    assert m.deposit_after_move(0.03) == pytest.approx(0.0)  # 36,000 - 13,500 = 22,500 > 19,200
    assert m.deposit_after_move(-0.10) == 0.0  # a fall helps a short


def test_trigger_move_agrees_with_the_ledger() -> None:
    # Move the futures just past the computed trigger in one day: the ledger must call;
    # just short of it: no call.
    legs = [Leg.of("ES", -3, 50.0, 4_000.0)]
    m = margin_requirements(legs, "2023-06-30", 1_000_000, registry=REG)
    x = m.buffer.adverse_move_to_call
    assert x is not None
    for eps, calls in ((1e-6, 1), (-1e-6, 0)):
        path = simulate_margin_account(
            np.array([4_000.0, 4_000.0 * (1 + x + eps)]), -3, 50.0, 12_000.0, 9_600.0,
            starting_balance_usd=m.buffer.cash_usd,
        )  # fmt: skip
        assert path.n_calls == calls


def test_long_position_falls_to_call_and_dated_rates() -> None:
    legs = [Leg.of("ES", 2, 50.0, 5_000.0)]
    m = margin_requirements(legs, dt.date(2024, 3, 1), 1_000_000, registry=REG)
    assert m.lines[0].initial_per_contract_usd == 13_000  # the 2024 rate
    assert m.lines[0].rate_effective == dt.date(2024, 1, 1)
    assert m.buffer.adverse_direction == "fall"
    assert m.deposit_after_move(-0.05) > 0


def test_from_sizing_with_builtin_registry() -> None:
    es, mes = get_contract("ES"), get_contract("MES")
    s = size_hedge(1_000_000, 0.95, 4_500, es, 1.0, micro=mes)  # 4 ES + 2 MES
    m = margin_requirements(s, "2024-06-03", 1_000_000)
    rate_es = es.margin_on("2024-06-03")
    rate_mes = mes.margin_on("2024-06-03")
    assert m.initial_usd == pytest.approx(4 * rate_es.initial_usd + 2 * rate_mes.initial_usd)
    assert m.maintenance_usd == pytest.approx(
        4 * rate_es.maintenance_usd + 2 * rate_mes.maintenance_usd
    )
    assert m.notional_usd == pytest.approx(945_000)
    assert m.exposure_usd == pytest.approx(-945_000)
    d = json.loads(json.dumps(m.to_dict()))
    assert d["initial_usd"] == pytest.approx(m.initial_usd)
    assert [line["root"] for line in d["lines"]] == ["ES", "MES"]


def test_no_contracts_needs_no_margin() -> None:
    m = margin_requirements([Leg.of("ES", 0, 50.0, 4_500.0)], "2023-06-30", 100_000, registry=REG)
    assert m.initial_usd == 0
    assert m.leverage is None
    assert m.buffer.adverse_move_to_call is None


@pytest.mark.parametrize(
    ("legs", "as_of", "kwargs", "source"),
    [
        ([Leg.of("ZZ", -1, 50.0, 1.0)], "2023-06-30", {}, "registry"),
        ([Leg.of("ES", -1, 250.0, 1.0)], "2023-06-30", {}, "legs"),
        ([Leg.of("ES", -1, 50.0, 1.0)], "2020-01-01", {}, "date"),
        ([], "2023-06-30", {"portfolio_value_usd": 0.0}, "portfolio_value_usd"),
        ([], "2023-06-30", {"buffer_multiple": 0.5}, "buffer_multiple"),
        ([], "2023-06-30", {"buffer_multiples": (1.0, 0.9)}, "buffer_multiples"),
        ([], "30/06/2023", {}, "as_of"),
    ],
)
def test_bad_input(legs: list[Leg], as_of: str, kwargs: dict[str, object], source: str) -> None:
    args: dict[str, object] = {"portfolio_value_usd": 1.0, "registry": REG}
    args.update(kwargs)
    with pytest.raises(InputError) as err:
        margin_requirements(legs, as_of, **args)  # type: ignore[arg-type]
    assert err.value.source == source


def test_unknown_root_in_default_registry() -> None:
    with pytest.raises(UnknownContractError):
        margin_requirements([Leg.of("ZZZ", -1, 50.0, 4_000.0)], "2024-06-03", 1.0)


@given(st.integers(-50, 50), st.integers(0, 50), st.floats(1_000, 8_000), st.floats(1.0, 3.0))
def test_buffer_invariants(n_es: int, n_mes: int, price: float, k: float) -> None:
    legs = [Leg.of("ES", n_es, 50.0, price), Leg.of("MES", -n_mes, 5.0, price)]
    m = margin_requirements(legs, "2023-06-30", 1_000_000, registry=REG, buffer_multiple=k)
    assert m.initial_usd == pytest.approx(abs(n_es) * 12_000 + n_mes * 1_200)
    assert m.maintenance_usd <= m.initial_usd
    x = m.buffer.adverse_move_to_call
    if m.exposure_usd == 0:
        assert x is None
        return
    assert x is not None
    assert x >= 0
    # more cash, further to a call
    rows = m.buffer_table
    moves = [r.adverse_move_to_call for r in rows]
    assert moves == sorted(moves)  # type: ignore[type-var]
    # just beyond the trigger move there is a call; just before it there is none
    sign = 1.0 if m.buffer.adverse_direction == "rise" else -1.0
    if x < 0.9:  # (for a long position a fall of 100% or more is not a price move)
        assert m.deposit_after_move(sign * (x + 1e-6)) > 0
        assert m.deposit_after_move(sign * max(x - 1e-6, 0.0)) == 0 or x < 1e-6
