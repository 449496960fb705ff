"""Where the book lives: a SQLite file by default, or a PostgreSQL database by URL.

:func:`open_book` opens (and creates, and migrates) a book; :class:`Book` appends events
and reads them back. Rules:

* **Append-only.** The only write is :meth:`Book.append` (an INSERT of new events); no
  event is ever updated or deleted. A correction is a ``reversal`` event.
* **One transaction per write.** All the events of one command (a whole imported file)
  are inserted in one transaction: all or none.
* **Idempotent.** Every event has a unique ``key``; an event whose key is already in the
  book is skipped, so importing the same file twice books nothing twice.
* **Concurrency.** SQLite runs in WAL mode (readers never block the writer) and a write
  takes the write lock at its start (``BEGIN IMMEDIATE``), waiting up to ``busy_timeout_s``
  for another writer; past that, :class:`BookBusyError` ("book is busy, retry"). On
  PostgreSQL concurrent writers both commit; a key inserted by both is booked once.
* **Schema.** Alembic migrations shipped in ``hedgekit/book/migrations`` run on open; the
  revision is recorded in the book (``alembic_version``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import getpass
import json
import os
import socket
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from hedgekit.book._schema import events as events_table
from hedgekit.book._schema import meta as meta_table
from hedgekit.errors import HedgekitError, InputError

__all__ = [
    "BOOK_BUSY_EXIT",
    "HEAD_REVISION",
    "Book",
    "BookBusyError",
    "Event",
    "NewEvent",
    "default_book_path",
    "open_book",
]

#: Revision of the newest migration (``hedgekit/book/migrations/versions``).
HEAD_REVISION = "0002"
#: Exit status of a command that found the book busy: ``EX_TEMPFAIL`` of ``sysexits.h``
#: ("a temporary failure; the user is invited to retry").
BOOK_BUSY_EXIT = 75
#: Default wait for another writer to finish (seconds).
DEFAULT_BUSY_TIMEOUT_S = 10.0
_MIGRATIONS = Path(__file__).parent / "migrations"


class BookBusyError(HedgekitError):
    """Another process held the book's write lock for longer than the wait allowed."""

    exit_code = BOOK_BUSY_EXIT


@dataclasses.dataclass(frozen=True, slots=True)
class NewEvent:
    """An event to append (the book gives it its id, time and recorder)."""

    kind: str
    effective_date: dt.date
    source: str
    key: str
    payload: dict[str, Any]
    reverses_id: int | None = None
    note: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class Event:
    """An event of the journal, as stored."""

    id: int
    kind: str
    effective_date: dt.date
    recorded_at: dt.datetime
    recorded_by: str
    source: str
    key: str
    payload: dict[str, Any]
    reverses_id: int | None = None
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form (the export's line); :meth:`from_dict` reads it back."""
        return {
            "id": self.id,
            "kind": self.kind,
            "effective_date": self.effective_date.isoformat(),
            "recorded_at": self.recorded_at.isoformat(),
            "recorded_by": self.recorded_by,
            "source": self.source,
            "key": self.key,
            "payload": self.payload,
            "reverses_id": self.reverses_id,
            "note": self.note,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Event:
        """Read :meth:`to_dict`'s form."""
        return cls(
            id=int(data["id"]),
            kind=str(data["kind"]),
            effective_date=dt.date.fromisoformat(str(data["effective_date"])),
            recorded_at=dt.datetime.fromisoformat(str(data["recorded_at"])),
            recorded_by=str(data["recorded_by"]),
            source=str(data["source"]),
            key=str(data["key"]),
            payload=dict(data["payload"]),
            reverses_id=None if data.get("reverses_id") is None else int(data["reverses_id"]),
            note=None if data.get("note") is None else str(data["note"]),
        )


def recorder() -> str:
    """``user@host``: who records an event."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no user name in a bare container
        user = str(os.getuid()) if hasattr(os, "getuid") else "unknown"
    return f"{user}@{socket.gethostname()}"


def default_book_path() -> Path:
    """``$HEDGEKIT_BOOK``, else ``$XDG_DATA_HOME/hedgekit/book.sqlite`` (``~/.local/share``)."""
    env = os.environ.get("HEDGEKIT_BOOK")
    if env:
        return Path(env)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "hedgekit" / "book.sqlite"


def _is_url(target: str) -> bool:
    return "://" in target


def _sqlite_url(path: Path) -> str:
    return "sqlite:///" + str(path)


class Book:
    """An open book (use :func:`open_book`)."""

    def __init__(self, engine: Engine, url: str, busy_timeout_s: float) -> None:
        self.engine = engine
        self.url = url
        self.busy_timeout_s = busy_timeout_s

    @property
    def is_sqlite(self) -> bool:
        """The book is a SQLite file."""
        return self.engine.dialect.name == "sqlite"

    def __enter__(self) -> Book:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the connections."""
        self.engine.dispose()

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """One write transaction (SQLite: ``BEGIN IMMEDIATE``), busy mapped to an error."""
        try:
            with (
                self.engine.connect().execution_options(hedgekit_write=True) as conn,
                conn.begin(),
            ):
                yield conn
        except sa.exc.OperationalError as exc:
            if _is_busy(exc):
                raise BookBusyError(
                    f"book is busy, retry: another process kept it locked for more than "
                    f"{self.busy_timeout_s:g} s ({self.url})"
                ) from None
            raise

    def revision(self) -> str | None:
        """The schema revision recorded in the book."""
        with self.engine.connect() as conn:
            return _revision(conn)

    def events(self, *, before_id: int | None = None) -> list[Event]:
        """Every event, in id (recording) order."""
        q = sa.select(events_table).order_by(events_table.c.id)
        if before_id is not None:
            q = q.where(events_table.c.id < before_id)
        with self.engine.connect() as conn:
            rows = conn.execute(q).mappings().all()
        return [_event(r) for r in rows]

    def count(self) -> int:
        """Number of events."""
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(events_table)).one()[0])

    def meta(self) -> dict[str, str]:
        """The ``meta`` table."""
        with self.engine.connect() as conn:
            return {r.name: r.value for r in conn.execute(sa.select(meta_table))}

    def append(self, new: Sequence[NewEvent]) -> list[Event]:
        """Append ``new`` in one transaction; events whose key is in the book are skipped.

        Returns
        -------
        list of Event
            The events booked now (those skipped as already booked are left out).
        """
        for attempt in (1, 2):
            try:
                return self._append(new)
            except sa.exc.IntegrityError:
                # PostgreSQL: another writer committed one of these keys meanwhile; the next
                # attempt sees it and skips it.
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _append(self, new: Sequence[NewEvent]) -> list[Event]:
        if not new:
            return []
        keys = [e.key for e in new]
        if len(set(keys)) != len(keys):
            raise InputError("the same event twice in one write", source="key",
                             value=sorted({k for k in keys if keys.count(k) > 1})[:3])  # fmt: skip
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
        who = recorder()
        booked: list[Event] = []
        with self._write() as conn:
            have: set[str] = set()
            for i in range(0, len(keys), 500):
                chunk = keys[i : i + 500]
                have |= set(
                    conn.execute(
                        sa.select(events_table.c.key).where(events_table.c.key.in_(chunk))
                    ).scalars()
                )
            for e in new:
                if e.key in have:
                    continue
                row = {
                    "kind": e.kind,
                    "effective_date": e.effective_date,
                    "recorded_at": now,
                    "recorded_by": who,
                    "source": e.source[:500],
                    "key": e.key,
                    "payload": e.payload,
                    "reverses_id": e.reverses_id,
                    "note": e.note,
                }
                new_id = conn.execute(
                    events_table.insert().values(**row).returning(events_table.c.id)
                ).scalar_one()
                booked.append(_event({"id": new_id, **row}))
        return booked

    def restore(self, events: Sequence[Event]) -> int:
        """Insert exported events with their ids, times and recorders (an empty book only).

        Raises
        ------
        InputError
            The book already holds events.
        """
        with self._write() as conn:
            n = conn.execute(sa.select(sa.func.count()).select_from(events_table)).one()[0]
            if n:
                raise InputError(
                    "the book is not empty", source="--book", value=f"{n} events",
                    expected="a new, empty book to restore into",
                )  # fmt: skip
            for e in sorted(events, key=lambda x: x.id):
                conn.execute(
                    events_table.insert().values(
                        id=e.id, kind=e.kind, effective_date=e.effective_date,
                        recorded_at=e.recorded_at, recorded_by=e.recorded_by, source=e.source,
                        key=e.key, payload=e.payload, reverses_id=e.reverses_id, note=e.note,
                    )
                )  # fmt: skip
            if self.engine.dialect.name == "postgresql" and events:
                conn.exec_driver_sql(
                    "SELECT setval(pg_get_serial_sequence('events', 'id'), "
                    "(SELECT MAX(id) FROM events))"
                )
        return len(events)

    def integrity_check(self) -> list[str]:
        """Problems found (empty when the book is sound).

        SQLite's ``PRAGMA integrity_check`` and ``foreign_key_check``; on both engines, that
        the schema is at :data:`HEAD_REVISION`, every payload is a JSON object and every
        reversal points at an earlier event.
        """
        problems: list[str] = []
        with self.engine.connect() as conn:
            if self.is_sqlite:
                res = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check")]
                if res != ["ok"]:
                    problems.extend(f"sqlite: {r}" for r in res)
                problems.extend(
                    f"foreign key: {tuple(r)}"
                    for r in conn.exec_driver_sql("PRAGMA foreign_key_check")
                )
            rev = _revision(conn)
            if rev != HEAD_REVISION:
                problems.append(f"schema revision {rev}, expected {HEAD_REVISION}")
            for r in conn.execute(
                sa.select(events_table.c.id, events_table.c.payload, events_table.c.reverses_id)
            ):
                if not isinstance(_payload(r.payload), dict):
                    problems.append(f"event {r.id}: payload is not a JSON object")
                if r.reverses_id is not None and r.reverses_id >= r.id:
                    problems.append(f"event {r.id}: reverses a later event {r.reverses_id}")
        return problems


def _payload(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _event(r: Any) -> Event:
    return Event(
        id=int(r["id"]),
        kind=str(r["kind"]),
        effective_date=r["effective_date"],
        recorded_at=r["recorded_at"],
        recorded_by=str(r["recorded_by"]),
        source=str(r["source"]),
        key=str(r["key"]),
        payload=dict(_payload(r["payload"])),
        reverses_id=r["reverses_id"],
        note=r.get("note"),
    )


def _is_busy(exc: sa.exc.OperationalError) -> bool:
    text = str(exc.orig).lower()
    return "database is locked" in text or "database is busy" in text or "lock timeout" in text


def _revision(conn: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run the migrations up to ``revision`` (``"head"``: the newest)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    with engine.connect().execution_options(hedgekit_write=True) as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
        conn.commit()


def _engine(url: str, busy_timeout_s: float) -> Engine:
    if url.startswith("sqlite"):
        engine = sa.create_engine(
            url, connect_args={"timeout": busy_timeout_s, "isolation_level": None}
        )
        ms = round(busy_timeout_s * 1000)

        @sa.event.listens_for(engine, "connect")
        def _connect(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute(f"PRAGMA busy_timeout = {ms}")
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = FULL")
            cur.execute("PRAGMA foreign_keys = ON")
            cur.close()

        @sa.event.listens_for(engine, "begin")
        def _begin(conn: Connection) -> None:
            # pysqlite's own BEGIN is off (isolation_level None): a write takes the lock at
            # its start, so two writers queue instead of deadlocking on a lock upgrade.
            write = conn.get_execution_options().get("hedgekit_write", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine
    return sa.create_engine(url, pool_pre_ping=True)


def open_book(
    target: str | os.PathLike[str] | None = None,
    *,
    create: bool = True,
    busy_timeout_s: float | None = None,
    source: str = "--book",
) -> Book:
    """Open the book at ``target``: a path (a SQLite file) or a SQLAlchemy URL.

    Parameters
    ----------
    target
        ``None``: :func:`default_book_path`. A path: a SQLite file (created with its folder
        when ``create``). A URL: ``sqlite:///PATH`` or ``postgresql+psycopg://...``.
    create
        Create a missing SQLite file; otherwise a missing file is an :class:`InputError`.
    busy_timeout_s
        Longest wait for another writer before :class:`BookBusyError`; default
        ``$HEDGEKIT_BOOK_BUSY_TIMEOUT_S``, else 10 s.
    source
        The option named in errors.

    Notes
    -----
    The schema is upgraded to the newest revision on open (Alembic), and a new book gets a
    ``book_id`` and ``created_at`` in ``meta``.
    """
    if busy_timeout_s is None:
        env = os.environ.get("HEDGEKIT_BOOK_BUSY_TIMEOUT_S")
        busy_timeout_s = float(env) if env else DEFAULT_BUSY_TIMEOUT_S
    text = str(target) if target is not None else str(default_book_path())
    if _is_url(text):
        url = text
        if not (url.startswith("sqlite:") or url.startswith("postgresql")):
            raise InputError(
                "unsupported database", source=source, value=text,
                expected="a file path, sqlite:///PATH or postgresql+psycopg://USER@HOST/DB",
            )  # fmt: skip
    else:
        path = Path(text).expanduser()
        if path.is_dir():
            raise InputError("this is a folder", source=source, value=text,
                             expected="a book file (e.g. book.sqlite)")  # fmt: skip
        if not path.exists():
            if not create:
                raise InputError(
                    "no book here", source=source, value=text,
                    expected="an existing book (hedgekit book init creates one)",
                )  # fmt: skip
            path.parent.mkdir(parents=True, exist_ok=True)
        url = _sqlite_url(path)
    try:
        engine = _engine(url, busy_timeout_s)
        book = Book(engine, url if "@" not in url else url.split("@")[-1], busy_timeout_s)
        with book._write() as conn:
            rev = _revision(conn)
        if rev != HEAD_REVISION:
            try:
                upgrade(engine)
            except sa.exc.OperationalError as exc:
                if _is_busy(exc):
                    raise BookBusyError(f"book is busy, retry ({book.url})") from None
                raise
        with book._write() as conn:
            have = {r.name for r in conn.execute(sa.select(meta_table.c.name))}
            rows = {"book_id": uuid.uuid4().hex, "created_at": dt.datetime.now(dt.UTC).isoformat()}
            for name, value in rows.items():
                if name not in have:
                    conn.execute(meta_table.insert().values(name=name, value=value))
    except sa.exc.DatabaseError as exc:
        raise InputError(
            f"cannot open the book: {str(getattr(exc, 'orig', exc)).strip()}",
            source=source, value=text, expected="a hedgekit book (SQLite file or database URL)",
        ) from None  # fmt: skip
    except sa.exc.ArgumentError as exc:
        raise InputError(f"not a database URL: {exc}", source=source, value=text) from None
    return book
