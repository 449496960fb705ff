"""The engine sizes whole contracts by the plan's rule: size_hedge's count and net-short guard.

Every kernel (readable oracle, numpy, interpreted and compiled) opens day 0 with the count
:func:`hedgekit.sizing.size_hedge` gives for the same value, beta, price and tolerance, and
never rounds a hedge past 100 % of the beta exposure by more than the tolerance.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hedgekit.contracts import get_contract
from hedgekit.engine import HedgeTerms, PathSet, simulate_hedge_ledger, simulate_paths
from hedgekit.engine._simulate import available_engines
from hedgekit.sizing import DEFAULT_NET_SHORT_TOLERANCE, MAX_NET_SHORT_TOLERANCE, size_hedge

ES = get_contract("ES")


def flat_paths(price: float, n: int = 3) -> PathSet:
    f = np.full(n, price)
    return PathSet(np.ones(n), np.zeros(n), f, f, np.zeros(n, bool))


def engines() -> list[str]:
    return ["python", "numpy", "interpreted"] + (
        ["numba"] if "numba" in available_engines() else []
    )


@settings(max_examples=300, deadline=None)
@given(
    value=st.floats(1e4, 5e7),
    beta=st.floats(0.05, 2.5),
    price=st.floats(100.0, 8_000.0),
    h=st.sampled_from([1.0, 0.99, 0.995, 1.005, 0.5, 0.75, 0.3]),
    tol=st.sampled_from([0.0, DEFAULT_NET_SHORT_TOLERANCE, 0.03, MAX_NET_SHORT_TOLERANCE]),
    rounding=st.sampled_from(["nearest", "down"]),
)
def test_day_zero_count_is_size_hedges(
    value: float, beta: float, price: float, h: float, tol: float, rounding: str
) -> None:
    if h > 1.0:  # a target past 100 %: the plan refuses it without allow_net_short
        h = 1.0
    plan = size_hedge(value, beta, price, ES, h, rounding=rounding,  # type: ignore[arg-type]
                      net_short_tolerance=tol)  # fmt: skip
    terms = HedgeTerms(initial_value_usd=value, beta=beta, multiplier_usd=ES.multiplier_usd,
                       rounding=rounding, net_short_tolerance=tol)  # type: ignore[arg-type]  # fmt: skip
    paths = flat_paths(price)
    for engine in engines():
        out = simulate_paths(paths, np.full(3, h), terms, full=True, engine=engine)  # type: ignore[arg-type]
        assert out.fields["contracts"][0, 0] == plan.legs[0].quantity, engine


@pytest.mark.parametrize("engine", engines())
def test_guard_on_a_grid_of_exact_counts(engine: str) -> None:
    # Full hedges of 9.50 .. 10.60 contracts: nearest rounding to 10 or 11 contracts is net
    # short by (u - x)/x; the guard keeps it only within 1 %.
    exact = np.round(np.arange(9.50, 10.61, 0.01), 2)
    price = 1_000.0
    for x in exact:
        value = x * ES.multiplier_usd * price
        terms = HedgeTerms(initial_value_usd=value, beta=1.0, multiplier_usd=ES.multiplier_usd,
                           rounding="nearest")  # fmt: skip
        out = simulate_paths(flat_paths(price), np.ones(3), terms, full=True, engine=engine)  # type: ignore[arg-type]
        n = -out.fields["contracts"][0, 0]
        assert n == size_hedge(value, 1.0, price, ES, 1.0).legs[0].quantity * -1
        assert (n - x) / x <= DEFAULT_NET_SHORT_TOLERANCE + 1e-12
        assert n >= np.floor(x)


def test_held_contracts_are_held_and_rolled() -> None:
    n = 6
    f = np.linspace(1_000.0, 1_050.0, n)
    roll = np.zeros(n, bool)
    roll[3] = True
    paths = PathSet(np.ones(n), np.zeros(n), f, f, roll)
    terms = HedgeTerms(initial_value_usd=1_000_000.0, multiplier_usd=50.0,
                       commission_per_contract_usd=1.0, rule="never",
                       hold_contracts=-7)  # fmt: skip
    ledger = simulate_hedge_ledger(paths, np.ones(n), terms)
    assert ledger.contracts.tolist() == [-7.0] * n
    # opened on day 0, closed and reopened at the roll: 7 + 14 contracts
    assert ledger.traded_contracts.tolist() == [7.0, 0.0, 0.0, 14.0, 0.0, 0.0]
    for engine in engines()[1:]:
        out = simulate_paths(paths, np.ones(n), terms, full=True, engine=engine)  # type: ignore[arg-type]
        np.testing.assert_array_equal(out.fields["contracts"][:, 0], ledger.contracts)
