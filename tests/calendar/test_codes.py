"""Contract codes: parsing, formatting, ordering, cycle navigation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hedgekit.calendar import MONTH_CODES, QUARTERLY_MONTHS, ContractCode
from hedgekit.errors import InputError

ROOTS = ["ES", "MES", "NQ", "MNQ", "RTY", "M2K", "YM", "MYM"]


def test_month_codes_are_the_exchange_letters() -> None:
    # CME Group month codes: F Jan, G Feb, H Mar, J Apr, K May, M Jun, N Jul, Q Aug,
    # U Sep, V Oct, X Nov, Z Dec.
    assert dict(zip(MONTH_CODES, range(1, 13), strict=True)) == {
        "F": 1, "G": 2, "H": 3, "J": 4, "K": 5, "M": 6,
        "N": 7, "Q": 8, "U": 9, "V": 10, "X": 11, "Z": 12,
    }  # fmt: skip
    assert QUARTERLY_MONTHS == "HMUZ"


@pytest.mark.parametrize(
    ("text", "root", "year", "month"),
    [
        ("ESZ2026", "ES", 2026, 12),
        ("ESZ6", "ES", 2026, 12),
        ("esh7", "ES", 2027, 3),
        ("M2KZ6", "M2K", 2026, 12),
        ("M2KZ2026", "M2K", 2026, 12),
        ("MESU2023", "MES", 2023, 9),
        ("MYMH2030", "MYM", 2030, 3),
        ("RTYM1", "RTY", 2031, 6),
    ],
)
def test_parse_forms(text: str, root: str, year: int, month: int) -> None:
    assert ContractCode.parse(text, reference_year=2026) == ContractCode(root, year, month)


@pytest.mark.parametrize(
    ("digit", "expected_year"),
    # Rule: the one year in [reference_year - 1, reference_year + 8] ending in the digit.
    [("5", 2025), ("6", 2026), ("7", 2027), ("0", 2030), ("4", 2034)],
)
def test_one_digit_year_window(digit: str, expected_year: int) -> None:
    assert ContractCode.parse(f"ESH{digit}", reference_year=2026).year == expected_year


def test_four_digit_year_ignores_reference_year() -> None:
    assert ContractCode.parse("ESH2008", reference_year=2026).year == 2008


def test_one_digit_year_needs_reference_year() -> None:
    with pytest.raises(InputError, match="reference_year") as info:
        ContractCode.parse("ESZ6")
    assert info.value.value == "ESZ6"


@pytest.mark.parametrize(
    "text", ["", "ES", "ESZ", "ESZ26", "ESZ202", "ESA2026", "ES Z6", " ESZ6", "1ESZ6", "ABCDEFZ6"]
)
def test_bad_codes_name_value_and_forms(text: str) -> None:
    with pytest.raises(InputError) as info:
        ContractCode.parse(text, reference_year=2026)
    assert info.value.value == text
    assert "ESZ2026" in str(info.value)
    assert "ESZ6" in str(info.value)


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("es", 2026, 12), "root"),
        (("ES", 2026, 13), "month"),
        (("ES", 2026, 0), "month"),
        (("ES", 1899, 3), "year"),
        (("ES", True, 3), "year"),
        (("ES", 2026.0, 3), "year"),
    ],
)
def test_constructor_validates(args: tuple[object, object, object], field: str) -> None:
    with pytest.raises(InputError) as info:
        ContractCode(*args)  # type: ignore[arg-type]
    assert info.value.source == field


def test_bad_reference_year() -> None:
    with pytest.raises(InputError) as info:
        ContractCode.parse("ESZ6", reference_year="2026")  # type: ignore[arg-type]
    assert info.value.source == "reference_year"


def test_format() -> None:
    code = ContractCode("M2K", 2026, 12)
    assert code.short == "M2KZ6"
    assert code.long == "M2KZ2026"
    assert str(code) == "M2KZ2026"
    assert code.month_code == "Z"
    assert code.to_dict() == {"code": "M2KZ2026", "root": "M2K", "year": 2026, "month": 12}


def test_next_previous_quarterly() -> None:
    z = ContractCode("ES", 2026, 12)
    assert z.next() == ContractCode("ES", 2027, 3)
    assert z.previous() == ContractCode("ES", 2026, 9)
    assert ContractCode("ES", 2027, 3).previous() == z
    # A month outside the cycle moves to the nearest listed one on each side.
    feb = ContractCode("ES", 2026, 2)
    assert feb.next() == ContractCode("ES", 2026, 3)
    assert feb.previous() == ContractCode("ES", 2025, 12)
    assert feb.next("FGHJKMNQUVXZ") == ContractCode("ES", 2026, 3)


@pytest.mark.parametrize("months", ["", "HMUZH", "ZH", "HMUA", "hmuz"])
def test_bad_months(months: str) -> None:
    with pytest.raises(InputError) as info:
        ContractCode("ES", 2026, 3).next(months)
    assert info.value.source == "months"


def test_ordering_sorts_by_delivery() -> None:
    codes = [ContractCode("ES", 2027, 3), ContractCode("ES", 2026, 12), ContractCode("ES", 2026, 9)]
    assert sorted(codes) == codes[::-1]
    assert ContractCode("ES", 2026, 12) < ContractCode("ES", 2027, 3)


def test_frozen_and_hashable() -> None:
    code = ContractCode("ES", 2026, 12)
    with pytest.raises(AttributeError):
        code.year = 2027  # type: ignore[misc]
    assert {code, ContractCode("ES", 2026, 12)} == {code}


codes = st.builds(
    ContractCode,
    root=st.sampled_from(ROOTS),
    year=st.integers(1910, 2180),
    month=st.integers(1, 12),
)


@given(code=codes)
def test_round_trip_long(code: ContractCode) -> None:
    assert ContractCode.parse(code.long) == code
    assert ContractCode.parse(str(code)) == code


@given(code=codes, offset=st.integers(-1, 8))
def test_round_trip_short_within_window(code: ContractCode, offset: int) -> None:
    # The short form round-trips whenever the year lies in the documented window.
    assert ContractCode.parse(code.short, reference_year=code.year - offset) == code


@given(code=codes, months=st.sampled_from(["HMUZ", "FGHJKMNQUVXZ", "Z", "GJMQVZ"]))
def test_next_and_previous_are_inverse_and_adjacent(code: ContractCode, months: str) -> None:
    listed = ContractCode(code.root, code.year, MONTH_CODES.index(months[-1]) + 1)
    nxt = listed.next(months)
    assert nxt > listed
    assert nxt.previous(months) == listed
    assert listed.previous(months).next(months) == listed
    assert nxt.month_code in months
    # Adjacent: nothing listed strictly between.
    gap = (nxt.year - listed.year) * 12 + nxt.month - listed.month
    assert 1 <= gap <= 12
