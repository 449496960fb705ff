"""Held contract and roll schedules: the roll-at-close convention and schedule invariants."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hedgekit.calendar import (
    CalendarDaysBeforeExpiry,
    CmeRollRule,
    ContractCode,
    HeldPeriod,
    RollRule,
    SessionsBeforeExpiry,
    contract_schedule,
    held_by_session,
    held_contract,
    last_trading_day,
    next_session,
    schedule_frame,
    sessions,
)
from hedgekit.errors import CalendarError, InputError

ES = "ES"
H20 = ContractCode(ES, 2020, 3)
M20 = ContractCode(ES, 2020, 6)


def test_roll_day_belongs_to_the_expiring_contract() -> None:
    # CME roll for ESH2020 is Thursday 2020-03-12: held through that close, then ESM2020.
    rule = CmeRollRule()
    assert held_contract(ES, "2020-03-11", rule) == H20
    assert held_contract(ES, "2020-03-12", rule) == H20
    assert held_contract(ES, "2020-03-13", rule) == M20
    assert held_contract(ES, "2020-03-14", rule) == M20  # Saturday: held since Friday's close
    assert held_contract(ES, next_session("2020-03-12"), rule) == M20


def test_held_to_expiry() -> None:
    rule = SessionsBeforeExpiry(0)
    assert held_contract(ES, "2008-03-20", rule) == ContractCode(ES, 2008, 3)
    assert held_contract(ES, "2008-03-21", rule) == ContractCode(ES, 2008, 6)


def test_schedule_by_hand() -> None:
    periods = contract_schedule(ES, "2019-11-01", "2020-07-01", CmeRollRule())
    assert [p.to_dict() for p in periods] == [
        {
            "contract": "ESZ2019",
            "last_trading_day": "2019-12-20",
            "roll_date": "2019-12-12",
            "first_session_held": "2019-11-01",
            "last_session_held": "2019-12-12",
        },
        {
            "contract": "ESH2020",
            "last_trading_day": "2020-03-20",
            "roll_date": "2020-03-12",
            "first_session_held": "2019-12-13",
            "last_session_held": "2020-03-12",
        },
        {
            "contract": "ESM2020",
            "last_trading_day": "2020-06-19",
            "roll_date": "2020-06-11",
            "first_session_held": "2020-03-13",
            "last_session_held": "2020-06-11",
        },
        {
            "contract": "ESU2020",
            "last_trading_day": "2020-09-18",
            "roll_date": "2020-09-10",
            "first_session_held": "2020-06-12",
            "last_session_held": "2020-07-01",
        },
    ]
    json.dumps([p.to_dict() for p in periods])


def test_schedule_frame_columns() -> None:
    frame = schedule_frame(ES, "2019-11-01", "2020-07-01", CmeRollRule())
    assert list(frame.columns) == [
        "contract",
        "last_trading_day",
        "roll_date",
        "first_session_held",
        "last_session_held",
    ]
    assert list(frame["contract"]) == ["ESZ2019", "ESH2020", "ESM2020", "ESU2020"]
    assert frame["roll_date"].iloc[1] == pd.Timestamp("2020-03-12")
    assert str(frame["last_trading_day"].dtype).startswith("datetime64")
    empty = schedule_frame(ES, "2020-03-14", "2020-03-15", CmeRollRule())
    assert empty.empty
    assert list(empty.columns) == list(frame.columns)


def test_empty_range_and_bad_arguments() -> None:
    assert contract_schedule(ES, "2020-03-14", "2020-03-15", CmeRollRule()) == []
    assert held_by_session(ES, "2020-03-14", "2020-03-15", CmeRollRule()).empty
    with pytest.raises(InputError) as info:
        contract_schedule(ES, "2020-03-15", "2020-03-14", CmeRollRule())
    assert info.value.source == "start"
    with pytest.raises(InputError) as info:
        contract_schedule(ES, "2020-01-01", "2020-03-14", "cme")  # type: ignore[arg-type]
    assert info.value.source == "rule"
    with pytest.raises(InputError) as info:
        held_contract(ES, "2020-01-01", CmeRollRule(), months="HMUZH")
    assert info.value.source == "months"
    with pytest.raises(CalendarError):
        contract_schedule(ES, "1960-01-01", "1990-01-01", CmeRollRule())


@dataclass(frozen=True, slots=True)
class _BadRule(RollRule):
    """A rule returning a fixed offset from the third Friday, possibly impossible."""

    days_after_friday: int

    def roll_date(self, code: ContractCode) -> pd.Timestamp:
        friday = dt.date(code.year, code.month, 15)
        friday += dt.timedelta(days=(4 - friday.weekday()) % 7 + self.days_after_friday)
        return pd.Timestamp(friday)

    def to_dict(self) -> dict[str, Any]:
        return {"rule": "_BadRule", "days_after_friday": self.days_after_friday}


def test_impossible_roll_dates_are_refused() -> None:
    with pytest.raises(CalendarError, match=r"after the last trading day|NYSE session"):
        contract_schedule(ES, "2020-01-01", "2020-06-30", _BadRule(3))  # a Monday after expiry
    with pytest.raises(CalendarError, match="NYSE session"):
        contract_schedule(ES, "2020-01-01", "2020-06-30", _BadRule(1))  # a Saturday
    with pytest.raises(CalendarError):
        held_contract(ES, "2020-01-01", _BadRule(1))


def test_held_by_session_frame() -> None:
    frame = held_by_session(ES, "2020-03-10", "2020-03-16", CmeRollRule())
    assert list(frame.index) == list(sessions("2020-03-10", "2020-03-16"))
    assert list(frame["contract"]) == ["ESH2020"] * 3 + ["ESM2020"] * 2
    assert (frame.index == frame["roll_date"]).sum() == 1  # 2020-03-12


def test_long_schedule_has_every_quarter_once() -> None:
    periods = contract_schedule(ES, "1990-01-01", "2024-12-31", SessionsBeforeExpiry(5))
    assert len(periods) == 35 * 4 + 1  # ESH1990 .. ESZ2024, then ESH2025 after Dec roll
    assert periods[0].contract == ContractCode(ES, 1990, 3)
    assert periods[-1].contract == ContractCode(ES, 2025, 3)
    total = sum(len(sessions(p.first_session_held, p.last_session_held)) for p in periods)
    assert total == len(sessions("1990-01-01", "2024-12-31"))


rules = st.one_of(
    st.just(CmeRollRule()),
    st.builds(SessionsBeforeExpiry, st.integers(0, 30)),
    st.builds(CalendarDaysBeforeExpiry, st.integers(0, 40)),
)
starts = st.dates(dt.date(1983, 1, 1), dt.date(2033, 1, 1))


@given(
    rule=rules,
    start=starts,
    length_days=st.integers(0, 900),
    root=st.sampled_from(["ES", "MES", "NQ", "M2K"]),
    months=st.sampled_from(["HMUZ", "HMUZ", "FGHJKMNQUVXZ", "MZ"]),
)
def test_schedule_invariants(
    rule: RollRule, start: dt.date, length_days: int, root: str, months: str
) -> None:
    end = start + dt.timedelta(days=length_days)
    periods = contract_schedule(root, start, end, rule, months)
    days = sessions(start, end)
    if len(days) == 0:
        assert periods == []
        return
    assert isinstance(periods[0], HeldPeriod)
    assert periods[0].first_session_held == days[0]
    assert periods[-1].last_session_held == days[-1]
    for before, after in itertools.pairwise(periods):
        # Never skip a contract; roll at the close, next contract from the next session.
        assert after.contract == before.contract.next(months)
        assert before.last_session_held == before.roll_date
        assert after.first_session_held == next_session(before.roll_date)
    for p in periods:
        assert p.contract.root == root
        assert p.contract.month_code in months
        assert p.first_session_held <= p.last_session_held <= p.roll_date
        assert p.roll_date <= p.last_trading_day == last_trading_day(p.contract)
        assert p.last_trading_day <= p.roll_date + pd.Timedelta(days=60)
        # The held contract on every session is the schedule's.
        held = sessions(p.first_session_held, p.last_session_held)
        for day in {held[0], held[len(held) // 2], held[-1]}:
            assert held_contract(root, day, rule, months) == p.contract
    frame = held_by_session(root, start, end, rule, months)
    assert list(frame.index) == list(days)
    assert frame["contract"].nunique() == len(periods)


@given(rule=rules, day=starts)
def test_held_contract_rolls_at_the_close(rule: RollRule, day: dt.date) -> None:
    held = held_contract(ES, day, rule)
    roll = rule.roll_date(held)
    assert roll.date() >= day
    previous_roll = rule.roll_date(held.previous())
    assert previous_roll.date() < day
    assert held_contract(ES, roll, rule) == held
    assert held_contract(ES, next_session(roll), rule) == held.next()
