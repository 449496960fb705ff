"""What the reports read from the journal: history inputs, today's portfolio, Flex imports.

The journal (:mod:`hedgekit.book._journal`) keeps events; the reports
(:mod:`hedgekit.book._status`, :mod:`hedgekit.book._history`) take explicit inputs. This module
turns the one into the other, so ``book status`` and ``book history`` read the same book the
same way.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from hedgekit.book._history import CashFlow, PortfolioPoint
from hedgekit.book._journal import cash_event, fill_event, live_events
from hedgekit.book._state import BookFill, BookState, Mark
from hedgekit.errors import InputError

if TYPE_CHECKING:
    from hedgekit.book._flex import FlexStatement
    from hedgekit.book._store import Event, NewEvent

__all__ = [
    "IBKR_SOURCE",
    "flex_events",
    "history_inputs",
    "portfolio_today",
    "tbill_rate",
]

#: Source of an event booked from an IBKR Flex statement: ``"ibkr U1234567"``.
IBKR_SOURCE = "ibkr"


def history_inputs(
    events: Iterable[Event], as_of: dt.date
) -> tuple[list[BookFill], list[Mark], list[CashFlow], list[PortfolioPoint]]:
    """Fills, marks, cash flows and portfolio points of the live journal up to ``as_of``.

    Portfolio points come from holdings snapshots whose every line has a market value and
    that carry a beta (``book import holdings.csv --beta B``): value = the sum of the market
    values. Undone events and their undos are left out, as in the state.
    """
    fills: list[BookFill] = []
    marks: list[Mark] = []
    cash: list[CashFlow] = []
    points: list[PortfolioPoint] = []
    for e in live_events(events):
        if e.effective_date > as_of:
            continue
        p = e.payload
        if e.kind == "fill":
            fills.append(BookFill(e.effective_date, str(p["contract"]), int(p["quantity"]),
                                  float(p["price"]), float(p["fees_usd"]), e.key))  # fmt: skip
        elif e.kind == "mark":
            marks.append(
                Mark(e.effective_date, str(p["contract"]), float(p["price"]), str(p["source"]))
            )
        elif e.kind == "cash":
            amount = float(p["amount_usd"])
            kind = "deposit" if amount > 0 else "withdrawal"
            cash.append(CashFlow(e.effective_date, amount, kind))
        elif e.kind == "holdings":
            values = [x.get("market_value_usd") for x in p["lines"]]
            if p.get("beta") is not None and all(v is not None for v in values):
                total = float(sum(float(v) for v in values if v is not None))
                points.append(PortfolioPoint(e.effective_date, total, float(p["beta"])))
    return fills, marks, cash, points


def portfolio_today(
    state: BookState, value_usd: float | None, beta: float | None
) -> tuple[float, float, str]:
    """The portfolio's value and beta for today's report, and where they came from.

    ``--value-usd``/``--beta`` when given; else the latest holdings snapshot: its market
    values summed (a line given in shares is valued at the bundled close on or before the
    date) and the beta recorded with it.
    """
    if value_usd is None:
        if not state.holdings:
            raise InputError(
                "no holdings in the book to value the portfolio",
                source="--value-usd", expected="--value-usd and --beta, or book import HOLDINGS",
            )  # fmt: skip
        total = 0.0
        priced: list[str] = []
        for line in state.holdings:
            if line.market_value_usd is not None:
                total += float(line.market_value_usd)
            elif line.shares is not None:
                total += float(line.shares) * _close(line.ticker, state.as_of)
                priced.append(line.ticker)
        value_usd = total
        where = f"holdings of {state.holdings_as_of}"
        if priced:
            where += f" ({', '.join(priced[:5])} at the bundled close)"
    else:
        where = "--value-usd"
    if beta is None:
        beta = state.holdings_beta
        if beta is None:
            raise InputError(
                "no beta for the portfolio",
                source="--beta", expected="--beta B, or book import HOLDINGS --beta B",
            )  # fmt: skip
    return float(value_usd), float(beta), where


def _close(ticker: str, day: dt.date) -> float:
    from hedgekit.data import bundled_prices

    try:
        px = bundled_prices([ticker])[ticker].loc[: pd.Timestamp(day)].dropna()
    except Exception:  # an unknown ticker: say which
        px = pd.Series(dtype=float)
    if px.empty:
        raise InputError(
            "no bundled price to value a holding given in shares", source="--value-usd",
            value=ticker, expected="--value-usd, or market_value_usd in the holdings file",
        )  # fmt: skip
    return float(px.iloc[-1])


def tbill_rate(day: dt.date) -> float:
    """The continuous 3-month T-bill rate on or before ``day`` (FRED DTB3; 0 before it)."""
    from hedgekit.datasets import load_tbill_3m
    from hedgekit.pricing import tbill_discount_to_continuous

    series = load_tbill_3m()["discount_pct"].dropna().loc[: pd.Timestamp(day)]
    if series.empty:
        return 0.0
    return float(np.asarray(tbill_discount_to_continuous(float(series.iloc[-1]))))


def book_account(events: Sequence[Event]) -> str | None:
    """The IBKR account the book's statements came from, if any was imported."""
    for e in events:
        if e.source.startswith(IBKR_SOURCE + " "):
            return e.source.split(" ", 1)[1]
    return None


def flex_events(statement: FlexStatement, events: Sequence[Event], source: str) -> list[NewEvent]:
    """Fills and cash movements of a Flex statement as journal events (IB's ids as keys).

    A statement for another account than the one the book already holds is refused.
    """
    held = book_account(events)
    if held is not None and held != statement.account_id:
        raise InputError(
            "the statement is for another account than this book's", source=source,
            value=statement.account_id, expected=f"a statement of account {held}",
        )  # fmt: skip
    origin = f"{IBKR_SOURCE} {statement.account_id}"
    new: list[NewEvent] = []
    for t in statement.trades:
        new.append(fill_event(t.day, t.contract, t.quantity, t.price, t.fees_usd,
                              source=origin, key=t.key))  # fmt: skip
    for c in statement.cash:
        event = cash_event(c.day, c.amount_usd, source=origin, flag=source)
        new.append(dataclasses.replace(event, key=c.key, note=c.description or None))
    return new
