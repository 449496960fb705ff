"""User data at the edge: holdings and price files, read strictly, plus bundled closes.

This is the only package that reads user files. Every problem is an
:class:`~hedgekit.errors.InputError` naming the file, the line (header = line 1) or
Parquet record, the column, the value found and what was expected. Nothing is filled,
dropped or guessed.
"""

from __future__ import annotations

from hedgekit.data._cells import TICKER_PATTERN
from hedgekit.data._holdings import Holding, Holdings, load_holdings
from hedgekit.data._prices import (
    bundled_prices,
    bundled_tickers,
    load_prices,
    prices_for,
    validate_prices,
)

__all__ = [
    "TICKER_PATTERN",
    "Holding",
    "Holdings",
    "bundled_prices",
    "bundled_tickers",
    "load_holdings",
    "load_prices",
    "prices_for",
    "validate_prices",
]
