"""Volatility inputs: VIX scaling and the labelled linear skew heuristic."""

from __future__ import annotations

import numpy as np
import pytest

from hedgekit.errors import InputError
from hedgekit.pricing import DEFAULT_SKEW_PER_10PCT, skew_adjusted_vol, vol_from_vix


def test_vix_is_quoted_in_percent():
    # Cboe VIX white paper: VIX = 100 x annualised 30-day implied volatility.
    assert vol_from_vix(18.5) == pytest.approx(0.185)
    np.testing.assert_allclose(vol_from_vix([12.0, 80.0]), [0.12, 0.80])
    with pytest.raises(InputError, match="vix_level"):
        vol_from_vix(-1.0)


def test_linear_skew_by_hand():
    assert skew_adjusted_vol(0.15, 1.0) == pytest.approx(0.15)
    assert skew_adjusted_vol(0.15, 0.9) == pytest.approx(0.15 + DEFAULT_SKEW_PER_10PCT)
    assert skew_adjusted_vol(0.15, 0.8, skew_per_10pct=0.03) == pytest.approx(0.21)
    assert skew_adjusted_vol(0.15, 1.05, skew_per_10pct=0.03) == pytest.approx(0.135)
    np.testing.assert_allclose(
        skew_adjusted_vol(0.2, [0.9, 1.0, 1.1], skew_per_10pct=0.0), [0.2, 0.2, 0.2]
    )


def test_skew_is_monotone_decreasing_in_strike():
    m = np.linspace(0.7, 1.2, 11)
    assert np.all(np.diff(skew_adjusted_vol(0.2, m, skew_per_10pct=0.02)) < 0)


def test_skew_refuses_non_positive_vol():
    with pytest.raises(InputError, match="moneyness_k_over_s"):
        skew_adjusted_vol(0.10, 1.5, skew_per_10pct=0.05)
