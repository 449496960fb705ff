from __future__ import annotations

import importlib.util
import json
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from hedgekit.errors import InputError
from hedgekit.estimation import (
    assess_joint_hedge,
    compare_indices,
    multi_index_beta,
    ols_beta,
    returns_from_prices,
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


def _indices(rng, n=1000):
    idx = pd.bdate_range("2016-01-04", periods=n)
    spx = ref.market_like_returns(rng, n)
    ndx = 1.1 * spx + rng.normal(0, 0.006, n)  # correlated, not collinear
    rut = 0.9 * spx + rng.normal(0, 0.009, n)
    return idx, {"SPX": pd.Series(spx, idx), "NDX": pd.Series(ndx, idx), "RUT": pd.Series(rut, idx)}


def test_compare_indices_ranks_by_r_squared_and_matches_single_fits(rng):
    idx, c = _indices(rng)
    port = pd.Series(0.95 * c["NDX"].to_numpy() + rng.normal(0, 0.003, len(idx)), idx)
    table = compare_indices(port, c)
    assert table.best == "NDX"
    assert [r.rank for r in table.rows] == [1, 2, 3]
    r2 = [r.r_squared for r in table.rows]
    assert r2 == sorted(r2, reverse=True)
    te = [r.tracking_error_annual for r in table.rows]
    assert te == sorted(te)
    for row in table.rows:
        sm = ref.statsmodels_ols(port.to_numpy(), c[row.name].to_numpy())
        assert row.beta == pytest.approx(sm.params[1], rel=1e-10)
        assert row.r_squared == pytest.approx(sm.rsquared, rel=1e-10)
        assert row.tracking_error_annual == pytest.approx(
            math.sqrt(sm.ssr / (sm.nobs - 1) * 252), rel=1e-10
        )
        assert row == table.row(row.name)
        assert row.beta == pytest.approx(ols_beta(port, c[row.name]).beta, rel=1e-12)
    best, second = table.rows[0], table.rows[1]
    assert table.reason.startswith(f"NDX explains {best.r_squared:.0%} of daily variance vs ")
    assert f"for {second.name}" in table.reason
    assert (
        f"{best.tracking_error_annual:.1%} vs {second.tracking_error_annual:.1%} a year"
        in table.reason
    )
    frame = table.to_frame()
    assert list(frame.index) == [r.name for r in table.rows]
    assert {"beta", "r_squared", "correlation", "tracking_error_annual", "n_obs"} <= set(
        frame.columns
    )
    json.dumps(table.to_dict())


def test_compare_indices_uses_one_common_sample_and_refuses_mismatch(rng):
    idx, c = _indices(rng)
    port = pd.Series(c["SPX"].to_numpy(), idx) + rng.normal(0, 0.002, len(idx))
    late = dict(c)
    late["RUT"] = c["RUT"].iloc[200:]  # listed later: the common sample starts there
    table = compare_indices(port, late)
    assert table.start == idx[200]
    assert all(r.n_obs == len(idx) - 200 for r in table.rows)
    holed = dict(c)
    holed["RUT"] = c["RUT"].drop(idx[500])
    with pytest.raises(InputError, match="only in portfolio_returns"):
        compare_indices(port, holed)
    with pytest.raises(InputError, match="candidate"):
        compare_indices(port, {})


def test_multi_index_beta_matches_statsmodels(rng):
    idx, c = _indices(rng)
    port = pd.Series(
        0.6 * c["SPX"].to_numpy() + 0.4 * c["RUT"].to_numpy() + rng.normal(0, 0.002, len(idx)), idx
    )
    res = multi_index_beta(port, {"SPX": c["SPX"], "RUT": c["RUT"]})
    x = np.column_stack([c["SPX"].to_numpy(), c["RUT"].to_numpy()])
    sm = ref.statsmodels_ols(port.to_numpy(), x)
    np.testing.assert_allclose([res.alpha, *res.betas], sm.params, rtol=1e-9, atol=1e-14)
    np.testing.assert_allclose([res.alpha_se, *res.beta_ses], sm.bse, rtol=1e-9)
    assert res.r_squared == pytest.approx(sm.rsquared, rel=1e-10)
    assert res.adj_r_squared == pytest.approx(sm.rsquared_adj, rel=1e-10)
    assert res.residual_vol_annual == pytest.approx(
        math.sqrt(sm.ssr / (sm.nobs - 1) * 252), rel=1e-10
    )
    assert res.beta("RUT") == res.betas[1]
    assert list(res.to_frame().index) == ["SPX", "RUT"]
    json.dumps(res.to_dict())


def test_collinear_candidates_raise(rng):
    _idx, c = _indices(rng)
    twin = {"SPX": c["SPX"], "SPX2": 2 * c["SPX"]}
    with pytest.raises(InputError, match="collinear"):
        multi_index_beta(c["NDX"], twin)


def test_joint_hedge_material_when_portfolio_mixes_two_indices(rng):
    idx, c = _indices(rng)
    port = pd.Series(
        0.5 * c["NDX"].to_numpy() + 0.5 * c["RUT"].to_numpy() + rng.normal(0, 0.001, len(idx)), idx
    )
    v = assess_joint_hedge(port, {"NDX": c["NDX"], "RUT": c["RUT"]})
    assert v.materially_better
    n = v.singles.n_obs
    best = v.singles.rows[0]
    assert v.best_single == best.name
    assert v.single_adj_r_squared == pytest.approx(1 - (1 - best.r_squared) * (n - 1) / (n - 2))
    assert v.adj_r_squared_gain == pytest.approx(v.joint.adj_r_squared - v.single_adj_r_squared)
    assert v.tracking_error_reduction == pytest.approx(
        1 - v.joint.residual_vol_annual / best.tracking_error_annual
    )
    assert "materially better" in v.reason
    assert "not materially" not in v.reason
    json.dumps(v.to_dict())


def test_joint_hedge_not_material_when_one_index_suffices(rng):
    idx, c = _indices(rng)
    port = pd.Series(1.0 * c["SPX"].to_numpy() + rng.normal(0, 0.004, len(idx)), idx)
    v = assess_joint_hedge(port, {"SPX": c["SPX"], "NDX": c["NDX"], "RUT": c["RUT"]})
    assert not v.materially_better
    assert v.best_single == "SPX"
    assert v.adj_r_squared_gain < 0.02
    assert v.tracking_error_reduction < 0.10
    assert "not materially better than SPX alone" in v.reason
    # the thresholds are parameters: zero thresholds make any non-negative gain material
    loose = assess_joint_hedge(
        port,
        {"SPX": c["SPX"], "NDX": c["NDX"]},
        min_adj_r_squared_gain=0.0,
        min_tracking_error_reduction=0.0,
    )
    assert loose.materially_better == (
        loose.adj_r_squared_gain >= 0 or loose.tracking_error_reduction >= 0
    )
    with pytest.raises(InputError, match="threshold"):
        assess_joint_hedge(port, c, min_adj_r_squared_gain=1.5)
    with pytest.raises(InputError, match="candidate"):
        assess_joint_hedge(port, {"SPX": c["SPX"]})


def test_real_qqq_is_best_hedged_by_ndx():
    from hedgekit.datasets import load_etf, load_index

    qqq = returns_from_prices(load_etf("QQQ")["close"])
    cands = {k: returns_from_prices(load_index(k)["close"]) for k in ("SPX", "NDX", "RUT")}
    table = compare_indices(qqq, cands, start="2012-01-01", end="2019-12-31")
    # QQQ tracks the NASDAQ-100
    assert table.best == "NDX"
    assert table.rows[0].r_squared > 0.97
