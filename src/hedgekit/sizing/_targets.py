"""What a hedge aims at: a fraction of the beta-adjusted exposure, or a target beta."""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any, TypeAlias

from hedgekit.errors import InputError

__all__ = ["HedgeFraction", "HedgeTarget", "TargetBeta", "as_target"]


@dataclass(frozen=True, slots=True)
class HedgeFraction:
    r"""Hedge a fraction ``h`` of the portfolio's beta-adjusted exposure.

    ``h = 0`` is no hedge, ``h = 1`` a full (minimum-variance, beta-neutral) hedge:
    the futures position offsets :math:`h\,\beta V_A` dollars of index exposure
    (Hull, *Options, Futures and Other Derivatives*, 11th ed., §3.5 "Stock index futures").

    Parameters
    ----------
    h
        Fraction in ``[0, 1]``. Values above 1 would make the portfolio net short the
        index: ask for that explicitly with :class:`TargetBeta` and ``allow_net_short``.

    Raises
    ------
    InputError
        ``h`` is not a finite number in ``[0, 1]``.
    """

    h: float

    def __post_init__(self) -> None:
        h: object = self.h
        if isinstance(h, bool) or not isinstance(h, numbers.Real) or not math.isfinite(h):
            raise InputError(
                "hedge fraction must be a finite number",
                source="hedge",
                value=h,
                expected="a fraction in [0, 1]",
            )
        if not 0.0 <= float(h) <= 1.0:
            raise InputError(
                "hedge fraction is outside [0, 1]; above 1 the portfolio would be net short",
                source="hedge",
                value=h,
                expected="a fraction in [0, 1]",
            )
        object.__setattr__(self, "h", float(self.h))

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary."""
        return {"kind": "hedge_fraction", "h": self.h}


@dataclass(frozen=True, slots=True)
class TargetBeta:
    r"""Move the portfolio's beta to ``beta`` (Hull 11e §3.5 "Changing the beta").

    The futures position is :math:`N = (\beta^* - \beta)\,V_A / V_F`: a target
    below the current beta sells futures, a target above buys them. A negative target
    makes the portfolio net short and needs ``allow_net_short=True`` when sizing.

    Parameters
    ----------
    beta
        Target beta :math:`\beta^*` of portfolio plus futures (finite).

    Raises
    ------
    InputError
        ``beta`` is not finite.
    """

    beta: float

    def __post_init__(self) -> None:
        b: object = self.beta
        if isinstance(b, bool) or not isinstance(b, numbers.Real) or not math.isfinite(b):
            raise InputError(
                "target beta must be a finite number",
                source="target_beta",
                value=b,
                expected="a finite number (0 = fully hedged)",
            )
        object.__setattr__(self, "beta", float(self.beta))

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary."""
        return {"kind": "target_beta", "beta": self.beta}


#: Either kind of hedge target.
HedgeTarget: TypeAlias = HedgeFraction | TargetBeta


def as_target(target: HedgeTarget | float) -> HedgeTarget:
    """Return ``target`` as a :data:`HedgeTarget`; a bare number is a hedge fraction.

    Parameters
    ----------
    target
        A :class:`HedgeFraction`, a :class:`TargetBeta`, or a number read as ``h``.

    Returns
    -------
    HedgeFraction or TargetBeta
        The validated target.
    """
    if isinstance(target, HedgeFraction | TargetBeta):
        return target
    return HedgeFraction(target)
