"""Measure a portfolio's market exposure for the hedge planner.

Returns from prices (futures roll days excluded explicitly), strict alignment, beta
estimators (OLS, Blume, Vasicek, EWMA, holdings-weighted), the minimum-variance hedge
ratio and its effectiveness, and the choice of hedge index (single and joint).

Estimators follow one pattern: an estimator object holds the settings and
``fit(...)`` returns a frozen result with ``to_dict()``; each has a functional
shortcut (``OLSBeta().fit(a, m)`` is ``ols_beta(a, m)``). Time-varying hedge ratios
(rolling OLS, EWMA, DCC-GARCH) share :class:`TimeVaryingHedgeResult`. Everything takes *returns*;
use :func:`returns_from_prices` first.
"""

from __future__ import annotations

from hedgekit._constants import WEEKS_PER_YEAR

from ._align import AlignedReturns, ReturnsLike, align
from ._beta import (
    BetaMethod,
    BetaPrior,
    BetaResult,
    BlumeBeta,
    OLSBeta,
    VasicekBeta,
    blume_adjust,
    cross_sectional_prior,
    holdings_beta,
    holdings_weighted_beta,
    manual_beta,
    ols_beta,
    vasicek_shrink,
)
from ._common import MIN_OBS, Frequency, periods_per_year
from ._dcc import (
    DCCParams,
    GarchParams,
    dcc_correlation_path,
    dcc_loglik,
    garch_variance_path,
    simulate_dcc_garch,
)
from ._ewma import RISKMETRICS_DAILY_DECAY, EWMABeta, ewma_beta, ewma_beta_series
from ._hedge_ratio import (
    MinVarianceHedge,
    MinVarianceResult,
    hedge_effectiveness,
    min_variance_hedge_ratio,
)
from ._index_choice import (
    IndexFit,
    IndexFitTable,
    JointHedgeVerdict,
    MultiBetaResult,
    assess_joint_hedge,
    compare_indices,
    multi_index_beta,
)
from ._returns import FuturesReturns, futures_returns_excluding_rolls, returns_from_prices
from ._time_varying import (
    DEFAULT_ROLLING_WINDOW,
    DCCGarchHedge,
    EWMAHedge,
    RatioModel,
    RollingOLSHedge,
    TimeVaryingHedgeResult,
    dcc_hedge_ratio,
    ewma_hedge_ratio,
    rolling_hedge_ratio,
)

__all__ = [
    "DEFAULT_ROLLING_WINDOW",
    "MIN_OBS",
    "RISKMETRICS_DAILY_DECAY",
    "WEEKS_PER_YEAR",
    "AlignedReturns",
    "BetaMethod",
    "BetaPrior",
    "BetaResult",
    "BlumeBeta",
    "DCCGarchHedge",
    "DCCParams",
    "EWMABeta",
    "EWMAHedge",
    "Frequency",
    "FuturesReturns",
    "GarchParams",
    "IndexFit",
    "IndexFitTable",
    "JointHedgeVerdict",
    "MinVarianceHedge",
    "MinVarianceResult",
    "MultiBetaResult",
    "OLSBeta",
    "RatioModel",
    "ReturnsLike",
    "RollingOLSHedge",
    "TimeVaryingHedgeResult",
    "VasicekBeta",
    "align",
    "assess_joint_hedge",
    "blume_adjust",
    "compare_indices",
    "cross_sectional_prior",
    "dcc_correlation_path",
    "dcc_hedge_ratio",
    "dcc_loglik",
    "ewma_beta",
    "ewma_beta_series",
    "ewma_hedge_ratio",
    "futures_returns_excluding_rolls",
    "garch_variance_path",
    "hedge_effectiveness",
    "holdings_beta",
    "holdings_weighted_beta",
    "manual_beta",
    "min_variance_hedge_ratio",
    "multi_index_beta",
    "ols_beta",
    "periods_per_year",
    "returns_from_prices",
    "rolling_hedge_ratio",
    "simulate_dcc_garch",
    "vasicek_shrink",
]
