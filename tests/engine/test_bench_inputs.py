"""The benchmark's own calendar and rate preparation (benchmarks/bench_inputs.py)."""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from hedgekit.pricing import tbill_discount_to_continuous


def _load() -> ModuleType:
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_inputs.py"
    spec = importlib.util.spec_from_file_location("_bench_inputs_under_test", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


bench = _load()


@pytest.mark.parametrize(
    ("year", "month", "expected"),
    [
        (1990, 3, dt.date(1990, 3, 16)),
        (2008, 3, dt.date(2008, 3, 21)),  # Good Friday: NYSE closed
        (2020, 9, dt.date(2020, 9, 18)),
        (2024, 12, dt.date(2024, 12, 20)),
        (2025, 3, dt.date(2025, 3, 21)),
    ],
)
def test_third_friday(year: int, month: int, expected: dt.date) -> None:
    assert bench.third_friday(year, month) == expected


def test_roll_days_counted_from_the_first_session_after_a_holiday_expiry() -> None:
    # NYSE holidays 2007-12-24 .. 2008-12-31 (NYSE holiday notices), hand-listed
    holidays = [
        "2007-12-25", "2008-01-01", "2008-01-21", "2008-02-18", "2008-03-21",
        "2008-05-26", "2008-07-04", "2008-09-01", "2008-11-27", "2008-12-25",
    ]  # fmt: skip
    days = np.arange("2007-12-24", "2009-01-01", dtype="datetime64[D]")
    sessions = days[np.is_busday(days, holidays=holidays)]
    expiries, rolls = bench.bench_roll_dates(sessions)
    got = dict(zip(expiries.astype(str), rolls.astype(str), strict=True))
    # 2008-03-21 was Good Friday: count 5 sessions back from Monday 2008-03-24
    # (03-20, 03-19, 03-18, 03-17, 03-14) -> 2008-03-14.
    assert got["2008-03-21"] == "2008-03-14"
    # ordinary quarters: 5 sessions before the third Friday is the Friday a week earlier
    assert got["2008-06-20"] == "2008-06-13"
    assert got["2008-12-19"] == "2008-12-12"
    # the first expiry beyond the data is held to the end (stand-in roll after the last day)
    assert expiries[-1] == np.datetime64("2009-03-20")
    assert rolls[-1] > sessions[-1]
    # the Dec 2007 contract rolled before the first session: left out
    assert expiries[0] == np.datetime64("2008-03-21")


def test_discount_conversion_matches_pricing() -> None:
    d = np.array([0.0, 1.33, 4.23, 5.33, -0.02])
    np.testing.assert_allclose(
        bench.discount_to_continuous(d), tbill_discount_to_continuous(d), rtol=1e-15, atol=0
    )


def test_rates_are_carried_forward_onto_sessions() -> None:
    obs = np.array(["2024-10-11", "2024-10-15"], dtype="datetime64[D]")  # no 10-14 (Columbus)
    sessions = np.array(["2024-10-11", "2024-10-14", "2024-10-15"], dtype="datetime64[D]")
    values, stale = bench.carry_forward(obs, np.array([0.04, 0.05]), sessions)
    np.testing.assert_array_equal(values, [0.04, 0.04, 0.05])
    assert stale == 3
    with pytest.raises(ValueError, match="no rate observation"):
        bench.carry_forward(obs, np.array([0.04, 0.05]), sessions - 1)
