"""Market observations and the dividend yield implied by total-return and price indices."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from hedgekit.errors import InputError
from hedgekit.market import dividend_yield_from_total_return, latest_observation

# Tiny synthetic series (not market data): a flat price index and a total-return index that
# grows at a continuously compounded 2% a year, so the implied yield is 0.02 by construction
# (q = ln(TR_t/TR_{t-h}) - ln(P_t/P_{t-h}), annualised over the calendar-day span).
DAYS = pd.date_range("2020-01-01", "2021-12-31", freq="7D")
PRICE = pd.Series(100.0, index=DAYS)
ELAPSED = np.asarray((DAYS - DAYS[0]).days, dtype=np.float64)
TOTAL_RETURN = pd.Series(100.0 * np.exp(0.02 * ELAPSED / 365.0), index=DAYS)


def test_yield_of_a_known_dividend_stream() -> None:
    q = dividend_yield_from_total_return(TOTAL_RETURN, PRICE)
    assert q.loc[: DAYS[0] + pd.Timedelta(days=364)].isna().all()
    full = q.dropna()
    assert len(full) > 40
    np.testing.assert_allclose(full.to_numpy(), 0.02, rtol=1e-12)


def test_dates_missing_from_one_series_inside_the_overlap_raise() -> None:
    gappy = PRICE.drop(DAYS[30])
    with pytest.raises(InputError, match="lacks") as info:
        dividend_yield_from_total_return(TOTAL_RETURN, gappy)
    assert info.value.source == "total_return"
    assert info.value.value == str(DAYS[30].date())
    # Series that merely start or end at different dates are fine.
    q = dividend_yield_from_total_return(TOTAL_RETURN.iloc[5:], PRICE.iloc[:-5])
    assert q.index[0] == DAYS[5]
    assert q.index[-1] == DAYS[-6]


def test_latest_observation_reports_the_observed_date() -> None:
    s = pd.Series(
        [1.0, 2.0, math.nan], index=pd.DatetimeIndex(["2024-01-02", "2024-01-03", "2024-01-04"])
    )
    obs = latest_observation(s, dt.date(2024, 1, 5), max_stale_days=5, source="x", unit="u")
    # the NaN on 01-04 is not a value: the last one is 2.0 observed on 01-03, 2 days stale
    assert (obs.value, obs.observed, obs.stale_days) == (2.0, dt.date(2024, 1, 3), 2)
    with pytest.raises(InputError, match="2 days before"):
        latest_observation(s, dt.date(2024, 1, 5), max_stale_days=1, source="x", unit="u")
    with pytest.raises(InputError, match="on or after 2024-01-02"):
        latest_observation(s, dt.date(2024, 1, 1), max_stale_days=5, source="x", unit="u")
