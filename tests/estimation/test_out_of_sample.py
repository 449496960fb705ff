"""Out-of-sample judging of hedge ratios: no look-ahead, costs and effectiveness by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hedgekit.estimation import DCCParams, GarchParams, simulate_dcc_garch
from hedgekit.estimation._out_of_sample import (
    HedgePair,
    OutOfSampleSettings,
    evaluate_hedge_ratios,
    hedge_pair,
    ratio_paths,
)

TRUE = DCCParams(
    spot=GarchParams(omega=2e-6, alpha=0.08, beta=0.90, backcast=0.0),
    futures=GarchParams(omega=1.5e-6, alpha=0.07, beta=0.91, backcast=0.0),
    a=0.05,
    b=0.90,
    q_bar=(1.0, 0.9, 1.0),
)


def _pair(n: int = 900, seed: int = 0) -> HedgePair:
    s, f, _ = simulate_dcc_garch(n, TRUE, seed=seed)
    dates = pd.bdate_range("2010-01-04", periods=n + 1)
    prices = pd.Series(2000.0 * np.cumprod(np.r_[1.0, 1.0 + f]), index=dates)
    # Quarterly contract labels: a roll at each quarter's first session.
    labels = pd.Series([f"ES{d.year}Q{d.quarter}" for d in dates], index=dates)
    spot = pd.Series(np.r_[np.nan, s], index=dates)
    return hedge_pair(spot, prices, labels, spot_name="spot", futures_name="fut")


def test_hedge_pair_marks_rolls_and_excludes_their_change():
    pair = _pair(300)
    assert pair.roll.sum() == 4  # 2010-04, -07, -10, 2011-01
    assert np.isnan(pair.futures_change[pair.roll]).all()
    assert np.isfinite(pair.futures_change[~pair.roll]).all()


def test_ratios_use_no_later_data():
    pair = _pair()
    settings = OutOfSampleSettings(train_sessions=400, refit="monthly")
    base, _, _ = ratio_paths(pair, settings)
    # Change every return from session 650 on: ratios up to 650 (known at the close of
    # 649) must not move.
    cut = 650
    spot = pair.spot_return.copy()
    change = pair.futures_change.copy()
    spot[cut:] *= -3.0
    change[cut:] *= 5.0
    moved = HedgePair(pair.dates, spot, pair.futures_price_prev, change, pair.roll, "spot", "fut")
    other, _, _ = ratio_paths(moved, settings)
    for name in base:
        np.testing.assert_array_equal(base[name][: cut + 1], other[name][: cut + 1], err_msg=name)
        assert np.isnan(base[name][:400]).all()


def test_effectiveness_costs_and_net_by_hand():
    pair = _pair()
    st = OutOfSampleSettings(models=(), train_sessions=400, rebalance="daily")
    res = evaluate_hedge_ratios(pair, st)
    row = res.row("h=1")
    test = np.arange(len(pair.dates)) >= 400
    n = np.round(1_000_000.0 / (50.0 * pair.futures_price_prev))
    n[~test] = 0.0
    prev = np.r_[0.0, n[:-1]]
    side = 2.50 + 12.5
    costs = (np.abs(n - prev) + np.where(pair.roll, 2 * np.abs(prev), 0.0)) * side
    fut = -n * 50.0 * np.nan_to_num(pair.futures_change)
    hedged = 1_000_000.0 * pair.spot_return + fut - costs
    ok = test & ~pair.roll
    he = 1 - np.var(hedged[ok], ddof=1) / np.var(1_000_000.0 * pair.spot_return[ok], ddof=1)
    assert row.hedge_effectiveness == pytest.approx(he, rel=1e-12)
    assert row.costs_usd == pytest.approx(costs[test].sum())
    assert row.net_usd == pytest.approx(fut[test].sum() - costs[test].sum())
    entry = (prev == 0) & (n != 0)
    assert row.turnover_contracts == pytest.approx(np.abs(n - prev)[test & ~entry].sum())


def test_no_costs_means_net_equals_hedge_pnl_and_rarer_rebalancing_trades_less():
    pair = _pair()
    free = OutOfSampleSettings(
        models=("ewma",), train_sessions=400, commission_usd=0.0, slippage_ticks=0.0
    )
    res = evaluate_hedge_ratios(pair, free)
    for r in res.rows:
        assert r.costs_usd == 0.0
        assert r.net_usd == r.hedge_pnl_usd
    daily = evaluate_hedge_ratios(
        pair, OutOfSampleSettings(models=("ewma",), train_sessions=400, rebalance="daily")
    )
    monthly = evaluate_hedge_ratios(
        pair, OutOfSampleSettings(models=("ewma",), train_sessions=400, rebalance="monthly")
    )
    assert monthly.row("ewma").turnover_contracts < daily.row("ewma").turnover_contracts


def test_dcc_hedges_a_dcc_process_at_least_as_well_as_static_before_costs():
    # On data that *are* DCC with a large position (fine contract granularity) and no
    # costs, the DCC ratio must not lose to the static one out of sample.
    pair = _pair(2500, seed=3)
    st = OutOfSampleSettings(
        models=("dcc",),
        train_sessions=1000,
        refit="quarterly",
        value_usd=1e9,
        commission_usd=0.0,
        slippage_ticks=0.0,
    )
    res = evaluate_hedge_ratios(pair, st)
    assert res.row("dcc").hedge_effectiveness > res.row("static-ols").hedge_effectiveness
    # 1,500 test sessions of business days: about 6 years, 24 quarters.
    assert res.seconds["dcc_refits"] == pytest.approx(24.0, abs=1.0)
