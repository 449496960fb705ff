"""The general kernel's online measures, static targets and runs without value paths.

The batch kernel measures each run's value path online (Welford moments, Sortino's downside
sum, the drawdown and its dates) so that a sweep needs no ``(n, k)`` path. These tests hold
every engine's online figures to the same figures computed from the stored paths: exactly for
the drawdown and its dates, to 1e-12 for the moments. Random synthetic paths only.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from hedgekit.engine import PathSet, simulate_paths
from hedgekit.engine._hedge_kernel import MEASURES
from hedgekit.engine._simulate import available_engines
from hedgekit.metrics._measures import _max_drawdown, daily_returns, risk_free_daily

from .test_hedge_equivalence import random_paths, random_terms

ENGINES = ["numpy", "interpreted", "python"]


def engines() -> list[str]:
    """The engines this environment has (numba only where installed and allowed)."""
    return ENGINES + (["numba"] if "numba" in available_engines() else [])


def setup(seed: int) -> tuple[PathSet, np.ndarray, Any, dict[str, Any]]:
    rng = np.random.default_rng(seed)
    n, k = 150, 6
    paths = random_paths(rng, n, k if seed % 2 else None)
    targets = np.clip(rng.normal(0.6, 0.4, size=(n, k)), 0.0, 1.2)
    cal = np.zeros(n, bool)
    cal[::12] = True
    kw = {
        "rule_parameter": rng.uniform(0.0, 0.3, k),
        "calendar_days": cal,
        "cppi_multiplier": np.where(rng.random(k) < 0.4, 3.0, 0.0),
        "cppi_floor_fraction": 0.85,
    }
    return paths, targets, random_terms(rng), kw


@pytest.mark.parametrize("engine", engines())
@pytest.mark.parametrize("seed", range(6))
def test_online_measures_equal_the_path_measures(seed: int, engine: str) -> None:
    paths, targets, terms, kw = setup(seed)
    out = simulate_paths(paths, targets, terms, engine=engine, chunk_runs=4, **kw)  # type: ignore[arg-type]
    w = out.total_value_usd
    ms = out.measures
    assert set(ms) == set(MEASURES)
    np.testing.assert_array_equal(ms["final_value_usd"], w[-1])
    np.testing.assert_array_equal(out.final_value_usd, w[-1])
    # the drawdown and its dates: the same divisions and comparisons, so exactly equal
    dd = _max_drawdown(w)
    np.testing.assert_array_equal(ms["max_drawdown"], dd.depth)
    np.testing.assert_array_equal(ms["max_drawdown_trough"], dd.trough)
    np.testing.assert_array_equal(ms["max_drawdown_peak"], dd.peak)
    np.testing.assert_array_equal(ms["max_drawdown_end"], dd.end)
    np.testing.assert_array_equal(ms["running_high_usd"], w.max(axis=0))
    # the moments: Welford against numpy's two-pass figures
    r = daily_returns(w)
    e = r - risk_free_daily(paths.rate_annual)[:, None]
    np.testing.assert_allclose(ms["m2_return"] / (len(r) - 1), np.var(r, axis=0, ddof=1),
                               rtol=1e-12)  # fmt: skip
    np.testing.assert_allclose(ms["mean_excess_return"], e.mean(axis=0), rtol=1e-11, atol=1e-17)
    np.testing.assert_allclose(ms["m2_excess_return"] / (len(e) - 1), np.var(e, axis=0, ddof=1),
                               rtol=1e-12)  # fmt: skip
    np.testing.assert_allclose(ms["downside_sum_sq"], (np.minimum(e, 0.0) ** 2).sum(axis=0),
                               rtol=1e-12)  # fmt: skip
    np.testing.assert_allclose(out.volatility_annual(),
                               np.std(r, axis=0, ddof=1) * np.sqrt(252.0), rtol=1e-12)  # fmt: skip


@pytest.mark.parametrize("seed", range(6))
def test_engines_agree_on_the_online_measures(seed: int) -> None:
    paths, targets, terms, kw = setup(seed)
    outs = [simulate_paths(paths, targets, terms, engine=e, chunk_runs=5, **kw)  # type: ignore[arg-type]
            for e in engines()]  # fmt: skip
    for out in outs[1:]:
        for name in MEASURES:
            np.testing.assert_allclose(out.measures[name], outs[0].measures[name], rtol=1e-12,
                                       atol=1e-15, err_msg=f"{out.engine}: {name}")  # fmt: skip


@pytest.mark.parametrize("engine", engines())
def test_without_value_paths_the_same_counters_and_measures(engine: str) -> None:
    paths, targets, terms, kw = setup(3)
    kept = simulate_paths(paths, targets, terms, engine=engine, chunk_runs=4, **kw)  # type: ignore[arg-type]
    light = simulate_paths(paths, targets, terms, engine=engine, chunk_runs=4, values=False,
                           **kw)  # type: ignore[arg-type]  # fmt: skip
    assert light.total_value_usd.shape == (0, targets.shape[1])
    for name in MEASURES:
        np.testing.assert_array_equal(light.measures[name], kept.measures[name], err_msg=name)
    for name, values in kept.counters.items():
        np.testing.assert_array_equal(light.counters[name], values, err_msg=name)


@pytest.mark.parametrize("engine", engines())
def test_static_and_shared_targets_equal_the_full_array(engine: str) -> None:
    # a target the same every day (a broadcast view) and a target shared by all runs are
    # read compactly by the kernels; the numbers are those of the full (n, k) array
    paths, _, terms, kw = setup(4)
    n = paths.n_days
    h = np.array([0.0, 0.25, 0.5, 0.8, 1.0, 1.1])
    static = np.broadcast_to(h, (n, h.size))
    a = simulate_paths(paths, static, terms, engine=engine, chunk_runs=4, **kw)  # type: ignore[arg-type]
    b = simulate_paths(paths, np.ascontiguousarray(static), terms, engine=engine, chunk_runs=4,
                       **kw)  # type: ignore[arg-type]  # fmt: skip
    np.testing.assert_array_equal(a.total_value_usd, b.total_value_usd)
    for name, values in b.counters.items():
        np.testing.assert_array_equal(a.counters[name], values, err_msg=name)
    per_day = np.linspace(0.2, 1.0, n)
    c = simulate_paths(paths, per_day, terms, engine=engine, chunk_runs=4, **kw)  # type: ignore[arg-type]
    d = simulate_paths(paths, np.tile(per_day[:, None], (1, h.size)), terms, engine=engine,
                       chunk_runs=4, **kw)  # type: ignore[arg-type]  # fmt: skip
    np.testing.assert_array_equal(c.total_value_usd, d.total_value_usd)


def test_a_target_function_may_return_a_static_view() -> None:
    paths, _, terms, kw = setup(2)
    n = paths.n_days
    h = np.linspace(0.0, 1.0, 6)

    def chunk(lo: int, hi: int) -> np.ndarray:
        return np.broadcast_to(h[lo:hi], (n, hi - lo))

    a = simulate_paths(paths, chunk, terms, n_runs=6, engine="numpy", chunk_runs=4, **kw)
    b = simulate_paths(paths, np.tile(h, (n, 1)), terms, engine="numpy", chunk_runs=4, **kw)
    np.testing.assert_array_equal(a.total_value_usd, b.total_value_usd)


@pytest.mark.parametrize("engine", [e for e in engines() if e in ("numba", "interpreted")])
@pytest.mark.parametrize("seed", range(4))
def test_a_chunk_of_several_blocks_equals_runs_one_at_a_time(seed: int, engine: str) -> None:
    # the batch kernel runs a chunk in blocks of 64 lanes; a chunk of 150 runs is two full
    # blocks and one of 22 (its 42 spare lanes padded with its last run). Every run's numbers
    # equal those of the same run alone in a chunk of its own (one lane, 63 padded; on the
    # interpreted engine, the readable oracle's run) and those of the ledger kernel, with
    # per-run paths, per-run daily targets, CPPI on some runs and over-hedges that reach
    # the net-short guard
    from hedgekit.engine._hedge_fast import _L

    rng = np.random.default_rng(500 + seed)
    n, k = 45, 150
    assert k > 2 * _L
    assert k % _L
    paths = random_paths(rng, n, k if seed % 2 else None)
    targets = rng.choice([0.0, 0.4, 0.9, 1.0, 1.04, 1.2], size=(n, k))
    cal = np.zeros(n, bool)
    cal[::7] = True
    kw: dict[str, Any] = {
        "rule_parameter": rng.uniform(0.0, 0.3, k),
        "calendar_days": cal,
        "cppi_multiplier": np.where(rng.random(k) < 0.3, 3.0, 0.0),
        "cppi_floor_fraction": 0.85,
    }
    terms = random_terms(rng, rounding=["down", "nearest", "none", "nearest"][seed])
    wide = simulate_paths(paths, targets, terms, engine=engine, chunk_runs=k, **kw)  # type: ignore[arg-type]
    # one run per chunk pads 63 lanes per run: compiled only (interpreted, 30 s)
    one = "numba" if engine == "numba" else "python"
    alone = simulate_paths(paths, targets, terms, engine=one, chunk_runs=1, **kw)  # type: ignore[arg-type]
    ledger = simulate_paths(paths, targets, terms, engine=engine, full=True, **kw)  # type: ignore[arg-type]
    np.testing.assert_array_equal(wide.total_value_usd, alone.total_value_usd)
    np.testing.assert_array_equal(wide.total_value_usd, ledger.total_value_usd)
    for name in MEASURES:
        np.testing.assert_array_equal(wide.measures[name], alone.measures[name], err_msg=name)
    for name, values in alone.counters.items():
        if one == engine:
            np.testing.assert_array_equal(wide.counters[name], values, err_msg=name)
        for other in (values, ledger.counters[name]):  # the oracle's sums: in their own order
            np.testing.assert_allclose(wide.counters[name], other, rtol=1e-12, atol=1e-7,
                                       err_msg=name)  # fmt: skip
