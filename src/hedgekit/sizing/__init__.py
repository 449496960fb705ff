"""Hedge sizing: target hedge -> whole futures contracts per instrument.

Hedge a fraction of a portfolio's beta exposure or move it to a target beta
(Hull, *Options, Futures and Other Derivatives*, 11th ed., §3.5), in whole E-minis,
optionally topped up with Micros, with explicit rounding, an optional tail factor (§3.4) and
a guard against going net short beyond a small rounding tolerance.
"""

from __future__ import annotations

from hedgekit.sizing._sizing import (
    DEFAULT_NET_SHORT_TOLERANCE,
    MAX_NET_SHORT_TOLERANCE,
    HedgeSizing,
    Leg,
    NetShortGuard,
    PriceBasis,
    PriceBasisComparison,
    RoundingCandidate,
    size_hedge,
    tail_factor,
)
from hedgekit.sizing._targets import HedgeFraction, HedgeTarget, TargetBeta, as_target

__all__ = [
    "DEFAULT_NET_SHORT_TOLERANCE",
    "MAX_NET_SHORT_TOLERANCE",
    "HedgeFraction",
    "HedgeSizing",
    "HedgeTarget",
    "Leg",
    "NetShortGuard",
    "PriceBasis",
    "PriceBasisComparison",
    "RoundingCandidate",
    "TargetBeta",
    "as_target",
    "size_hedge",
    "tail_factor",
]
