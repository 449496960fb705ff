"""The local market-data store: an SQLite file of fetched rows, append-only, with provenance.

Location: ``$HEDGEKIT_DATA_DIR/market.sqlite``, else ``$XDG_DATA_HOME/hedgekit/market.sqlite``
(``~/.local/share/hedgekit`` when unset). Two tables:

* ``rows``: one row per series and date, never updated or deleted: ``series``, ``date``,
  ``value``, ``contract`` (futures only), ``provider``, ``provider_id`` (the provider's own
  identifier, e.g. ``^GSPC`` or ``ESU24.CME``), ``source`` (the URL asked) and
  ``fetched_at`` (UTC, ISO 8601). A date already known (bundled or stored) is never written.
* ``fetches``: one row per series per run, with its outcome (``ok``, ``up to date``,
  ``failed``, ``refused``) and message, for ``hedgekit data``.

Each series is written in its own ``BEGIN IMMEDIATE`` transaction, which re-reads the
series' last stored date before inserting, so concurrent runs never write a date twice; a
``busy_timeout`` makes a second writer wait instead of failing.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

__all__ = ["MarketStore", "StoredRow", "data_dir", "store_path"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS rows (
    series TEXT NOT NULL,
    date TEXT NOT NULL,
    value REAL NOT NULL,
    contract TEXT,
    provider TEXT NOT NULL,
    provider_id TEXT NOT NULL,
    source TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    PRIMARY KEY (series, date)
);
CREATE TABLE IF NOT EXISTS fetches (
    series TEXT NOT NULL,
    provider TEXT NOT NULL,
    provider_id TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    status TEXT NOT NULL,
    rows_added INTEGER NOT NULL,
    message TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS rows_append_only_update BEFORE UPDATE ON rows
BEGIN SELECT RAISE(ABORT, 'market rows are append-only'); END;
CREATE TRIGGER IF NOT EXISTS rows_append_only_delete BEFORE DELETE ON rows
BEGIN SELECT RAISE(ABORT, 'market rows are append-only'); END;
"""

#: How long a writer waits for another run's transaction, milliseconds.
BUSY_TIMEOUT_MS = 60_000


def data_dir() -> Path:
    """``$HEDGEKIT_DATA_DIR``, else ``$XDG_DATA_HOME/hedgekit`` (``~/.local/share/hedgekit``)."""
    env = os.environ.get("HEDGEKIT_DATA_DIR")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "hedgekit"


def store_path() -> Path:
    """The store file (it may not exist yet)."""
    return data_dir() / "market.sqlite"


@dataclass(frozen=True, slots=True)
class StoredRow:
    """A fetched row and where it came from."""

    series: str
    date: dt.date
    value: float
    contract: str | None
    provider: str
    provider_id: str
    source: str
    fetched_at: str


@dataclass(frozen=True, slots=True)
class FetchRecord:
    """The last fetch of a series."""

    series: str
    provider: str
    provider_id: str
    fetched_at: str
    status: str
    rows_added: int
    message: str


class MarketStore:
    """The store file at ``path`` (created with its schema on first write)."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else store_path()

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        con.executescript(_SCHEMA)
        return con

    @contextmanager
    def _immediate(self) -> Iterator[sqlite3.Connection]:
        con = self._connect()
        try:
            con.execute("BEGIN IMMEDIATE")
            try:
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")
        finally:
            con.close()

    def rows(self, series: str | None = None) -> list[StoredRow]:
        """Stored rows (of one series, or all), by series and date."""
        if not self.path.exists():
            return []
        con = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=10)
        try:
            sql = (
                "SELECT series, date, value, contract, provider, provider_id, source, fetched_at "
                "FROM rows"
            )
            args: tuple[str, ...] = ()
            if series is not None:
                sql += " WHERE series = ?"
                args = (series,)
            got = con.execute(sql + " ORDER BY series, date", args).fetchall()
        except sqlite3.OperationalError:  # no table yet
            return []
        finally:
            con.close()
        return [
            StoredRow(s, dt.date.fromisoformat(d), float(v), c, p, pid, src, f)
            for s, d, v, c, p, pid, src, f in got
        ]

    def fetches(self) -> dict[str, FetchRecord]:
        """The last fetch of every series."""
        if not self.path.exists():
            return {}
        con = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=10)
        try:
            got = con.execute(
                "SELECT series, provider, provider_id, fetched_at, status, rows_added, message "
                "FROM fetches ORDER BY fetched_at, rowid"
            ).fetchall()
        except sqlite3.OperationalError:
            return {}
        finally:
            con.close()
        return {r[0]: FetchRecord(*r) for r in got}

    def append(
        self,
        series: str,
        rows: Sequence[tuple[dt.date, float, str | None]],
        *,
        after: dt.date | None,
        provider: str,
        provider_id: str,
        source: str,
        fetched_at: str,
    ) -> int:
        """Add the rows dated after ``after`` and after the series' last stored date.

        One transaction: either every new row of the series is stored, or none. Returns
        the number of rows added (0 when another run stored them first).
        """
        with self._immediate() as con:
            (last,) = con.execute(
                "SELECT MAX(date) FROM rows WHERE series = ?", (series,)
            ).fetchone()
            floor = max(
                [
                    d
                    for d in (after, dt.date.fromisoformat(last) if last else None)
                    if d is not None
                ],
                default=None,
            )
            new = [r for r in rows if floor is None or r[0] > floor]
            con.executemany(
                "INSERT INTO rows VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (series, d.isoformat(), v, c, provider, provider_id, source, fetched_at)
                    for d, v, c in new
                ],
            )
            con.execute(
                "INSERT INTO fetches VALUES (?, ?, ?, ?, ?, ?, ?)",
                (series, provider, provider_id, fetched_at, "ok" if new else "up to date",
                 len(new), ""),
            )  # fmt: skip
        return len(new)

    def record(
        self,
        series: str,
        *,
        provider: str,
        provider_id: str,
        fetched_at: str,
        status: str,
        message: str,
    ) -> None:
        """Note a fetch that stored nothing (failed, refused, up to date)."""
        with self._immediate() as con:
            con.execute(
                "INSERT INTO fetches VALUES (?, ?, ?, ?, ?, 0, ?)",
                (series, provider, provider_id, fetched_at, status, message),
            )
