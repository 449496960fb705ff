from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from hedgekit.errors import InputError
from hedgekit.estimation import (
    MinVarianceHedge,
    futures_returns_excluding_rolls,
    hedge_effectiveness,
    min_variance_hedge_ratio,
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


def test_h_star_is_the_statsmodels_slope_and_effectiveness_its_r_squared(rng):
    n = 500
    idx = pd.bdate_range("2019-01-02", periods=n)
    f = ref.market_like_returns(rng, n)
    s = 0.85 * f + rng.normal(0, 0.004, n)
    res = min_variance_hedge_ratio(pd.Series(s, idx), pd.Series(f, idx, name="ES"))
    sm = ref.statsmodels_ols(s, f)
    assert res.h_star == pytest.approx(sm.params[1], rel=1e-10)
    assert res.h_star_se == pytest.approx(sm.bse[1], rel=1e-9)
    assert res.effectiveness == pytest.approx(sm.rsquared, rel=1e-10)
    # Hull eq. 3.1 term by term
    assert res.rho == pytest.approx(np.corrcoef(s, f)[0, 1], rel=1e-12)
    assert res.sigma_spot_annual == pytest.approx(np.std(s, ddof=1) * math.sqrt(252), rel=1e-12)
    assert res.sigma_futures_annual == pytest.approx(np.std(f, ddof=1) * math.sqrt(252), rel=1e-12)
    assert res.h_star == pytest.approx(res.rho * res.sigma_spot_annual / res.sigma_futures_annual)
    assert res.hedge_name == "ES"
    assert res.n_obs == n
    assert MinVarianceHedge().fit(pd.Series(s, idx), pd.Series(f, idx, name="ES")) == res
    assert res.to_dict()["start"] == "2019-01-02"


def test_h_star_recovers_beta_in_a_large_sample(rng):
    # spot = beta * futures + independent noise  =>  h* -> beta
    n = 20_000
    idx = pd.bdate_range("1950-01-02", periods=n)
    f = ref.market_like_returns(rng, n)
    s = 0.8 * f + rng.normal(0, 0.005, n)
    res = min_variance_hedge_ratio(pd.Series(s, idx), pd.Series(f, idx))
    assert res.h_star == pytest.approx(0.8, abs=0.01)
    assert abs(res.h_star - 0.8) < 4 * res.h_star_se


@given(
    hnp.arrays(
        np.float64, st.integers(25, 60), elements=st.floats(-0.1, 0.1, allow_subnormal=False)
    ),
    st.integers(0, 2**32 - 1),
    st.floats(-2.0, 2.0),
)
def test_effectiveness_is_in_unit_interval_and_equals_in_sample_variance_reduction(f, seed, b):
    assume(np.std(f) > 1e-3)
    idx = pd.bdate_range("2021-01-01", periods=len(f))
    s = b * f + np.random.default_rng(seed).normal(0, 0.01, len(f))
    res = min_variance_hedge_ratio(pd.Series(s, idx), pd.Series(f, idx))
    assert 0.0 <= res.effectiveness <= 1.0
    hedged = pd.Series(s - res.h_star * f, idx)
    he = hedge_effectiveness(hedged, pd.Series(s, idx))
    assert he == pytest.approx(res.effectiveness, abs=1e-9)


def test_hedge_effectiveness_by_hand():
    idx = pd.bdate_range("2024-01-02", periods=20)
    unhedged = pd.Series(np.tile([0.02, -0.02], 10), idx)
    hedged = unhedged * 0.5  # variance quartered: HE = 1 - 1/4
    assert hedge_effectiveness(hedged, unhedged) == pytest.approx(0.75)
    assert hedge_effectiveness(unhedged * 2, unhedged) == pytest.approx(-3.0)  # hedge adds variance
    with pytest.raises(InputError, match="same dates"):
        hedge_effectiveness(hedged.drop(idx[5]), unhedged)
    with pytest.raises(InputError, match="no variance"):
        hedge_effectiveness(hedged, unhedged * 0)


def test_roll_days_counted_in_result(rng):
    n = 80
    idx = pd.bdate_range("2024-01-02", periods=n + 1)
    f_levels = 5000 * np.cumprod(1 + ref.market_like_returns(rng, n + 1))
    labels = pd.Series(["ESH2024"] * 20 + ["ESM2024"] * 40 + ["ESU2024"] * (n + 1 - 60), index=idx)
    fr = futures_returns_excluding_rolls(pd.Series(f_levels, idx), labels, name="ES")
    spot = pd.Series(0.9 * fr.returns.fillna(0.0).to_numpy() + rng.normal(0, 0.003, n), idx[1:])
    res = min_variance_hedge_ratio(spot, fr)
    assert res.n_roll_days_excluded == 2
    assert res.n_obs == n - 2
    keep = ~fr.returns.isna()
    sm = ref.statsmodels_ols(spot[keep].to_numpy(), fr.returns[keep].to_numpy())
    assert res.h_star == pytest.approx(sm.params[1], rel=1e-10)
    with pytest.raises(InputError, match="constant"):
        min_variance_hedge_ratio(spot, spot * 0)
