"""VaR and CVaR (expected shortfall) against hand-computed values and numpy's quantile."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hedgekit.errors import InputError
from hedgekit.montecarlo import expected_shortfall, percentiles, value_at_risk

# 20 outcomes, hand-sorted: -10, -8, -5, -3, -1, 0, 1, ..., 14
OUTCOMES = [3.0, -8.0, 0.0, 14.0, -1.0, 5.0, -10.0, 1.0, 2.0, 4.0]
OUTCOMES += [6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, -5.0, -3.0]


@pytest.mark.parametrize(
    ("confidence", "var", "cvar"),
    [
        (0.95, 10.0, 10.0),  # w = 1: the worst outcome
        (0.90, 8.0, 9.0),  # w = 2: -8; mean of -10, -8
        (0.80, 3.0, 6.5),  # w = 4: -3; mean of -10, -8, -5, -3
        (0.99, 10.0, 10.0),  # w = max(1, floor(0.2)) = 1
    ],
)
def test_hand_computed(confidence: float, var: float, cvar: float) -> None:
    assert value_at_risk(OUTCOMES, confidence) == var
    assert expected_shortfall(OUTCOMES, confidence) == cvar


def test_var_is_the_inverted_cdf_quantile_when_the_tail_is_whole() -> None:
    x = np.random.default_rng(4).standard_normal(1000)
    for c, tail in ((0.95, 0.05), (0.99, 0.01), (0.9, 0.1)):  # tail written exactly
        q = np.quantile(x, tail, method="inverted_cdf")
        assert value_at_risk(x, c) == -q


@given(
    st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=200),
    st.sampled_from([0.9, 0.95, 0.99]),
    st.floats(-1e3, 1e3),
)
def test_invariants(values: list[float], c: float, shift: float) -> None:
    x = np.array(values)
    var, cvar = value_at_risk(x, c), expected_shortfall(x, c)
    assert cvar >= var - 1e-9 * max(1.0, abs(var))
    assert -x.min() >= cvar - 1e-9 * max(1.0, abs(cvar))
    # translation: adding cash a to every outcome lowers the loss by a
    assert value_at_risk(x + shift, c) == pytest.approx(var - shift, abs=1e-6)
    assert expected_shortfall(x + shift, c) == pytest.approx(cvar - shift, abs=1e-6)


def test_percentile_keys_and_values() -> None:
    p = percentiles(np.arange(101.0), (0.01, 0.5, 0.99))
    assert p == {"p01": 1.0, "p50": 50.0, "p99": 99.0}


def test_bad_input() -> None:
    with pytest.raises(InputError) as err:
        value_at_risk([1.0, 2.0], 1.0)
    assert err.value.source == "confidence"
    with pytest.raises(InputError):
        expected_shortfall([], 0.95)
