r"""Put protection for a portfolio: strikes × hedge ratios -> contracts, premium, floor, decay.

"How far may it fall before the insurance starts, and how much of the portfolio do we
insure?" For a portfolio of value :math:`V` and beta :math:`\beta` against an index at
:math:`S`, insuring a share :math:`h` of the beta exposure with index options of
:math:`u` index units per contract (:class:`OptionContract`) takes

.. math:: n = \operatorname{round}\!\left(\frac{h\,\beta\,V}{u\,S}\right)

contracts (beta-adjusted, as for futures: Hull, *Options, Futures and Other Derivatives*,
11th ed., §3.5 and ch. 17 "portfolio insurance" with index puts). Each option is priced by
Black–Scholes–Merton with the index dividend yield (Hull ch. 17, eqs. 17.4–17.5;
:func:`hedgekit.pricing.bsm_price`), a volatility per strike (at the money from VIX or the
user, optionally bent by the labelled skew heuristic
:func:`hedgekit.pricing.skew_adjusted_vol`).

At the options' expiry :math:`T`, with the stocks valued by the CAPM mapping of Hull ch. 17
(:func:`hedgekit.protection.capm_portfolio_value`: dividends received and the risk-free
rate included, the same mapping as ``compare`` and the scenario tables), the position is
worth

.. math::

    W(S_T) = V\left[1 + \beta\left(\frac{S_T}{S} - 1 + qT\right) + (1-\beta)\,rT\right]
    + n\,u \sum_j a_j\,\text{payoff}_j(S_T) - P\,e^{rT} - \text{fees},

with :math:`a_j = \pm 1` per leg, :math:`P = n\,u\sum_j a_j\,p_j` the net premium and
:math:`P(e^{rT} - 1)` the interest it would have earned.

* ``floor_usd`` is :math:`W(K)` at the (long) put strike :math:`K`: the value once the
  index is at or below the strike; ``None`` with no contract (nothing protects). With an
  effective hedge ratio of 100 % or more it is the lowest value in any fall; with less,
  each further 1 % fall still costs ``exposure_below_strike_usd_per_pct``
  :math:`= 0.01\,(\beta V - n\,u\,S)`. A put spread protects only down to its short strike.
* ``break_even_move`` is the index move at expiry above which :math:`W(S_T) \ge V` (the
  premium recovered by a rise; an over-hedged put is also above :math:`V` near a zero
  index, which is not counted); ``None`` when there is none (a collar whose cap lies below
  the cost).
* ``decay_per_day_usd`` is :math:`-n\,u\sum_j a_j\,\Theta_j/365`: what the position loses
  per calendar day with everything else unchanged (Hull ch. 19, theta).
* ``horizon_cost_usd``: to keep the protection over a horizon of :math:`H` days with options
  of :math:`T` days, buy :math:`k = \lceil H/T \rceil` times at the same strikes and
  inputs (index, vol and rates unchanged) and sell the last one back at the horizon for its
  remaining value: :math:`k\,(P + \text{fees}) - n\,u\,\text{value}(kT - H)`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy.optimize import brentq

from hedgekit._constants import CALENDAR_DAYS_PER_YEAR
from hedgekit._typing import Float64Array, RoundingMode
from hedgekit.errors import InputError
from hedgekit.pricing import (
    HedgeStructure,
    bsm_price,
    bsm_theta,
    collar,
    protective_put,
    put_spread,
    skew_adjusted_vol,
    zero_cost_collar_call_strike,
)
from hedgekit.protection._capm import capm_portfolio_value
from hedgekit.protection._contracts import OptionContract, option_contract
from hedgekit.protection._strikes import StrikeSpec

__all__ = [
    "STRUCTURES",
    "ProtectionRow",
    "ProtectionTable",
    "Structure",
    "contracts_for",
    "plan_protection",
]

Structure = Literal["put", "collar", "put_spread"]
STRUCTURES: tuple[Structure, ...] = ("put", "collar", "put_spread")

#: Default width of a put spread: the short put 10 % of spot below the long put.
DEFAULT_SPREAD_WIDTH = StrikeSpec.pct(0.10)


def _finite(value: float, name: str, *, positive: bool = False, lo: float | None = None) -> float:
    v = float(value)
    if not math.isfinite(v) or (positive and v <= 0) or (lo is not None and v < lo):
        expected = "> 0" if positive else (f">= {lo:g}" if lo is not None else "finite")
        raise InputError(f"{name} out of range", source=name, value=value, expected=expected)
    return v


def contracts_for(
    portfolio_value_usd: float,
    beta: float,
    index_level: float,
    hedge_ratio: float,
    option: OptionContract,
    rounding: RoundingMode = "nearest",
) -> tuple[int, float]:
    r"""Whole and exact option contracts insuring ``hedge_ratio`` of the beta exposure.

    .. math:: n^* = \frac{h\,\beta\,V}{u\,S}, \qquad n = \operatorname{round}(n^*)

    Parameters
    ----------
    portfolio_value_usd, beta, index_level
        :math:`V` (> 0), :math:`\beta` (>= 0), :math:`S` (> 0).
    hedge_ratio
        :math:`h` in (0, 1.5].
    option
        The contract (:math:`u` index units each).
    rounding
        ``"nearest"`` (halves up), ``"down"`` or ``"up"``.

    Returns
    -------
    (int, float)
        Whole contracts and the exact count.
    """
    v = _finite(portfolio_value_usd, "portfolio_value_usd", positive=True)
    b = _finite(beta, "beta", lo=0.0)
    s = _finite(index_level, "index_level", positive=True)
    h = _finite(hedge_ratio, "hedge_ratio", positive=True)
    if h > 1.5:
        raise InputError(
            "hedge ratio too large", source="hedge_ratio", value=h, expected="at most 1.5"
        )
    exact = h * b * v / (option.units_per_contract * s)
    if rounding == "nearest":
        n = math.floor(exact + 0.5)
    elif rounding == "down":
        n = math.floor(exact + 1e-9)
    elif rounding == "up":
        n = math.ceil(exact - 1e-9)
    else:
        raise InputError(
            "unknown rounding", source="rounding", value=rounding, expected="nearest | down | up"
        )
    return int(n), exact


@dataclass(frozen=True, slots=True)
class ProtectionRow:
    r"""One structure at one strike and hedge ratio (USD unless named otherwise).

    Attributes
    ----------
    structure
        ``"put"``, ``"collar"`` or ``"put_spread"``.
    strike, strike_pct
        Long put strike in index points and as a fraction of spot.
    call_strike, short_strike
        The collar's short call and the put spread's short put (else ``None``).
    hedge_ratio
        Share of the beta exposure asked for.
    contracts, exact_contracts, effective_hedge_ratio
        Whole contracts, the exact count, and :math:`n\,u\,S/(\beta V)`.
    vols
        Volatility of each leg, in leg order.
    premium_per_unit
        Net premium per index unit, index points (negative = received).
    premium_usd, premium_pct
        Net premium for all contracts, and as a fraction of the portfolio (0.012 = 1.2 %).
    fees_usd
        Commissions on all legs (one side).
    floor_usd, floor_pct
        Value at expiry with the index at the put strike (CAPM mapping, premium, its
        interest and fees included), and its change from :math:`V` (fraction); ``None``
        with no contract.
    floor_move
        Index move where the protection starts, ``strike / spot − 1``.
    exposure_below_strike_usd_per_pct
        Further loss per 1 % index fall below the strike (0 with a full hedge).
    protection_ends_move
        Put spread: index move below which protection stops (else ``None``).
    cap_usd, cap_move
        Collar: value at the call strike, and the move there (else ``None``).
    break_even_move
        Index move at expiry that recovers the premium (``None`` if never).
    decay_per_day_usd
        Loss per calendar day from time decay (theta), all else unchanged.
    option_days, horizon_days, purchases
        Option life, horizon and how many times it is bought over the horizon.
    horizon_cost_usd, horizon_cost_pct, cost_per_year_usd
        Cost of keeping the protection over the horizon (module notes), as a fraction of
        the portfolio, and per year.
    """

    structure: Structure
    strike: float
    strike_pct: float
    call_strike: float | None
    short_strike: float | None
    hedge_ratio: float
    contracts: int
    exact_contracts: float
    effective_hedge_ratio: float
    vols: tuple[float, ...]
    premium_per_unit: float
    premium_usd: float
    premium_pct: float
    fees_usd: float
    floor_usd: float | None
    floor_pct: float | None
    floor_move: float
    exposure_below_strike_usd_per_pct: float
    protection_ends_move: float | None
    cap_usd: float | None
    cap_move: float | None
    break_even_move: float | None
    decay_per_day_usd: float
    option_days: float
    horizon_days: float
    purchases: int
    horizon_cost_usd: float
    horizon_cost_pct: float
    cost_per_year_usd: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary (one row of ``hedgekit puts --json``)."""
        out: dict[str, Any] = {}
        for name in self.__dataclass_fields__:
            v = getattr(self, name)
            out[name] = list(v) if isinstance(v, tuple) else v
        return out


@dataclass(frozen=True, slots=True)
class ProtectionTable:
    """Rows of :func:`plan_protection` with the inputs they share.

    Attributes
    ----------
    portfolio_value_usd, beta, index_level, rate_annual, dividend_yield
        Inputs (continuous rates per year).
    option_days, t_years
        Option life in calendar days and years (days / 365).
    atm_vol, vol_source, skew_per_10pct
        At-the-money volatility, where it came from, and the skew slope (``None`` = flat).
    option
        The option contract.
    rounding, horizon_days, fee_per_contract_usd
        Choices used.
    rows
        One :class:`ProtectionRow` per structure × strike × hedge ratio.
    notes
        Caveats.
    """

    portfolio_value_usd: float
    beta: float
    index_level: float
    rate_annual: float
    dividend_yield: float
    option_days: float
    t_years: float
    atm_vol: float
    vol_source: str
    skew_per_10pct: float | None
    option: OptionContract
    rounding: RoundingMode
    horizon_days: float
    fee_per_contract_usd: float
    rows: tuple[ProtectionRow, ...]
    notes: tuple[str, ...] = field(default=())

    def row(self, structure: Structure, strike: float, hedge_ratio: float) -> ProtectionRow:
        """The row for a structure, strike (index points) and hedge ratio."""
        for r in self.rows:
            if (
                r.structure == structure
                and math.isclose(r.strike, strike, rel_tol=1e-9)
                and math.isclose(r.hedge_ratio, hedge_ratio, rel_tol=1e-9)
            ):
                return r
        raise InputError(
            "no such row",
            source="row",
            value=(structure, strike, hedge_ratio),
            expected="a structure, strike and hedge ratio of the table",
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary (``hedgekit puts --json``; docs/cli-json-costs.md)."""
        return {
            "portfolio_value_usd": self.portfolio_value_usd,
            "beta": self.beta,
            "index_level": self.index_level,
            "rate_annual": self.rate_annual,
            "dividend_yield": self.dividend_yield,
            "option_days": self.option_days,
            "t_years": self.t_years,
            "atm_vol": self.atm_vol,
            "vol_source": self.vol_source,
            "skew_per_10pct": self.skew_per_10pct,
            "option": self.option.to_dict(),
            "rounding": self.rounding,
            "horizon_days": self.horizon_days,
            "fee_per_contract_usd": self.fee_per_contract_usd,
            "rows": [r.to_dict() for r in self.rows],
            "notes": list(self.notes),
        }

    def to_frame(self) -> pd.DataFrame:
        """Rows as a DataFrame (one column per row field)."""
        return pd.DataFrame([r.to_dict() for r in self.rows])


class _VolLine:
    """At-the-money vol, optionally bent by the linear skew heuristic."""

    def __init__(self, atm: float, spot: float, skew: float | None) -> None:
        self.atm, self.spot, self.skew = atm, spot, skew

    def __call__(self, strike: float) -> float:
        if self.skew is None:
            return self.atm
        return skew_adjusted_vol(self.atm, strike / self.spot, skew_per_10pct=self.skew)

    def max_strike(self) -> float:
        """Highest strike with a positive vol on the line (``inf`` without skew)."""
        if self.skew is None or self.skew <= 0:
            return math.inf
        return self.spot * (1.0 + 0.10 * self.atm / self.skew)


def _zero_cost_call(
    s: float, kp: float, t: float, r: float, q: float, put_vol: float, vols: _VolLine
) -> float:
    if vols.skew is None:
        kc = zero_cost_collar_call_strike(s, kp, t, r, q, put_vol, vols.atm)
        if kc < kp:
            raise InputError(
                "the zero-cost call strike is below the put strike",
                source="call_strike",
                value=kc,
                expected=f"a call strike >= {kp:,.2f}",
            )
        return kc
    target = bsm_price("put", s, kp, t, r, q, put_vol)

    def excess(k: float) -> float:
        return bsm_price("call", s, k, t, r, q, vols(k)) - target

    lo, hi = kp, 0.999 * vols.max_strike()
    if not (excess(lo) > 0.0 > excess(hi)):
        raise InputError(
            "no zero-cost call strike on the skew line",
            source="call_strike",
            value=kp,
            expected="an explicit call strike (--call-strike), or no skew",
        )
    return float(brentq(excess, lo, hi, xtol=1e-10, maxiter=200))


def _structure(
    kind: Structure,
    s: float,
    k: float,
    t: float,
    r: float,
    q: float,
    vols: _VolLine,
    call_strike: StrikeSpec | None,
    spread_width: StrikeSpec,
) -> HedgeStructure:
    put_vol = vols(k)
    if kind == "put":
        return protective_put(s, k, t, r, q, put_vol)
    if kind == "collar":
        kc = (
            _zero_cost_call(s, k, t, r, q, put_vol, vols)
            if call_strike is None
            else call_strike.resolve(s)
        )
        return collar(s, k, kc, t, r, q, put_vol, vols(kc))
    k2 = k - spread_width.value * s if spread_width.kind == "pct" else spread_width.value
    if k2 <= 0:
        raise InputError(
            "put spread short strike is not positive",
            source="spread_width",
            value=spread_width.label(),
            expected=f"a width below the long strike {k:,.2f}",
        )
    return put_spread(s, k, k2, t, r, q, put_vol, vols(k2))


def _break_even(value_minus_v: Any, strikes: Sequence[float], slope_above: float) -> float | None:
    r"""Index level above which the piecewise-linear ``value − V`` stays non-negative.

    The premium is recovered by a rise: the answer is the last upward crossing of zero, not
    the first. An over-hedged put (:math:`n\,u\,S > \beta V`) is also worth more than
    :math:`V` near a zero index, which is protection paying off, not the premium recovered.
    """
    b = np.unique(np.array([0.0, *strikes], dtype=np.float64))
    g = np.asarray(value_minus_v(b), dtype=np.float64)
    if g[-1] < 0.0:
        return float(b[-1] - g[-1] / slope_above) if slope_above > 0.0 else None
    for i in range(len(b) - 2, -1, -1):
        if g[i] < 0.0 <= g[i + 1]:
            return float(b[i] - g[i] * (b[i + 1] - b[i]) / (g[i + 1] - g[i]))
    return 0.0


def _row(
    hs: HedgeStructure,
    kind: Structure,
    hedge_ratio: float,
    n: int,
    exact: float,
    *,
    value: float,
    beta: float,
    option: OptionContract,
    fee: float,
    option_days: float,
    horizon_days: float,
) -> ProtectionRow:
    s = hs.spot
    units = n * option.units_per_contract
    premium = units * hs.net_premium
    fees = n * len(hs.legs) * fee
    k = hs.legs[0].strike

    r, q, t = hs.rate_annual, hs.dividend_yield, hs.t_years
    financing = premium * math.expm1(r * t)

    def wealth(levels: Float64Array) -> Float64Array:
        pay = sum((leg.payoff(levels) for leg in hs.legs), np.zeros_like(levels))
        stocks = capm_portfolio_value(value, beta, levels / s - 1.0, r, q, t)
        return np.asarray(stocks + units * pay - premium - financing - fees, dtype=np.float64)

    def value_at(level: float) -> float:
        return float(wealth(np.array([level], dtype=np.float64))[0])

    floor = None if n == 0 else value_at(k)
    calls = [leg for leg in hs.legs if leg.kind == "call"]
    slope_above = beta * value / s + units * sum(leg.quantity for leg in calls)
    be = _break_even(lambda lv: wealth(lv) - value, [leg.strike for leg in hs.legs], slope_above)
    theta = sum(
        leg.quantity
        * bsm_theta(leg.kind, s, leg.strike, hs.t_years, hs.rate_annual, hs.dividend_yield, leg.vol)
        for leg in hs.legs
    )
    purchases = max(1, math.ceil(horizon_days / option_days))
    remaining = (purchases * option_days - horizon_days) / CALENDAR_DAYS_PER_YEAR
    residual = sum(
        leg.quantity
        * bsm_price(leg.kind, s, leg.strike, remaining, hs.rate_annual, hs.dividend_yield, leg.vol)
        for leg in hs.legs
    )
    horizon_cost = purchases * (premium + fees) - units * residual
    short_put = next((lg for lg in hs.legs if lg.kind == "put" and lg.quantity < 0), None)
    call = calls[0] if calls else None
    return ProtectionRow(
        structure=kind,
        strike=k,
        strike_pct=k / s,
        call_strike=None if call is None else call.strike,
        short_strike=None if short_put is None else short_put.strike,
        hedge_ratio=hedge_ratio,
        contracts=n,
        exact_contracts=exact,
        effective_hedge_ratio=units * s / (beta * value) if beta > 0 else 0.0,
        vols=tuple(leg.vol for leg in hs.legs),
        premium_per_unit=hs.net_premium,
        premium_usd=premium,
        premium_pct=premium / value,
        fees_usd=fees,
        floor_usd=floor,
        floor_pct=None if floor is None else floor / value - 1.0,
        floor_move=k / s - 1.0,
        exposure_below_strike_usd_per_pct=0.01 * (beta * value - units * s),
        protection_ends_move=None if short_put is None else short_put.strike / s - 1.0,
        cap_usd=None if call is None else value_at(call.strike),
        cap_move=None if call is None else call.strike / s - 1.0,
        break_even_move=None if be is None else be / s - 1.0,
        decay_per_day_usd=-units * theta / CALENDAR_DAYS_PER_YEAR,
        option_days=option_days,
        horizon_days=horizon_days,
        purchases=purchases,
        horizon_cost_usd=horizon_cost,
        horizon_cost_pct=horizon_cost / value,
        cost_per_year_usd=horizon_cost * CALENDAR_DAYS_PER_YEAR / horizon_days,
    )


def plan_protection(
    portfolio_value_usd: float,
    beta: float,
    index_level: float,
    *,
    strikes: Sequence[StrikeSpec | float],
    rate_annual: float,
    dividend_yield: float,
    vol: float,
    hedge_ratios: Sequence[float] = (1.0,),
    option_days: float = 91,
    vol_source: str = "user",
    skew_per_10pct: float | None = None,
    structures: Sequence[Structure] = ("put",),
    call_strike: StrikeSpec | float | None = None,
    spread_width: StrikeSpec = DEFAULT_SPREAD_WIDTH,
    option: OptionContract | None = None,
    rounding: RoundingMode = "nearest",
    horizon_days: float | None = None,
    fee_per_contract_usd: float = 0.0,
) -> ProtectionTable:
    r"""Price protective puts, collars and put spreads for each strike × hedge ratio.

    Formulas are in the module notes.

    Parameters
    ----------
    portfolio_value_usd, beta, index_level
        The portfolio (:math:`V` > 0, :math:`\beta` >= 0) and the index level (> 0).
    strikes
        Long put strikes: :class:`StrikeSpec` (level or % of spot) or plain fractions of
        spot (0.93).
    rate_annual, dividend_yield
        Continuously compounded rate and index dividend yield.
    vol
        At-the-money volatility (fraction, > 0), e.g. ``vol_from_vix(vix)``.
    hedge_ratios
        Shares of the beta exposure to insure, each in (0, 1.5].
    option_days
        Calendar days to the options' expiry (> 0; fractions allowed).
    vol_source
        Where ``vol`` came from, for the record.
    skew_per_10pct
        Slope of :func:`hedgekit.pricing.skew_adjusted_vol`; ``None`` = one vol for all
        strikes.
    structures
        Any of ``"put"``, ``"collar"``, ``"put_spread"``.
    call_strike
        Collar call strike (level or % of spot); ``None`` = the zero-cost strike.
    spread_width
        Put spread: the short put this far below the long one (% of spot) or at a level.
    option
        Option contract; default SPX.
    rounding
        Whole contracts: ``"nearest"``, ``"down"``, ``"up"``.
    horizon_days
        Horizon for the rolling cost, calendar days (> 0); default ``option_days``.
    fee_per_contract_usd
        Commission and exchange fees per option contract per side (>= 0).

    Returns
    -------
    ProtectionTable
    """
    v = _finite(portfolio_value_usd, "portfolio_value_usd", positive=True)
    b = _finite(beta, "beta", lo=0.0)
    s = _finite(index_level, "index_level", positive=True)
    r = _finite(rate_annual, "rate_annual")
    q = _finite(dividend_yield, "dividend_yield")
    atm = _finite(vol, "vol", positive=True)
    fee = _finite(fee_per_contract_usd, "fee_per_contract_usd", lo=0.0)
    skew = None if skew_per_10pct is None else _finite(skew_per_10pct, "skew_per_10pct", lo=0.0)
    days = _finite(option_days, "option_days", positive=True)
    hz = days if horizon_days is None else _finite(horizon_days, "horizon_days", positive=True)
    for kind in structures:
        if kind not in STRUCTURES:
            raise InputError(
                "unknown structure",
                source="structures",
                value=kind,
                expected=" | ".join(STRUCTURES),
            )
    if not structures:
        raise InputError("no structure", source="structures", expected="put, collar, put_spread")
    specs = tuple(x if isinstance(x, StrikeSpec) else StrikeSpec.pct(float(x)) for x in strikes)
    if not specs:
        raise InputError("no strikes", source="strikes", expected="at least one strike")
    if not hedge_ratios:
        raise InputError("no hedge ratios", source="hedge_ratios", expected="e.g. 1.0, 0.8, 0.5")
    call_spec = (
        call_strike
        if call_strike is None or isinstance(call_strike, StrikeSpec)
        else StrikeSpec.pct(float(call_strike))
    )
    opt = option_contract("SPX") if option is None else option
    t = days / CALENDAR_DAYS_PER_YEAR
    vols = _VolLine(atm, s, skew)
    rows: list[ProtectionRow] = []
    notes: list[str] = []
    for kind in structures:
        for spec in specs:
            try:
                hs = _structure(kind, s, spec.resolve(s), t, r, q, vols, call_spec, spread_width)
            except InputError as exc:
                if kind != "collar" or call_spec is not None:
                    raise
                notes.append(
                    f"No zero-cost collar at {spec.label()}: {exc.message}; give a call strike."
                )
                continue
            for h in hedge_ratios:
                n, exact = contracts_for(v, b, s, h, opt, rounding)
                rows.append(
                    _row(
                        hs,
                        kind,
                        float(h),
                        n,
                        exact,
                        value=v,
                        beta=b,
                        option=opt,
                        fee=fee,
                        option_days=days,
                        horizon_days=hz,
                    )
                )
    if not rows:
        raise InputError(
            "nothing could be priced",
            source="strikes",
            value=[x.label() for x in specs],
            expected="; ".join(notes),
        )
    off = [r_ for r_ in rows if abs(r_.effective_hedge_ratio - r_.hedge_ratio) > 0.10]
    if off:
        worst = max(off, key=lambda r_: abs(r_.effective_hedge_ratio - r_.hedge_ratio))
        notes.append(
            f"Whole {opt.name} contracts miss the hedge ratio asked for by up to "
            f"{abs(worst.effective_hedge_ratio - worst.hedge_ratio):.0%} (one contract covers "
            f"${opt.notional_usd(s):,.0f} of index)"
            + (
                "; a smaller contract (XSP is 1/10 of SPX) gets closer."
                if opt.name == "SPX"
                else "."
            )
        )
    notes.append(
        "Premiums are Black–Scholes–Merton values, not quotes: real prices include the "
        "bid-ask spread and the market's skew."
    )
    if skew is not None:
        notes.append(
            f"Skew: a labelled heuristic of +{skew * 100:g} vol points per 10% of spot below "
            "the money, not fitted to quotes."
        )
    return ProtectionTable(
        portfolio_value_usd=v,
        beta=b,
        index_level=s,
        rate_annual=r,
        dividend_yield=q,
        option_days=days,
        t_years=t,
        atm_vol=atm,
        vol_source=vol_source,
        skew_per_10pct=skew,
        option=opt,
        rounding=rounding,
        horizon_days=hz,
        fee_per_contract_usd=fee,
        rows=tuple(rows),
        notes=tuple(notes),
    )
