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

Parsed frames are cached per process (:func:`functools.lru_cache`); callers always get a
deep copy, so mutating a returned frame never changes what the next caller sees.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import io
import json
import zlib
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

import numpy as np
import pandas as pd

from hedgekit.datasets._registry import DATASETS, DatasetSpec
from hedgekit.errors import DatasetError

__all__ = ["clear_cache", "data_dir", "load_frame", "metadata"]

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


def _parse(spec: DatasetSpec, raw: bytes, record: dict[str, Any]) -> pd.DataFrame:
    header = raw.split(b"\n", 1)[0].decode("utf-8", errors="replace").strip().split(",")
    expected = ["date", *spec.file_columns]
    if header != expected:
        raise _fail(spec, f"header {header} does not match the documented columns {expected}")
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
    """Return a fresh copy of the verified dataset ``name`` (a key of ``DATASETS``)."""
    return _cached(name).copy(deep=True)


def clear_cache() -> None:
    """Forget every parsed dataset (the next load re-reads and re-verifies the files)."""
    _cached.cache_clear()
    metadata.cache_clear()
