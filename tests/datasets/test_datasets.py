"""Bundled datasets: schema, spot values and ranges from PROVENANCE.md, integrity checks.

Reference values: the spot values, row counts and ranges below are copied from the staged
data's provenance record (``src/hedgekit/datasets/PROVENANCE.md``, sections 1 and 2), which
the data staging checked against FRED, CBOE and several independent Yahoo copies.
"""

from __future__ import annotations

import csv
import gzip
import importlib.util
import io
import json
import math
import shutil
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import hedgekit.datasets as ds
from hedgekit.datasets import _store
from hedgekit.errors import DatasetError, InputError

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "src" / "hedgekit" / "datasets" / "data"

# name -> (rows, first date, last date); PROVENANCE.md section 1 "File overview".
OVERVIEW = {
    "sp500": (24_747, "1927-12-30", "2026-07-10"),
    "sp500_tr": (9_103, "1988-01-04", "2024-02-16"),
    "shiller_monthly": (1_866, "1871-01-01", "2026-06-01"),
    "ndx": (10_272, "1985-10-01", "2026-07-10"),
    "rut": (9_685, "1987-09-10", "2026-02-20"),
    "vix": (9_206, "1990-01-02", "2026-07-23"),
    "tbill_3m": (18_009, "1954-01-04", "2026-01-29"),
    "tbill_3m_monthly": (1_079, "1934-01-01", "2023-11-01"),
    "es_front_month": (5_650, "1997-09-09", "2019-10-18"),
    "tf_front_month": (2_940, "2006-12-18", "2018-06-15"),
    "futures_front_es": (6_421, "2000-09-18", "2026-02-20"),
    "futures_front_nq": (6_421, "2000-09-18", "2026-02-20"),
    "futures_front_rty": (2_171, "2017-07-10", "2026-02-20"),
    "etf_spy": (8_418, "1993-01-29", "2026-07-10"),
    "etf_qqq": (6_876, "1999-03-10", "2026-07-10"),
    "etf_iwm": (6_568, "2000-05-26", "2026-07-10"),
    "etf_dia": (7_162, "1998-01-20", "2026-07-10"),
    "large_caps": (5_250, "2003-10-30", "2024-09-10"),
    "sp500_20stocks": (8_313, "1990-01-02", "2022-12-28"),
}

OHLC = ["open", "high", "low", "close"]
COLUMNS = {
    "sp500": OHLC,
    "ndx": OHLC,
    "rut": OHLC,
    "vix": OHLC,
    "sp500_tr": ["close"],
    "tbill_3m": ["discount_pct"],
    "tbill_3m_monthly": ["rate_pct"],
    "shiller_monthly": [
        "sp500_price",
        "dividend_12m",
        "earnings_12m",
        "cpi",
        "gs10",
        "cape_pe10",
        "dividend_yield",
    ],
    "etf_spy": OHLC,
    "etf_qqq": OHLC,
    "etf_iwm": OHLC,
    "etf_dia": OHLC,
    "es_front_month": [
        "open",
        "high",
        "low",
        "last",
        "change",
        "settle",
        "volume",
        "prev_day_open_interest",
        "inferred_contract",
    ],
    "tf_front_month": [
        "open",
        "high",
        "low",
        "close",
        "change",
        "volume",
        "prev_day_open_interest",
        "inferred_contract",
    ],
    "futures_front_es": [*OHLC, "volume", "inferred_contract"],
    "futures_front_nq": [*OHLC, "volume", "inferred_contract"],
    "futures_front_rty": [*OHLC, "volume", "inferred_contract"],
}

# (dataset, date, column, value): PROVENANCE.md section 2 spot values.
SPOT_VALUES = [
    ("sp500", "2008-10-09", "close", 909.92),
    ("sp500", "2009-03-09", "close", 676.53),
    ("sp500", "2020-03-23", "close", 2237.40),
    ("sp500", "2021-12-31", "close", 4766.18),
    ("sp500", "2022-01-03", "close", 4796.56),
    ("sp500", "1987-10-19", "close", 224.84),
    ("sp500", "2018-12-24", "close", 2351.10),
    ("sp500", "2024-12-31", "close", 5881.63),
    ("sp500", "2019-08-12", "close", 2883.75),  # FRED replacement for Yahoo 2882.70
    ("sp500", "2021-08-11", "close", 4447.70),  # FRED replacement for Yahoo 4442.41
    ("ndx", "2000-03-27", "close", 4704.73),
    ("ndx", "2020-03-16", "close", 7020.38),
    ("ndx", "2021-12-31", "close", 16320.08),
    ("ndx", "2022-12-30", "close", 10939.76),
    ("ndx", "2024-12-31", "close", 21012.17),
    ("rut", "2008-11-20", "close", 385.31),
    ("rut", "2009-03-09", "close", 343.26),
    ("rut", "2018-12-24", "close", 1266.92),
    ("rut", "2020-03-18", "close", 991.16),
    ("rut", "2024-12-31", "close", 2230.16),
    ("vix", "2020-03-16", "close", 82.69),
    ("vix", "2008-11-20", "close", 80.86),
    ("vix", "2008-10-24", "close", 79.13),
    ("vix", "2017-11-03", "close", 9.14),
    ("vix", "2024-08-05", "close", 38.57),
    ("vix", "2018-02-05", "close", 37.32),
    ("vix", "1991-03-01", "close", 21.23),  # filled from Yahoo ^VIX
    ("vix", "1999-12-31", "close", 24.64),
    ("tbill_3m", "2008-12-10", "discount_pct", 0.00),
    ("tbill_3m", "2020-03-23", "discount_pct", 0.02),
    ("tbill_3m", "2023-10-19", "discount_pct", 5.33),
    ("tbill_3m", "2024-12-31", "discount_pct", 4.23),
    ("large_caps", "2024-09-10", "AAPL", 220.11),
    ("large_caps", "2024-09-10", "MSFT", 414.20),
    ("large_caps", "2024-09-10", "NVDA", 108.10),
    ("es_front_month", "2019-03-15", "settle", 2811.89),
    ("futures_front_es", "2024-12-20", "close", 5840.26),
]


@pytest.fixture
def fresh_cache():
    _store.clear_cache()
    yield
    _store.clear_cache()


def _assert_same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    # DataFrame.equals: same shape, labels, dtypes and values (NaN equal to NaN); much faster
    # than assert_frame_equal on long DatetimeIndexes.
    assert a.equals(b)
    assert a.index.equals(b.index)
    assert list(a.columns) == list(b.columns)
    assert list(a.dtypes) == list(b.dtypes)


@pytest.mark.parametrize("name", ds.DATASET_NAMES)
def test_schema_index_and_columns(name):
    frame = ds.load(name)
    assert isinstance(frame.index, pd.DatetimeIndex)
    assert frame.index.name == "date"
    assert frame.index.tz is None
    assert frame.index.dtype == np.dtype("datetime64[ns]")
    assert frame.index.is_monotonic_increasing
    assert frame.index.is_unique
    assert list(frame.columns) == COLUMNS.get(name, list(frame.columns))
    for col in frame.columns:
        if col == "inferred_contract":
            assert pd.api.types.is_string_dtype(frame[col])
            assert frame[col].str.fullmatch(r"(ES|NQ|RTY|TF)[HMUZ]\d{4}").all()
        else:
            assert frame[col].dtype == np.float64, col


@pytest.mark.parametrize("name", list(OVERVIEW))
def test_rows_and_range_match_provenance(name):
    rows, first, last = OVERVIEW[name]
    frame = ds.load(name)
    assert len(frame) == rows
    assert frame.index[0] == pd.Timestamp(first)
    assert frame.index[-1] == pd.Timestamp(last)


@pytest.mark.parametrize(("name", "date", "column", "value"), SPOT_VALUES)
def test_spot_values(name, date, column, value):
    assert ds.load(name).loc[pd.Timestamp(date), column] == pytest.approx(value, abs=5e-9)


def test_load_matches_named_loaders():
    pairs = {
        "sp500": ds.load_sp500,
        "ndx": ds.load_ndx,
        "rut": ds.load_rut,
        "sp500_tr": ds.load_sp500_tr,
        "vix": ds.load_vix,
        "tbill_3m": ds.load_tbill_3m,
        "tbill_3m_monthly": ds.load_tbill_3m_monthly,
        "shiller_monthly": ds.load_shiller_monthly,
        "large_caps": ds.load_large_caps,
        "sp500_20stocks": ds.load_sp500_20stocks,
        "es_front_month": ds.load_es_front_month,
        "tf_front_month": ds.load_tf_front_month,
    }
    for name, fn in pairs.items():
        _assert_same(fn(), ds.load(name))
    for ticker in ("SPY", "QQQ", "IWM", "DIA"):
        _assert_same(ds.load_etf(ticker), ds.load(f"etf_{ticker.lower()}"))
    for root in ("ES", "NQ", "RTY"):
        _assert_same(ds.load_futures_front(root), ds.load(f"futures_front_{root.lower()}"))
    for key, fn in {"SPX": ds.load_sp500, "NDX": ds.load_ndx, "RUT": ds.load_rut}.items():
        _assert_same(ds.load_index(key), fn())
    assert set(pairs) | {f"etf_{t}" for t in ("spy", "qqq", "iwm", "dia")} | {
        f"futures_front_{r}" for r in ("es", "nq", "rty")
    } == set(ds.DATASET_NAMES)


def test_values_are_exactly_the_file_text():
    """Every cell equals Python's float() of the shipped text (no rounding on load)."""
    for name in ds.DATASET_NAMES:
        meta = json.loads((DATA / "metadata.json").read_text())["datasets"][name]
        text = gzip.decompress((DATA / meta["file"]).read_bytes()).decode()
        rows = list(csv.reader(io.StringIO(text)))
        frame = ds.load(name)
        assert len(rows) - 1 == len(frame)
        numeric = [i for i, c in enumerate(rows[0][1:]) if c != "inferred_contract"]
        values = frame.iloc[:, numeric].to_numpy()
        expected = np.array(
            [[float(r[1 + i]) if r[1 + i] else math.nan for i in numeric] for r in rows[1:]]
        )
        assert np.array_equal(values, expected, equal_nan=True), name


def test_known_gaps_stay_visible():
    # PROVENANCE.md: blanks before listing, never filled; no interior blanks.
    caps = ds.load_large_caps()
    listed = {
        "GOOGL": "2004-08-19",
        "MA": "2006-05-25",
        "V": "2008-03-19",
        "TSLA": "2010-06-29",
        "META": "2012-05-18",
    }
    for ticker, first in listed.items():
        col = caps[ticker]
        assert col.first_valid_index() == pd.Timestamp(first)
        assert col.loc[: pd.Timestamp(first) - pd.Timedelta(days=1)].isna().all()
        assert col.loc[first:].notna().all()
    assert caps.drop(columns=list(listed)).notna().all().all()
    # ES1: `change` blank on 4,251 rows; TF1: 2008-09-22 missing.
    assert ds.load_es_front_month()["change"].isna().sum() == 4_251
    assert pd.Timestamp("2008-09-22") not in ds.load_tf_front_month().index
    # Yahoo ES/NQ lack two NYSE sessions; RTY lacks none of those.
    for root in ("ES", "NQ"):
        index = ds.load_futures_front(root).index
        assert pd.Timestamp("2016-10-10") not in index
        assert pd.Timestamp("2016-11-11") not in index
    # DTB3 keeps the bond-market calendar: Columbus Day is an NYSE session without a rate.
    tbill = ds.load_tbill_3m()
    assert pd.Timestamp("2023-10-09") not in tbill.index
    assert pd.Timestamp("2023-10-06") in tbill.index
    # VIX rows on NYSE holidays were dropped (Memorial Day 2022).
    assert pd.Timestamp("2022-05-30") not in ds.load_vix().index
    # Shiller: fundamentals end 2023-06, CAPE blank for 1871-1880.
    shiller = ds.load_shiller_monthly()
    assert shiller.loc["2023-07-01":, "dividend_12m"].isna().all()
    assert shiller.loc[:"2023-06-01", "dividend_12m"].notna().all()
    assert shiller.loc[:"1880-12-01", "cape_pe10"].isna().all()
    assert shiller["sp500_price"].notna().all()
    assert (shiller.index.day == 1).all()


def test_dividend_yield_is_the_documented_ratio():
    s = ds.load_shiller_monthly().dropna(subset=["dividend_yield"])
    ratio = s["dividend_12m"] / s["sp500_price"]
    # The file keeps 6 decimals of the yield.
    np.testing.assert_allclose(s["dividend_yield"], ratio, rtol=0, atol=5.01e-7)


def test_inferred_contract_is_next_quarterly_expiry():
    # ESZ2008 expired 2008-12-19 (3rd Friday of December 2008).
    es = ds.load_es_front_month()["inferred_contract"]
    assert es.loc["2008-12-19"] == "ESZ2008"
    assert es.loc["2008-12-22"] == "ESH2009"
    assert ds.load_futures_front("RTY")["inferred_contract"].iloc[0] == "RTYU2017"


def test_returned_frames_are_copies():
    first = ds.load_sp500()
    first.iloc[0, 0] = -1.0
    first["extra"] = 1.0
    again = ds.load_sp500()
    assert again.iloc[0, 0] == 17.66
    assert "extra" not in again.columns


def test_each_load_is_fast(fresh_cache):
    timings = {}
    for name in ds.DATASET_NAMES:
        start = time.perf_counter()
        ds.load(name)
        timings[name] = time.perf_counter() - start
    assert max(timings.values()) < 1.0, timings
    start = time.perf_counter()
    ds.load_large_caps()
    assert time.perf_counter() - start < 0.05


def test_list_datasets_ranges_are_true():
    table = ds.list_datasets()
    assert list(table["name"]) == list(ds.DATASET_NAMES)
    assert {
        "name",
        "description",
        "first_date",
        "last_date",
        "rows",
        "columns",
        "source",
        "terms",
    } <= set(table.columns)
    for rec in table.to_dict(orient="records"):
        frame = ds.load(rec["name"])
        assert rec["first_date"] == frame.index[0]
        assert rec["last_date"] == frame.index[-1]
        assert rec["rows"] == len(frame)
        assert rec["columns"] == ", ".join(frame.columns)
        assert rec["terms"]
        assert rec["source"]


def test_unknown_names_raise_input_error():
    with pytest.raises(InputError, match="unknown dataset"):
        ds.load("sp600")
    with pytest.raises(InputError, match="SPY"):
        ds.load_etf("VOO")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="RTY"):
        ds.load_futures_front("YM")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="SPX"):
        ds.load_index("SPY")


def test_dow_has_no_index_series_and_points_to_dia():
    with pytest.raises(DatasetError, match=r'load_etf\("DIA"\)'):
        ds.load_index("DJI")


# --- integrity: corrupt or mismatched files raise DatasetError -------------------------------


@pytest.fixture
def data_copy(tmp_path, monkeypatch, fresh_cache):
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    monkeypatch.setattr(_store, "data_dir", lambda: target)
    return target


def _rewrite(data_copy: Path, name: str, text: str, *, update_meta: bool) -> None:
    meta_path = data_copy / "metadata.json"
    doc = json.loads(meta_path.read_text())
    rec = doc["datasets"][name]
    raw = text.encode()
    (data_copy / rec["file"]).write_bytes(gzip.compress(raw))
    if update_meta:
        import hashlib

        rec["sha256"] = hashlib.sha256(raw).hexdigest()
        meta_path.write_text(json.dumps(doc))


def _text(name: str) -> str:
    rec = json.loads((DATA / "metadata.json").read_text())["datasets"][name]
    return gzip.decompress((DATA / rec["file"]).read_bytes()).decode()


def test_missing_file(data_copy):
    (data_copy / "vix_daily.csv.gz").unlink()
    with pytest.raises(DatasetError, match=r"vix_daily\.csv\.gz"):
        ds.load_vix()


def test_truncated_gzip(data_copy):
    path = data_copy / "vix_daily.csv.gz"
    path.write_bytes(path.read_bytes()[:1000])
    with pytest.raises(DatasetError, match="gzip"):
        ds.load_vix()


def test_edited_content_fails_checksum(data_copy):
    text = _text("vix").replace("82.69", "82.70")
    _rewrite(data_copy, "vix", text, update_meta=False)
    with pytest.raises(DatasetError, match="checksum"):
        ds.load_vix()


def test_wrong_header(data_copy):
    text = _text("vix").replace("date,open,high,low,close", "date,open,high,low,last", 1)
    _rewrite(data_copy, "vix", text, update_meta=True)
    with pytest.raises(DatasetError, match="header"):
        ds.load_vix()


def test_non_numeric_cell(data_copy):
    text = _text("vix").replace("82.69", "n/a")
    _rewrite(data_copy, "vix", text, update_meta=True)
    with pytest.raises(DatasetError, match="schema"):
        ds.load_vix()


def test_unsorted_dates(data_copy):
    lines = _text("tbill_3m_monthly").splitlines(keepends=True)
    lines[1], lines[2] = lines[2], lines[1]
    _rewrite(data_copy, "tbill_3m_monthly", "".join(lines), update_meta=True)
    with pytest.raises(DatasetError, match="ascending"):
        ds.load_tbill_3m_monthly()


def test_dropped_row_fails_recorded_count(data_copy):
    lines = _text("tbill_3m_monthly").splitlines(keepends=True)
    del lines[5]
    _rewrite(data_copy, "tbill_3m_monthly", "".join(lines), update_meta=True)
    with pytest.raises(DatasetError, match="record"):
        ds.load_tbill_3m_monthly()


def test_corrupt_metadata(data_copy):
    (data_copy / "metadata.json").write_text("{not json")
    with pytest.raises(DatasetError, match="metadata"):
        ds.list_datasets()


# --- the build script reproduces the shipped files --------------------------------------------


def test_build_script_reproduces_shipped_files():
    spec = importlib.util.spec_from_file_location(
        "build_datasets", REPO / "tools" / "build_datasets.py"
    )
    assert spec is not None
    assert spec.loader is not None
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    meta = json.loads((DATA / "metadata.json").read_text())["datasets"]
    from hedgekit.datasets._registry import DATASETS

    for name, dspec in DATASETS.items():
        shipped = (DATA / dspec.filename).read_bytes()
        raw = gzip.decompress(shipped)
        assert build.describe(dspec, raw) == meta[name], name
        # Level-9 gzip of all 8 MB takes seconds; three files show the output is deterministic.
        if name in {"sp500_tr", "tbill_3m_monthly", "tf_front_month"}:
            assert build.compress(raw) == shipped, name


def test_package_data_is_small():
    total = sum(p.stat().st_size for p in DATA.iterdir())
    assert total < 4_000_000
