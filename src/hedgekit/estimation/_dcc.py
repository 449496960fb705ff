r"""DCC-GARCH(1,1) for a spot/futures pair: numpy cores for the time-varying hedge ratio.

Engle (2002), "Dynamic Conditional Correlation: A Simple Class of Multivariate Generalized
Autoregressive Conditional Heteroskedasticity Models", *Journal of Business & Economic
Statistics* 20(3), 339-350. Two steps: univariate GARCH(1,1) margins (Bollerslev 1986),
fitted with :mod:`arch`, then the correlation parameters :math:`(a, b)` by quasi-maximum
likelihood on the standardized residuals :math:`z_t = \varepsilon_t/\sigma_t`, with
correlation targeting (:math:`\bar Q` = sample covariance of :math:`z`):

.. math::

    Q_t = (1 - a - b)\,\bar Q + a\, z_{t-1} z_{t-1}^\top + b\, Q_{t-1}, \qquad
    \rho_t = \frac{q_{12,t}}{\sqrt{q_{11,t}\, q_{22,t}}}

and the hedge ratio of Kroner & Sultan (1993), *Journal of Financial and Quantitative
Analysis* 28(4), 535-551: :math:`h_t = \rho_t\,\sigma_{S,t}/\sigma_{F,t}`, the conditional
version of the minimum-variance ratio (Ederington 1979; Hull, 11th ed., §3.4, eq. 3.1).

Everything here is *ex ante*: entry ``t`` of a path is known at the close of ``t - 1`` and
applies to the return of day ``t``; the entry after the last day is the one-step forecast.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

import numpy as np
from scipy.signal import lfilter

from hedgekit._typing import Float64Array

__all__ = [
    "ARCH_BACKCAST_SPAN",
    "DCCParams",
    "GarchParams",
    "dcc_correlation_path",
    "dcc_loglik",
    "garch_variance_path",
    "simulate_dcc_garch",
]

#: Observations and decay of the variance backcast that starts the GARCH recursion, as in
#: :mod:`arch` (``GARCH.backcast``: 0.94-weighted mean of the first 75 squared residuals).
ARCH_BACKCAST_SPAN: Final = 75
_BACKCAST_DECAY: Final = 0.94


@dataclass(frozen=True, slots=True)
class GarchParams:
    r"""GARCH(1,1) of a zero-mean return, in *decimal* units (Bollerslev 1986).

    :math:`\sigma^2_t = \omega + \alpha\varepsilon^2_{t-1} + \beta\sigma^2_{t-1}`.

    Attributes
    ----------
    omega, alpha, beta
        Constant (decimal return squared), ARCH and GARCH coefficients.
    backcast
        :math:`\sigma^2` used for the pre-sample terms (decimal return squared).
    """

    omega: float
    alpha: float
    beta: float
    backcast: float


@dataclass(frozen=True, slots=True)
class DCCParams:
    r"""A fitted DCC-GARCH(1,1) for (spot, futures): what filtering new days needs.

    Attributes
    ----------
    spot, futures
        GARCH(1,1) margins.
    a, b
        DCC parameters, :math:`a, b \ge 0`, :math:`a + b < 1`.
    q_bar
        Unconditional covariance of the standardized residuals, ``(q11, q12, q22)``.
    """

    spot: GarchParams
    futures: GarchParams
    a: float
    b: float
    q_bar: tuple[float, float, float]


def arch_backcast(resid: Float64Array) -> float:
    """The pre-sample variance :mod:`arch` uses for GARCH (``GARCH.backcast``).

    A 0.94-weighted mean of the first 75 squared residuals.
    """
    tau = min(ARCH_BACKCAST_SPAN, resid.size)
    w = _BACKCAST_DECAY ** np.arange(tau, dtype=np.float64)
    w /= w.sum()
    return float(np.sum(resid[:tau] ** 2 * w))


def garch_variance_path(resid: Float64Array, p: GarchParams) -> Float64Array:
    r"""Conditional variances :math:`\sigma^2_t`, ``t = 0..n``, from ``n`` residuals.

    ``n + 1`` entries; the last is the one-step forecast.

    :math:`\sigma^2_0 = \omega + (\alpha + \beta)\,\text{backcast}`, then the GARCH(1,1)
    recursion, the same start as :mod:`arch` (so on a fit sample it reproduces
    ``ARCHModelResult.conditional_volatility`` squared).
    """
    x = np.empty(resid.size + 1)
    x[0] = p.backcast
    x[1:] = resid * resid
    # sigma2_t - beta sigma2_{t-1} = omega + alpha x_{t-1}: a first-order linear filter.
    drive = p.omega + p.alpha * x
    init = p.backcast * p.beta
    out, _ = lfilter([1.0], [1.0, -p.beta], drive, zi=[init])
    return np.asarray(out, dtype=np.float64)


def dcc_correlation_path(
    z_spot: Float64Array,
    z_fut: Float64Array,
    a: float,
    b: float,
    q_bar: tuple[float, float, float],
    q_init: tuple[float, float, float] | None = None,
) -> Float64Array:
    r"""Conditional correlations :math:`\rho_t`, ``t = 0..n``, from ``n`` standardized residuals.

    ``n + 1`` entries; the last is the one-step forecast.

    :math:`Q_0` = ``q_init`` (default :math:`\bar Q`, the usual start), then
    :math:`Q_t = (1-a-b)\bar Q + a z_{t-1}z_{t-1}^\top + b Q_{t-1}` (Engle 2002, eq. 26).
    """
    q11b, q12b, q22b = q_bar
    q0 = q_bar if q_init is None else q_init
    n = z_spot.size
    paths = []
    for cross, qb, qi in (
        (z_spot * z_spot, q11b, q0[0]),
        (z_spot * z_fut, q12b, q0[1]),
        (z_fut * z_fut, q22b, q0[2]),
    ):
        drive = np.empty(n + 1)
        drive[0] = qi
        drive[1:] = (1.0 - a - b) * qb + a * cross
        out, _ = lfilter([1.0], [1.0, -b], drive[1:], zi=[b * qi])
        path = np.empty(n + 1)
        path[0] = qi
        path[1:] = out
        paths.append(path)
    q11, q12, q22 = paths
    rho = q12 / np.sqrt(q11 * q22)
    return np.asarray(np.clip(rho, -1.0, 1.0), dtype=np.float64)


def dcc_loglik(
    z_spot: Float64Array,
    z_fut: Float64Array,
    a: float,
    b: float,
    q_bar: tuple[float, float, float],
) -> float:
    r"""Correlation part of the DCC Gaussian quasi log-likelihood (Engle 2002, eq. 28).

    .. math::

        L_C(a, b) = -\tfrac12 \sum_t \left(\log(1-\rho_t^2)
        + \frac{z_{1t}^2 + z_{2t}^2 - 2\rho_t z_{1t} z_{2t}}{1-\rho_t^2}
        - z_{1t}^2 - z_{2t}^2\right)

    for the bivariate case (:math:`|R_t| = 1-\rho_t^2`). ``-inf`` when a correlation
    reaches :math:`\pm 1`.
    """
    rho = dcc_correlation_path(z_spot, z_fut, a, b, q_bar)[:-1]
    one_minus = 1.0 - rho * rho
    if not np.all(one_minus > 0.0):
        return -math.inf
    s2 = z_spot * z_spot + z_fut * z_fut
    quad = (s2 - 2.0 * rho * z_spot * z_fut) / one_minus
    return float(-0.5 * np.sum(np.log(one_minus) + quad - s2))


def simulate_dcc_garch(
    n: int,
    params: DCCParams,
    *,
    seed: int | np.random.Generator | None = None,
) -> tuple[Float64Array, Float64Array, Float64Array]:
    r"""Simulate ``n`` days of (spot, futures) returns from a Gaussian DCC-GARCH(1,1).

    Engle (2002), eqs. 23-26, with :math:`Q_0 = \bar Q` and variances started at their
    unconditional values :math:`\omega/(1-\alpha-\beta)`.

    Returns
    -------
    spot, futures, rho
        Returns (decimal) and the true conditional correlation of each day.
    """
    rng = np.random.default_rng(seed)
    q11b, q12b, q22b = params.q_bar
    a, b = params.a, params.b
    gs, gf = params.spot, params.futures
    s2 = gs.omega / (1.0 - gs.alpha - gs.beta)
    f2 = gf.omega / (1.0 - gf.alpha - gf.beta)
    q11, q12, q22 = q11b, q12b, q22b
    e = rng.standard_normal((n, 2))
    spot = np.empty(n)
    fut = np.empty(n)
    rho_path = np.empty(n)
    for t in range(n):
        rho = q12 / math.sqrt(q11 * q22)
        z1 = e[t, 0]
        z2 = rho * e[t, 0] + math.sqrt(1.0 - rho * rho) * e[t, 1]
        rs = math.sqrt(s2) * z1
        rf = math.sqrt(f2) * z2
        spot[t], fut[t], rho_path[t] = rs, rf, rho
        q11 = (1.0 - a - b) * q11b + a * z1 * z1 + b * q11
        q12 = (1.0 - a - b) * q12b + a * z1 * z2 + b * q12
        q22 = (1.0 - a - b) * q22b + a * z2 * z2 + b * q22
        s2 = gs.omega + gs.alpha * rs * rs + gs.beta * s2
        f2 = gf.omega + gf.alpha * rf * rf + gf.beta * f2
    return spot, fut, rho_path
