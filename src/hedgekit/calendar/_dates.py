"""Re-export of the shared date parser (kept so calendar modules import it locally)."""

from __future__ import annotations

from hedgekit._dates import to_date, to_timestamp

__all__ = ["to_date", "to_timestamp"]
