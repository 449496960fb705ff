r"""One margin rule for dates before a contract's first dated figure.

The registry's figures are dated (:class:`hedgekit.contracts.MarginRate`); for a date before
the first one, every command scales that first figure by the contract's notional,

.. math:: IM_t = IM_{first} \times F_t / F_{first},

with :math:`F_{first}` the snapshot's futures price (:func:`resolve_market`) on the first
session on or after the figure's date and :math:`F_t` the futures price the command uses on
:math:`t`. Exchanges set margins as a share of notional (CME SPAN scans a price range
proportional to the price), so a 2008 hedge is not charged a 2024 figure three times its
size. ``plan``, ``cost``, ``compare``, ``backtest`` and ``stress`` all use this rule.
"""

from __future__ import annotations

import datetime as dt
import functools

from hedgekit.calendar import session_on_or_after
from hedgekit.contracts import ContractSpec, MarginRate

__all__ = ["first_margin_price", "margin_on", "margin_scale"]


@functools.cache
def first_margin_price(spec: ContractSpec) -> tuple[dt.date, float]:
    """The session of ``spec``'s first dated margin figure and its futures price then."""
    from hedgekit.snapshot._resolve import resolve_market

    day = session_on_or_after(spec.margins[0].effective).date()
    return day, resolve_market(spec, day).futures_price


def margin_scale(spec: ContractSpec, day: dt.date, futures_price: float) -> float | None:
    """:math:`F_t / F_{first}` before the first dated figure, ``None`` from it on."""
    if not spec.margins or day >= spec.margins[0].effective:
        return None
    return futures_price / first_margin_price(spec)[1]


def margin_on(spec: ContractSpec, day: dt.date, futures_price: float) -> MarginRate:
    """The registry's figure on ``day``, or the first one scaled by notional before it."""
    scale = margin_scale(spec, day, futures_price)
    if scale is None:
        return spec.margin_on(day)
    return spec.margin_on(day, before_first="scaled", scale=scale)
