"""One market snapshot for every command: the date, index level, futures, rate and yield.

A market input is resolved here, once, with its value, the date it was observed, its origin
(``bundled``, ``user`` or ``derived``) and how it was obtained; every command (plan, cost,
puts, compare, backtest start values, stress) asks this module, so the same question gets the
same inputs everywhere and a user's override reaches every number derived from it. The rules
are in :mod:`hedgekit.snapshot._resolve` and :mod:`hedgekit.snapshot._dividends`.
"""

from __future__ import annotations

from hedgekit.snapshot._dividends import (
    MAX_STALE_DIVIDEND_YIELD_DAYS,
    DividendYieldSeries,
    dividend_yield_at,
    dividend_yield_series,
)
from hedgekit.snapshot._margin import first_margin_price, margin_on, margin_scale
from hedgekit.snapshot._quotes import bundled_quotes
from hedgekit.snapshot._resolve import (
    BASIS_WARNING,
    FUTURES_SERIES,
    INDEX_KEYS,
    INDEX_NAMES,
    ROLL_AHEAD_SESSIONS,
    MarketInputs,
    MarketOverrides,
    UsableDate,
    index_closes,
    latest_usable_date,
    resolve_as_of,
    resolve_market,
)

__all__ = [
    "BASIS_WARNING",
    "FUTURES_SERIES",
    "INDEX_KEYS",
    "INDEX_NAMES",
    "MAX_STALE_DIVIDEND_YIELD_DAYS",
    "ROLL_AHEAD_SESSIONS",
    "DividendYieldSeries",
    "MarketInputs",
    "MarketOverrides",
    "UsableDate",
    "bundled_quotes",
    "dividend_yield_at",
    "dividend_yield_series",
    "first_margin_price",
    "index_closes",
    "latest_usable_date",
    "margin_on",
    "margin_scale",
    "resolve_as_of",
    "resolve_market",
]
