"""Pure numpy kernels behind :mod:`hedgekit.estimation`.

Nothing here knows about dates, names or pandas; the callers validate their inputs
(finite values, enough observations, a non-degenerate design) before calling in.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from hedgekit._typing import BoolArray, Float64Array


def simple_returns(prices: Float64Array) -> Float64Array:
    r"""Simple returns along the first axis.

    .. math:: r_t = \frac{P_t}{P_{t-1}} - 1, \qquad t = 1, \dots, n-1

    Simple, not logarithmic, returns: the P&L of a stock position and of its futures
    hedge are linear in them, so betas and hedge ratios apply to them directly.

    Parameters
    ----------
    prices
        Positive prices, shape ``(n,)`` or ``(n, k)``; NaN propagates.

    Returns
    -------
    Float64Array
        Returns, shape ``(n - 1,)`` or ``(n - 1, k)``.
    """
    out: Float64Array = prices[1:] / prices[:-1] - 1.0
    return out


class OLSFit(NamedTuple):
    """Ordinary least squares with an intercept: coefficients and classical statistics."""

    coef: Float64Array
    """``[alpha, beta_1, ..., beta_k]``."""
    se: Float64Array
    """Classical (homoskedastic) standard errors of ``coef``."""
    r_squared: float
    adj_r_squared: float
    ssr: float
    """Sum of squared residuals."""
    n_obs: int


def ols(y: Float64Array, x: Float64Array) -> OLSFit:
    r"""Regress ``y`` on a constant and the columns of ``x``.

    .. math::

        y = \alpha + X\beta + \varepsilon, \qquad
        \hat\theta = (Z^\top Z)^{-1} Z^\top y, \quad Z = [\mathbf 1, X]

        \hat\sigma^2 = \frac{\mathrm{SSR}}{n - k - 1}, \qquad
        \widehat{\mathrm{Var}}(\hat\theta) = \hat\sigma^2 (Z^\top Z)^{-1}

        R^2 = 1 - \frac{\mathrm{SSR}}{\mathrm{SST}}, \qquad
        \bar R^2 = 1 - (1 - R^2)\frac{n - 1}{n - k - 1}

    (classical OLS, e.g. Greene, *Econometric Analysis*, ch. 4). Solved by QR for
    numerical stability.

    Parameters
    ----------
    y
        Dependent variable, shape ``(n,)``.
    x
        Regressors without the constant, shape ``(n,)`` or ``(n, k)``, full column rank
        together with the constant, ``n > k + 1``.

    Returns
    -------
    OLSFit
    """
    n = y.shape[0]
    x2 = x.reshape(n, -1)
    k = x2.shape[1]
    design = np.column_stack([np.ones(n), x2])
    q, r = np.linalg.qr(design)
    coef = np.linalg.solve(r, q.T @ y)
    resid = y - design @ coef
    ssr = float(resid @ resid)
    dof = n - k - 1
    sigma2 = ssr / dof
    r_inv = np.linalg.inv(r)
    cov = sigma2 * (r_inv @ r_inv.T)
    se = np.sqrt(np.diag(cov))
    centred = y - y.mean()
    sst = float(centred @ centred)
    r_squared = 1.0 - ssr / sst
    adj = 1.0 - (1.0 - r_squared) * (n - 1) / dof
    return OLSFit(coef, se, r_squared, adj, ssr, n)


def design_is_full_rank(x: Float64Array) -> bool:
    """Whether ``[1, x]`` has full column rank (no constant or collinear regressor)."""
    n = x.shape[0]
    design = np.column_stack([np.ones(n), x.reshape(n, -1)])
    return bool(np.linalg.matrix_rank(design) == design.shape[1])


class MinVarianceStats(NamedTuple):
    """Moments behind the minimum-variance hedge ratio (per period, ddof = 1)."""

    h_star: float
    rho: float
    sigma_spot: float
    sigma_futures: float


def min_variance(spot: Float64Array, futures: Float64Array) -> MinVarianceStats:
    r"""Minimum-variance hedge ratio from paired spot and hedge-instrument returns.

    .. math:: h^* = \rho \frac{\sigma_S}{\sigma_F}

    Hull, *Options, Futures and Other Derivatives*, 11th ed., §3.4, eq. (3.1); sample
    moments with ``ddof = 1``. Equal to the OLS slope of ``spot`` on ``futures``.
    """
    sigma_s = float(np.std(spot, ddof=1))
    sigma_f = float(np.std(futures, ddof=1))
    ds = spot - spot.mean()
    df = futures - futures.mean()
    cov = float(ds @ df) / (spot.shape[0] - 1)
    rho = cov / (sigma_s * sigma_f)
    return MinVarianceStats(rho * sigma_s / sigma_f, rho, sigma_s, sigma_f)


def variance_reduction(hedged: Float64Array, unhedged: Float64Array) -> float:
    r"""Hedge effectiveness as the share of variance removed.

    .. math:: \mathrm{HE} = 1 - \frac{\mathrm{Var}(r_{hedged})}{\mathrm{Var}(r_{unhedged})}

    Sample variances with ``ddof = 1`` (Hull, 11th ed., §3.4: with the minimum-variance
    ratio this equals :math:`\rho^2`). Negative when the hedge adds variance.
    """
    return 1.0 - float(np.var(hedged, ddof=1)) / float(np.var(unhedged, ddof=1))


def ewma_beta_path(y: Float64Array, x: Float64Array, decay: float) -> Float64Array:
    r"""Exponentially weighted beta after each observation (zero-mean moments).

    .. math::

        C_t = \lambda C_{t-1} + y_t x_t, \qquad V_t = \lambda V_{t-1} + x_t^2,
        \qquad \beta_t = C_t / V_t

    the RiskMetrics exponentially weighted covariance and variance (J.P. Morgan/Reuters,
    *RiskMetrics — Technical Document*, 4th ed., 1996, ch. 5) with ``C_0 = V_0 = 0``;
    the normalising factor :math:`1-\lambda` cancels in the ratio. ``NaN`` while
    :math:`V_t = 0`.
    """
    n = y.shape[0]
    out = np.empty(n)
    c = 0.0
    v = 0.0
    for t in range(n):
        c = decay * c + y[t] * x[t]
        v = decay * v + x[t] * x[t]
        out[t] = c / v if v > 0.0 else np.nan
    return out


def labels_change(labels: npt.NDArray[np.object_]) -> BoolArray:
    """``True`` at position ``t - 1`` when ``labels[t] != labels[t - 1]``, length ``n - 1``."""
    changed: BoolArray = np.asarray(labels[1:] != labels[:-1], dtype=np.bool_)
    return changed
