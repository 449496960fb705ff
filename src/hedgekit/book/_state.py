"""The book's state at a date, derived from its journal: what the status report reads.

:class:`BookState` is the one shape between the journal (which derives it) and the reports
(``book status``, ``book history``), so each can be built and tested on its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from hedgekit.book._policy import BookPolicy

__all__ = ["BookFill", "BookState", "HoldingLine", "Mark"]


@dataclass(frozen=True, slots=True)
class HoldingLine:
    """One line of the latest holdings snapshot: shares or a market value (USD)."""

    ticker: str
    shares: float | None
    market_value_usd: float | None


@dataclass(frozen=True, slots=True)
class Mark:
    """A daily settlement (or close) of one contract, with where it came from."""

    day: dt.date
    contract: str
    price: float
    source: str


@dataclass(frozen=True, slots=True)
class BookFill:
    """A futures fill: signed quantity (negative = sold), price, fees (USD, >= 0)."""

    day: dt.date
    contract: str
    quantity: int
    price: float
    fees_usd: float
    key: str


@dataclass(frozen=True, slots=True)
class BookState:
    """Everything the journal says at ``as_of`` (events effective on or before it).

    Attributes
    ----------
    as_of
        The date.
    policy
        The policy in force.
    holdings_as_of, holdings
        The latest holdings snapshot and its date (``None`` before the first).
    positions
        Futures held by contract code (``{"ESZ2024": -3}``); zero positions left out.
    average_price
        Average entry price per contract held (fills at their prices; marks do not move it).
    cash_usd
        Futures account balance: deposits − withdrawals − fees + variation margin settled
        through the last mark on or before ``as_of``.
    last_marks
        The latest mark of each contract held or traded.
    fills
        Every fill on or before ``as_of``, oldest first (reversed ones removed).
    rebalanced_on, rebalance_value_usd, rebalance_beta
        The last rebalance (a day with fills) and the portfolio value and beta then, for the
        triggers; ``None`` before the first.
    """

    as_of: dt.date
    policy: BookPolicy
    holdings_as_of: dt.date | None
    holdings: tuple[HoldingLine, ...]
    positions: Mapping[str, int]
    average_price: Mapping[str, float]
    cash_usd: float
    last_marks: Mapping[str, Mark]
    fills: tuple[BookFill, ...] = ()
    rebalanced_on: dt.date | None = None
    rebalance_value_usd: float | None = None
    rebalance_beta: float | None = None
    deposits_usd: float = 0.0
    fees_usd: float = 0.0
    variation_margin_usd: float = 0.0
    notes: tuple[str, ...] = field(default=())
    #: The beta recorded with the latest holdings snapshot (``book import --beta``).
    holdings_beta: float | None = None
