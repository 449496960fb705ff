"""The book's tables (SQLAlchemy Core), as the latest migration leaves them.

``events`` is the append-only journal: the code inserts rows and never updates or deletes
one; a correction is a new ``reversal`` row pointing at the event it undoes. ``meta`` holds
the book's own facts (its id, when it was created). Alembic records the schema revision in
``alembic_version``; the migrations in ``hedgekit/book/migrations`` build these tables.
"""

from __future__ import annotations

import sqlalchemy as sa

__all__ = ["events", "meta", "metadata"]

metadata = sa.MetaData()

#: One dated event of the journal.
events = sa.Table(
    "events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("effective_date", sa.Date, nullable=False),
    sa.Column("recorded_at", sa.DateTime(timezone=False), nullable=False),
    sa.Column("recorded_by", sa.String(200), nullable=False),
    sa.Column("source", sa.String(500), nullable=False),
    sa.Column("key", sa.String(200), nullable=False, unique=True),
    sa.Column("payload", sa.JSON, nullable=False),
    sa.Column("reverses_id", sa.Integer, sa.ForeignKey("events.id"), nullable=True),
    sa.Column("note", sa.Text, nullable=True),
    sa.Index("ix_events_effective_date", "effective_date", "id"),
)

#: The book's own facts, one ``name -> value`` row each.
meta = sa.Table(
    "meta",
    metadata,
    sa.Column("name", sa.String(100), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)
