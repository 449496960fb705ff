"""Margin: initial and maintenance requirements, cash buffers, daily mark-to-market ledger.

Margin is collateral posted with the broker/clearing house, not a cost. A futures position
needs the initial margin to open; daily settlement moves cash in and out of the account; a
balance below the maintenance margin triggers a call to bring it back to the initial level
(Hull, *Options, Futures and Other Derivatives*, 11th ed., §2.4; CME Group, "FAQ: Performance
Bonds / Margins").
"""

from __future__ import annotations

from hedgekit.margin._account import MarginPath, simulate_margin_account
from hedgekit.margin._requirements import (
    DEFAULT_BUFFER_MULTIPLES,
    RECOMMENDED_BUFFER_MULTIPLE,
    BufferRow,
    ContractLookup,
    MarginLine,
    MarginSummary,
    margin_requirements,
)

__all__ = [
    "DEFAULT_BUFFER_MULTIPLES",
    "RECOMMENDED_BUFFER_MULTIPLE",
    "BufferRow",
    "ContractLookup",
    "MarginLine",
    "MarginPath",
    "MarginSummary",
    "margin_requirements",
    "simulate_margin_account",
]
