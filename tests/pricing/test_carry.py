"""Cost-of-carry pricing: textbook and exchange examples, identities, sign conventions."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hedgekit.errors import InputError
from hedgekit.pricing import (
    Valuation,
    basis,
    basis_pct,
    basis_points,
    calendar_spread,
    carry_cost_of_short_hedge,
    continuous_to_simple,
    dividends_future_value_points,
    fair_value_continuous,
    fair_value_simple,
    implied_dividend_yield,
    implied_rate,
    rich_cheap,
    roll_cost_usd,
    short_hedge_carry_pnl_usd,
    simple_to_continuous,
    tbill_discount_to_continuous,
)

spots = st.floats(100.0, 10_000.0)
rates = st.floats(-0.01, 0.12)
yields = st.floats(0.0, 0.06)
years = st.floats(1 / 365, 2.0)


# ----------------------------------------------------------------------- published examples


def test_hull_index_futures_example(textbook):
    ref = textbook.HULL_INDEX_FUTURES
    f = fair_value_continuous(
        ref["spot"], ref["rate_annual"], ref["dividend_yield"], ref["t_years"]
    )
    assert f == pytest.approx(ref["futures"], abs=ref["tol"])


def test_cme_fair_value_worked_example(textbook):
    ref = textbook.CME_FAIR_VALUE_TWOMEY
    fair = fair_value_simple(
        ref["spot"], ref["rate_annual"], ref["days_to_expiry"], ref["dividends_points"]
    )
    assert fair == pytest.approx(ref["fair_value"], abs=ref["tol"])
    verdict = rich_cheap(ref["quoted"], fair)
    assert verdict.difference_points == pytest.approx(ref["difference"], abs=ref["tol"])
    assert verdict.verdict is Valuation.RICH


def test_tbill_conversion_matches_pinned_rule_and_hull_quote(textbook):
    ref = textbook.HULL_TBILL_QUOTE
    # Hull §6.1: quote 8.00 on a 90-day bill <=> cash price 98 per 100 face.
    r = tbill_discount_to_continuous(ref["d_pct"], days=ref["days"])
    assert math.exp(-r * ref["days"] / 365.0) * 100.0 == pytest.approx(
        ref["cash_price_per_100"], rel=1e-14
    )
    # bench-spec pinned detail 8: r = -ln(1 - d*91/360)*365/91 with d in percent.
    d = np.array([0.01, 1.0, 4.5, 15.0])
    expected = -np.log(1.0 - d / 100.0 * 91.0 / 360.0) * 365.0 / 91.0
    np.testing.assert_allclose(tbill_discount_to_continuous(d), expected, rtol=1e-15)


def test_tbill_rejects_rate_with_non_positive_price():
    with pytest.raises(InputError, match="d_pct"):
        tbill_discount_to_continuous(400.0)


# ----------------------------------------------------------------------- identities


@given(spots, rates, yields, years)
def test_implied_yield_and_rate_round_trip(s, r, q, t):
    f = fair_value_continuous(s, r, q, t)
    assert implied_dividend_yield(f, s, r, t) == pytest.approx(q, abs=1e-10)
    assert implied_rate(f, s, q, t) == pytest.approx(r, abs=1e-10)


@given(spots, rates, yields, st.integers(1, 730))
def test_money_market_form_equals_continuous_form_with_matched_conventions(s, rc, q, days):
    # With the simple rate that gives the same growth and dividends equal to the future
    # value of a continuous yield, S(1 + r_s d/360) - D == S e^{(r-q)T} exactly.
    t = days / 365.0
    rs = continuous_to_simple(rc, days)
    div_fv = s * (1.0 - math.exp(-q * t)) * math.exp(rc * t)
    simple = fair_value_simple(s, rs, days, div_fv)
    assert simple == pytest.approx(fair_value_continuous(s, rc, q, t), rel=1e-12)


@given(spots, st.floats(0.0, 0.08), yields, st.integers(1, 120))
def test_money_market_form_agrees_to_first_order(s, r, q, days):
    # Same numbers plugged into both forms: the gap is second order in (r, q) * T
    # plus the 360/365 day-count difference on the interest term.
    t = days / 365.0
    simple = fair_value_simple(s, r, days, s * q * t)
    cont = fair_value_continuous(s, r, q, t)
    daycount_gap = s * r * days * (1 / 360 - 1 / 365)
    assert abs(simple - cont - daycount_gap) <= s * ((r + q) * t) ** 2 + 1e-12 * s


@given(st.floats(-0.05, 0.2), st.integers(1, 3650))
def test_simple_continuous_round_trip(r, days):
    assert simple_to_continuous(continuous_to_simple(r, days), days) == pytest.approx(r, abs=1e-13)


def test_simple_to_continuous_hand_value():
    # 5 % simple act/360 over 90 days: growth 1.0125; r_c = ln(1.0125) * 365/90.
    assert simple_to_continuous(0.05, 90) == pytest.approx(math.log(1.0125) * 365 / 90, rel=1e-15)


def test_dividends_future_value_hand_value():
    # 2 points paid in 30 days, 3 points in 60 days, 90-day future, 4 % act/360.
    d = dividends_future_value_points([2.0, 3.0], [30, 60], 0.04, 90)
    assert d == pytest.approx(2 * (1 + 0.04 * 60 / 360) + 3 * (1 + 0.04 * 30 / 360), rel=1e-15)
    with pytest.raises(InputError, match="days_to_payment"):
        dividends_future_value_points([1.0], [100], 0.04, 90)


# ----------------------------------------------------------------------- basis and verdicts


def test_basis_is_futures_minus_spot():
    b = basis(5030.0, 5000.0)
    assert b.points == pytest.approx(30.0)
    assert b.pct == pytest.approx(0.6)
    assert b.state == "contango"
    assert basis(4990.0, 5000.0).state == "backwardation"
    np.testing.assert_allclose(basis_points([5030.0, 4990.0], 5000.0), [30.0, -10.0])
    np.testing.assert_allclose(basis_pct([5030.0, 4990.0], 5000.0), [0.6, -0.2])
    assert b.to_dict()["state"] == "contango"


def test_rich_cheap_verdicts_and_tolerance():
    assert rich_cheap(100.0, 101.0).verdict is Valuation.CHEAP
    assert rich_cheap(100.5, 100.0, tolerance_points=0.5).verdict is Valuation.FAIR
    assert rich_cheap(100.6, 100.0, tolerance_points=0.5).verdict is Valuation.RICH
    assert rich_cheap(100.6, 100.0).to_dict()["verdict"] == "rich"


# ----------------------------------------------------------------------- spreads, rolls, carry


@given(spots, rates, yields, st.floats(0.0, 1.0), st.floats(0.0, 1.0))
def test_calendar_spread_is_difference_of_fair_values(s, r, q, t1, dt):
    spread = calendar_spread(s, r, q, t1, t1 + dt)
    expected = fair_value_continuous(s, r, q, t1 + dt) - fair_value_continuous(s, r, q, t1)
    assert spread == pytest.approx(expected, rel=1e-12, abs=1e-9)
    if r - q > 1e-6 and dt > 1e-6:
        assert spread > 0


def test_calendar_spread_rejects_inverted_expiries():
    with pytest.raises(InputError, match="t_far"):
        calendar_spread(5000.0, 0.05, 0.015, 0.5, 0.25)


def test_roll_sign_convention_for_short_hedger():
    # Contango: the seed text calls 5 points x $50 x 2 a $500 *cost*; for a short hedger
    # rolling forward it is $500 of carry received.
    assert roll_cost_usd(2, 5.0, 50.0) == pytest.approx(-500.0)
    assert roll_cost_usd(2, -5.0, 50.0) == pytest.approx(500.0)
    np.testing.assert_allclose(roll_cost_usd([1, 2], [4.0, 4.0], 5.0), [-20.0, -40.0])


def test_short_hedge_carry_ledger_held_to_expiry():
    # Hand ledger: short 2 ES (x50) at fair value with spot unchanged to expiry.
    s, r, q, t = 5000.0, 0.05, 0.015, 0.25
    f0 = s * math.exp((r - q) * t)
    futures_pnl = -2 * 50 * (s - f0)  # short: -N m (F_T - F_0), F_T = S_T = S
    assert short_hedge_carry_pnl_usd(s, r, q, t, contracts_short=2, multiplier_usd=50) == (
        pytest.approx(futures_pnl, rel=1e-13)
    )
    res = carry_cost_of_short_hedge(s, r, q, t, contracts_short=2, multiplier_usd=50)
    assert res.pnl_usd == pytest.approx(futures_pnl, rel=1e-13)
    assert res.cost_usd == pytest.approx(-futures_pnl, rel=1e-13)
    assert res.direction == "receives"
    assert res.carry_points == pytest.approx(f0 - s, rel=1e-13)
    assert res.to_dict()["roll_yield_annual"] == pytest.approx(0.035)
    # Dividends above interest: the short pays.
    assert (
        carry_cost_of_short_hedge(s, 0.0, 0.015, t, contracts_short=1, multiplier_usd=50).direction
        == "pays"
    )


@given(spots, rates, yields, st.floats(0.0, 1.0))
def test_fully_hedged_position_earns_the_risk_free_rate(s, r, q, h):
    # Long one unit of index (dividends reinvested at yield q) + short one forward unit,
    # spot unchanged: dividends S(e^{qh} - 1) plus carry S(e^{(r-q)h} - 1) equal the bill
    # return S(e^{rh} - 1) up to the second-order cross term -S(e^{qh} - 1)(e^{(r-q)h} - 1)
    # (Hull §5.9: the hedged index earns the risk-free rate).
    dividends = s * math.expm1(q * h)
    carry = short_hedge_carry_pnl_usd(s, r, q, h)
    cross = -s * math.expm1(q * h) * math.expm1((r - q) * h)
    assert dividends + carry - s * math.expm1(r * h) == pytest.approx(cross, abs=1e-10 * s)
    assert abs(cross) <= s * 2.0 * (q * h) * abs((r - q) * h)


# ----------------------------------------------------------------------- input handling


def test_vectorised_shapes_and_scalar_type():
    out = fair_value_continuous(np.array([4000.0, 5000.0]), 0.05, 0.01, np.array([[0.25], [0.5]]))
    assert out.shape == (2, 2)
    assert type(fair_value_continuous(5000, 0.05, 0.01, 0.25)) is float


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"spot": -1.0}, "spot"),
        ({"spot": float("nan")}, "spot"),
        ({"t_years": -0.1}, "t_years"),
        ({"rate_annual": float("inf")}, "rate_annual"),
        ({"spot": "abc"}, "spot"),
    ],
)
def test_bad_inputs_name_the_parameter(kwargs, field):
    args = {"spot": 5000.0, "rate_annual": 0.05, "dividend_yield": 0.01, "t_years": 0.25} | kwargs
    with pytest.raises(InputError) as err:
        fair_value_continuous(**args)
    assert err.value.source == field


def test_shape_clash_is_an_input_error():
    with pytest.raises(InputError, match="broadcast"):
        fair_value_continuous(np.ones(2) * 100, 0.05, 0.01, np.ones(3))


def test_implied_yield_needs_positive_time():
    with pytest.raises(InputError, match="t_years"):
        implied_dividend_yield(5010.0, 5000.0, 0.05, 0.0)
