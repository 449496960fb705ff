"""FRED's public CSV of a series (no API key): the 3-month T-bill rate DTB3.

``GET https://fred.stlouisfed.org/graph/fredgraph.csv?id=DTB3&cosd=YYYY-MM-DD&coed=YYYY-MM-DD``
answers a two-column CSV: a date header (``observation_date``; ``DATE`` in older answers)
and the series id, one row per business day, with an empty cell (``.`` in older answers)
where there is no value (a bond-market holiday). Those rows are dropped, never filled.

Terms: FRED DTB3 (Board of Governors H.15) is US-government data in the public domain.
"""

from __future__ import annotations

import datetime as dt
import math

from hedgekit.marketdata._provider import Bar, Fetched, ProviderError, SeriesRequest
from hedgekit.marketdata._transport import Transport, TransportError

__all__ = ["FRED_CSV_URL", "FredProvider", "parse_fred_csv"]

FRED_CSV_URL = "https://fred.stlouisfed.org/graph/fredgraph.csv"
_SERIES: dict[str, str] = {"DTB3": "DTB3"}


def parse_fred_csv(body: bytes, series_id: str) -> tuple[Bar, ...]:
    """Rows of a FRED graph CSV in the order received; missing cells are dropped."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProviderError(f"the FRED answer for {series_id} is not UTF-8 ({exc})") from None
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    if not lines:
        raise ProviderError(f"the FRED answer for {series_id} is empty")
    header = [h.strip() for h in lines[0].split(",")]
    if len(header) != 2 or header[0] not in ("observation_date", "DATE") or header[1] != series_id:
        raise ProviderError(
            f"the FRED answer for {series_id} is not its CSV (header {lines[0][:80]!r})"
        )
    bars = []
    for n, line in enumerate(lines[1:], start=2):
        cells = line.split(",")
        if len(cells) != 2:
            raise ProviderError(f"FRED CSV line {n} has {len(cells)} cells: {line[:80]!r}")
        try:
            day = dt.date.fromisoformat(cells[0])
        except ValueError:
            raise ProviderError(f"FRED CSV line {n} has no ISO date: {cells[0]!r}") from None
        cell = cells[1].strip()
        if cell in ("", "."):
            continue
        try:
            value = float(cell)
        except ValueError:
            raise ProviderError(f"FRED CSV line {n} has no number: {cell!r}") from None
        bars.append(Bar(day, value if math.isfinite(value) else math.nan))
    return tuple(bars)


class FredProvider:
    """FRED graph CSV (see the module notes)."""

    name = "fred"

    def fetch(self, request: SeriesRequest, transport: Transport) -> Fetched:
        """Daily rows of ``request`` (``DTB3``) from ``start`` to ``end`` inclusive."""
        if request.key not in _SERIES:
            raise ProviderError(f"FRED is not set up for the series {request.key}")
        series_id = _SERIES[request.key]
        params = {
            "id": series_id,
            "cosd": request.start.isoformat(),
            "coed": request.end.isoformat(),
        }
        try:
            answer = transport.get(FRED_CSV_URL, params)
        except TransportError as exc:
            raise ProviderError(f"no answer from {FRED_CSV_URL} ({exc})") from None
        if answer.status != 200:
            raise ProviderError(f"{FRED_CSV_URL} answered HTTP {answer.status}")
        bars = parse_fred_csv(answer.body, series_id)
        inside = tuple(b for b in bars if request.start <= b.date <= request.end)
        return Fetched(series_id, FRED_CSV_URL, inside)
