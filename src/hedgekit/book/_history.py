r"""The book's history: P&L since inception, split by source, and the hedge ratio over time.

:func:`book_history` takes explicit inputs (fills, daily settlement marks, cash flows and the
portfolio's value and beta by day), so it is built and tested without a database.

Accounting (all USD; one row per marked day, in date order)
------------------------------------------------------------
* **Futures marks** (variation margin, daily settlement, Hull 11e §2.4): on day :math:`t` each
  contract held at the previous close earns :math:`q\,m\,(F_t - F_{t-1})`, and each fill of the
  day earns :math:`q_f\,m\,(F_t - P_f)` from its price :math:`P_f` to the day's settlement.
* **Rolls**: the same day-one settlement of *roll fills* — on one day, a fill closing a
  contract and a fill opening the next contract of the same root (CME Group, "Equity Index
  Roll Dates") — is reported apart, as the spread paid executing the roll against the marks.
  Marks plus rolls is the whole variation margin, so nothing is counted twice.
* **Fees**: minus the fees of every fill.
* **Margin interest** (convention): the cash in the futures account is cash not earning the
  T-bill rate elsewhere, so each day costs :math:`C_{t-1}\,r\,\Delta d/365` (ACT/365, simple,
  :math:`\Delta d` calendar days since the previous row) — reported as a negative; interest
  the broker paid on that cash (cash flows of kind ``"interest"``) is added back. A negative
  balance (a call not met) earns the rate back, as borrowing at it would cost.
* **Stocks**: the change in the portfolio's value between the first and each later row (the
  value series given; flows into the portfolio are the caller's to remove).
  **Dividends**: cash flows of kind ``"dividend"``.
* **Realised hedge ratio**: :math:`-\sum_i q_i m_i F_{i,t} / (\beta_t V_t)`.
* **Cost of hedging** against the unhedged portfolio: hedged P&L minus unhedged P&L =
  marks + rolls + fees + margin interest. The **costs** alone (fees, rolls, interest: what
  the quarterly-cost limit counts) are :attr:`BookHistory.cost_usd`.
* **Tracking error** of the hedged portfolio against cash: the sample standard deviation of
  daily hedged returns in excess of the day's rate, :math:`\sqrt{252}` annualised, from the
  rows on which the portfolio itself was valued (a stale value would count the futures alone
  as the hedged portfolio's risk); ``None`` with fewer than :data:`MIN_TRACKING_DAYS` returns.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from hedgekit._constants import CALENDAR_DAYS_PER_YEAR
from hedgekit.book._state import BookFill, Mark
from hedgekit.calendar import ContractCode
from hedgekit.contracts import ContractRegistry, default_registry
from hedgekit.errors import InputError

__all__ = [
    "MIN_TRACKING_DAYS",
    "BookHistory",
    "CashFlow",
    "HistoryRow",
    "PortfolioPoint",
    "book_history",
]

#: Fewest daily returns the tracking error is reported from.
MIN_TRACKING_DAYS = 20
_SESSIONS_PER_YEAR = 252
_CASH_KINDS = ("deposit", "interest", "dividend", "fees", "tax", "other")


@dataclass(frozen=True, slots=True)
class CashFlow:
    """Money into (> 0) or out of (< 0) the futures account, by kind.

    ``kind``: ``"deposit"`` (deposits and withdrawals), ``"interest"`` (paid by the broker),
    ``"dividend"`` (the portfolio's), ``"fees"``, ``"tax"``, ``"other"``.
    """

    day: dt.date
    amount_usd: float
    kind: str = "deposit"


@dataclass(frozen=True, slots=True)
class PortfolioPoint:
    """The portfolio's value and beta on a day."""

    day: dt.date
    value_usd: float
    beta: float


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """One marked day: that day's P&L by source, the balance, the hedge ratio."""

    day: dt.date
    positions: Mapping[str, int]
    value_usd: float | None
    hedge_ratio: float | None
    stocks_usd: float
    futures_marks_usd: float
    rolls_usd: float
    fees_usd: float
    margin_interest_usd: float
    dividends_usd: float
    cash_usd: float

    @property
    def hedge_pnl_usd(self) -> float:
        """Marks + rolls + fees + margin interest: what the hedge added that day."""
        return self.futures_marks_usd + self.rolls_usd + self.fees_usd + self.margin_interest_usd

    @property
    def futures_pnl_usd(self) -> float:
        """Variation margin of the day (marks + rolls), for the daily-loss limit."""
        return self.futures_marks_usd + self.rolls_usd

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form."""
        return {
            "day": self.day.isoformat(),
            "positions": dict(self.positions),
            "value_usd": self.value_usd,
            "hedge_ratio": self.hedge_ratio,
            "stocks_usd": self.stocks_usd,
            "futures_marks_usd": self.futures_marks_usd,
            "rolls_usd": self.rolls_usd,
            "fees_usd": self.fees_usd,
            "margin_interest_usd": self.margin_interest_usd,
            "dividends_usd": self.dividends_usd,
            "cash_usd": self.cash_usd,
        }


@dataclass(frozen=True, slots=True)
class BookHistory:
    """Result of :func:`book_history` (module notes for each figure)."""

    rows: tuple[HistoryRow, ...]
    stocks_usd: float
    futures_marks_usd: float
    rolls_usd: float
    fees_usd: float
    margin_interest_usd: float
    dividends_usd: float
    tracking_error_annual: float | None
    #: Ederington (1979) hedge effectiveness over the same days:
    #: 1 - Var(hedged excess returns) / Var(unhedged excess returns); ``None`` as for the
    #: tracking error.
    hedge_effectiveness: float | None = None

    @property
    def hedge_pnl_usd(self) -> float:
        """Hedged minus unhedged P&L: marks + rolls + fees + margin interest."""
        return self.futures_marks_usd + self.rolls_usd + self.fees_usd + self.margin_interest_usd

    @property
    def unhedged_pnl_usd(self) -> float:
        """Stocks + dividends."""
        return self.stocks_usd + self.dividends_usd

    @property
    def hedged_pnl_usd(self) -> float:
        """Unhedged P&L plus the hedge's."""
        return self.unhedged_pnl_usd + self.hedge_pnl_usd

    @property
    def cost_usd(self) -> float:
        """Costs of hedging so far (>= 0 when costly): −(fees + rolls + margin interest)."""
        return -(self.fees_usd + self.rolls_usd + self.margin_interest_usd)

    def cost_between(self, start: dt.date, end: dt.date) -> float:
        """Costs of hedging on rows dated ``start`` to ``end`` inclusive."""
        return -sum(
            r.fees_usd + r.rolls_usd + r.margin_interest_usd
            for r in self.rows
            if start <= r.day <= end
        )

    def quarter_cost_usd(self, day: dt.date) -> float:
        """Costs of hedging in the calendar quarter of ``day``, to ``day`` (the limit's)."""
        first = dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        return self.cost_between(first, day)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form."""
        return {
            "stocks_usd": self.stocks_usd,
            "futures_marks_usd": self.futures_marks_usd,
            "rolls_usd": self.rolls_usd,
            "fees_usd": self.fees_usd,
            "margin_interest_usd": self.margin_interest_usd,
            "dividends_usd": self.dividends_usd,
            "hedge_pnl_usd": self.hedge_pnl_usd,
            "unhedged_pnl_usd": self.unhedged_pnl_usd,
            "hedged_pnl_usd": self.hedged_pnl_usd,
            "cost_usd": self.cost_usd,
            "tracking_error_annual": self.tracking_error_annual,
            "hedge_effectiveness": self.hedge_effectiveness,
            "rows": [r.to_dict() for r in self.rows],
        }


def _roll_keys(fills: Sequence[BookFill]) -> set[str]:
    """Keys of fills that are legs of a roll: same day, same root, near closed and next opened."""
    by_day: dict[tuple[dt.date, str], list[tuple[BookFill, ContractCode]]] = {}
    for f in fills:
        code = ContractCode.parse(f.contract)
        by_day.setdefault((f.day, code.root), []).append((f, code))
    keys: set[str] = set()
    for legs in by_day.values():
        for near, near_code in legs:
            for far, far_code in legs:
                if far_code > near_code and (near.quantity > 0) != (far.quantity > 0):
                    keys.update((near.key, far.key))
    return keys


def book_history(
    fills: Sequence[BookFill],
    marks: Sequence[Mark],
    cash_flows: Sequence[CashFlow] = (),
    portfolio: Sequence[PortfolioPoint] = (),
    *,
    rate_annual: float | Callable[[dt.date], float] = 0.0,
    registry: ContractRegistry | None = None,
) -> BookHistory:
    r"""P&L since inception by source, the hedge ratio by day and the tracking error.

    Parameters
    ----------
    fills
        Futures fills (any order).
    marks
        Daily settlement prices; one row per day with a mark. Every contract held at a
        row's close must have a mark that day.
    cash_flows
        Deposits, withdrawals, broker interest, dividends (:class:`CashFlow`).
    portfolio
        The portfolio's value and beta by day (the latest on or before each row is used).
    rate_annual
        T-bill rate for the margin-interest convention: a number, or a function of the day.
    registry
        Contract multipliers; default :func:`hedgekit.contracts.default_registry`.

    Returns
    -------
    BookHistory

    Raises
    ------
    InputError
        A contract held without a mark on a row's day, or a kind of cash flow not known.
    """
    reg = registry or default_registry()
    rate = rate_annual if callable(rate_annual) else (lambda _d, r=float(rate_annual): r)
    for c in cash_flows:
        if c.kind not in _CASH_KINDS:
            raise InputError("unknown kind of cash flow", source="kind", value=c.kind,
                             expected=", ".join(_CASH_KINDS))  # fmt: skip
    price: dict[tuple[dt.date, str], float] = {(m.day, m.contract): m.price for m in marks}
    days = sorted({m.day for m in marks})
    rolls = _roll_keys(fills)
    pts = sorted(portfolio, key=lambda p: p.day)
    mult: dict[str, float] = {}

    def m_of(contract: str) -> float:
        if contract not in mult:
            mult[contract] = reg.get(ContractCode.parse(contract).root).multiplier_usd
        return mult[contract]

    held: dict[str, int] = {}
    last: dict[str, float] = {}
    cash = 0.0
    prev_day: dt.date | None = None
    prev_value: float | None = None
    rows: list[HistoryRow] = []
    excess: list[float] = []
    plain: list[float] = []
    for day in days:
        lo = dt.date.min if prev_day is None else prev_day
        flows = [c for c in cash_flows if lo < c.day <= day or (prev_day is None and c.day <= day)]
        todays = [f for f in fills if (prev_day is None and f.day <= day) or lo < f.day <= day]
        forgone = 0.0
        if prev_day is not None:
            forgone = cash * rate(prev_day) * (day - prev_day).days / CALENDAR_DAYS_PER_YEAR
        received = sum(c.amount_usd for c in flows if c.kind == "interest")
        interest = received - forgone
        dividends = sum(c.amount_usd for c in flows if c.kind == "dividend")
        marks_pnl = rolls_pnl = 0.0
        for contract, q in held.items():
            settle = price.get((day, contract))
            if settle is None:
                raise InputError(
                    f"{contract} is held on {day} without a mark that day",
                    source="mark",
                    value=str(day),
                    expected=f"a mark of {contract}",
                )
            marks_pnl += q * m_of(contract) * (settle - last[contract])
        for f in todays:
            settle = price.get((day, f.contract))
            if settle is None:
                raise InputError(
                    f"{f.contract} was traded on {f.day} without a mark on {day}",
                    source="mark",
                    value=str(day),
                    expected=f"a mark of {f.contract}",
                )
            vm = f.quantity * m_of(f.contract) * (settle - f.price)
            if f.key in rolls:
                rolls_pnl += vm
            else:
                marks_pnl += vm
            held[f.contract] = held.get(f.contract, 0) + f.quantity
        held = {c: q for c, q in held.items() if q != 0}
        for contract in held:
            last[contract] = price[(day, contract)]
        fees = -sum(f.fees_usd for f in todays)
        # The account's cash: variation margin, fees, deposits and the broker's interest (the
        # forgone T-bill interest is an opportunity cost, not a cash movement; dividends are
        # the portfolio's and never reach the futures account).
        cash += marks_pnl + rolls_pnl + fees + received
        cash += sum(c.amount_usd for c in flows if c.kind in ("deposit", "fees", "tax", "other"))
        point = next((p for p in reversed(pts) if p.day <= day), None)
        value = None if point is None else point.value_usd
        stocks = 0.0
        ratio = None
        if point is not None:
            stocks = point.value_usd - (prev_value if prev_value is not None else point.value_usd)
            exposure = sum(q * m_of(c) * price[(day, c)] for c, q in held.items())
            b = point.beta * point.value_usd
            ratio = -exposure / b if b else None
            # a return only where the portfolio was valued that day: a stale value would
            # make the futures alone look like the hedged portfolio's whole risk
            if prev_value is not None and prev_day is not None and point.day == day:
                hedged = stocks + dividends + marks_pnl + rolls_pnl + fees + interest
                years = (day - prev_day).days / CALENDAR_DAYS_PER_YEAR
                excess.append(hedged / prev_value - rate(prev_day) * years)
                plain.append((stocks + dividends) / prev_value - rate(prev_day) * years)
            prev_value = point.value_usd
        rows.append(
            HistoryRow(
                day,
                dict(held),
                value,
                ratio,
                stocks,
                marks_pnl,
                rolls_pnl,
                fees,
                interest,
                dividends,
                cash,
            )
        )
        prev_day = day
    te = he = None
    if len(excess) >= MIN_TRACKING_DAYS:
        var = _variance(excess)
        te = math.sqrt(var * _SESSIONS_PER_YEAR)
        var_plain = _variance(plain)
        he = 1.0 - var / var_plain if var_plain > 0 else None
    return BookHistory(
        rows=tuple(rows),
        stocks_usd=sum(r.stocks_usd for r in rows),
        futures_marks_usd=sum(r.futures_marks_usd for r in rows),
        rolls_usd=sum(r.rolls_usd for r in rows),
        fees_usd=sum(r.fees_usd for r in rows),
        margin_interest_usd=sum(r.margin_interest_usd for r in rows),
        dividends_usd=sum(r.dividends_usd for r in rows),
        tracking_error_annual=te,
        hedge_effectiveness=he,
    )


def _variance(xs: Sequence[float]) -> float:
    mean = sum(xs) / len(xs)
    return sum((x - mean) ** 2 for x in xs) / (len(xs) - 1)
