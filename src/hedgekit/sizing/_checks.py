"""Argument checks shared by the sizing, margin and scenario modules."""

from __future__ import annotations

import math
import numbers

from hedgekit.errors import InputError

__all__ = ["check_finite", "check_non_negative", "check_positive"]


def check_finite(x: object, name: str) -> float:
    """Return ``x`` as a float, or raise :class:`InputError` naming ``name``."""
    if isinstance(x, bool) or not isinstance(x, numbers.Real) or not math.isfinite(x):
        raise InputError(
            f"{name} must be a finite number", source=name, value=x, expected="a finite number"
        )
    return float(x)


def check_positive(x: object, name: str) -> float:
    """Return ``x`` as a float if finite and > 0, else raise :class:`InputError`."""
    v = check_finite(x, name)
    if v <= 0:
        raise InputError(
            f"{name} must be positive", source=name, value=x, expected="a finite number > 0"
        )
    return v


def check_non_negative(x: object, name: str) -> float:
    """Return ``x`` as a float if finite and >= 0, else raise :class:`InputError`."""
    v = check_finite(x, name)
    if v < 0:
        raise InputError(
            f"{name} must not be negative", source=name, value=x, expected="a finite number >= 0"
        )
    return v
