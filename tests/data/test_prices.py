"""Price files (CSV/Parquet, wide/long): validation errors, round trips, bundled closes."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.pandas import column, data_frames

from hedgekit.data import (
    Holding,
    Holdings,
    bundled_prices,
    bundled_tickers,
    load_prices,
    prices_for,
    validate_prices,
)
from hedgekit.datasets import load_etf, load_large_caps, load_sp500_20stocks
from hedgekit.errors import InputError


def _write(tmp_path, text: str | bytes, name: str = "prices.csv"):
    path = tmp_path / name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return path


def _error(path, *, row, column, value) -> InputError:
    with pytest.raises(InputError) as info:
        load_prices(path)
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
    assert err.expected
    return err


def _frame(data: dict[str, list[float]], dates: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        data,
        index=pd.DatetimeIndex(pd.to_datetime(dates), name="date").as_unit("ns"),
        dtype=np.float64,
    )


# --- valid files ------------------------------------------------------------------------------


def test_wide_csv(tmp_path):
    path = _write(tmp_path, "date,AAPL,BRK-B\n2024-01-02,185.5,360\n2024-01-03,184.25,361.5\n")
    got = load_prices(path)
    pd.testing.assert_frame_equal(
        got,
        _frame({"AAPL": [185.5, 184.25], "BRK-B": [360.0, 361.5]}, ["2024-01-02", "2024-01-03"]),
    )
    assert got.index.dtype == np.dtype("datetime64[ns]")
    assert got.index.tz is None


def test_long_csv_any_column_order_and_case(tmp_path):
    text = (
        "Ticker,DATE,Close\n"
        "AAPL,2024-01-02,185.5\nMSFT,2024-01-02,370\n"
        "AAPL,2024-01-03,184.25\nMSFT,2024-01-04,372\n"
    )
    got = load_prices(_write(tmp_path, text))
    expected = _frame(
        {"AAPL": [185.5, 184.25, np.nan], "MSFT": [370.0, np.nan, 372.0]},
        ["2024-01-02", "2024-01-03", "2024-01-04"],
    )
    pd.testing.assert_frame_equal(got, expected)  # gaps of a long file stay NaN


def test_long_file_sorted_by_ticker_is_accepted(tmp_path):
    text = "date,ticker,close\n2024-01-02,MSFT,1\n2024-01-03,MSFT,2\n2024-01-02,AAPL,3\n"
    got = load_prices(_write(tmp_path, text))
    assert list(got.columns) == ["MSFT", "AAPL"]
    assert got.loc["2024-01-02", "AAPL"] == 3.0


def test_wide_file_with_extra_close_column_is_wide(tmp_path):
    # Long only if the header is exactly {date, ticker, close}.
    got = load_prices(_write(tmp_path, "date,CLOSE,AAPL\n2024-01-02,1,2\n"))
    assert list(got.columns) == ["CLOSE", "AAPL"]


def test_wide_and_long_round_trip(tmp_path):
    wide = _frame(
        {"AAPL": [185.5, 184.25, 181.91], "MSFT": [370.87, 370.6, 367.75]},
        ["2024-01-02", "2024-01-03", "2024-01-04"],
    )
    wide.to_csv(tmp_path / "wide.csv", date_format="%Y-%m-%d")
    pd.testing.assert_frame_equal(load_prices(tmp_path / "wide.csv"), wide)
    long = wide.reset_index().melt(id_vars="date", var_name="ticker", value_name="close")
    long["date"] = long["date"].dt.strftime("%Y-%m-%d")
    long.to_csv(tmp_path / "long.csv", index=False)
    pd.testing.assert_frame_equal(load_prices(tmp_path / "long.csv"), wide)
    wide.to_parquet(tmp_path / "wide.parquet")  # dates stored as the index
    pd.testing.assert_frame_equal(load_prices(tmp_path / "wide.parquet"), wide)
    wide.reset_index().to_parquet(tmp_path / "wide_col.parquet", index=False)
    pd.testing.assert_frame_equal(load_prices(tmp_path / "wide_col.parquet"), wide)
    long.to_parquet(tmp_path / "long.pq", index=False)  # ISO text dates, .pq suffix
    pd.testing.assert_frame_equal(load_prices(tmp_path / "long.pq"), wide)


def test_parquet_with_date_objects(tmp_path):
    frame = pd.DataFrame({"date": [pd.Timestamp("2024-01-02").date()], "AAPL": [1.5]})
    frame.to_parquet(tmp_path / "d.parquet", index=False)
    got = load_prices(tmp_path / "d.parquet")
    assert got.index[0] == pd.Timestamp("2024-01-02")
    assert got.loc["2024-01-02", "AAPL"] == 1.5


_TICKERS = st.from_regex(r"[A-Z]{1,5}", fullmatch=True)
_PRICES = st.floats(min_value=1e-6, max_value=1e9, allow_nan=False, allow_infinity=False)


@st.composite
def _wide_frames(draw):
    tickers = draw(st.lists(_TICKERS, min_size=1, max_size=5, unique=True))
    days = draw(st.lists(st.integers(0, 40_000), min_size=1, max_size=30, unique=True))
    index = pd.DatetimeIndex(
        sorted(pd.Timestamp("1950-01-01") + pd.Timedelta(days=d) for d in days), name="date"
    ).as_unit("ns")
    frame = draw(
        data_frames(
            [column(t, elements=_PRICES, dtype=float) for t in tickers], index=st.just(index)
        )
    )
    return frame


@settings(max_examples=25)  # each example writes and reads four files
@given(frame=_wide_frames())
def test_any_valid_wide_frame_round_trips_exactly(tmp_path_factory, frame):
    folder = tmp_path_factory.mktemp("rt")
    frame.to_csv(folder / "p.csv", date_format="%Y-%m-%d")
    pd.testing.assert_frame_equal(load_prices(folder / "p.csv"), frame, check_exact=True)
    frame.to_parquet(folder / "p.parquet")
    pd.testing.assert_frame_equal(load_prices(folder / "p.parquet"), frame, check_exact=True)


# --- one test per validation error ------------------------------------------------------------


def test_unsupported_suffix(tmp_path):
    path = _write(tmp_path, "date,AAPL\n2024-01-02,1\n", name="prices.xlsx")
    _error(path, row=None, column=None, value=".xlsx")


def test_empty_price_file(tmp_path):
    err = _error(_write(tmp_path, b""), row=None, column=None, value=None)
    assert "empty" in str(err)


def test_non_utf8_price_file(tmp_path):
    path = _write(tmp_path, "date,AAPL\n2024-01-02,1\n2024-01-03,2\xa0\n".encode("cp1252"))
    err = _error(path, row=3, column=None, value=None)
    assert "not UTF-8" in str(err)


def test_bom_is_accepted(tmp_path):
    got = load_prices(_write(tmp_path, "\ufeffdate,AAPL\n2024-01-02,1\n".encode()))
    assert list(got.columns) == ["AAPL"]


def test_first_column_not_date(tmp_path):
    path = _write(tmp_path, "day,AAPL\n2024-01-02,1\n")
    err = _error(path, row=1, column="day", value=None)
    assert "'date'" in str(err)


def test_missing_ticker_in_header(tmp_path):
    path = _write(tmp_path, "date,AAPL,\n2024-01-02,1,2\n")
    err = _error(path, row=1, column=None, value=None)
    assert "missing ticker in header (column 3)" in str(err)


def test_invalid_ticker_in_header(tmp_path):
    path = _write(tmp_path, "date,Apple Inc\n2024-01-02,1\n")
    err = _error(path, row=1, column="Apple Inc", value=None)
    assert "ticker symbol" in str(err)


def test_duplicate_ticker_column(tmp_path):
    path = _write(tmp_path, "date,AAPL,AAPL\n2024-01-02,1,1\n")
    err = _error(path, row=1, column="AAPL", value=None)
    assert "duplicate ticker column" in str(err)


def test_no_ticker_columns(tmp_path):
    path = _write(tmp_path, "date\n2024-01-02\n")
    err = _error(path, row=1, column=None, value=None)
    assert "no ticker columns" in str(err)


def test_no_data_rows(tmp_path):
    path = _write(tmp_path, "date,AAPL\n")
    err = _error(path, row=None, column=None, value=None)
    assert "no data rows" in str(err)


def test_blank_price(tmp_path):
    path = _write(tmp_path, "date,AAPL,MSFT\n2024-01-02,1,2\n2024-01-03,,2\n")
    err = _error(path, row=3, column="AAPL", value=None)
    assert "blank price" in str(err)
    assert "never filled" in str(err)


def test_non_numeric_price(tmp_path):
    path = _write(tmp_path, "date,AAPL,MSFT\n2024-01-02,1,2\n2024-01-03,1,n/a\n")
    err = _error(path, row=3, column="MSFT", value="n/a")
    assert "not a number" in str(err)


@pytest.mark.parametrize("bad", ["0", "-1.5"])
def test_non_positive_price(tmp_path, bad):
    path = _write(tmp_path, f"date,AAPL\n2024-01-02,1\n2024-01-03,{bad}\n")
    err = _error(path, row=3, column="AAPL", value=bad)
    assert "positive" in str(err)


def test_infinite_price(tmp_path):
    path = _write(tmp_path, "date,AAPL\n2024-01-02,inf\n")
    err = _error(path, row=2, column="AAPL", value="inf")
    assert "finite" in str(err)


@pytest.mark.parametrize("bad", ["2024/01/03", "03/01/2024", "2024-1-3", "2023-02-29", "20240103"])
def test_unparseable_date(tmp_path, bad):
    path = _write(tmp_path, f"date,AAPL\n2024-01-02,1\n{bad},2\n")
    err = _error(path, row=3, column="date", value=bad)
    assert "YYYY-MM-DD" in str(err)


def test_date_pandas_cannot_hold(tmp_path):
    # a mistyped year (2300 for 2030) is past pandas' last nanosecond date, 2262-04-11
    path = _write(tmp_path, "date,AAPL\n2024-01-02,1\n2300-01-03,2\n")
    err = _error(path, row=3, column="date", value="2300-01-03")
    assert "2262-04-11" in str(err)
    frame = pd.DataFrame({"date": [dt.date(2024, 1, 2), dt.date(1500, 1, 3)], "AAPL": [1.0, 2.0]})
    frame.to_parquet(tmp_path / "p.parquet")
    err = _error(tmp_path / "p.parquet", row=None, column="date", value="1500-01-03")
    assert "record 2" in str(err)


def test_blank_date(tmp_path):
    path = _write(tmp_path, "date,AAPL\n2024-01-02,1\n,2\n")
    err = _error(path, row=3, column="date", value=None)
    assert "blank date" in str(err)


def test_duplicate_date(tmp_path):
    path = _write(tmp_path, "date,AAPL\n2024-01-02,1\n2024-01-03,2\n2024-01-03,3\n")
    err = _error(path, row=4, column="date", value="2024-01-03")
    assert "duplicate date (also on line 3)" in str(err)


def test_unsorted_dates(tmp_path):
    path = _write(tmp_path, "date,AAPL\n2024-01-03,1\n2024-01-02,2\n")
    err = _error(path, row=3, column="date", value="2024-01-02")
    assert "ascending" in str(err)
    assert "line 2 has 2024-01-03" in str(err)


def test_wrong_field_count(tmp_path):
    path = _write(tmp_path, "date,AAPL\n2024-01-02,1,2\n")
    _error(path, row=2, column=None, value="2024-01-02,1,2")


def test_long_duplicate_row(tmp_path):
    text = "date,ticker,close\n2024-01-02,AAPL,1\n2024-01-02,MSFT,2\n2024-01-02,AAPL,1\n"
    err = _error(_write(tmp_path, text), row=4, column="date", value="2024-01-02")
    assert "duplicate date for AAPL (also on line 2)" in str(err)


def test_long_unsorted_for_one_ticker(tmp_path):
    text = "date,ticker,close\n2024-01-03,AAPL,1\n2024-01-02,MSFT,2\n2024-01-02,AAPL,1\n"
    err = _error(_write(tmp_path, text), row=4, column="date", value="2024-01-02")
    assert "for AAPL are not in ascending order" in str(err)


def test_long_missing_ticker(tmp_path):
    text = "date,ticker,close\n2024-01-02,AAPL,1\n2024-01-02,,2\n"
    err = _error(_write(tmp_path, text), row=3, column="ticker", value=None)
    assert "missing ticker" in str(err)


def test_long_invalid_price(tmp_path):
    text = "date,ticker,close\n2024-01-02,AAPL,-1\n"
    _error(_write(tmp_path, text), row=2, column="close", value="-1")


def test_parquet_corrupt(tmp_path):
    path = _write(tmp_path, b"this is not parquet at all", name="p.parquet")
    err = _error(path, row=None, column=None, value=None)
    assert "Parquet" in str(err)


def test_parquet_errors_name_the_record(tmp_path):
    frame = pd.DataFrame({"date": ["2024-01-02", "2024-01-03"], "AAPL": [1.0, -2.0]})
    frame.to_parquet(tmp_path / "p.parquet", index=False)
    err = _error(tmp_path / "p.parquet", row=None, column="AAPL", value=-2.0)
    assert "record 2" in str(err)


def test_parquet_null_price(tmp_path):
    frame = pd.DataFrame({"date": ["2024-01-02", "2024-01-03"], "AAPL": [1.0, None]})
    frame.to_parquet(tmp_path / "p.parquet", index=False)
    err = _error(tmp_path / "p.parquet", row=None, column="AAPL", value=None)
    assert "record 2: blank price" in str(err)


def test_parquet_text_price_column(tmp_path):
    frame = pd.DataFrame({"date": ["2024-01-02"], "AAPL": ["abc"]})
    frame.to_parquet(tmp_path / "p.parquet", index=False)
    _error(tmp_path / "p.parquet", row=None, column="AAPL", value="abc")


def test_parquet_timezone_dates(tmp_path):
    frame = pd.DataFrame(
        {"AAPL": [1.0]},
        index=pd.DatetimeIndex(["2024-01-02"], tz="America/New_York", name="date"),
    )
    frame.to_parquet(tmp_path / "p.parquet")
    err = _error(
        tmp_path / "p.parquet", row=None, column="date", value="datetime64[us, America/New_York]"
    )
    assert "timezone" in str(err)


def test_parquet_time_of_day(tmp_path):
    frame = pd.DataFrame(
        {"AAPL": [1.0, 2.0]},
        index=pd.DatetimeIndex(["2024-01-02", "2024-01-03 16:00"], name="date"),
    )
    frame.to_parquet(tmp_path / "p.parquet")
    err = _error(tmp_path / "p.parquet", row=None, column="date", value="2024-01-03 16:00:00")
    assert "record 2" in str(err)


# --- bundled prices and prices_for ------------------------------------------------------------


def test_bundled_precedence():
    table = bundled_tickers()
    assert table["AAPL"] == "large_caps"  # in both stock panels: the 41-stock panel wins
    assert table["SPY"] == "etf_spy"
    assert table["AMD"] == "sp500_20stocks"  # only in the skfolio panel
    assert len(table) == 41 + 4 + 4  # AMD, BBY, GE, RRC are skfolio-only


def test_bundled_prices_values_and_order():
    got = bundled_prices(["SPY", "AAPL", "AMD"])
    assert list(got.columns) == ["SPY", "AAPL", "AMD"]
    assert got.index.name == "date"
    assert got.index.is_monotonic_increasing
    assert (got.dtypes == np.float64).all()
    caps = load_large_caps()["AAPL"]
    pd.testing.assert_series_equal(got["AAPL"].dropna(), caps, check_names=False)
    spy = load_etf("SPY")["close"]
    pd.testing.assert_series_equal(got["SPY"].dropna(), spy, check_names=False)
    amd = load_sp500_20stocks()["AMD"]
    pd.testing.assert_series_equal(got["AMD"].dropna(), amd, check_names=False)
    assert got.loc["2024-09-10", "AAPL"] == 220.11  # PROVENANCE.md spot value
    assert np.isnan(got.loc["2026-07-10", "AAPL"])  # outside the panel: NaN, not filled


def test_bundled_prices_unknown_ticker_lists_bundled():
    with pytest.raises(InputError) as info:
        bundled_prices(["AAPL", "ZZZZ", "BRK-B"])
    message = str(info.value)
    assert "ZZZZ, BRK-B" in message
    assert "AAPL, ABC" not in message
    for ticker in ("AAPL", "SPY", "AMD", "XOM"):
        assert ticker in message


def test_bundled_prices_rejects_string_empty_and_duplicates():
    with pytest.raises(InputError, match="not one string"):
        bundled_prices("AAPL")
    with pytest.raises(InputError, match="no tickers"):
        bundled_prices([])
    with pytest.raises(InputError, match="duplicate"):
        bundled_prices(["AAPL", "AAPL"])


def test_prices_for_user_prices_subset_in_holdings_order():
    holdings = Holdings((Holding("MSFT", 1.0, None), Holding("AAPL", 2.0, None)))
    prices = _frame({"AAPL": [1.0], "MSFT": [2.0], "XOM": [3.0]}, ["2024-01-02"])
    got = prices_for(holdings, prices)
    assert list(got.columns) == ["MSFT", "AAPL"]


def test_prices_for_lists_every_missing_ticker():
    holdings = Holdings(
        (Holding("MSFT", 1.0, None), Holding("AAPL", 2.0, None), Holding("NVDA", 1.0, None))
    )
    prices = _frame({"AAPL": [1.0]}, ["2024-01-02"])
    with pytest.raises(InputError, match="MSFT, NVDA") as info:
        prices_for(holdings, prices)
    assert info.value.value == ["MSFT", "NVDA"]


def test_prices_for_bundled():
    holdings = Holdings((Holding("AAPL", 1.0, None), Holding("SPY", 2.0, None)))
    got = prices_for(holdings)
    assert list(got.columns) == ["AAPL", "SPY"]
    assert got.loc["2024-09-10", "AAPL"] == 220.11


@pytest.mark.parametrize(
    ("frame", "match"),
    [
        (pd.DataFrame({"AAPL": [1.0]}), "DatetimeIndex"),
        (
            pd.DataFrame({"AAPL": [1.0]}, index=pd.DatetimeIndex(["2024-01-02"], tz="UTC")),
            "timezone",
        ),
        (
            pd.DataFrame(
                {"AAPL": [1.0, 2.0]}, index=pd.DatetimeIndex(["2024-01-03", "2024-01-02"])
            ),
            "ascending",
        ),
        (
            pd.DataFrame(
                {"AAPL": [1.0, 2.0]}, index=pd.DatetimeIndex(["2024-01-02", "2024-01-02"])
            ),
            "duplicate date",
        ),
        (pd.DataFrame({"AAPL": ["x"]}, index=pd.DatetimeIndex(["2024-01-02"])), "not numeric"),
        (pd.DataFrame({"AAPL": [0.0]}, index=pd.DatetimeIndex(["2024-01-02"])), "positive"),
    ],
)
def test_validate_prices_rejects(frame, match):
    with pytest.raises(InputError, match=match):
        validate_prices(frame)


def test_validate_prices_keeps_nan_and_copies():
    frame = _frame({"AAPL": [1.0, np.nan]}, ["2024-01-02", "2024-01-03"])
    got = validate_prices(frame)
    assert np.isnan(got.iloc[1, 0])
    got.iloc[0, 0] = 99.0
    assert frame.iloc[0, 0] == 1.0


def test_prices_for_errors_name_the_price_file_and_the_holdings(tmp_path):
    path = _write(tmp_path, "date,AAPL\n2024-01-02,1.5\n")
    holdings = Holdings((Holding("AAPL", 1.0, None), Holding("NVDA", 1.0, None)), "h.csv")
    with pytest.raises(InputError, match="prices missing for NVDA") as info:
        prices_for(holdings, load_prices(path))
    assert info.value.source == str(path)
    unbundled = Holdings((Holding("AAPL", 1.0, None), Holding("ZZZQ", 1.0, None)), "h.csv")
    with pytest.raises(InputError, match="no bundled prices for ZZZQ") as info:
        prices_for(unbundled)
    assert (info.value.source, info.value.column, info.value.value) == ("h.csv", "ticker", ["ZZZQ"])
