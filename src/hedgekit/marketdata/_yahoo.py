"""Yahoo Finance chart API (v8): daily closes, adjusted closes, dividends, futures contracts.

``GET https://query1.finance.yahoo.com/v8/finance/chart/{symbol}?period1=…&period2=…&
interval=1d&events=div`` answers ``{"chart": {"result": [{"meta": {...}, "timestamp":
[...], "events": {"dividends": {...}}, "indicators": {"quote": [{"close": [...]}],
"adjclose": [{"adjclose": [...]}]}}], "error": null}}``. A row's date is its timestamp
shifted by ``meta.gmtoffset`` (the exchange's local date). Errors come as
``{"chart": {"result": null, "error": {"code", "description"}}}``.

Symbols: indices ``^GSPC ^NDX ^RUT ^DJI ^VIX``; ETFs and stocks by ticker (``BRK.B`` is
``BRK-B``); a quarterly futures contract as root, month code, two-digit year and exchange
(``ESZ26.CME``, ``NQZ26.CME``, ``RTYZ26.CME``, ``YMZ26.CBT``), so every price belongs to a
named contract. Micro contracts take their E-mini's price (same index, same expiries).

Terms: Yahoo's data is for personal, non-commercial use and may not be redistributed.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

from hedgekit.calendar import ContractCode
from hedgekit.marketdata._provider import Bar, Fetched, ProviderError, SeriesRequest
from hedgekit.marketdata._transport import Transport, TransportError

__all__ = ["CHART_URL", "INDEX_SYMBOLS", "YahooProvider", "futures_symbol", "parse_chart"]

CHART_URL = "https://query1.finance.yahoo.com/v8/finance/chart/{symbol}"
INDEX_SYMBOLS: dict[str, str] = {
    "SPX": "^GSPC",
    "NDX": "^NDX",
    "RUT": "^RUT",
    "DJI": "^DJI",
    "VIX": "^VIX",
}
#: Exchange suffix per E-mini root; Micros trade at their E-mini's price.
_EXCHANGE: dict[str, str] = {"ES": "CME", "NQ": "CME", "RTY": "CME", "YM": "CBT"}
_MICRO: dict[str, str] = {"MES": "ES", "MNQ": "NQ", "M2K": "RTY", "MYM": "YM"}


def futures_symbol(code: ContractCode) -> str:
    """Yahoo's symbol of a quarterly contract: ``ESU2024`` -> ``ESU24.CME``."""
    root = _MICRO.get(code.root, code.root)
    if root not in _EXCHANGE:
        raise ProviderError(f"Yahoo has no contract symbol rule for the root {code.root}")
    month = code.short[len(code.root)]
    return f"{root}{month}{code.year % 100:02d}.{_EXCHANGE[root]}"


def symbol_for(request: SeriesRequest) -> str:
    """Yahoo's symbol of a request."""
    if request.kind == "futures":
        if request.contract is None:
            raise ProviderError(f"no contract given for the futures series {request.key}")
        return futures_symbol(request.contract)
    return INDEX_SYMBOLS.get(request.key, request.key.replace(".", "-"))


def _epoch(day: dt.date) -> int:
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp())


def _num(x: Any) -> float:
    if x is None:
        return math.nan
    if isinstance(x, bool) or not isinstance(x, int | float):
        raise ProviderError(f"a price is not a number: {x!r}")
    return float(x)


def parse_chart(body: bytes, symbol: str) -> tuple[Bar, ...]:
    """Rows of a chart API answer, in the order received (checks come later).

    Raises
    ------
    ProviderError
        For a body that is not the chart JSON (truncated, HTML, an error object) or whose
        arrays do not line up.
    """
    try:
        doc = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProviderError(f"the answer for {symbol} is not valid JSON ({exc})") from None
    try:
        chart = doc["chart"]
        if chart.get("error"):
            err = chart["error"]
            raise ProviderError(f"Yahoo answered {err.get('code')}: {err.get('description')}")
        result = chart["result"][0]
        offset = int(result["meta"].get("gmtoffset", 0))
        stamps = result.get("timestamp") or []
        closes = result["indicators"]["quote"][0].get("close") or []
        adj_block = result["indicators"].get("adjclose")
        adjs = adj_block[0].get("adjclose") if adj_block else None
        divs = (result.get("events") or {}).get("dividends") or {}
    except (KeyError, IndexError, TypeError, AttributeError) as exc:
        raise ProviderError(f"the answer for {symbol} is not a chart ({exc!r} missing)") from None
    if len(closes) != len(stamps) or (adjs is not None and len(adjs) != len(stamps)):
        raise ProviderError(
            f"the answer for {symbol} has {len(stamps)} dates but {len(closes)} closes"
        )

    def day(ts: Any) -> dt.date:
        return dt.datetime.fromtimestamp(int(ts) + offset, tz=dt.UTC).date()

    paid: dict[dt.date, float] = {}
    for item in divs.values():
        paid[day(item["date"])] = paid.get(day(item["date"]), 0.0) + _num(item["amount"])
    bars = []
    for i, ts in enumerate(stamps):
        d = day(ts)
        adj = None if adjs is None else _num(adjs[i])
        bars.append(Bar(d, _num(closes[i]), adj, paid.get(d, 0.0)))
    return tuple(bars)


class YahooProvider:
    """Yahoo Finance chart API v8 (see the module notes)."""

    name = "yahoo"

    def fetch(self, request: SeriesRequest, transport: Transport) -> Fetched:
        """Daily rows of ``request`` from ``start`` to ``end`` inclusive."""
        symbol = symbol_for(request)
        url = CHART_URL.format(symbol=symbol)
        params = {
            "period1": str(_epoch(request.start)),
            "period2": str(_epoch(request.end + dt.timedelta(days=1))),
            "interval": "1d",
            "events": "div",
        }
        try:
            answer = transport.get(url, params)
        except TransportError as exc:
            raise ProviderError(f"no answer from {url} ({exc})") from None
        if answer.status != 200:
            detail = ""
            try:
                err = json.loads(answer.body.decode("utf-8"))["chart"]["error"]
                detail = f": {err.get('code')}: {err.get('description')}"
            except (ValueError, KeyError, TypeError):
                pass
            raise ProviderError(f"{url} answered HTTP {answer.status}{detail}")
        bars = parse_chart(answer.body, symbol)
        inside = tuple(b for b in bars if request.start <= b.date <= request.end)
        return Fetched(symbol, url, inside)
