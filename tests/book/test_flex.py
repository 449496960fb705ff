"""IBKR Flex statements: the fixture read into neutral records; malformed files refused."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from hedgekit.book._flex import parse_flex
from hedgekit.errors import InputError

FIXTURE = Path(__file__).parents[1] / "resources" / "book" / "flex_fixture.xml"


def _variant(tmp_path: Path, old: str, new: str) -> Path:
    text = FIXTURE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "variant.xml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_fixture_trades_cash_positions() -> None:
    st = parse_flex(FIXTURE, account_id="U0000000")
    assert st.account_id == "U0000000"
    assert (st.from_date, st.to_date) == (dt.date(2024, 12, 2), dt.date(2025, 3, 31))
    # Six futures fills (the SPY trade is skipped with a note).
    assert [(t.contract, t.quantity) for t in st.trades] == [
        ("ESH2025", -2), ("MESH2025", -3),
        ("ESH2025", 2), ("ESM2025", -2), ("MESH2025", 3), ("MESM2025", -3),
    ]  # fmt: skip
    assert st.trades[0].day == dt.date(2024, 12, 2)
    assert st.trades[0].price == 6080.25
    assert st.trades[0].fees_usd == 4.50  # IB's ibCommission is -4.50
    assert st.trades[0].key == "ibkr:900001"
    assert len({t.key for t in st.trades}) == len(st.trades)
    # The fills net to the open positions the statement reports.
    net: dict[str, int] = {}
    for t in st.trades:
        net[t.contract] = net.get(t.contract, 0) + t.quantity
    held = {c: q for c, q in net.items() if q}
    assert held == {p.contract: p.quantity for p in st.positions}
    assert any("STK" in n for n in st.notes)
    deposit, interest = st.cash
    assert (deposit.kind, deposit.amount_usd, deposit.day) == (
        "deposit",
        60000.0,
        dt.date(2024, 11, 29),
    )
    assert interest.kind == "interest"
    assert st.to_dict()["trades"][0]["contract"] == "ESH2025"


def test_bytes_and_path_agree() -> None:
    assert parse_flex(FIXTURE.read_bytes()) == parse_flex(FIXTURE)


def test_reimport_gives_same_keys() -> None:
    a, b = parse_flex(FIXTURE), parse_flex(FIXTURE)
    assert [t.key for t in a.trades] == [t.key for t in b.trades]
    assert [c.key for c in a.cash] == [c.key for c in b.cash]


def test_another_account_refused() -> None:
    with pytest.raises(InputError) as err:
        parse_flex(FIXTURE, account_id="U9999999", source="statement.xml")
    assert err.value.source == "statement.xml"
    assert "another account" in str(err.value)


def test_symbol_root_when_underlying_missing(tmp_path: Path) -> None:
    path = _variant(tmp_path, 'symbol="ESH5" underlyingSymbol="ES" ', 'symbol="ESH5" ')
    assert parse_flex(path).trades[0].contract == "ESH2025"


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ('assetCategory="STK" symbol="SPY"', 'assetCategory="OPT" symbol="SPY"', "OPT trade"),
        ('quantity="-2" tradePrice="6080.25"', 'quantity="2" tradePrice="6080.25"', "buySell"),
        ('quantity="-2" tradePrice="6080.25"', 'quantity="-2.5" tradePrice="6080.25"', "whole"),
        ('expiry="20250321" tradeID="900001"', 'tradeID="900001"', "expiry"),
        ('tradeID="900001" ', "", "tradeID"),
        (
            'currency="USD" assetCategory="FUT" symbol="ESH5"',
            'currency="EUR" assetCategory="FUT" symbol="ESH5"',
            "EUR",
        ),
        ("</FlexQueryResponse>", "", "XML"),
        ("<FlexQueryResponse ", "<Nonsense ", "Flex"),
        ('tradePrice="6080.25"', 'tradePrice="lots"', "Flex"),
    ],
)
def test_malformed_variants_refused(tmp_path: Path, old: str, new: str, words: str) -> None:
    path = _variant(tmp_path, old, new)
    with pytest.raises(InputError) as err:
        parse_flex(path, source="--flex")
    assert words in str(err.value)
    assert err.value.source == "--flex"


def test_missing_file_and_empty_response(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        parse_flex(tmp_path / "absent.xml")
    empty = tmp_path / "empty.xml"
    empty.write_text('<FlexQueryResponse queryName="q" type="AF"><FlexStatements count="0"/>'
                     "</FlexQueryResponse>", encoding="utf-8")  # fmt: skip
    with pytest.raises(InputError, match="no FlexStatement"):
        parse_flex(empty)
