"""Per series: the bundled range, the updated range, the last fetch and the staleness."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from hedgekit.marketdata._overlay import target_of
from hedgekit.marketdata._store import MarketStore
from hedgekit.marketdata._update import select_series

__all__ = ["SeriesStatus", "series_status"]


@dataclass(frozen=True, slots=True)
class SeriesStatus:
    """What is known of one series.

    Attributes
    ----------
    key
        ``--series`` key (``SPX``, ``DTB3``, ``ES``, ``AAPL``...).
    bundled_first, bundled_last
        Range of the bundled column it continues (``None`` when none is bundled).
    updated_first, updated_last, updated_rows
        Range and count of the stored rows.
    last_fetch, last_status, provider
        Time (UTC), outcome and provider of the last fetch.
    stale_days
        Calendar days from the last known row (bundled or stored) to ``today``.
    """

    key: str
    bundled_first: dt.date | None
    bundled_last: dt.date | None
    updated_first: dt.date | None
    updated_last: dt.date | None
    updated_rows: int
    last_fetch: str | None
    last_status: str | None
    provider: str | None
    message: str
    stale_days: int | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary."""

        def iso(d: dt.date | None) -> str | None:
            return None if d is None else d.isoformat()

        return {
            "series": self.key,
            "bundled_first": iso(self.bundled_first),
            "bundled_last": iso(self.bundled_last),
            "updated_first": iso(self.updated_first),
            "updated_last": iso(self.updated_last),
            "updated_rows": self.updated_rows,
            "last_fetch": self.last_fetch,
            "last_status": self.last_status,
            "provider": self.provider,
            "message": self.message,
            "stale_days": self.stale_days,
        }


def series_status(today: dt.date, store: MarketStore | None = None) -> list[SeriesStatus]:
    """Every default series, every series in the store, with its ranges and last fetch."""
    from hedgekit.datasets import list_datasets

    where = store or MarketStore()
    rows = where.rows()
    fetches = where.fetches()
    stored_keys = {r.series for r in rows} | set(fetches)
    specs = {s.store: s.key for s in select_series()}
    for name in sorted(stored_keys - set(specs)):
        specs[name] = name.split(":", 1)[-1]
    bundled = {
        str(r["name"]): (r["first_date"], r["last_date"])
        for r in list_datasets().to_dict(orient="records")
    }
    out = []
    for series, key in specs.items():
        target = target_of(series)
        first = last = None
        if target is not None and target[0] in bundled:
            lo, hi = bundled[target[0]]
            first = None if lo is None or lo != lo else lo.date()
            last = None if hi is None or hi != hi else hi.date()
        mine = [r for r in rows if r.series == series]
        fetch = fetches.get(series)
        known_last = max((d for d in (last, mine[-1].date if mine else None) if d), default=None)
        out.append(
            SeriesStatus(
                key=key,
                bundled_first=first,
                bundled_last=last,
                updated_first=mine[0].date if mine else None,
                updated_last=mine[-1].date if mine else None,
                updated_rows=len(mine),
                last_fetch=None if fetch is None else fetch.fetched_at,
                last_status=None if fetch is None else fetch.status,
                provider=None if fetch is None else f"{fetch.provider} {fetch.provider_id}".strip(),
                message="" if fetch is None else fetch.message,
                stale_days=None if known_last is None else (today - known_last).days,
            )
        )
    return out
