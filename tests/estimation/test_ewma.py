from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hedgekit.errors import InputError
from hedgekit.estimation import EWMABeta, ewma_beta, ewma_beta_series


def test_ewma_beta_matches_pandas_ewm_of_zero_mean_moments(rng):
    n = 400
    idx = pd.bdate_range("2020-01-02", periods=n)
    m = pd.Series(rng.normal(0, 0.01, n), idx)
    a = pd.Series(1.2 * m.to_numpy() + rng.normal(0, 0.005, n), idx)
    lam = 0.94
    # Independent reference: pandas ewm with adjust=True weights (1 - alpha)^k = lam^k,
    # normalised (the normalisation cancels in the ratio) — RiskMetrics (1996) ch. 5.
    cov = (a * m).ewm(alpha=1 - lam, adjust=True).mean()
    var = (m * m).ewm(alpha=1 - lam, adjust=True).mean()
    expected = cov / var
    path = ewma_beta_series(a, m, decay=lam)
    np.testing.assert_allclose(path.to_numpy(), expected.to_numpy(), rtol=1e-10)
    res = ewma_beta(a, m)
    assert res.method == "ewma"
    assert res.beta == pytest.approx(expected.iloc[-1], rel=1e-10)
    assert res.beta_se is None
    assert res.n_obs == n
    assert EWMABeta().fit(a, m) == res


def test_ewma_decay_validated(rng):
    idx = pd.bdate_range("2020-01-02", periods=30)
    m = pd.Series(rng.normal(0, 0.01, 30), idx)
    for bad in (0.0, 1.0, 1.5):
        with pytest.raises(InputError, match="decay"):
            ewma_beta(m, m, decay=bad)
