"""Exponentially weighted (RiskMetrics) beta."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from hedgekit._typing import DateLike
from hedgekit.errors import InputError

from ._align import ReturnsLike, align_frame
from ._beta import BetaResult, index_name_of
from ._common import MIN_OBS, Frequency, check_frequency, check_spacing, values
from ._kernels import ewma_beta_path

__all__ = ["RISKMETRICS_DAILY_DECAY", "EWMABeta", "ewma_beta", "ewma_beta_series"]

#: RiskMetrics decay factor for daily data (J.P. Morgan/Reuters, *RiskMetrics — Technical
#: Document*, 4th ed., 1996, ch. 5).
RISKMETRICS_DAILY_DECAY: Final = 0.94


def _check_decay(decay: float) -> float:
    if isinstance(decay, bool) or not isinstance(decay, int | float) or not 0.0 < decay < 1.0:
        raise InputError(
            "decay factor out of range", source="decay", value=decay, expected="0 < λ < 1"
        )
    return float(decay)


def _frame(
    asset_returns: ReturnsLike,
    index_returns: ReturnsLike,
    *,
    start: DateLike | None,
    end: DateLike | None,
    window: int | None,
    frequency: Frequency,
    min_obs: int,
) -> tuple[pd.DataFrame, pd.DatetimeIndex]:
    frame, excluded = align_frame(
        {"asset_returns": asset_returns, "index_returns": index_returns},
        start=start,
        end=end,
        window=window,
        min_obs=min_obs,
    )
    check_spacing(pd.DatetimeIndex(frame.index), frequency, source="asset_returns")
    return frame, excluded


def ewma_beta_series(
    asset_returns: ReturnsLike,
    index_returns: ReturnsLike,
    *,
    decay: float = RISKMETRICS_DAILY_DECAY,
    start: DateLike | None = None,
    end: DateLike | None = None,
    window: int | None = None,
    frequency: Frequency = "daily",
    min_obs: int = MIN_OBS,
) -> pd.Series:
    r"""Exponentially weighted beta after each date.

    .. math::

        \beta_t = \frac{\sum_{k \ge 0} \lambda^k\, r_{a,t-k}\, r_{m,t-k}}
                       {\sum_{k \ge 0} \lambda^k\, r_{m,t-k}^2}

    the ratio of the RiskMetrics exponentially weighted covariance and variance
    (zero-mean returns, decay :math:`\lambda`; J.P. Morgan/Reuters, *RiskMetrics —
    Technical Document*, 4th ed., 1996, ch. 5), summed over the aligned sample only.
    :math:`\lambda = 0.94` is the RiskMetrics value for *daily* data.

    Parameters
    ----------
    asset_returns, index_returns
        Return series (aligned as in :func:`align`).
    decay
        :math:`\lambda`, in ``(0, 1)``.
    start, end, window, frequency, min_obs
        Sample selection, as in :func:`ols_beta`.

    Returns
    -------
    pd.Series
        Beta on each date of the sample.
    """
    lam = _check_decay(decay)
    freq = check_frequency(frequency)
    frame, _ = _frame(
        asset_returns,
        index_returns,
        start=start,
        end=end,
        window=window,
        frequency=freq,
        min_obs=min_obs,
    )
    path = ewma_beta_path(values(frame.iloc[:, 0]), values(frame.iloc[:, 1]), lam)
    return pd.Series(path, index=frame.index, name="ewma_beta")


def ewma_beta(
    asset_returns: ReturnsLike,
    index_returns: ReturnsLike,
    *,
    decay: float = RISKMETRICS_DAILY_DECAY,
    start: DateLike | None = None,
    end: DateLike | None = None,
    window: int | None = None,
    frequency: Frequency = "daily",
    min_obs: int = MIN_OBS,
    index_name: str | None = None,
) -> BetaResult:
    """Latest exponentially weighted beta (see :func:`ewma_beta_series`).

    Returns
    -------
    BetaResult
        ``method="ewma"``, ``beta`` as of the last date; no regression statistics.
    """
    lam = _check_decay(decay)
    freq = check_frequency(frequency)
    frame, excluded = _frame(
        asset_returns,
        index_returns,
        start=start,
        end=end,
        window=window,
        frequency=freq,
        min_obs=min_obs,
    )
    path = ewma_beta_path(values(frame.iloc[:, 0]), values(frame.iloc[:, 1]), lam)
    last = float(path[-1])
    if not np.isfinite(last):
        raise InputError(
            "index returns are all zero: beta is undefined",
            source="index_returns",
            expected="index returns that vary",
        )
    return BetaResult(
        beta=last,
        method="ewma",
        index_name=index_name_of(index_returns, index_name),
        frequency=freq,
        n_obs=len(frame),
        start=pd.Timestamp(frame.index[0]),
        end=pd.Timestamp(frame.index[-1]),
        raw_beta=last,
        n_roll_days_excluded=len(excluded),
    )


@dataclass(frozen=True, slots=True)
class EWMABeta:
    """EWMA beta estimator; see :func:`ewma_beta`."""

    decay: float = RISKMETRICS_DAILY_DECAY
    window: int | None = None
    frequency: Frequency = "daily"
    min_obs: int = MIN_OBS

    def fit(
        self,
        asset_returns: ReturnsLike,
        index_returns: ReturnsLike,
        *,
        start: DateLike | None = None,
        end: DateLike | None = None,
        index_name: str | None = None,
    ) -> BetaResult:
        """Estimate the latest EWMA beta."""
        return ewma_beta(
            asset_returns,
            index_returns,
            decay=self.decay,
            start=start,
            end=end,
            window=self.window,
            frequency=self.frequency,
            min_obs=self.min_obs,
            index_name=index_name,
        )
