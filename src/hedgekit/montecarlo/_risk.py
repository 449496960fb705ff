r"""Tail measures of simulated outcomes: VaR, CVaR (expected shortfall), percentiles.

For outcomes ``x`` (P&L, positive = gain) sorted ascending, :math:`x_{(1)} \le \dots \le
x_{(n)}`, and a confidence level :math:`c` (0.95, 0.99), let
:math:`w = \max(1, \lfloor n(1-c) \rfloor)`, the number of outcomes in the tail. Then

* value at risk :math:`\mathrm{VaR}_c = -x_{(w)}`: the :math:`w`-th worst outcome as a loss
  (fewer than :math:`n(1-c)` outcomes are worse; for :math:`n(1-c)` a whole number it is the
  inverted-CDF empirical quantile at :math:`1-c`);
* conditional value at risk (expected shortfall)
  :math:`\mathrm{CVaR}_c = -\frac{1}{w}\sum_{i=1}^{w} x_{(i)}`: the mean of the :math:`w`
  worst outcomes as a loss (Acerbi, C. and Tasche, D. (2002), "Expected Shortfall: a natural
  coherent alternative to Value at Risk", *Economic Notes* 31(2), 379–388, the estimator
  :math:`ES^{(n)}_\alpha` with :math:`\alpha = 1-c`).

Both are losses: positive numbers mean money lost. :math:`\mathrm{CVaR}_c \ge \mathrm{VaR}_c`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from hedgekit._typing import Float64Array
from hedgekit.errors import InputError

__all__ = [
    "DEFAULT_CONFIDENCES",
    "DEFAULT_PERCENTILES",
    "expected_shortfall",
    "percentiles",
    "tail_count",
    "value_at_risk",
]

#: Confidence levels of VaR and CVaR reported by default.
DEFAULT_CONFIDENCES = (0.95, 0.99)
#: Percentiles of outcome distributions reported by default (as fractions).
DEFAULT_PERCENTILES = (0.01, 0.05, 0.25, 0.50, 0.75, 0.95, 0.99)

# Guard so that n(1-c) = 5 computed as 4.999999999 still counts 5 outcomes.
_EPS = 1e-9


def _outcomes(x: npt.ArrayLike) -> Float64Array:
    arr = np.asarray(x, dtype=np.float64).ravel()
    if arr.size == 0:
        raise InputError("no outcomes", source="outcomes", expected="at least one value")
    if not np.isfinite(arr).all():
        raise InputError("non-finite outcome", source="outcomes", expected="finite values")
    return arr


def _confidence(c: float) -> float:
    if not (isinstance(c, float | int) and 0.0 < float(c) < 1.0):
        raise InputError(
            "invalid confidence level", source="confidence", value=c, expected="in (0, 1)"
        )
    return float(c)


def tail_count(n: int, confidence: float) -> int:
    r"""Outcomes in the tail: :math:`w = \max(1, \lfloor n(1-c) \rfloor)`."""
    return max(1, math.floor(n * (1.0 - _confidence(confidence)) + _EPS))


def value_at_risk(outcomes: npt.ArrayLike, confidence: float) -> float:
    r"""Value at risk :math:`-x_{(w)}` of outcomes (positive = gain); a loss, in their unit."""
    x = _outcomes(outcomes)
    w = tail_count(x.size, confidence)
    return -float(np.partition(x, w - 1)[w - 1])


def expected_shortfall(outcomes: npt.ArrayLike, confidence: float) -> float:
    r"""CVaR :math:`-\frac{1}{w}\sum_{i \le w} x_{(i)}` (Acerbi & Tasche, 2002); a loss."""
    x = _outcomes(outcomes)
    w = tail_count(x.size, confidence)
    return -float(np.mean(np.partition(x, w - 1)[:w]))


def percentiles(
    outcomes: npt.ArrayLike, levels: Sequence[float] = DEFAULT_PERCENTILES
) -> dict[str, float]:
    """Percentiles (numpy's default linear interpolation) keyed ``"p01"``, ``"p50"``, ...."""
    x = _outcomes(outcomes)
    qs = np.quantile(x, np.asarray(levels, dtype=np.float64))
    return {f"p{round(q * 100):02d}": float(v) for q, v in zip(levels, qs, strict=True)}
