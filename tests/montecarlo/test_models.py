"""Path models: GBM moments, GARCH against arch's own fit and forecast, chunked draws."""

from __future__ import annotations

import math

import numpy as np
import pytest

from hedgekit.errors import InputError
from hedgekit.montecarlo import (
    Garch11,
    Gbm,
    StationaryBootstrap,
    historical_sample,
    iter_path_chunks,
)

DT = 1 / 252


@pytest.fixture(scope="module")
def sample():  # type: ignore[no-untyped-def]
    return historical_sample()


def test_gbm_log_return_moments() -> None:
    # ln(S_{t+dt}/S_t) ~ N((mu - sigma^2/2) dt, sigma^2 dt) (Hull 11th ed., 15.1-15.3)
    mu, sigma = 0.08, 0.25
    paths = Gbm(mu, sigma, 0.03).simulate(2000, 100, np.random.default_rng(1))
    x = np.log1p(paths.index_return).ravel()
    n = x.size
    mean, var = (mu - sigma**2 / 2) * DT, sigma**2 * DT
    assert abs(x.mean() - mean) < 5 * math.sqrt(var / n)
    assert abs(x.var(ddof=1) - var) < 5 * var * math.sqrt(2 / (n - 1))
    # E[S_T / S_0] = exp(mu T) over T = 100 days
    growth = np.prod(1 + paths.index_return, axis=1)
    sd = math.sqrt(math.exp(2 * mu * 100 * DT) * (math.exp(sigma**2 * 100 * DT) - 1))
    assert abs(growth.mean() - math.exp(mu * 100 * DT)) < 5 * sd / math.sqrt(growth.size)
    assert (paths.rate_annual == 0.03).all()
    assert np.isnan(paths.vix).all()


def test_gbm_from_sample(sample) -> None:  # type: ignore[no-untyped-def]
    g = Gbm.from_sample(sample)
    logs = np.log1p(sample.index_return)
    assert g.sigma_annual == pytest.approx(np.std(logs, ddof=1) * math.sqrt(252), rel=1e-12)
    assert g.mu_annual == pytest.approx(logs.mean() * 252 + g.sigma_annual**2 / 2, rel=1e-12)
    assert g.rate_annual == sample.rate_annual[-1]


def test_gbm_rejects_bad_parameters() -> None:
    with pytest.raises(InputError) as err:
        Gbm(0.05, 0.0, 0.01)
    assert err.value.source == "sigma_annual"


@pytest.fixture(scope="module")
def garch(sample):  # type: ignore[no-untyped-def]
    return Garch11.fit(sample.window("2010-01-01", "2019-12-31"))


def test_garch_parameters_are_arch_maximum_likelihood(sample, garch) -> None:  # type: ignore[no-untyped-def]
    from arch import arch_model

    part = sample.window("2010-01-01", "2019-12-31")
    ref = arch_model(part.index_return * 100, vol="GARCH", p=1, q=1, rescale=False).fit(disp="off")
    assert garch.mu == pytest.approx(ref.params["mu"], rel=1e-6)
    assert garch.omega == pytest.approx(ref.params["omega"], rel=1e-6)
    assert garch.alpha == pytest.approx(ref.params["alpha[1]"], rel=1e-6)
    assert garch.beta == pytest.approx(ref.params["beta[1]"], rel=1e-6)
    assert garch.fitted_span == ("2010-01-04", "2019-12-31")


def test_garch_simulation_starts_from_the_fitted_variance(garch) -> None:  # type: ignore[no-untyped-def]
    from arch import arch_model

    model = arch_model(garch.returns_pct, vol="GARCH", p=1, q=1, rescale=False)
    fixed = model.fix([garch.mu, garch.omega, garch.alpha, garch.beta])
    var1 = float(fixed.forecast(horizon=1, reindex=False).variance.to_numpy()[-1, 0])
    paths = garch.simulate(20_000, 3, np.random.default_rng(2))
    day1 = paths.index_return[:, 0] * 100
    n = day1.size
    assert abs(day1.mean() - garch.mu) < 5 * math.sqrt(var1 / n)
    assert abs(day1.var(ddof=1) - var1) < 5 * var1 * math.sqrt(2 / (n - 1))


def test_garch_is_seeded(garch) -> None:  # type: ignore[no-untyped-def]
    a = garch.simulate(50, 10, np.random.default_rng(3)).index_return
    b = garch.simulate(50, 10, np.random.default_rng(3)).index_return
    c = garch.simulate(50, 10, np.random.default_rng(4)).index_return
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_garch_must_be_stationary() -> None:
    with pytest.raises(InputError) as err:
        Garch11(0.0, 0.01, 0.2, 0.8, np.zeros(10), 0.01)
    assert err.value.source == "alpha + beta"


def test_chunks_are_reproducible_and_of_the_right_size(sample) -> None:  # type: ignore[no-untyped-def]
    model = StationaryBootstrap(sample)
    a = list(iter_path_chunks(model, 1000, 30, 12, chunk_paths=300))
    b = list(iter_path_chunks(model, 1000, 30, np.random.default_rng(12), chunk_paths=300))
    assert [c.paths.n_paths for c in a] == [300, 300, 300, 100]
    assert [c.start for c in a] == [0, 300, 600, 900]
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x.paths.index_return, y.paths.index_return)
    other = next(iter_path_chunks(model, 1000, 30, 13, chunk_paths=300))
    assert not np.array_equal(other.paths.index_return, a[0].paths.index_return)


def test_index_levels_compound_the_returns() -> None:
    paths = Gbm(0.05, 0.2, 0.0).simulate(4, 6, np.random.default_rng(0))
    levels = paths.index_levels(100.0)
    assert levels.shape == (4, 7)
    np.testing.assert_allclose(levels[:, 1:] / levels[:, :-1] - 1, paths.index_return, rtol=1e-12)
