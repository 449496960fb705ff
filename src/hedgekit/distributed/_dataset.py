"""A result folder written chunk by chunk: one Parquet file per chunk and a manifest.

The folder holds ``part-00000.parquet``, ``part-00001.parquet``... (chunk ``i``'s rows, run
or path order inside) and ``_manifest.json``: what the folder is the result of (the spec's
hash), how many chunks and rows it will hold, and whether it is complete. Each part file is
written whole (:func:`hedgekit._io.atomic_write`: a temporary ``.part-*.tmp`` renamed into
place), so a part file that exists is a finished chunk and a run stopped at any moment (a
Ctrl-C, a lost worker, a killed scheduler or client) is resumed by computing the chunks whose
file is missing. Readers that skip names starting with ``_`` or ``.`` (pyarrow, pandas,
Dask, Spark, DuckDB) read the folder as one dataset; :func:`read_dataset` reads it in chunk
order.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from hedgekit._io import atomic_write, atomic_write_text
from hedgekit.errors import InputError

__all__ = [
    "ChunkFolder",
    "read_dataset",
    "result_folder",
    "resume_note",
    "spec_hash",
    "write_part",
]

#: Name of the manifest inside a result folder (skipped by dataset readers: leading ``_``).
MANIFEST = "_manifest.json"
#: Version of the folder's layout, part of the hash: a new layout never resumes an old one.
LAYOUT = 1


def spec_hash(kind: str, description: Mapping[str, Any]) -> str:
    """SHA-256 of a JSON description of the work (sorted keys): equal work, equal hash."""
    text = json.dumps({"kind": kind, "layout": LAYOUT, **description}, sort_keys=True,
                      separators=(",", ":"), default=str)  # fmt: skip
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def result_folder(out: str | Path | None, kind: str, digest: str) -> Path:
    """``out``, or ``hedgekit-<kind>-<first 12 hex digits of the hash>`` in the current folder."""
    return Path(out) if out is not None else Path.cwd() / f"hedgekit-{kind}-{digest[:12]}"


def resume_note(done: int, total: int, folder: Path, kind: str) -> str:
    """What a run that finds ``done`` of its ``total`` chunks already written says."""
    if done >= total:
        return (
            f"Already done: all {total} chunks are in {folder} from an earlier run of the "
            f"same {kind}; nothing is computed again, the results are read from there."
        )
    return (
        f"Resuming: {done} of {total} chunks are already in {folder} from an earlier run of "
        f"the same {kind}; only the others are computed."
    )


def part_name(index: int) -> str:
    """``part-00012.parquet``: zero-padded so that name order is chunk order."""
    return f"part-{index:05d}.parquet"


def _arrow_table(frame: pd.DataFrame, metadata: Mapping[str, str] | None) -> Any:
    import pyarrow as pa

    table = pa.Table.from_pandas(frame, preserve_index=False)
    # a column empty in this chunk (all None) is text in others (the sweep writer's rule)
    schema = pa.schema(
        [pa.field(f.name, pa.string()) if pa.types.is_null(f.type) else f for f in table.schema]
    )
    table = table.cast(schema)
    if metadata:
        merged = dict(table.schema.metadata or {})
        merged.update({k.encode(): v.encode() for k, v in metadata.items()})
        table = table.replace_schema_metadata(merged)
    return table


def write_part(
    folder: str | Path, index: int, frame: pd.DataFrame, metadata: Mapping[str, str] | None = None
) -> Path:
    """Write chunk ``index``'s rows whole into ``folder`` (a temporary file renamed after).

    ``metadata`` goes into the file's schema metadata (e.g. the engine that computed it).
    """
    import pyarrow.parquet as pq

    table = _arrow_table(frame, metadata)
    return atomic_write(Path(folder) / part_name(index), lambda p: pq.write_table(table, p))


def part_metadata(path: str | Path) -> dict[str, str]:
    """The schema metadata :func:`write_part` stored (pandas' own key left out)."""
    import pyarrow.parquet as pq

    meta = pq.read_schema(path).metadata or {}
    return {k.decode(): v.decode() for k, v in meta.items() if k != b"pandas"}


def read_dataset(folder: str | Path, columns: list[str] | None = None) -> pd.DataFrame:
    """Every part file of ``folder`` in chunk order, as one frame (fresh index)."""
    parts = sorted(Path(folder).glob("part-*.parquet"))
    if not parts:
        raise InputError(
            "no result files in this folder", source=str(folder),
            expected="a folder written by hedgekit sweep/stress --scheduler",
        )  # fmt: skip
    frames = [pd.read_parquet(p, columns=columns) for p in parts]
    return pd.concat(frames, ignore_index=True)


@dataclass(frozen=True, slots=True)
class ChunkFolder:
    """A result folder of ``n_chunks`` chunks for the work whose hash is ``spec_hash``.

    Attributes
    ----------
    path
        The folder.
    kind
        ``"sweep"`` or ``"stress"``.
    spec_hash
        :func:`spec_hash` of the work; a folder of other work is never resumed.
    n_chunks, n_rows
        Chunks and rows of the complete result.
    description
        What the hash was taken of (kept in the manifest for a reader).
    """

    path: Path
    kind: str
    spec_hash: str
    n_chunks: int
    n_rows: int
    description: Mapping[str, Any]

    @property
    def manifest(self) -> Path:
        """The folder's ``_manifest.json``."""
        return self.path / MANIFEST

    def part(self, index: int) -> Path:
        """Chunk ``index``'s file."""
        return self.path / part_name(index)

    def done(self) -> set[int]:
        """Chunks whose file is there (written whole, so finished)."""
        return {i for i in range(self.n_chunks) if self.part(i).exists()}

    def prepare(self, *, option: str, force: bool) -> set[int]:
        """Create or reopen the folder; return the chunks already finished.

        A folder of the same work (same hash) is resumed; a folder of other work, or a
        non-empty folder without a manifest, is refused unless ``force`` (then its part files
        and manifest are removed). Temporary files left by a write cut short are removed.
        """
        if self.path.exists() and not self.path.is_dir():
            raise InputError("a file is in the way: results are a folder here", source=option,
                             value=str(self.path), expected="a folder name")  # fmt: skip
        if not self.path.parent.is_dir():
            raise InputError(
                "the folder does not exist", source=option, value=str(self.path.parent),
                expected="an existing parent folder",
            )  # fmt: skip
        self.path.mkdir(exist_ok=True)
        for tmp in self.path.glob(".part-*.tmp"):
            tmp.unlink(missing_ok=True)
        old = self._read_manifest()
        others = [p for p in self.path.iterdir() if p.name != MANIFEST]
        same = old is not None and old.get("spec_hash") == self.spec_hash
        if not same and (old is not None or others):
            if not force:
                what = (f"results of another {old.get('kind', 'run')} (spec hash "
                        f"{str(old.get('spec_hash'))[:12]}, this one {self.spec_hash[:12]})"
                        if old is not None else "files that are not hedgekit results")  # fmt: skip
                raise InputError(
                    f"the folder holds {what}", source=option, value=str(self.path),
                    expected="the same spec to resume, another folder, or --force to replace them",
                )  # fmt: skip
            for p in self.path.glob("part-*.parquet"):
                p.unlink()
            for p in self.path.glob("_*"):
                if p.is_dir():
                    shutil.rmtree(p)
                else:
                    p.unlink()
        self._write_manifest(complete=False)
        return self.done()

    def _read_manifest(self) -> dict[str, Any] | None:
        if not self.manifest.exists():
            return None
        try:
            doc = json.loads(self.manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return doc if isinstance(doc, dict) else {}

    def _write_manifest(self, *, complete: bool) -> None:
        doc = {
            "kind": f"hedgekit {self.kind} results",
            "spec_hash": self.spec_hash,
            "n_chunks": self.n_chunks,
            "n_rows": self.n_rows,
            "complete": complete,
            "parts": "part-NNNNN.parquet, chunk order; read the folder as one Parquet dataset",
            "description": self.description,
        }
        atomic_write_text(self.manifest, json.dumps(doc, indent=2, default=str) + "\n")

    def finish(self) -> None:
        """Mark the folder complete (every chunk's file is there)."""
        missing = sorted(set(range(self.n_chunks)) - self.done())
        if missing:
            raise RuntimeError(f"chunks {missing[:5]} have no file in {self.path}")
        self._write_manifest(complete=True)
