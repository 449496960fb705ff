"""The three kernels compute the same numbers: numba == numpy == the pure-Python oracle."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hedgekit.engine import AccountSpec, BatchResult, MarketPath, simulate_batch
from hedgekit.engine._simulate import available_engines

MarketFactory = Callable[..., MarketPath]
AccountFactory = Callable[..., AccountSpec]

FIELDS = (
    "final_value_usd",
    "cagr",
    "volatility_annual",
    "max_drawdown",
    "hedge_effectiveness",
    "trading_costs_usd",
    "n_trades",
    "n_margin_calls",
)


def skip_without_numba() -> None:
    """Skip where numba is not installed or is switched off by ``HEDGEKIT_DISABLE_NUMBA``."""
    if "numba" not in available_engines():
        pytest.skip("numba is not installed or is disabled by HEDGEKIT_DISABLE_NUMBA")


def assert_same(a: BatchResult, b: BatchResult) -> None:
    for name in FIELDS:
        # 1e-9 relative; the tiny absolute floor only matters for exact zeros (HE at h = 0)
        np.testing.assert_allclose(
            getattr(a, name), getattr(b, name), rtol=1e-9, atol=1e-12, err_msg=name
        )


def random_runs(rng: np.random.Generator, k: int) -> tuple[np.ndarray, np.ndarray]:
    h = rng.uniform(0.0, 1.2, k)
    h[:2] = (0.0, 1.0)
    b = rng.uniform(0.0, 0.5, k)
    b[rng.random(k) < 0.3] = 0.0
    return h, b


CASES = [
    # (seed, days, initial margin per contract): a high margin/price ratio forces calls
    (1, 50, 12_000.0),
    (2, 120, 33_000.0),
    (3, 300, 12_000.0),
    (4, 217, 38_000.0),
    (5, 75, 0.0),
    (6, 260, 25_000.0),
]


@pytest.mark.parametrize(("seed", "n", "margin"), CASES)
def test_numpy_matches_oracle(
    seed: int, n: int, margin: float, market_factory: MarketFactory, account_factory: AccountFactory
) -> None:
    rng = np.random.default_rng(seed)
    market = market_factory(rng, n, roll_every=int(rng.integers(10, 70)))
    account = account_factory(
        initial_margin_per_contract_usd=margin, beta=float(rng.uniform(0.5, 1.5))
    )
    h, b = random_runs(rng, 12)
    oracle = simulate_batch(market, h, b, account, engine="python")
    fast = simulate_batch(market, h, b, account, engine="numpy")
    assert_same(oracle, fast)
    if margin >= 30_000:
        assert oracle.n_margin_calls.sum() > 0  # the case really exercises margin calls


# The numba tests compile the kernels when the on-disk cache is cold (about 10 s): slow.
@pytest.mark.slow
@pytest.mark.parametrize(("seed", "n", "margin"), CASES)
def test_numba_matches_oracle(
    seed: int, n: int, margin: float, market_factory: MarketFactory, account_factory: AccountFactory
) -> None:
    skip_without_numba()
    rng = np.random.default_rng(seed)
    market = market_factory(rng, n, roll_every=int(rng.integers(10, 70)))
    account = account_factory(
        initial_margin_per_contract_usd=margin, beta=float(rng.uniform(0.5, 1.5))
    )
    h, b = random_runs(rng, 12)
    oracle = simulate_batch(market, h, b, account, engine="python")
    assert_same(oracle, simulate_batch(market, h, b, account, engine="numba"))


@pytest.mark.slow
def test_numba_parallel_chunks_match_numpy(
    market_factory: MarketFactory, account_factory: AccountFactory
) -> None:
    """More runs than one chunk: the prange path over several chunks, input order kept."""
    skip_without_numba()
    rng = np.random.default_rng(7)
    market = market_factory(rng, 80, roll_every=20)
    account = account_factory(initial_margin_per_contract_usd=30_000.0)
    h, b = random_runs(rng, 700)
    a = simulate_batch(market, h, b, account, engine="numba")
    assert_same(a, simulate_batch(market, h, b, account, engine="numpy"))
    # a run's numbers do not depend on the batch it is in
    sub = simulate_batch(market, h[[650, 3, 300]], b[[650, 3, 300]], account, engine="numba")
    assert_same(
        sub, simulate_batch(market, h[[650, 3, 300]], b[[650, 3, 300]], account, engine="python")
    )
    np.testing.assert_array_equal(sub.final_value_usd, a.final_value_usd[[650, 3, 300]])


@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(3, 90),
    roll_every=st.integers(2, 40),
    margin=st.sampled_from([0.0, 5_000.0, 12_000.0, 35_000.0]),
    cost_points=st.sampled_from([0.0, 0.25, 3.0]),
)
def test_numpy_matches_oracle_property(
    seed: int,
    n: int,
    roll_every: int,
    margin: float,
    cost_points: float,
    market_factory: MarketFactory,
    account_factory: AccountFactory,
) -> None:
    rng = np.random.default_rng(seed)
    market: MarketPath = market_factory(rng, n, roll_every=roll_every, sigma_daily=0.03)
    account = account_factory(initial_margin_per_contract_usd=margin, slippage_points=cost_points)
    h, b = random_runs(rng, 4)
    assert_same(
        simulate_batch(market, h, b, account, engine="python"),
        simulate_batch(market, h, b, account, engine="numpy"),
    )
