"""Streaming a sweep's table to disk, one batch of rows at a time (Parquet or CSV).

This module and the CLI are the only parts of :mod:`hedgekit.sweep` that touch files.
Parquet is written with one row group per batch under a schema fixed by the first batch, so a
100,000-run sweep never holds more than a batch of rows in memory; CSV is appended batch by
batch with one header line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import pandas as pd

from hedgekit.errors import InputError

__all__ = ["ResultWriter", "table_format"]

TableFormat = Literal["parquet", "csv"]


def table_format(path: str | Path) -> TableFormat:
    """``"parquet"`` for ``.parquet``/``.pq``, ``"csv"`` for ``.csv``; anything else raises."""
    suffix = Path(path).suffix.lower()
    if suffix in (".parquet", ".pq"):
        return "parquet"
    if suffix == ".csv":
        return "csv"
    raise InputError(
        "unknown table format", source="--out", value=str(path), expected="a .parquet or .csv file"
    )


class ResultWriter:
    """Append batches of rows to a Parquet or CSV file.

    Parameters
    ----------
    path
        Output file (parent folders are created; an existing file is replaced).
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.format = table_format(self.path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.rows = 0
        self._writer: Any = None
        self._schema: Any = None
        self._columns: list[str] | None = None

    def write(self, frame: pd.DataFrame) -> None:
        """Append ``frame`` (its columns must match the first batch's)."""
        if self._columns is None:
            self._columns = [str(c) for c in frame.columns]
        elif [str(c) for c in frame.columns] != self._columns:
            raise InputError(
                "batch columns differ from the first batch", source=str(self.path),
                value=list(frame.columns), expected=str(self._columns),
            )  # fmt: skip
        if self.format == "csv":
            frame.to_csv(self.path, mode="w" if self.rows == 0 else "a", header=self.rows == 0,
                         index=False)  # fmt: skip
        else:
            import pyarrow as pa
            import pyarrow.parquet as pq

            if self._writer is None:
                table = pa.Table.from_pandas(frame, preserve_index=False)
                # a column empty in the first batch (all None) is text in later ones
                self._schema = pa.schema(
                    [pa.field(f.name, pa.string()) if pa.types.is_null(f.type) else f
                     for f in table.schema]
                )  # fmt: skip
                table = table.cast(self._schema)
                self._writer = pq.ParquetWriter(self.path, self._schema)
            else:
                table = pa.Table.from_pandas(frame, schema=self._schema, preserve_index=False)
            self._writer.write_table(table)
        self.rows += len(frame)

    def close(self) -> None:
        """Finish the file."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def __enter__(self) -> ResultWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
