r"""The book day by day, for charts: P&L to date by source, hedge ratio against target, margin.

:func:`book_timeline` lays the rows of :func:`hedgekit.book._history.book_history` out as a
frame, one row per marked day, and adds what the history alone does not hold: the policy's
target hedge ratio in force that day and the margin the day's position needed.

Columns
-------
* ``stocks_usd`` ... ``dividends_usd``, ``hedged_pnl_usd``: P&L since inception to the day,
  by source (the running sums of the history's daily figures; see its module notes).
* ``hedge_ratio``: the realised hedge ratio :math:`-\sum_i q_i m_i F_{i,t} / (\beta_t V_t)`
  (Hull 11e §3.5); NaN before the portfolio was first valued.
* ``hedge_ratio_target``: the policy's ``hedge_ratio``, or for a target beta
  :math:`\beta^*` the share :math:`(\beta_t - \beta^*)/\beta_t` of the beta exposure that
  takes the portfolio's beta :math:`\beta_t` to :math:`\beta^*` (Hull 11e §3.5, "Changing
  the beta"); NaN without a beta.
* ``balance_usd``: cash in the futures account at the close.
* ``initial_margin_usd``, ``maintenance_margin_usd``: :math:`\sum_i |q_i|\,IM_i` and
  :math:`\sum_i |q_i|\,MM_i` of the position held at the close, at the registry's rates in
  force that day (:func:`hedgekit.snapshot.margin_on`; Hull 11e §2.4).
* ``cash_to_keep_usd``: the policy's ``cash_buffer_multiple`` × initial margin (the figure
  ``book status`` reports).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TypeVar

import numpy as np
import pandas as pd

from hedgekit.book._history import BookHistory, PortfolioPoint
from hedgekit.book._journal import live_events
from hedgekit.book._policy import BookPolicy
from hedgekit.book._state import Mark
from hedgekit.book._store import Event
from hedgekit.calendar import ContractCode
from hedgekit.contracts import ContractRegistry, default_registry
from hedgekit.snapshot import margin_on

__all__ = ["PNL_SOURCES", "book_timeline", "policies_in_force"]

_T = TypeVar("_T")

#: P&L sources of the history, in report order: (column, label).
PNL_SOURCES = (
    ("stocks_usd", "stocks"),
    ("futures_marks_usd", "futures marks"),
    ("rolls_usd", "rolls"),
    ("fees_usd", "fees"),
    ("margin_interest_usd", "margin interest"),
    ("dividends_usd", "dividends"),
)


def policies_in_force(events: Iterable[Event], as_of: dt.date) -> list[tuple[dt.date, BookPolicy]]:
    """The live policies booked up to ``as_of``, as ``(effective date, policy)`` in date order.

    On one date the last recorded wins, as in :func:`hedgekit.book._journal.derive_state`.
    """
    return [
        (e.effective_date, BookPolicy.from_dict(e.payload))
        for e in live_events(events)
        if e.kind == "policy" and e.effective_date <= as_of
    ]


def _latest(items: Sequence[tuple[dt.date, _T]], day: dt.date) -> _T | None:
    found: _T | None = None
    for when, item in items:
        if when > day:
            break
        found = item
    return found


def book_timeline(
    history: BookHistory,
    marks: Sequence[Mark],
    portfolio: Sequence[PortfolioPoint],
    policies: Sequence[tuple[dt.date, BookPolicy]],
    *,
    registry: ContractRegistry | None = None,
) -> pd.DataFrame:
    """One row per marked day of ``history`` (module notes for each column).

    Parameters
    ----------
    history
        :func:`hedgekit.book._history.book_history` of the book.
    marks
        The marks the history was built from (the prices the margin is figured at).
    portfolio
        The portfolio's value and beta by day (for a target beta's hedge ratio).
    policies
        :func:`policies_in_force`; before the first, the default :class:`BookPolicy`.
    registry
        Contracts; default :func:`hedgekit.contracts.default_registry`.

    Returns
    -------
    pandas.DataFrame
        Indexed by day (``DatetimeIndex``); empty (with the columns) when nothing is marked.
    """
    reg = registry or default_registry()
    price = {(m.day, m.contract): m.price for m in marks}
    pts = [(p.day, p) for p in sorted(portfolio, key=lambda p: p.day)]
    pols = sorted(policies, key=lambda x: x[0])
    totals = dict.fromkeys((c for c, _ in PNL_SOURCES), 0.0)
    records: list[dict[str, float]] = []
    for row in history.rows:
        for col, _ in PNL_SOURCES:
            totals[col] += float(getattr(row, col))
        policy = _latest(pols, row.day) or BookPolicy()
        point = _latest(pts, row.day)
        if policy.hedge_ratio is not None:
            target = float(policy.hedge_ratio)
        elif point is not None and point.beta:
            assert policy.target_beta is not None
            target = (point.beta - policy.target_beta) / point.beta
        else:
            target = np.nan
        initial = maint = 0.0
        for contract, q in row.positions.items():
            spec = reg.get(ContractCode.parse(contract).root)
            rate = margin_on(spec, row.day, price[(row.day, contract)])
            initial += abs(q) * rate.initial_usd
            maint += abs(q) * rate.maintenance_usd
        records.append(
            {
                **totals,
                "hedged_pnl_usd": sum(totals.values()),
                "hedge_ratio": np.nan if row.hedge_ratio is None else float(row.hedge_ratio),
                "hedge_ratio_target": target,
                "balance_usd": float(row.cash_usd),
                "initial_margin_usd": initial,
                "maintenance_margin_usd": maint,
                "cash_to_keep_usd": policy.cash_buffer_multiple * initial,
            }
        )
    columns = [
        *(c for c, _ in PNL_SOURCES),
        "hedged_pnl_usd",
        "hedge_ratio",
        "hedge_ratio_target",
        "balance_usd",
        "initial_margin_usd",
        "maintenance_margin_usd",
        "cash_to_keep_usd",
    ]
    index = pd.DatetimeIndex([pd.Timestamp(r.day) for r in history.rows], name="date")
    return pd.DataFrame.from_records(records, index=index, columns=columns)
