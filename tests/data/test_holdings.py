"""Holdings files: one test per validation error, each checking file, line, column and value."""

from __future__ import annotations

import math

import numpy as np
import pytest

from hedgekit.data import Holding, Holdings, load_holdings
from hedgekit.errors import InputError


def _write(tmp_path, text: str | bytes, name: str = "holdings.csv"):
    path = tmp_path / name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return path


def _error(path, *, row, column, value) -> InputError:
    with pytest.raises(InputError) as info:
        load_holdings(path)
    err = info.value
    message = str(err)
    assert err.source == str(path)
    assert str(path) in message
    assert err.row == row
    if row is not None:
        assert f"line {row}" in message
    assert err.column == column
    if column is not None:
        assert repr(column) in message
    assert err.value == value
    if value is not None:
        assert repr(value) in message
    assert err.expected  # every error says what was expected
    return err


def test_valid_file_with_both_size_kinds(tmp_path):
    path = _write(
        tmp_path,
        "ticker,shares,market_value_usd,cost_basis_usd\nAAPL,10,,1500.5\nMSFT,,25000,\n",
    )
    h = load_holdings(path)
    assert h.source == str(path)
    assert h.tickers == ("AAPL", "MSFT")
    assert h.positions[0] == Holding("AAPL", 10.0, None, 1500.5)
    assert h.positions[1] == Holding("MSFT", None, 25000.0, None)
    frame = h.to_frame()
    assert list(frame.columns) == ["shares", "market_value_usd", "cost_basis_usd"]
    assert frame.loc["AAPL", "shares"] == 10.0
    assert math.isnan(frame.loc["MSFT", "shares"])
    assert h.to_dict()["positions"][1]["market_value_usd"] == 25000.0


def test_header_case_spaces_bom_blank_lines_and_crlf_are_accepted(tmp_path):
    text = "\ufeffTicker , Shares\r\n\r\nAAPL , 10\r\n  \r\nMSFT,5\r\n\r\n"
    h = load_holdings(_write(tmp_path, text.encode("utf-8")))
    assert h.tickers == ("AAPL", "MSFT")
    assert [p.shares for p in h.positions] == [10.0, 5.0]


def test_missing_file(tmp_path):
    path = tmp_path / "nope.csv"
    with pytest.raises(InputError, match="file not found") as info:
        load_holdings(path)
    assert info.value.source == str(path)


@pytest.mark.parametrize("content", [b"", b"  \n\n"])
def test_empty_file(tmp_path, content):
    path = _write(tmp_path, content)
    err = _error(path, row=None, column=None, value=None)
    assert "empty" in str(err)


def test_non_utf8_file_names_line_and_byte(tmp_path):
    path = _write(tmp_path, "ticker,shares\nAAPL,10\nNESTL\xc9,5\n".encode("latin-1"))
    err = _error(path, row=3, column=None, value=None)
    assert "not UTF-8" in str(err)
    assert "0xc9" in str(err)


def test_utf16_file(tmp_path):
    path = _write(tmp_path, "ticker,shares\nAAPL,10\n".encode("utf-16"))
    err = _error(path, row=None, column=None, value=None)
    assert "UTF-16" in str(err)


def test_binary_file_with_nul(tmp_path):
    path = _write(tmp_path, b"ticker,shares\nAAPL,1\x000\n")
    err = _error(path, row=2, column=None, value=None)
    assert "NUL" in str(err)


def test_unknown_column(tmp_path):
    path = _write(tmp_path, "ticker,shares,price\nAAPL,10,200\n")
    err = _error(path, row=1, column="price", value=None)
    assert "unknown column" in str(err)


def test_missing_ticker_column(tmp_path):
    path = _write(tmp_path, "shares\n10\n")
    err = _error(path, row=1, column=None, value="shares")
    assert "ticker" in str(err)


def test_missing_size_columns(tmp_path):
    path = _write(tmp_path, "ticker,cost_basis_usd\nAAPL,10\n")
    err = _error(path, row=1, column=None, value="ticker,cost_basis_usd")
    assert "shares or market_value_usd" in str(err)


def test_duplicate_column(tmp_path):
    path = _write(tmp_path, "ticker,shares,SHARES\nAAPL,1,2\n")
    err = _error(path, row=1, column="SHARES", value=None)
    assert "twice" in str(err)


def test_header_only(tmp_path):
    path = _write(tmp_path, "ticker,shares\n")
    err = _error(path, row=None, column=None, value=None)
    assert "no positions" in str(err)


def test_wrong_number_of_fields(tmp_path):
    path = _write(tmp_path, "ticker,shares\nAAPL,10\nMSFT,5,7\n")
    err = _error(path, row=3, column=None, value="MSFT,5,7")
    assert "3 fields" in str(err)


def test_malformed_quotes(tmp_path):
    path = _write(tmp_path, 'ticker,shares\nAAPL,"10"x\n')
    err = _error(path, row=2, column=None, value=None)
    assert "malformed CSV" in str(err)


def test_blank_ticker(tmp_path):
    path = _write(tmp_path, "ticker,shares\nAAPL,10\n,5\n")
    err = _error(path, row=3, column="ticker", value=None)
    assert "missing ticker" in str(err)


def test_invalid_ticker(tmp_path):
    path = _write(tmp_path, "ticker,shares\naapl,10\n")
    err = _error(path, row=2, column="ticker", value="aapl")
    assert "ticker symbol" in str(err)


def test_duplicate_ticker_names_both_lines(tmp_path):
    path = _write(tmp_path, "ticker,shares\nAAPL,10\nMSFT,1\nAAPL,5\n")
    err = _error(path, row=4, column="ticker", value="AAPL")
    assert "first on line 2" in str(err)


@pytest.mark.parametrize("bad", ["ten", "1,000", "$100", "10%"])
def test_non_numeric_shares(tmp_path, bad):
    path = _write(tmp_path, f'ticker,shares\nAAPL,10\nMSFT,"{bad}"\n')
    err = _error(path, row=3, column="shares", value=bad)
    assert "not a number" in str(err)


@pytest.mark.parametrize("bad", ["0", "-0.0"])
def test_zero_shares(tmp_path, bad):
    # negative shares are a short position (accepted below); zero is still no position
    path = _write(tmp_path, f"ticker,shares\nAAPL,{bad}\n")
    err = _error(path, row=2, column="shares", value=bad)
    assert "non-zero" in str(err)


@pytest.mark.parametrize("bad", ["nan", "inf", "-inf", "NaN"])
def test_non_finite_market_value(tmp_path, bad):
    path = _write(tmp_path, f"ticker,market_value_usd\nAAPL,{bad}\n")
    err = _error(path, row=2, column="market_value_usd", value=bad)
    assert "number" in str(err)


def test_both_sizes_on_one_row(tmp_path):
    path = _write(tmp_path, "ticker,shares,market_value_usd\nAAPL,10,2000\n")
    err = _error(path, row=2, column="shares/market_value_usd", value="AAPL,10,2000")
    assert "both" in str(err)


def test_neither_size_on_a_row(tmp_path):
    path = _write(tmp_path, "ticker,shares,market_value_usd,cost_basis_usd\nAAPL,,,100\n")
    err = _error(path, row=2, column="shares/market_value_usd", value="AAPL,,,100")
    assert "neither" in str(err)


def test_blank_shares_without_market_value_column(tmp_path):
    path = _write(tmp_path, "ticker,shares\nAAPL,\n")
    err = _error(path, row=2, column="shares/market_value_usd", value="AAPL,")
    assert "neither" in str(err)


def test_negative_cost_basis(tmp_path):
    path = _write(tmp_path, "ticker,shares,cost_basis_usd\nAAPL,10,-1\n")
    err = _error(path, row=2, column="cost_basis_usd", value="-1")
    assert "non-negative" in str(err)


def test_zero_cost_basis_is_allowed(tmp_path):
    h = load_holdings(_write(tmp_path, "ticker,shares,cost_basis_usd\nAAPL,10,0\n"))
    assert h.positions[0].cost_basis_usd == 0.0


# --- built in code ----------------------------------------------------------------------------


def test_holding_requires_exactly_one_size():
    with pytest.raises(InputError, match="exactly one"):
        Holding("AAPL", 10.0, 100.0)
    with pytest.raises(InputError, match="exactly one"):
        Holding("AAPL", None, None)


def test_holding_rejects_bad_numbers_and_tickers():
    with pytest.raises(InputError, match="shares"):
        Holding("AAPL", 0.0, None)
    assert Holding("AAPL", -1.0, None).shares == -1.0  # a short
    with pytest.raises(InputError, match="market_value_usd"):
        Holding("AAPL", None, math.inf)
    with pytest.raises(InputError, match="cost_basis_usd"):
        Holding("AAPL", 1.0, None, -3.0)
    with pytest.raises(InputError, match="ticker"):
        Holding("aapl", 1.0, None)
    # a flag or text is not a share count (True would have been taken as 1 share)
    for bad in (True, "100"):
        with pytest.raises(InputError, match="shares of AAPL is not a number"):
            Holding("AAPL", bad, None)  # type: ignore[arg-type]
    assert Holding("AAPL", np.int64(3), None).shares == 3  # type: ignore[arg-type]


def test_holdings_reject_duplicates_and_empty():
    with pytest.raises(InputError, match="duplicate"):
        Holdings((Holding("AAPL", 1.0, None), Holding("AAPL", 2.0, None)))
    with pytest.raises(InputError, match="no positions"):
        Holdings(())


def test_holdings_are_frozen():
    h = Holdings((Holding("AAPL", 1.0, None),))
    with pytest.raises(AttributeError):
        h.source = "x"  # type: ignore[misc]


# --- short stock and futures rows ---------------------------------------------------------------


def test_short_rows_are_negative_positions(tmp_path):
    path = _write(tmp_path, "ticker,shares,market_value_usd\nAAPL,100,\nTSLA,-40,\nQQQ,,-25000\n")
    h = load_holdings(path)
    assert [(p.ticker, p.shares, p.market_value_usd) for p in h.positions] == [
        ("AAPL", 100.0, None),
        ("TSLA", -40.0, None),
        ("QQQ", None, -25000.0),
    ]
    assert h.existing_hedge is None


def test_futures_rows_become_the_existing_hedge(tmp_path):
    from hedgekit.calendar import ContractCode
    from hedgekit.position import PositionLeg

    path = _write(tmp_path, "ticker,shares,cost_basis_usd\nAAPL,100,9000\nES,-2,\nMESZ2024,-3,\n")
    h = load_holdings(path)
    assert h.tickers == ("AAPL",)  # futures are not stock value
    assert h.existing_hedge is not None
    assert h.existing_hedge.source == str(path)
    assert h.existing_hedge.legs == (
        PositionLeg("ES", None, -2),
        PositionLeg("MES", ContractCode("MES", 2024, 12), -3),
    )
    assert h.to_dict()["existing_hedge"]["legs"][0] == {
        "root": "ES",
        "contract": None,
        "quantity": -2,
        "entry_price": None,
    }


def test_futures_rows_follow_the_registry(tmp_path):
    from hedgekit.contracts import ContractSpec, default_registry

    sp = ContractSpec(
        root="SP", name="S&P 500 (big)", index="SPX", multiplier_usd=250.0, tick_size_points=0.1
    )
    path = _write(tmp_path, "ticker,shares\nAAPL,100\nSP,-1\n")
    assert load_holdings(path).tickers == ("AAPL", "SP")  # a stock called SP
    h = load_holdings(path, registry=default_registry().with_contracts([sp]))
    assert h.tickers == ("AAPL",)
    assert h.existing_hedge is not None
    assert h.existing_hedge.legs[0].root == "SP"


@pytest.mark.parametrize(
    ("row", "column", "value", "fragment"),
    [
        ("ES,-2.5,,", "shares", -2.5, "whole contracts"),
        ("ES,,-250000,", "market_value_usd", -250000.0, "futures contract"),
        ("ES,-2,,100", "cost_basis_usd", 100.0, "futures contract"),
        ("ESF2024,-2,,", "ticker", "ESF2024", "not a listed ES contract month"),
        ("ES,0,,", "shares", "0", "non-zero"),
    ],
)
def test_bad_futures_rows(tmp_path, row, column, value, fragment):
    path = _write(tmp_path, f"ticker,shares,market_value_usd,cost_basis_usd\nAAPL,10,,\n{row}\n")
    err = _error(path, row=3, column=column, value=value)
    assert fragment in str(err)


def test_a_file_of_futures_only_has_nothing_to_hedge(tmp_path):
    path = _write(tmp_path, "ticker,shares\nES,-2\n")
    err = _error(path, row=None, column="ticker", value=None)
    assert "no stock positions" in str(err)


def test_the_same_futures_row_twice_is_a_duplicate(tmp_path):
    path = _write(tmp_path, "ticker,shares\nAAPL,1\nES,-1\nES,-2\n")
    err = _error(path, row=4, column="ticker", value="ES")
    assert "duplicate" in str(err)
