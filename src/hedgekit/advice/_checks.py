"""Strict conversion of numbers given to advice records (bools are not numbers here)."""

from __future__ import annotations

import math
import numbers

__all__ = ["as_finite_float", "as_int"]


def as_finite_float(value: object) -> float | None:
    """Return ``value`` as a plain float if it is a finite real number, else ``None``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    x = float(value)
    return x if math.isfinite(x) else None


def as_int(value: object) -> int | None:
    """Return ``value`` as a plain int if it is an integral number, else ``None``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        return None
    return int(value)
