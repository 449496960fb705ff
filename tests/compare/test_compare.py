"""Alternatives side by side and the historical value of hedging."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hedgekit import datasets
from hedgekit.compare import compare_alternatives, cost_basis_total, fall_probability, horizon_moves
from hedgekit.costs import plan_costs
from hedgekit.errors import InputError
from hedgekit.plan import PlanRequest, make_plan
from hedgekit.protection import option_contract


@pytest.fixture(scope="module")
def plan():  # type: ignore[no-untyped-def]
    return make_plan(
        PlanRequest(value_usd=1_000_000.0, beta=1.0, contract="ES", as_of=dt.date(2024, 1, 12))
    )


@pytest.fixture(scope="module")
def spx() -> pd.Series:
    return datasets.load_sp500()["close"]


# --------------------------------------------------------------------------- history


def _series(values: list[float]) -> pd.Series:
    return pd.Series(values, index=pd.date_range("2020-01-01", periods=len(values), freq="D"))


def test_fall_probability_by_hand() -> None:
    closes = _series([100.0, 89.0, 95.0, 80.0, 100.0, 85.0])
    # 1-session returns: -11 %, +6.7 %, -15.8 %, +25 %, -15 % -> 3 of 5 at or below -10 %.
    f = fall_probability(closes, 1, 0.10)
    assert (f.n_windows, f.n_falls, f.probability) == (5, 3, pytest.approx(0.6))
    # 2-session windows back to back: 100 -> 95 -> 100: -5 %, +5.3 %: none.
    assert (f.n_windows_non_overlapping, f.n_falls_non_overlapping) == (5, 3)
    g = fall_probability(closes, 2, 0.10)
    # Overlapping 2-session: 95/100, 80/89, 100/95, 85/80 -> only 80/89 = -10.1 %.
    assert (g.n_windows, g.n_falls) == (4, 1)
    assert (g.n_windows_non_overlapping, g.n_falls_non_overlapping) == (2, 0)
    assert "overlapping 2-session" in g.method


def test_fall_probability_sample_on_the_sp500(spx: pd.Series) -> None:
    f = fall_probability(spx, 62, 0.10, start=dt.date(1950, 1, 3), end=dt.date(2024, 1, 12))
    n = len(spx.loc["1950-01-03":"2024-01-12"])
    assert f.start == dt.date(1950, 1, 3)
    assert f.n_windows == n - 62
    assert f.n_windows_non_overlapping == (n - 1) // 62
    moves = spx.loc["1950-01-03":"2024-01-12"].to_numpy()
    manual = np.mean(moves[62:] / moves[:-62] - 1.0 <= -0.10)
    assert f.probability == pytest.approx(manual)
    # A fall of 10 % within a quarter is a tail event, but not a rare one (~5 %).
    assert 0.02 < f.probability < 0.10


def test_history_errors() -> None:
    with pytest.raises(InputError):
        fall_probability(_series([100.0, np.nan, 90.0]), 1, 0.1)
    with pytest.raises(InputError):
        fall_probability(_series([100.0, 90.0]), 5, 0.1)
    with pytest.raises(InputError):
        fall_probability(_series([100.0, 90.0, 80.0]), 1, 1.5)
    with pytest.raises(InputError):
        horizon_moves(_series([100.0, 90.0, 80.0]), 0)


# --------------------------------------------------------------------------- comparison


def test_alternatives_against_the_plan_and_the_cost_projection(plan, spx) -> None:  # type: ignore[no-untyped-def]
    cmp = compare_alternatives(plan, spx, tax_rate=0.2, cost_basis_usd=600_000.0)
    names = [a.name for a in cmp.alternatives]
    assert names == ["unhedged", "futures", "puts", "collar", "sell"]
    un = cmp.alternative("unhedged")
    assert un.expected_cost_usd == 0.0
    assert un.value is None
    assert un.downside_floor_usd is None
    # The unhedged column is the plan's own scenario table (same stock model).
    table = plan.scenarios.table("unhedged")
    assert list(un.scenario_pnl_usd) == pytest.approx([r.portfolio_pnl_usd for r in table.rows])
    # The futures' expected cost is the cost projection over the same horizon.
    fut = cmp.alternative("futures")
    assert fut.expected_cost_usd == pytest.approx(plan_costs(plan, 91).total_usd)
    # Scenario P&L = stocks + price P&L of the futures - projected cost, per scenario; the
    # futures gain per move is qm (S0 + basis left at the horizon): the basis of the contract
    # then held moves with the index. It is the plan's own scenario row, to the cent.
    qm = sum(leg.quantity * leg.multiplier_usd for leg in plan.sizing.legs)
    s0 = plan.market.index_level.value
    basis_h = -plan_costs(plan, 91).exit_basis_usd / qm
    hedged = {row.name: row.net_pnl_usd for row in plan.scenarios.table("hedge").rows}
    for (name, move), u, f in zip(
        cmp.scenarios, un.scenario_pnl_usd, fut.scenario_pnl_usd, strict=True
    ):
        assert f == pytest.approx(u + qm * (s0 + basis_h) * move - fut.expected_cost_usd)
        assert f == pytest.approx(hedged[name], abs=0.01)
    # EV = p x protection - cost, with its assumptions stated.
    for a in cmp.alternatives[1:]:
        assert a.value is not None
        assert a.value.ev_usd == pytest.approx(
            cmp.fall.probability * a.value.protection_usd - a.expected_cost_usd
        )
    assert any("1950-01-03" in line for line in cmp.assumptions)
    assert cmp.horizon_sessions == 62  # NYSE sessions from 2024-01-13 to 2024-04-12


def test_puts_floor_and_collar_by_hand(plan, spx) -> None:  # type: ignore[no-untyped-def]
    cmp = compare_alternatives(plan, spx, put_strike=0.95)
    puts = cmp.alternative("puts")
    d = puts.details
    s0 = plan.market.index_level.value
    r, q, t = plan.market.rate.value, plan.market.dividend_yield.value, 91 / 365
    v = plan.portfolio_value_usd
    units = d["contracts"] * (100.0 if d["option"] == "SPX" else 10.0)
    paid = d["premium_usd"] * math.exp(r * t) + d["fees_usd"]

    def value(x: float) -> float:
        # beta 1: the stocks are worth V (1 + x + qT) with their dividends (Hull ch. 17
        # CAPM value), the puts pay units x (K - S_T)+; premium with interest and fees paid.
        return v * (1 + x + q * t) + units * max(0.95 * s0 - s0 * (1 + x), 0.0) - paid

    # the floor is the lowest value over falls: at -100 %, the strike or 0 %
    assert puts.downside_floor_usd == pytest.approx(min(value(-1.0), value(-0.05), value(0.0)))
    assert puts.upfront_cash_usd == pytest.approx(d["premium_usd"] + d["fees_usd"])
    collar = cmp.alternative("collar")
    assert abs(collar.details["premium_usd"]) < 1e-6  # zero-cost call by default
    assert collar.upside_kept is not None
    assert puts.upside_kept is not None
    assert collar.upside_kept < puts.upside_kept  # the call caps the rise


@settings(max_examples=25)
@given(
    tax=st.floats(0.0, 0.5),
    basis=st.floats(0.0, 2_000_000.0),
    bps=st.floats(0.0, 100.0),
)
def test_selling_everything_floors_at_proceeds_after_tax_and_costs(
    plan,
    spx,
    tax: float,
    basis: float,
    bps: float,  # type: ignore[no-untyped-def]
) -> None:
    cmp = compare_alternatives(
        plan, spx, sell_fraction=1.0, tax_rate=tax, cost_basis_usd=basis, stock_cost_bps=bps
    )
    sell = cmp.alternative("sell")
    v = plan.portfolio_value_usd
    proceeds = v - v * bps / 10_000 - tax * max(v - basis, 0.0)
    # the cash earns the risk-free rate to the horizon
    growth = math.exp(plan.market.rate.value * 91 / 365)
    assert sell.downside_floor_usd == pytest.approx(proceeds * growth)
    assert sell.upfront_cash_usd == pytest.approx(-proceeds)
    # All sold: the outcome no longer depends on the index.
    assert max(sell.scenario_pnl_usd) == pytest.approx(min(sell.scenario_pnl_usd))


def test_bad_inputs(plan, spx) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match="cost basis"):
        compare_alternatives(plan, spx, tax_rate=0.2)
    with pytest.raises(InputError):
        compare_alternatives(plan, spx, sell_fraction=1.5)
    assert cost_basis_total([1.0, 2.0]) == 3.0
    assert cost_basis_total([1.0, None]) is None


def test_no_option_contract_means_no_floor(spx: pd.Series) -> None:
    # $120,000 at beta 1 is under a quarter of one SPX contract (~$475,000 of index in
    # January 2024): the puts round to 0 contracts, so they protect nothing and, like the
    # unhedged portfolio, have no floor.
    small = make_plan(
        PlanRequest(value_usd=120_000.0, beta=1.0, contract="ES", as_of=dt.date(2024, 1, 12))
    )
    cmp = compare_alternatives(small, spx, option=option_contract("SPX"))
    puts = next(a for a in cmp.alternatives if a.name == "puts")
    assert puts.details["contracts"] == 0
    assert puts.downside_floor_usd is None
    assert any("too small for one SPX contract" in n for n in cmp.assumptions)
