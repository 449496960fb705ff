"""The bootstrap's sample: explicit alignment of index, VIX and rate, nothing filled."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from hedgekit.errors import InputError
from hedgekit.montecarlo import align_sample, historical_sample


def frame(dates: list[str], values: list[float]) -> pd.Series:
    return pd.Series(values, index=pd.DatetimeIndex(dates), dtype=np.float64)


DAYS = ["2020-01-02", "2020-01-03", "2020-01-06", "2020-01-07", "2020-01-08"] + [
    d.strftime("%Y-%m-%d") for d in pd.bdate_range("2020-01-09", periods=30)
]


def test_sessions_missing_a_series_are_left_out_and_counted() -> None:
    closes = [100.0 + i for i in range(len(DAYS))]
    index = frame(DAYS, closes)
    vix_days = [d for d in DAYS if d != "2020-01-07"]
    vix = frame(vix_days, [20.0] * len(vix_days))
    rate_days = [d for d in DAYS if d != "2020-01-08"]
    rate = frame(rate_days, [0.01] * len(rate_days))
    s = align_sample(index, vix, rate)
    dates = [str(d) for d in s.dates]
    assert "2020-01-07" not in dates
    assert "2020-01-08" not in dates
    assert dates[0] == "2020-01-03"  # the first close has no return
    assert s.dropped == {"no VIX": 1, "no rate": 1}
    assert s.n_sessions == len(DAYS) - 3
    # the return of 2020-01-09 is still measured from the index's own previous session
    # (2020-01-08, left out of the sample itself): 105/104 - 1
    i = dates.index("2020-01-09")
    assert s.index_return[i] == pytest.approx(105.0 / 104.0 - 1.0, rel=1e-15)


def test_missing_values_are_refused_not_filled() -> None:
    index = frame(DAYS, [100.0 + i for i in range(len(DAYS))])
    vix = frame(DAYS, [20.0] * len(DAYS))
    vix.iloc[3] = np.nan
    rate = frame(DAYS, [0.01] * len(DAYS))
    with pytest.raises(InputError) as err:
        align_sample(index, vix, rate)
    assert err.value.source == "vix_close"


def test_bundled_sample_spans_the_common_sessions() -> None:
    from hedgekit.datasets import load_sp500, load_tbill_3m, load_vix

    spx = load_sp500()["close"]
    vix = load_vix()
    dtb3 = load_tbill_3m()
    s = historical_sample()
    sessions = spx.index[1:]
    common = sessions.intersection(vix.index).intersection(dtb3.index)
    assert s.n_sessions == len(common)
    assert s.first_date == common[0].date() == vix.index[0].date()
    assert s.last_date == common[-1].date() == dtb3.index[-1].date()
    # DTB3 discount -> continuous (Hull 11th ed. 6.1), checked on one day by hand
    day = common[100]
    d = float(dtb3.loc[day, "discount_pct"])
    i = int(np.flatnonzero(s.dates == np.datetime64(day.date(), "D"))[0])
    assert s.rate_annual[i] == pytest.approx(
        -math.log(1 - d / 100 * 91 / 360) * 365 / 91, rel=1e-12
    )
    assert s.vix[i] == vix.loc[day, "close"]
    in_span = sessions[(sessions >= common[0]) & (sessions <= common[-1])]
    assert s.dropped["no rate"] + s.dropped["no VIX"] == len(in_span) - len(common)
    assert s.to_dict()["dropped_sessions"] == s.dropped


def test_window_keeps_the_span() -> None:
    s = historical_sample().window("2008-01-01", "2008-12-31")
    assert s.first_date.year == 2008
    assert s.last_date.year == 2008
    assert 240 < s.n_sessions <= 253
