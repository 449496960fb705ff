"""Stress kernels: a hand ledger, numpy = numba = pure-Python twin, = the engine, buffers."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from hedgekit.engine import AccountSpec, HeldContractSchedule, MarketPath, simulate_batch
from hedgekit.errors import InputError
from hedgekit.montecarlo import (
    StationaryBootstrap,
    StressSpec,
    buffer_search,
    call_probability_curve,
    expected_shortfall,
    historical_sample,
    run_stress,
    smallest_buffer_multiple,
    stress_calendar,
    value_at_risk,
)
from hedgekit.montecarlo._stress import _chunk_levels
from hedgekit.montecarlo._stress_kernel import (
    KernelTerms,
    StressDays,
    market_arrays,
    simulate_stress_numpy,
)
from hedgekit.montecarlo._stress_python import stress_ledger

FIELDS = (
    "final_hedged_usd",
    "final_unhedged_usd",
    "max_drawdown_hedged",
    "max_drawdown_unhedged",
    "n_margin_calls",
    "largest_margin_call_usd",
    "margin_calls_usd",
    "trading_costs_usd",
    "n_trades",
    "contracts_start",
    "required_buffer_multiple",
)


def hand_terms(**changes: object) -> KernelTerms:
    base = KernelTerms(
        value_usd=10_000.0,
        beta=1.0,
        h_beta=1.0,
        band=0.0,
        dividend_yield=0.0,
        multiplier_usd=10.0,
        cost_per_contract_usd=0.0,
        initial_margin_usd=100.0,
        maintenance_margin_usd=80.0,
        deposit_multiple=1.0,
        sweep_multiple=None,
        calls_from_stock=False,
    )
    return base._replace(**changes)  # type: ignore[arg-type]


NO_ROLLS = StressDays(np.zeros(4), np.zeros(4), np.zeros(4, dtype=np.bool_))
HAND_LEVELS = [100.0, 101.0, 103.0, 100.0]


def test_hand_ledger() -> None:
    # Zero rate and yield, so F = S. N0 = floor(10,000 / (10 x 100)) = 10 contracts short,
    # deposit 1,000 (IM 100 x 10), maintenance 800.
    # day 1: S 100 -> 101, settlement -10 x 10 x 1 = -100, margin 900 (>= 800, no call);
    # day 2: S -> 103, settlement -200, margin 700 < 800: call of 1,000 - 700 = 300 from cash;
    # day 3: S -> 100, settlement +300, margin 1,300. Stocks back at 10,000, cash -300:
    # hedged = 10,000 + 1,300 - 300 = 11,000 = unhedged (stocks + the 1,000 reserve).
    # Required buffer: no-call balances X = -100, -300, 0 against 800 maintenance:
    # B* = max(900, 1,100, 800) / 1,000 = 1.1.
    levels = np.array(HAND_LEVELS)[:, None]
    rates = np.zeros((4, 1))
    out = simulate_stress_numpy(levels, rates, NO_ROLLS, hand_terms(), fan_paths=1)
    assert out.contracts_start[0] == 10
    assert out.n_margin_calls[0] == 1
    assert out.largest_margin_call_usd[0] == pytest.approx(300.0)
    assert out.final_hedged_usd[0] == pytest.approx(11_000.0)
    assert out.final_unhedged_usd[0] == pytest.approx(11_000.0)
    assert out.required_buffer_multiple[0] == pytest.approx(1.1)
    np.testing.assert_allclose(out.fan_hedged_usd[0], [11_000, 10_900 + 100, 11_000, 11_000])
    # unhedged: 10,000 x 1.03 + 1,000 on day 2 -> drawdown from there to day 3
    assert out.max_drawdown_unhedged[0] == pytest.approx(1 - 11_000 / 11_300)
    # with a buffer of 1.1 the call does not happen (700 + 100 = 800 is not below 800)
    more = simulate_stress_numpy(levels, rates, NO_ROLLS, hand_terms(deposit_multiple=1.1))
    assert more.n_margin_calls[0] == 0
    ledger = stress_ledger(HAND_LEVELS, [0.0] * 4, NO_ROLLS, hand_terms())
    assert ledger["ledger"]["margin_call_usd"] == pytest.approx([0, 0, 300, 0])
    assert ledger["ledger"]["cash_usd"] == pytest.approx([0, 0, -300, -300])


def test_hand_ledger_calls_from_stock() -> None:
    # The deposit (1,000) comes out of the stocks: 9,000 invested; N0 = 10 is sized on
    # V0 = 10,000 (as in the engine). Day 1: stocks 9,090, target floor(9,090 / 1,010) = 9,
    # so one contract is bought back (band 0); settlement -100 -> margin 900. Day 2: stocks
    # 9,090 x 103/101 = 9,270, settlement -9 x 10 x 2 = -180 -> 720, not below 9 x 80 = 720:
    # no call. Day 3: stocks 9,000, settlement +270 -> 990. Total 9,990 (the hedge lost
    # 100 + 180 - 270 = 10).
    ledger = stress_ledger(HAND_LEVELS, [0.0] * 4, NO_ROLLS, hand_terms(calls_from_stock=True))
    assert ledger["ledger"]["contracts"] == [10, 9, 9, 9]
    assert ledger["ledger"]["stocks_usd"] == pytest.approx([9_000, 9_090, 9_270, 9_000])
    assert ledger["ledger"]["margin_usd"] == pytest.approx([1_000, 900, 720, 990])
    assert ledger["n_margin_calls"] == 0
    assert ledger["final_hedged_usd"] == pytest.approx(9_990.0)
    assert ledger["final_unhedged_usd"] == pytest.approx(10_000.0)
    levels = np.array(HAND_LEVELS)[:, None]
    out = simulate_stress_numpy(
        levels, np.zeros((4, 1)), NO_ROLLS, hand_terms(calls_from_stock=True)
    )
    assert out.final_hedged_usd[0] == pytest.approx(9_990.0)
    assert out.n_trades[0] == 2


@pytest.fixture(scope="module")
def sample():  # type: ignore[no-untyped-def]
    return historical_sample()


@pytest.fixture(scope="module")
def chunk(sample):  # type: ignore[no-untyped-def]
    """40 bootstrap paths of 130 days from 2008 onwards (two rolls inside)."""
    paths = StationaryBootstrap(sample.window("2007-01-01", "2012-12-31"), 10.0).simulate(
        40, 130, np.random.default_rng(21)
    )
    _dates, days = stress_calendar("2024-01-12", 130)
    assert days.is_roll.sum() == 2
    return paths, days


VARIANTS = [
    {"call_source": "cash"},
    {"call_source": "stock", "sweep_multiple": 1.5},
    {"call_source": "cash", "sweep_multiple": 2.0, "buffer_multiple": 1.5, "band": 0.1},
    {"call_source": "stock", "band": 0.2, "hedge_ratio": 0.6, "beta": 1.3},
    # a position held from roll to roll, re-sized to the nearest contract at each roll
    {"contracts_start": 12, "rounding": "nearest", "band": None},
    {"contracts_start": 14, "rounding": "nearest", "band": 0.1, "call_source": "stock",
     "sweep_multiple": 1.5},
    {"contracts_start": 9, "band": None, "buffer_multiple": 1.2},
]  # fmt: skip


def spec_for(**changes: object) -> StressSpec:
    base = StressSpec(
        value_usd=3_000_000.0,
        start=np.datetime64("2024-01-12").astype(object),
        index_level=4783.83,
        rate_annual=0.052,
        multiplier_usd=50.0,
        tick_size_points=0.25,
        initial_margin_per_contract_usd=12_000.0,
        maintenance_margin_per_contract_usd=9_000.0,
        dividend_yield=0.015,
        horizon_days=130,
        commission_per_contract_usd=2.5,
        slippage_ticks=1.0,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize("variant", VARIANTS)
def test_numpy_kernel_equals_pure_python_twin(chunk, variant) -> None:  # type: ignore[no-untyped-def]
    paths, days = chunk
    spec = spec_for(**variant)
    levels, rates = _chunk_levels(
        paths.index_return, paths.rate_annual, spec.index_level, spec.rate_annual
    )
    out = simulate_stress_numpy(levels, rates, days, spec.kernel_terms(), fan_paths=3)
    assert out.n_margin_calls.sum() > 0  # the check exercises calls
    for j in range(paths.n_paths):
        ref = stress_ledger(levels[:, j].tolist(), rates[:, j].tolist(), days, spec.kernel_terms())
        for name in FIELDS:
            assert getattr(out, name)[j] == pytest.approx(ref[name], rel=1e-12, abs=1e-9), name
        if j < 3:
            np.testing.assert_allclose(out.fan_hedged_usd[j], ref["fan_hedged_usd"], rtol=1e-12)


@pytest.mark.parametrize("variant", VARIANTS)
def test_numba_kernel_equals_numpy_kernel(chunk, variant) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("numba")
    from hedgekit.montecarlo._stress_numba import simulate_stress_numba

    paths, days = chunk
    spec = spec_for(**variant)
    levels, rates = _chunk_levels(
        paths.index_return, paths.rate_annual, spec.index_level, spec.rate_annual
    )
    a = simulate_stress_numpy(levels, rates, days, spec.kernel_terms(), fan_paths=5)
    b = simulate_stress_numba(
        paths.index_return.T, paths.rate_annual.T, spec.index_level, spec.rate_annual, days,
        spec.kernel_terms(), fan_paths=5,
    )  # fmt: skip
    for name in (*FIELDS, "fan_hedged_usd", "fan_unhedged_usd"):
        np.testing.assert_allclose(getattr(b, name), getattr(a, name), rtol=1e-12, err_msg=name)


def test_a_position_is_held_from_roll_to_roll(chunk) -> None:  # type: ignore[no-untyped-def]
    # contracts_start is day 0's position, whatever floor(h beta V / (m F)) says; without a
    # band it changes on roll days only, to the nearest whole contract of h beta V_t / (m F_t).
    paths, days = chunk
    spec = spec_for(contracts_start=17, rounding="nearest", band=None, hedge_ratio=0.9)
    levels, rates = _chunk_levels(
        paths.index_return, paths.rate_annual, spec.index_level, spec.rate_annual
    )
    terms = spec.kernel_terms()
    _, hold = market_arrays(levels, rates, days, spec.dividend_yield)
    rolls = np.flatnonzero(days.is_roll)
    for j in range(0, paths.n_paths, 5):
        ref = stress_ledger(levels[:, j].tolist(), rates[:, j].tolist(), days, terms)
        held = np.array(ref["ledger"]["contracts"])
        stocks = np.array(ref["ledger"]["stocks_usd"])
        assert held[0] == 17
        assert ref["contracts_start"] == 17
        changes = np.flatnonzero(np.diff(held)) + 1
        assert set(changes) <= set(rolls)
        for t in rolls:
            exact = 0.9 * spec.beta * stocks[t] / (spec.multiplier_usd * hold[t, j])
            assert held[t] == np.floor(exact + 0.5)
        # trades: the opening, then two per roll (close the old contract, open the new one)
        assert ref["n_trades"] == 1 + 2 * rolls.size
    out = simulate_stress_numpy(levels, rates, days, terms)
    np.testing.assert_array_equal(out.contracts_start, 17.0)
    assert spec.to_dict()["contracts_start"] == 17


def test_stock_source_equals_the_engine_on_each_path(chunk) -> None:  # type: ignore[no-untyped-def]
    # With calls paid from the stocks, a 1x deposit and a sweep, the stress account is the
    # engine's account (hedgekit.engine, bench-spec rules), path by path.
    paths, days = chunk
    spec = spec_for(call_source="stock", sweep_multiple=1.5, band=0.05)
    levels, rates = _chunk_levels(
        paths.index_return, paths.rate_annual, spec.index_level, spec.rate_annual
    )
    out = simulate_stress_numpy(levels, rates, days, spec.kernel_terms())
    account = AccountSpec(
        initial_value_usd=spec.value_usd,
        beta=spec.beta,
        multiplier_usd=spec.multiplier_usd,
        commission_per_contract_usd=spec.commission_per_contract_usd,
        slippage_points=spec.slippage_ticks * spec.tick_size_points,
        initial_margin_per_contract_usd=spec.initial_margin_per_contract_usd,
        maintenance_fraction=0.75,  # 9,000 / 12,000, exact in binary
        sweep_multiple=1.5,
    )
    schedule = HeldContractSchedule(days.tau_settle_years, days.tau_hold_years, days.is_roll)
    for j in range(0, paths.n_paths, 7):
        market = MarketPath.from_fair_value(
            levels[:, j], rates[:, j], spec.dividend_yield, schedule
        )
        for engine in ("numpy", "python"):
            ref = simulate_batch(market, [spec.hedge_ratio], [spec.band], account, engine=engine)
            assert out.final_hedged_usd[j] == pytest.approx(ref.final_value_usd[0], rel=1e-12)
            assert out.max_drawdown_hedged[j] == pytest.approx(ref.max_drawdown[0], rel=1e-9)
            assert out.n_margin_calls[j] == ref.n_margin_calls[0]
            assert out.n_trades[j] == ref.n_trades[0]
            assert out.trading_costs_usd[j] == pytest.approx(ref.trading_costs_usd[0])


def test_required_buffer_predicts_calls_at_every_buffer(sample) -> None:  # type: ignore[no-untyped-def]
    model = StationaryBootstrap(sample, 20.0, rate_start=0.052)
    spec = spec_for(horizon_days=60)
    base = run_stress(spec, model, 3000, rng=5, chunk_paths=1000, engine="numpy")
    req = base.outcomes["required_buffer_multiple"].to_numpy()
    for b in (1.0, 1.3, 2.0, 3.5):
        again = run_stress(
            dataclasses.replace(spec, buffer_multiple=b), model, 3000, rng=5, chunk_paths=1000,
            engine="numpy",
        )  # fmt: skip
        calls = again.outcomes["n_margin_calls"].to_numpy() > 0
        np.testing.assert_array_equal(calls, req > b)
        assert again.call_probability() == base.call_probability(b)
    # the buffer found for a 5% target meets it, and any smaller one misses it
    best = base.buffer_for(0.05)
    assert (req > best).mean() <= 0.05
    assert (req > best * (1 - 1e-9)).mean() > 0.05 or best == 1.0


def test_buffer_curve_is_monotone_and_search_methods_agree(sample) -> None:  # type: ignore[no-untyped-def]
    model = StationaryBootstrap(sample, 20.0, rate_start=0.052)
    spec = spec_for(horizon_days=60)
    grid = (1.0, 1.25, 1.5, 2.0, 3.0, 4.0)
    exact = buffer_search(spec, model, 2000, seed=3, target_probability=0.1, buffer_multiples=grid)
    assert exact.method == "exact"
    probs = np.array(exact.call_probabilities)
    assert (np.diff(probs) <= 0).all()
    # a search that re-simulates every buffer (forced by a sweep level far above the
    # account) finds the same probabilities on the same paths
    resim = buffer_search(
        dataclasses.replace(spec, sweep_multiple=1e9), model, 2000, seed=3,
        target_probability=0.1, buffer_multiples=grid,
    )  # fmt: skip
    assert resim.method == "resimulated"
    np.testing.assert_allclose(resim.call_probabilities, probs)
    assert exact.buffer_multiple is not None
    assert resim.buffer_multiple is not None
    assert resim.buffer_multiple == min(b for b in grid if b >= exact.buffer_multiple)


def test_curve_and_order_statistic() -> None:
    req = np.array([0.5, 1.2, 1.2, 2.0, 3.0, -np.inf, np.inf, 1.0, 0.9, 1.5])
    np.testing.assert_allclose(
        call_probability_curve(req, [1.0, 1.2, 2.0, 10.0]), [0.6, 0.4, 0.2, 0.1]
    )
    assert smallest_buffer_multiple(req, 0.2) == 2.0  # 2 paths may call: 3.0 and inf
    assert smallest_buffer_multiple(req, 0.1) == 3.0
    assert smallest_buffer_multiple(req, 0.0) == np.inf
    assert smallest_buffer_multiple(np.array([0.2, 0.5]), 0.0) == 1.0  # never below 1


def test_run_stress_is_seeded_and_independent_of_workers(sample) -> None:  # type: ignore[no-untyped-def]
    model = StationaryBootstrap(sample, rate_start=0.052)
    spec = spec_for(horizon_days=40)
    a = run_stress(spec, model, 900, rng=9, chunk_paths=300, workers=1, engine="numpy")
    b = run_stress(spec, model, 900, rng=9, chunk_paths=300, workers=2, engine="numpy")
    c = run_stress(spec, model, 900, rng=10, chunk_paths=300, engine="numpy")
    assert a.outcomes.equals(b.outcomes)
    assert not a.outcomes.equals(c.outcomes)
    assert a.fan_hedged_usd.shape == (300, 41)


def test_chunks_computed_apart_equal_the_whole_run(sample) -> None:  # type: ignore[no-untyped-def]
    """What a cluster computes chunk by chunk, put together, is the one-process run."""
    from hedgekit.montecarlo import stress_chunk, stress_result_from_outcomes

    model = StationaryBootstrap(sample, rate_start=0.052)
    spec = spec_for(horizon_days=40)
    whole = run_stress(spec, model, 700, rng=9, chunk_paths=300, engine="numpy")
    parts = [
        stress_chunk(spec, model, 700, i, rng=9, chunk_paths=300, engine="numpy") for i in (2, 0, 1)
    ]
    rows = pd.concat([p[0] for p in sorted(parts, key=lambda p: int(p[0].index[0]))])
    assert list(rows.index) == list(range(700))
    assert rows.equals(whole.outcomes)
    first = next(p for p in parts if p[0].index[0] == 0)
    assert np.array_equal(first[1], whole.fan_hedged_usd)
    again = stress_result_from_outcomes(spec, model, rows, first[1], first[2], seed=9)
    assert again.summary() == whole.summary()
    with pytest.raises(InputError, match="no such chunk"):
        stress_chunk(spec, model, 700, 3, rng=9, chunk_paths=300, engine="numpy")


def test_summary_is_consistent_with_the_outcomes(sample) -> None:  # type: ignore[no-untyped-def]
    model = StationaryBootstrap(sample, rate_start=0.052)
    res = run_stress(spec_for(horizon_days=40), model, 1000, rng=2, engine="numpy")
    s = res.summary(call_sizes_usd=[1_000.0, 50_000.0])
    o = res.outcomes
    assert s["hedged"]["var"]["0.95"]["usd"] == value_at_risk(o["pnl_hedged_usd"], 0.95)
    assert s["unhedged"]["cvar"]["0.99"]["fraction"] == expected_shortfall(
        o["return_unhedged"], 0.99
    )
    above = s["margin"]["probability_call_above"]
    assert above[0]["probability"] == (o["largest_margin_call_usd"] > 1_000).mean()
    assert above[0]["probability"] >= above[1]["probability"]
    assert s["margin"]["probability_of_call"] == res.call_probability()
    # a hedge cuts the spread of outcomes (h = 1 on 3M USD: 12 contracts of ~240k)
    assert s["hedged"]["var"]["0.99"]["usd"] < s["unhedged"]["var"]["0.99"]["usd"]
    doc = res.to_dict()
    assert doc["n_paths"] == 1000
    assert doc["horizon"]["days"] == 40


def test_no_hedge_is_the_unhedged_portfolio(sample) -> None:  # type: ignore[no-untyped-def]
    model = StationaryBootstrap(sample, rate_start=0.052)
    res = run_stress(spec_for(hedge_ratio=0.0, horizon_days=30), model, 200, rng=1, engine="numpy")
    o = res.outcomes
    np.testing.assert_array_equal(o["final_hedged_usd"], o["final_unhedged_usd"])
    assert (o["n_margin_calls"] == 0).all()


def test_spec_validation_names_the_field() -> None:
    with pytest.raises(InputError) as err:
        spec_for(buffer_multiple=0.5)
    assert err.value.source == "buffer_multiple"
    with pytest.raises(InputError) as err:
        spec_for(sweep_multiple=1.2, buffer_multiple=2.0)
    assert err.value.source == "sweep_multiple"
    with pytest.raises(InputError) as err:
        spec_for(call_source="broker")
    assert err.value.source == "call_source"
    with pytest.raises(InputError) as err:
        spec_for(maintenance_margin_per_contract_usd=13_000.0)
    assert err.value.source == "maintenance_margin_per_contract_usd"
    for bad in (-1, 2.5, True):
        with pytest.raises(InputError) as err:
            spec_for(contracts_start=bad)
        assert err.value.source == "contracts_start"
    with pytest.raises(InputError) as err:
        spec_for(rounding="up")
    assert err.value.source == "rounding"
    with pytest.raises(InputError) as err:
        spec_for(band=-0.1)
    assert err.value.source == "band"


def test_for_contract_takes_the_registry_terms() -> None:
    from hedgekit.contracts import get_contract

    spec = StressSpec.for_contract(
        "MES", value_usd=100_000.0, start="2024-03-01", index_level=5000.0, rate_annual=0.05
    )
    mes = get_contract("MES")
    margin = mes.margin_on("2024-03-01")
    assert spec.multiplier_usd == mes.multiplier_usd == 5.0
    assert spec.initial_margin_per_contract_usd == margin.initial_usd
    assert spec.maintenance_margin_per_contract_usd == margin.maintenance_usd


@pytest.mark.parametrize(("source", "sweep"), [("stock", 1.5), ("cash", 1.5), ("cash", None)])
def test_equals_the_engines_general_kernel_on_per_run_paths(
    source: str, sweep: float | None
) -> None:
    # hedgekit.engine.simulate_paths takes per-run portfolio growth and futures prices (one
    # shared rate): on GBM paths with a constant rate the stress account is its account, with
    # the deposit funded from a cash reserve of the same size for "cash".
    from hedgekit.engine import HedgeTerms, PathSet, simulate_paths
    from hedgekit.montecarlo import Gbm

    spec = spec_for(call_source=source, sweep_multiple=sweep, band=0.1, rate_annual=0.05)
    paths = Gbm(0.07, 0.3, 0.05).simulate(50, 130, np.random.default_rng(1))
    _, days = stress_calendar(spec.start, 130)
    levels, rates = _chunk_levels(
        paths.index_return, paths.rate_annual, spec.index_level, spec.rate_annual
    )
    out = simulate_stress_numpy(levels, rates, days, spec.kernel_terms())
    settle, hold = market_arrays(levels, rates, days, spec.dividend_yield)
    growth = np.ones_like(levels)
    growth[1:] = 1.0 + spec.beta * (levels[1:] / levels[:-1] - 1.0) + spec.dividend_yield / 252
    deposit = float(out.contracts_start[0]) * spec.initial_margin_per_contract_usd
    terms = HedgeTerms(
        initial_value_usd=spec.value_usd,
        beta=spec.beta,
        multiplier_usd=spec.multiplier_usd,
        commission_per_contract_usd=spec.commission_per_contract_usd,
        slippage_per_contract_usd=spec.slippage_ticks * spec.tick_size_points * 50.0,
        initial_margin_per_contract_usd=spec.initial_margin_per_contract_usd,
        maintenance_fraction=0.75,
        sweep_multiple=1e12 if sweep is None else sweep,
        call_source=source,  # type: ignore[arg-type]
        deposit_on_increase=False,
        rounding="down",
        rule="band",
        initial_cash_usd=deposit if source == "cash" else 0.0,
    )
    ref = simulate_paths(
        PathSet(growth, rates[:, 0], settle, hold, days.is_roll),
        np.full(levels.shape[0], spec.hedge_ratio),
        terms,
        rule_parameter=spec.band,
        engine="interpreted",
    )
    np.testing.assert_allclose(out.final_hedged_usd, ref.total_value_usd[-1], rtol=1e-13)
    c = ref.counters
    np.testing.assert_array_equal(out.n_margin_calls, c["n_margin_calls"])
    np.testing.assert_allclose(
        out.largest_margin_call_usd, c["largest_margin_call_usd"], rtol=1e-12
    )
    np.testing.assert_allclose(out.margin_calls_usd, c["margin_calls_usd"], rtol=1e-12)
    assert out.n_margin_calls.sum() > 0


def test_bootstrap_start_rate_must_match_the_spec(sample) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError) as err:
        run_stress(spec_for(horizon_days=20), StationaryBootstrap(sample, rate_start=0.01), 10,
                   rng=1)  # fmt: skip
    assert err.value.source == "rate_start"
