"""Time-varying hedge ratios: DCC-GARCH recovery, degenerate cases, independent references."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hedgekit.estimation import (
    DCCGarchHedge,
    DCCParams,
    EWMAHedge,
    GarchParams,
    RollingOLSHedge,
    dcc_correlation_path,
    dcc_hedge_ratio,
    dcc_loglik,
    ewma_hedge_ratio,
    garch_variance_path,
    rolling_hedge_ratio,
    simulate_dcc_garch,
)
from hedgekit.estimation._time_varying import dcc_filter, fit_dcc_core

TRUE = DCCParams(
    spot=GarchParams(omega=2e-6, alpha=0.08, beta=0.90, backcast=0.0),
    futures=GarchParams(omega=1.5e-6, alpha=0.07, beta=0.91, backcast=0.0),
    a=0.05,
    b=0.90,
    q_bar=(1.0, 0.8, 1.0),
)
N = 3000
SEEDS = (0, 1, 2, 3, 4)


def _series(x: np.ndarray, start: str = "2000-01-03") -> pd.Series:
    return pd.Series(x, index=pd.bdate_range(start, periods=x.size))


@pytest.fixture(scope="module")
def fits() -> list[tuple[DCCParams, dict[str, float], np.ndarray, np.ndarray, np.ndarray]]:
    out = []
    for seed in SEEDS:
        s, f, rho = simulate_dcc_garch(N, TRUE, seed=seed)
        params, _, se, _ = fit_dcc_core(s, f)
        out.append((params, se, s, f, rho))
    return out


# --------------------------------------------------------------------------- recovery


def test_dcc_recovers_correlation_parameters_on_each_seed(fits):
    # Tolerances: at N = 3000 the Hessian standard errors are about 0.01 for a and 0.025 for
    # b, and b carries the known small-sample downward bias of correlation targeting
    # (Engle & Sheppard 2001; Aielli 2013): |a - a0| < 0.03 (3 s.e.), |b - b0| < 0.08
    # (about 3 s.e. plus the bias), and the persistence a + b, which is much better
    # identified than either, within 0.06.
    for params, se, *_ in fits:
        assert abs(params.a - TRUE.a) < 0.03
        assert abs(params.b - TRUE.b) < 0.08
        assert abs(params.a + params.b - (TRUE.a + TRUE.b)) < 0.06
        assert params.a + params.b < 1.0
        assert 0.0 < se["a"] < 0.03
        assert 0.0 < se["b"] < 0.08


def test_dcc_recovery_is_unbiased_on_average_over_seeds(fits):
    # Averaging 5 seeds divides the sampling noise by about 2.2; what is left is the bias.
    a_mean = np.mean([p.a for p, *_ in fits])
    b_mean = np.mean([p.b for p, *_ in fits])
    assert a_mean == pytest.approx(TRUE.a, abs=0.015)
    assert b_mean == pytest.approx(TRUE.b, abs=0.05)


def test_dcc_recovers_garch_margins(fits):
    # GARCH(1,1) QML at N = 3000: alpha within 0.03 and beta within 0.05 (about 3 s.e.).
    for params, *_ in fits:
        assert params.spot.alpha == pytest.approx(TRUE.spot.alpha, abs=0.03)
        assert params.spot.beta == pytest.approx(TRUE.spot.beta, abs=0.05)
        assert params.futures.alpha == pytest.approx(TRUE.futures.alpha, abs=0.03)
        assert params.futures.beta == pytest.approx(TRUE.futures.beta, abs=0.05)


def test_dcc_tracks_the_true_correlation_path(fits):
    # The filtered correlation must follow the simulated one, not just match its mean.
    for params, _, s, f, rho_true in fits:
        _, rho, _, _ = dcc_filter(params, s, f)
        assert np.corrcoef(rho[:-1], rho_true)[0, 1] > 0.8
        assert np.mean(np.abs(rho[:-1] - rho_true)) < 0.05


def test_dcc_result_reports_fit_and_forecast():
    s, f, _ = simulate_dcc_garch(N, TRUE, seed=11)
    res = DCCGarchHedge().fit(_series(s), _series(f))
    assert res.method == "dcc"
    assert res.fallback is None
    assert res.warnings == ()
    assert set(res.std_errors) == {"a", "b"}
    assert res.log_likelihood is not None
    assert math.isfinite(res.log_likelihood)
    assert res.dcc is not None
    # The forecast is rho * sigma_S / sigma_F of the next day.
    assert res.h_forecast == pytest.approx(
        res.rho_forecast * res.sigma_spot_forecast / res.sigma_futures_forecast
    )
    np.testing.assert_allclose(res.h, res.rho * res.sigma_spot / res.sigma_futures)
    d = res.to_dict()
    assert d["method"] == "dcc"
    assert d["params"]["a"] == pytest.approx(res.params["a"])


def test_dcc_warm_start_reaches_the_same_optimum():
    s, f, _ = simulate_dcc_garch(N, TRUE, seed=12)
    cold, ll_cold, _, _ = fit_dcc_core(s, f)
    warm, ll_warm, _, _ = fit_dcc_core(s, f, start=cold)
    assert ll_warm == pytest.approx(ll_cold, abs=1e-3)
    assert warm.a == pytest.approx(cold.a, abs=2e-3)
    assert warm.b == pytest.approx(cold.b, abs=5e-3)


# --------------------------------------------------------------------------- degenerate cases


def test_a_b_zero_gives_the_sample_correlation_of_standardized_residuals(rng):
    zs = rng.standard_normal(500)
    zf = 0.6 * zs + 0.8 * rng.standard_normal(500)
    c = np.cov(np.vstack([zs, zf]))
    q_bar = (c[0, 0], c[0, 1], c[1, 1])
    rho = dcc_correlation_path(zs, zf, 0.0, 0.0, q_bar)
    np.testing.assert_allclose(rho, np.corrcoef(zs, zf)[0, 1], rtol=1e-12)


def test_constant_correlation_process_is_fitted_with_a_near_zero():
    const = DCCParams(TRUE.spot, TRUE.futures, a=0.0, b=0.0, q_bar=(1.0, 0.7, 1.0))
    s, f, rho_true = simulate_dcc_garch(N, const, seed=5)
    np.testing.assert_allclose(rho_true, 0.7)
    params, _, _, _ = fit_dcc_core(s, f)
    # With no correlation dynamics the QML a is near 0 (sampling noise ~0.01); b is then
    # unidentified, so only the correlation path is checked: flat at the sample value.
    assert params.a < 0.03
    _, rho, _, _ = dcc_filter(params, s, f)
    assert np.std(rho) < 0.03
    assert np.mean(rho) == pytest.approx(0.7, abs=0.03)


def test_loglik_is_maximised_at_the_fit():
    s, f, _ = simulate_dcc_garch(N, TRUE, seed=6)
    params, ll, _, _ = fit_dcc_core(s, f)
    zs = s / np.sqrt(garch_variance_path(s, params.spot)[:-1])
    zf = f / np.sqrt(garch_variance_path(f, params.futures)[:-1])
    for da, db in ((0.01, 0.0), (-0.01, 0.0), (0.0, 0.02), (0.0, -0.02)):
        assert dcc_loglik(zs, zf, params.a + da, params.b + db, params.q_bar) < ll


def test_failed_fit_falls_back_to_ewma_and_says_why():
    s, _f, _ = simulate_dcc_garch(300, TRUE, seed=7)
    # Futures returns that are an exact multiple of the spot's: perfectly correlated
    # standardized residuals, for which the DCC likelihood is undefined.
    res = dcc_hedge_ratio(_series(s), _series(2.0 * s))
    assert res.fallback == "ewma"
    assert len(res.warnings) == 1
    assert "DCC-GARCH fit failed" in res.warnings[0]
    assert "perfectly correlated" in res.warnings[0]
    ewma = ewma_hedge_ratio(_series(s), _series(2.0 * s))
    assert res.h_forecast == pytest.approx(ewma.h_forecast)
    assert res.h_forecast == pytest.approx(0.5)


def test_too_short_sample_falls_back():
    s, f, _ = simulate_dcc_garch(100, TRUE, seed=8)
    res = dcc_hedge_ratio(_series(s), _series(f), min_obs=20)
    assert res.fallback == "ewma"
    assert "at least 250" in res.warnings[0]


# --------------------------------------------------------------------------- references


def test_garch_filter_reproduces_arch_conditional_volatility():
    from arch import arch_model

    s, _, _ = simulate_dcc_garch(1500, TRUE, seed=9)
    params, _, _, _ = fit_dcc_core(s, simulate_dcc_garch(1500, TRUE, seed=10)[1])
    fit = arch_model(s * 100, mean="Zero", vol="GARCH", rescale=False).fit(disp="off")
    assert params.spot.alpha == pytest.approx(float(fit.params["alpha[1]"]), abs=1e-6)
    v = garch_variance_path(s, params.spot)
    np.testing.assert_allclose(np.sqrt(v[:-1]) * 100, fit.conditional_volatility, rtol=1e-8)


@pytest.mark.filterwarnings("ignore:the matrix subclass:PendingDeprecationWarning")
def test_correlation_recursion_agrees_with_mgarch():
    """mgarch 0.3 (PyPI) as an independent DCC recursion.

    What it computes: in ``predict`` its ``Q_t[i]`` is built from the standardized
    residual of day ``i`` itself (Engle's :math:`Q_{i+1}`), started at
    ``Q_t[0] = r_0 r_0^T / 4``, with ``Q_bar = np.cov(returns.reshape(N, T))`` (a reshape,
    not a transpose) and ``D_t`` its own GARCH volatilities. Its fitted (a, b) and its
    log-likelihood (which uses ``log(sum D)`` instead of ``sum log D``) are therefore not
    comparable with Engle's; its correlation recursion is. So ``Q_bar``, the start and
    ``D_t`` are taken from mgarch, fed to :func:`dcc_correlation_path`, and the last
    conditional covariance must agree to rounding.
    """
    from mgarch import mgarch

    s, f, _ = simulate_dcc_garch(400, TRUE, seed=13)
    r = np.column_stack([s, f])
    m = mgarch()
    m.rt = np.matrix(r)
    m.T, m.N = r.shape
    d = np.column_stack([np.linspace(0.008, 0.012, m.T), np.linspace(0.011, 0.009, m.T)])
    m.D_t = d
    m.a, m.b = 0.04, 0.93
    h_mgarch = np.asarray(m.predict()["cov"])
    q_bar_m = np.cov(m.rt.reshape(m.N, m.T))
    q0 = np.outer(r[0], r[0]) / 4.0
    z = r / d
    # Engle index: Q_1 = mgarch Q[0]; Q_{t+1} uses z_t for t = 1..T-1.
    rho = dcc_correlation_path(
        z[1:, 0],
        z[1:, 1],
        0.04,
        0.93,
        (q_bar_m[0, 0], q_bar_m[0, 1], q_bar_m[1, 1]),
        q_init=(q0[0, 0], q0[0, 1], q0[1, 1]),
    )
    dt = d[-1]
    expected_cross = rho[-1] * dt[0] * dt[1]
    assert h_mgarch[0, 1] == pytest.approx(expected_cross, rel=1e-10)
    assert h_mgarch[0, 0] == pytest.approx(dt[0] ** 2, rel=1e-10)


def test_rolling_ratio_agrees_with_statsmodels_rolling_ols(rng):
    from statsmodels.regression.rolling import RollingOLS

    n, w = 400, 60
    f = rng.normal(0, 0.01, n)
    s = 0.9 * f + rng.normal(0, 0.004, n) * np.linspace(0.5, 2.0, n)
    res = rolling_hedge_ratio(_series(s), _series(f), window=w)
    x = np.column_stack([np.ones(n), f])
    slope = RollingOLS(s, x, window=w).fit().params[:, 1]
    # Ex-ante: our h on day t is the slope of the window ending the day before.
    np.testing.assert_allclose(res.h.to_numpy()[w:], slope[w - 1 : -1], rtol=1e-9)
    assert res.h_forecast == pytest.approx(slope[-1], rel=1e-9)
    assert res.h.iloc[:w].isna().all()
    assert RollingOLSHedge(window=w).fit(_series(s), _series(f)).h_forecast == res.h_forecast


def test_ewma_ratio_is_the_ratio_of_riskmetrics_moments(rng):
    n, lam = 300, 0.94
    f = rng.normal(0, 0.01, n)
    s = 1.1 * f + rng.normal(0, 0.005, n)
    res = EWMAHedge(decay=lam).fit(_series(s), _series(f))
    cov = np.mean(s[:75] * f[:75])
    var = np.mean(f[:75] ** 2)
    for t in range(n):
        cov = lam * cov + (1 - lam) * s[t] * f[t]
        var = lam * var + (1 - lam) * f[t] ** 2
    assert res.h_forecast == pytest.approx(cov / var, rel=1e-10)


# --------------------------------------------------------------------------- invariants


@settings(max_examples=25, deadline=None)
@given(
    c=st.floats(min_value=0.1, max_value=10.0),
    seed=st.integers(min_value=0, max_value=10_000),
    model=st.sampled_from(["rolling", "ewma"]),
)
def test_scaling_futures_returns_by_c_scales_h_by_one_over_c(c, seed, model):
    rng = np.random.default_rng(seed)
    f = rng.normal(0, 0.01, 300)
    s = 0.8 * f + rng.normal(0, 0.006, 300)
    fit = rolling_hedge_ratio if model == "rolling" else ewma_hedge_ratio
    base = fit(_series(s), _series(f))
    scaled = fit(_series(s), _series(c * f))
    np.testing.assert_allclose(scaled.h.to_numpy(), base.h.to_numpy() / c, rtol=1e-9)
    assert scaled.h_forecast == pytest.approx(base.h_forecast / c, rel=1e-9)


def test_dcc_scaling_futures_returns_scales_h(fits):
    # DCC: the GARCH fit is scale-equivariant (omega scales by c^2), so h scales by 1/c up
    # to optimiser tolerance.
    _, _, s, f, _ = fits[0]
    base = dcc_hedge_ratio(_series(s), _series(f))
    scaled = dcc_hedge_ratio(_series(s), _series(2.0 * f))
    assert scaled.h_forecast == pytest.approx(base.h_forecast / 2.0, rel=2e-3)
