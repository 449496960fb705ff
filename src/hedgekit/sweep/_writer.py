"""Streaming a sweep's table to disk, one batch of rows at a time (Parquet or CSV).

This module and the CLI are the only parts of :mod:`hedgekit.sweep` that touch files.
Parquet is written with one row group per batch under a schema fixed by the first batch, so a
100,000-run sweep never holds more than a batch of rows in memory; CSV is appended batch by
batch with one header line.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from hedgekit._io import atomic_write_text, partial_path
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
    """Append batches of rows to a Parquet or CSV file, under ``X.partial`` until complete.

    The rows go to ``path + ".partial"``; :meth:`close` finishes the file and renames it to
    ``path`` (replacing an existing file only then), so a file at ``path`` is always a whole
    table. A run stopped part-way either removes the partial file (:meth:`discard`) or keeps
    it with a manifest saying how many runs it holds (:meth:`keep_partial`).

    Parameters
    ----------
    path
        Output file (parent folders are created).
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.format = table_format(self.path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.partial = partial_path(self.path)
        self.manifest = self.partial.with_name(self.partial.name + ".manifest.json")
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
            frame.to_csv(self.partial, mode="w" if self.rows == 0 else "a", header=self.rows == 0,
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
                self._writer = pq.ParquetWriter(self.partial, self._schema)
            else:
                table = pa.Table.from_pandas(frame, schema=self._schema, preserve_index=False)
            self._writer.write_table(table)
        self.rows += len(frame)

    def _finish(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def close(self) -> None:
        """Finish the file and rename it into place (no rows: no file); once only."""
        self._finish()
        if self.rows == 0 or not self.partial.exists():
            return
        with open(self.partial, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(self.partial, self.path)
        self.manifest.unlink(missing_ok=True)  # one left by an earlier, interrupted run

    def discard(self) -> None:
        """Stop and remove the partial file: nothing is left at either path."""
        with contextlib.suppress(Exception):
            self._finish()
        self.partial.unlink(missing_ok=True)

    def keep_partial(self, runs_done: int, n_runs: int) -> bool:
        """Stop, keeping the rows written in ``X.partial`` with ``X.partial.manifest.json``.

        The manifest (JSON) says the table is incomplete: ``runs_done`` of ``n_runs``, the
        first runs in run order, and the final path the complete table would have had.
        Returns ``False`` (and removes the file) when no row was written yet.
        """
        self._finish()
        if self.rows == 0:
            self.partial.unlink(missing_ok=True)
            return False
        doc = {
            "kind": "hedgekit sweep partial table",
            "complete": False,
            "runs_done": runs_done,
            "n_runs": n_runs,
            "rows": self.rows,
            "format": self.format,
            "partial_path": str(self.partial),
            "final_path": str(self.path),
            "note": "the sweep was interrupted: this table holds the first runs in run order; "
            "run the sweep again for the whole table",
        }
        atomic_write_text(self.manifest, json.dumps(doc, indent=2) + "\n")
        return True

    def __enter__(self) -> ResultWriter:
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        if exc_type is None:
            self.close()
        else:
            self.discard()
