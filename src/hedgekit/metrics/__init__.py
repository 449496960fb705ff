"""Performance measures of hedged and unhedged value paths.

Pure functions on value or return paths shaped ``(n,)`` or ``(n, k)`` (time along axis 0),
and :class:`Metrics`, the typed record of one run's measures that
:class:`hedgekit.backtest.BacktestResult` carries for the hedged and the unhedged portfolio.
Definitions and sources are in :mod:`hedgekit.metrics._measures`; annualisation uses
``hedgekit._constants.TRADING_DAYS_PER_YEAR`` sessions. Sharpe and Sortino ratios measure
excess returns over the 3-month T-bill credited daily as ``r_{t-1}/252``.

Examples
--------
>>> import numpy as np
>>> from hedgekit.metrics import max_drawdown, total_return
>>> w = np.array([100.0, 110.0, 88.0, 99.0, 121.0])
>>> round(float(total_return(w)), 4)
0.21
>>> dd = max_drawdown(w)
>>> round(float(dd.depth), 4), int(dd.peak), int(dd.trough), int(dd.end)
(0.2, 1, 2, 4)
"""

from __future__ import annotations

from hedgekit.metrics._measures import (
    Drawdown,
    cagr,
    daily_returns,
    hedge_effectiveness,
    max_drawdown,
    risk_free_daily,
    sharpe_ratio,
    sortino_ratio,
    total_return,
    volatility_annual,
)
from hedgekit.metrics._summary import (
    COST_COUNTERS,
    Metrics,
    metrics_columns,
    metrics_columns_online,
)

__all__ = [
    "COST_COUNTERS",
    "Drawdown",
    "Metrics",
    "cagr",
    "daily_returns",
    "hedge_effectiveness",
    "max_drawdown",
    "metrics_columns",
    "metrics_columns_online",
    "risk_free_daily",
    "sharpe_ratio",
    "sortino_ratio",
    "total_return",
    "volatility_annual",
]
