"""Uploaded files: capped in bytes and rows, kept in a private temporary folder.

No endpoint reads or writes a path a client gives: an upload's bytes are written under a
name the server chooses, read by the same readers as the command line, and removed.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from hedgekit.errors import InputError

#: File types a holdings upload may be, by the name's ending. A Parquet table is read into
#: the holdings CSV the command line reads (:func:`as_csv`); IBKR Flex XML statements are
#: read by ``book import`` (futures fills and cash), not as holdings.
HOLDINGS_SUFFIXES = (".csv", ".parquet")


def check_upload(data: bytes, field: str, max_bytes: int, max_rows: int, suffix: str) -> None:
    """Refuse an upload over ``max_bytes``, or a CSV with more than ``max_rows`` rows."""
    if len(data) > max_bytes:
        raise InputError(
            "the file is too large", source=field, value=f"{len(data):,} bytes",
            expected=f"at most {max_bytes:,} bytes",
        )  # fmt: skip
    if not data.strip():
        raise InputError("the file is empty", source=field, expected="a holdings file")
    if suffix == ".csv":
        rows = max(0, data.count(b"\n") - 1 + (0 if data.endswith(b"\n") else 1))
        if rows > max_rows:
            raise InputError(
                "the file has too many rows", source=field, value=f"{rows:,} rows",
                expected=f"at most {max_rows:,} rows",
            )  # fmt: skip


def suffix_of(filename: str | None, field: str) -> str:
    """The upload's file type from its name (``.csv`` when it has none)."""
    suffix = Path(filename or "").suffix.lower() or ".csv"
    if suffix not in HOLDINGS_SUFFIXES:
        raise InputError(
            "unsupported file type", source=field, value=filename,
            expected="a " + ", ".join(HOLDINGS_SUFFIXES) + " file",
        )  # fmt: skip
    return suffix


@contextlib.contextmanager
def staged(files: dict[str, tuple[bytes, str]]) -> Iterator[tuple[dict[str, str], dict[str, str]]]:
    """Write ``{field: (bytes, suffix)}`` to a private folder.

    Yields ``({field: path}, {path: field})``: the paths to read, and the way back from a
    path in an error message to the field it was uploaded as.
    """
    folder = Path(tempfile.mkdtemp(prefix="hedgekit-upload-"))
    try:
        paths: dict[str, str] = {}
        for field, (data, suffix) in files.items():
            path = folder / (field.strip("-").replace("-", "_") + suffix)
            path.write_bytes(data)
            paths[field] = str(path)
        yield paths, {p: f"{f} (uploaded file)" for f, p in paths.items()}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def as_csv(data: bytes, suffix: str, field: str, max_rows: int) -> tuple[bytes, str]:
    """A holdings upload as the CSV the command line reads: a Parquet table written out.

    The table's columns are kept as they are (``ticker``, ``shares`` or
    ``market_value_usd``, ``cost_basis_usd``), so the CSV reader checks them and names
    them in its errors exactly as for a CSV file. Capped at ``max_rows`` rows.
    """
    if suffix != ".parquet":
        return data, suffix
    import io

    import pyarrow.parquet as pq

    try:
        table = pq.read_table(io.BytesIO(data))
    except Exception:  # pyarrow raises several types for a damaged file
        raise InputError(
            "the file is not a Parquet table", source=field,
            expected="a Parquet file with the holdings columns (ticker, shares or "
            "market_value_usd, cost_basis_usd)",
        ) from None  # fmt: skip
    if table.num_rows > max_rows:
        raise InputError(
            "the file has too many rows", source=field, value=f"{table.num_rows:,} rows",
            expected=f"at most {max_rows:,} rows",
        )  # fmt: skip
    text = table.to_pandas().to_csv(index=False)
    return text.encode("utf-8"), ".csv"
