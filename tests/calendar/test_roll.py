"""Roll rules: CME eight-day convention, sessions before expiry, validation, invariants."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hedgekit.calendar import (
    CalendarDaysBeforeExpiry,
    CmeRollRule,
    ContractCode,
    RollRule,
    SessionsBeforeExpiry,
    is_session,
    last_trading_day,
    nominal_expiry,
    sessions,
)
from hedgekit.errors import InputError


def test_cme_examples_from_the_roll_dates_page() -> None:
    # CME Group "Equity Index Roll Dates": expiry 9/19/2014 roll 9/11/2014; expiry
    # 12/19/2014 roll 12/11/2014; roll Thursday 12/13/2012. (More rows: expiries.csv.)
    rule = CmeRollRule()
    assert rule.roll_date(ContractCode("ES", 2014, 9)) == pd.Timestamp("2014-09-11")
    assert rule.roll_date(ContractCode("ES", 2014, 12)) == pd.Timestamp("2014-12-11")
    assert rule.roll_date(ContractCode("ES", 2012, 12)) == pd.Timestamp("2012-12-13")


def test_cme_roll_moves_back_over_a_closure() -> None:
    # Thursday 2001-09-13 fell in the NYSE's September 11 closure (11-14 September):
    # the session before is Monday 2001-09-10.
    assert CmeRollRule().roll_date(ContractCode("ES", 2001, 9)) == pd.Timestamp("2001-09-10")


def test_sessions_before_expiry_by_hand() -> None:
    # ESH2008: last trading day Thursday 2008-03-20 (Good Friday 21st). Five sessions
    # before: 19, 18, 17, 14, 13 March -> 2008-03-13.
    assert SessionsBeforeExpiry(5).roll_date(ContractCode("ES", 2008, 3)) == pd.Timestamp(
        "2008-03-13"
    )
    # ESU2001: last trading day 2001-09-21; sessions before: 20, 19, 18, 17, then 10
    # September (11-14 closed) -> n = 5 gives 2001-09-10.
    assert SessionsBeforeExpiry(5).roll_date(ContractCode("ES", 2001, 9)) == pd.Timestamp(
        "2001-09-10"
    )
    assert SessionsBeforeExpiry(0).roll_date(ContractCode("ES", 2008, 3)) == pd.Timestamp(
        "2008-03-20"
    )


def test_monday_convention_via_calendar_days() -> None:
    # Four calendar days before the third Friday is the Monday of expiration week, e.g.
    # March 2026: expiry Friday 2026-03-20, roll Monday 2026-03-16.
    assert CalendarDaysBeforeExpiry(4).roll_date(ContractCode("ES", 2026, 3)) == pd.Timestamp(
        "2026-03-16"
    )


@pytest.mark.parametrize("bad", [-1, 1.0, True, "5", None])
def test_counts_are_validated(bad: object) -> None:
    with pytest.raises(InputError) as info:
        SessionsBeforeExpiry(bad)  # type: ignore[arg-type]
    assert info.value.source == "n"
    with pytest.raises(InputError) as info:
        CalendarDaysBeforeExpiry(bad)  # type: ignore[arg-type]
    assert info.value.source == "days"


def test_rules_are_frozen_values_with_dicts() -> None:
    assert CmeRollRule() == CmeRollRule()
    assert SessionsBeforeExpiry(5) == SessionsBeforeExpiry(5)
    assert SessionsBeforeExpiry(5) != SessionsBeforeExpiry(4)
    with pytest.raises(dataclasses.FrozenInstanceError):
        SessionsBeforeExpiry(5).n = 4  # type: ignore[misc]
    for rule in (CmeRollRule(), SessionsBeforeExpiry(5), CalendarDaysBeforeExpiry(4)):
        assert isinstance(rule, RollRule)
        assert json.loads(json.dumps(rule.to_dict()))["rule"] == type(rule).__name__
    with pytest.raises(TypeError):
        RollRule()  # type: ignore[abstract]


quarterly = st.builds(
    ContractCode,
    root=st.sampled_from(["ES", "NQ", "RTY", "MYM"]),
    year=st.integers(1971, 2035),
    month=st.sampled_from([3, 6, 9, 12]),
)


@given(code=quarterly)
def test_cme_roll_is_thursday_before_expiry_week_or_earlier(code: ContractCode) -> None:
    roll = CmeRollRule().roll_date(code)
    thursday = nominal_expiry(code.year, code.month) - pd.Timedelta(days=8)
    assert thursday.weekday() == 3
    assert is_session(roll)
    assert roll <= thursday
    assert list(sessions(roll, thursday)) == [roll]  # the session on or before it
    assert roll < last_trading_day(code)
    assert CalendarDaysBeforeExpiry(8).roll_date(code) == roll


@given(code=quarterly, n=st.integers(0, 40))
def test_sessions_before_expiry_counts_sessions(code: ContractCode, n: int) -> None:
    roll = SessionsBeforeExpiry(n).roll_date(code)
    ltd = last_trading_day(code)
    assert is_session(roll)
    assert roll <= ltd
    assert len(sessions(roll, ltd)) == n + 1


@given(code=quarterly, n=st.integers(0, 20))
def test_more_sessions_roll_earlier(code: ContractCode, n: int) -> None:
    assert SessionsBeforeExpiry(n + 1).roll_date(code) < SessionsBeforeExpiry(n).roll_date(code)


def test_roll_rule_accepts_long_code_text() -> None:
    assert CmeRollRule().roll_date("ESH2020") == pd.Timestamp("2020-03-12")  # type: ignore[arg-type]
    assert dt.date(2020, 3, 12).weekday() == 3
