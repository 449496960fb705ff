"""Option hedges per unit of index: hand-checkable payoffs, floors, caps, break-evens."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hedgekit.errors import InputError
from hedgekit.pricing import (
    bsm_price,
    collar,
    protective_put,
    put_spread,
    zero_cost_collar_call_strike,
)

MARKET = {"t_years": 0.25, "rate_annual": 0.045, "dividend_yield": 0.015}
GRID = np.linspace(0.0, 200.0, 2001)


def test_protective_put_by_hand():
    pp = protective_put(100.0, 95.0, put_vol=0.2, **MARKET)
    p = bsm_price("put", 100.0, 95.0, 0.25, 0.045, 0.015, 0.2)
    assert pp.net_premium == pytest.approx(p)
    np.testing.assert_allclose(pp.payoff_at_expiry(GRID), np.maximum(GRID, 95.0))
    np.testing.assert_allclose(pp.pnl_at_expiry(GRID), np.maximum(GRID, 95.0) - p - 100.0)
    assert pp.floor_value == pytest.approx(95.0 - p)
    assert pp.floor_return_pct == pytest.approx(100 * ((95.0 - p) / 100.0 - 1))
    assert pp.cap_value == math.inf
    assert pp.break_even_levels == pytest.approx((100.0 + p,))


def test_collar_by_hand():
    c = collar(100.0, 95.0, 106.0, put_vol=0.22, call_vol=0.16, **MARKET)
    p = bsm_price("put", 100.0, 95.0, 0.25, 0.045, 0.015, 0.22)
    call = bsm_price("call", 100.0, 106.0, 0.25, 0.045, 0.015, 0.16)
    assert c.net_premium == pytest.approx(p - call)
    np.testing.assert_allclose(c.payoff_at_expiry(GRID), np.clip(GRID, 95.0, 106.0))
    assert c.floor_value == pytest.approx(95.0 - (p - call))
    assert c.cap_value == pytest.approx(106.0 - (p - call))
    assert c.break_even_levels == pytest.approx((100.0 + p - call,))


def test_put_spread_by_hand():
    ps = put_spread(100.0, 95.0, 85.0, long_vol=0.2, short_vol=0.26, **MARKET)
    p1 = bsm_price("put", 100.0, 95.0, 0.25, 0.045, 0.015, 0.2)
    p2 = bsm_price("put", 100.0, 85.0, 0.25, 0.045, 0.015, 0.26)
    assert ps.net_premium == pytest.approx(p1 - p2)
    expected = GRID + np.maximum(95.0 - GRID, 0.0) - np.maximum(85.0 - GRID, 0.0)
    np.testing.assert_allclose(ps.payoff_at_expiry(GRID), expected)
    # Protection stops at 85: the worst case is an index of 0, keeping only the spread width.
    assert ps.floor_value == pytest.approx(10.0 - (p1 - p2))
    assert ps.break_even_levels == pytest.approx((100.0 + p1 - p2,))


def test_equal_strike_collar_is_a_synthetic_sale_at_the_strike():
    # Long index + long put K + short call K pays K for sure: put-call parity
    # (Hull ch. 17, eq. 17.3) makes the net premium K e^{-rT} - S e^{-qT}.
    c = collar(100.0, 100.0, 100.0, put_vol=0.3, **MARKET)
    assert c.floor_value == pytest.approx(c.cap_value)
    t, r, q = MARKET["t_years"], MARKET["rate_annual"], MARKET["dividend_yield"]
    assert c.net_premium == pytest.approx(100.0 * math.exp(-r * t) - 100.0 * math.exp(-q * t))


def test_zero_cost_collar():
    k = zero_cost_collar_call_strike(100.0, 93.0, put_vol=0.24, call_vol=0.15, **MARKET)
    c = collar(100.0, 93.0, k, put_vol=0.24, call_vol=0.15, **MARKET)
    assert c.net_premium == pytest.approx(0.0, abs=1e-9)
    assert k > 100.0
    with pytest.raises(InputError, match="put_strike"):
        # A put worth more than the index's discounted value cannot be financed by a call.
        zero_cost_collar_call_strike(100.0, 10_000.0, 0.25, 0.0, 0.05, 0.2)


def test_strike_order_is_checked():
    with pytest.raises(InputError, match="call_strike"):
        collar(100.0, 100.0, 95.0, put_vol=0.2, **MARKET)
    with pytest.raises(InputError, match="short_strike"):
        put_spread(100.0, 90.0, 95.0, long_vol=0.2, **MARKET)


def test_to_dict_is_json_safe():
    d = protective_put(100.0, 95.0, put_vol=0.2, **MARKET).to_dict()
    assert d["cap_value"] is None
    assert json.loads(json.dumps(d))["legs"][0]["kind"] == "put"


@given(
    st.sampled_from(["protective_put", "collar", "put_spread"]),
    st.floats(0.75, 1.0),
    st.floats(0.02, 0.3),
    st.floats(0.05, 0.6),
)
def test_floor_cap_and_break_evens_agree_with_a_dense_grid(name, m, width, vol):
    s = 100.0
    if name == "protective_put":
        h = protective_put(s, s * m, put_vol=vol, **MARKET)
    elif name == "collar":
        h = collar(s, s * m, s * (m + width), put_vol=vol, **MARKET)
    else:
        h = put_spread(s, s * m, s * (m - width), long_vol=vol, **MARKET)
    grid = np.linspace(0.0, 3 * s, 30_001)
    net = h.payoff_at_expiry(grid) - h.net_premium
    assert h.floor_value == pytest.approx(net.min(), abs=1e-9)
    if math.isfinite(h.cap_value):
        assert h.cap_value == pytest.approx(net.max(), abs=1e-9)
    for level in h.break_even_levels:
        assert h.pnl_at_expiry(level) == pytest.approx(0.0, abs=1e-9)
    # Every sign change of the P&L on the grid is a reported break-even.
    pnl = h.pnl_at_expiry(grid)
    crossings = np.flatnonzero(np.sign(pnl[:-1]) * np.sign(pnl[1:]) < 0)
    assert len(crossings) <= len(h.break_even_levels)
