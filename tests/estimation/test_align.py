from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hedgekit.errors import InputError
from hedgekit.estimation import align


def _returns(rng, n, start="2023-01-02", name=None):
    return pd.Series(rng.normal(0, 0.01, n), index=pd.bdate_range(start, periods=n), name=name)


def test_same_dates_align_to_identical_index(rng):
    a = _returns(rng, 50, name="A")
    m = _returns(rng, 50, name="M")
    out = align(a, m)
    assert out.n_obs == 50
    assert out.asset.index.equals(out.index.index)
    assert out.asset.name == "A"
    assert out.index.name == "M"
    np.testing.assert_array_equal(out.asset.to_numpy(), a.to_numpy())
    d = out.to_dict()
    assert d["start"] == "2023-01-02"
    assert d["n_obs"] == 50
    assert d["n_roll_days_excluded"] == 0


def test_different_spans_are_trimmed_to_the_common_span(rng):
    a = _returns(rng, 60)
    m = _returns(rng, 120, start="2022-12-01")  # covers all of a, and more
    out = align(a, m)
    assert out.start == a.index[0]
    assert out.end == a.index[-1]
    assert out.n_obs == 60


def test_missing_date_inside_common_span_raises_naming_dates(rng):
    a = _returns(rng, 60)
    m = a.drop([a.index[10], a.index[20]]) * 0.5
    with pytest.raises(InputError) as exc:
        align(a, m)
    msg = str(exc.value)
    assert "2 dates only in asset" in msg
    assert a.index[10].date().isoformat() in msg
    assert a.index[20].date().isoformat() in msg
    assert exc.value.value == a.index[10].date().isoformat()


def test_shifted_series_is_a_mismatch_not_a_shift(rng):
    a = _returns(rng, 60)
    m = a.copy()
    m.index = m.index + pd.Timedelta(days=1)  # Tue..Sat: one date each side does not match
    with pytest.raises(InputError, match="do not have the same dates"):
        align(a, m)


def test_window_is_last_n_ending_at_end(rng):
    a = _returns(rng, 100)
    m = _returns(rng, 100)
    end = a.index[79]
    out = align(a, m, end=end, window=30)
    assert out.n_obs == 30
    assert out.end == end
    assert out.start == a.index[50]
    with pytest.raises(InputError, match="fewer than the requested window"):
        align(a, m, end=a.index[40], window=50)
    with pytest.raises(InputError, match="window"):
        align(a, m, window=5)


def test_start_end_and_minimum(rng):
    a = _returns(rng, 100)
    m = _returns(rng, 100)
    out = align(a, m, start="2023-02-01", end="2023-03-31")
    assert out.start >= pd.Timestamp("2023-02-01")
    assert out.end <= pd.Timestamp("2023-03-31")
    with pytest.raises(InputError, match="too few"):
        align(a, m, start=a.index[-10])
    with pytest.raises(InputError, match="start is after end"):
        align(a, m, start="2023-03-01", end="2023-02-01")
    with pytest.raises(InputError, match="not a date"):
        align(a, m, start="2023-13-45")
    with pytest.raises(InputError, match="min"):
        align(a, m, min_obs=1)


def test_nan_inside_raises_but_leading_nan_is_not_yet_listed(rng):
    a = _returns(rng, 60)
    m = _returns(rng, 60)
    inner = a.copy()
    inner.iloc[30] = np.nan
    with pytest.raises(InputError, match="missing return") as exc:
        align(inner, m)
    assert exc.value.value == a.index[30].date().isoformat()
    listed_late = a.copy()
    listed_late.iloc[:5] = np.nan
    out = align(listed_late, m)
    assert out.n_obs == 55
    assert out.start == a.index[5]


def test_rejects_non_series_and_tz_aware(rng):
    a = _returns(rng, 30)
    with pytest.raises(InputError, match="Series"):
        align(a.to_numpy(), a)  # type: ignore[arg-type]
    tz = a.tz_localize("UTC")
    with pytest.raises(InputError, match="tz-naive"):
        align(tz, a)
