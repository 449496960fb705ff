"""Independent references for hedgekit.estimation.

Nothing here calls hedgekit. Hand-computed values carry their arithmetic; regression
statistics come from statsmodels (``sm.OLS(y, sm.add_constant(X)).fit()``, classical
non-robust covariance), which the tests compare against.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import statsmodels.api as sm

# --------------------------------------------------------------------------------------
# Blume (1971, 1975), J. Finance: beta_adj = 2/3 * beta + 1/3.
# (raw beta, adjusted beta) with the arithmetic done in exact fractions.
# --------------------------------------------------------------------------------------
BLUME_CASES: tuple[tuple[float, float], ...] = (
    # 2/3 * 3/2 + 1/3 = 1 + 1/3 = 4/3
    (1.5, float(Fraction(4, 3))),
    # 2/3 * 3/5 + 1/3 = 2/5 + 1/3 = 11/15
    (0.6, float(Fraction(11, 15))),
    # 2/3 * (-3/10) + 1/3 = -1/5 + 1/3 = 2/15
    (-0.3, float(Fraction(2, 15))),
    # 2/3 * 1 + 1/3 = 1 (the market is a fixed point)
    (1.0, 1.0),
)


# --------------------------------------------------------------------------------------
# Vasicek (1973), J. Finance: posterior mean
#   beta_post = (b_prior / s_prior^2 + b / s_b^2) / (1 / s_prior^2 + 1 / s_b^2)
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class VasicekCase:
    beta: float
    beta_se: float
    prior_mean: float
    prior_sd: float
    posterior: float
    weight_on_sample: float


VASICEK_CASES: tuple[VasicekCase, ...] = (
    # b = 3/2, s_b = 3/10, prior 1, s_prior = 1/2:
    #   precisions 1/s_b^2 = 100/9, 1/s_prior^2 = 4
    #   post = (4 * 1 + 100/9 * 3/2) / (4 + 100/9) = (62/3) / (136/9) = 93/68
    #   weight on sample = (100/9) / (136/9) = 25/34
    VasicekCase(1.5, 0.3, 1.0, 0.5, float(Fraction(93, 68)), float(Fraction(25, 34))),
    # b = 4/5, s_b = 1/5, prior 6/5, s_prior = 2/5:
    #   precisions 25 and 25/4; post = (25/4 * 6/5 + 25 * 4/5) / (125/4)
    #     = (15/2 + 20) / (125/4) = (55/2) * (4/125) = 22/25
    #   weight on sample = 25 / (125/4) = 4/5
    VasicekCase(0.8, 0.2, 1.2, 0.4, float(Fraction(22, 25)), float(Fraction(4, 5))),
    # Equal precisions: the posterior is the midpoint. b = 2, s_b = 1/2, prior 1, s_prior = 1/2
    #   post = (4 * 1 + 4 * 2) / 8 = 3/2, weight 1/2
    VasicekCase(2.0, 0.5, 1.0, 0.5, 1.5, 0.5),
)


# --------------------------------------------------------------------------------------
# Cross-sectional prior: betas 0.5, 1.0, 1.5 -> mean 1, sample sd
#   sqrt(((-0.5)^2 + 0 + 0.5^2) / (3 - 1)) = sqrt(0.25) = 0.5
# --------------------------------------------------------------------------------------
CROSS_SECTION_BETAS = (0.5, 1.0, 1.5)
CROSS_SECTION_MEAN = 1.0
CROSS_SECTION_SD = 0.5

# Holdings-weighted beta: 0.5 * 1.2 + 0.3 * 0.8 + 0.2 * 1.5 = 0.6 + 0.24 + 0.3 = 1.14
HOLDINGS_WEIGHTS = {"AAA": 0.5, "BBB": 0.3, "CCC": 0.2}
HOLDINGS_BETAS = {"AAA": 1.2, "BBB": 0.8, "CCC": 1.5, "DDD": 9.9}
HOLDINGS_BETA = 1.14


@dataclass(frozen=True)
class StatsmodelsOLS:
    params: np.ndarray
    bse: np.ndarray
    rsquared: float
    rsquared_adj: float
    ssr: float
    nobs: int


def statsmodels_ols(y: np.ndarray, x: np.ndarray) -> StatsmodelsOLS:
    """Reference OLS with a constant: statsmodels 0.14, nonrobust covariance."""
    res = sm.OLS(y, sm.add_constant(x, has_constant="add")).fit()
    return StatsmodelsOLS(
        params=np.asarray(res.params),
        bse=np.asarray(res.bse),
        rsquared=float(res.rsquared),
        rsquared_adj=float(res.rsquared_adj),
        ssr=float(res.ssr),
        nobs=int(res.nobs),
    )


def market_like_returns(
    rng: np.random.Generator, n: int, *, vol_daily: float = 0.01, dof: float = 4.0
) -> np.ndarray:
    """Fat-tailed (Student-t, unit variance) daily returns with the given volatility."""
    z = rng.standard_t(dof, size=n) / np.sqrt(dof / (dof - 2.0))
    return vol_daily * z + 0.0003
