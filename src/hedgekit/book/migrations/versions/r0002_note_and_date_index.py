"""A free-text ``note`` per event (``--note``), and an index to read the journal by date.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``events.note`` (NULL for older events) and ``ix_events_effective_date``."""
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("note", sa.Text, nullable=True))
    op.create_index("ix_events_effective_date", "events", ["effective_date", "id"])


def downgrade() -> None:
    """Drop the index and the column."""
    op.drop_index("ix_events_effective_date", table_name="events")
    with op.batch_alter_table("events") as batch:
        batch.drop_column("note")
