from __future__ import annotations

import importlib.util
import json
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from hedgekit._constants import TRADING_DAYS_PER_YEAR
from hedgekit.errors import InputError
from hedgekit.estimation import (
    BetaResult,
    BlumeBeta,
    OLSBeta,
    VasicekBeta,
    blume_adjust,
    cross_sectional_prior,
    holdings_beta,
    holdings_weighted_beta,
    manual_beta,
    ols_beta,
    returns_from_prices,
    vasicek_shrink,
)


def _load_reference():
    name = "hedgekit_tests_reference_estimation"
    if name in sys.modules:
        return sys.modules[name]
    path = Path(__file__).parents[1] / "reference" / "estimation.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


ref = _load_reference()


def _pair(rng, n=750, beta=1.3, noise=0.006, start="2018-01-02"):
    idx = pd.bdate_range(start, periods=n)
    m = ref.market_like_returns(rng, n)
    a = 0.0001 + beta * m + noise * rng.standard_t(5, n)
    return pd.Series(a, index=idx, name="PORT"), pd.Series(m, index=idx, name="SPX")


def test_ols_matches_statsmodels(rng):
    a, m = _pair(rng)
    res = ols_beta(a, m)
    sm = ref.statsmodels_ols(a.to_numpy(), m.to_numpy())
    np.testing.assert_allclose([res.alpha, res.beta], sm.params, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose([res.alpha_se, res.beta_se], sm.bse, rtol=1e-9)
    assert res.r_squared == pytest.approx(sm.rsquared, rel=1e-10)
    assert res.correlation == pytest.approx(np.corrcoef(a, m)[0, 1], rel=1e-10)
    # tracking error of the beta-hedged asset: sd(a - beta m, ddof=1) * sqrt(252)
    te = np.std(a.to_numpy() - sm.params[1] * m.to_numpy(), ddof=1) * math.sqrt(
        TRADING_DAYS_PER_YEAR
    )
    assert res.residual_vol_annual == pytest.approx(te, rel=1e-10)
    assert res.residual_vol_annual == pytest.approx(
        math.sqrt(sm.ssr / (sm.nobs - 1) * 252), rel=1e-10
    )
    assert res.n_obs == sm.nobs == 750
    assert (res.method, res.index_name, res.frequency) == ("ols", "SPX", "daily")
    assert res.start == a.index[0]
    assert res.end == a.index[-1]
    assert res.raw_beta == res.beta


def test_estimator_object_equals_function_and_window(rng):
    a, m = _pair(rng)
    fitted = OLSBeta(window=250).fit(a, m, end=a.index[600])
    direct = ols_beta(a, m, window=250, end=a.index[600])
    assert fitted == direct
    sm = ref.statsmodels_ols(a.iloc[351:601].to_numpy(), m.iloc[351:601].to_numpy())
    assert fitted.beta == pytest.approx(sm.params[1], rel=1e-10)
    assert fitted.n_obs == 250


def test_weekly_annualises_with_52_and_frequency_is_checked(rng):
    n = 300
    idx = pd.date_range("2015-01-09", periods=n, freq="W-FRI")
    m = pd.Series(ref.market_like_returns(rng, n, vol_daily=0.02), index=idx)
    a = pd.Series(0.9 * m.to_numpy() + rng.normal(0, 0.01, n), index=idx)
    res = ols_beta(a, m, frequency="weekly")
    sm = ref.statsmodels_ols(a.to_numpy(), m.to_numpy())
    assert res.residual_vol_annual == pytest.approx(math.sqrt(sm.ssr / (n - 1) * 52), rel=1e-10)
    with pytest.raises(InputError, match="spaced"):
        ols_beta(a, m)  # weekly data declared daily
    d_a, d_m = _pair(rng, n=100)
    with pytest.raises(InputError, match="spaced"):
        ols_beta(d_a, d_m, frequency="weekly")


def test_degenerate_inputs_raise(rng):
    a, m = _pair(rng, n=60)
    with pytest.raises(InputError, match="index returns are constant"):
        ols_beta(a, m * 0 + 0.001)
    with pytest.raises(InputError, match="asset returns are constant"):
        ols_beta(a * 0, m)


def test_to_dict_is_json_safe(rng):
    a, m = _pair(rng, n=60)
    d = ols_beta(a, m).to_dict()
    text = json.dumps(d)
    assert '"start": "2018-01-02"' in text
    assert isinstance(d["beta"], float)
    assert isinstance(d["n_obs"], int)
    assert json.loads(json.dumps(manual_beta(1.1, index_name="SPX").to_dict()))["beta_se"] is None


_returns_arrays = hnp.arrays(
    np.float64,
    st.integers(25, 80),
    elements=st.floats(-0.1, 0.1, allow_nan=False, allow_subnormal=False),
)


@given(_returns_arrays, st.integers(0, 2**32 - 1), st.floats(-1.0, 1.0))
def test_beta_invariant_to_adding_a_constant_to_asset_returns(x, seed, c):
    assume(np.std(x) > 1e-3)
    idx = pd.bdate_range("2020-01-01", periods=len(x))
    y = 0.7 * x + np.random.default_rng(seed).normal(0, 0.01, len(x))
    base = ols_beta(pd.Series(y, idx), pd.Series(x, idx))
    shifted = ols_beta(pd.Series(y + c, idx), pd.Series(x, idx))
    assert shifted.beta == pytest.approx(base.beta, rel=1e-7, abs=1e-7)
    assert shifted.r_squared == pytest.approx(base.r_squared, rel=1e-6, abs=1e-7)
    assert shifted.alpha == pytest.approx(base.alpha + c, abs=1e-7)


@given(
    _returns_arrays, st.integers(0, 2**32 - 1), st.floats(-5.0, 5.0).filter(lambda k: abs(k) > 0.01)
)
def test_beta_scales_linearly_with_asset_returns(x, seed, k):
    assume(np.std(x) > 1e-3)
    idx = pd.bdate_range("2020-01-01", periods=len(x))
    y = 1.1 * x + np.random.default_rng(seed).normal(0, 0.01, len(x))
    base = ols_beta(pd.Series(y, idx), pd.Series(x, idx))
    scaled = ols_beta(pd.Series(k * y, idx), pd.Series(x, idx))
    assert scaled.beta == pytest.approx(k * base.beta, rel=1e-7, abs=1e-9)
    assert scaled.beta_se == pytest.approx(abs(k) * base.beta_se, rel=1e-6)
    assert scaled.r_squared == pytest.approx(base.r_squared, rel=1e-6, abs=1e-9)
    assert 0.0 <= base.r_squared <= 1.0 + 1e-12


# --- Blume and Vasicek --------------------------------------------------------------


@pytest.mark.parametrize(("raw", "expected"), ref.BLUME_CASES)
def test_blume_hand_computed(raw, expected):
    assert blume_adjust(raw) == pytest.approx(expected, rel=1e-15)


def test_blume_on_result_keeps_raw(rng):
    a, m = _pair(rng, n=120)
    raw = ols_beta(a, m)
    adj = blume_adjust(raw)
    assert isinstance(adj, BetaResult)
    assert adj.method == "blume"
    assert adj.raw_beta == raw.beta
    assert adj.beta == pytest.approx(2 / 3 * raw.beta + 1 / 3)
    assert (adj.prior_mean, adj.shrinkage_weight) == (1.0, pytest.approx(2 / 3))
    assert adj.r_squared == raw.r_squared
    assert adj.beta_se == raw.beta_se
    assert BlumeBeta().fit(a, m) == adj
    with pytest.raises(InputError, match="already blume-adjusted"):
        blume_adjust(adj)


@pytest.mark.parametrize("case", ref.VASICEK_CASES)
def test_vasicek_hand_computed(case):
    post = vasicek_shrink(
        case.beta, case.beta_se, prior_mean=case.prior_mean, prior_sd=case.prior_sd
    )
    assert post == pytest.approx(case.posterior, rel=1e-13)


@pytest.mark.parametrize("case", ref.VASICEK_CASES)
def test_vasicek_on_result(case, rng):
    a, m = _pair(rng, n=60)
    raw = ols_beta(a, m)
    # plant the reference beta and SE into a result to check the BetaResult path
    from dataclasses import replace

    planted = replace(raw, beta=case.beta, raw_beta=case.beta, beta_se=case.beta_se)
    post = vasicek_shrink(planted, prior_mean=case.prior_mean, prior_sd=case.prior_sd)
    assert post.beta == pytest.approx(case.posterior, rel=1e-13)
    assert post.shrinkage_weight == pytest.approx(case.weight_on_sample, rel=1e-13)
    assert post.method == "vasicek"
    assert post.raw_beta == case.beta
    assert post.prior_mean == case.prior_mean


def test_vasicek_limits():
    # sigma_beta -> 0: the sample beta; prior_sd -> 0: the prior
    assert vasicek_shrink(1.7, 0.0, prior_mean=1.0, prior_sd=0.4) == 1.7
    assert vasicek_shrink(1.7, 1e-9, prior_mean=1.0, prior_sd=0.4) == pytest.approx(1.7, abs=1e-12)
    assert vasicek_shrink(1.7, 0.3, prior_mean=1.1, prior_sd=0.0) == 1.1
    assert vasicek_shrink(1.7, 0.3, prior_mean=1.1, prior_sd=1e-9) == pytest.approx(1.1, abs=1e-12)
    # a very vague prior leaves the sample beta
    assert vasicek_shrink(1.7, 0.3, prior_sd=1e6) == pytest.approx(1.7, abs=1e-9)
    with pytest.raises(InputError, match="both zero"):
        vasicek_shrink(1.7, 0.0, prior_sd=0.0)
    with pytest.raises(InputError, match="negative"):
        vasicek_shrink(1.7, -0.1, prior_sd=0.3)
    with pytest.raises(InputError, match="standard error"):
        vasicek_shrink(manual_beta(1.2, index_name="SPX"), prior_sd=0.3)


@given(st.floats(-3, 3), st.floats(0.001, 2), st.floats(-3, 3), st.floats(0.001, 2))
def test_vasicek_posterior_lies_between_sample_and_prior(b, se, mu, sd):
    post = vasicek_shrink(b, se, prior_mean=mu, prior_sd=sd)
    assert min(b, mu) - 1e-12 <= post <= max(b, mu) + 1e-12


def test_cross_sectional_prior_and_vasicek_estimator(rng):
    prior = cross_sectional_prior(ref.CROSS_SECTION_BETAS)
    assert prior.mean == pytest.approx(ref.CROSS_SECTION_MEAN)
    assert prior.sd == pytest.approx(ref.CROSS_SECTION_SD)
    assert prior.n_betas == 3
    assert cross_sectional_prior(dict(zip("abc", ref.CROSS_SECTION_BETAS, strict=True))) == prior
    with pytest.raises(InputError, match="several"):
        cross_sectional_prior([1.0, 1.2])
    a, m = _pair(rng, n=80)
    fitted = VasicekBeta.from_prior(prior).fit(a, m)
    assert fitted == vasicek_shrink(ols_beta(a, m), prior_mean=1.0, prior_sd=0.5)


# --- holdings -----------------------------------------------------------------------


def test_holdings_weighted_beta_hand_computed():
    assert holdings_weighted_beta(ref.HOLDINGS_WEIGHTS, ref.HOLDINGS_BETAS) == pytest.approx(
        ref.HOLDINGS_BETA
    )
    res = holdings_beta(
        ref.HOLDINGS_WEIGHTS, ref.HOLDINGS_BETAS, index_name="SPX", frequency="daily"
    )
    assert res.method == "holdings"
    assert res.beta == pytest.approx(ref.HOLDINGS_BETA)


def test_holdings_errors(rng):
    with pytest.raises(InputError, match="sum to 1"):
        holdings_weighted_beta({"AAA": 0.5, "BBB": 0.3}, ref.HOLDINGS_BETAS)
    with pytest.raises(InputError, match="no beta") as exc:
        holdings_weighted_beta({"AAA": 0.5, "ZZZ": 0.5}, ref.HOLDINGS_BETAS)
    assert "ZZZ" in str(exc.value)
    a, m = _pair(rng, n=60)
    b_spx = ols_beta(a, m)
    b_ndx = ols_beta(a, m, index_name="NDX")
    with pytest.raises(InputError, match="different indices"):
        holdings_weighted_beta({"A": 0.5, "B": 0.5}, {"A": b_spx, "B": b_ndx})
    res = holdings_beta({"A": 0.5, "B": 0.5}, {"A": b_spx, "B": 1.0})
    assert res.index_name == "SPX"
    assert res.beta == pytest.approx(0.5 * b_spx.beta + 0.5)
    with pytest.raises(InputError, match="name the index"):
        holdings_beta({"A": 1.0}, {"A": 1.0}, frequency="daily")


def test_real_spy_vs_sp500_beta_is_one():
    from hedgekit.datasets import load_etf, load_sp500

    spy = returns_from_prices(load_etf("SPY")["close"])
    spx = returns_from_prices(load_sp500()["close"])
    res = ols_beta(spy, spx, start="2010-01-01", end="2020-12-31", index_name="SPX")
    # SPY holds the S&P 500; its adjusted (total-return) prices differ from the price
    # index only by dividends on ex-dates and the fund's fee.
    assert abs(res.beta - 1.0) < 0.02
    assert res.r_squared > 0.98
    assert res.n_obs > 2700
