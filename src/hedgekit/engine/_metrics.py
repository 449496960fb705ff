r"""Per-run performance measures, from a full value path or from running moments.

Definitions (bench-spec pinned detail 9), with ``W_t`` the total value (portfolio + margin
account) at close ``t = 0..n-1`` and ``V_0`` the initial portfolio value:

* hedged daily return :math:`r_t = W_t / W_{t-1} - 1`, ``t = 1..n-1``;
* unhedged daily return :math:`u_t = \beta (S_t/S_{t-1} - 1) + q_{t-1}/252`;
* annualised volatility :math:`\sigma = \mathrm{std}(r, \mathrm{ddof}=1) \sqrt{252}`;
* CAGR :math:`(W_{n-1}/V_0)^{252/(n-1)} - 1`;
* maximum drawdown :math:`\max_t \left(1 - W_t / \max_{s \le t} W_s\right)`, a fraction
  ``>= 0`` (0.25 is a 25% fall from the running peak);
* hedge effectiveness :math:`1 - \mathrm{var}(r)/\mathrm{var}(u)`, both with ``ddof=1``
  (Ederington, 1979, *J. Finance* 34(1), the variance-reduction measure).

The batched kernels never store a path: they keep a running mean and sum of squared deviations
(Welford, 1962, *Technometrics* 4(3)), the running peak, and the worst ``W_t / peak_t`` as a
numerator/denominator pair (compared by cross-multiplication, so no division per day).
"""

from __future__ import annotations

import numpy as np

from hedgekit._constants import TRADING_DAYS_PER_YEAR
from hedgekit._typing import Float64Array

__all__ = ["PathMetrics", "metrics_from_moments", "metrics_from_path", "unhedged_variance"]

PathMetrics = dict[str, Float64Array]


def unhedged_variance(growth: Float64Array) -> float:
    """Sample variance (ddof=1) of the unhedged daily returns ``growth[1:] - 1``."""
    return float(np.var(growth[1:] - 1.0, ddof=1))


def metrics_from_path(
    total_value_usd: Float64Array, unhedged_returns: Float64Array, initial_value_usd: float
) -> dict[str, float]:
    """Measures of one run from its full total-value path (the oracle's way).

    Parameters
    ----------
    total_value_usd
        ``W_t`` for ``t = 0..n-1``.
    unhedged_returns
        ``u_t`` for ``t = 1..n-1``.
    initial_value_usd
        ``V_0``.

    Returns
    -------
    dict
        ``final_value_usd``, ``cagr``, ``volatility_annual``, ``max_drawdown``,
        ``hedge_effectiveness``.
    """
    w = total_value_usd
    n = w.size
    hedged = w[1:] / w[:-1] - 1.0
    var_h = float(np.var(hedged, ddof=1))
    var_u = float(np.var(unhedged_returns, ddof=1))
    peak = np.maximum.accumulate(w)
    return {
        "final_value_usd": float(w[-1]),
        "cagr": float((w[-1] / initial_value_usd) ** (TRADING_DAYS_PER_YEAR / (n - 1)) - 1.0),
        "volatility_annual": float(np.sqrt(var_h * TRADING_DAYS_PER_YEAR)),
        "max_drawdown": float(np.max(1.0 - w / peak)),
        "hedge_effectiveness": 1.0 - var_h / var_u,
    }


def metrics_from_moments(
    final_value_usd: Float64Array,
    sq_dev_sum: Float64Array,
    trough_value_usd: Float64Array,
    trough_peak_usd: Float64Array,
    *,
    n_days: int,
    initial_value_usd: float,
    var_unhedged: float,
) -> PathMetrics:
    """Measures of a batch of runs from the kernels' running statistics.

    Parameters
    ----------
    final_value_usd
        ``W_{n-1}`` per run.
    sq_dev_sum
        Welford's sum of squared deviations of the hedged returns per run.
    trough_value_usd, trough_peak_usd
        The pair ``(W_t, peak_t)`` with the lowest ratio per run.
    n_days
        ``n`` (day 0 included), so there are ``n - 1`` returns.
    initial_value_usd
        ``V_0``.
    var_unhedged
        Sample variance of the unhedged returns.

    Returns
    -------
    dict of arrays
        ``final_value_usd``, ``cagr``, ``volatility_annual``, ``max_drawdown``,
        ``hedge_effectiveness``.
    """
    var_h = sq_dev_sum / (n_days - 2)
    return {
        "final_value_usd": final_value_usd,
        "cagr": (final_value_usd / initial_value_usd) ** (TRADING_DAYS_PER_YEAR / (n_days - 1))
        - 1.0,
        "volatility_annual": np.sqrt(var_h * TRADING_DAYS_PER_YEAR),
        "max_drawdown": 1.0 - trough_value_usd / trough_peak_usd,
        "hedge_effectiveness": 1.0 - var_h / var_unhedged,
    }
