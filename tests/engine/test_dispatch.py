"""Engine selection, the numba opt-out and the result object."""

from __future__ import annotations

import json
from collections.abc import Callable

import numpy as np
import pytest

from hedgekit.engine import (
    DISABLE_NUMBA_ENV,
    AccountSpec,
    MarketPath,
    available_engines,
    default_engine,
    run_grid,
    simulate_batch,
)
from hedgekit.errors import InputError


def test_env_var_forces_the_numpy_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DISABLE_NUMBA_ENV, "1")
    assert default_engine() == "numpy"
    assert "numba" not in available_engines()
    monkeypatch.setenv(DISABLE_NUMBA_ENV, "0")
    pytest.importorskip("numba")
    assert default_engine() == "numba"


def test_auto_engine_and_explicit_numba_when_disabled(
    monkeypatch: pytest.MonkeyPatch,
    market_factory: Callable[..., MarketPath],
    account_factory: Callable[..., AccountSpec],
    rng: np.random.Generator,
) -> None:
    monkeypatch.setenv(DISABLE_NUMBA_ENV, "1")
    market, account = market_factory(rng, 30), account_factory()
    assert simulate_batch(market, [0.5], [0.1], account).engine == "numpy"
    with pytest.raises(InputError, match="numba is not available"):
        simulate_batch(market, [0.5], [0.1], account, engine="numba")
    with pytest.raises(InputError, match="unknown engine"):
        simulate_batch(market, [0.5], [0.1], account, engine="gpu")  # type: ignore[arg-type]


def test_grid_order_and_result_views(
    market_factory: Callable[..., MarketPath],
    account_factory: Callable[..., AccountSpec],
    rng: np.random.Generator,
) -> None:
    market, account = market_factory(rng, 40), account_factory()
    res = run_grid(market, [0.0, 0.5, 1.0], [0.0, 0.1], account, engine="numpy")
    np.testing.assert_array_equal(res.hedge_ratio, [0, 0, 0.5, 0.5, 1, 1])
    np.testing.assert_array_equal(res.band, [0, 0.1] * 3)
    assert res.n_runs == 6
    assert res.n_days == 40
    i = res.index_of(0.5, 0.1)
    assert i == 3
    single = simulate_batch(market, [0.5], [0.1], account, engine="numpy")
    assert res.run(i) == single.run(0)
    frame = res.to_frame()
    assert list(frame.columns[:2]) == ["hedge_ratio", "band"]
    assert frame["n_trades"].dtype == np.int64
    assert json.loads(json.dumps(res.to_dict()))["n_trades"] == res.n_trades.tolist()
    with pytest.raises(InputError):
        res.index_of(0.25, 0.0)
    with pytest.raises(ValueError, match="read-only"):
        res.cagr[0] = 1.0
