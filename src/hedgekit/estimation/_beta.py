"""Beta of an asset or portfolio to an index: OLS, Blume and Vasicek adjustments, holdings."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal, TypeAlias, overload

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
from ._kernels import design_is_full_rank, ols
from ._returns import FuturesReturns

__all__ = [
    "BetaMethod",
    "BetaPrior",
    "BetaResult",
    "BlumeBeta",
    "OLSBeta",
    "VasicekBeta",
    "blume_adjust",
    "cross_sectional_prior",
    "holdings_beta",
    "holdings_weighted_beta",
    "manual_beta",
    "ols_beta",
    "vasicek_shrink",
]

#: How a :class:`BetaResult` was obtained.
BetaMethod: TypeAlias = Literal["ols", "blume", "vasicek", "holdings", "manual", "ewma"]

#: Blume (1971) regression-toward-one weights: beta_adj = 2/3 · beta + 1/3 · 1.
_BLUME_WEIGHT = 2.0 / 3.0
_BLUME_PRIOR = 1.0


@dataclass(frozen=True, slots=True)
class BetaResult:
    r"""A beta estimate with the sample and statistics behind it.

    Attributes
    ----------
    beta
        The beta to hedge with (after any adjustment).
    method
        ``"ols"``, ``"blume"``, ``"vasicek"``, ``"holdings"``, ``"manual"`` or ``"ewma"``.
    index_name
        The index (or hedge instrument) the beta is measured against.
    frequency
        Frequency of the returns used (``"daily"`` or ``"weekly"``).
    n_obs
        Paired observations used (0 for a manual beta).
    start, end
        First and last date used (``None`` for a manual or holdings beta).
    alpha
        OLS intercept, per period (not annualised).
    beta_se, alpha_se
        Classical OLS standard errors of the *sample* beta and alpha.
    r_squared, correlation
        Of the sample regression; :math:`R^2 = \rho^2`.
    residual_vol_annual
        Tracking error of the beta-hedged asset,
        :math:`\mathrm{sd}(r_a - \hat\beta_{OLS} r_m)\sqrt{P}` (``ddof = 1``; ``P`` = 252
        sessions or 52 weeks).
    raw_beta
        The sample beta before any adjustment (equal to ``beta`` for ``"ols"``).
    prior_mean, shrinkage_weight
        For ``"blume"`` and ``"vasicek"``: ``beta = w · raw_beta + (1 − w) · prior_mean``.
    n_roll_days_excluded
        Futures roll days dropped from the sample (see
        :func:`~hedgekit.estimation.futures_returns_excluding_rolls`).

    Notes
    -----
    Adjusted results keep the regression statistics (``alpha``, ``beta_se``,
    ``r_squared``, ...) of the sample regression they adjust; only ``beta`` changes.
    Statistics that do not exist for a method (a manual beta has no standard error) are
    ``None``.
    """

    beta: float
    method: BetaMethod
    index_name: str
    frequency: Frequency
    n_obs: int
    start: pd.Timestamp | None = None
    end: pd.Timestamp | None = None
    alpha: float | None = None
    beta_se: float | None = None
    alpha_se: float | None = None
    r_squared: float | None = None
    correlation: float | None = None
    residual_vol_annual: float | None = None
    raw_beta: float | None = None
    prior_mean: float | None = None
    shrinkage_weight: float | None = None
    n_roll_days_excluded: int = 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary (ISO dates, plain floats, ``None`` for absent values)."""
        return {
            "beta": json_float(self.beta),
            "method": self.method,
            "index_name": self.index_name,
            "frequency": self.frequency,
            "n_obs": int(self.n_obs),
            "start": iso(self.start),
            "end": iso(self.end),
            "alpha": json_float(self.alpha),
            "beta_se": json_float(self.beta_se),
            "alpha_se": json_float(self.alpha_se),
            "r_squared": json_float(self.r_squared),
            "correlation": json_float(self.correlation),
            "residual_vol_annual": json_float(self.residual_vol_annual),
            "raw_beta": json_float(self.raw_beta),
            "prior_mean": json_float(self.prior_mean),
            "shrinkage_weight": json_float(self.shrinkage_weight),
            "n_roll_days_excluded": int(self.n_roll_days_excluded),
        }


def _finite(value: object, *, source: str, expected: str = "a finite number") -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise InputError("not a number", source=source, value=value, expected=expected)
    out = float(value)
    if not math.isfinite(out):
        raise InputError("not a finite number", source=source, value=value, expected=expected)
    return out


def fit_ols_frame(
    frame: pd.DataFrame,
    excluded: pd.DatetimeIndex,
    *,
    frequency: Frequency,
    index_name: str,
    source: str,
) -> BetaResult:
    """OLS beta of column 0 on column 1 of an aligned frame."""
    check_spacing(pd.DatetimeIndex(frame.index), frequency, source=source)
    y = values(frame.iloc[:, 0])
    x = values(frame.iloc[:, 1])
    if not design_is_full_rank(x):
        raise InputError(
            "index returns are constant over the sample, so beta is undefined",
            source=index_name,
            expected="index returns that vary",
        )
    if float(np.ptp(y)) == 0.0:
        raise InputError(
            "asset returns are constant over the sample, so R² is undefined",
            source=str(frame.columns[0]),
            expected="asset returns that vary",
        )
    fit = ols(y, x)
    beta = float(fit.coef[1])
    n = fit.n_obs
    resid_vol = math.sqrt(fit.ssr / (n - 1) * periods_per_year(frequency))
    corr = math.copysign(math.sqrt(max(fit.r_squared, 0.0)), beta)
    return BetaResult(
        beta=beta,
        method="ols",
        index_name=index_name,
        frequency=frequency,
        n_obs=n,
        start=pd.Timestamp(frame.index[0]),
        end=pd.Timestamp(frame.index[-1]),
        alpha=float(fit.coef[0]),
        beta_se=float(fit.se[1]),
        alpha_se=float(fit.se[0]),
        r_squared=float(fit.r_squared),
        correlation=corr,
        residual_vol_annual=resid_vol,
        raw_beta=beta,
        n_roll_days_excluded=len(excluded),
    )


def index_name_of(index_returns: ReturnsLike, given: str | None) -> str:
    if given is not None:
        return given
    series = index_returns.returns if isinstance(index_returns, FuturesReturns) else index_returns
    return series_name(series, "index")


def ols_beta(
    asset_returns: ReturnsLike,
    index_returns: ReturnsLike,
    *,
    start: DateLike | None = None,
    end: DateLike | None = None,
    window: int | None = None,
    frequency: Frequency = "daily",
    min_obs: int = MIN_OBS,
    index_name: str | None = None,
) -> BetaResult:
    r"""Beta of an asset to an index by ordinary least squares on returns.

    .. math::

        r_{a,t} = \alpha + \beta\, r_{m,t} + \varepsilon_t, \qquad
        \hat\beta = \frac{\widehat{\mathrm{Cov}}(r_a, r_m)}{\widehat{\mathrm{Var}}(r_m)}

    the market-model regression (Hull, *Options, Futures and Other Derivatives*, 11th
    ed., §3.5, "Stock index futures": beta is the slope of the regression of the
    portfolio's excess return on the market's; with daily returns the risk-free term is
    negligible and is left out). Standard errors are the classical OLS ones.

    Parameters
    ----------
    asset_returns, index_returns
        Simple returns (see :func:`returns_from_prices`) on the same dates; an index may be
        a :class:`FuturesReturns` whose roll days are then excluded.
    start, end, window, min_obs
        Sample selection, as in :func:`align`.
    frequency
        Frequency of the returns; sets the annualisation (252 or 52) and is checked
        against the dates' spacing.
    index_name
        Name to report; defaults to the index series' name.

    Returns
    -------
    BetaResult
        ``method="ols"``.
    """
    freq = check_frequency(frequency)
    name = index_name_of(index_returns, index_name)
    frame, excluded = align_frame(
        {"asset_returns": asset_returns, "index_returns": index_returns},
        start=start,
        end=end,
        window=window,
        min_obs=min_obs,
    )
    return fit_ols_frame(frame, excluded, frequency=freq, index_name=name, source="asset_returns")


@dataclass(frozen=True, slots=True)
class OLSBeta:
    """OLS beta estimator: settings here, data in :meth:`fit`.

    Parameters
    ----------
    window
        Most recent observations to use (``None``: all common dates).
    frequency
        ``"daily"`` or ``"weekly"`` returns.
    min_obs
        Fewest observations accepted (default 20).
    """

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
        """Estimate beta; see :func:`ols_beta`."""
        return ols_beta(
            asset_returns,
            index_returns,
            start=start,
            end=end,
            window=self.window,
            frequency=self.frequency,
            min_obs=self.min_obs,
            index_name=index_name,
        )


# --------------------------------------------------------------------------------------
# Blume and Vasicek adjustments
# --------------------------------------------------------------------------------------


def _adjustable(beta: BetaResult, *, source: str) -> float:
    if beta.method in ("blume", "vasicek"):
        raise InputError(
            f"beta is already {beta.method}-adjusted; adjust the sample beta instead",
            source=source,
            value=beta.method,
            expected="an 'ols', 'ewma', 'holdings' or 'manual' beta",
        )
    return beta.beta


@overload
def blume_adjust(beta: float) -> float: ...
@overload
def blume_adjust(beta: BetaResult) -> BetaResult: ...
def blume_adjust(beta: float | BetaResult) -> float | BetaResult:
    r"""Blume's adjustment of a sample beta toward one.

    .. math:: \beta_{adj} = \tfrac{2}{3}\,\hat\beta + \tfrac{1}{3}

    Blume, M. E. (1971), "On the assessment of risk", *Journal of Finance* 26(1), 1–10;
    Blume (1975), "Betas and their regression
    tendencies", *Journal of Finance* 30(3), 785–795. The rounded 2/3–1/3 weights are the
    form used by commercial "adjusted beta" services.

    Parameters
    ----------
    beta
        A sample beta, as a number or a :class:`BetaResult`.

    Returns
    -------
    float or BetaResult
        Same kind as the input; a result has ``method="blume"``, ``raw_beta`` the input
        beta, ``prior_mean=1`` and ``shrinkage_weight=2/3``.
    """
    if isinstance(beta, BetaResult):
        raw = _adjustable(beta, source="beta")
        return replace(
            beta,
            beta=_BLUME_WEIGHT * raw + (1.0 - _BLUME_WEIGHT) * _BLUME_PRIOR,
            method="blume",
            raw_beta=raw,
            prior_mean=_BLUME_PRIOR,
            shrinkage_weight=_BLUME_WEIGHT,
        )
    raw = _finite(beta, source="beta")
    return _BLUME_WEIGHT * raw + (1.0 - _BLUME_WEIGHT) * _BLUME_PRIOR


def vasicek_weight(beta_se: float, prior_sd: float) -> float:
    r"""Weight on the sample beta in Vasicek's posterior mean.

    .. math:: w = \frac{1/\sigma_\beta^2}{1/\sigma_{prior}^2 + 1/\sigma_\beta^2}
              = \frac{\sigma_{prior}^2}{\sigma_{prior}^2 + \sigma_\beta^2}

    Written in the second form so that the limits are exact: ``beta_se = 0`` gives
    ``w = 1`` (the sample beta), ``prior_sd = 0`` gives ``w = 0`` (the prior).
    """
    se = _finite(beta_se, source="beta_se", expected="a standard error >= 0")
    sd = _finite(prior_sd, source="prior_sd", expected="a prior standard deviation >= 0")
    if se < 0.0:
        raise InputError("standard error is negative", source="beta_se", value=se, expected=">= 0")
    if sd < 0.0:
        raise InputError("prior sd is negative", source="prior_sd", value=sd, expected=">= 0")
    if se == 0.0 and sd == 0.0:
        raise InputError(
            "beta_se and prior_sd are both zero: sample and prior are both certain",
            source="prior_sd",
            value=0.0,
            expected="at least one of them > 0",
        )
    return sd * sd / (sd * sd + se * se)


@overload
def vasicek_shrink(
    beta: float, beta_se: float, *, prior_mean: float = ..., prior_sd: float
) -> float: ...
@overload
def vasicek_shrink(
    beta: BetaResult, beta_se: float | None = ..., *, prior_mean: float = ..., prior_sd: float
) -> BetaResult: ...
def vasicek_shrink(
    beta: float | BetaResult,
    beta_se: float | None = None,
    *,
    prior_mean: float = 1.0,
    prior_sd: float,
) -> float | BetaResult:
    r"""Vasicek's Bayesian shrinkage of a sample beta toward a prior.

    .. math::

        \beta_{post} = \frac{\beta_{prior}/\sigma_{prior}^2 + \hat\beta/\sigma_\beta^2}
                            {1/\sigma_{prior}^2 + 1/\sigma_\beta^2}
                     = w\,\hat\beta + (1 - w)\,\beta_{prior},
        \qquad w = \frac{\sigma_{prior}^2}{\sigma_{prior}^2 + \sigma_\beta^2}

    the posterior mean with a normal prior and a normal sampling distribution of
    :math:`\hat\beta` (Vasicek, O. A. (1973), "A note on using cross-sectional information
    in Bayesian estimation of security betas", *Journal of Finance* 28(5), 1233–1239).
    Noisy betas (large standard error) move further toward the prior.

    Parameters
    ----------
    beta
        The sample beta, as a number or an OLS :class:`BetaResult`.
    beta_se
        Standard error of the sample beta; taken from the result when ``beta`` is one.
    prior_mean
        Mean of the prior (cross-sectional) distribution of betas; 1.0 is the market.
    prior_sd
        Standard deviation of the prior. There is no universal default: take it from a
        cross-section of comparable betas with :func:`cross_sectional_prior`.

    Returns
    -------
    float or BetaResult
        Same kind as ``beta``; a result has ``method="vasicek"``, ``raw_beta`` the sample
        beta, ``prior_mean`` and ``shrinkage_weight`` ``w``.
    """
    mean = _finite(prior_mean, source="prior_mean")
    if isinstance(beta, BetaResult):
        raw = _adjustable(beta, source="beta")
        se = beta_se if beta_se is not None else beta.beta_se
        if se is None:
            raise InputError(
                f"a {beta.method} beta has no standard error; pass beta_se",
                source="beta_se",
                expected="the standard error of the beta",
            )
        w = vasicek_weight(se, prior_sd)
        return replace(
            beta,
            beta=w * raw + (1.0 - w) * mean,
            method="vasicek",
            raw_beta=raw,
            prior_mean=mean,
            shrinkage_weight=w,
        )
    raw = _finite(beta, source="beta")
    if beta_se is None:
        raise InputError("beta_se is required with a numeric beta", source="beta_se")
    w = vasicek_weight(beta_se, prior_sd)
    return w * raw + (1.0 - w) * mean


@dataclass(frozen=True, slots=True)
class BetaPrior:
    """Prior distribution of betas for :func:`vasicek_shrink`.

    Attributes
    ----------
    mean, sd
        Mean and standard deviation of the prior.
    n_betas
        How many betas the cross-section had (``None`` when set by hand).
    """

    mean: float
    sd: float
    n_betas: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary."""
        return {"mean": float(self.mean), "sd": float(self.sd), "n_betas": self.n_betas}


def cross_sectional_prior(
    betas: Mapping[str, BetaResult | float] | Iterable[BetaResult | float],
) -> BetaPrior:
    r"""Prior for :func:`vasicek_shrink` from a cross-section of sample betas.

    .. math::

        \beta_{prior} = \frac1N\sum_i \hat\beta_i, \qquad
        \sigma_{prior}^2 = \frac{1}{N-1}\sum_i (\hat\beta_i - \beta_{prior})^2

    the mean and variance of the cross-sectional distribution of sample betas, as in
    Vasicek (1973). Use betas measured against the same index, frequency and period,
    from comparable securities (e.g. the portfolio's holdings or its sector).

    Parameters
    ----------
    betas
        At least three sample betas (numbers or unadjusted :class:`BetaResult`).

    Returns
    -------
    BetaPrior
    """
    items = list(betas.values()) if isinstance(betas, Mapping) else list(betas)
    vals: list[float] = []
    for i, b in enumerate(items):
        if isinstance(b, BetaResult):
            vals.append(_adjustable(b, source=f"betas[{i}]"))
        else:
            vals.append(_finite(b, source=f"betas[{i}]"))
    if len(vals) < 3:
        raise InputError(
            "a cross-sectional prior needs several betas",
            source="betas",
            value=len(vals),
            expected=">= 3 betas",
        )
    arr = np.asarray(vals, dtype=np.float64)
    return BetaPrior(mean=float(arr.mean()), sd=float(arr.std(ddof=1)), n_betas=len(vals))


@dataclass(frozen=True, slots=True)
class BlumeBeta:
    """OLS beta followed by :func:`blume_adjust`; parameters as :class:`OLSBeta`."""

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
        """Estimate the Blume-adjusted beta (``raw_beta`` keeps the OLS one)."""
        raw = OLSBeta(self.window, self.frequency, self.min_obs).fit(
            asset_returns, index_returns, start=start, end=end, index_name=index_name
        )
        return blume_adjust(raw)


@dataclass(frozen=True, slots=True)
class VasicekBeta:
    """OLS beta followed by :func:`vasicek_shrink` toward a prior.

    Parameters
    ----------
    prior_sd
        Prior standard deviation (see :func:`cross_sectional_prior`).
    prior_mean
        Prior mean (default 1.0).
    window, frequency, min_obs
        As :class:`OLSBeta`.
    """

    prior_sd: float
    prior_mean: float = 1.0
    window: int | None = None
    frequency: Frequency = "daily"
    min_obs: int = MIN_OBS

    @classmethod
    def from_prior(
        cls,
        prior: BetaPrior,
        *,
        window: int | None = None,
        frequency: Frequency = "daily",
        min_obs: int = MIN_OBS,
    ) -> VasicekBeta:
        """Estimator using a :class:`BetaPrior` (e.g. from :func:`cross_sectional_prior`)."""
        return cls(prior.sd, prior.mean, window, frequency, min_obs)

    def fit(
        self,
        asset_returns: ReturnsLike,
        index_returns: ReturnsLike,
        *,
        start: DateLike | None = None,
        end: DateLike | None = None,
        index_name: str | None = None,
    ) -> BetaResult:
        """Estimate the Vasicek posterior beta (``raw_beta`` keeps the OLS one)."""
        raw = OLSBeta(self.window, self.frequency, self.min_obs).fit(
            asset_returns, index_returns, start=start, end=end, index_name=index_name
        )
        return vasicek_shrink(raw, prior_mean=self.prior_mean, prior_sd=self.prior_sd)


# --------------------------------------------------------------------------------------
# Holdings-weighted and manual betas
# --------------------------------------------------------------------------------------


def _weighted(
    weights: Mapping[str, float],
    betas: Mapping[str, BetaResult | float],
    tolerance: float,
) -> tuple[float, str | None, Frequency | None]:
    if not isinstance(weights, Mapping) or not weights:
        raise InputError("no holdings weights given", source="weights", expected="ticker -> weight")
    if not isinstance(betas, Mapping):
        raise InputError("betas must be a mapping", source="betas", expected="ticker -> beta")
    tol = _finite(tolerance, source="tolerance")
    w = {str(k): _finite(v, source=f"weights[{k!r}]") for k, v in weights.items()}
    total = sum(w.values())
    if abs(total - 1.0) > tol:
        raise InputError(
            "holdings weights do not sum to 1",
            source="weights",
            value=round(total, 12),
            expected=f"a sum of 1 within {tol:g} (express cash or leverage explicitly)",
        )
    missing = [k for k in w if k not in betas]
    if missing:
        raise InputError(
            f"no beta for {len(missing)} {'holding' if len(missing) == 1 else 'holdings'}",
            source="betas",
            value=", ".join(missing[:10]),
            expected="a beta for every weighted ticker",
        )
    index_names: set[str] = set()
    frequencies: set[Frequency] = set()
    acc = 0.0
    for k, wk in w.items():
        b = betas[k]
        if isinstance(b, BetaResult):
            index_names.add(b.index_name)
            if b.method != "manual":
                frequencies.add(b.frequency)
            bk = b.beta
        else:
            bk = _finite(b, source=f"betas[{k!r}]")
        acc += wk * bk
    if len(index_names) > 1:
        raise InputError(
            "betas are measured against different indices",
            source="betas",
            value=", ".join(sorted(index_names)),
            expected="betas against one index",
        )
    name = next(iter(index_names)) if index_names else None
    freq = next(iter(frequencies)) if len(frequencies) == 1 else None
    return acc, name, freq


def holdings_weighted_beta(
    weights: Mapping[str, float],
    betas: Mapping[str, BetaResult | float],
    *,
    tolerance: float = 1e-6,
) -> float:
    r"""Portfolio beta as the value-weighted average of its holdings' betas.

    .. math:: \beta_P = \sum_i w_i\,\beta_i, \qquad \sum_i w_i = 1

    (beta is linear in the portfolio weights; Hull, 11th ed., §3.5.)

    Parameters
    ----------
    weights
        Ticker -> share of portfolio value. Must sum to 1 within ``tolerance``; short
        positions may be negative.
    betas
        Ticker -> beta (numbers or :class:`BetaResult`); extra tickers are ignored.
        Results must all be measured against the same index.
    tolerance
        Allowed deviation of the weights' sum from 1.

    Returns
    -------
    float

    Raises
    ------
    InputError
        Weights not summing to 1, a weighted ticker without a beta, betas against
        different indices, non-finite numbers.
    """
    return _weighted(weights, betas, tolerance)[0]


def holdings_beta(
    weights: Mapping[str, float],
    betas: Mapping[str, BetaResult | float],
    *,
    index_name: str | None = None,
    frequency: Frequency | None = None,
    tolerance: float = 1e-6,
) -> BetaResult:
    """:func:`holdings_weighted_beta` as a :class:`BetaResult` (``method="holdings"``).

    ``index_name`` and ``frequency`` default to those of the :class:`BetaResult` inputs and
    are required when the betas are plain numbers.
    """
    value, name, freq = _weighted(weights, betas, tolerance)
    if index_name is not None and name is not None and index_name != name:
        raise InputError(
            "index_name differs from the index the betas were measured against",
            source="index_name",
            value=index_name,
            expected=name,
        )
    name = index_name or name
    if name is None:
        raise InputError("name the index the betas refer to", source="index_name")
    f = check_frequency(frequency) if frequency is not None else freq
    if f is None:
        raise InputError("give the frequency of the betas", source="frequency")
    return BetaResult(beta=value, method="holdings", index_name=name, frequency=f, n_obs=0)


def manual_beta(beta: float, *, index_name: str, frequency: Frequency = "daily") -> BetaResult:
    """A beta given by the user (``method="manual"``, no sample statistics)."""
    value = _finite(beta, source="beta")
    return BetaResult(
        beta=value,
        method="manual",
        index_name=index_name,
        frequency=check_frequency(frequency),
        n_obs=0,
    )
