"""The hedge book: the live hedge, day after day, in a real database.

An append-only journal of dated events (holdings snapshots, futures fills, cash movements,
daily marks, policy changes) in SQLite by default or PostgreSQL by URL; the current state is
derived from it (:class:`BookState`), and the reports read that state.
"""

from __future__ import annotations

from hedgekit.book._policy import BookLimits, BookPolicy, BookTriggers
from hedgekit.book._state import BookFill, BookState, HoldingLine, Mark

__all__ = [
    "BookFill",
    "BookLimits",
    "BookPolicy",
    "BookState",
    "BookTriggers",
    "HoldingLine",
    "Mark",
]
