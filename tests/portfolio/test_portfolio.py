"""Portfolio valuation and buy-and-hold returns: hand-checkable ledgers and invariants."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hedgekit.data import Holding, Holdings, load_holdings, prices_for
from hedgekit.errors import InputError
from hedgekit.portfolio import (
    PortfolioSnapshot,
    buy_and_hold_returns,
    portfolio_returns,
    portfolio_values,
    value_holdings,
    weights_at,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

# Tiny synthetic prices (not market data) for hand-checked ledgers.
DATES = ["2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05"]
PRICES = pd.DataFrame(
    {"AAA": [10.0, 11.0, 12.0, 9.0], "BBB": [20.0, 25.0, 30.0, 24.0]},
    index=pd.DatetimeIndex(DATES, name="date"),
)
HOLDINGS = Holdings((Holding("AAA", 10.0, None, 50.0), Holding("BBB", None, 300.0)), source="test")


def test_value_holdings_hand_ledger():
    snap = value_holdings(HOLDINGS, PRICES, "2024-01-04")
    # AAA: 10 sh x 12 = 120; BBB: given 300 at 30 -> 10 implied shares; total 420.
    assert isinstance(snap, PortfolioSnapshot)
    assert snap.as_of == pd.Timestamp("2024-01-04")
    assert snap.values_usd == (("AAA", 120.0), ("BBB", 300.0))
    assert snap.shares == (("AAA", 10.0), ("BBB", 10.0))
    assert snap.prices_usd == (("AAA", 12.0), ("BBB", 30.0))
    assert snap.total_value_usd == 420.0
    assert snap.weights[0][1] == pytest.approx(120 / 420)
    assert snap.weights[1][1] == pytest.approx(300 / 420)
    frame = snap.to_frame()
    assert list(frame.columns) == ["shares", "price_usd", "value_usd", "weight"]
    assert frame["weight"].sum() == pytest.approx(1.0)
    doc = json.loads(json.dumps(snap.to_dict()))
    assert doc["as_of"] == "2024-01-04"
    assert doc["positions"][1] == {
        "ticker": "BBB",
        "shares": 10.0,
        "price_usd": 30.0,
        "value_usd": 300.0,
        "weight": pytest.approx(300 / 420),
    }


def test_market_value_positions_are_taken_at_their_value():
    snap = value_holdings(HOLDINGS, PRICES, "2024-01-03")
    assert dict(snap.values_usd)["BBB"] == 300.0
    assert dict(snap.shares)["BBB"] == 12.0  # 300 / 25


def test_as_of_accepts_dates_and_timestamps():
    a = value_holdings(HOLDINGS, PRICES, pd.Timestamp("2024-01-04"))
    b = value_holdings(HOLDINGS, PRICES, pd.Timestamp("2024-01-04").date())
    assert a == b


def test_as_of_missing_names_last_date_before():
    with pytest.raises(InputError, match="last date with prices before it is 2024-01-05"):
        value_holdings(HOLDINGS, PRICES, "2024-01-06")
    with pytest.raises(InputError, match="prices start on 2024-01-02"):
        value_holdings(HOLDINGS, PRICES, "2023-12-29")


@pytest.mark.parametrize(
    "bad", ["2024/01/04", "yesterday", "2024-01-04T10:00", "20240104", "2024-W01-4"]
)
def test_as_of_must_be_a_date(bad):
    with pytest.raises(InputError, match="as_of"):
        value_holdings(HOLDINGS, PRICES, bad)


def test_nan_price_at_as_of():
    prices = PRICES.copy()
    prices.loc["2024-01-04", "BBB"] = np.nan
    with pytest.raises(InputError, match="no price for BBB on 2024-01-04") as info:
        value_holdings(HOLDINGS, prices, "2024-01-04")
    assert info.value.column == "BBB"


def test_missing_price_column_lists_tickers():
    with pytest.raises(InputError, match="BBB"):
        value_holdings(HOLDINGS, PRICES[["AAA"]], "2024-01-04")


def test_weights_at():
    w = weights_at(HOLDINGS, PRICES, "2024-01-02")
    # as_of 2024-01-02: AAA 10 x 10 = 100, BBB 300 -> 0.25 / 0.75.
    assert w.to_dict() == {"AAA": 0.25, "BBB": 0.75}
    assert w.name == "weight"


def test_portfolio_returns_hand_ledger():
    # Shares at as_of 2024-01-04: AAA 10, BBB 300/30 = 10.
    # V = 10*(10+20), 10*(11+25), 10*(12+30), 10*(9+24) = 300, 360, 420, 330.
    r = portfolio_returns(HOLDINGS, PRICES, "2024-01-01", "2024-01-07", as_of="2024-01-04")
    expected = [360 / 300 - 1, 420 / 360 - 1, 330 / 420 - 1]
    np.testing.assert_allclose(r.to_numpy(), expected, rtol=1e-15)
    assert list(r.index) == list(pd.DatetimeIndex(DATES[1:]))
    assert r.name == "portfolio_return"
    v = portfolio_values(HOLDINGS, PRICES, "2024-01-01", "2024-01-07", as_of="2024-01-04")
    np.testing.assert_allclose(v.to_numpy(), [300, 360, 420, 330])


def test_default_as_of_is_last_date_in_window():
    # Window ends 2024-01-03: BBB shares = 300 / 25 = 12; V = 10*10+12*20, 10*11+12*25.
    r = portfolio_returns(HOLDINGS, PRICES, "2024-01-02", "2024-01-03")
    assert r.iloc[0] == pytest.approx((110 + 300) / (100 + 240) - 1)


def test_nan_inside_window_names_ticker_and_first_date():
    prices = PRICES.copy()
    prices.loc["2024-01-03":, "BBB"] = np.nan
    prices.loc["2024-01-05", "AAA"] = np.nan
    with pytest.raises(InputError) as info:
        portfolio_returns(HOLDINGS, prices, "2024-01-02", "2024-01-05", as_of="2024-01-02")
    message = str(info.value)
    assert "no price for BBB on 2024-01-03" in message
    assert "AAA from 2024-01-05" in message
    assert info.value.column == "BBB"
    # NaN outside the window is irrelevant.
    prices2 = PRICES.copy()
    prices2.loc["2024-01-05", "AAA"] = np.nan
    r = portfolio_returns(HOLDINGS, prices2, "2024-01-02", "2024-01-04")
    assert len(r) == 2


def test_window_errors():
    with pytest.raises(InputError, match="start is after end"):
        portfolio_returns(HOLDINGS, PRICES, "2024-01-05", "2024-01-02")
    with pytest.raises(InputError, match="fewer than 2"):
        portfolio_returns(HOLDINGS, PRICES, "2024-01-03", "2024-01-03")


@st.composite
def _paths(draw):
    n_assets = draw(st.integers(1, 5))
    n_days = draw(st.integers(2, 30))
    prices = draw(
        st.lists(
            st.lists(st.floats(0.5, 500.0), min_size=n_assets, max_size=n_assets),
            min_size=n_days,
            max_size=n_days,
        )
    )
    shares = draw(st.lists(st.floats(0.01, 1e5), min_size=n_assets, max_size=n_assets))
    return np.array(prices), np.array(shares)


@given(path=_paths(), scale=st.floats(0.001, 1000.0))
def test_returns_are_drifting_weight_averages_and_scale_free(path, scale):
    prices, shares = path
    r = buy_and_hold_returns(prices, shares)
    # Independent form: r_t = sum_i w_{i,t-1} r_{i,t}, w_{i,t-1} = n_i P_{i,t-1} / V_{t-1}.
    held = prices[:-1] * shares
    weights = held / held.sum(axis=1, keepdims=True)
    asset_returns = prices[1:] / prices[:-1] - 1
    np.testing.assert_allclose(r, (weights * asset_returns).sum(axis=1), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(
        buy_and_hold_returns(prices, shares * scale), r, rtol=1e-9, atol=1e-12
    )


# --- the example portfolios on bundled real prices --------------------------------------------


def test_example_portfolio_at_2024_09_10():
    holdings = load_holdings(EXAMPLES / "portfolio.csv")
    assert 10 <= len(holdings) <= 14
    snap = value_holdings(holdings, prices_for(holdings), "2024-09-10")
    # PROVENANCE.md: AAPL's adjusted close on 2024-09-10 equals the quoted close 220.11.
    assert dict(snap.values_usd)["AAPL"] == pytest.approx(590 * 220.11)
    assert 1.0e6 <= snap.total_value_usd <= 1.5e6
    assert max(w for _, w in snap.weights) < 0.2  # diversified


def test_other_examples_sizes():
    tech = load_holdings(EXAMPLES / "tech_portfolio.csv")
    small = load_holdings(EXAMPLES / "small_portfolio.csv")
    tech_value = value_holdings(tech, prices_for(tech), "2024-09-10").total_value_usd
    small_snap = value_holdings(small, prices_for(small), "2024-09-10")
    assert 700e3 <= tech_value <= 900e3
    assert 100e3 <= small_snap.total_value_usd <= 140e3
    assert 3 <= len(small) <= 4
    assert dict(small_snap.values_usd)["XOM"] == 25_000.0


def test_example_returns_over_a_year_of_real_prices():
    holdings = load_holdings(EXAMPLES / "portfolio.csv")
    prices = prices_for(holdings)
    r = portfolio_returns(holdings, prices, "2023-09-11", "2024-09-10")
    window = prices.loc["2023-09-11":"2024-09-10"]
    assert len(r) == len(window) - 1
    assert r.notna().all()
    # Constant shares: the cumulative return equals the value ratio over the window.
    snap_end = value_holdings(holdings, prices, "2024-09-10")
    shares = np.array([s for _, s in snap_end.shares])
    v0 = float(window.iloc[0].to_numpy() @ shares)
    assert float((1 + r).prod()) == pytest.approx(snap_end.total_value_usd / v0, rel=1e-12)


def test_bundled_prices_before_listing_raise():
    holdings = load_holdings(EXAMPLES / "tech_portfolio.csv")  # META listed 2012-05-18
    with pytest.raises(InputError, match="META on 2012-01-03"):
        portfolio_returns(holdings, prices_for(holdings), "2012-01-01", "2012-12-31")


def test_short_position_is_valued_negative_with_a_negative_weight():
    held = Holdings((Holding("AAA", 10.0, None), Holding("BBB", -2.0, None)), source="test")
    snap = value_holdings(held, PRICES, "2024-01-04")
    # AAA 10 x 12 = 120; BBB short 2 x 30 = -60; total 60
    assert snap.values_usd == (("AAA", 120.0), ("BBB", -60.0))
    assert snap.total_value_usd == 60.0
    assert dict(snap.weights) == {"AAA": pytest.approx(2.0), "BBB": pytest.approx(-1.0)}
    # the short loses when BBB rises: V goes 10*10-2*20=60 -> 10*11-2*25=60 (flat)
    values = portfolio_values(held, PRICES, "2024-01-02", "2024-01-05")
    assert list(values) == [60.0, 60.0, 60.0, 42.0]


def test_shorts_as_large_as_the_longs_leave_nothing_to_hedge():
    held = Holdings((Holding("AAA", 10.0, None), Holding("BBB", -4.0, None)), source="test")
    with pytest.raises(InputError, match="nothing to hedge") as info:
        value_holdings(held, PRICES, "2024-01-04")  # 120 - 120 = 0
    assert info.value.source == "test"
