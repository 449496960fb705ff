"""A time-varying sizing beta in backtests: trailing OLS beta, warm-up, the beta-change rule."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hedgekit.backtest import (
    BacktestSpec,
    HoldingsPortfolio,
    RollingBeta,
    load_history,
    run_backtest,
    run_batch,
)
from hedgekit.backtest._beta import trailing_ols_beta
from hedgekit.datasets import load_large_caps, load_sp500
from hedgekit.errors import InputError
from hedgekit.estimation import ols_beta, returns_from_prices
from hedgekit.policies import BetaChange, StaticHedge

HOLDINGS = {"AAPL": 40_000, "MSFT": 60_000, "XOM": 30_000}
ROLLING = BacktestSpec("2015-01-02", "2015-06-30", HoldingsPortfolio(HOLDINGS, beta="rolling"),
                       policy=StaticHedge(1.0), rebalance=BetaChange(0.05))  # fmt: skip


@pytest.fixture(scope="module")
def rolling() -> pd.DataFrame:
    return run_backtest(ROLLING, engine="interpreted").daily


def _reference_beta(day: pd.Timestamp, window: int, frequency: str = "daily") -> float:
    """hedgekit.estimation.ols_beta (QR least squares) on the window ending the day before."""
    px = load_large_caps()[list(HOLDINGS)]
    value = px @ pd.Series(HOLDINGS, dtype=float)
    spx = load_sp500()["close"]
    sessions = spx.index[spx.index < day]
    step = 1 if frequency == "daily" else 5
    sample = sessions[-(step * window + 1) :][::step]
    a = returns_from_prices(value.loc[sample].astype(float), frequency)  # type: ignore[arg-type]
    m = returns_from_prices(spx.loc[sample].astype(float), frequency)  # type: ignore[arg-type]
    return float(ols_beta(a, m, frequency=frequency).beta)  # type: ignore[arg-type]


def test_beta_is_the_ols_beta_of_the_window_ending_the_day_before(rolling: pd.DataFrame) -> None:
    for i in (0, 1, 57, len(rolling) - 1):
        day = rolling.index[i]
        assert rolling["beta"].iloc[i] == pytest.approx(_reference_beta(day, 252), rel=1e-10)
    assert rolling["beta"].nunique() == len(rolling)


def test_weekly_rolling_beta_matches_ols_beta_on_five_session_returns() -> None:
    weekly = RollingBeta(window=52, frequency="weekly")
    spec = BacktestSpec("2015-01-02", "2015-03-31", HoldingsPortfolio(HOLDINGS, beta=weekly),
                        policy=StaticHedge(1.0), warmup_sessions=270)  # fmt: skip
    daily = run_backtest(spec, engine="interpreted").daily
    for i in (0, 20, len(daily) - 1):
        expected = _reference_beta(daily.index[i], 52, "weekly")
        assert daily["beta"].iloc[i] == pytest.approx(expected, rel=1e-10)


def test_sizing_uses_the_day_s_beta(rolling: pd.DataFrame) -> None:
    # effective ratio -N m F / (β_t S) with the day's beta; the target N* uses it too
    d = rolling
    eff = -d["contracts"] * 50.0 * d["futures_price"] / (d["beta"] * d["stocks_usd"])
    np.testing.assert_allclose(d["hedge_ratio_effective"], eff, rtol=1e-12)


def test_beta_change_rule_trades_only_when_beta_moved(rolling: pd.DataFrame) -> None:
    d = rolling
    last = d["beta"].iloc[0]
    traded = 0
    for t in range(1, len(d)):
        moved = abs(d["beta"].iloc[t] - last) >= 0.05
        changed = d["contracts"].iloc[t] != d["contracts"].iloc[t - 1]
        if d["is_roll"].iloc[t] or changed:
            last = d["beta"].iloc[t]
        if not d["is_roll"].iloc[t]:
            assert changed <= moved, d.index[t]  # no trade without a beta move
            traded += int(changed)
    assert traded >= 1


def test_fixed_beta_is_recorded() -> None:
    spec = BacktestSpec("2015-01-02", "2015-02-27", HoldingsPortfolio(HOLDINGS, beta=1.1),
                        policy=StaticHedge(0.5))  # fmt: skip
    assert (run_backtest(spec, engine="interpreted").daily["beta"] == 1.1).all()


def test_not_enough_history_names_the_window_and_first_date() -> None:
    # prices from 2014-06-02 only: a 252-session window needs 253 sessions before 2015-01-02
    prices = load_large_caps().loc["2014-06-02":, list(HOLDINGS)]
    early = BacktestSpec("2015-01-02", "2015-06-30",
                         HoldingsPortfolio(HOLDINGS, prices=prices, beta="rolling"))  # fmt: skip
    with pytest.raises(InputError, match="window=252") as err:
        run_backtest(early, engine="interpreted")
    assert "2014-06-02" in str(err.value)
    with pytest.raises(InputError, match="window=252"):
        run_backtest(BacktestSpec("1990-06-01", "1990-12-31",
                                  HoldingsPortfolio(HOLDINGS, beta="rolling")))  # fmt: skip
    short = BacktestSpec("2015-01-02", "2015-03-31", HoldingsPortfolio(HOLDINGS, beta="rolling"),
                         warmup_sessions=100)  # fmt: skip
    with pytest.raises(InputError, match="253 sessions of history") as err2:
        run_backtest(short, engine="interpreted")
    first = load_history(short).policy_market.dates[0]
    assert str(pd.Timestamp(first).date()) in str(err2.value)


def test_bad_rolling_specs() -> None:
    with pytest.raises(InputError, match="window"):
        RollingBeta(window=5)
    with pytest.raises(InputError, match="frequency"):
        RollingBeta(frequency="monthly")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="beta"):
        HoldingsPortfolio(HOLDINGS, beta="trailing")  # type: ignore[arg-type]
    assert HoldingsPortfolio(HOLDINGS, beta="rolling").to_dict()["beta"]["window"] == 252


def test_batch_with_rolling_beta_matches_single_runs(rolling: pd.DataFrame) -> None:
    specs = [
        BacktestSpec(
            ROLLING.start,
            ROLLING.end,
            ROLLING.portfolio,
            policy=StaticHedge(h),
            rebalance=BetaChange(b),
        )
        for h, b in ((1.0, 0.05), (0.5, 0.02), (1.0, 0.2))
    ]
    batch = run_batch(specs, engine="interpreted")
    assert batch.metrics(0).final_value_usd == pytest.approx(rolling["total_value_usd"].iloc[-1])
    for i in (1, 2):
        single = run_backtest(specs[i], engine="python")
        assert batch.metrics(i).final_value_usd == pytest.approx(single.metrics.final_value_usd)
        assert batch.metrics(i).n_trades == single.metrics.n_trades


@given(seed=st.integers(0, 2**32 - 1), cut=st.integers(0, 29))
def test_trailing_beta_has_no_look_ahead(seed: int, cut: int) -> None:
    # changing prices from session `cut` of the run onward leaves β_0..β_cut unchanged
    rng = np.random.default_rng(seed)
    window, n = 20, 30
    size = window + 1 + n
    m = 100.0 * np.exp(np.cumsum(rng.normal(0, 0.01, size)))
    p = m * np.exp(np.cumsum(rng.normal(0, 0.005, size)))
    base = trailing_ols_beta(p, m, window=window)
    p2, m2 = p.copy(), m.copy()
    p2[window + 1 + cut :] *= rng.uniform(0.5, 1.5, n - cut)
    m2[window + 1 + cut :] *= rng.uniform(0.5, 1.5, n - cut)
    moved = trailing_ols_beta(p2, m2, window=window)
    np.testing.assert_array_equal(moved[: cut + 1], base[: cut + 1])
    # and β_t is the OLS slope of the returns t .. t + window - 1 (numpy's least squares)
    rp, rm = p[1:] / p[:-1] - 1.0, m[1:] / m[:-1] - 1.0
    slope = np.polyfit(rm[cut : cut + window], rp[cut : cut + window], 1)[0]
    assert base[cut] == pytest.approx(slope, rel=1e-9)
