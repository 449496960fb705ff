"""Expiries: answer file from exchange notices and market data, CHRIS ES1 labels, invariants."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hedgekit.calendar import (
    CmeRollRule,
    ContractCode,
    front_contract,
    is_session,
    last_trading_day,
    nominal_expiry,
    sessions,
)
from hedgekit.errors import CalendarError, InputError

RESOURCES = Path(__file__).resolve().parents[1] / "resources"


def _answers() -> pd.DataFrame:
    # tests/resources/expiries.csv: each row hand-checked; `evidence` says what kind of
    # source backs it (exchange notice, market data, third-party, or the rule by hand) and
    # `source` says which one.
    return pd.read_csv(RESOURCES / "expiries.csv", dtype=str, keep_default_na=False)


ANSWERS = _answers()


def test_answer_file_is_well_formed() -> None:
    assert list(ANSWERS.columns) == [
        "contract",
        "nominal_expiry",
        "last_trading_day",
        "cme_roll_date",
        "evidence",
        "source",
    ]
    assert ANSWERS["source"].str.len().min() > 20
    assert set(ANSWERS["evidence"]) <= {"exchange", "market-data", "third-party", "rule"}
    assert ANSWERS["contract"].is_unique


@pytest.mark.parametrize("row", ANSWERS.to_dict("records"), ids=list(ANSWERS["contract"]))
def test_answers(row: dict[str, str]) -> None:
    code = ContractCode.parse(row["contract"])
    assert nominal_expiry(code.year, code.month) == pd.Timestamp(row["nominal_expiry"])
    assert last_trading_day(code) == pd.Timestamp(row["last_trading_day"])
    assert last_trading_day(code.year, code.month) == pd.Timestamp(row["last_trading_day"])
    assert last_trading_day(code.long) == pd.Timestamp(row["last_trading_day"])
    assert CmeRollRule().roll_date(code) == pd.Timestamp(row["cme_roll_date"])


def test_good_friday_in_a_monthly_cycle() -> None:
    # Easter 2025 was April 20, so Good Friday 2025-04-18 is the third Friday of April
    # (April 2025 starts on a Tuesday: Fridays 4, 11, 18). NYSE closed; a contract
    # expiring that month would last trade on Thursday 2025-04-17.
    assert nominal_expiry(2025, 4) == pd.Timestamp("2025-04-18")
    assert last_trading_day(2025, 4) == pd.Timestamp("2025-04-17")
    assert last_trading_day(ContractCode("ES", 2025, 4)) == pd.Timestamp("2025-04-17")


SPANS = pd.read_csv(RESOURCES / "calendar_chris_es1_spans.csv", dtype={"contract": str})


@pytest.mark.parametrize("row", SPANS.to_dict("records"), ids=list(SPANS["contract"]))
def test_front_contract_matches_chris_es1_labels(row: dict[str, object]) -> None:
    # calendar_chris_es1_spans.csv: first/last date of each `inferred_contract` label in the
    # bundled CHRIS CME_ES1 file (see tests/calendar/_make_chris_spans.py). front_contract is
    # monotone in the date, so agreeing at both ends of every span (and the spans being
    # consecutive, next test) is agreeing on every row of the file.
    code = ContractCode.parse(str(row["contract"]))
    assert front_contract("ES", str(row["first_date"])) == code
    assert front_contract("ES", str(row["last_date"])) == code


def test_chris_es1_spans_are_consecutive_and_end_on_expiry() -> None:
    codes = [ContractCode.parse(c) for c in SPANS["contract"]]
    for before, after in itertools.pairwise(codes):
        assert before.next() == after
    # Every complete span ends on the last trading day. That is CHRIS's own switch (the
    # series moves to the next contract the day after), independent of the labels.
    for row, code in zip(SPANS.iloc[:-1].itertuples(), codes, strict=False):
        assert pd.Timestamp(row.last_date) == last_trading_day(code)
        next_first = pd.Timestamp(SPANS["first_date"].iloc[codes.index(code) + 1])
        assert next_first > last_trading_day(code)


def test_soq_settlements_fall_on_last_trading_days() -> None:
    # From 2013 on CHRIS ES1 settles off the 0.25 tick grid only on final settlement
    # (Special Opening Quotation) days; each such day is our last trading day.
    soq = SPANS[(SPANS["last_settle"] * 4) % 1 != 0]
    assert len(soq) >= 15
    for row in soq.itertuples():
        assert last_trading_day(ContractCode.parse(row.contract)) == pd.Timestamp(row.last_date)


def test_front_contract_on_and_after_expiry() -> None:
    assert front_contract("ES", "2008-03-20") == ContractCode("ES", 2008, 3)
    assert front_contract("ES", "2008-03-21") == ContractCode("ES", 2008, 6)  # Good Friday
    assert front_contract("NQ", "2026-06-18") == ContractCode("NQ", 2026, 6)
    assert front_contract("NQ", "2026-06-19") == ContractCode("NQ", 2026, 9)
    assert front_contract("M2K", "2025-12-31") == ContractCode("M2K", 2026, 3)
    assert front_contract("ES", "2026-01-15", months="FGHJKMNQUVXZ") == ContractCode("ES", 2026, 1)
    assert front_contract("ES", "2026-01-17", months="FGHJKMNQUVXZ") == ContractCode("ES", 2026, 2)


def test_validation() -> None:
    with pytest.raises(InputError) as info:
        nominal_expiry(2026, 13)
    assert info.value.source == "month"
    with pytest.raises(InputError) as info:
        nominal_expiry("2026", 3)  # type: ignore[arg-type]
    assert info.value.source == "year"
    with pytest.raises(InputError) as info:
        last_trading_day("ESZ6")  # one-digit year: ambiguous without reference_year
    assert info.value.value == "ESZ6"
    with pytest.raises(InputError):
        last_trading_day(3.5)  # type: ignore[call-overload]
    with pytest.raises(InputError) as info:
        front_contract("ES", "2026-02-30")
    assert info.value.source == "date"
    with pytest.raises(InputError) as info:
        front_contract("es", "2026-02-03")
    assert info.value.source == "root"
    with pytest.raises(InputError) as info:
        front_contract("ES", "2026-02-03", months="ZH")
    assert info.value.source == "months"
    with pytest.raises(CalendarError):
        last_trading_day(1969, 12)
    with pytest.raises(CalendarError):
        last_trading_day(2190, 3)


year_months = st.tuples(st.integers(1971, 2035), st.integers(1, 12))


@given(ym=year_months)
def test_nominal_expiry_is_the_third_friday(ym: tuple[int, int]) -> None:
    year, month = ym
    friday = nominal_expiry(year, month)
    assert friday.weekday() == 4
    assert 15 <= friday.day <= 21  # third Friday: two Fridays before it in the month
    fridays = [d for d in range(1, friday.day + 1) if dt.date(year, month, d).weekday() == 4]
    assert len(fridays) == 3


@given(ym=year_months)
def test_last_trading_day_is_the_session_on_or_before_the_friday(ym: tuple[int, int]) -> None:
    year, month = ym
    friday = nominal_expiry(year, month)
    ltd = last_trading_day(year, month)
    assert is_session(ltd)
    assert ltd <= friday
    # No session strictly between the last trading day and the third Friday.
    assert list(sessions(ltd, friday)) == [ltd]
    if is_session(friday):
        assert ltd == friday
    # In practice the move is at most a day or two, inside the expiry week.
    assert (friday - ltd).days <= 4
    assert ltd.weekday() <= 4


@given(
    root=st.sampled_from(["ES", "MES", "NQ", "MNQ", "RTY", "M2K", "YM", "MYM"]),
    day=st.dates(dt.date(1971, 1, 1), dt.date(2035, 6, 30)),
    months=st.sampled_from(["HMUZ", "FGHJKMNQUVXZ", "Z"]),
)
def test_front_contract_is_first_unexpired(root: str, day: dt.date, months: str) -> None:
    front = front_contract(root, day, months)
    assert front.root == root
    assert front.month_code in months
    assert last_trading_day(front).date() >= day
    assert last_trading_day(front.previous(months)).date() < day
