"""A sizing beta per day and the beta-change rule in the general kernels.

The compiled, numpy and interpreted kernels against the readable oracle on random synthetic paths
(never market data), and a hand-checkable five-day ledger.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from hedgekit.engine import HedgeTerms, PathSet, simulate_hedge_ledger, simulate_paths
from hedgekit.engine._hedge_python import LEDGER_FIELDS
from hedgekit.engine._simulate import available_engines
from hedgekit.errors import InputError


def skip_without_numba() -> None:
    """Skip where numba is not installed or is switched off by ``HEDGEKIT_DISABLE_NUMBA``."""
    if "numba" not in available_engines():
        pytest.skip("numba is not installed or is disabled by HEDGEKIT_DISABLE_NUMBA")


def beta_paths(rng: np.random.Generator, n: int, k: int | None = None) -> PathSet:
    """GBM-like index, small basis, rolls every 40 days, and a wandering beta per day."""
    shape = (n,) if k is None else (n, k)
    logret = rng.normal(0.0002, 0.02, shape)
    logret[0] = 0.0
    s = 1_000.0 * np.exp(np.cumsum(logret, axis=0))
    growth = np.ones(shape)
    growth[1:] = s[1:] / s[:-1] + 0.0001
    roll = np.zeros(n, bool)
    roll[40::40] = True
    hold = s * (1.0 + 0.002 * rng.random(shape))
    settle = hold.copy()
    settle[roll] = hold[roll] * (1.0 - 0.003)
    beta = 1.0 + np.cumsum(rng.normal(0.0, 0.03, shape), axis=0)
    return PathSet(growth, rng.uniform(0.0, 0.06, n), settle, hold, roll, beta=beta)


def terms_for(rng: np.random.Generator, **over: Any) -> HedgeTerms:
    terms: dict[str, Any] = {
        "initial_value_usd": 1_000_000.0,
        "initial_cash_usd": float(rng.choice([0.0, 50_000.0])),
        "beta": 1.0,
        "commission_per_contract_usd": 2.5,
        "slippage_per_contract_usd": 12.5,
        "initial_margin_fraction": float(rng.choice([0.05, 0.3])),
        "buffer_multiple": 1.2,
        "sweep_multiple": 1.6,
        "call_source": str(rng.choice(["stock", "cash"])),
        "rounding": str(rng.choice(["down", "nearest", "none"])),
        "rule": "beta",
        "ratio_change": float(rng.choice([0.0, 0.1])),
    }
    terms.update(over)
    return HedgeTerms(**terms)


def assert_same(paths: PathSet, targets: np.ndarray, terms: HedgeTerms, engine: str,
                **kw: Any) -> None:  # fmt: skip
    fast = simulate_paths(paths, targets, terms, full=True, engine=engine, chunk_runs=3, **kw)  # type: ignore[arg-type]
    oracle = simulate_paths(paths, targets, terms, full=True, engine="python", **kw)
    for name in LEDGER_FIELDS:
        np.testing.assert_allclose(
            fast.fields[name], oracle.fields[name], rtol=1e-12, atol=1e-9, err_msg=name
        )
    for name, values in oracle.counters.items():
        np.testing.assert_allclose(fast.counters[name], values, rtol=1e-12, atol=1e-7, err_msg=name)


@pytest.mark.parametrize("engine", ["numpy", "interpreted"])
@pytest.mark.parametrize("seed", range(6))
def test_batched_kernel_with_beta_path_matches_oracle(seed: int, engine: str) -> None:
    rng = np.random.default_rng(300 + seed)
    n, k = 120, 5
    paths = beta_paths(rng, n, k if seed % 2 else None)
    targets = rng.choice([0.0, 0.5, 0.8, 1.0], size=(n, k))
    rule = ["beta", "beta", "band", "value", "always", "never"][seed]
    assert_same(
        paths, targets, terms_for(rng, rule=rule), engine,
        rule_parameter=rng.uniform(0.0, 0.15, k),
        cppi_multiplier=np.where(rng.random(k) < 0.4, 3.0, 0.0), cppi_floor_fraction=0.85,
    )  # fmt: skip


# compiles the general kernel on a cold cache (a few seconds): slow
@pytest.mark.slow
@pytest.mark.parametrize("seed", range(3))
def test_numba_kernel_with_beta_path_matches_oracle(seed: int) -> None:
    skip_without_numba()
    rng = np.random.default_rng(400 + seed)
    n, k = 150, 7
    paths = beta_paths(rng, n, k if seed % 2 else None)
    targets = np.clip(rng.normal(0.7, 0.3, size=(n, k)), 0.0, 1.0)
    assert_same(paths, targets, terms_for(rng), "numba", rule_parameter=rng.uniform(0.0, 0.1, k))


@pytest.mark.parametrize("seed", range(3))
def test_numpy_kernel_with_beta_path_on_the_numba_inputs(seed: int) -> None:
    rng = np.random.default_rng(400 + seed)
    n, k = 150, 7
    paths = beta_paths(rng, n, k if seed % 2 else None)
    targets = np.clip(rng.normal(0.7, 0.3, size=(n, k)), 0.0, 1.0)
    assert_same(paths, targets, terms_for(rng), "numpy", rule_parameter=rng.uniform(0.0, 0.1, k))


def test_constant_beta_path_equals_the_terms_beta_exactly(rng: np.random.Generator) -> None:
    paths = beta_paths(rng, 90, 3)
    terms = terms_for(rng, beta=1.3, rule="band")
    flat = PathSet(
        paths.portfolio_growth, paths.rate_annual, paths.futures_price_settle,
        paths.futures_price_hold, paths.is_roll,
    )  # fmt: skip
    same = PathSet(
        paths.portfolio_growth, paths.rate_annual, paths.futures_price_settle,
        paths.futures_price_hold, paths.is_roll, beta=np.full(90, 1.3),
    )  # fmt: skip
    targets = rng.uniform(0.0, 1.0, (90, 3))
    a = simulate_paths(flat, targets, terms, engine="interpreted", rule_parameter=0.1)
    b = simulate_paths(same, targets, terms, engine="interpreted", rule_parameter=0.1)
    np.testing.assert_array_equal(a.total_value_usd, b.total_value_usd)


def test_hand_ledger_beta_change_rule() -> None:
    # Flat prices (F = 1,000, m = 50), no rates, costs or margin; V = 1,000,000, h = 1.
    # N* = -round(h β V / (m F)) = -round(20 β), nearest. Threshold 0.10 (absolute beta):
    #   day 0  β 1.00 -> open -20                      (β_last = 1.00)
    #   day 1  β 1.04: |Δ| 0.04 < 0.10, N* -21, hold -20
    #   day 2  β 1.09: |Δ| 0.09 < 0.10, N* -22, hold -20
    #   day 3  β 1.12: |Δ| 0.12 >= 0.10 -> trade to -22 (22.4 rounds to 22; β_last = 1.12)
    #   day 4  β 1.03: |Δ| 0.09 < 0.10, N* -21, hold -22
    #   day 5  β 0.98: |Δ| 0.14 >= 0.10 -> trade to -19: 19.6 rounds to 20, which would
    #          leave the position net short by 0.4/19.6 = 2.0% of the beta exposure, past the
    #          plan's 1% tolerance, so the net-short guard holds 19
    n = 6
    beta = np.array([1.00, 1.04, 1.09, 1.12, 1.03, 0.98])
    f = np.full(n, 1_000.0)
    paths = PathSet(np.ones(n), np.zeros(n), f, f, np.zeros(n, bool), beta=beta)
    terms = HedgeTerms(initial_value_usd=1_000_000.0, beta=1.0, multiplier_usd=50.0,
                       rounding="nearest", rule="beta")  # fmt: skip
    ledger = simulate_hedge_ledger(paths, np.ones(n), terms, rule_parameter=0.10)
    assert ledger.contracts.tolist() == [-20.0, -20.0, -20.0, -22.0, -22.0, -19.0]
    assert ledger.rebalanced.tolist() == [False, False, False, True, False, True]
    # effective ratio -N m F / (β_t S): 20 * 50,000 / (1.09 * 1,000,000) on day 2
    assert ledger.hedge_ratio_effective[2] == pytest.approx(1_000_000.0 / 1.09e6, rel=1e-15)
    for engine in ("interpreted", "numpy"):
        fast = simulate_paths(paths, np.ones(n), terms, rule_parameter=0.10, full=True,
                              engine=engine)  # type: ignore[arg-type]  # fmt: skip
        np.testing.assert_array_equal(fast.fields["contracts"][:, 0], ledger.contracts)


def test_beta_path_is_validated(rng: np.random.Generator) -> None:
    p = beta_paths(rng, 50)
    args = (p.portfolio_growth, p.rate_annual, p.futures_price_settle, p.futures_price_hold,
            p.is_roll)  # fmt: skip
    with pytest.raises(InputError, match="beta"):
        PathSet(*args, beta=np.full(49, 1.0))
    bad = np.ones(50)
    bad[3] = np.nan
    with pytest.raises(InputError, match="beta"):
        PathSet(*args, beta=bad)
    with pytest.raises(InputError, match="number of runs"):
        PathSet(np.ones((50, 2)), *args[1:], beta=np.ones((50, 3)))
