r"""Black–Scholes–Merton prices and Greeks of European options on an index paying yield q.

With :math:`F = S e^{(r-q)T}` and :math:`s = \sigma\sqrt{T}`,

.. math::

    d_1 = \frac{\ln(S/K) + (r - q + \sigma^2/2)T}{\sigma\sqrt{T}}, \qquad d_2 = d_1 - \sigma\sqrt{T}

    c = S e^{-qT} N(d_1) - K e^{-rT} N(d_2), \qquad
    p = K e^{-rT} N(-d_2) - S e^{-qT} N(-d_1)

(Hull, *Options, Futures and Other Derivatives*, 11th ed., ch. 15 eqs. 15.20–15.21 for
``q = 0``; ch. 17 "Options on Stock Indices and Currencies", eqs. 17.4–17.5 with a
dividend yield). Greeks follow Hull ch. 19 ("The Greek Letters"), the table of Greeks for
European options on an asset providing a yield ``q``.

Units: ``t_years`` in years, ``rate_annual``/``dividend_yield`` continuously compounded
per year, ``vol`` annualised as a fraction (0.20 = 20 %). Vega is per 1.00 of vol (divide
by 100 for one vol point); theta is per year (see :func:`theta_per_calendar_day`); rho is
per 1.00 of rate.

Limits. When :math:`\sigma\sqrt{T} = 0` (expiry, or zero vol) the price is the discounted
intrinsic value of the forward, :math:`e^{-rT}\max(\pm(F-K), 0)`, which at ``T = 0`` is the
plain intrinsic value (a log-moneyness within a few ulps of 0 counts as at the money
there). Greeks take their limits: delta is :math:`\pm e^{-qT}` or 0 (half
of it exactly at the money), vega and rho are finite, and gamma (and theta at expiry) are
``+inf`` (``-inf``) exactly at the money and 0 elsewhere. No warning is emitted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, overload

import numpy as np
import numpy.typing as npt
from scipy.special import ndtr

from hedgekit._constants import CALENDAR_DAYS_PER_YEAR
from hedgekit._typing import Float64Array
from hedgekit.errors import InputError
from hedgekit.pricing._validation import (
    OptionKind,
    as_float_array,
    broadcast,
    check_kind,
    finish,
    non_negative,
    positive,
)

__all__ = [
    "BsmGreeks",
    "OptionKind",
    "bsm_delta",
    "bsm_gamma",
    "bsm_greeks",
    "bsm_price",
    "bsm_rho",
    "bsm_theta",
    "bsm_vega",
    "implied_vol",
    "theta_per_calendar_day",
]

_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
#: With no time value left, |ln(F/K)| at or below this counts as exactly at the money, so
#: a strike set to a computed forward (a few ulps off) gets the at-the-money limits.
_ATM_LOG_TOL = 16.0 * float(np.finfo(np.float64).eps)


def _pdf(x: Float64Array) -> Float64Array:
    """Standard normal density; exact 0 at ±inf without warnings."""
    return np.asarray(_INV_SQRT_2PI * np.exp(-0.5 * x * x), dtype=np.float64)


@dataclass(frozen=True, slots=True)
class _Inputs:
    s: Float64Array
    k: Float64Array
    t: Float64Array
    r: Float64Array
    q: Float64Array
    vol: Float64Array
    sd: Float64Array  # sigma * sqrt(T)
    x: Float64Array  # ln(F / K)
    d1: Float64Array
    d2: Float64Array
    df_r: Float64Array  # e^{-rT}
    df_q: Float64Array  # e^{-qT}


def _prepare(
    spot: npt.ArrayLike,
    strike: npt.ArrayLike,
    t_years: npt.ArrayLike,
    rate_annual: npt.ArrayLike,
    dividend_yield: npt.ArrayLike,
    vol: npt.ArrayLike,
) -> _Inputs:
    s, k, t, r, q, v = broadcast(
        spot=positive(spot, "spot"),
        strike=positive(strike, "strike"),
        t_years=non_negative(t_years, "t_years"),
        rate_annual=as_float_array(rate_annual, "rate_annual"),
        dividend_yield=as_float_array(dividend_yield, "dividend_yield"),
        vol=non_negative(vol, "vol"),
    )
    sd = v * np.sqrt(t)
    x = np.log(s / k) + (r - q) * t
    live = sd > 0.0
    x = np.where(~live & (np.abs(x) <= _ATM_LOG_TOL), 0.0, x)
    safe_sd = np.where(live, sd, 1.0)
    with np.errstate(over="ignore"):  # ln(F/K)/tiny -> ±inf is the right limit
        d1_live = x / safe_sd + 0.5 * sd
    limit = np.where(x > 0.0, np.inf, np.where(x < 0.0, -np.inf, 0.0))
    d1 = np.where(live, d1_live, limit)
    d2 = np.where(live, d1 - sd, limit)
    return _Inputs(
        s=s,
        k=k,
        t=t,
        r=r,
        q=q,
        vol=v,
        sd=sd,
        x=x,
        d1=d1,
        d2=d2,
        df_r=np.exp(-r * t),
        df_q=np.exp(-q * t),
    )


@overload
def bsm_price(
    kind: OptionKind,
    spot: float,
    strike: float,
    t_years: float,
    rate_annual: float,
    dividend_yield: float,
    vol: float,
) -> float: ...
@overload
def bsm_price(
    kind: OptionKind,
    spot: npt.ArrayLike,
    strike: npt.ArrayLike,
    t_years: npt.ArrayLike,
    rate_annual: npt.ArrayLike,
    dividend_yield: npt.ArrayLike,
    vol: npt.ArrayLike,
) -> Float64Array: ...
def bsm_price(
    kind: OptionKind,
    spot: npt.ArrayLike,
    strike: npt.ArrayLike,
    t_years: npt.ArrayLike,
    rate_annual: npt.ArrayLike,
    dividend_yield: npt.ArrayLike,
    vol: npt.ArrayLike,
) -> float | Float64Array:
    r"""Black–Scholes–Merton price of a European put or call on an index paying yield q.

    .. math::

        c = S e^{-qT} N(d_1) - K e^{-rT} N(d_2), \qquad
        p = K e^{-rT} N(-d_2) - S e^{-qT} N(-d_1)

    Parameters
    ----------
    kind
        ``"put"`` or ``"call"``.
    spot
        Index level :math:`S` (> 0).
    strike
        Strike :math:`K` (> 0).
    t_years
        Time to expiry :math:`T` in years (>= 0; 0 gives intrinsic value).
    rate_annual
        Continuously compounded risk-free rate :math:`r`.
    dividend_yield
        Continuously compounded dividend yield :math:`q`.
    vol
        Annualised volatility :math:`\sigma` as a fraction (>= 0; 0 gives the discounted
        intrinsic value of the forward).

    Returns
    -------
    float or ndarray
        Option price in index points per unit of index.

    References
    ----------
    Hull, 11th ed., eqs. 15.20–15.21 (BSM) and 17.4–17.5 (index with dividend yield).

    Examples
    --------
    >>> round(bsm_price("call", 930.0, 900.0, 2 / 12, 0.08, 0.03, 0.20), 2)  # Hull Ex. 17.1
    51.83
    """
    kind = check_kind(kind)
    z = _prepare(spot, strike, t_years, rate_annual, dividend_yield, vol)
    fwd_leg = z.s * z.df_q
    k_leg = z.k * z.df_r
    if kind == "call":
        out = fwd_leg * ndtr(z.d1) - k_leg * ndtr(z.d2)
    else:
        out = k_leg * ndtr(-z.d2) - fwd_leg * ndtr(-z.d1)
    # Rounding can leave a deep out-of-the-money value a hair below zero.
    return finish(np.maximum(out, 0.0))


@overload
def bsm_delta(
    kind: OptionKind,
    spot: float,
    strike: float,
    t_years: float,
    rate_annual: float,
    dividend_yield: float,
    vol: float,
) -> float: ...
@overload
def bsm_delta(
    kind: OptionKind,
    spot: npt.ArrayLike,
    strike: npt.ArrayLike,
    t_years: npt.ArrayLike,
    rate_annual: npt.ArrayLike,
    dividend_yield: npt.ArrayLike,
    vol: npt.ArrayLike,
) -> Float64Array: ...
def bsm_delta(
    kind: OptionKind,
    spot: npt.ArrayLike,
    strike: npt.ArrayLike,
    t_years: npt.ArrayLike,
    rate_annual: npt.ArrayLike,
    dividend_yield: npt.ArrayLike,
    vol: npt.ArrayLike,
) -> float | Float64Array:
    r"""Delta :math:`\partial V/\partial S` of a put or call.

    .. math:: \Delta_c = e^{-qT}N(d_1), \qquad \Delta_p = e^{-qT}\left(N(d_1) - 1\right)

    Parameters are those of :func:`bsm_price`.

    Returns
    -------
    float or ndarray
        Change in option price per 1 index point.

    References
    ----------
    Hull, 11th ed., ch. 19 (delta of options on an asset paying yield q).
    """
    kind = check_kind(kind)
    z = _prepare(spot, strike, t_years, rate_annual, dividend_yield, vol)
    n1 = ndtr(z.d1)
    return finish(z.df_q * (n1 if kind == "call" else n1 - 1.0))


@overload
def bsm_gamma(
    spot: float,
    strike: float,
    t_years: float,
    rate_annual: float,
    dividend_yield: float,
    vol: float,
) -> float: ...
@overload
def bsm_gamma(
    spot: npt.ArrayLike,
    strike: npt.ArrayLike,
    t_years: npt.ArrayLike,
    rate_annual: npt.ArrayLike,
    dividend_yield: npt.ArrayLike,
    vol: npt.ArrayLike,
) -> Float64Array: ...
def bsm_gamma(
    spot: npt.ArrayLike,
    strike: npt.ArrayLike,
    t_years: npt.ArrayLike,
    rate_annual: npt.ArrayLike,
    dividend_yield: npt.ArrayLike,
    vol: npt.ArrayLike,
) -> float | Float64Array:
    r"""Gamma :math:`\partial^2 V/\partial S^2`, the same for puts and calls.

    .. math:: \Gamma = \frac{e^{-qT}N'(d_1)}{S\sigma\sqrt{T}}

    Parameters are those of :func:`bsm_price` without ``kind``.

    Returns
    -------
    float or ndarray
        Change in delta per 1 index point; ``+inf`` exactly at the money when
        :math:`\sigma\sqrt{T} = 0`.

    References
    ----------
    Hull, 11th ed., ch. 19 (gamma).
    """
    z = _prepare(spot, strike, t_years, rate_annual, dividend_yield, vol)
    live = z.sd > 0.0
    safe = np.where(live, z.s * z.sd, 1.0)
    dead = np.where(z.x == 0.0, np.inf, 0.0)
    return finish(np.where(live, z.df_q * _pdf(z.d1) / safe, dead))


@overload
def bsm_vega(
    spot: float,
    strike: float,
    t_years: float,
    rate_annual: float,
    dividend_yield: float,
    vol: float,
) -> float: ...
@overload
def bsm_vega(
    spot: npt.ArrayLike,
    strike: npt.ArrayLike,
    t_years: npt.ArrayLike,
    rate_annual: npt.ArrayLike,
    dividend_yield: npt.ArrayLike,
    vol: npt.ArrayLike,
) -> Float64Array: ...
def bsm_vega(
    spot: npt.ArrayLike,
    strike: npt.ArrayLike,
    t_years: npt.ArrayLike,
    rate_annual: npt.ArrayLike,
    dividend_yield: npt.ArrayLike,
    vol: npt.ArrayLike,
) -> float | Float64Array:
    r"""Vega :math:`\partial V/\partial\sigma`, the same for puts and calls.

    .. math:: \mathcal{V} = S e^{-qT}\sqrt{T}\,N'(d_1)

    Parameters are those of :func:`bsm_price` without ``kind``.

    Returns
    -------
    float or ndarray
        Change in price per **1.00** of volatility (100 vol points); divide by 100 for the
        change per vol point.

    References
    ----------
    Hull, 11th ed., ch. 19 (vega).
    """
    z = _prepare(spot, strike, t_years, rate_annual, dividend_yield, vol)
    return finish(z.s * z.df_q * np.sqrt(z.t) * _pdf(z.d1))


@overload
def bsm_theta(
    kind: OptionKind,
    spot: float,
    strike: float,
    t_years: float,
    rate_annual: float,
    dividend_yield: float,
    vol: float,
) -> float: ...
@overload
def bsm_theta(
    kind: OptionKind,
    spot: npt.ArrayLike,
    strike: npt.ArrayLike,
    t_years: npt.ArrayLike,
    rate_annual: npt.ArrayLike,
    dividend_yield: npt.ArrayLike,
    vol: npt.ArrayLike,
) -> Float64Array: ...
def bsm_theta(
    kind: OptionKind,
    spot: npt.ArrayLike,
    strike: npt.ArrayLike,
    t_years: npt.ArrayLike,
    rate_annual: npt.ArrayLike,
    dividend_yield: npt.ArrayLike,
    vol: npt.ArrayLike,
) -> float | Float64Array:
    r"""Theta :math:`\partial V/\partial t` per **year** (calendar time passing).

    .. math::

        \Theta_c = -\frac{S N'(d_1)\sigma e^{-qT}}{2\sqrt{T}} + qSN(d_1)e^{-qT} - rKe^{-rT}N(d_2)

        \Theta_p = -\frac{S N'(d_1)\sigma e^{-qT}}{2\sqrt{T}} - qSN(-d_1)e^{-qT} + rKe^{-rT}N(-d_2)

    Parameters are those of :func:`bsm_price`.

    Returns
    -------
    float or ndarray
        Change in price per year; :func:`theta_per_calendar_day` converts it. ``-inf`` at
        expiry exactly at the money with positive vol.

    References
    ----------
    Hull, 11th ed., ch. 19 (theta; per-day conversion by 365 calendar days).
    """
    kind = check_kind(kind)
    z = _prepare(spot, strike, t_years, rate_annual, dividend_yield, vol)
    live = z.sd > 0.0
    safe_sqrt_t = np.where(live, np.sqrt(z.t), 1.0)
    decay_dead = np.where((z.x == 0.0) & (z.vol > 0.0), np.inf, 0.0)
    decay = np.where(live, z.s * z.df_q * _pdf(z.d1) * z.vol / (2.0 * safe_sqrt_t), decay_dead)
    if kind == "call":
        out = -decay + z.q * z.s * z.df_q * ndtr(z.d1) - z.r * z.k * z.df_r * ndtr(z.d2)
    else:
        out = -decay - z.q * z.s * z.df_q * ndtr(-z.d1) + z.r * z.k * z.df_r * ndtr(-z.d2)
    return finish(out)


@overload
def theta_per_calendar_day(theta_per_year: float) -> float: ...
@overload
def theta_per_calendar_day(theta_per_year: npt.ArrayLike) -> Float64Array: ...
def theta_per_calendar_day(theta_per_year: npt.ArrayLike) -> float | Float64Array:
    """Convert an annual theta to theta per calendar day (divide by 365; Hull ch. 19).

    Parameters
    ----------
    theta_per_year
        Theta per year, e.g. from :func:`bsm_theta`.

    Returns
    -------
    float or ndarray
        Theta per calendar day.
    """
    arr = np.asarray(theta_per_year, dtype=np.float64)
    return finish(arr / CALENDAR_DAYS_PER_YEAR)


@overload
def bsm_rho(
    kind: OptionKind,
    spot: float,
    strike: float,
    t_years: float,
    rate_annual: float,
    dividend_yield: float,
    vol: float,
) -> float: ...
@overload
def bsm_rho(
    kind: OptionKind,
    spot: npt.ArrayLike,
    strike: npt.ArrayLike,
    t_years: npt.ArrayLike,
    rate_annual: npt.ArrayLike,
    dividend_yield: npt.ArrayLike,
    vol: npt.ArrayLike,
) -> Float64Array: ...
def bsm_rho(
    kind: OptionKind,
    spot: npt.ArrayLike,
    strike: npt.ArrayLike,
    t_years: npt.ArrayLike,
    rate_annual: npt.ArrayLike,
    dividend_yield: npt.ArrayLike,
    vol: npt.ArrayLike,
) -> float | Float64Array:
    r"""Rho :math:`\partial V/\partial r` of a put or call.

    .. math:: \rho_c = KTe^{-rT}N(d_2), \qquad \rho_p = -KTe^{-rT}N(-d_2)

    Parameters are those of :func:`bsm_price`.

    Returns
    -------
    float or ndarray
        Change in price per **1.00** of rate (divide by 100 per percentage point).

    References
    ----------
    Hull, 11th ed., ch. 19 (rho).
    """
    kind = check_kind(kind)
    z = _prepare(spot, strike, t_years, rate_annual, dividend_yield, vol)
    kt = z.k * z.t * z.df_r
    return finish(kt * ndtr(z.d2) if kind == "call" else -kt * ndtr(-z.d2))


@dataclass(frozen=True, slots=True)
class BsmGreeks:
    """Price and Greeks of one European option (units as in the module notes).

    Attributes
    ----------
    kind
        ``"put"`` or ``"call"``.
    price
        Index points per unit of index.
    delta, gamma
        Per index point.
    vega
        Per 1.00 of vol.
    theta
        Per year.
    rho
        Per 1.00 of rate.
    """

    kind: OptionKind
    price: float
    delta: float
    gamma: float
    vega: float
    theta: float
    rho: float

    @property
    def theta_per_day(self) -> float:
        """Theta per calendar day."""
        return theta_per_calendar_day(self.theta)

    @property
    def vega_per_vol_point(self) -> float:
        """Price change for a one-point (0.01) rise in vol."""
        return self.vega / 100.0

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary (non-finite limits become ``None``)."""
        out: dict[str, Any] = {"kind": self.kind}
        for name in ("price", "delta", "gamma", "vega", "theta", "rho"):
            value = float(getattr(self, name))
            out[name] = value if math.isfinite(value) else None
        return out


def bsm_greeks(
    kind: OptionKind,
    spot: float,
    strike: float,
    t_years: float,
    rate_annual: float,
    dividend_yield: float,
    vol: float,
) -> BsmGreeks:
    """Price and all first-order Greeks plus gamma for one option.

    Parameters are those of :func:`bsm_price` (scalars).

    Returns
    -------
    BsmGreeks
        Price, delta, gamma, vega (per 1.00 vol), theta (per year), rho (per 1.00 rate).
    """
    args = (float(spot), float(strike), float(t_years), float(rate_annual))
    more = (float(dividend_yield), float(vol))
    return BsmGreeks(
        kind=check_kind(kind),
        price=bsm_price(kind, *args, *more),
        delta=bsm_delta(kind, *args, *more),
        gamma=bsm_gamma(*args, *more),
        vega=bsm_vega(*args, *more),
        theta=bsm_theta(kind, *args, *more),
        rho=bsm_rho(kind, *args, *more),
    )


# --------------------------------------------------------------------------- implied vol


def _implied_vol_one(
    kind: OptionKind,
    price: float,
    s: float,
    k: float,
    t: float,
    r: float,
    q: float,
    lo: float,
    hi: float,
) -> float:
    fwd_leg = s * math.exp(-q * t)
    k_leg = k * math.exp(-r * t)
    if kind == "call":
        lower, upper = max(fwd_leg - k_leg, 0.0), fwd_leg
    else:
        lower, upper = max(k_leg - fwd_leg, 0.0), k_leg
    if not lower < price < upper:
        raise InputError(
            f"{kind} price is outside the no-arbitrage bounds, no implied volatility exists",
            source="price",
            value=price,
            expected=f"{lower:.10g} < price < {upper:.10g}",
        )

    def excess(v: float) -> float:
        return bsm_price(kind, s, k, t, r, q, v) - price

    f_lo, f_hi = excess(lo), excess(hi)
    if f_lo > 0.0 or f_hi < 0.0:
        which = "below lo" if f_lo > 0.0 else "above hi"
        raise InputError(
            f"implied volatility is {which}: the price cannot be matched inside [lo, hi]",
            source="price",
            value=price,
            expected=(
                f"a {kind} price between {bsm_price(kind, s, k, t, r, q, lo):.10g} "
                f"(vol {lo:g}) and {bsm_price(kind, s, k, t, r, q, hi):.10g} (vol {hi:g})"
            ),
        )
    if f_lo == 0.0:
        return lo
    if f_hi == 0.0:
        return hi
    from scipy.optimize import brentq  # deferred: scipy.optimize costs ~0.5 s to import

    root = brentq(excess, lo, hi, xtol=1e-14, rtol=4.0 * np.finfo(float).eps, maxiter=200)
    return float(root)


@overload
def implied_vol(
    kind: OptionKind,
    price: float,
    spot: float,
    strike: float,
    t_years: float,
    rate_annual: float,
    dividend_yield: float,
    *,
    lo: float = ...,
    hi: float = ...,
) -> float: ...
@overload
def implied_vol(
    kind: OptionKind,
    price: npt.ArrayLike,
    spot: npt.ArrayLike,
    strike: npt.ArrayLike,
    t_years: npt.ArrayLike,
    rate_annual: npt.ArrayLike,
    dividend_yield: npt.ArrayLike,
    *,
    lo: float = ...,
    hi: float = ...,
) -> Float64Array: ...
def implied_vol(
    kind: OptionKind,
    price: npt.ArrayLike,
    spot: npt.ArrayLike,
    strike: npt.ArrayLike,
    t_years: npt.ArrayLike,
    rate_annual: npt.ArrayLike,
    dividend_yield: npt.ArrayLike,
    *,
    lo: float = 1e-6,
    hi: float = 5.0,
) -> float | Float64Array:
    r"""Black–Scholes–Merton implied volatility by Brent's method on ``[lo, hi]``.

    Solves :math:`\mathrm{BSM}(\sigma) = \text{price}`; the BSM price is strictly increasing
    in :math:`\sigma` (vega > 0), so the root is unique when it exists.

    Parameters
    ----------
    kind
        ``"put"`` or ``"call"``.
    price
        Observed option price (index points).
    spot, strike, t_years, rate_annual, dividend_yield
        As in :func:`bsm_price`; ``t_years`` must be > 0.
    lo, hi
        Volatility bracket (fractions), ``0 < lo < hi``.

    Returns
    -------
    float or ndarray
        Annualised implied volatility.

    Raises
    ------
    InputError
        If the price is not strictly inside the no-arbitrage bounds
        (call: :math:`\max(Se^{-qT}-Ke^{-rT},0) < c < Se^{-qT}`; put:
        :math:`\max(Ke^{-rT}-Se^{-qT},0) < p < Ke^{-rT}`; Hull ch. 11, with yield q
        ch. 17), or if the implied vol lies outside ``[lo, hi]``.

    References
    ----------
    Hull, 11th ed., §15.11 (implied volatilities); Brent (1973) via :func:`scipy.optimize.brentq`.
    """
    kind = check_kind(kind)
    if not (0.0 < lo < hi and math.isfinite(hi)):
        raise InputError(
            "bad implied-volatility bracket",
            source="lo, hi",
            value=(lo, hi),
            expected="0 < lo < hi < inf",
        )
    p, s, k, t, r, q = broadcast(
        price=as_float_array(price, "price"),
        spot=positive(spot, "spot"),
        strike=positive(strike, "strike"),
        t_years=positive(t_years, "t_years"),
        rate_annual=as_float_array(rate_annual, "rate_annual"),
        dividend_yield=as_float_array(dividend_yield, "dividend_yield"),
    )
    out = np.empty(p.shape, dtype=np.float64)
    for idx in np.ndindex(p.shape):
        out[idx] = _implied_vol_one(
            kind,
            float(p[idx]),
            float(s[idx]),
            float(k[idx]),
            float(t[idx]),
            float(r[idx]),
            float(q[idx]),
            lo,
            hi,
        )
    return finish(out)
