"""Scenario P&L against Hull 11e Table 3.4, hand-computed rows, and invariants."""

from __future__ import annotations

import functools
import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hedgekit.contracts import get_contract
from hedgekit.errors import InputError
from hedgekit.scenarios import (
    NAMED_SCENARIOS,
    Scenario,
    compare_hedges,
    default_scenarios,
    evaluate_scenarios,
    hedge_alternatives,
    scenario_grid,
)
from hedgekit.sizing import Leg, size_hedge

# --- Hull, Options, Futures and Other Derivatives, 11th ed., §3.5, Table 3.4 ----------------
# "Performance of stock index hedge": index 1,000, futures 1,010 (4-month contract, $250 x
# index), portfolio $5,050,000 with beta 1.5, r = 4%, q = 1% per annum, hedge for 3 months,
# short 30 contracts. Columns by index level in three months:
HULL_TABLE_3_4 = [
    # index, futures in 3 months (Hull rounds), gain on futures, expected portfolio value
    # including dividends, total value of position
    (900, 902, 810_000, 4_286_187.5, 5_096_187.5),
    (950, 952, 435_000, 4_664_937.5, 5_099_937.5),
    (1_000, 1_003, 52_500, 5_043_687.5, 5_096_187.5),
    (1_050, 1_053, -322_500, 5_422_437.5, 5_099_937.5),
    (1_100, 1_103, -697_500, 5_801_187.5, 5_103_687.5),
]
# Hull's published portfolio values are .5-truncated to whole dollars (4,286,187 etc.); the
# exact CAPM arithmetic, e.g. 5,050,000 x (1 + 1.5 x (-9.75% - 1%)) = 4,286,187.50, is used.


def _hull_table() -> object:
    scenarios = [Scenario(f"{s}", s / 1_000 - 1) for s, *_ in HULL_TABLE_3_4]
    return evaluate_scenarios(
        5_050_000, 1.5, [Leg.of("SP", -30, 250.0, 1_010.0)], 1_000.0, scenarios,
        horizon_days=90, days_to_expiry=120, days_per_year=360,  # T = 1/4, tau = 1/3 year
        rate_annual=0.04, dividend_yield=0.01, label="Hull 3.4",
    )  # fmt: skip


def test_reproduces_hull_table_3_4() -> None:
    table = _hull_table()
    for row, (s, f_hull, gain_hull, port_hull, total_hull) in zip(
        table.rows,  # type: ignore[attr-defined]
        HULL_TABLE_3_4,
        strict=True,
    ):
        assert row.index_level_end == pytest.approx(s)
        # portfolio (CAPM, Hull's arithmetic): exact
        assert 5_050_000 + row.portfolio_pnl_usd == pytest.approx(port_hull, abs=1e-6)
        # futures at fair value F_T = S_T e^{(0.04-0.01)/12}; Hull rounds F_T to a whole point
        assert row.futures_price_end == pytest.approx(s * math.exp(0.03 / 12))
        assert round(row.futures_price_end) == f_hull
        assert row.futures_pnl_usd == pytest.approx(-30 * 250 * (row.futures_price_end - 1_010))
        # so the gains and totals agree with Hull's to within half a point on 30 x 250
        assert abs(row.futures_pnl_usd - gain_hull) <= 30 * 250 * 0.5
        assert abs(5_050_000 + row.net_pnl_usd - total_hull) <= 30 * 250 * 0.5
        assert row.carry_and_costs_usd == 0.0


def test_hand_computed_crash_row() -> None:
    # $1M, beta 1, short 4 ES sold at 4,525 with the index at 4,500; crash -20% over
    # 30 days; expiry in 60 days; r = 5%, q = 1.5%; $15 per contract per side; CAPM model.
    t = 30 / 365
    # stocks: 1,000,000 x [1 x (-0.20 + 0.015 x 30/365) + 0 x 0.05 x 30/365]
    #       = -200,000 + 1,232.876712... = -198,767.1233
    stocks = -200_000 + 1_000_000 * 0.015 * t
    assert stocks == pytest.approx(-198_767.1233, abs=1e-4)
    # futures end at 3,600 x e^{(0.05 - 0.015) x 30/365} = 3,600 x 1.00288085 = 3,610.3711
    f_t = 3_600 * math.exp(0.035 * t)
    assert f_t == pytest.approx(3_610.3711, abs=1e-4)
    # gain on short 4 ES: -4 x 50 x (3,610.3711 - 4,525) = 200 x 914.6289 = +182,925.79
    fut = -4 * 50 * (f_t - 4_525)
    # basis part: -4 x 50 x [(3,610.37 - 3,600) - (4,525 - 4,500)] = -200 x (10.37 - 25) = +2,925.79
    basis = -4 * 50 * ((f_t - 3_600) - 25)
    # round trip: 2 sides x 4 contracts x $15 = -120
    table = evaluate_scenarios(
        1_000_000, 1.0, [Leg.of("ES", -4, 50.0, 4_525.0)], 4_500.0, NAMED_SCENARIOS,
        horizon_days=30, days_to_expiry=60, rate_annual=0.05, dividend_yield=0.015,
        cost_per_contract_side_usd=15.0,
    )  # fmt: skip
    row = table.row("crash -20%")
    assert row.portfolio_pnl_usd == pytest.approx(stocks)
    assert row.futures_pnl_usd == pytest.approx(fut)
    assert row.futures_pnl_usd == pytest.approx(182_925.79, abs=0.01)
    assert row.futures_basis_pnl_usd == pytest.approx(basis)
    assert row.trading_costs_usd == -120.0
    assert row.carry_and_costs_usd == -120.0
    assert row.net_pnl_usd == pytest.approx(stocks + fut - 120)
    # protected share: (net - unhedged) / -unhedged = (182,925.79 - 120) / 198,767.12 = 0.91970
    assert row.pct_of_loss_protected == pytest.approx((fut - 120) / -stocks)
    assert row.pct_of_loss_protected == pytest.approx(0.91970, abs=1e-5)
    assert row.pct_of_gain_given_up is None
    rally = table.row("rally +15%")
    assert rally.pct_of_loss_protected is None
    assert rally.pct_of_gain_given_up == pytest.approx(
        (rally.portfolio_pnl_usd - rally.net_pnl_usd) / rally.portfolio_pnl_usd
    )
    flat = table.row("flat 0%")
    assert flat.pct_of_loss_protected is None
    assert flat.pct_of_gain_given_up is None


def test_beta_model_and_margin_cost() -> None:
    # beta model: V (beta x + q T) = 2,000,000 x (1.2 x -0.1 + 0.02 x 0.25) = -230,000
    table = evaluate_scenarios(
        2_000_000, 1.2, [Leg.of("ES", -10, 50.0, 4_000.0)], 4_000.0, [Scenario("dn", -0.1)],
        horizon_days=90, days_per_year=360, days_to_expiry=180, rate_annual=0.04,
        dividend_yield=0.02, return_model="beta", margin_usd_per_contract={"ES": 12_000.0},
    )  # fmt: skip
    row = table.rows[0]
    assert row.portfolio_pnl_usd == pytest.approx(-230_000)
    # margin: 10 x 12,000 x (e^{4% x 0.25} - 1) = 1,206.02 forgone (continuous rate, as the
    # cost ledger books it; simple interest would say 1,200)
    assert row.margin_interest_usd == pytest.approx(-120_000 * math.expm1(0.04 * 0.25))
    assert row.carry_and_costs_usd == pytest.approx(row.margin_interest_usd)


def test_expired_contract_settles_at_the_index() -> None:
    # expiry (10 days) before the horizon (30): F_T = S_T; the whole basis (F0 - S0) converges
    table = evaluate_scenarios(
        1_000_000, 1.0, [Leg.of("ES", -4, 50.0, 4_510.0)], 4_500.0, [Scenario("up", 0.02)],
        horizon_days=30, days_to_expiry=10, rate_annual=0.05, dividend_yield=0.01,
    )  # fmt: skip
    row = table.rows[0]
    assert row.futures_price_end == pytest.approx(4_590.0)
    assert row.futures_pnl_usd == pytest.approx(-200 * (4_590 - 4_510))
    assert row.futures_basis_pnl_usd == pytest.approx(-200 * -10)


def test_scenario_specs() -> None:
    grid = scenario_grid()
    assert [s.index_move for s in grid] == pytest.approx([i / 100 for i in range(-30, 31, 5)])
    assert grid[0].name == "-30%"
    assert grid[6].name == "0%"
    assert grid[7].name == "+5%"
    d = default_scenarios(horizon_days=60)
    assert len(d) == 13 + 3
    assert [s.name for s in d[-3:]] == ["crash -20%", "rally +15%", "flat 0%"]
    assert all(s.horizon_days == 60 for s in d)
    assert [s.index_move for s in scenario_grid(-0.1, 0.1, 0.1)] == [-0.1, 0.0, 0.1]
    # per-scenario horizon overrides the evaluation's default
    t = evaluate_scenarios(1e6, 1.0, [], 4_000.0, [Scenario("a", 0.0, 10), Scenario("b", 0.0)])
    assert [r.horizon_days for r in t.rows] == [10, 30]


@pytest.mark.parametrize(
    ("make", "source"),
    [
        (lambda: Scenario("x", -1.0), "Scenario('x').index_move"),
        (lambda: Scenario("", 0.1), "Scenario.name"),
        (lambda: Scenario("x", 0.1, -3), "Scenario('x').horizon_days"),
        (lambda: scenario_grid(-0.3, 0.3, 0.07), "step"),
        (lambda: scenario_grid(0.3, -0.3), "high"),
    ],
)
def test_bad_specs(make: object, source: str) -> None:
    with pytest.raises(InputError) as err:
        make()  # type: ignore[operator]
    assert err.value.source == source


@pytest.mark.parametrize(
    ("kwargs", "source"),
    [
        ({}, "days_to_expiry"),  # legs held but no expiry
        ({"days_to_expiry": 30, "cost_per_contract_side_usd": {"MES": 1.0}},
         "cost_per_contract_side_usd"),
        ({"days_to_expiry": 30, "return_model": "apt"}, "return_model"),
        ({"days_to_expiry": 30, "horizon_days": 1.5}, "horizon_days"),
        ({"days_to_expiry": -1}, "days_to_expiry"),
    ],
)  # fmt: skip
def test_bad_evaluation_input(kwargs: dict[str, object], source: str) -> None:
    with pytest.raises(InputError) as err:
        evaluate_scenarios(1e6, 1.0, [Leg.of("ES", -1, 50.0, 4_000.0)], 4_000.0, **kwargs)  # type: ignore[arg-type]
    assert err.value.source == source


def test_comparison_side_by_side() -> None:
    es, mes = get_contract("ES"), get_contract("MES")
    size = functools.partial(size_hedge, 1_000_000, 0.95, 4_525.0, es, micro=mes)
    hedges = hedge_alternatives(size, 1.0)
    assert list(hedges) == ["chosen", "50% hedge"]
    cmp = compare_hedges(
        1_000_000, 0.95, hedges, 4_500.0, horizon_days=30, days_to_expiry=60,
        rate_annual=0.05, dividend_yield=0.015, cost_per_contract_side_usd={"ES": 15, "MES": 2},
    )  # fmt: skip
    assert [t.label for t in cmp.tables] == ["unhedged", "chosen", "50% hedge"]
    wide = cmp.net_pnl_frame()
    assert list(wide.columns) == ["unhedged", "chosen", "50% hedge"]
    assert len(wide) == 16
    crash = wide.loc["crash -20%"]
    assert crash["unhedged"] < crash["50% hedge"] < crash["chosen"]
    rally = wide.loc["rally +15%"]
    assert rally["unhedged"] > rally["50% hedge"] > rally["chosen"]
    long = cmp.to_frame()
    assert set(long["hedge"]) == {"unhedged", "chosen", "50% hedge"}
    d = json.loads(json.dumps(cmp.to_dict()))
    assert d["hedges"][1]["contracts"][0]["root"] == "ES"
    assert len(d["hedges"][1]["rows"]) == 16
    with pytest.raises(InputError):
        compare_hedges(1e6, 1.0, {"unhedged": []}, 4_000.0)


# --- invariants ----------------------------------------------------------------------------

moves = st.floats(-0.6, 0.6)
betas = st.floats(0.2, 2.0)


@given(st.floats(10_000, 1e8), betas, moves, st.floats(0, 0.08), st.floats(0, 0.04))
def test_unhedged_has_no_futures_pnl(v: float, b: float, x: float, r: float, q: float) -> None:
    t = evaluate_scenarios(v, b, [], 5_000.0, [Scenario("s", x)], rate_annual=r, dividend_yield=q)
    row = t.rows[0]
    assert row.futures_pnl_usd == 0.0
    assert row.carry_and_costs_usd == 0.0
    assert row.net_pnl_usd == row.portfolio_pnl_usd
    assert row.futures_price_end is None


@given(
    st.integers(1, 200), betas, moves, st.floats(0.0, 0.06), st.integers(0, 180),
    st.integers(0, 365), st.sampled_from(["capm", "beta"]),
)  # fmt: skip
def test_exact_full_hedge_without_carry_earns_only_dividends(
    n: int, b: float, x: float, rq: float, days: int, expiry: int, model: str
) -> None:
    # V chosen so that beta V / (m S0) is exactly n contracts; r = q so F0 = S0 (no carry)
    s0, m = 5_000.0, 50.0
    v = n * m * s0 / b
    t = evaluate_scenarios(
        v, b, [Leg.of("ES", -n, m, s0)], s0, [Scenario("s", x)], horizon_days=days,
        days_to_expiry=expiry, rate_annual=rq, dividend_yield=rq, return_model=model,  # type: ignore[arg-type]
    )  # fmt: skip
    row = t.rows[0]
    dividends = v * rq * days / 365
    assert row.portfolio_pnl_usd + row.futures_pnl_usd == pytest.approx(dividends, abs=1e-6 * v)
    assert row.net_pnl_usd == pytest.approx(dividends, abs=1e-6 * v)


@given(st.integers(0, 30), st.integers(1, 10), moves, st.floats(0, 0.06), st.floats(0, 0.03))
def test_more_contracts_less_loss_in_a_crash_less_gain_in_a_rally(
    n: int, extra: int, x: float, r: float, q: float
) -> None:
    def net(k: int) -> float:
        t = evaluate_scenarios(
            2_000_000, 1.1, [Leg.of("ES", -k, 50.0, 4_520.0)], 4_500.0, [Scenario("s", x)],
            horizon_days=30, days_to_expiry=60, rate_annual=r, dividend_yield=q,
        )  # fmt: skip
        return t.rows[0].portfolio_pnl_usd + t.rows[0].futures_pnl_usd

    # the futures' horizon value rises with the index, so a short gains as the index falls
    f_t_minus_f0 = 4_500 * (1 + x) * math.exp((r - q) * 30 / 365) - 4_520
    if f_t_minus_f0 < 0:
        assert net(n + extra) > net(n)
    elif f_t_minus_f0 > 0:
        assert net(n + extra) < net(n)
    if x <= -0.05:  # a real crash: more contracts always lose less
        assert net(n + extra) > net(n)
    if x >= 0.05:
        assert net(n + extra) < net(n)
