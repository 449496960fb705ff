"""``metrics_columns_online`` (a sweep's metrics from the kernel's online measures) against
``metrics_columns`` (the same metrics from the stored value paths). Random synthetic paths.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hedgekit.engine import simulate_paths
from hedgekit.engine._hedge_kernel import MEASURES
from hedgekit.engine._hedge_run import path_measures
from hedgekit.errors import InputError
from hedgekit.metrics import metrics_columns, metrics_columns_online

from ..engine.test_hedge_equivalence import random_paths, random_terms

EXACT = ("initial_value_usd", "final_value_usd", "total_return", "cagr", "max_drawdown",
         "max_drawdown_start", "max_drawdown_trough", "max_drawdown_end", "average_hedge_ratio",
         "time_hedged", "fees_usd", "slippage_usd", "roll_cost_usd", "margin_interest_usd",
         "n_trades", "n_rolls", "n_margin_calls", "largest_margin_call_usd")  # fmt: skip
#: Welford's running moments against numpy's two-pass ones: equal within 1e-12 relative or
#: 1e-13 absolute (a Sharpe ratio or a hedge effectiveness near zero: relative is no measure).
CLOSE = ("volatility_annual", "sharpe", "sortino", "hedge_effectiveness")


def both(seed: int, n: int, k: int) -> tuple[dict[str, object], dict[str, object]]:
    rng = np.random.default_rng(seed)
    paths = random_paths(rng, n, k if seed % 2 else None)
    targets = np.clip(rng.normal(0.6, 0.5, size=(n, k)), 0.0, 1.2)
    terms = random_terms(rng)
    out = simulate_paths(paths, targets, terms, engine="numpy", rule_parameter=0.1)
    dates = pd.bdate_range("2001-01-02", periods=n)
    unhedged = 1e6 * np.cumprod(np.r_[1.0, 1.0 + rng.normal(0, 0.01, n - 1)])
    init = terms.initial_value_usd + terms.initial_cash_usd
    paths_cols = metrics_columns(out.total_value_usd, unhedged, paths.rate_annual, dates,
                                 initial_value_usd=init, counters=out.counters)  # fmt: skip
    online = metrics_columns_online(out.measures, unhedged, paths.rate_annual, dates,
                                    initial_value_usd=init, counters=out.counters)  # fmt: skip
    return paths_cols, online


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(3, 90), k=st.integers(1, 5))
def test_online_columns_equal_the_path_columns(seed: int, n: int, k: int) -> None:
    want, got = both(seed, n, k)
    assert set(got) == set(want)
    for name in EXACT:
        np.testing.assert_array_equal(got[name], want[name], err_msg=name)
    for name in CLOSE:
        np.testing.assert_allclose(got[name], want[name], rtol=1e-12, atol=1e-13,  # type: ignore[arg-type]
                                   err_msg=name)  # fmt: skip


def test_a_ledger_path_measured_day_by_day_gives_the_same_columns() -> None:
    # path_measures: the kernels' steps over a stored path (what a single backtest could
    # use): the online columns of the path equal the kernel's online columns exactly
    rng = np.random.default_rng(7)
    paths = random_paths(rng, 60, 4)
    targets = np.full((60, 4), 0.8)
    out = simulate_paths(paths, targets, random_terms(rng), engine="numpy")
    ms = path_measures(out.total_value_usd, paths.rate_annual)
    for c, name in enumerate(MEASURES):
        np.testing.assert_array_equal(ms[c], out.measures[name], err_msg=name)


def test_too_few_sessions_is_refused_naming_the_field() -> None:
    measures = {name: np.zeros(1) for name in MEASURES}
    with pytest.raises(InputError) as err:
        metrics_columns_online(measures, np.ones(2), np.zeros(2),
                               pd.bdate_range("2001-01-02", periods=2),
                               initial_value_usd=1.0)  # fmt: skip
    assert err.value.source == "dates"
