from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hedgekit.calendar import last_trading_day
from hedgekit.errors import InputError
from hedgekit.estimation import (
    futures_returns_excluding_rolls,
    ols_beta,
    returns_from_prices,
)


def _series(values, start="2024-01-02", name="X"):
    return pd.Series(
        values, index=pd.bdate_range(start, periods=len(values)), name=name, dtype=float
    )


def test_daily_simple_returns_by_hand():
    # 100 -> 110 is +10%, 110 -> 99 is -10%, 99 -> 99 is 0
    r = returns_from_prices(_series([100.0, 110.0, 99.0, 99.0]))
    assert isinstance(r, pd.Series)
    assert r.name == "X"
    np.testing.assert_allclose(r.to_numpy(), [0.1, -0.1, 0.0], atol=1e-15)
    assert list(r.index) == list(pd.bdate_range("2024-01-03", periods=3))


def test_frame_leading_nan_is_listing_and_documented():
    idx = pd.bdate_range("2024-01-02", periods=4)
    prices = pd.DataFrame(
        {"OLD": [10.0, 11.0, 12.1, 12.1], "NEW": [np.nan, np.nan, 50.0, 55.0]}, index=idx
    )
    r = returns_from_prices(prices)
    assert isinstance(r, pd.DataFrame)
    np.testing.assert_allclose(r["OLD"].to_numpy(), [0.1, 0.1, 0.0], atol=1e-15)
    # NEW: NaN up to and including its first listed date, then 55/50 - 1
    assert np.isnan(r["NEW"].iloc[0])
    assert np.isnan(r["NEW"].iloc[1])
    assert r["NEW"].iloc[2] == pytest.approx(0.1)


def test_interior_nan_raises_naming_column_and_date():
    idx = pd.bdate_range("2024-01-02", periods=4)
    prices = pd.DataFrame({"A": [10.0, np.nan, 12.0, 13.0]}, index=idx)
    with pytest.raises(InputError) as exc:
        returns_from_prices(prices)
    assert exc.value.column == "A"
    assert exc.value.value == "2024-01-03"


@pytest.mark.parametrize("bad", [0.0, -1.0])
def test_non_positive_price_raises(bad):
    with pytest.raises(InputError, match="not positive"):
        returns_from_prices(_series([10.0, bad, 11.0]))


def test_bad_index_raises():
    s = _series([1.0, 2.0, 3.0])
    with pytest.raises(InputError, match="ascending"):
        returns_from_prices(s.iloc[::-1])
    with pytest.raises(InputError, match="duplicate"):
        returns_from_prices(pd.concat([s, s.iloc[-1:]]))
    with pytest.raises(InputError, match="indexed by date"):
        returns_from_prices(pd.Series([1.0, 2.0, 3.0]))
    with pytest.raises(InputError, match="frequency"):
        returns_from_prices(s, "monthly")  # type: ignore[arg-type]


def test_weekly_is_last_session_of_each_w_fri_week():
    # Three weeks of sessions; Friday 2024-03-29 (Good Friday) is missing, so that week's
    # price is Thursday 2024-03-28.
    days = pd.bdate_range("2024-03-18", "2024-04-05")
    days = days[days != pd.Timestamp("2024-03-29")]
    prices = pd.Series(np.arange(100.0, 100.0 + len(days)), index=days)
    r = returns_from_prices(prices, "weekly")
    # independent reference: pandas resample to W-FRI, last value of each week
    ref_prices = prices.resample("W-FRI").last()
    np.testing.assert_allclose(
        r.to_numpy(), (ref_prices.iloc[1:].to_numpy() / ref_prices.iloc[:-1].to_numpy()) - 1
    )
    assert [d.date().isoformat() for d in r.index] == ["2024-03-28", "2024-04-05"]


def _futures_fixture():
    idx = pd.bdate_range("2024-03-11", periods=8)
    px = pd.Series(
        [5000, 5010, 5020, 5030, 5100, 5110, 5099, 5120], index=idx, dtype=float, name="ES"
    )
    labels = pd.Series(["ESH2024"] * 4 + ["ESM2024"] * 4, index=idx)
    return px, labels


def test_futures_roll_day_return_is_excluded_and_counted():
    px, labels = _futures_fixture()
    fr = futures_returns_excluding_rolls(px, labels)
    assert fr.n_roll_days_excluded == 1
    assert list(fr.roll_dates) == [pd.Timestamp("2024-03-15")]  # first session of ESM2024
    assert np.isnan(fr.returns.loc["2024-03-15"])
    assert fr.returns.loc["2024-03-14"] == pytest.approx(5030 / 5020 - 1)
    assert fr.returns.loc["2024-03-18"] == pytest.approx(5110 / 5100 - 1)
    assert fr.n_obs == 6
    d = fr.to_dict()
    assert d["roll_dates"] == ["2024-03-15"]
    assert d["n_roll_days_excluded"] == 1
    assert fr.to_frame()["is_roll_day"].sum() == 1


def test_alignment_drops_exactly_the_documented_roll_days(rng):
    n = 60
    idx = pd.bdate_range("2024-01-02", periods=n + 1)
    levels = 5000 * np.cumprod(1 + rng.normal(0, 0.01, n + 1))
    labels = pd.Series(["ESH2024"] * 30 + ["ESM2024"] * (n + 1 - 30), index=idx)
    fr = futures_returns_excluding_rolls(pd.Series(levels, index=idx, name="ES"), labels)
    asset = pd.Series(rng.normal(0, 0.01, n), index=idx[1:])
    res = ols_beta(asset, fr)
    assert res.n_roll_days_excluded == 1
    assert res.n_obs == n - 1
    assert res.index_name == "ES"
    # a NaN that is not a documented roll day is still an error
    asset_gap = asset.copy()
    asset_gap.iloc[10] = np.nan
    with pytest.raises(InputError, match="missing return"):
        ols_beta(asset_gap, fr)
    # the plain return series (with its NaN) is not accepted silently
    with pytest.raises(InputError, match="missing return"):
        ols_beta(asset, fr.returns)


def test_futures_weekly_excludes_weeks_spanning_a_roll():
    idx = pd.bdate_range("2024-03-04", periods=15)  # three whole weeks
    px = pd.Series(np.linspace(5000, 5140, 15), index=idx)
    labels = pd.Series(["ESH2024"] * 9 + ["ESM2024"] * 6, index=idx)  # roll on Thu 03-14
    fr = futures_returns_excluding_rolls(px, labels, frequency="weekly")
    assert list(fr.returns.index.strftime("%Y-%m-%d")) == ["2024-03-15", "2024-03-22"]
    assert list(fr.roll_dates) == [pd.Timestamp("2024-03-15")]
    assert fr.returns.loc["2024-03-22"] == pytest.approx(px.iloc[14] / px.iloc[9] - 1)


def test_futures_input_errors():
    px, labels = _futures_fixture()
    with pytest.raises(InputError, match="different dates"):
        futures_returns_excluding_rolls(px, labels.iloc[1:])
    back = labels.copy()
    back.iloc[6] = "ESH2024"
    with pytest.raises(InputError, match="reappears"):
        futures_returns_excluding_rolls(px, back)
    gap = px.copy()
    gap.iloc[3] = np.nan
    with pytest.raises(InputError, match="missing futures price"):
        futures_returns_excluding_rolls(gap, labels)
    empty = labels.copy()
    empty.iloc[2] = ""
    with pytest.raises(InputError, match="contract label"):
        futures_returns_excluding_rolls(px, empty)


def test_real_es_rolls_are_quarterly():
    from hedgekit.datasets import load_futures_front

    es = load_futures_front("ES")
    fr = futures_returns_excluding_rolls(es["close"], es["inferred_contract"], name="ES")
    # CME equity index futures list March, June, September and December contracts, so a
    # front-month series rolls four times a year (2000-09 .. 2026-02: about 101 rolls).
    assert set(fr.roll_dates.month) <= {3, 6, 9, 12}
    years = (fr.returns.index[-1] - fr.returns.index[0]).days / 365.25
    labels = es["inferred_contract"]
    switches = fr.returns.index[(labels != labels.shift()).to_numpy()[1:]]
    assert abs(len(switches) - 4 * years) <= 2
    # each switch, and each contract's last trading day (its final settlement print)
    finals = pd.DatetimeIndex(
        [last_trading_day(c) for c in labels.unique() if last_trading_day(c) in es.index]
    )
    assert len(finals) >= 4 * years - 2
    assert fr.roll_dates.equals(switches.union(finals.intersection(fr.returns.index)))
    # only the roll days are missing
    assert fr.returns.drop(fr.roll_dates).isna().sum() == 0


def test_the_final_settlement_print_is_not_a_return():
    """2020-03-20, ESH2020's last day: ES=F prints the 9:30 a.m. settlement (2,437.98, up
    1.4%) while the index closed down 4.3%; that return must not enter a hedge ratio."""
    from hedgekit.datasets import load_futures_front

    es = load_futures_front("ES").loc["2020-03-02":"2020-03-31"]
    assert es.loc["2020-03-20", "inferred_contract"] == "ESH2020"
    fr = futures_returns_excluding_rolls(es["close"], es["inferred_contract"], name="ES")
    assert pd.Timestamp("2020-03-20") in fr.roll_dates  # the final settlement
    assert pd.Timestamp("2020-03-23") in fr.roll_dates  # the switch to ESM2020
    assert len(fr.roll_dates) == 2
    assert np.isnan(fr.returns.loc["2020-03-20"])
    assert np.isfinite(fr.returns.drop(fr.roll_dates)).all()
