"""Read, verify and cache the bundled files (the only code here that touches disk).

Every first load of a dataset checks, and raises :class:`~hedgekit.errors.DatasetError`
when any check fails:

* the file exists and is valid gzip;
* the SHA-256 of its uncompressed bytes equals the one recorded by the build script
  (``data/metadata.json``), so a truncated or edited file is caught before parsing;
* the header is exactly ``date`` plus the documented columns;
* every date is ISO ``YYYY-MM-DD``; dates are unique and strictly ascending (and the first
  of a month for monthly series); row count and first/last date match the record;
* numeric columns parse to float64 (blank cells become NaN and stay NaN); string
  columns have no blanks.

The bundle can be read *as known on a date*: ``HEDGEKIT_BUNDLE_UNTIL=YYYY-MM-DD`` (or
:func:`set_bundle_until`) drops every bundled row after that date, as if the package had
been built then (for tests and demos of ``hedgekit data update``). Rows fetched by
``hedgekit data update`` continue the bundled columns (:mod:`hedgekit.marketdata`); the
frame loaders return both, the bundled rows never replaced.

Parsed frames are cached per process (:func:`functools.lru_cache`); callers always get a
deep copy, so mutating a returned frame never changes what the next caller sees.

:func:`read_columns` is the same reader without pandas (for start-up critical paths such as
the grid benchmark): the same file, checksum, header, date, order, count and cell checks,
returning plain numpy arrays. pandas is imported only when a frame is asked for.
"""

from __future__ import annotations

import datetime as dt
import functools
import gzip
import hashlib
import io
import json
import math
import os
import zlib
from importlib import resources
from importlib.resources.abc import Traversable
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from hedgekit.datasets._registry import DATASETS, DatasetSpec
from hedgekit.errors import DatasetError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "BUNDLE_UNTIL_ENV",
    "bundle_until",
    "clear_cache",
    "data_dir",
    "load_frame",
    "metadata",
    "read_columns",
    "set_bundle_until",
]

#: Environment variable: read the bundle as known on this ISO date.
BUNDLE_UNTIL_ENV = "HEDGEKIT_BUNDLE_UNTIL"
_until_override: list[dt.date | None] = []


def set_bundle_until(day: dt.date | None) -> None:
    """Read the bundle as known on ``day`` (``None``: back to the environment setting)."""
    _until_override.clear()
    if day is not None:
        _until_override.append(day)


def bundle_until() -> dt.date | None:
    """The bundle cut: :func:`set_bundle_until`, else ``$HEDGEKIT_BUNDLE_UNTIL``, else none."""
    if _until_override:
        return _until_override[0]
    raw = os.environ.get(BUNDLE_UNTIL_ENV, "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise DatasetError(f"{BUNDLE_UNTIL_ENV}={raw!r} is not an ISO date (YYYY-MM-DD)") from None


_METADATA_FILE = "metadata.json"
_REBUILD_HINT = "reinstall hedgekit, or regenerate with tools/build_datasets.py"


def data_dir() -> Traversable:
    """Return the folder holding the bundled files (a package resource)."""
    return resources.files("hedgekit.datasets") / "data"


def _read_bytes(filename: str) -> bytes:
    path = data_dir() / filename
    try:
        return path.read_bytes()
    except OSError as exc:  # FileNotFoundError, PermissionError, ...
        raise DatasetError(
            f"bundled file {filename!r} cannot be read ({exc}); {_REBUILD_HINT}"
        ) from exc


@functools.lru_cache(maxsize=1)
def metadata() -> dict[str, dict[str, Any]]:
    """Return the per-dataset records written by the build script (cached)."""
    raw = _read_bytes(_METADATA_FILE)
    try:
        doc = json.loads(raw.decode("utf-8"))
        records: dict[str, dict[str, Any]] = doc["datasets"]
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
        raise DatasetError(f"bundled {_METADATA_FILE} is corrupt ({exc}); {_REBUILD_HINT}") from exc
    missing = sorted(set(DATASETS) - set(records))
    if missing:
        raise DatasetError(f"bundled {_METADATA_FILE} has no record for {missing}; {_REBUILD_HINT}")
    return records


def _fail(spec: DatasetSpec, what: str) -> DatasetError:
    return DatasetError(f"bundled dataset {spec.name!r} ({spec.filename}): {what}; {_REBUILD_HINT}")


def _decompress(spec: DatasetSpec, record: dict[str, Any]) -> bytes:
    blob = _read_bytes(spec.filename)
    try:
        raw = gzip.decompress(blob)
    except (OSError, EOFError, zlib.error) as exc:
        raise _fail(spec, f"not a valid gzip file ({exc})") from exc
    digest = hashlib.sha256(raw).hexdigest()
    if digest != record["sha256"]:
        raise _fail(spec, f"content checksum {digest[:12]}… does not match the recorded one")
    return raw


def _check_header(spec: DatasetSpec, raw: bytes) -> None:
    header = raw.split(b"\n", 1)[0].decode("utf-8", errors="replace").strip().split(",")
    expected = ["date", *spec.file_columns]
    if header != expected:
        raise _fail(spec, f"header {header} does not match the documented columns {expected}")


def _parse(spec: DatasetSpec, raw: bytes, record: dict[str, Any]) -> pd.DataFrame:
    import pandas as pd  # only here: the numpy reader below never needs it

    _check_header(spec, raw)
    dtypes: dict[str, Any] = dict.fromkeys(spec.file_columns, np.float64)
    dtypes.update(dict.fromkeys(spec.string_columns, "str"))
    dtypes["date"] = "str"
    try:
        frame = pd.read_csv(io.BytesIO(raw), dtype=dtypes, na_values=[""], keep_default_na=False)
    except (ValueError, pd.errors.ParserError) as exc:
        raise _fail(spec, f"cannot be parsed with its schema ({exc})") from exc
    dates = pd.to_datetime(frame.pop("date"), format="%Y-%m-%d", errors="coerce")
    if dates.isna().any():
        raise _fail(spec, "has a date that is not ISO YYYY-MM-DD")
    index = pd.DatetimeIndex(dates.to_numpy(dtype="datetime64[ns]"), name="date")
    if not index.is_monotonic_increasing or not index.is_unique:
        raise _fail(spec, "dates are not unique and strictly ascending")
    if spec.frequency == "monthly" and not bool((index.day == 1).all()):
        raise _fail(spec, "monthly dates must be the first day of the month")
    facts = (len(index), index[0].date().isoformat(), index[-1].date().isoformat())
    recorded = (record["rows"], record["first_date"], record["last_date"])
    if facts != recorded:
        raise _fail(spec, f"rows/first/last {facts} differ from the record {recorded}")
    for col in spec.string_columns:
        if frame[col].isna().any():
            raise _fail(spec, f"column {col!r} has blank cells")
    frame.index = index
    frame.columns = pd.Index(list(spec.output_columns))
    return frame


@functools.cache
def _cached(name: str) -> pd.DataFrame:
    spec = DATASETS[name]
    record = metadata()[name]
    return _parse(spec, _decompress(spec, record), record)


def load_frame(name: str) -> pd.DataFrame:
    """Return a fresh copy of the verified dataset ``name`` (a key of ``DATASETS``).

    Cut at :func:`bundle_until` when set, then continued by the stored rows of
    ``hedgekit data update`` (dates after the bundled ones only).
    """
    frame = _cached(name).copy(deep=True)
    until = bundle_until()
    if until is not None:
        frame = frame.loc[: until.isoformat()]
    from hedgekit.marketdata._overlay import extend_frame

    return extend_frame(name, frame)


def _parse_columns(
    spec: DatasetSpec, raw: bytes, record: dict[str, Any], columns: tuple[str, ...]
) -> dict[str, npt.NDArray[Any]]:
    """:func:`_parse` without pandas: the dates and ``columns`` as numpy arrays.

    The same checks as :func:`_parse` on the header, the dates and the record; every cell
    of the columns read is parsed (float64 with blank cells NaN, or ``str_`` without
    blanks). Cells of columns not read are covered by the content checksum only.
    """
    _check_header(spec, raw)
    body = raw.split(b"\n", 1)[1] if b"\n" in raw else b""
    if body.endswith(b"\n"):
        body = body[:-1]
    if not body:
        raise _fail(spec, "has no data rows")
    if b'"' in body or b"\r" in body:
        raise _fail(spec, "has quoted cells or CR line ends, which the bundled files never have")
    n_fields = 1 + len(spec.file_columns)
    n_rows = body.count(b"\n") + 1
    cells = body.replace(b"\n", b",").split(b",")
    if len(cells) != n_rows * n_fields:
        raise _fail(
            spec,
            f"cannot be parsed with its schema ({len(cells)} cells in {n_rows} rows of "
            f"{n_fields} fields)",
        )
    # A row with a field too many or too few shifts the next row's date out of column 0,
    # where the ISO check below catches it.
    # Dates from their digits (numpy's own string-to-datetime cast crashes on an invalid
    # day in a long array in numpy 2.4): a day that does not exist (02-30) spills into the
    # next month, which the round trip below catches.
    text = np.array(cells[0::n_fields])
    chars = text.astype("S10").view(np.uint8).reshape(-1, 10)
    digits = np.delete(chars, (4, 7), axis=1)
    shape_ok = (
        (np.strings.str_len(text) == 10)
        & (chars[:, 4] == ord("-"))
        & (chars[:, 7] == ord("-"))
        & ((digits >= ord("0")) & (digits <= ord("9"))).all(axis=1)
    )
    num = digits.astype(np.int64) - ord("0")
    year = num[:, 0] * 1000 + num[:, 1] * 100 + num[:, 2] * 10 + num[:, 3]
    month = num[:, 4] * 10 + num[:, 5]
    day = num[:, 6] * 10 + num[:, 7]
    month_start = ((year - 1970) * 12 + (month - 1)).astype("datetime64[M]")
    dates = month_start.astype("datetime64[D]") + (day - 1)
    iso = (
        shape_ok
        & (month >= 1)
        & (month <= 12)
        & (day >= 1)
        & (dates.astype("datetime64[M]") == month_start)
    )
    if not iso.all():
        raise _fail(spec, "has a date that is not ISO YYYY-MM-DD")
    if not bool((dates[1:] > dates[:-1]).all()):
        raise _fail(spec, "dates are not unique and strictly ascending")
    if spec.frequency == "monthly" and not bool((dates == dates.astype("datetime64[M]")).all()):
        raise _fail(spec, "monthly dates must be the first day of the month")
    facts = (int(dates.size), str(dates[0]), str(dates[-1]))
    recorded = (record["rows"], record["first_date"], record["last_date"])
    if facts != recorded:
        raise _fail(spec, f"rows/first/last {facts} differ from the record {recorded}")
    out: dict[str, npt.NDArray[Any]] = {"date": dates}
    for name in columns:
        j = spec.output_columns.index(name)
        col = spec.file_columns[j]
        column = cells[j + 1 :: n_fields]
        if col in spec.string_columns:
            if b"" in column:
                raise _fail(spec, f"column {col!r} has blank cells")
            out[name] = np.array(column).astype(np.str_)
            continue
        try:
            out[name] = np.array([float(x) if x else math.nan for x in column])
        except ValueError as exc:
            raise _fail(spec, f"cannot be parsed with its schema ({exc})") from exc
    return out


@functools.cache
def _cached_columns(name: str, columns: tuple[str, ...]) -> dict[str, npt.NDArray[Any]]:
    spec = DATASETS[name]
    record = metadata()[name]
    arrays = _parse_columns(spec, _decompress(spec, record), record, columns)
    for arr in arrays.values():
        arr.setflags(write=False)
    return arrays


def read_columns(name: str, columns: tuple[str, ...]) -> dict[str, npt.NDArray[Any]]:
    """Return fresh copies of the dates and ``columns`` of the verified dataset ``name``.

    ``columns`` are loaded column names (``DatasetSpec.output_columns``), checked by the
    caller.
    """
    arrays = {col: arr.copy() for col, arr in _cached_columns(name, columns).items()}
    until = bundle_until()
    if until is not None:
        keep = arrays["date"] <= np.datetime64(until.isoformat(), "D")
        arrays = {col: arr[keep] for col, arr in arrays.items()}
    return arrays


def clear_cache() -> None:
    """Forget every parsed dataset (the next load re-reads and re-verifies the files)."""
    _cached.cache_clear()
    _cached_columns.cache_clear()
    metadata.cache_clear()
