"""Minimum-variance hedge ratio and hedge effectiveness."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from hedgekit._typing import DateLike
from hedgekit.errors import InputError

from ._align import ReturnsLike, align_frame
from ._common import (
    MIN_OBS,
    Frequency,
    check_frequency,
    check_spacing,
    iso,
    json_float,
    periods_per_year,
    series_name,
    values,
)
from ._kernels import min_variance, ols, variance_reduction
from ._returns import FuturesReturns

__all__ = [
    "MinVarianceHedge",
    "MinVarianceResult",
    "hedge_effectiveness",
    "min_variance_hedge_ratio",
]


@dataclass(frozen=True, slots=True)
class MinVarianceResult:
    r"""Minimum-variance hedge ratio of a spot position with a hedge instrument.

    Attributes
    ----------
    h_star
        :math:`h^* = \rho\,\sigma_S/\sigma_F`, in value terms: short ``h_star`` dollars of
        the hedge instrument per dollar of spot (Hull, 11th ed., §3.4, eq. 3.1; the number
        of contracts is then :math:`h^* V_A / V_F`, Hull §3.4 on tailing).
    h_star_se
        Classical OLS standard error of :math:`h^*` (the slope of spot on hedge returns).
    rho
        Correlation of spot and hedge returns.
    sigma_spot_annual, sigma_futures_annual
        Volatilities (``ddof = 1``) annualised with 252 sessions or 52 weeks.
    effectiveness
        :math:`\rho^2`, the share of spot variance the hedge removes at :math:`h^*`
        (Hull, 11th ed., §3.4, "hedge effectiveness").
    n_obs, start, end, frequency
        Sample used.
    hedge_name
        Name of the hedge instrument.
    n_roll_days_excluded
        Futures roll days dropped from the sample.
    """

    h_star: float
    h_star_se: float
    rho: float
    sigma_spot_annual: float
    sigma_futures_annual: float
    effectiveness: float
    n_obs: int
    start: pd.Timestamp
    end: pd.Timestamp
    frequency: Frequency
    hedge_name: str
    n_roll_days_excluded: int = 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary."""
        return {
            "h_star": json_float(self.h_star),
            "h_star_se": json_float(self.h_star_se),
            "rho": json_float(self.rho),
            "sigma_spot_annual": json_float(self.sigma_spot_annual),
            "sigma_futures_annual": json_float(self.sigma_futures_annual),
            "effectiveness": json_float(self.effectiveness),
            "n_obs": int(self.n_obs),
            "start": iso(self.start),
            "end": iso(self.end),
            "frequency": self.frequency,
            "hedge_name": self.hedge_name,
            "n_roll_days_excluded": int(self.n_roll_days_excluded),
        }


def min_variance_hedge_ratio(
    spot_returns: ReturnsLike,
    futures_returns: ReturnsLike,
    *,
    start: DateLike | None = None,
    end: DateLike | None = None,
    window: int | None = None,
    frequency: Frequency = "daily",
    min_obs: int = MIN_OBS,
    hedge_name: str | None = None,
) -> MinVarianceResult:
    r"""Minimum-variance hedge ratio from returns of the spot position and of the hedge.

    .. math::

        h^* = \rho\,\frac{\sigma_S}{\sigma_F}, \qquad \text{effectiveness} = \rho^2

    Hull, *Options, Futures and Other Derivatives*, 11th ed., §3.4, eq. (3.1), estimated
    on returns of the futures contract (or any hedge instrument) itself, not of its
    underlying index: basis moves are then part of the estimate.

    Parameters
    ----------
    spot_returns
        Returns of the position to hedge.
    futures_returns
        Returns of the hedge instrument; pass a :class:`FuturesReturns` (from
        :func:`futures_returns_excluding_rolls`) for a continuous futures series so that
        roll jumps are excluded and counted.
    start, end, window, min_obs
        Sample selection, as in :func:`align`.
    frequency
        Frequency of the returns (annualisation and spacing check).
    hedge_name
        Name to report; defaults to the futures series' name.

    Returns
    -------
    MinVarianceResult
    """
    freq = check_frequency(frequency)
    fut_series = (
        futures_returns.returns if isinstance(futures_returns, FuturesReturns) else futures_returns
    )
    name = hedge_name or series_name(fut_series, "futures")
    frame, excluded = align_frame(
        {"spot_returns": spot_returns, "futures_returns": futures_returns},
        start=start,
        end=end,
        window=window,
        min_obs=min_obs,
    )
    check_spacing(pd.DatetimeIndex(frame.index), freq, source="spot_returns")
    s = values(frame["spot_returns"])
    f = values(frame["futures_returns"])
    for label, arr in (("spot_returns", s), ("futures_returns", f)):
        if float(np.ptp(arr)) == 0.0:
            raise InputError(
                "returns are constant over the sample; the hedge ratio is undefined",
                source=label,
                expected="returns that vary",
            )
    stats = min_variance(s, f)
    slope_se = float(ols(s, f).se[1])
    ann = math.sqrt(periods_per_year(freq))
    return MinVarianceResult(
        h_star=stats.h_star,
        h_star_se=slope_se,
        rho=stats.rho,
        sigma_spot_annual=stats.sigma_spot * ann,
        sigma_futures_annual=stats.sigma_futures * ann,
        effectiveness=stats.rho * stats.rho,
        n_obs=len(frame),
        start=pd.Timestamp(frame.index[0]),
        end=pd.Timestamp(frame.index[-1]),
        frequency=freq,
        hedge_name=name,
        n_roll_days_excluded=len(excluded),
    )


@dataclass(frozen=True, slots=True)
class MinVarianceHedge:
    """Minimum-variance hedge-ratio estimator; see :func:`min_variance_hedge_ratio`."""

    window: int | None = None
    frequency: Frequency = "daily"
    min_obs: int = MIN_OBS

    def fit(
        self,
        spot_returns: ReturnsLike,
        futures_returns: ReturnsLike,
        *,
        start: DateLike | None = None,
        end: DateLike | None = None,
        hedge_name: str | None = None,
    ) -> MinVarianceResult:
        """Estimate :math:`h^*` and its effectiveness."""
        return min_variance_hedge_ratio(
            spot_returns,
            futures_returns,
            start=start,
            end=end,
            window=self.window,
            frequency=self.frequency,
            min_obs=self.min_obs,
            hedge_name=hedge_name,
        )


def hedge_effectiveness(
    hedged_returns: pd.Series, unhedged_returns: pd.Series, *, min_obs: int = MIN_OBS
) -> float:
    r"""Share of variance a hedge removed.

    .. math:: \mathrm{HE} = 1 - \frac{\mathrm{Var}(r_{hedged})}{\mathrm{Var}(r_{unhedged})}

    Sample variances, ``ddof = 1`` (Hull, 11th ed., §3.4; equals :math:`\rho^2` for the
    in-sample minimum-variance hedge). Negative when the hedge added variance.

    Parameters
    ----------
    hedged_returns, unhedged_returns
        Returns on exactly the same dates (checked as in :func:`align`).
    min_obs
        Fewest observations accepted.

    Returns
    -------
    float
    """
    frame, _ = align_frame(
        {"hedged_returns": hedged_returns, "unhedged_returns": unhedged_returns},
        min_obs=min_obs,
    )
    u = values(frame["unhedged_returns"])
    if float(np.ptp(u)) == 0.0:
        raise InputError(
            "unhedged returns are constant: there is no variance to reduce",
            source="unhedged_returns",
            expected="returns that vary",
        )
    return variance_reduction(values(frame["hedged_returns"]), u)
