"""A book on each engine: a SQLite file, and PostgreSQL in a fresh schema per test."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

PG_SKIP = (
    "HEDGEKIT_TEST_PG_URL is not set: start a server with tools/postgres.sh "
    "(.ci/run does) and export the URL it prints"
)


@pytest.fixture(params=["sqlite", "postgresql"])
def book_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Where a test's book lives: a path, or a PostgreSQL URL bound to a new schema."""
    if request.param == "sqlite":
        yield str(tmp_path / "book.sqlite")
        return
    url = os.environ.get("HEDGEKIT_TEST_PG_URL")
    if not url:
        pytest.skip(PG_SKIP)
    import sqlalchemy as sa

    schema = "t_" + uuid.uuid4().hex[:16]
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in url else "?"
    try:
        yield f"{url}{sep}options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        engine.dispose()
