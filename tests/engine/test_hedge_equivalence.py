"""The general kernel (numpy, interpreted and numba) against the readable oracle; invariants.

All paths here are random synthetic paths, never market data.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hedgekit.engine import (
    AccountSpec,
    HedgeTerms,
    MarketPath,
    PathSet,
    simulate_batch,
    simulate_hedge_ledger,
    simulate_paths,
    unhedged_values,
)
from hedgekit.engine._hedge_python import LEDGER_FIELDS
from hedgekit.engine._simulate import available_engines


def skip_without_numba() -> None:
    """Skip where numba is not installed or is switched off by ``HEDGEKIT_DISABLE_NUMBA``."""
    if "numba" not in available_engines():
        pytest.skip("numba is not installed or is disabled by HEDGEKIT_DISABLE_NUMBA")


def random_paths(rng: np.random.Generator, n: int, k: int | None = None) -> PathSet:
    """GBM-like index, futures with a small basis, rolls every 40 days; 2-d when k is given."""
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
    return PathSet(growth, rng.uniform(0.0, 0.06, n), settle, hold, roll)


def random_terms(rng: np.random.Generator, **over: Any) -> HedgeTerms:
    terms: dict[str, Any] = {
        "initial_value_usd": 1_000_000.0,
        "initial_cash_usd": float(rng.choice([0.0, 50_000.0])),
        "beta": float(rng.uniform(0.6, 1.4)),
        "multiplier_usd": 50.0,
        "commission_per_contract_usd": 2.5,
        "slippage_per_contract_usd": 12.5,
        "initial_margin_per_contract_usd": float(rng.choice([0.0, 6_000.0])),
        "initial_margin_fraction": float(rng.choice([0.0, 0.05, 0.3])),
        "maintenance_fraction": float(rng.uniform(0.7, 0.95)),
        "buffer_multiple": 1.2,
        "sweep_multiple": 1.6,
        "call_source": str(rng.choice(["stock", "cash"])),
        "deposit_on_increase": bool(rng.random() < 0.7),
        "margin_rate_haircut_annual": float(rng.choice([0.0, 0.01])),
        "rounding": str(rng.choice(["down", "nearest", "none"])),
        "rule": str(rng.choice(["always", "band", "value", "calendar", "never"])),
        "ratio_change": float(rng.choice([0.0, 0.1])),
        "net_short_tolerance": float(rng.choice([0.0, 0.01, 0.05])),
    }
    if rng.random() < 0.2:
        terms["hold_contracts"] = float(rng.integers(-30, 1))
    terms.update(over)
    return HedgeTerms(**terms)


def run_both(paths: PathSet, targets: np.ndarray, terms: HedgeTerms, engine: str,
             **kw: Any) -> None:  # fmt: skip
    fast = simulate_paths(paths, targets, terms, full=True, engine=engine, chunk_runs=3, **kw)  # type: ignore[arg-type]
    oracle = simulate_paths(paths, targets, terms, full=True, engine="python", **kw)
    for name in LEDGER_FIELDS:
        np.testing.assert_allclose(
            fast.fields[name], oracle.fields[name], rtol=1e-12, atol=1e-9, err_msg=name
        )
    for name, values in oracle.counters.items():
        np.testing.assert_allclose(fast.counters[name], values, rtol=1e-12, atol=1e-7, err_msg=name)
    # the light mode (no full paths) gives the same values and counters
    light = simulate_paths(paths, targets, terms, engine=engine, chunk_runs=4, **kw)  # type: ignore[arg-type]
    np.testing.assert_array_equal(light.total_value_usd, fast.total_value_usd)


@pytest.mark.parametrize("engine", ["numpy", "interpreted"])
@pytest.mark.parametrize("seed", range(8))
def test_batched_kernel_matches_oracle(seed: int, engine: str) -> None:
    rng = np.random.default_rng(seed)
    n, k = 130, 7
    paths = random_paths(rng, n, k if seed % 2 else None)
    targets = rng.choice([0.0, 0.3, 0.5, 1.0, 1.2], size=(n, k))
    targets[:, 0] = 0.0
    cal = np.zeros(n, bool)
    cal[::15] = True
    run_both(
        paths, targets, random_terms(rng), engine,
        rule_parameter=rng.uniform(0.0, 0.3, k), calendar_days=cal,
        cppi_multiplier=np.where(rng.random(k) < 0.4, 3.0, 0.0), cppi_floor_fraction=0.85,
    )  # fmt: skip


# The numba test compiles the general kernel on a cold cache (a few seconds): slow.
@pytest.mark.slow
@pytest.mark.parametrize("seed", range(4))
def test_numba_kernel_matches_oracle(seed: int) -> None:
    skip_without_numba()
    rng = np.random.default_rng(100 + seed)
    n, k = 160, 9
    paths = random_paths(rng, n, k if seed % 2 else None)
    targets = np.clip(rng.normal(0.6, 0.4, size=(n, k)), 0.0, 1.0)
    run_both(
        paths, targets, random_terms(rng), "numba",
        rule_parameter=rng.uniform(0.0, 0.3, k),
        cppi_multiplier=np.where(rng.random(k) < 0.5, 4.0, 0.0),
        cppi_floor_fraction=0.8,
    )  # fmt: skip


@pytest.mark.parametrize("seed", range(4))
def test_numpy_kernel_matches_oracle_on_the_numba_inputs(seed: int) -> None:
    # the inputs of test_numba_kernel_matches_oracle, on the numpy kernel
    rng = np.random.default_rng(100 + seed)
    n, k = 160, 9
    paths = random_paths(rng, n, k if seed % 2 else None)
    targets = np.clip(rng.normal(0.6, 0.4, size=(n, k)), 0.0, 1.0)
    run_both(
        paths, targets, random_terms(rng), "numpy",
        rule_parameter=rng.uniform(0.0, 0.3, k),
        cppi_multiplier=np.where(rng.random(k) < 0.5, 4.0, 0.0),
        cppi_floor_fraction=0.8,
    )  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(4))
def test_numpy_kernel_matches_numba_kernel(seed: int) -> None:
    skip_without_numba()
    rng = np.random.default_rng(500 + seed)
    n, k = 200, 11
    paths = random_paths(rng, n, k if seed % 2 else None)
    targets = rng.choice([0.0, 0.3, 0.5, 1.0, 1.2], size=(n, k))
    cal = np.zeros(n, bool)
    cal[::9] = True
    kw: dict[str, Any] = {
        "rule_parameter": rng.uniform(0.0, 0.3, k), "calendar_days": cal,
        "cppi_multiplier": np.where(rng.random(k) < 0.4, 3.0, 0.0), "cppi_floor_fraction": 0.85,
    }  # fmt: skip
    terms = random_terms(rng)
    a = simulate_paths(paths, targets, terms, full=True, engine="numpy", chunk_runs=4, **kw)
    b = simulate_paths(paths, targets, terms, full=True, engine="numba", chunk_runs=5, **kw)
    for name in LEDGER_FIELDS:
        np.testing.assert_allclose(a.fields[name], b.fields[name], rtol=1e-12, atol=1e-9,
                                   err_msg=name)  # fmt: skip
    for name, values in b.counters.items():
        np.testing.assert_allclose(a.counters[name], values, rtol=1e-12, atol=1e-7, err_msg=name)


def test_targets_by_chunk_function_equal_full_array(rng: np.random.Generator) -> None:
    paths = random_paths(rng, 90)
    full = rng.uniform(0.0, 1.0, (90, 10))
    calls: list[tuple[int, int]] = []

    def chunk(lo: int, hi: int) -> np.ndarray:
        calls.append((lo, hi))
        return full[:, lo:hi]

    terms = random_terms(rng, rule="always")
    a = simulate_paths(paths, chunk, terms, n_runs=10, engine="interpreted", chunk_runs=4)
    b = simulate_paths(paths, full, terms, engine="interpreted")
    np.testing.assert_array_equal(a.total_value_usd, b.total_value_usd)
    assert calls == [(0, 4), (4, 8), (8, 10)]


def test_general_kernel_reproduces_the_bench_kernel(
    market_factory: Callable[..., MarketPath], account_factory: Callable[..., AccountSpec]
) -> None:
    # The bench-spec day is the general day with: band rule, floor rounding, a fixed margin
    # per contract, stock as call source, no opening top-up. Same numbers as the bench kernel.
    rng = np.random.default_rng(7)
    market = market_factory(rng, 250)
    account = account_factory(initial_margin_per_contract_usd=33_000.0)
    h = np.array([0.0, 0.3, 0.5, 1.0, 1.1])
    b = np.array([0.0, 0.1, 0.2, 0.0, 0.05])
    bench = simulate_batch(market, h, b, account, engine="numpy")
    terms = HedgeTerms.from_account(account)
    paths = PathSet.from_market(market, account.beta)
    for engine in ("interpreted", "numpy"):
        out = simulate_paths(paths, np.tile(h, (250, 1)), terms, rule_parameter=b,
                             engine=engine)  # type: ignore[arg-type]  # fmt: skip
        np.testing.assert_allclose(out.total_value_usd[-1], bench.final_value_usd, rtol=1e-13)
        fees = out.counters["fees_usd"] + out.counters["slippage_usd"]
        np.testing.assert_allclose(fees, bench.trading_costs_usd, rtol=1e-13)
        np.testing.assert_array_equal(out.counters["n_trades"], bench.n_trades)
        np.testing.assert_array_equal(out.counters["n_margin_calls"], bench.n_margin_calls)


# ------------------------------------------------------------------------------ invariants
@given(seed=st.integers(0, 2**32 - 1))
def test_no_money_created_or_lost(seed: int) -> None:
    rng = np.random.default_rng(seed)
    paths = random_paths(rng, 60)
    terms = random_terms(rng)
    ledger = simulate_hedge_ledger(paths, rng.uniform(0.0, 1.0, 60), terms,
                                   rule_parameter=0.1)  # fmt: skip
    w = ledger.total_value_usd
    change = np.diff(w)
    flows = (
        ledger.stock_return_usd + ledger.interest_usd + ledger.settlement_usd
        - ledger.fees_usd - ledger.slippage_usd
    )[1:]  # fmt: skip
    np.testing.assert_allclose(change, flows, rtol=0, atol=1e-7 * w.max())
    start = terms.initial_value_usd + terms.initial_cash_usd
    assert w[0] == pytest.approx(start - ledger.fees_usd[0] - ledger.slippage_usd[0], abs=1e-6)


@given(seed=st.integers(0, 2**32 - 1))
def test_zero_hedge_is_the_unhedged_portfolio_exactly(seed: int) -> None:
    rng = np.random.default_rng(seed)
    paths = random_paths(rng, 50, 3)
    terms = random_terms(rng, hold_contracts=None)
    for engine in ("interpreted", "numpy"):
        out = simulate_paths(paths, np.zeros(50), terms, n_runs=3, engine=engine)  # type: ignore[arg-type]
        np.testing.assert_array_equal(out.total_value_usd, unhedged_values(paths, terms))
        assert (out.counters["n_trades"] == 0).all()


@given(seed=st.integers(0, 2**32 - 1))
def test_contracts_stay_short_when_targets_are_non_negative(seed: int) -> None:
    rng = np.random.default_rng(seed)
    paths = random_paths(rng, 70)
    terms = random_terms(rng)
    ledger = simulate_hedge_ledger(paths, rng.choice([0.0, 0.4, 1.0], 70), terms)
    assert (ledger.contracts <= 0.0).all()


@given(seed=st.integers(0, 2**32 - 1))
def test_total_pnl_equals_sum_of_marks_to_the_cent(seed: int) -> None:
    # Zero costs and fractional contracts: the hedged account's P&L is the stock P&L, the
    # interest and the daily futures marks, and the futures P&L rebuilt from the trades
    # (every buy and sell at its price, the open position marked at the last price)
    # equals the sum of the daily marks.
    rng = np.random.default_rng(seed)
    paths = random_paths(rng, 120)
    terms = random_terms(
        rng, commission_per_contract_usd=0.0, slippage_per_contract_usd=0.0, rounding="none",
        rule="always",
    )  # fmt: skip
    ledger = simulate_hedge_ledger(paths, rng.uniform(0.0, 1.0, 120), terms)
    w = ledger.total_value_usd
    start = terms.initial_value_usd + terms.initial_cash_usd
    marks = ledger.settlement_usd.sum()
    pnl = w[-1] - start
    assert round(pnl, 2) == round(
        ledger.stock_return_usd.sum() + ledger.interest_usd.sum() + marks, 2
    )
    # futures P&L from the trades: cash flows -q * p * m, plus the final position at its price
    m = terms.multiplier_usd
    n_prev = 0.0
    flows = 0.0
    for t in range(w.size):
        if t > 0 and paths.is_roll[t]:
            flows += n_prev * paths.futures_price_settle[t] * m  # close old: sell -n_prev
            flows -= ledger.contracts[t] * paths.futures_price_hold[t] * m
        else:
            flows -= (ledger.contracts[t] - n_prev) * paths.futures_price_hold[t] * m
        n_prev = ledger.contracts[t]
    flows += n_prev * paths.futures_price_hold[-1] * m
    assert flows == pytest.approx(marks, abs=0.005)


# ------------------------------------------------------------------- simulate_batch, generalised
def test_simulate_batch_general_path_matches_the_bench_path(
    market_factory: Callable[..., MarketPath], account_factory: Callable[..., AccountSpec]
) -> None:
    rng = np.random.default_rng(11)
    market = market_factory(rng, 200)
    account = account_factory(initial_margin_per_contract_usd=25_000.0)
    h, b = np.array([0.0, 0.4, 1.0]), np.array([0.0, 0.1, 0.2])
    bench = simulate_batch(market, h, b, account, engine="numpy")
    general = simulate_batch(market, np.tile(h, (200, 1)), b, account, engine="numpy")
    for name in ("final_value_usd", "cagr", "volatility_annual", "max_drawdown",
                 "trading_costs_usd", "n_trades", "n_margin_calls"):  # fmt: skip
        np.testing.assert_allclose(getattr(general, name), getattr(bench, name), rtol=1e-12)
    np.testing.assert_allclose(general.hedge_effectiveness, bench.hedge_effectiveness, atol=1e-12)
    np.testing.assert_allclose(general.hedge_ratio, h)
    assert general.engine == "numpy"


def test_simulate_batch_per_run_paths_equal_runs_one_by_one(rng: np.random.Generator) -> None:
    paths = random_paths(rng, 80, 4)
    terms = random_terms(rng, rule="band")
    h = np.array([0.2, 0.5, 0.8, 1.0])
    batch = simulate_batch(paths, h, 0.1, terms, engine="numpy")
    for j in range(4):
        one = PathSet(
            paths.portfolio_growth[:, j], paths.rate_annual, paths.futures_price_settle[:, j],
            paths.futures_price_hold[:, j], paths.is_roll,
        )  # fmt: skip
        single = simulate_batch(one, [h[j]], 0.1, terms, engine="python")
        assert batch.final_value_usd[j] == pytest.approx(single.final_value_usd[0], rel=1e-13)
        assert batch.n_trades[j] == single.n_trades[0]
