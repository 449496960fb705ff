"""Black–Scholes–Merton: Hull's examples, QuantLib and py_vollib, parity, limits, implied vol."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import QuantLib as ql  # noqa: N813 - the library's documented alias
from hypothesis import assume, given
from hypothesis import strategies as st

from hedgekit.errors import InputError
from hedgekit.pricing import (
    bsm_delta,
    bsm_gamma,
    bsm_greeks,
    bsm_price,
    bsm_rho,
    bsm_theta,
    bsm_vega,
    implied_vol,
    theta_per_calendar_day,
)

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)  # py_vollib announces its rename
    from py_vollib.black_scholes_merton import black_scholes_merton as vollib_price
    from py_vollib.black_scholes_merton.greeks import analytical as vollib_greeks

KINDS = ("call", "put")


# ----------------------------------------------------------------------- Hull's examples


def test_hull_example_15_6(textbook):
    ref = textbook.HULL_BSM_EX_15_6
    args = (ref["spot"], ref["strike"], ref["t_years"], ref["rate_annual"])
    more = (ref["dividend_yield"], ref["vol"])
    assert bsm_price("call", *args, *more) == pytest.approx(ref["call"], abs=ref["tol"])
    assert bsm_price("put", *args, *more) == pytest.approx(ref["put"], abs=ref["tol"])


def test_hull_example_17_1_index_option(textbook):
    ref = textbook.HULL_INDEX_OPTION_EX_17_1
    c = bsm_price(
        "call", ref["spot"], ref["strike"], ref["t_years"], ref["rate_annual"],
        ref["dividend_yield"], ref["vol"],
    )  # fmt: skip
    assert c == pytest.approx(ref["call"], abs=ref["tol"])
    # d1 from the call delta: delta = e^{-qT} N(d1).
    delta = bsm_delta(
        "call", ref["spot"], ref["strike"], ref["t_years"], ref["rate_annual"],
        ref["dividend_yield"], ref["vol"],
    )  # fmt: skip
    n_d1 = delta * math.exp(ref["dividend_yield"] * ref["t_years"])
    assert n_d1 == pytest.approx(0.5 * math.erfc(-ref["d1"] / math.sqrt(2)), abs=1e-4)


def test_hull_chapter_19_greeks(textbook):
    ref = textbook.HULL_GREEKS_CH19
    g = bsm_greeks(
        "call", ref["spot"], ref["strike"], ref["t_years"], ref["rate_annual"],
        ref["dividend_yield"], ref["vol"],
    )  # fmt: skip
    for name in ("delta", "gamma", "vega", "theta", "rho"):
        value, tol = ref[name]
        assert getattr(g, name) == pytest.approx(value, abs=tol), name
    value, tol = ref["theta_per_day"]
    assert g.theta_per_day == pytest.approx(value, abs=tol)
    assert g.vega_per_vol_point == pytest.approx(ref["vega"][0] / 100, abs=ref["vega"][1] / 100)


def test_hull_implied_vol_example(textbook):
    ref = textbook.HULL_IMPLIED_VOL
    iv = implied_vol(
        "call", ref["price"], ref["spot"], ref["strike"], ref["t_years"], ref["rate_annual"],
        ref["dividend_yield"],
    )  # fmt: skip
    assert iv == pytest.approx(ref["vol"], abs=ref["tol"])


# ----------------------------------------------------------------------- QuantLib


def _quantlib_option(kind, s, k, days, r, q, vol):
    today = ql.Date(15, ql.January, 2024)
    ql.Settings.instance().evaluationDate = today
    dc = ql.Actual365Fixed()
    process = ql.BlackScholesMertonProcess(
        ql.QuoteHandle(ql.SimpleQuote(s)),
        ql.YieldTermStructureHandle(ql.FlatForward(today, q, dc)),  # continuous compounding
        ql.YieldTermStructureHandle(ql.FlatForward(today, r, dc)),
        ql.BlackVolTermStructureHandle(ql.BlackConstantVol(today, ql.NullCalendar(), vol, dc)),
    )
    option_type = ql.Option.Call if kind == "call" else ql.Option.Put
    option = ql.VanillaOption(
        ql.PlainVanillaPayoff(option_type, k), ql.EuropeanExercise(today + int(days))
    )
    option.setPricingEngine(ql.AnalyticEuropeanEngine(process))
    return option


def _random_grid(rng, n):
    return {
        "s": rng.uniform(500.0, 6000.0, n),
        "m": rng.uniform(0.6, 1.4, n),
        "days": rng.integers(2, 3 * 365, n),
        "r": rng.uniform(-0.01, 0.10, n),
        "q": rng.uniform(0.0, 0.05, n),
        "vol": rng.uniform(0.05, 0.9, n),
    }


@pytest.mark.parametrize("kind", KINDS)
def test_matches_quantlib_analytic_european_engine(kind, rng):
    g = _random_grid(rng, 60)
    k = g["s"] * g["m"]
    t = g["days"] / 365.0
    ours = {
        "NPV": bsm_price(kind, g["s"], k, t, g["r"], g["q"], g["vol"]),
        "delta": bsm_delta(kind, g["s"], k, t, g["r"], g["q"], g["vol"]),
        "gamma": bsm_gamma(g["s"], k, t, g["r"], g["q"], g["vol"]),
        "vega": bsm_vega(g["s"], k, t, g["r"], g["q"], g["vol"]),
        "theta": bsm_theta(kind, g["s"], k, t, g["r"], g["q"], g["vol"]),
        "rho": bsm_rho(kind, g["s"], k, t, g["r"], g["q"], g["vol"]),
    }
    for i in range(len(k)):
        opt = _quantlib_option(
            kind, g["s"][i], k[i], g["days"][i], g["r"][i], g["q"][i], g["vol"][i]
        )
        scale = g["s"][i]
        for name, values in ours.items():
            theirs = getattr(opt, name)()
            # Relative to the index level for quantities in points; greeks per unit.
            tol = 1e-9 * scale if name in ("NPV", "vega", "theta", "rho") else 1e-9
            assert values[i] == pytest.approx(theirs, rel=1e-9, abs=tol), (name, i)


# ----------------------------------------------------------------------- py_vollib


@pytest.mark.parametrize("kind", KINDS)
def test_matches_py_vollib_with_its_units(kind, rng):
    g = _random_grid(rng, 60)
    k = g["s"] * g["m"]
    t = g["days"] / 365.0
    flag = kind[0]
    price = bsm_price(kind, g["s"], k, t, g["r"], g["q"], g["vol"])
    delta = bsm_delta(kind, g["s"], k, t, g["r"], g["q"], g["vol"])
    gamma = bsm_gamma(g["s"], k, t, g["r"], g["q"], g["vol"])
    vega = bsm_vega(g["s"], k, t, g["r"], g["q"], g["vol"])
    theta = bsm_theta(kind, g["s"], k, t, g["r"], g["q"], g["vol"])
    rho = bsm_rho(kind, g["s"], k, t, g["r"], g["q"], g["vol"])
    for i in range(len(k)):
        args = (flag, g["s"][i], k[i], t[i], g["r"][i], g["vol"][i], g["q"][i])
        s = g["s"][i]
        assert price[i] == pytest.approx(vollib_price(*args), rel=1e-9, abs=1e-9 * s)
        assert delta[i] == pytest.approx(vollib_greeks.delta(*args), rel=1e-9, abs=1e-12)
        assert gamma[i] == pytest.approx(vollib_greeks.gamma(*args), rel=1e-9, abs=1e-15)
        # py_vollib: vega and rho per 1 % (0.01), theta per calendar day (/365).
        assert vega[i] / 100 == pytest.approx(vollib_greeks.vega(*args), rel=1e-9, abs=1e-12 * s)
        assert rho[i] / 100 == pytest.approx(vollib_greeks.rho(*args), rel=1e-9, abs=1e-12 * s)
        assert theta_per_calendar_day(theta[i]) == pytest.approx(
            vollib_greeks.theta(*args), rel=1e-9, abs=1e-12 * s
        )


# ----------------------------------------------------------------------- invariants

inputs = st.tuples(
    st.floats(10.0, 10_000.0),  # spot
    st.floats(0.5, 1.5),  # strike / spot
    st.floats(0.0, 3.0),  # years
    st.floats(-0.02, 0.12),  # rate
    st.floats(0.0, 0.06),  # dividend yield
    st.floats(0.0, 1.5),  # vol
)


@given(inputs)
def test_put_call_parity(x):
    s, m, t, r, q, v = x
    k = s * m
    c = bsm_price("call", s, k, t, r, q, v)
    p = bsm_price("put", s, k, t, r, q, v)
    # Hull ch. 17 (eq. 17.3): c - p = S e^{-qT} - K e^{-rT}
    assert c - p == pytest.approx(s * math.exp(-q * t) - k * math.exp(-r * t), abs=1e-10 * s)
    dc = bsm_delta("call", s, k, t, r, q, v)
    dp = bsm_delta("put", s, k, t, r, q, v)
    assert dc - dp == pytest.approx(math.exp(-q * t), abs=1e-12)


@given(inputs)
def test_price_within_no_arbitrage_bounds(x):
    s, m, t, r, q, v = x
    k = s * m
    fwd, disc_k = s * math.exp(-q * t), k * math.exp(-r * t)
    c = bsm_price("call", s, k, t, r, q, v)
    p = bsm_price("put", s, k, t, r, q, v)
    tol = 1e-10 * s
    assert max(fwd - disc_k, 0.0) - tol <= c <= fwd + tol
    assert max(disc_k - fwd, 0.0) - tol <= p <= disc_k + tol


@given(
    st.sampled_from(KINDS),
    st.floats(100.0, 5000.0),
    st.floats(0.7, 1.3),
    st.floats(0.02, 3.0),
    st.floats(-0.01, 0.1),
    st.floats(0.0, 0.05),
    st.floats(0.03, 2.0),
)
def test_implied_vol_round_trip(kind, s, m, t, r, q, v):
    k = s * m
    price = bsm_price(kind, s, k, t, r, q, v)
    vega = bsm_vega(s, k, t, r, q, v)
    # Where vega is tiny the price barely moves with vol and the inverse is ill-posed.
    assume(vega > 1e-4 * s)
    assert implied_vol(kind, price, s, k, t, r, q) == pytest.approx(v, rel=1e-7, abs=1e-8)


def test_implied_vol_vectorised():
    vols = np.array([0.1, 0.25, 0.6])
    strikes = np.array([90.0, 100.0, 110.0])
    prices = bsm_price("put", 100.0, strikes, 0.5, 0.04, 0.01, vols)
    np.testing.assert_allclose(implied_vol("put", prices, 100.0, strikes, 0.5, 0.04, 0.01), vols)


def test_greeks_match_finite_differences():
    s, k, t, r, q, v = 4800.0, 4600.0, 0.4, 0.045, 0.014, 0.22
    h = 1e-3
    for kind in KINDS:

        def p(kind=kind, **kw):
            a = {
                "spot": s,
                "strike": k,
                "t_years": t,
                "rate_annual": r,
                "dividend_yield": q,
                "vol": v,
            }
            return bsm_price(kind, **(a | kw))

        assert bsm_delta(kind, s, k, t, r, q, v) == pytest.approx(
            (p(spot=s + h) - p(spot=s - h)) / (2 * h), rel=1e-6
        )
        assert bsm_gamma(s, k, t, r, q, v) == pytest.approx(
            (p(spot=s + 1.0) - 2 * p() + p(spot=s - 1.0)), rel=1e-4
        )
        assert bsm_vega(s, k, t, r, q, v) == pytest.approx(
            (p(vol=v + 1e-6) - p(vol=v - 1e-6)) / 2e-6, rel=1e-6
        )
        assert bsm_rho(kind, s, k, t, r, q, v) == pytest.approx(
            (p(rate_annual=r + 1e-6) - p(rate_annual=r - 1e-6)) / 2e-6, rel=1e-6
        )
        # Theta is the derivative with respect to calendar time passing: -dV/dT.
        assert bsm_theta(kind, s, k, t, r, q, v) == pytest.approx(
            -(p(t_years=t + 1e-6) - p(t_years=t - 1e-6)) / 2e-6, rel=1e-6
        )


# ----------------------------------------------------------------------- limits


def test_expiry_gives_intrinsic_value_and_limit_greeks():
    k = np.array([80.0, 100.0, 120.0])
    np.testing.assert_array_equal(
        bsm_price("call", 100.0, k, 0.0, 0.05, 0.02, 0.2), [20.0, 0.0, 0.0]
    )
    np.testing.assert_array_equal(
        bsm_price("put", 100.0, k, 0.0, 0.05, 0.02, 0.2), [0.0, 0.0, 20.0]
    )
    np.testing.assert_array_equal(
        bsm_delta("call", 100.0, k, 0.0, 0.05, 0.02, 0.2), [1.0, 0.5, 0.0]
    )
    np.testing.assert_array_equal(
        bsm_delta("put", 100.0, k, 0.0, 0.05, 0.02, 0.2), [0.0, -0.5, -1.0]
    )
    np.testing.assert_array_equal(bsm_gamma(100.0, k, 0.0, 0.05, 0.02, 0.2), [0.0, np.inf, 0.0])
    np.testing.assert_array_equal(bsm_vega(100.0, k, 0.0, 0.05, 0.02, 0.2), [0.0, 0.0, 0.0])
    np.testing.assert_array_equal(bsm_rho("call", 100.0, k, 0.0, 0.05, 0.02, 0.2), [0.0, 0.0, 0.0])
    theta = bsm_theta("call", 100.0, k, 0.0, 0.05, 0.02, 0.2)
    assert theta[1] == -np.inf
    # In the money at expiry: theta = qS - rK (carry on the intrinsic value).
    assert theta[0] == pytest.approx(0.02 * 100.0 - 0.05 * 80.0)


def test_zero_vol_gives_discounted_forward_intrinsic():
    s, t, r, q = 100.0, 1.0, 0.05, 0.02
    fwd = s * math.exp((r - q) * t)
    k = np.array([90.0, fwd, 110.0])
    disc = math.exp(-r * t)
    np.testing.assert_allclose(
        bsm_price("call", s, k, t, r, q, 0.0), disc * np.maximum(fwd - k, 0.0), atol=1e-12
    )
    np.testing.assert_allclose(
        bsm_price("put", s, k, t, r, q, 0.0), disc * np.maximum(k - fwd, 0.0), atol=1e-12
    )
    # Continuity: a tiny positive vol gives (nearly) the same prices.
    np.testing.assert_allclose(
        bsm_price("call", s, k, t, r, q, 1e-9), bsm_price("call", s, k, t, r, q, 0.0), atol=1e-7
    )
    # At the forward, zero-vol vega is the finite limit S e^{-qT} sqrt(T) / sqrt(2 pi).
    assert bsm_vega(s, fwd, t, r, q, 0.0) == pytest.approx(
        s * math.exp(-q * t) / math.sqrt(2 * math.pi), rel=1e-12
    )


def test_tiny_time_approaches_intrinsic_without_warnings():
    out = bsm_price("put", 100.0, np.array([90.0, 110.0]), 1e-12, 0.05, 0.0, 0.3)
    np.testing.assert_allclose(out, [0.0, 10.0], atol=1e-6)


# ----------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("kind", "price"),
    [("call", 25.0), ("call", 0.0), ("put", 0.0), ("put", 120.0), ("call", -1.0)],
)
def test_implied_vol_rejects_prices_outside_bounds(kind, price):
    with pytest.raises(InputError, match="no-arbitrage bounds") as err:
        implied_vol(kind, price, 100.0 if kind == "put" else 20.0, 100.0, 0.5, 0.03, 0.01)
    assert err.value.value == price
    assert "<" in err.value.expected


def test_implied_vol_reports_bracket_miss():
    # A price that needs a vol above hi.
    price = bsm_price("call", 100.0, 100.0, 1.0, 0.0, 0.0, 3.0)
    with pytest.raises(InputError, match="above hi"):
        implied_vol("call", price, 100.0, 100.0, 1.0, 0.0, 0.0, hi=2.0)


def test_bad_kind_and_negative_vol():
    with pytest.raises(InputError, match="kind"):
        bsm_price("straddle", 100.0, 100.0, 1.0, 0.0, 0.0, 0.2)  # type: ignore[arg-type]
    with pytest.raises(InputError) as err:
        bsm_price("call", 100.0, 100.0, 1.0, 0.0, 0.0, -0.2)
    assert err.value.source == "vol"
    with pytest.raises(InputError) as err:
        bsm_price("call", 100.0, 0.0, 1.0, 0.0, 0.0, 0.2)
    assert err.value.source == "strike"


def test_scalar_returns_float_and_greeks_dict_is_json_safe():
    assert type(bsm_price("call", 100, 100, 1, 0.05, 0.0, 0.2)) is float
    d = bsm_greeks("call", 100.0, 100.0, 0.0, 0.05, 0.0, 0.2).to_dict()
    # Infinite limits at the money at expiry become None.
    assert d["gamma"] is None
    assert d["theta"] is None
