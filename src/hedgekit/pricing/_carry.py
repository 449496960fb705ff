r"""Cost of carry: index futures fair value, basis, calendar spreads and the hedger's carry.

Conventions used throughout
---------------------------
* ``rate_annual`` and ``dividend_yield`` are fractions per year (0.05 = 5 %). In the
  continuous formulas they are continuously compounded, actual/365; in the money-market
  formula :func:`fair_value_simple` the rate is simple interest, actual/360.
* ``t_years`` is a year fraction; ``*_days`` are calendar days.
* **Basis is futures minus spot**, ``F − S`` (the "premium" of the futures over cash, as
  equity index desks and CME quote it). Hull (§3.3) defines basis the other way round,
  ``S − F``; every sign below follows ``F − S``.
* ``contracts_short`` counts contracts held short (a negative count is a long position).

The carry of a short futures hedge
----------------------------------
Cost-of-carry pricing (Hull, *Options, Futures and Other Derivatives*, 11th ed., ch. 5,
"Determination of Forward and Futures Prices", futures on stock indices) gives

.. math:: F_0 = S_0\,e^{(r-q)T}

so the basis ``F − S ≈ (r − q)·S·T`` is the interest earned on the index value less the
dividends forgone, and it converges to zero at expiry. A hedger who is long the stocks and
short the futures therefore has, when the index does not move, a futures gain of exactly
the initial basis: short futures *receive* ``(r − q)·S·T`` when ``r > q`` (futures above
spot, "contango") and *pay* ``(q − r)·S·T`` when ``q > r`` (futures below spot). Together
with the dividends ``q·S·T`` collected on the stocks, the fully hedged position earns
about ``r·S·T``: a perfect hedge turns the portfolio into a synthetic bill (Hull §5.9 and
the index-arbitrage argument there).

What the hedge *costs* relative to staying unhedged is therefore not the basis but the
equity risk premium given up: the short futures also lose the index's expected price
appreciation. The real-world expected futures P&L of the short over ``[0, T]`` is
``F_0 − E[S_T] ≈ (r − μ)·S·T`` where ``μ`` is the expected *total* return (price
appreciation plus dividend yield, so the price drift is ``μ − q``).
Pricing does not forecast ``μ``; the figures here are the *carry* component only (spot
unchanged), plus basis risk (Hull §3.3): the basis at the hedge's end date is unknown
unless the futures is held to expiry.

Rolling a short position (buy back the near contract, sell the far one) trades the
calendar spread ``F_far − F_near``. The trade itself is done at market prices and moves
no value; the spread is the extra carry the new short will converge by, over the period
between the two expiries, if spot does not move. A positive spread is thus carry the
short hedger *receives* (a negative roll cost), a negative spread carry it pays.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, overload

import numpy as np
import numpy.typing as npt

from hedgekit._constants import CALENDAR_DAYS_PER_YEAR, MONEY_MARKET_DAYS_PER_YEAR
from hedgekit._typing import Float64Array
from hedgekit.errors import InputError
from hedgekit.pricing._validation import (
    as_float_array,
    broadcast,
    finish,
    non_negative,
    positive,
    require,
)

__all__ = [
    "Basis",
    "RichCheap",
    "ShortHedgeCarry",
    "Valuation",
    "basis",
    "basis_pct",
    "basis_points",
    "calendar_spread",
    "carry_cost_of_short_hedge",
    "continuous_to_simple",
    "dividends_future_value_points",
    "fair_value_continuous",
    "fair_value_simple",
    "implied_dividend_yield",
    "implied_rate",
    "rich_cheap",
    "roll_cost_usd",
    "short_hedge_carry_pnl_usd",
    "simple_to_continuous",
    "tbill_discount_to_continuous",
]

#: Days to maturity of the 3-month Treasury bill (FRED DTB3).
_TBILL_DAYS = 91


# --------------------------------------------------------------------------- fair value


@overload
def fair_value_continuous(
    spot: float, rate_annual: float, dividend_yield: float, t_years: float
) -> float: ...
@overload
def fair_value_continuous(
    spot: npt.ArrayLike,
    rate_annual: npt.ArrayLike,
    dividend_yield: npt.ArrayLike,
    t_years: npt.ArrayLike,
) -> Float64Array: ...
def fair_value_continuous(
    spot: npt.ArrayLike,
    rate_annual: npt.ArrayLike,
    dividend_yield: npt.ArrayLike,
    t_years: npt.ArrayLike,
) -> float | Float64Array:
    r"""Fair value of an index futures contract by continuous cost of carry.

    .. math:: F_0 = S_0\,e^{(r-q)T}

    Parameters
    ----------
    spot
        Index level :math:`S_0` (> 0).
    rate_annual
        Continuously compounded risk-free rate :math:`r` per year.
    dividend_yield
        Continuously compounded dividend yield :math:`q` per year.
    t_years
        Time to expiry :math:`T` in years (>= 0).

    Returns
    -------
    float or ndarray
        Fair futures price in index points (broadcast shape of the inputs).

    References
    ----------
    Hull, *Options, Futures and Other Derivatives*, 11th ed., ch. 5: forward price of an
    asset providing a known yield (eq. 5.3), applied to stock indices (§5.9, "Futures
    prices of stock indices"; worked example: S=1300, r=5 %, q=1 %, T=0.25 → 1313.07).

    Examples
    --------
    >>> round(fair_value_continuous(1300.0, 0.05, 0.01, 0.25), 2)
    1313.07
    """
    s = positive(spot, "spot")
    r = as_float_array(rate_annual, "rate_annual")
    q = as_float_array(dividend_yield, "dividend_yield")
    t = non_negative(t_years, "t_years")
    s, r, q, t = broadcast(spot=s, rate_annual=r, dividend_yield=q, t_years=t)
    return finish(s * np.exp((r - q) * t))


@overload
def fair_value_simple(
    spot: float, rate_annual: float, days_to_expiry: float, dividends_points: float
) -> float: ...
@overload
def fair_value_simple(
    spot: npt.ArrayLike,
    rate_annual: npt.ArrayLike,
    days_to_expiry: npt.ArrayLike,
    dividends_points: npt.ArrayLike,
) -> Float64Array: ...
def fair_value_simple(
    spot: npt.ArrayLike,
    rate_annual: npt.ArrayLike,
    days_to_expiry: npt.ArrayLike,
    dividends_points: npt.ArrayLike,
) -> float | Float64Array:
    r"""Fair value in the exchange's money-market form (simple interest, actual/360).

    .. math:: F = S\left(1 + r\,\frac{d}{360}\right) - D

    Parameters
    ----------
    spot
        Index level :math:`S` (> 0).
    rate_annual
        Simple money-market rate :math:`r` per year, actual/360 (e.g. a SOFR term rate).
    days_to_expiry
        Calendar days :math:`d` to the futures' final settlement (>= 0).
    dividends_points
        Dividends :math:`D` in index points (>= 0) expected before expiry. CME's formula
        writes simply "dividends"; no-arbitrage requires their **value at expiry**, each
        dividend compounded from its payment date to expiry (see
        :func:`dividends_future_value_points`). This function uses ``D`` exactly as
        given and compounds nothing: pass the future value for the exact carry, or the plain
        sum for CME's published convention (the two differ by about ``D·r·d/360/2``).

    Returns
    -------
    float or ndarray
        Fair futures price in index points.

    References
    ----------
    CME Group, "Equity index fair value" (formerly cme.com/trading/prd/equity/fairvalue.html):
    ``Fair value = Cash·[1 + r·(x/360)] − Dividends``; worked example reproduced in
    B. Twomey, *Inside the Currency Market*, Wiley 2011, ch. 8 "Fair Value".
    Hull, 11th ed., ch. 5, known cash income (eq. 5.2) for the no-arbitrage form.

    Examples
    --------
    >>> round(fair_value_simple(1146.0, 0.057, 78, 3.47), 2)
    1156.68
    """
    s = positive(spot, "spot")
    r = as_float_array(rate_annual, "rate_annual")
    d = non_negative(days_to_expiry, "days_to_expiry")
    div = non_negative(dividends_points, "dividends_points")
    s, r, d, div = broadcast(spot=s, rate_annual=r, days_to_expiry=d, dividends_points=div)
    return finish(s * (1.0 + r * d / MONEY_MARKET_DAYS_PER_YEAR) - div)


def dividends_future_value_points(
    dividends_points: npt.ArrayLike,
    days_to_payment: npt.ArrayLike,
    rate_annual: float,
    days_to_expiry: float,
) -> float:
    r"""Value at expiry of discrete index dividends, each compounded at simple interest.

    .. math:: D = \sum_i d_i\left(1 + r\,\frac{d_{\mathrm{exp}} - d_i}{360}\right)

    Parameters
    ----------
    dividends_points
        Dividend amounts :math:`d_i` in index points (>= 0), one per payment (ex-) date.
    days_to_payment
        Calendar days from today to each payment, in ``[0, days_to_expiry]``.
    rate_annual
        Simple money-market rate :math:`r` per year, actual/360.
    days_to_expiry
        Calendar days to the futures' final settlement.

    Returns
    -------
    float
        :math:`D` in index points, ready for :func:`fair_value_simple`.

    References
    ----------
    Hull, 11th ed., ch. 5, known cash income (eq. 5.2): the forward price subtracts the
    income's present value, i.e. (after compounding to delivery) its value at delivery.
    """
    amounts = non_negative(dividends_points, "dividends_points")
    days = non_negative(days_to_payment, "days_to_payment")
    r = float(as_float_array(rate_annual, "rate_annual"))
    d_exp = float(non_negative(days_to_expiry, "days_to_expiry"))
    amounts, days = broadcast(dividends_points=amounts, days_to_payment=days)
    require(days <= d_exp, days, "days_to_payment", f"payments on or before day {d_exp:g}")
    growth = 1.0 + r * (d_exp - days) / MONEY_MARKET_DAYS_PER_YEAR
    return float(np.sum(amounts * growth))


# --------------------------------------------------------------------------- basis


@overload
def basis_points(futures_price: float, spot: float) -> float: ...
@overload
def basis_points(futures_price: npt.ArrayLike, spot: npt.ArrayLike) -> Float64Array: ...
def basis_points(futures_price: npt.ArrayLike, spot: npt.ArrayLike) -> float | Float64Array:
    """Basis ``F − S`` in index points (futures premium over spot; Hull §3.3 uses ``S − F``).

    Parameters
    ----------
    futures_price
        Futures price :math:`F` (> 0).
    spot
        Index level :math:`S` (> 0).

    Returns
    -------
    float or ndarray
        :math:`F - S`; positive when futures trade above spot.
    """
    f, s = broadcast(
        futures_price=positive(futures_price, "futures_price"), spot=positive(spot, "spot")
    )
    return finish(f - s)


@overload
def basis_pct(futures_price: float, spot: float) -> float: ...
@overload
def basis_pct(futures_price: npt.ArrayLike, spot: npt.ArrayLike) -> Float64Array: ...
def basis_pct(futures_price: npt.ArrayLike, spot: npt.ArrayLike) -> float | Float64Array:
    r"""Basis in percent of spot, :math:`100\,(F - S)/S`.

    Parameters
    ----------
    futures_price
        Futures price :math:`F` (> 0).
    spot
        Index level :math:`S` (> 0).

    Returns
    -------
    float or ndarray
        Basis in percent (0.5 means futures are 0.5 % above spot).
    """
    f, s = broadcast(
        futures_price=positive(futures_price, "futures_price"), spot=positive(spot, "spot")
    )
    return finish(100.0 * (f - s) / s)


@dataclass(frozen=True, slots=True)
class Basis:
    """Futures-minus-spot basis at one moment.

    Attributes
    ----------
    futures_price, spot
        The two prices compared (index points).
    points
        ``futures_price − spot``.
    pct
        ``points / spot`` in percent.
    """

    futures_price: float
    spot: float
    points: float
    pct: float

    @property
    def state(self) -> str:
        """``"contango"`` (F > S), ``"backwardation"`` (F < S) or ``"flat"``."""
        if self.points > 0.0:
            return "contango"
        if self.points < 0.0:
            return "backwardation"
        return "flat"

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary."""
        return {
            "futures_price": self.futures_price,
            "spot": self.spot,
            "points": self.points,
            "pct": self.pct,
            "state": self.state,
        }


def basis(futures_price: float, spot: float) -> Basis:
    """Basis ``F − S`` in points and percent of spot for one quote.

    See :func:`basis_points` and :func:`basis_pct` for the array versions.

    Parameters
    ----------
    futures_price
        Futures price (> 0).
    spot
        Index level (> 0).

    Returns
    -------
    Basis
        Points, percent and a contango/backwardation label.
    """
    return Basis(
        futures_price=float(futures_price),
        spot=float(spot),
        points=basis_points(float(futures_price), float(spot)),
        pct=basis_pct(float(futures_price), float(spot)),
    )


class Valuation(StrEnum):
    """Where a quoted futures price sits against its fair value."""

    RICH = "rich"
    CHEAP = "cheap"
    FAIR = "fair"


@dataclass(frozen=True, slots=True)
class RichCheap:
    """A quoted futures price compared with its fair value.

    Attributes
    ----------
    quoted, fair
        Quoted and fair futures prices (index points).
    difference_points
        ``quoted − fair``; positive means the futures is rich (a seller gains the
        difference against fair value), negative cheap.
    tolerance_points
        Half-width of the band treated as fair (e.g. transaction costs).
    verdict
        :class:`Valuation`.
    """

    quoted: float
    fair: float
    difference_points: float
    tolerance_points: float
    verdict: Valuation

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary."""
        return {
            "quoted": self.quoted,
            "fair": self.fair,
            "difference_points": self.difference_points,
            "tolerance_points": self.tolerance_points,
            "verdict": str(self.verdict),
        }


def rich_cheap(quoted: float, fair: float, *, tolerance_points: float = 0.0) -> RichCheap:
    """Say whether a quoted futures price is rich or cheap to fair value.

    Parameters
    ----------
    quoted
        Quoted futures price (index points, > 0).
    fair
        Fair value, e.g. from :func:`fair_value_continuous` (> 0).
    tolerance_points
        Differences with ``|quoted − fair| <= tolerance_points`` are called fair (>= 0).
        Index arbitrage is only worth doing outside a band set by trading costs (Hull §5.9).

    Returns
    -------
    RichCheap
        Difference in points and the verdict.
    """
    q = float(positive(quoted, "quoted"))
    f = float(positive(fair, "fair"))
    tol = float(non_negative(tolerance_points, "tolerance_points"))
    diff = q - f
    if abs(diff) <= tol:
        verdict = Valuation.FAIR
    elif diff > 0.0:
        verdict = Valuation.RICH
    else:
        verdict = Valuation.CHEAP
    return RichCheap(
        quoted=q, fair=f, difference_points=diff, tolerance_points=tol, verdict=verdict
    )


# --------------------------------------------------------------------------- implied carry


@overload
def implied_dividend_yield(
    futures_price: float, spot: float, rate_annual: float, t_years: float
) -> float: ...
@overload
def implied_dividend_yield(
    futures_price: npt.ArrayLike,
    spot: npt.ArrayLike,
    rate_annual: npt.ArrayLike,
    t_years: npt.ArrayLike,
) -> Float64Array: ...
def implied_dividend_yield(
    futures_price: npt.ArrayLike,
    spot: npt.ArrayLike,
    rate_annual: npt.ArrayLike,
    t_years: npt.ArrayLike,
) -> float | Float64Array:
    r"""Dividend yield implied by a futures price, inverting :math:`F = S e^{(r-q)T}`.

    .. math:: q = r - \frac{1}{T}\ln\frac{F}{S}

    Parameters
    ----------
    futures_price
        Futures price :math:`F` (> 0).
    spot
        Index level :math:`S` (> 0).
    rate_annual
        Continuously compounded rate :math:`r`.
    t_years
        Time to expiry :math:`T` in years (> 0).

    Returns
    -------
    float or ndarray
        Continuously compounded dividend yield per year.

    References
    ----------
    Hull, 11th ed., §5.9 (eq. for index futures rearranged).
    """
    f = positive(futures_price, "futures_price")
    s = positive(spot, "spot")
    r = as_float_array(rate_annual, "rate_annual")
    t = positive(t_years, "t_years")
    f, s, r, t = broadcast(futures_price=f, spot=s, rate_annual=r, t_years=t)
    return finish(r - np.log(f / s) / t)


@overload
def implied_rate(
    futures_price: float, spot: float, dividend_yield: float, t_years: float
) -> float: ...
@overload
def implied_rate(
    futures_price: npt.ArrayLike,
    spot: npt.ArrayLike,
    dividend_yield: npt.ArrayLike,
    t_years: npt.ArrayLike,
) -> Float64Array: ...
def implied_rate(
    futures_price: npt.ArrayLike,
    spot: npt.ArrayLike,
    dividend_yield: npt.ArrayLike,
    t_years: npt.ArrayLike,
) -> float | Float64Array:
    r"""Financing rate implied by a futures price ("implied repo"), inverting Hull §5.9.

    .. math:: r = q + \frac{1}{T}\ln\frac{F}{S}

    Parameters
    ----------
    futures_price
        Futures price :math:`F` (> 0).
    spot
        Index level :math:`S` (> 0).
    dividend_yield
        Continuously compounded dividend yield :math:`q`.
    t_years
        Time to expiry :math:`T` in years (> 0).

    Returns
    -------
    float or ndarray
        Continuously compounded rate per year.
    """
    f = positive(futures_price, "futures_price")
    s = positive(spot, "spot")
    q = as_float_array(dividend_yield, "dividend_yield")
    t = positive(t_years, "t_years")
    f, s, q, t = broadcast(futures_price=f, spot=s, dividend_yield=q, t_years=t)
    return finish(q + np.log(f / s) / t)


# --------------------------------------------------------------------------- spreads, rolls


@overload
def calendar_spread(
    spot: float, rate_annual: float, dividend_yield: float, t_near: float, t_far: float
) -> float: ...
@overload
def calendar_spread(
    spot: npt.ArrayLike,
    rate_annual: npt.ArrayLike,
    dividend_yield: npt.ArrayLike,
    t_near: npt.ArrayLike,
    t_far: npt.ArrayLike,
) -> Float64Array: ...
def calendar_spread(
    spot: npt.ArrayLike,
    rate_annual: npt.ArrayLike,
    dividend_yield: npt.ArrayLike,
    t_near: npt.ArrayLike,
    t_far: npt.ArrayLike,
) -> float | Float64Array:
    r"""Fair calendar spread ``F_far − F_near`` by continuous cost of carry.

    .. math:: F_{far} - F_{near} = S\left(e^{(r-q)T_{far}} - e^{(r-q)T_{near}}\right)

    Parameters
    ----------
    spot
        Index level (> 0).
    rate_annual, dividend_yield
        Continuously compounded rate and dividend yield (flat term structure).
    t_near, t_far
        Years to the near and far expiries, ``0 <= t_near <= t_far``.

    Returns
    -------
    float or ndarray
        Spread in index points; positive when ``r > q``. Note: CME quotes calendar spreads
        as near minus far, the negative of this.

    References
    ----------
    Hull, 11th ed., ch. 5, §5.9 applied at two maturities.
    """
    s = positive(spot, "spot")
    r = as_float_array(rate_annual, "rate_annual")
    q = as_float_array(dividend_yield, "dividend_yield")
    tn = non_negative(t_near, "t_near")
    tf = non_negative(t_far, "t_far")
    s, r, q, tn, tf = broadcast(spot=s, rate_annual=r, dividend_yield=q, t_near=tn, t_far=tf)
    require(tf >= tn, tf, "t_far", "t_far >= t_near")
    carry = r - q
    return finish(s * (np.exp(carry * tf) - np.exp(carry * tn)))


@overload
def roll_cost_usd(contracts_short: float, spread_points: float, multiplier_usd: float) -> float: ...
@overload
def roll_cost_usd(
    contracts_short: npt.ArrayLike, spread_points: npt.ArrayLike, multiplier_usd: npt.ArrayLike
) -> Float64Array: ...
def roll_cost_usd(
    contracts_short: npt.ArrayLike, spread_points: npt.ArrayLike, multiplier_usd: npt.ArrayLike
) -> float | Float64Array:
    r"""Carry cost, in USD, locked in by rolling a short futures position.

    .. math:: \text{cost} = -N\,m\,(F_{far} - F_{near})

    Rolling a short buys back the near contract at :math:`F_{near}` and sells the far one
    at :math:`F_{far}`. The trade moves no value at market prices (fees and bid/ask are the
    cost models' business); the spread is the extra convergence the new short collects
    before the far expiry if spot does not move. So a **positive spread (contango) is a
    gain** for the short hedger, reported here as a negative cost, and a negative spread
    (backwardation, dividends above interest) is a positive cost.

    Pass the fair spread (:func:`calendar_spread`) for the expected carry, or the traded
    spread for the carry actually locked in; ``roll_cost_usd(N, fair, m) −
    roll_cost_usd(N, traded, m)`` is what rolling at the traded spread gained against fair.

    Parameters
    ----------
    contracts_short
        Contracts held short (a negative count is a long position and flips the sign).
    spread_points
        ``F_far − F_near`` in index points (note the sign: CME quotes near − far).
    multiplier_usd
        Contract multiplier in USD per index point (> 0), e.g. 50 for ES.

    Returns
    -------
    float or ndarray
        Cost in USD: positive = the hedger pays carry, negative = it receives carry.
    """
    n = as_float_array(contracts_short, "contracts_short")
    sp = as_float_array(spread_points, "spread_points")
    m = positive(multiplier_usd, "multiplier_usd")
    n, sp, m = broadcast(contracts_short=n, spread_points=sp, multiplier_usd=m)
    return finish(-n * m * sp)


@overload
def short_hedge_carry_pnl_usd(
    spot: float,
    rate_annual: float,
    dividend_yield: float,
    horizon_years: float,
    *,
    contracts_short: float = 1.0,
    multiplier_usd: float = 1.0,
) -> float: ...
@overload
def short_hedge_carry_pnl_usd(
    spot: npt.ArrayLike,
    rate_annual: npt.ArrayLike,
    dividend_yield: npt.ArrayLike,
    horizon_years: npt.ArrayLike,
    *,
    contracts_short: npt.ArrayLike = 1.0,
    multiplier_usd: npt.ArrayLike = 1.0,
) -> Float64Array: ...
def short_hedge_carry_pnl_usd(
    spot: npt.ArrayLike,
    rate_annual: npt.ArrayLike,
    dividend_yield: npt.ArrayLike,
    horizon_years: npt.ArrayLike,
    *,
    contracts_short: npt.ArrayLike = 1.0,
    multiplier_usd: npt.ArrayLike = 1.0,
) -> float | Float64Array:
    r"""Carry P&L of a short futures hedge over a horizon, spot unchanged.

    .. math:: \text{P\&L} = N\,m\,S\left(e^{(r-q)h} - 1\right) \approx N\,m\,(r-q)\,S\,h

    This is the convergence of the basis ``F − S`` to zero for a futures expiring at the
    end of the horizon, when the index ends where it started (see the module notes). It is
    what the short hedger **receives** when ``r > q`` and **pays** when ``q > r``; the
    dividends on the stocks themselves are not included. With ``contracts_short=1`` and
    ``multiplier_usd=1`` it is in index points per contract.

    Parameters
    ----------
    spot
        Index level :math:`S` (> 0).
    rate_annual, dividend_yield
        Continuously compounded :math:`r` and :math:`q`.
    horizon_years
        Horizon :math:`h` in years (>= 0).
    contracts_short
        Contracts held short :math:`N`.
    multiplier_usd
        USD per index point :math:`m` (> 0).

    Returns
    -------
    float or ndarray
        P&L in USD, positive = received by the short hedger.

    References
    ----------
    Hull, 11th ed., §5.9 (index futures), §3.3 (basis convergence, basis risk).
    """
    s = positive(spot, "spot")
    r = as_float_array(rate_annual, "rate_annual")
    q = as_float_array(dividend_yield, "dividend_yield")
    h = non_negative(horizon_years, "horizon_years")
    n = as_float_array(contracts_short, "contracts_short")
    m = positive(multiplier_usd, "multiplier_usd")
    s, r, q, h, n, m = broadcast(
        spot=s,
        rate_annual=r,
        dividend_yield=q,
        horizon_years=h,
        contracts_short=n,
        multiplier_usd=m,
    )
    return finish(n * m * s * np.expm1((r - q) * h))


@dataclass(frozen=True, slots=True)
class ShortHedgeCarry:
    """Carry of a short futures hedge over a horizon, spot unchanged.

    Attributes
    ----------
    spot, rate_annual, dividend_yield, horizon_years, contracts_short, multiplier_usd
        The inputs.
    roll_yield_annual
        ``rate_annual − dividend_yield``: the annual carry the short receives (> 0) or
        pays (< 0), as a fraction of spot.
    carry_points
        Basis convergence per contract in index points, ``S(e^{(r−q)h} − 1)``.
    pnl_usd
        ``carry_points · contracts_short · multiplier_usd``; positive = received.
    cost_usd
        ``−pnl_usd``; positive = paid.
    """

    spot: float
    rate_annual: float
    dividend_yield: float
    horizon_years: float
    contracts_short: float
    multiplier_usd: float
    roll_yield_annual: float
    carry_points: float
    pnl_usd: float
    cost_usd: float

    @property
    def direction(self) -> str:
        """``"receives"``, ``"pays"`` or ``"neither"`` from the short hedger's side."""
        if self.pnl_usd > 0.0:
            return "receives"
        if self.pnl_usd < 0.0:
            return "pays"
        return "neither"

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary."""
        return {
            "spot": self.spot,
            "rate_annual": self.rate_annual,
            "dividend_yield": self.dividend_yield,
            "horizon_years": self.horizon_years,
            "contracts_short": self.contracts_short,
            "multiplier_usd": self.multiplier_usd,
            "roll_yield_annual": self.roll_yield_annual,
            "carry_points": self.carry_points,
            "pnl_usd": self.pnl_usd,
            "cost_usd": self.cost_usd,
            "direction": self.direction,
        }


def carry_cost_of_short_hedge(
    spot: float,
    rate_annual: float,
    dividend_yield: float,
    horizon_years: float,
    *,
    contracts_short: float,
    multiplier_usd: float,
) -> ShortHedgeCarry:
    r"""Carry cost (or gain) of holding a short futures hedge for ``horizon_years``.

    .. math:: \text{cost} = -N\,m\,S\left(e^{(r-q)h} - 1\right)

    The short hedger **receives** the roll yield ``r − q`` when interest exceeds dividends
    (futures above spot) and **pays** it when dividends exceed interest. This is the carry
    only, with the index unchanged; it is not the economic cost of hedging, which is the
    expected equity return given up (see the module notes), and it excludes fees, slippage
    and margin financing.

    Parameters
    ----------
    spot
        Index level (> 0).
    rate_annual, dividend_yield
        Continuously compounded rate and dividend yield per year.
    horizon_years
        Horizon in years (>= 0).
    contracts_short
        Contracts held short.
    multiplier_usd
        USD per index point (> 0).

    Returns
    -------
    ShortHedgeCarry
        Carry in points and USD, signed both ways, with its direction.

    References
    ----------
    Hull, 11th ed., §5.9 and §3.3.
    """
    carry_points = short_hedge_carry_pnl_usd(
        float(spot), float(rate_annual), float(dividend_yield), float(horizon_years)
    )
    pnl = short_hedge_carry_pnl_usd(
        float(spot),
        float(rate_annual),
        float(dividend_yield),
        float(horizon_years),
        contracts_short=float(contracts_short),
        multiplier_usd=float(multiplier_usd),
    )
    return ShortHedgeCarry(
        spot=float(spot),
        rate_annual=float(rate_annual),
        dividend_yield=float(dividend_yield),
        horizon_years=float(horizon_years),
        contracts_short=float(contracts_short),
        multiplier_usd=float(multiplier_usd),
        roll_yield_annual=float(rate_annual) - float(dividend_yield),
        carry_points=carry_points,
        pnl_usd=pnl,
        cost_usd=-pnl,
    )


# --------------------------------------------------------------------------- rate conventions


@overload
def tbill_discount_to_continuous(d_pct: float, days: int = ...) -> float: ...
@overload
def tbill_discount_to_continuous(d_pct: npt.ArrayLike, days: int = ...) -> Float64Array: ...
def tbill_discount_to_continuous(
    d_pct: npt.ArrayLike, days: int = _TBILL_DAYS
) -> float | Float64Array:
    r"""Convert a T-bill bank-discount quote (percent) to a continuously compounded rate.

    .. math:: r = -\ln\left(1 - \frac{d}{100}\cdot\frac{n}{360}\right)\cdot\frac{365}{n}

    The bill's price per 1 of face value is ``1 − (d/100)·n/360``; the continuous rate
    earned over ``n`` calendar days (actual/365) follows. This is the benchmark
    specification's rule for FRED DTB3 (``n = 91``).

    Parameters
    ----------
    d_pct
        Discount rate in percent per year (4.5 for 4.5 %).
    days
        Days to maturity ``n`` (> 0; 91 for the 3-month bill).

    Returns
    -------
    float or ndarray
        Continuously compounded rate per year, as a fraction.

    References
    ----------
    Hull, 11th ed., §6.1 (Treasury bill quotes); §4.2 (continuous compounding).
    """
    d = as_float_array(d_pct, "d_pct")
    if days <= 0:
        raise InputError("days must be positive", source="days", value=days, expected="days > 0")
    price = 1.0 - d / 100.0 * days / MONEY_MARKET_DAYS_PER_YEAR
    limit = 100.0 * MONEY_MARKET_DAYS_PER_YEAR / days
    require(price > 0.0, d, "d_pct", f"a discount rate below {limit:.4g}% (positive bill price)")
    return finish(-np.log(price) * CALENDAR_DAYS_PER_YEAR / days)


@overload
def simple_to_continuous(
    rate_simple: float,
    days: float,
    *,
    simple_days_per_year: float = ...,
    continuous_days_per_year: float = ...,
) -> float: ...
@overload
def simple_to_continuous(
    rate_simple: npt.ArrayLike,
    days: npt.ArrayLike,
    *,
    simple_days_per_year: float = ...,
    continuous_days_per_year: float = ...,
) -> Float64Array: ...
def simple_to_continuous(
    rate_simple: npt.ArrayLike,
    days: npt.ArrayLike,
    *,
    simple_days_per_year: float = MONEY_MARKET_DAYS_PER_YEAR,
    continuous_days_per_year: float = CALENDAR_DAYS_PER_YEAR,
) -> float | Float64Array:
    r"""Convert a simple (money-market) rate over ``days`` to a continuous rate.

    .. math:: r_c = \ln\left(1 + r_s\,\frac{n}{B_s}\right)\cdot\frac{B_c}{n}

    Both rates give the same growth over the ``n`` days: :math:`1 + r_s n/B_s = e^{r_c n/B_c}`.

    Parameters
    ----------
    rate_simple
        Simple rate :math:`r_s` per year (fraction).
    days
        Period :math:`n` in calendar days (> 0).
    simple_days_per_year
        Day-count base :math:`B_s` of the simple rate (360: actual/360).
    continuous_days_per_year
        Day-count base :math:`B_c` of the continuous rate (365: actual/365).

    Returns
    -------
    float or ndarray
        Continuously compounded rate per year.

    References
    ----------
    Hull, 11th ed., §4.2 (compounding frequency conversions, eq. 4.3 in the limit of one
    compounding period) and §6.1 (day counts).
    """
    rs = as_float_array(rate_simple, "rate_simple")
    n = positive(days, "days")
    rs, n = broadcast(rate_simple=rs, days=n)
    growth = 1.0 + rs * n / simple_days_per_year
    require(growth > 0.0, rs, "rate_simple", "1 + rate_simple·days/360 > 0")
    return finish(np.log(growth) * continuous_days_per_year / n)


@overload
def continuous_to_simple(
    rate_continuous: float,
    days: float,
    *,
    simple_days_per_year: float = ...,
    continuous_days_per_year: float = ...,
) -> float: ...
@overload
def continuous_to_simple(
    rate_continuous: npt.ArrayLike,
    days: npt.ArrayLike,
    *,
    simple_days_per_year: float = ...,
    continuous_days_per_year: float = ...,
) -> Float64Array: ...
def continuous_to_simple(
    rate_continuous: npt.ArrayLike,
    days: npt.ArrayLike,
    *,
    simple_days_per_year: float = MONEY_MARKET_DAYS_PER_YEAR,
    continuous_days_per_year: float = CALENDAR_DAYS_PER_YEAR,
) -> float | Float64Array:
    r"""Convert a continuous rate to the simple rate with the same growth over ``days``.

    .. math:: r_s = \left(e^{r_c\,n/B_c} - 1\right)\cdot\frac{B_s}{n}

    Parameters
    ----------
    rate_continuous
        Continuously compounded rate :math:`r_c` per year.
    days
        Period :math:`n` in calendar days (> 0).
    simple_days_per_year
        Day-count base :math:`B_s` of the simple rate (360).
    continuous_days_per_year
        Day-count base :math:`B_c` of the continuous rate (365).

    Returns
    -------
    float or ndarray
        Simple rate per year; the inverse of :func:`simple_to_continuous`.

    References
    ----------
    Hull, 11th ed., §4.2 (eq. 4.4 in the limit of one compounding period).
    """
    rc = as_float_array(rate_continuous, "rate_continuous")
    n = positive(days, "days")
    rc, n = broadcast(rate_continuous=rc, days=n)
    return finish(np.expm1(rc * n / continuous_days_per_year) * simple_days_per_year / n)
