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

#: File types a holdings upload may be, by the name's ending.
HOLDINGS_SUFFIXES = (".csv", ".parquet", ".xml")


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
