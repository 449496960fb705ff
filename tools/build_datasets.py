"""Regenerate the datasets bundled in ``hedgekit/datasets/data`` from the staged sources.

Run from the repository root::

    .venv/bin/python tools/build_datasets.py            # sources in ../shared/data
    .venv/bin/python tools/build_datasets.py --source DIR --check

Each staged CSV is copied byte for byte into a gzip file (level 9, no timestamp or name in
the header, so the output is reproducible); nothing is rounded, filled or reordered. The
script then writes ``metadata.json`` with, per dataset, the SHA-256 of the uncompressed
bytes, the header, the row count and the first and last date. The loaders verify the
checksum and the schema against that record on every first load.

The script refuses a source that breaks the bundle's invariants (header, ISO dates,
strictly ascending unique dates, first-of-month dates for monthly series). ``--check``
rebuilds in memory and fails if the committed files differ. Not used at runtime.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import hashlib
import io
import itertools
import json
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "src"))

from hedgekit.datasets._registry import DATASETS, DatasetSpec  # noqa: E402

DEFAULT_SOURCE = Path("..") / "shared" / "data"
TARGET = Path("src") / "hedgekit" / "datasets" / "data"
METADATA_VERSION = 1


def compress(raw: bytes) -> bytes:
    """Gzip ``raw`` deterministically (no file name, mtime 0)."""
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", compresslevel=9, fileobj=buf, mtime=0) as gz:
        gz.write(raw)
    return buf.getvalue()


def describe(spec: DatasetSpec, raw: bytes) -> dict[str, object]:
    """Check the invariants of one source file and return its metadata record."""
    text = raw.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header, body = rows[0], rows[1:]
    expected = ["date", *spec.file_columns]
    if header != expected:
        raise SystemExit(f"{spec.source_path}: header {header} != {expected}")
    dates = [dt.date.fromisoformat(r[0]) for r in body]
    if any(len(r) != len(header) for r in body):
        raise SystemExit(f"{spec.source_path}: ragged rows")
    if any(b <= a for a, b in itertools.pairwise(dates)):
        raise SystemExit(f"{spec.source_path}: dates not strictly ascending")
    if spec.frequency == "monthly" and any(d.day != 1 for d in dates):
        raise SystemExit(f"{spec.source_path}: monthly dates must be first of month")
    return {
        "file": spec.filename,
        "source_path": spec.source_path,
        "sha256": hashlib.sha256(raw).hexdigest(),
        "bytes": len(raw),
        "header": header,
        "rows": len(body),
        "first_date": dates[0].isoformat(),
        "last_date": dates[-1].isoformat(),
    }


def build(source: Path) -> dict[str, bytes]:
    """Return ``{file name: content}`` for every bundled file, metadata included."""
    out: dict[str, bytes] = {}
    meta: dict[str, object] = {}
    for name, spec in DATASETS.items():
        raw = (source / spec.source_path).read_bytes()
        meta[name] = describe(spec, raw)
        out[spec.filename] = compress(raw)
    doc = {"metadata_version": METADATA_VERSION, "datasets": meta}
    out["metadata.json"] = (json.dumps(doc, indent=1) + "\n").encode("utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    """Build (or ``--check``) the bundled files; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--target", type=Path, default=TARGET)
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args(argv)
    files = build(args.source)
    if args.check:
        stale = [
            n
            for n, b in files.items()
            if not (args.target / n).exists() or (args.target / n).read_bytes() != b
        ]
        for n in stale:
            print(f"out of date: {args.target / n}")
        return 1 if stale else 0
    args.target.mkdir(parents=True, exist_ok=True)
    for n, b in files.items():
        (args.target / n).write_bytes(b)
    total = sum(len(b) for b in files.values())
    print(f"wrote {len(files)} files, {total / 1e6:.2f} MB, to {args.target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
