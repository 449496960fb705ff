"""Write fixtures/book_r0001.sqlite: a book at the first schema revision with three events.

Run once (``python tests/book/make_fixture_book.py``); the file is committed so the migration
test opens a book written by the old schema, not one rebuilt by today's code.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlalchemy as sa

from hedgekit.book._store import upgrade

if __name__ == "__main__":
    path = Path(__file__).parent / "fixtures" / "book_r0001.sqlite"
    path.unlink(missing_ok=True)
    engine = sa.create_engine(f"sqlite:///{path}")
    upgrade(engine, "0001")
    now = dt.datetime(2024, 1, 2, 22, 0, 0)
    rows = [
        ("cash", "2024-01-02", "cash:a", '{"amount_usd": 50000.0}'),
        ("fill", "2024-01-02", "fill:a",
         '{"contract": "ESH2024", "quantity": -2, "price": 4800.0, "fees_usd": 4.5}'),
        ("mark", "2024-01-03", "mark:a",
         '{"contract": "ESH2024", "price": 4790.0, "source": "user"}'),
    ]  # fmt: skip
    with engine.begin() as conn:
        for kind, day, key, payload in rows:
            conn.execute(
                sa.text("INSERT INTO events (kind, effective_date, recorded_at, recorded_by, "
                        "source, key, payload) "
                        "VALUES (:k, :d, :t, 'fixture', 'fixture', :key, :p)"),
                {"k": kind, "d": day, "t": now, "key": key, "p": payload},
            )  # fmt: skip
    engine.dispose()
