"""``load_columns``: the numpy reader of the bundled files, checked against the pandas loaders.

References: the pandas loaders (``hedgekit.datasets.load``), an independent parser of the same
files (pandas' C CSV reader and ``pd.to_datetime``); spot values from the data's provenance
record (``src/hedgekit/datasets/PROVENANCE.md``, section 2), as in ``test_datasets.py``.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import hedgekit.datasets as ds
from hedgekit.datasets import _store
from hedgekit.errors import DatasetError, InputError

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "src" / "hedgekit" / "datasets" / "data"


@pytest.fixture
def fresh_cache():
    _store.clear_cache()
    yield
    _store.clear_cache()


@pytest.mark.parametrize("name", ds.DATASET_NAMES)
def test_equals_the_pandas_loader_exactly(name):
    frame = ds.load(name)
    arrays = ds.load_columns(name)
    assert list(arrays) == ["date", *frame.columns]
    assert arrays["date"].dtype == np.dtype("datetime64[D]")
    np.testing.assert_array_equal(arrays["date"], frame.index.to_numpy().astype("datetime64[D]"))
    # the same instants, not just the same days: the loaders' dates are midnight
    np.testing.assert_array_equal(arrays["date"].astype("datetime64[ns]"), frame.index.to_numpy())
    for col in frame.columns:
        got, want = arrays[col], frame[col].to_numpy()
        assert got.shape == want.shape
        if got.dtype.kind == "f":
            assert want.dtype == np.float64
            # bit for bit (NaN where the pandas loader has NaN, and nowhere else)
            np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
            fill = np.isnan(got)
            assert np.array_equal(
                np.where(fill, 0.0, got).view(np.int64), np.where(fill, 0.0, want).view(np.int64)
            )
        else:
            assert got.dtype.kind == "U"
            assert got.tolist() == want.tolist()


@pytest.mark.parametrize(
    ("name", "date", "column", "value"),
    [
        ("sp500", "1927-12-30", "close", 17.66),
        ("sp500", "2008-10-09", "close", 909.92),
        ("sp500", "2024-12-31", "close", 5881.63),
        ("tbill_3m", "2008-12-10", "discount_pct", 0.00),
        ("tbill_3m", "2023-10-19", "discount_pct", 5.33),
        ("es_front_month", "2019-03-15", "settle", 2811.89),
    ],
)
def test_spot_values(name, date, column, value):
    arrays = ds.load_columns(name, [column])
    (pos,) = np.flatnonzero(arrays["date"] == np.datetime64(date))
    assert arrays[column][pos] == value


def test_gaps_stay_nan_and_strings_stay_strings():
    # PROVENANCE: tickers listed later are blank (NaN) before listing, never filled
    caps = ds.load_columns("large_caps", ["META"])
    listed = np.datetime64("2012-05-18")
    assert np.isnan(caps["META"][caps["date"] < listed]).all()
    assert not np.isnan(caps["META"][caps["date"] >= listed]).any()
    es = ds.load_columns("es_front_month", ["inferred_contract"])
    assert es["inferred_contract"][0] == "ESU1997"


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(ds.load_tf_front_month().columns.tolist()), unique=True))
def test_any_subset_in_the_order_asked(columns):
    arrays = ds.load_columns("tf_front_month", columns)
    full = ds.load_columns("tf_front_month")
    assert list(arrays) == ["date", *columns]
    for col in columns:
        np.testing.assert_array_equal(arrays[col], full[col])


def test_returned_arrays_are_fresh_copies():
    first = ds.load_columns("sp500", ["close"])
    first["close"][0] = -1.0
    first["date"][0] = np.datetime64("2000-01-01")
    again = ds.load_columns("sp500", ["close"])
    assert again["close"][0] == 17.66
    assert str(again["date"][0]) == "1927-12-30"
    assert again["close"].flags.writeable


def test_unknown_names_and_columns_raise_input_error():
    with pytest.raises(InputError, match="unknown dataset"):
        ds.load_columns("sp600")
    with pytest.raises(InputError, match="no such column") as info:
        ds.load_columns("sp500", ["adj_close"])
    assert (info.value.source, info.value.value) == ("columns", "adj_close")
    with pytest.raises(InputError, match="no such column"):
        ds.load_columns("tbill_3m", ["dtb3"])  # the file's name; the loaded name differs


def test_does_not_import_pandas():
    code = (
        "import sys\n"
        "import hedgekit.datasets as ds\n"
        "ds.load_columns('sp500', ['close'])\n"
        "assert 'pandas' not in sys.modules, 'pandas imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


# --- integrity: the same failures as the pandas loaders ----------------------------------------


@pytest.fixture
def data_copy(tmp_path, monkeypatch, fresh_cache):
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    monkeypatch.setattr(_store, "data_dir", lambda: target)
    return target


def _text(name: str) -> str:
    rec = json.loads((DATA / "metadata.json").read_text())["datasets"][name]
    return gzip.decompress((DATA / rec["file"]).read_bytes()).decode()


def _rewrite(data_copy: Path, name: str, text: str, *, update_meta: bool = True) -> None:
    meta_path = data_copy / "metadata.json"
    doc = json.loads(meta_path.read_text())
    rec = doc["datasets"][name]
    raw = text.encode()
    (data_copy / rec["file"]).write_bytes(gzip.compress(raw))
    if update_meta:
        rec["sha256"] = hashlib.sha256(raw).hexdigest()
        meta_path.write_text(json.dumps(doc))


def _both_fail(name: str, columns: list[str], match: str) -> None:
    with pytest.raises(DatasetError, match=match):
        ds.load_columns(name, columns)
    with pytest.raises(DatasetError, match=match):
        ds.load(name)


def test_missing_file(data_copy):
    (data_copy / "vix_daily.csv.gz").unlink()
    _both_fail("vix", ["close"], r"vix_daily\.csv\.gz")


def test_truncated_gzip(data_copy):
    path = data_copy / "vix_daily.csv.gz"
    path.write_bytes(path.read_bytes()[:1000])
    _both_fail("vix", ["close"], "gzip")


def test_edited_content_fails_checksum(data_copy):
    _rewrite(data_copy, "vix", _text("vix").replace("82.69", "82.70"), update_meta=False)
    _both_fail("vix", ["close"], "checksum")


def test_wrong_header(data_copy):
    text = _text("vix").replace("date,open,high,low,close", "date,open,high,low,last", 1)
    _rewrite(data_copy, "vix", text)
    _both_fail("vix", ["close"], "header")


def test_non_numeric_cell(data_copy):
    _rewrite(data_copy, "vix", _text("vix").replace("82.69", "n/a"))
    _both_fail("vix", ["close"], "schema")


def test_extra_field(data_copy):
    lines = _text("vix").splitlines(keepends=True)
    lines[10] = lines[10].replace("\n", ",1.0\n")
    _rewrite(data_copy, "vix", "".join(lines))
    with pytest.raises(DatasetError, match="schema"):
        ds.load_columns("vix", ["close"])


def test_shifted_fields_are_caught_by_the_date_column(data_copy):
    # one row a field short and the next a field long: same cell count, misaligned rows
    lines = _text("vix").splitlines(keepends=True)
    lines[10] = lines[10].rsplit(",", 1)[0] + "\n"
    lines[11] = lines[11].replace("\n", ",1.0\n")
    _rewrite(data_copy, "vix", "".join(lines))
    with pytest.raises(DatasetError, match="ISO"):
        ds.load_columns("vix", ["close"])


@pytest.mark.parametrize(
    "bad", ["1990/01/03", "1990-02-30", "1990-01-00", "1990-01-32", "1990-13-01", "19900103xx"]
)
def test_non_iso_date(data_copy, bad):
    lines = _text("vix").splitlines(keepends=True)
    lines[2] = bad + lines[2][10:]
    _rewrite(data_copy, "vix", "".join(lines))
    _both_fail("vix", ["close"], "ISO")


def test_short_date_fields_are_not_iso(data_copy):
    # stricter than the pandas loader, whose strptime format accepts a one-digit month
    lines = _text("vix").splitlines(keepends=True)
    lines[2] = "1990-1-03" + lines[2][10:]
    _rewrite(data_copy, "vix", "".join(lines))
    with pytest.raises(DatasetError, match="ISO"):
        ds.load_columns("vix", ["close"])


def test_unsorted_dates(data_copy):
    lines = _text("tbill_3m_monthly").splitlines(keepends=True)
    lines[1], lines[2] = lines[2], lines[1]
    _rewrite(data_copy, "tbill_3m_monthly", "".join(lines))
    _both_fail("tbill_3m_monthly", ["rate_pct"], "ascending")


def test_monthly_dates_on_the_first(data_copy):
    lines = _text("tbill_3m_monthly").splitlines(keepends=True)
    lines[3] = lines[3][:8] + "02" + lines[3][10:]
    _rewrite(data_copy, "tbill_3m_monthly", "".join(lines))
    _both_fail("tbill_3m_monthly", ["rate_pct"], "first day of the month")


def test_dropped_row_fails_recorded_count(data_copy):
    lines = _text("tbill_3m_monthly").splitlines(keepends=True)
    del lines[5]
    _rewrite(data_copy, "tbill_3m_monthly", "".join(lines))
    _both_fail("tbill_3m_monthly", ["rate_pct"], "record")


def test_blank_string_cell(data_copy):
    lines = _text("es_front_month").splitlines(keepends=True)
    lines[4] = lines[4].rsplit(",", 1)[0] + ",\n"
    _rewrite(data_copy, "es_front_month", "".join(lines))
    _both_fail("es_front_month", ["inferred_contract"], "blank")
