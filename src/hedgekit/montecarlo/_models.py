r"""Path models: what a simulated future of daily index returns, VIX and rates looks like.

Every model returns :class:`SimulatedPaths`, arrays shaped ``(n_paths, n_days)`` (float64):
``index_return[i, t]`` is the index's simple return on simulated day ``t + 1`` (from the
close before), and ``vix[i, t]``, ``rate_annual[i, t]`` are observed at that close. The arrays
are stored days-major (each is the transposed view of a C-contiguous ``(n_days, n_paths)``
array), the order in which the stress kernels walk them.

* :class:`StationaryBootstrap`: rows of a :class:`~hedgekit.montecarlo.HistoricalSample`
  (return, VIX, rate of one session) resampled in stationary blocks (Politis & Romano, 1994),
  so VIX and rates follow the same blocks as the returns. Rates are resampled as daily
  *changes* added to the starting rate by default: resampling rate *levels* would make the
  rate jump between regimes (8% in 1990, 0% in 2021) at every block boundary, and with it the
  carry fair value of the futures (by ``S·Δr·τ``, up to 1.5% of the index for a quarterly
  contract), a basis move no market shows. ``rates="levels"`` keeps the levels.
* :class:`Gbm`: geometric Brownian motion, :math:`S_{t+\Delta} = S_t \exp\left((\mu -
  \sigma^2/2)\Delta + \sigma\sqrt{\Delta} Z\right)`, :math:`\Delta = 1/252` (Hull, 11th ed.,
  §15.1–15.3, the lognormal property); constant rate; no VIX (NaN).
* :class:`Garch11`: GARCH(1,1) with a constant mean and normal shocks (Bollerslev, 1986,
  *J. Econometrics* 31(3), 307–327), :math:`r_t = \mu + \varepsilon_t`,
  :math:`\sigma_t^2 = \omega + \alpha \varepsilon_{t-1}^2 + \beta \sigma_{t-1}^2`, fitted
  and simulated with the ``arch`` package (``pip install hedgekit[mc]``); constant rate; no
  VIX (NaN). The simulation starts from the fitted conditional variance at the sample's last
  session, so it is a forecast from that day's volatility.

Randomness is always passed in (``rng``); nothing draws from global state.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from hedgekit._constants import TRADING_DAYS_PER_YEAR
from hedgekit._typing import Float64Array
from hedgekit.errors import InputError
from hedgekit.montecarlo._bootstrap import stationary_bootstrap_indices
from hedgekit.montecarlo._sample import HistoricalSample

__all__ = [
    "DEFAULT_MEAN_BLOCK_LENGTH",
    "Garch11",
    "Gbm",
    "PathModel",
    "SimulatedPaths",
    "StationaryBootstrap",
]

#: Default mean block length of the bootstrap, in sessions (about a trading month): long
#: enough to keep volatility clusters of a few weeks together. A modelling choice, not a
#: fitted value.
DEFAULT_MEAN_BLOCK_LENGTH = 20.0

# arch works best with returns in percent (its own advice on scaling).
_PERCENT = 100.0


@dataclass(frozen=True, slots=True)
class SimulatedPaths:
    """Simulated daily paths, shape ``(n_paths, n_days)`` each.

    Attributes
    ----------
    index_return
        Simple daily index return on each simulated day.
    rate_annual
        Continuously compounded rate per year at each simulated close.
    vix
        VIX level at each simulated close; NaN where the model has none.
    model
        Name of the model that produced the paths.
    """

    index_return: Float64Array
    rate_annual: Float64Array
    vix: Float64Array
    model: str

    def __post_init__(self) -> None:
        shape = np.shape(self.index_return)
        if len(shape) != 2:
            raise InputError(
                "paths must be 2-d (n_paths, n_days)", source="index_return", value=shape
            )
        for name in ("index_return", "rate_annual", "vix"):
            arr = np.asarray(getattr(self, name), dtype=np.float64)
            if arr.shape != shape:
                raise InputError(
                    "shape differs from index_return", source=name, value=arr.shape,
                    expected=str(shape),
                )  # fmt: skip
            object.__setattr__(self, name, arr)

    @property
    def n_paths(self) -> int:
        """Number of paths."""
        return int(self.index_return.shape[0])

    @property
    def n_days(self) -> int:
        """Number of simulated days per path."""
        return int(self.index_return.shape[1])

    def index_levels(self, start_level: float) -> Float64Array:
        """Index levels ``(n_paths, n_days + 1)``: ``S_0`` given, ``S_t = S_{t-1}(1 + R_t)``."""
        out = np.empty((self.n_paths, self.n_days + 1))
        out[:, 0] = start_level
        np.cumprod(1.0 + self.index_return, axis=1, out=out[:, 1:])
        out[:, 1:] *= start_level
        return out


class PathModel(ABC):
    """A generator of simulated daily paths."""

    name: str

    @abstractmethod
    def simulate(self, n_paths: int, n_days: int, rng: np.random.Generator) -> SimulatedPaths:
        """Draw ``n_paths`` paths of ``n_days`` days with ``rng``."""

    @abstractmethod
    def to_dict(self) -> dict[str, Any]:
        """Describe the model and its parameters (JSON-safe)."""


def _check_rng(rng: object) -> np.random.Generator:
    if not isinstance(rng, np.random.Generator):
        raise InputError(
            "randomness must be passed in as a numpy Generator",
            source="rng",
            value=type(rng).__name__,
            expected="numpy.random.Generator (e.g. numpy.random.default_rng(seed))",
        )
    return rng


def _check_shape(n_paths: int, n_days: int) -> None:
    for name, value in (("n_paths", n_paths), ("n_days", n_days)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
            raise InputError("must be a whole number >= 1", source=name, value=value)


@dataclass(frozen=True, slots=True)
class StationaryBootstrap(PathModel):
    r"""Stationary block bootstrap of a historical sample's sessions.

    Attributes
    ----------
    sample
        Sessions resampled (returns with their VIX and rate).
    mean_block_length
        Mean block length ``L`` in sessions (>= 1).
    rates
        ``"changes"`` (default): the rate on simulated day ``t`` is
        :math:`r_0 + \sum_{s \le t} \Delta r_{I_s}`, the resampled daily changes
        (:attr:`HistoricalSample.rate_change`) added to ``rate_start``; ``"levels"``: the
        resampled sessions' own rates.
    rate_start
        :math:`r_0` for ``"changes"``; ``None``: the sample's last rate.
    """

    sample: HistoricalSample
    mean_block_length: float = DEFAULT_MEAN_BLOCK_LENGTH
    rates: Literal["changes", "levels"] = "changes"
    rate_start: float | None = None
    name: str = field(default="stationary bootstrap", init=False)

    def __post_init__(self) -> None:
        if self.rates not in ("changes", "levels"):
            raise InputError(
                "unknown rate resampling", source="rates", value=self.rates,
                expected="'changes' or 'levels'",
            )  # fmt: skip
        if self.rate_start is not None and not math.isfinite(self.rate_start):
            raise InputError("must be finite", source="rate_start", value=self.rate_start)
        length = float(self.mean_block_length)
        if not (math.isfinite(length) and length >= 1.0):
            raise InputError(
                "invalid mean block length",
                source="mean_block_length",
                value=self.mean_block_length,
                expected="a finite number >= 1 (sessions)",
            )
        object.__setattr__(self, "mean_block_length", length)

    def simulate(self, n_paths: int, n_days: int, rng: np.random.Generator) -> SimulatedPaths:
        """Resample ``n_paths`` paths of ``n_days`` sessions (see :mod:`._bootstrap`)."""
        _check_shape(n_paths, n_days)
        draw = stationary_bootstrap_indices(
            self.sample.n_sessions, n_paths, n_days, self.mean_block_length, _check_rng(rng)
        )
        idx = draw.indices.T  # days-major, contiguous
        if self.rates == "levels":
            rates = self.sample.rate_annual[idx]
        else:
            rates = np.cumsum(self.sample.rate_change[idx], axis=0)
            rates += self.start_rate
        return SimulatedPaths(
            index_return=self.sample.index_return[idx].T,
            rate_annual=rates.T,
            vix=self.sample.vix[idx].T,
            model=self.name,
        )

    @property
    def start_rate(self) -> float:
        """:math:`r_0` of ``"changes"``: ``rate_start`` or the sample's last rate."""
        if self.rate_start is None:
            return float(self.sample.rate_annual[-1])
        return float(self.rate_start)

    def to_dict(self) -> dict[str, Any]:
        """Model name, mean block length and the sample's span."""
        return {
            "model": self.name,
            "mean_block_length_days": self.mean_block_length,
            "rates": self.rates,
            "rate_start": self.start_rate if self.rates == "changes" else None,
            "sample": self.sample.to_dict(),
            "reference": "Politis & Romano (1994), JASA 89(428):1303-1313",
        }


@dataclass(frozen=True, slots=True)
class Gbm(PathModel):
    r"""Geometric Brownian motion with a constant rate.

    Attributes
    ----------
    mu_annual
        Drift :math:`\mu` per year (expected return: :math:`E[S_T] = S_0 e^{\mu T}`).
    sigma_annual
        Volatility :math:`\sigma` per year (> 0).
    rate_annual
        The constant interest rate on every simulated day (continuous, per year).
    """

    mu_annual: float
    sigma_annual: float
    rate_annual: float
    name: str = field(default="gbm", init=False)

    def __post_init__(self) -> None:
        for key, ok, expected in (
            ("mu_annual", math.isfinite(self.mu_annual), "a finite number"),
            ("sigma_annual", math.isfinite(self.sigma_annual) and self.sigma_annual > 0, "> 0"),
            ("rate_annual", math.isfinite(self.rate_annual), "a finite number"),
        ):
            if not ok:
                raise InputError(
                    "invalid GBM parameter", source=key, value=getattr(self, key),
                    expected=expected,
                )  # fmt: skip
            object.__setattr__(self, key, float(getattr(self, key)))

    @classmethod
    def from_sample(cls, sample: HistoricalSample, rate_annual: float | None = None) -> Gbm:
        r"""Estimate :math:`\mu, \sigma` from the sample's daily log returns.

        :math:`\hat\sigma = s(\ln(1+R)) \sqrt{252}` (``ddof=1``) and
        :math:`\hat\mu = \overline{\ln(1+R)} \cdot 252 + \hat\sigma^2/2` (Hull, 11th ed.,
        §15.4: estimating volatility from historical data). The rate defaults to the
        sample's last rate.
        """
        log_ret = np.log1p(sample.index_return)
        sigma = float(np.std(log_ret, ddof=1) * math.sqrt(TRADING_DAYS_PER_YEAR))
        mu = float(np.mean(log_ret) * TRADING_DAYS_PER_YEAR + 0.5 * sigma * sigma)
        rate = float(sample.rate_annual[-1]) if rate_annual is None else float(rate_annual)
        return cls(mu_annual=mu, sigma_annual=sigma, rate_annual=rate)

    def simulate(self, n_paths: int, n_days: int, rng: np.random.Generator) -> SimulatedPaths:
        """Draw ``rng.standard_normal((n_days, n_paths))`` and build the returns."""
        _check_shape(n_paths, n_days)
        z = _check_rng(rng).standard_normal((n_days, n_paths))
        dt = 1.0 / TRADING_DAYS_PER_YEAR
        drift = (self.mu_annual - 0.5 * self.sigma_annual**2) * dt
        z *= self.sigma_annual * math.sqrt(dt)
        z += drift
        ret = np.expm1(z, out=z)
        return SimulatedPaths(
            index_return=ret.T,
            rate_annual=np.full((n_days, n_paths), self.rate_annual).T,
            vix=np.full((n_days, n_paths), np.nan).T,
            model=self.name,
        )

    def to_dict(self) -> dict[str, Any]:
        """Model name and parameters."""
        return {
            "model": self.name,
            "mu_annual": self.mu_annual,
            "sigma_annual": self.sigma_annual,
            "rate_annual": self.rate_annual,
            "reference": "Hull, Options, Futures and Other Derivatives, 11th ed., ch. 15",
        }


@dataclass(frozen=True, slots=True)
class Garch11(PathModel):
    r"""GARCH(1,1) with a constant mean and normal shocks, fitted and simulated by ``arch``.

    Build it with :meth:`fit`. Parameters are in the units ``arch`` was fitted in: daily
    returns in percent (``mu`` in percent per day, ``omega`` in percent squared).

    Attributes
    ----------
    mu, omega, alpha, beta
        Fitted parameters.
    returns_pct
        The daily returns (percent) the model was fitted to; the simulation starts from the
        conditional variance after the last one.
    rate_annual
        The constant interest rate on every simulated day.
    fitted_span
        First and last date of the fitted sample (ISO), when known.
    """

    mu: float
    omega: float
    alpha: float
    beta: float
    returns_pct: Float64Array = field(repr=False)
    rate_annual: float
    fitted_span: tuple[str, str] | None = None
    name: str = field(default="garch(1,1)", init=False)

    def __post_init__(self) -> None:
        if not (self.omega > 0 and self.alpha >= 0 and self.beta >= 0):
            raise InputError(
                "GARCH(1,1) parameters outside the admissible region",
                source="omega, alpha, beta",
                value=(self.omega, self.alpha, self.beta),
                expected="omega > 0, alpha >= 0, beta >= 0",
            )
        if self.alpha + self.beta >= 1.0:
            raise InputError(
                "GARCH(1,1) is not covariance-stationary",
                source="alpha + beta",
                value=self.alpha + self.beta,
                expected="< 1",
            )

    @classmethod
    def fit(cls, sample: HistoricalSample, rate_annual: float | None = None) -> Garch11:
        """Fit by maximum likelihood with ``arch.arch_model(..., vol="GARCH", p=1, q=1)``.

        Raises
        ------
        InputError
            If ``arch`` is not installed (``pip install hedgekit[mc]``).
        """
        model = _arch_model(sample.index_return * _PERCENT)
        res = model.fit(disp="off")
        p = res.params
        rate = float(sample.rate_annual[-1]) if rate_annual is None else float(rate_annual)
        return cls(
            mu=float(p["mu"]),
            omega=float(p["omega"]),
            alpha=float(p["alpha[1]"]),
            beta=float(p["beta[1]"]),
            returns_pct=np.asarray(sample.index_return * _PERCENT, dtype=np.float64),
            rate_annual=rate,
            fitted_span=(sample.first_date.isoformat(), sample.last_date.isoformat()),
        )

    @property
    def unconditional_volatility_annual(self) -> float:
        r""":math:`\sqrt{252\,\omega/(1-\alpha-\beta)}/100`, the long-run volatility per year."""
        return math.sqrt(TRADING_DAYS_PER_YEAR * self.omega / (1.0 - self.alpha - self.beta)) / (
            _PERCENT
        )

    def simulate(self, n_paths: int, n_days: int, rng: np.random.Generator) -> SimulatedPaths:
        """Simulate with ``arch``'s forecast simulation, shocks ``rng.standard_normal``."""
        _check_shape(n_paths, n_days)
        gen = _check_rng(rng)
        model = _arch_model(self.returns_pct)
        fixed = model.fix(np.array([self.mu, self.omega, self.alpha, self.beta]))
        forecast = fixed.forecast(
            horizon=n_days,
            method="simulation",
            simulations=n_paths,
            rng=lambda size: gen.standard_normal(size),
            reindex=False,
        )
        sims = np.asarray(forecast.simulations.values[-1], dtype=np.float64)
        ret = np.ascontiguousarray(sims.T) / _PERCENT
        return SimulatedPaths(
            index_return=ret.T,
            rate_annual=np.full((n_days, n_paths), self.rate_annual).T,
            vix=np.full((n_days, n_paths), np.nan).T,
            model=self.name,
        )

    def to_dict(self) -> dict[str, Any]:
        """Model name, parameters (percent units) and the fitted span."""
        return {
            "model": self.name,
            "mu_pct_per_day": self.mu,
            "omega_pct2": self.omega,
            "alpha": self.alpha,
            "beta": self.beta,
            "unconditional_volatility_annual": self.unconditional_volatility_annual,
            "rate_annual": self.rate_annual,
            "fitted_span": list(self.fitted_span) if self.fitted_span else None,
            "reference": "Bollerslev (1986), J. Econometrics 31(3):307-327; arch package",
        }


def _arch_model(returns_pct: Float64Array) -> Any:
    try:
        from arch import arch_model
    except ImportError:  # pragma: no cover - depends on the environment
        raise InputError(
            "the GARCH model needs the 'arch' package",
            source="model",
            value="garch",
            expected="pip install hedgekit[mc], or the bootstrap / gbm model",
        ) from None
    return arch_model(
        returns_pct, mean="Constant", vol="GARCH", p=1, q=1, dist="normal", rescale=False
    )
