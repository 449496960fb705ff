"""Alembic migrations of the hedge book's schema (run by :func:`hedgekit.book.open_book`)."""
