"""Measures on tiny paths worked by hand, batched columns equal single paths, JSON records."""

from __future__ import annotations

import json
import math
import statistics

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from hedgekit._constants import TRADING_DAYS_PER_YEAR
from hedgekit.errors import InputError
from hedgekit.metrics import (
    Metrics,
    cagr,
    daily_returns,
    hedge_effectiveness,
    max_drawdown,
    metrics_columns,
    sharpe_ratio,
    sortino_ratio,
    total_return,
    volatility_annual,
)

# W: 100 -> 110 (+10%) -> 88 (-20%) -> 99 (+12.5%) -> 121 (+22.2%)
W = np.array([100.0, 110.0, 88.0, 99.0, 121.0])


def test_returns_and_growth() -> None:
    np.testing.assert_allclose(daily_returns(W), [0.1, -0.2, 0.125, 22 / 99])
    assert float(total_return(W)) == pytest.approx(0.21)
    assert float(total_return(W, initial=110.0)) == pytest.approx(0.1)
    # 4 returns = 4/252 years: 1.21 ** 63 - 1
    assert float(cagr(W)) == pytest.approx(1.21 ** (TRADING_DAYS_PER_YEAR / 4) - 1)


def test_drawdown_dates() -> None:
    dd = max_drawdown(W)
    # peak 110 (pos 1), trough 88 (pos 2): 1 - 88/110 = 0.2; back above 110 at pos 4
    assert (float(dd.depth), int(dd.peak), int(dd.trough), int(dd.end)) == (
        pytest.approx(0.2), 1, 2, 4,
    )  # fmt: skip
    never = max_drawdown(np.array([100.0, 90.0, 95.0]))
    assert int(never.end) == -1
    assert int(never.peak) == 0
    flat = max_drawdown(np.array([1.0, 2.0, 3.0]))
    assert float(flat.depth) == 0.0


def test_volatility_sharpe_sortino_against_statistics_module() -> None:
    r = daily_returns(W)
    rf = np.full(4, 0.0002)
    e = (r - rf).tolist()
    sd = statistics.stdev(r.tolist())  # ddof=1, independent implementation
    assert float(volatility_annual(r)) == pytest.approx(sd * math.sqrt(TRADING_DAYS_PER_YEAR))
    expected_sharpe = statistics.mean(e) / statistics.stdev(e) * math.sqrt(TRADING_DAYS_PER_YEAR)
    assert float(sharpe_ratio(r, rf)) == pytest.approx(expected_sharpe)
    # Sortino: downside deviation sqrt(mean(min(e, 0)^2)); only day 2 (-0.2002) is negative
    downside = math.sqrt((-0.2002) ** 2 / 4)
    expected_sortino = statistics.mean(e) * math.sqrt(TRADING_DAYS_PER_YEAR) / downside
    assert float(sortino_ratio(r, rf)) == pytest.approx(expected_sortino)
    assert math.isnan(float(sortino_ratio(np.array([0.01, 0.02]))))


def test_hedge_effectiveness() -> None:
    u = np.array([0.01, -0.02, 0.03, -0.01])
    assert float(hedge_effectiveness(u * 0.5, u)) == pytest.approx(0.75)  # var scales by 1/4
    assert float(hedge_effectiveness(u, u)) == 0.0
    with pytest.raises(InputError):
        hedge_effectiveness(u, np.zeros(4))


@given(
    hnp.arrays(np.float64, (30, 3), elements=st.floats(0.5, 2.0)),
)
def test_batched_columns_equal_one_by_one(growth: np.ndarray) -> None:
    assume(np.std(np.log(growth[1:]), axis=0).min() > 1e-3)  # degenerate (flat) paths aside
    paths = 1_000.0 * np.cumprod(growth, axis=0)
    unhedged = paths[:, 0]
    rate = np.full(30, 0.03)
    dates = np.arange("2020-01-01", 30, dtype="datetime64[D]")
    cols = metrics_columns(paths, unhedged, rate, dates, initial_value_usd=1_000.0)
    for j in range(3):
        one = metrics_columns(paths[:, j], unhedged, rate, dates, initial_value_usd=1_000.0)
        a, b = Metrics.from_columns(cols, j), Metrics.from_columns(one)
        for key, value in a.to_dict().items():
            other = b.to_dict()[key]
            if isinstance(value, float):
                assert other == pytest.approx(value, rel=1e-9, nan_ok=True), key
            else:
                assert other == value, key


def test_metrics_record_is_json_safe() -> None:
    dates = np.arange("2021-03-01", 5, dtype="datetime64[D]")
    counters = {"fees_usd": 10.0, "roll_fees_usd": 4.0, "roll_slippage_usd": 6.0, "n_trades": 3.0,
                "days_hedged": 5.0, "sum_hedge_ratio_effective": 2.5}  # fmt: skip
    m = Metrics.from_columns(
        metrics_columns(W, W * 1.01, np.zeros(5), dates, initial_value_usd=100.0, counters=counters)
    )
    assert m.max_drawdown_start is not None
    assert m.max_drawdown_start.isoformat() == "2021-03-02"
    assert m.max_drawdown_end is not None
    assert m.max_drawdown_end.isoformat() == "2021-03-05"
    assert (m.roll_cost_usd, m.n_trades, m.time_hedged, m.average_hedge_ratio) == (
        10.0,
        3,
        1.0,
        0.5,
    )
    assert json.loads(json.dumps(m.to_dict()))["max_drawdown_trough"] == "2021-03-03"


# ------------------------------------------------------------- fast paths against the plain ones
def drawdown_column_by_column(values: np.ndarray) -> tuple[np.ndarray, ...]:
    """The straightforward scan, one path at a time down the columns (the reference)."""
    two = values.reshape(values.shape[0], -1)
    out = []
    for j in range(two.shape[1]):
        w = two[:, j]
        high = np.maximum.accumulate(w)
        dd = 1.0 - w / high
        trough = int(np.argmax(dd))
        depth = dd[trough]
        level = high[trough]
        peak = int(np.flatnonzero(w[: trough + 1] == level)[-1]) if depth > 0 else trough
        after = np.flatnonzero(w[trough:] >= level)
        end = trough + int(after[0]) if depth > 0 and after.size else -1
        out.append((depth, peak, trough, end))
    return tuple(np.array(x) for x in zip(*out, strict=True))


@given(
    steps=hnp.arrays(
        np.float64,
        st.tuples(st.integers(2, 60), st.integers(1, 70)),
        elements=st.sampled_from([0.9, 0.95, 1.0, 1.0, 1.05, 1.1]),
    ),
)
def test_blocked_drawdown_equals_the_column_scan_exactly(steps: np.ndarray) -> None:
    # steps of exact ratios with repeats: plateaus, highs revisited, recoveries, none
    paths = 100.0 * np.cumprod(steps, axis=0)
    got = max_drawdown(paths)
    for a, b in zip(got, drawdown_column_by_column(paths), strict=True):
        np.testing.assert_array_equal(a, b)


@given(
    growth=hnp.arrays(
        np.float64, st.tuples(st.integers(3, 50), st.integers(1, 40)), elements=st.floats(0.8, 1.25)
    ),
)
def test_metrics_columns_equal_the_single_measures_bit_for_bit(growth: np.ndarray) -> None:
    paths = 1_000.0 * np.cumprod(growth, axis=0)
    n = paths.shape[0]
    unhedged = 1_000.0 * np.cumprod(np.r_[1.0, 1.0 + 0.01 * np.sin(np.arange(1, n))])
    rate = np.linspace(0.01, 0.05, n)
    dates = np.arange("2020-01-01", n, dtype="datetime64[D]")
    cols = metrics_columns(paths, unhedged, rate, dates, initial_value_usd=990.0)
    r = daily_returns(paths)
    rf = rate[:-1] / TRADING_DAYS_PER_YEAR
    ref = {
        "total_return": total_return(paths, 990.0),
        "cagr": cagr(paths, 990.0),
        "volatility_annual": volatility_annual(r),
        "sharpe": sharpe_ratio(r, rf),
        "sortino": sortino_ratio(r, rf),
        "hedge_effectiveness": hedge_effectiveness(r, daily_returns(unhedged)),
        "max_drawdown": max_drawdown(paths).depth,
    }
    for key, value in ref.items():
        np.testing.assert_array_equal(cols[key], value, err_msg=key)
