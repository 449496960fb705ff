"""Alembic environment of the hedge book: always run on a connection handed in by the code."""

from __future__ import annotations

from alembic import context

from hedgekit.book._schema import metadata


def run() -> None:
    """Run the migrations on ``config.attributes["connection"]`` (see ``_store.upgrade``)."""
    connection = context.config.attributes["connection"]
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if hasattr(context, "config"):  # imported by Alembic (not by a test collector)
    run()
