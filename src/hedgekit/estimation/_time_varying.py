r"""Time-varying minimum-variance hedge ratios: rolling OLS, EWMA and DCC-GARCH(1,1).

Each estimator's ``fit(spot_returns, futures_returns)`` returns a
:class:`TimeVaryingHedgeResult`: the *ex-ante* path :math:`h_t` (known at the close of the
day before, applied to day ``t``'s returns), the correlation and volatilities behind it, and
the one-step forecast :math:`h_{T+1|T}` for a hedge put on today. All three estimate the
conditional version of Hull's minimum-variance ratio (11th ed., §3.4, eq. 3.1;
Ederington 1979, *Journal of Finance* 34(1), 157-170):

.. math:: h_t = \rho_t\,\frac{\sigma_{S,t}}{\sigma_{F,t}} = \frac{\mathrm{Cov}_{t-1}(r_S, r_F)}
                                                          {\mathrm{Var}_{t-1}(r_F)}

(Kroner & Sultan 1993, *JFQA* 28(4), 535-551, for the GARCH version).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal, TypeAlias

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from hedgekit._typing import DateLike, Float64Array
from hedgekit.errors import InputError

from ._align import ReturnsLike, align_frame
from ._common import MIN_OBS, iso, json_float, series_name, values
from ._dcc import (
    DCCParams,
    GarchParams,
    arch_backcast,
    dcc_correlation_path,
    dcc_loglik,
    garch_variance_path,
)
from ._ewma import RISKMETRICS_DAILY_DECAY, _check_decay
from ._returns import FuturesReturns

__all__ = [
    "DEFAULT_ROLLING_WINDOW",
    "DCCGarchHedge",
    "EWMAHedge",
    "RatioModel",
    "RollingOLSHedge",
    "TimeVaryingHedgeResult",
    "dcc_hedge_ratio",
    "ewma_hedge_ratio",
    "rolling_hedge_ratio",
]

#: Name of a time-varying hedge-ratio model.
RatioModel: TypeAlias = Literal["rolling", "ewma", "dcc"]

#: Default rolling window: one year of sessions (as the plan's static ratio).
DEFAULT_ROLLING_WINDOW: Final = 252

#: Returns whose moments start the EWMA recursion (as the GARCH backcast's 75).
EWMA_START_OBS: Final = 75

#: Fewest observations for a DCC fit (two GARCH margins and two correlation parameters).
DCC_MIN_OBS: Final = 250

# Returns are fitted in percent (x100): the scale arch's optimiser is tuned for.
_PCT: Final = 100.0
# a + b is kept at or below this (strict stationarity, Engle 2002 §3).
_MAX_PERSISTENCE: Final = 0.9995
_HESSIAN_STEP: Final = 1e-4


@dataclass(frozen=True, slots=True)
class TimeVaryingHedgeResult:
    r"""A time-varying minimum-variance hedge ratio and what it is built from.

    Attributes
    ----------
    method
        ``"rolling"``, ``"ewma"`` or ``"dcc"`` (what was *asked*; see ``fallback``).
    h
        Ex-ante ratio :math:`h_t` on each date of the sample: dollars of futures to sell per
        dollar of spot over day ``t``, from information up to the close of ``t - 1`` (NaN
        where the estimator has too little history, e.g. a rolling window's first days).
    rho, sigma_spot, sigma_futures
        Ex-ante correlation and daily volatilities (decimal) behind ``h``.
    h_forecast, rho_forecast, sigma_spot_forecast, sigma_futures_forecast
        The one-step forecast for the session after ``end``: the ratio to hold from today.
    n_obs, start, end, hedge_name
        Sample used.
    params, std_errors
        Fitted parameters and standard errors (empty for settings-only estimators).
    log_likelihood
        DCC second-step (correlation) log-likelihood at the optimum; ``None`` otherwise.
    fallback
        The estimator actually used when the requested one failed (``"ewma"``); else ``None``.
    warnings
        Why a fit fell back, or what to be wary of (a parameter on its bound).
    dcc
        The fitted DCC parameters (filtering new days needs them); ``None`` otherwise.
    """

    method: RatioModel
    h: pd.Series
    rho: pd.Series
    sigma_spot: pd.Series
    sigma_futures: pd.Series
    h_forecast: float
    rho_forecast: float
    sigma_spot_forecast: float
    sigma_futures_forecast: float
    n_obs: int
    start: pd.Timestamp
    end: pd.Timestamp
    hedge_name: str
    params: Mapping[str, float] = field(default_factory=dict)
    std_errors: Mapping[str, float] = field(default_factory=dict)
    log_likelihood: float | None = None
    fallback: RatioModel | None = None
    warnings: tuple[str, ...] = ()
    dcc: DCCParams | None = None

    def to_dict(self, *, include_path: bool = False) -> dict[str, Any]:
        """JSON-safe dictionary; ``include_path`` adds the daily ``h`` path."""
        out: dict[str, Any] = {
            "method": self.method,
            "fallback": self.fallback,
            "h_forecast": json_float(self.h_forecast),
            "rho_forecast": json_float(self.rho_forecast),
            "sigma_spot_forecast": json_float(self.sigma_spot_forecast),
            "sigma_futures_forecast": json_float(self.sigma_futures_forecast),
            "params": {k: json_float(v) for k, v in self.params.items()},
            "std_errors": {k: json_float(v) for k, v in self.std_errors.items()},
            "log_likelihood": json_float(self.log_likelihood),
            "n_obs": int(self.n_obs),
            "start": iso(self.start),
            "end": iso(self.end),
            "hedge_name": self.hedge_name,
            "warnings": list(self.warnings),
        }
        if include_path:
            dates = pd.DatetimeIndex(self.h.index)
            out["h"] = {
                iso(d): json_float(float(v)) for d, v in zip(dates, self.h.to_numpy(), strict=True)
            }
        return out


# --------------------------------------------------------------------------- numpy cores


def rolling_path(
    spot: Float64Array, fut: Float64Array, window: int
) -> tuple[Float64Array, Float64Array, Float64Array, Float64Array]:
    r"""Ex-ante rolling OLS ratio: entry ``t`` (``t = 0..n``) uses returns ``t-window..t-1``.

    :math:`h_t = \widehat{\mathrm{Cov}}(S, F) / \widehat{\mathrm{Var}}(F)` over the window
    (the OLS slope of spot on futures returns with an intercept; Ederington 1979; Hull,
    11th ed., §3.4). Returns ``(h, rho, sigma_spot, sigma_futures)``, ``n + 1`` entries each,
    NaN for the first ``window`` entries.
    """
    n = spot.size
    out = [np.full(n + 1, np.nan) for _ in range(4)]
    if n < window:
        return out[0], out[1], out[2], out[3]

    def csum(x: Float64Array) -> Float64Array:
        return np.concatenate([[0.0], np.cumsum(x)])

    def win(c: Float64Array) -> Float64Array:
        return np.asarray(c[window:] - c[:-window], dtype=np.float64)

    ss, sf = win(csum(spot)), win(csum(fut))
    sss, sff, ssf = win(csum(spot * spot)), win(csum(fut * fut)), win(csum(spot * fut))
    k = float(window)
    var_s = np.maximum((sss - ss * ss / k) / (k - 1.0), 0.0)
    var_f = np.maximum((sff - sf * sf / k) / (k - 1.0), 0.0)
    cov = (ssf - ss * sf / k) / (k - 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        h = cov / var_f
        rho = cov / np.sqrt(var_s * var_f)
    # Windows ending on day window-1 .. n-1 are known at the close of that day: entry t+1.
    out[0][window:] = h
    out[1][window:] = rho
    out[2][window:] = np.sqrt(var_s)
    out[3][window:] = np.sqrt(var_f)
    return out[0], out[1], out[2], out[3]


def ewma_path(
    spot: Float64Array, fut: Float64Array, decay: float
) -> tuple[Float64Array, Float64Array, Float64Array, Float64Array]:
    r"""Ex-ante RiskMetrics EWMA ratio, ``n + 1`` entries.

    .. math::

        \sigma_{SF,t} = \lambda\,\sigma_{SF,t-1} + (1-\lambda)\,r_{S,t-1} r_{F,t-1}, \qquad
        h_t = \sigma_{SF,t} / \sigma^2_{F,t}

    (J.P. Morgan/Reuters, *RiskMetrics — Technical Document*, 4th ed., 1996, §5.2, zero-mean
    returns), started from the sample moments of the first ``min(n, 75)`` days, as the GARCH
    backcast. Returns ``(h, rho, sigma_spot, sigma_futures)``.
    """
    from scipy.signal import lfilter

    tau = max(1, min(EWMA_START_OBS, spot.size))
    moments = []
    for x in (spot * spot, spot * fut, fut * fut):
        start = float(np.mean(x[:tau]))
        drive = (1.0 - decay) * x
        path = np.empty(x.size + 1)
        path[0] = start
        y, _ = lfilter([1.0], [1.0, -decay], drive, zi=[decay * start])
        path[1:] = y
        moments.append(path)
    vs, cov, vf = moments
    with np.errstate(divide="ignore", invalid="ignore"):
        h = cov / vf
        rho = cov / np.sqrt(vs * vf)
    return h, rho, np.sqrt(vs), np.sqrt(vf)


# --------------------------------------------------------------------------- DCC fit


class DCCFitError(RuntimeError):
    """A DCC-GARCH fit that could not be completed; the message says why."""


def _fit_garch(resid: Float64Array, name: str, start: GarchParams | None) -> GarchParams:
    try:
        from arch import arch_model
    except ImportError as exc:  # pragma: no cover - arch ships with the mc extra
        raise DCCFitError(
            "the DCC model needs the 'arch' package (pip install 'hedgekit[mc]')"
        ) from exc
    y = resid * _PCT
    model = arch_model(y, mean="Zero", vol="GARCH", p=1, q=1, dist="normal", rescale=False)
    sv = None
    if start is not None:
        sv = np.array([start.omega * _PCT**2, start.alpha, start.beta])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = model.fit(disp="off", starting_values=sv, show_warning=False)
    if int(res.convergence_flag) != 0:
        raise DCCFitError(f"the GARCH(1,1) fit of the {name} returns did not converge")
    omega, alpha, beta = (float(res.params[k]) for k in ("omega", "alpha[1]", "beta[1]"))
    if not (omega > 0.0 and alpha >= 0.0 and beta >= 0.0 and alpha + beta < 1.0):
        raise DCCFitError(
            f"the GARCH(1,1) fit of the {name} returns is not stationary "
            f"(alpha + beta = {alpha + beta:.4f})"
        )
    return GarchParams(omega=omega / _PCT**2, alpha=alpha, beta=beta, backcast=arch_backcast(resid))


def _to_ab(theta: Float64Array) -> tuple[float, float]:
    # a = s w, b = s (1 - w) with s = a + b in [0, _MAX_PERSISTENCE], w in [0, 1]:
    # box bounds on (s, w) enforce a, b >= 0 and a + b < 1.
    s, w = float(theta[0]), float(theta[1])
    return s * w, s * (1.0 - w)


def _from_ab(a: float, b: float) -> Float64Array:
    s = min(max(a + b, 1e-6), _MAX_PERSISTENCE)
    w = a / (a + b) if a + b > 0 else 0.05
    return np.array([s, min(max(w, 0.0), 1.0)])


def fit_dcc_core(
    spot: Float64Array,
    fut: Float64Array,
    *,
    start: DCCParams | None = None,
) -> tuple[DCCParams, float, dict[str, float], list[str]]:
    """Two-step DCC-GARCH(1,1) fit on decimal returns; see :func:`dcc_hedge_ratio`.

    Returns ``(params, log_likelihood, std_errors, notes)``; raises :class:`DCCFitError`.
    """
    if spot.size < DCC_MIN_OBS:
        raise DCCFitError(f"{spot.size} observations; a DCC fit needs at least {DCC_MIN_OBS}")
    gs = _fit_garch(spot, "spot", None if start is None else start.spot)
    gf = _fit_garch(fut, "futures", None if start is None else start.futures)
    zs = spot / np.sqrt(garch_variance_path(spot, gs)[:-1])
    zf = fut / np.sqrt(garch_variance_path(fut, gf)[:-1])
    c = np.cov(np.vstack([zs, zf]))
    q_bar = (float(c[0, 0]), float(c[0, 1]), float(c[1, 1]))
    if abs(q_bar[1]) >= math.sqrt(q_bar[0] * q_bar[2]) * (1.0 - 1e-9):
        raise DCCFitError("the standardized residuals are perfectly correlated")

    def nll(theta: Float64Array) -> float:
        a, b = _to_ab(theta)
        ll = dcc_loglik(zs, zf, a, b, q_bar)
        return -ll / spot.size if math.isfinite(ll) else 1e10

    x0_list = [_from_ab(start.a, start.b)] if start is not None else []
    x0_list += [_from_ab(0.03, 0.95), _from_ab(0.01, 0.5)]
    best = None
    for x0 in x0_list:
        res = minimize(nll, x0, method="L-BFGS-B", bounds=[(0.0, _MAX_PERSISTENCE), (0.0, 1.0)])
        if best is None or res.fun < best.fun:
            best = res
        if start is not None and res.success:
            break  # a warm start that converges is enough
    assert best is not None
    if not (best.success and math.isfinite(best.fun) and best.fun < 1e9):
        raise DCCFitError(f"the DCC correlation step did not converge ({best.message})")
    a, b = _to_ab(best.x)
    ll = dcc_loglik(zs, zf, a, b, q_bar)
    params = DCCParams(spot=gs, futures=gf, a=a, b=b, q_bar=q_bar)
    se, notes = _dcc_std_errors(zs, zf, a, b, q_bar)
    return params, ll, se, notes


def _dcc_std_errors(
    zs: Float64Array, zf: Float64Array, a: float, b: float, q_bar: tuple[float, float, float]
) -> tuple[dict[str, float], list[str]]:
    """Standard errors of (a, b): inverse numerical Hessian of the correlation log-likelihood.

    Central differences; NaN with a note when (a, b) is on a bound.
    """
    eps = _HESSIAN_STEP
    if a < 2 * eps or b < 2 * eps or a + b > _MAX_PERSISTENCE - 2 * eps:
        return {"a": math.nan, "b": math.nan}, [
            f"(a, b) = ({a:.4f}, {b:.4f}) is on the boundary of the parameter space: "
            "no standard errors"
        ]
    x = np.array([a, b])

    def f(v: Float64Array) -> float:
        return dcc_loglik(zs, zf, float(v[0]), float(v[1]), q_bar)

    hess = np.empty((2, 2))
    for i in range(2):
        for j in range(2):
            ei = np.eye(2)[i] * eps
            ej = np.eye(2)[j] * eps
            hess[i, j] = (f(x + ei + ej) - f(x + ei - ej) - f(x - ei + ej) + f(x - ei - ej)) / (
                4 * eps * eps
            )
    try:
        cov = np.linalg.inv(-hess)
    except np.linalg.LinAlgError:
        return {"a": math.nan, "b": math.nan}, ["the DCC Hessian is singular: no standard errors"]
    diag = np.diag(cov)
    if not np.all(diag > 0):
        return {"a": math.nan, "b": math.nan}, [
            "the DCC Hessian is not negative definite: no standard errors"
        ]
    return {"a": float(math.sqrt(diag[0])), "b": float(math.sqrt(diag[1]))}, []


def dcc_filter(
    params: DCCParams, spot: Float64Array, fut: Float64Array
) -> tuple[Float64Array, Float64Array, Float64Array, Float64Array]:
    """Ex-ante DCC paths ``(h, rho, sigma_spot, sigma_futures)`` with fixed parameters.

    ``n + 1`` entries; the last is the one-step forecast.

    Filtering days after the fit sample with the fitted parameters uses no later data:
    each entry depends on returns before it only.
    """
    vs = garch_variance_path(spot, params.spot)
    vf = garch_variance_path(fut, params.futures)
    zs = spot / np.sqrt(vs[:-1])
    zf = fut / np.sqrt(vf[:-1])
    rho = dcc_correlation_path(zs, zf, params.a, params.b, params.q_bar)
    ss, sf = np.sqrt(vs), np.sqrt(vf)
    return rho * ss / sf, rho, ss, sf


# --------------------------------------------------------------------------- pandas API


def _frame(
    spot_returns: ReturnsLike,
    futures_returns: ReturnsLike,
    *,
    start: DateLike | None,
    end: DateLike | None,
    window: int | None,
    min_obs: int,
) -> tuple[pd.DataFrame, str]:
    fut_series = (
        futures_returns.returns if isinstance(futures_returns, FuturesReturns) else futures_returns
    )
    name = series_name(fut_series, "futures") if isinstance(fut_series, pd.Series) else "futures"
    frame, _ = align_frame(
        {"spot_returns": spot_returns, "futures_returns": futures_returns},
        start=start,
        end=end,
        window=window,
        min_obs=min_obs,
    )
    f = values(frame["futures_returns"])
    if float(np.ptp(f)) == 0.0:
        raise InputError(
            "futures returns are constant over the sample; the hedge ratio is undefined",
            source="futures_returns",
            expected="returns that vary",
        )
    return frame, name


def _result(
    method: RatioModel,
    frame: pd.DataFrame,
    name: str,
    paths: tuple[Float64Array, Float64Array, Float64Array, Float64Array],
    **extra: Any,
) -> TimeVaryingHedgeResult:
    idx = frame.index
    h, rho, ss, sf = paths
    return TimeVaryingHedgeResult(
        method=method,
        h=pd.Series(h[:-1], index=idx, name="h"),
        rho=pd.Series(rho[:-1], index=idx, name="rho"),
        sigma_spot=pd.Series(ss[:-1], index=idx, name="sigma_spot"),
        sigma_futures=pd.Series(sf[:-1], index=idx, name="sigma_futures"),
        h_forecast=float(h[-1]),
        rho_forecast=float(rho[-1]),
        sigma_spot_forecast=float(ss[-1]),
        sigma_futures_forecast=float(sf[-1]),
        n_obs=len(frame),
        start=pd.Timestamp(idx[0]),
        end=pd.Timestamp(idx[-1]),
        hedge_name=name,
        **extra,
    )


def _check_window(window: int) -> int:
    if isinstance(window, bool) or not isinstance(window, int | np.integer) or window < 3:
        raise InputError(
            "rolling window must be an integer of at least 3 sessions",
            source="window",
            value=window,
            expected="an integer >= 3, e.g. 252",
        )
    return int(window)


def rolling_hedge_ratio(
    spot_returns: ReturnsLike,
    futures_returns: ReturnsLike,
    *,
    window: int = DEFAULT_ROLLING_WINDOW,
    start: DateLike | None = None,
    end: DateLike | None = None,
    min_obs: int = MIN_OBS,
) -> TimeVaryingHedgeResult:
    """Rolling-window OLS hedge ratio (see :func:`rolling_path`).

    ``h`` is NaN until a full window is available; the forecast is the last window's slope.
    """
    w = _check_window(window)
    frame, name = _frame(
        spot_returns, futures_returns, start=start, end=end, window=None, min_obs=max(min_obs, w)
    )
    paths = rolling_path(values(frame["spot_returns"]), values(frame["futures_returns"]), w)
    return _result("rolling", frame, name, paths, params={"window": float(w)})


def ewma_hedge_ratio(
    spot_returns: ReturnsLike,
    futures_returns: ReturnsLike,
    *,
    decay: float = RISKMETRICS_DAILY_DECAY,
    start: DateLike | None = None,
    end: DateLike | None = None,
    window: int | None = None,
    min_obs: int = MIN_OBS,
) -> TimeVaryingHedgeResult:
    """RiskMetrics EWMA hedge ratio (see :func:`ewma_path`; λ = 0.94 for daily data)."""
    lam = _check_decay(decay)
    frame, name = _frame(
        spot_returns, futures_returns, start=start, end=end, window=window, min_obs=min_obs
    )
    paths = ewma_path(values(frame["spot_returns"]), values(frame["futures_returns"]), lam)
    return _result("ewma", frame, name, paths, params={"decay": lam})


def dcc_hedge_ratio(
    spot_returns: ReturnsLike,
    futures_returns: ReturnsLike,
    *,
    start: DateLike | None = None,
    end: DateLike | None = None,
    window: int | None = None,
    min_obs: int = DCC_MIN_OBS,
    fallback_decay: float = RISKMETRICS_DAILY_DECAY,
    start_params: DCCParams | None = None,
) -> TimeVaryingHedgeResult:
    r"""DCC-GARCH(1,1) hedge ratio :math:`h_t = \rho_t\sigma_{S,t}/\sigma_{F,t}` (Engle 2002).

    Step 1: a zero-mean GARCH(1,1) for each return series, by Gaussian QML in :mod:`arch`
    (returns in percent for the optimiser; parameters reported for decimal returns).
    Step 2: :math:`(a, b)` maximise the correlation log-likelihood
    (:func:`~hedgekit.estimation._dcc.dcc_loglik`) on the standardized residuals with
    correlation targeting, :math:`\bar Q` their sample covariance (Engle 2002, §3). The
    search runs over :math:`s = a + b \in [0, 0.9995]` and :math:`w = a/(a+b) \in [0, 1]`,
    so :math:`a, b \ge 0` and :math:`a + b < 1` hold by construction.

    Standard errors of :math:`(a, b)` come from the inverse numerical Hessian of the
    second-step log-likelihood. They are two-step standard errors that **ignore the
    estimation error of the first step** (the GARCH margins and :math:`\bar Q`); the
    correction of Engle & Sheppard (2001, NBER w8554) is not applied, so they understate
    the true uncertainty somewhat. They are NaN (with a warning) when a parameter sits on
    a bound.

    When the fit fails (too few observations, a GARCH margin that does not converge or is
    not stationary, a correlation step that does not converge), the result is the
    RiskMetrics EWMA ratio with ``decay = fallback_decay`` instead, ``fallback="ewma"``
    and the reason in ``warnings``; it never raises for a numerical failure.

    Parameters
    ----------
    spot_returns, futures_returns
        Daily returns (decimal), aligned as in :func:`align`.
    start, end, window, min_obs
        Sample selection (at least 250 observations by default).
    fallback_decay
        λ of the EWMA used when the DCC fit fails.
    start_params
        Warm start (e.g. the previous refit's parameters).
    """
    lam = _check_decay(fallback_decay)
    frame, name = _frame(
        spot_returns, futures_returns, start=start, end=end, window=window, min_obs=min_obs
    )
    s = values(frame["spot_returns"])
    f = values(frame["futures_returns"])
    try:
        params, ll, se, notes = fit_dcc_core(s, f, start=start_params)
    except DCCFitError as exc:
        paths = ewma_path(s, f, lam)
        return _result(
            "dcc",
            frame,
            name,
            paths,
            params={"decay": lam},
            fallback="ewma",
            warnings=(f"DCC-GARCH fit failed: {exc}; using the EWMA ratio (λ = {lam:g})",),
        )
    paths = dcc_filter(params, s, f)
    return _result(
        "dcc",
        frame,
        name,
        paths,
        params={
            "a": params.a,
            "b": params.b,
            "omega_spot": params.spot.omega,
            "alpha_spot": params.spot.alpha,
            "beta_spot": params.spot.beta,
            "omega_futures": params.futures.omega,
            "alpha_futures": params.futures.alpha,
            "beta_futures": params.futures.beta,
        },
        std_errors=se,
        log_likelihood=ll,
        warnings=tuple(notes),
        dcc=params,
    )


@dataclass(frozen=True, slots=True)
class RollingOLSHedge:
    """Rolling OLS hedge-ratio estimator; see :func:`rolling_hedge_ratio`."""

    window: int = DEFAULT_ROLLING_WINDOW

    def fit(
        self, spot_returns: ReturnsLike, futures_returns: ReturnsLike
    ) -> TimeVaryingHedgeResult:
        """Estimate the rolling ratio path and its forecast."""
        return rolling_hedge_ratio(spot_returns, futures_returns, window=self.window)


@dataclass(frozen=True, slots=True)
class EWMAHedge:
    """RiskMetrics EWMA hedge-ratio estimator; see :func:`ewma_hedge_ratio`."""

    decay: float = RISKMETRICS_DAILY_DECAY

    def fit(
        self, spot_returns: ReturnsLike, futures_returns: ReturnsLike
    ) -> TimeVaryingHedgeResult:
        """Estimate the EWMA ratio path and its forecast."""
        return ewma_hedge_ratio(spot_returns, futures_returns, decay=self.decay)


@dataclass(frozen=True, slots=True)
class DCCGarchHedge:
    """DCC-GARCH(1,1) hedge-ratio estimator; see :func:`dcc_hedge_ratio`."""

    fallback_decay: float = RISKMETRICS_DAILY_DECAY

    def fit(
        self,
        spot_returns: ReturnsLike,
        futures_returns: ReturnsLike,
        *,
        start_params: DCCParams | None = None,
    ) -> TimeVaryingHedgeResult:
        """Fit the DCC model and filter its ratio path and forecast."""
        return dcc_hedge_ratio(
            spot_returns,
            futures_returns,
            fallback_decay=self.fallback_decay,
            start_params=start_params,
        )
