r"""Option hedges on a unit of index: protective put, collar, put spread.

Everything is per **one unit of the index** (an index level of 5000 means a position worth
5000 index points); scale by the portfolio's index-equivalent units and the option
multiplier outside. Premiums are Black–Scholes–Merton prices (:func:`bsm_price`) with a
volatility per leg, so a skew (:func:`skew_adjusted_vol`) can be applied per strike.

Payoff figures are at the options' expiry and **price-only**: they exclude the dividends
the index pays over the life of the options, interest on the premium, fees and taxes. The
structures follow Hull, *Options, Futures and Other Derivatives*, 11th ed., ch. 12
("Trading Strategies Involving Options": protective put, bull/bear spreads, collars as a
range forward).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from hedgekit._typing import Float64Array
from hedgekit.errors import InputError
from hedgekit.pricing._bsm import bsm_price
from hedgekit.pricing._validation import OptionKind, as_float_array, check_kind, non_negative

__all__ = [
    "HedgeStructure",
    "OptionLeg",
    "collar",
    "protective_put",
    "put_spread",
    "zero_cost_collar_call_strike",
]


def _positive_scalar(value: float, name: str) -> float:
    v = float(as_float_array(value, name))
    if v <= 0.0:
        raise InputError(f"{name} must be positive", source=name, value=v, expected="a value > 0")
    return v


@dataclass(frozen=True, slots=True)
class OptionLeg:
    """One European option in a structure.

    Attributes
    ----------
    kind
        ``"put"`` or ``"call"``.
    strike
        Strike in index points.
    quantity
        Options per unit of index: +1 long, −1 short.
    vol
        Volatility used to price it (fraction per year).
    premium
        BSM price of one option, index points (always >= 0; the sign is in ``quantity``).
    """

    kind: OptionKind
    strike: float
    quantity: float
    vol: float
    premium: float

    def payoff(self, levels: npt.ArrayLike) -> Float64Array:
        """Value of the leg at expiry for index levels ``levels`` (quantity included)."""
        s = non_negative(levels, "levels")
        intrinsic = (
            np.maximum(s - self.strike, 0.0)
            if self.kind == "call"
            else np.maximum(self.strike - s, 0.0)
        )
        return np.asarray(self.quantity * intrinsic, dtype=np.float64)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary."""
        return {
            "kind": self.kind,
            "strike": self.strike,
            "quantity": self.quantity,
            "vol": self.vol,
            "premium": self.premium,
        }


@dataclass(frozen=True, slots=True)
class HedgeStructure:
    r"""One unit of index plus option legs, priced at inception.

    Attributes
    ----------
    name
        ``"protective_put"``, ``"collar"`` or ``"put_spread"``.
    spot, t_years, rate_annual, dividend_yield
        Pricing inputs (index points, years, continuous rates).
    legs
        The options.
    underlying_units
        Units of index held (1.0).

    Notes
    -----
    With payoff :math:`V(S_T) = u S_T + \sum_i n_i\,\mathrm{payoff}_i(S_T)` and net premium
    :math:`P = \sum_i n_i p_i`,

    * ``pnl_at_expiry`` is :math:`V(S_T) - P - u S_0`;
    * ``floor_value`` is :math:`\min_{S_T \ge 0} V(S_T) - P` (e.g. :math:`K - p` for a
      protective put), ``cap_value`` the supremum (``inf`` when upside is open);
    * ``break_even_levels`` are the :math:`S_T` where the P&L is zero.

    :math:`V` is piecewise linear with kinks at the strikes, so these are exact.
    """

    name: str
    spot: float
    t_years: float
    rate_annual: float
    dividend_yield: float
    legs: tuple[OptionLeg, ...]
    underlying_units: float = field(default=1.0)

    @property
    def net_premium(self) -> float:
        """Premium paid (> 0) or received (< 0) per unit of index, index points."""
        return float(sum(leg.quantity * leg.premium for leg in self.legs))

    @property
    def net_premium_pct(self) -> float:
        """Net premium in percent of spot."""
        return 100.0 * self.net_premium / self.spot

    def payoff_at_expiry(self, levels: npt.ArrayLike) -> Float64Array:
        """Value of index plus options at expiry, before premium, for each level."""
        s = non_negative(levels, "levels")
        total = self.underlying_units * s
        for leg in self.legs:
            total = total + leg.payoff(s)
        return np.asarray(total, dtype=np.float64)

    def pnl_at_expiry(self, levels: npt.ArrayLike) -> Float64Array:
        """Price-only P&L per unit at expiry: payoff − net premium − initial index value."""
        return self.payoff_at_expiry(levels) - self.net_premium - self.underlying_units * self.spot

    def _breakpoints(self) -> Float64Array:
        return np.unique(np.array([0.0, *(leg.strike for leg in self.legs)], dtype=np.float64))

    def _slope_above(self) -> float:
        return self.underlying_units + sum(q.quantity for q in self.legs if q.kind == "call")

    @property
    def floor_value(self) -> float:
        """Worst value at expiry net of premium (``-inf`` if unbounded below)."""
        if self._slope_above() < 0.0:
            return -math.inf
        return float(np.min(self.payoff_at_expiry(self._breakpoints()))) - self.net_premium

    @property
    def floor_return_pct(self) -> float:
        """Worst price return on the index unit including premium, in percent."""
        return 100.0 * (self.floor_value / (self.underlying_units * self.spot) - 1.0)

    @property
    def cap_value(self) -> float:
        """Best value at expiry net of premium (``inf`` if upside is open)."""
        if self._slope_above() > 0.0:
            return math.inf
        return float(np.max(self.payoff_at_expiry(self._breakpoints()))) - self.net_premium

    @property
    def break_even_levels(self) -> tuple[float, ...]:
        """Index levels at expiry where the P&L is zero (sorted; may be empty)."""
        b = self._breakpoints()
        v = self.pnl_at_expiry(b)
        roots: list[float] = []
        for i in range(len(b)):
            if v[i] == 0.0:
                roots.append(float(b[i]))
            if i + 1 < len(b) and v[i] * v[i + 1] < 0.0:
                roots.append(float(b[i] - v[i] * (b[i + 1] - b[i]) / (v[i + 1] - v[i])))
        slope = self._slope_above()
        if slope != 0.0 and -v[-1] / slope > 0.0:
            roots.append(float(b[-1] - v[-1] / slope))
        return tuple(sorted(set(roots)))

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary (unbounded floor/cap become ``None``)."""

        def finite_or_none(x: float) -> float | None:
            return x if math.isfinite(x) else None

        return {
            "name": self.name,
            "spot": self.spot,
            "t_years": self.t_years,
            "rate_annual": self.rate_annual,
            "dividend_yield": self.dividend_yield,
            "underlying_units": self.underlying_units,
            "legs": [leg.to_dict() for leg in self.legs],
            "net_premium": self.net_premium,
            "net_premium_pct": self.net_premium_pct,
            "floor_value": finite_or_none(self.floor_value),
            "floor_return_pct": finite_or_none(self.floor_return_pct),
            "cap_value": finite_or_none(self.cap_value),
            "break_even_levels": list(self.break_even_levels),
        }


def _leg(
    kind: OptionKind,
    strike: float,
    quantity: float,
    vol: float,
    market: tuple[float, float, float, float],
    name: str,
) -> OptionLeg:
    spot, t, r, q = market
    k = _positive_scalar(strike, name)
    v = float(non_negative(vol, f"{name} vol"))
    return OptionLeg(
        kind=check_kind(kind), strike=k, quantity=quantity, vol=v,
        premium=bsm_price(kind, spot, k, t, r, q, v),
    )  # fmt: skip


def _market(
    spot: float, t_years: float, rate_annual: float, dividend_yield: float
) -> tuple[float, float, float, float]:
    return (
        _positive_scalar(spot, "spot"),
        float(non_negative(t_years, "t_years")),
        float(as_float_array(rate_annual, "rate_annual")),
        float(as_float_array(dividend_yield, "dividend_yield")),
    )


def protective_put(
    spot: float,
    put_strike: float,
    t_years: float,
    rate_annual: float,
    dividend_yield: float,
    put_vol: float,
) -> HedgeStructure:
    """One unit of index plus one long put (Hull, 11th ed., ch. 12, protective put).

    Parameters
    ----------
    spot
        Index level (> 0).
    put_strike
        Put strike (> 0).
    t_years
        Years to the options' expiry (>= 0).
    rate_annual, dividend_yield
        Continuously compounded rate and dividend yield.
    put_vol
        Volatility for the put (fraction; e.g. skew-adjusted).

    Returns
    -------
    HedgeStructure
        Floor ``put_strike − premium``; open upside less the premium.
    """
    market = _market(spot, t_years, rate_annual, dividend_yield)
    leg = _leg("put", put_strike, 1.0, put_vol, market, "put_strike")
    return HedgeStructure("protective_put", *market, legs=(leg,))


def collar(
    spot: float,
    put_strike: float,
    call_strike: float,
    t_years: float,
    rate_annual: float,
    dividend_yield: float,
    put_vol: float,
    call_vol: float | None = None,
) -> HedgeStructure:
    """One unit of index, a long put and a short call (Hull, 11th ed., ch. 12, collar).

    Parameters
    ----------
    spot
        Index level (> 0).
    put_strike, call_strike
        Strikes with ``put_strike <= call_strike``.
    t_years
        Years to the options' expiry (>= 0).
    rate_annual, dividend_yield
        Continuously compounded rate and dividend yield.
    put_vol
        Volatility for the put.
    call_vol
        Volatility for the call (defaults to ``put_vol``; with a skew it is lower).

    Returns
    -------
    HedgeStructure
        Value held between ``put_strike`` and ``call_strike``, less the net premium.
    """
    market = _market(spot, t_years, rate_annual, dividend_yield)
    kp = _positive_scalar(put_strike, "put_strike")
    kc = _positive_scalar(call_strike, "call_strike")
    if kc < kp:
        raise InputError(
            "collar call strike is below its put strike",
            source="call_strike",
            value=kc,
            expected=f"call_strike >= put_strike ({kp:g})",
        )
    put = _leg("put", kp, 1.0, put_vol, market, "put_strike")
    call = _leg("call", kc, -1.0, put_vol if call_vol is None else call_vol, market, "call_strike")
    return HedgeStructure("collar", *market, legs=(put, call))


def put_spread(
    spot: float,
    long_strike: float,
    short_strike: float,
    t_years: float,
    rate_annual: float,
    dividend_yield: float,
    long_vol: float,
    short_vol: float | None = None,
) -> HedgeStructure:
    """One unit of index, a long put at ``long_strike`` and a short put at ``short_strike``.

    The short lower put cheapens the hedge but ends the protection: below ``short_strike``
    the position falls one-for-one again, so the "floor" is only reached at an index of 0
    (Hull, 11th ed., ch. 12, bear spread with puts).

    Parameters
    ----------
    spot
        Index level (> 0).
    long_strike, short_strike
        Strikes with ``short_strike < long_strike``.
    t_years
        Years to the options' expiry (>= 0).
    rate_annual, dividend_yield
        Continuously compounded rate and dividend yield.
    long_vol
        Volatility for the long (upper) put.
    short_vol
        Volatility for the short (lower) put (defaults to ``long_vol``; with a skew it is
        higher).

    Returns
    -------
    HedgeStructure
        Protection of at most ``long_strike − short_strike`` points.
    """
    market = _market(spot, t_years, rate_annual, dividend_yield)
    k1 = _positive_scalar(long_strike, "long_strike")
    k2 = _positive_scalar(short_strike, "short_strike")
    if not k2 < k1:
        raise InputError(
            "put spread short strike must be below the long strike",
            source="short_strike",
            value=k2,
            expected=f"short_strike < long_strike ({k1:g})",
        )
    long_leg = _leg("put", k1, 1.0, long_vol, market, "long_strike")
    short_leg = _leg(
        "put", k2, -1.0, long_vol if short_vol is None else short_vol, market, "short_strike"
    )
    return HedgeStructure("put_spread", *market, legs=(long_leg, short_leg))


def zero_cost_collar_call_strike(
    spot: float,
    put_strike: float,
    t_years: float,
    rate_annual: float,
    dividend_yield: float,
    put_vol: float,
    call_vol: float | None = None,
) -> float:
    """Call strike whose premium equals the put's, making the collar costless.

    Solves ``c(K_c) = p(K_p)`` by Brent's method; the call price falls strictly from
    ``S e^{-qT}`` to 0 as the strike rises, so the strike is unique.

    Parameters
    ----------
    spot, put_strike, t_years, rate_annual, dividend_yield, put_vol
        As in :func:`collar`; ``t_years`` and the vols must be > 0.
    call_vol
        Volatility for the call, one value for all strikes (defaults to ``put_vol``).

    Returns
    -------
    float
        Call strike in index points.
    """
    s, t, r, q = _market(spot, t_years, rate_annual, dividend_yield)
    t = _positive_scalar(t, "t_years")
    kp = _positive_scalar(put_strike, "put_strike")
    vp = _positive_scalar(put_vol, "put_vol")
    vc = vp if call_vol is None else _positive_scalar(call_vol, "call_vol")
    target = bsm_price("put", s, kp, t, r, q, vp)
    ceiling = s * math.exp(-q * t)
    if not 0.0 < target < ceiling:
        raise InputError(
            "no call strike can finance this put",
            source="put_strike",
            value=kp,
            expected=f"a put premium between 0 and {ceiling:.6g} (got {target:.6g})",
        )

    def excess(k: float) -> float:
        return bsm_price("call", s, k, t, r, q, vc) - target

    lo, hi = s * 1e-9, s
    while excess(hi) > 0.0:
        hi *= 2.0
    from scipy.optimize import brentq  # deferred: slow import

    return float(brentq(excess, lo, hi, xtol=1e-10, maxiter=200))
