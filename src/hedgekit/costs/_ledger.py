r"""What a futures hedge costs over a horizon: carry, rolls, trading, margin interest.

Carry by telescoping
--------------------
A position of :math:`q` contracts (negative = short) of multiplier :math:`m` is opened at
:math:`F_0` in the contract held on the start date, rolled at the close of each roll date
:math:`t_1 < \dots < t_{k-1}` of the real calendar (CME convention by default: eight
calendar days before the third Friday, :class:`hedgekit.calendar.CmeRollRule`) and closed at
the horizon :math:`H` in contract :math:`k`. Its P&L is the sum of the price changes of each
contract over the period it is held; regrouping the terms (each roll buys back contract
:math:`i` and sells :math:`i+1` at the same moment) gives the exact identity

.. math::

    \text{P\&L} = q\,m\Big[(S_H - S_0) + (b_H - b_0) - \sum_{i=1}^{k-1} s_i\Big],
    \qquad b = F - S,\quad s_i = F_{i+1}(t_i) - F_i(t_i).

With the index unchanged (:math:`S_H = S_0`, the *carry* view of Hull, *Options, Futures
and Other Derivatives*, 11th ed., §5.9 and §3.3) the cost, positive when paid, is

.. math:: C_{\text{carry}} = q\,m\,b_0 \;-\; q\,m\,b_H \;+\; \sum_i q\,m\,s_i,

the basis received at entry (a short in contango sells above spot), the basis still left
at the horizon (bought back) and the calendar spread of each roll
(:func:`hedgekit.pricing.roll_cost_usd`). Under fair value :math:`F = S e^{(r-q)\tau}`
(:math:`\tau` in years of 365 days to the contract's last trading day) this is close to
:math:`-|q|\,m\,S\,(e^{(r-q)h}-1)`: a short hedger **receives** about :math:`(r-q)\,S\,h`
when the rate exceeds the dividend yield and **pays** it otherwise. Split exactly for a
single contract expiring at the horizon,

.. math::

    S\left(e^{(r-q)h} - 1\right) = S\left(e^{rh} - 1\right)
    - S\,e^{rh}\left(1 - e^{-qh}\right),

the interest priced into the futures, less the dividends priced into them (valued at the
horizon). The stocks keep paying their dividends, :math:`V e^{rh}(1-e^{-qh})` at the index
yield: on the hedged part the futures hand them back through the basis.

Frictions
---------
* Trading: commission + slippage (ticks × tick value) per contract per side; one side to
  open, two per roll (buy the near, sell the far), one to close at the horizon.
* Margin: cash posted as initial margin forgoes interest, :math:`I\,(e^{r_m h} - 1)`, with
  :math:`r_m` the risk-free rate unless given (a broker loan rate if the margin is
  borrowed); zero when the broker accepts T-bills as collateral. Variation margin flows are
  not modelled here (see :mod:`hedgekit.margin`).

What is *not* a cost line: the equity risk premium the short futures give up. With the
stocks hedged the position earns about the risk-free rate (Hull §5.9); the expected return
above it is what a hedge really costs, and no carry formula forecasts it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from hedgekit._constants import CALENDAR_DAYS_PER_YEAR
from hedgekit.calendar import CmeRollRule, RollRule, contract_schedule
from hedgekit.costs._horizon import Horizon
from hedgekit.costs._positions import FuturesPosition
from hedgekit.errors import InputError
from hedgekit.pricing import calendar_spread, fair_value_continuous

__all__ = ["CostProjection", "HeldContract", "RollEvent", "project_costs"]


def _check(value: float, name: str, *, lo: float | None = None, positive: bool = False) -> float:
    v = float(value)
    bad = not math.isfinite(v) or (positive and v <= 0) or (lo is not None and v < lo)
    if bad:
        expected = "> 0" if positive else (f">= {lo:g}" if lo is not None else "a finite number")
        raise InputError(f"{name} out of range", source=name, value=value, expected=expected)
    return v


@dataclass(frozen=True, slots=True)
class HeldContract:
    """One contract of the roll schedule over the horizon.

    Attributes
    ----------
    contract
        Contract code (``ESH2024``; the same months for every leg).
    last_trading_day
        Its last trading day.
    held_from, held_to
        First and last day it is held within the horizon (``held_to`` is its roll date,
        or the horizon end for the last one).
    """

    contract: str
    last_trading_day: dt.date
    held_from: dt.date
    held_to: dt.date

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary."""
        return {
            "contract": self.contract,
            "last_trading_day": self.last_trading_day.isoformat(),
            "held_from": self.held_from.isoformat(),
            "held_to": self.held_to.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class RollEvent:
    r"""One roll of the whole position, at the close of ``date``.

    Attributes
    ----------
    date
        Roll date.
    from_contract, to_contract
        Contract bought back and contract sold (codes of the main leg's months).
    days_to_near_expiry, days_to_far_expiry
        Calendar days from the roll date to each last trading day.
    fair_spread_points
        :math:`F_{far} - F_{near}` by carry at the unchanged index
        (:func:`hedgekit.pricing.calendar_spread`). CME quotes near − far, the negative.
    quoted_spread_points
        The spread given by the user (``F_far − F_near``), if any.
    spread_used_points
        Quoted spread when given, else fair.
    fair_cost_usd, cost_usd
        :math:`\sum q\,m\,s` at the fair and at the used spread (positive = paid).
    difference_points
        ``quoted − fair`` (``None`` without a quote).
    verdict
        For this position: ``"cheap"`` when rolling at the quote costs less than at fair by
        more than the tolerance, ``"rich"`` when more, ``"fair"`` inside it; ``None``
        without a quote. A short gains when the far contract is sold dear, so for a short
        a quote above fair is cheap; for a long it is rich.
    tolerance_points
        Half-width of the band called fair (default one tick of the main leg).
    """

    date: dt.date
    from_contract: str
    to_contract: str
    days_to_near_expiry: int
    days_to_far_expiry: int
    fair_spread_points: float
    quoted_spread_points: float | None
    spread_used_points: float
    fair_cost_usd: float
    cost_usd: float
    difference_points: float | None
    verdict: str | None
    tolerance_points: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary."""
        return {
            "date": self.date.isoformat(),
            "from_contract": self.from_contract,
            "to_contract": self.to_contract,
            "days_to_near_expiry": self.days_to_near_expiry,
            "days_to_far_expiry": self.days_to_far_expiry,
            "fair_spread_points": self.fair_spread_points,
            "quoted_spread_points": self.quoted_spread_points,
            "spread_used_points": self.spread_used_points,
            "fair_cost_usd": self.fair_cost_usd,
            "cost_usd": self.cost_usd,
            "difference_points": self.difference_points,
            "verdict": self.verdict,
            "tolerance_points": self.tolerance_points,
        }


@dataclass(frozen=True, slots=True)
class CostProjection:
    r"""Cost of holding a futures hedge over a horizon (USD; positive = paid, negative = received).

    Attributes
    ----------
    horizon
        Start, end, length and band.
    positions
        The futures held.
    portfolio_value_usd, index_level, rate_annual, dividend_yield, margin_rate_annual
        Inputs (continuous rates per year).
    entry_futures_price, entry_fair_value
        Price the position is opened at and its carry fair value.
    schedule
        Contracts held over the horizon, in order.
    rolls
        One :class:`RollEvent` per roll (``len(schedule) - 1``).
    entry_basis_usd
        :math:`\sum q\,m\,(F_0 - S_0)`.
    exit_basis_usd
        :math:`-\sum q\,m\,(F_H - S_0)` with :math:`F_H` the fair value at the horizon.
    roll_costs_usd
        Sum of the rolls' ``cost_usd``.
    carry_usd
        ``entry_basis_usd + exit_basis_usd + roll_costs_usd``.
    carry_at_fair_usd
        The same with the entry at fair value and every roll at its fair spread.
    interest_in_futures_usd, dividends_in_futures_usd
        :math:`|q|\,m\,S(e^{rh}-1)` and :math:`|q|\,m\,S e^{rh}(1-e^{-qh})` over all legs:
        what the futures price in over the horizon (information; with signs as seen by a
        short the carry at fair is about ``dividends − interest``).
    dividends_on_stocks_usd
        :math:`V e^{rh}(1-e^{-qh})`: dividends the stocks pay at the index yield (kept,
        hedge or not; information).
    trade_sides
        Contract-sides traded over all legs (``|q| × (2 + 2 × rolls)``).
    commissions_usd, slippage_usd
        Their cost.
    margin_posted_usd
        Initial margin posted.
    margin_interest_usd
        Interest forgone on it over the horizon.
    margin_in_tbills
        Whether margin was taken to be posted in T-bills (no interest forgone).
    notes
        Caveats in plain words.
    """

    horizon: Horizon
    positions: tuple[FuturesPosition, ...]
    portfolio_value_usd: float
    index_level: float
    rate_annual: float
    dividend_yield: float
    margin_rate_annual: float
    entry_futures_price: float
    entry_fair_value: float
    schedule: tuple[HeldContract, ...]
    rolls: tuple[RollEvent, ...]
    entry_basis_usd: float
    exit_basis_usd: float
    roll_costs_usd: float
    carry_usd: float
    carry_at_fair_usd: float
    interest_in_futures_usd: float
    dividends_in_futures_usd: float
    dividends_on_stocks_usd: float
    trade_sides: int
    commissions_usd: float
    slippage_usd: float
    margin_posted_usd: float
    margin_interest_usd: float
    margin_in_tbills: bool
    notes: tuple[str, ...] = field(default=())

    @property
    def trading_costs_usd(self) -> float:
        """Commissions plus slippage."""
        return self.commissions_usd + self.slippage_usd

    @property
    def frictions_usd(self) -> float:
        """Trading costs plus margin interest (what the hedge costs beyond its carry)."""
        return self.trading_costs_usd + self.margin_interest_usd

    @property
    def total_usd(self) -> float:
        """Carry plus frictions."""
        return self.carry_usd + self.frictions_usd

    @property
    def total_pct_of_portfolio(self) -> float:
        """``total_usd / portfolio_value_usd`` (fraction)."""
        return self.total_usd / self.portfolio_value_usd

    @property
    def per_year_usd(self) -> float:
        """``total_usd / horizon.years``."""
        return self.total_usd / self.horizon.years

    @property
    def per_day_usd(self) -> float:
        """``total_usd / horizon.days`` (per calendar day)."""
        return self.total_usd / self.horizon.days

    @property
    def n_rolls(self) -> int:
        """Number of rolls inside the horizon."""
        return len(self.rolls)

    def lines(self) -> tuple[tuple[str, float], ...]:
        """The additive ledger: ``(label, usd)`` pairs summing to :attr:`total_usd`."""
        return (
            ("basis at entry", self.entry_basis_usd),
            ("basis left at the horizon", self.exit_basis_usd),
            ("rolls", self.roll_costs_usd),
            ("commissions", self.commissions_usd),
            ("slippage", self.slippage_usd),
            ("margin interest", self.margin_interest_usd),
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary (the ``hedgekit cost --json`` data; docs/cli-json-costs.md)."""
        return {
            "horizon": self.horizon.to_dict(),
            "positions": [p.to_dict() for p in self.positions],
            "portfolio_value_usd": self.portfolio_value_usd,
            "index_level": self.index_level,
            "rate_annual": self.rate_annual,
            "dividend_yield": self.dividend_yield,
            "margin_rate_annual": self.margin_rate_annual,
            "entry_futures_price": self.entry_futures_price,
            "entry_fair_value": self.entry_fair_value,
            "schedule": [h.to_dict() for h in self.schedule],
            "n_rolls": self.n_rolls,
            "rolls": [r.to_dict() for r in self.rolls],
            "ledger": [{"item": k, "usd": v} for k, v in self.lines()],
            "entry_basis_usd": self.entry_basis_usd,
            "exit_basis_usd": self.exit_basis_usd,
            "roll_costs_usd": self.roll_costs_usd,
            "carry_usd": self.carry_usd,
            "carry_at_fair_usd": self.carry_at_fair_usd,
            "interest_in_futures_usd": self.interest_in_futures_usd,
            "dividends_in_futures_usd": self.dividends_in_futures_usd,
            "dividends_on_stocks_usd": self.dividends_on_stocks_usd,
            "trade_sides": self.trade_sides,
            "commissions_usd": self.commissions_usd,
            "slippage_usd": self.slippage_usd,
            "trading_costs_usd": self.trading_costs_usd,
            "margin_posted_usd": self.margin_posted_usd,
            "margin_interest_usd": self.margin_interest_usd,
            "margin_in_tbills": self.margin_in_tbills,
            "frictions_usd": self.frictions_usd,
            "total_usd": self.total_usd,
            "total_pct_of_portfolio": self.total_pct_of_portfolio,
            "per_year_usd": self.per_year_usd,
            "per_day_usd": self.per_day_usd,
            "notes": list(self.notes),
        }

    def to_frame(self) -> pd.DataFrame:
        """The ledger as a DataFrame indexed by item, with a ``usd`` column."""
        return pd.DataFrame(
            {"usd": [v for _, v in self.lines()]},
            index=pd.Index([k for k, _ in self.lines()], name="item"),
        )


def _years(later: dt.date, earlier: dt.date) -> float:
    return max((later - earlier).days, 0) / CALENDAR_DAYS_PER_YEAR


def _quotes(quoted_spreads: Sequence[float | None], n_rolls: int) -> list[float | None]:
    quotes = list(quoted_spreads)
    if len(quotes) > n_rolls:
        raise InputError(
            "more quoted spreads than rolls in the horizon",
            source="quoted_spreads",
            value=quotes,
            expected=f"at most {n_rolls} (one per roll, in date order)",
        )
    for v in quotes:
        if v is not None and not math.isfinite(v):
            raise InputError("quoted spread must be finite", source="quoted_spreads", value=v)
    return quotes + [None] * (n_rolls - len(quotes))


def project_costs(
    positions: Sequence[FuturesPosition],
    horizon: Horizon,
    *,
    portfolio_value_usd: float,
    index_level: float,
    rate_annual: float,
    dividend_yield: float,
    entry_futures_price: float | None = None,
    entry_contract: str | None = None,
    roll_rule: RollRule | None = None,
    quoted_spreads: Sequence[float | None] = (),
    commission_usd: float = 2.50,
    slippage_ticks: float = 1.0,
    margin_rate_annual: float | None = None,
    margin_in_tbills: bool = False,
    spread_tolerance_points: float | None = None,
) -> CostProjection:
    r"""Project carry, rolls, trading costs and margin interest of a futures hedge.

    Formulas and conventions are in the module notes; every figure assumes the index stays
    at ``index_level`` and the rate and dividend yield stay constant.

    Parameters
    ----------
    positions
        Futures held (all legs on the same index and month cycle; the first leg's root
        names the contracts in the schedule). Empty = no hedge, every figure zero.
    horizon
        From the plan date to the end of the hedge (:func:`resolve_horizon`).
    portfolio_value_usd
        Value of the stocks hedged (> 0), for percentages and the stocks' dividends.
    index_level
        Index level now (> 0).
    rate_annual, dividend_yield
        Continuously compounded risk-free rate and index dividend yield per year.
    entry_futures_price
        Price the position is opened at (the contract held on the start date); default its
        fair value :math:`S e^{(r-q)\tau}`.
    entry_contract
        Code of the contract ``entry_futures_price`` is for (``ESH2024``); when it is not
        the contract the schedule opens, the price is not used and fair value is.
    roll_rule
        When positions roll; default :class:`~hedgekit.calendar.CmeRollRule`.
    quoted_spreads
        Market calendar spreads ``F_far − F_near`` (points) for the rolls in date order;
        ``None`` or missing entries use the fair spread. Usually only the next roll is
        quoted.
    commission_usd
        Commission per contract per side (>= 0).
    slippage_ticks
        Slippage per contract per side in ticks (>= 0).
    margin_rate_annual
        Rate the margin cash would earn (or costs to borrow), continuous; default
        ``rate_annual``.
    margin_in_tbills
        The broker accepts T-bills as margin: no interest is forgone.
    spread_tolerance_points
        Quotes within this many points of fair are called fair; default one tick of the
        first leg.

    Returns
    -------
    CostProjection

    Raises
    ------
    InputError
        Bad numbers, more quotes than rolls.
    """
    value = _check(portfolio_value_usd, "portfolio_value_usd", positive=True)
    s0 = _check(index_level, "index_level", positive=True)
    r = _check(rate_annual, "rate_annual")
    q = _check(dividend_yield, "dividend_yield")
    commission = _check(commission_usd, "commission_usd", lo=0.0)
    slip_ticks = _check(slippage_ticks, "slippage_ticks", lo=0.0)
    r_m = r if margin_rate_annual is None else _check(margin_rate_annual, "margin_rate_annual")
    rule = CmeRollRule() if roll_rule is None else roll_rule
    legs = tuple(positions)
    for leg in legs:
        if not isinstance(leg, FuturesPosition):
            raise InputError(
                "positions must be FuturesPosition objects",
                source="positions",
                value=type(leg).__name__,
                expected="FuturesPosition",
            )
    if legs and len({leg.months for leg in legs}) > 1:
        raise InputError(
            "legs roll on different month cycles",
            source="positions",
            value=[leg.months for leg in legs],
            expected="legs on one month cycle (e.g. ES and MES)",
        )
    root = legs[0].root if legs else "ES"
    months = legs[0].months if legs else "HMUZ"
    periods = contract_schedule(root, horizon.start, horizon.end, rule, months=months)
    notes: list[str] = []
    if not periods:
        raise InputError(
            "no trading session in the horizon",
            source="horizon",
            value=horizon.to_dict(),
            expected="a horizon containing at least one NYSE session",
        )
    schedule = tuple(
        HeldContract(
            contract=p.contract.long,
            last_trading_day=p.last_trading_day.date(),
            held_from=p.first_session_held.date(),
            held_to=p.last_session_held.date() if i < len(periods) - 1 else horizon.end,
        )
        for i, p in enumerate(periods)
    )
    if (
        entry_contract is not None
        and len(schedule) > 1
        and entry_contract == schedule[1].contract
        and entry_contract != schedule[0].contract
    ):
        # the hedge opens in the contract it will hold (its roll is days away): the first
        # contract of the calendar is never traded, and there is one roll fewer
        notes.append(
            f"The hedge opens directly in {entry_contract}: {schedule[0].contract} rolls on "
            f"{periods[0].roll_date.date()}, within days of the start, so it is not traded."
        )
        schedule = (
            dataclasses.replace(schedule[1], held_from=schedule[0].held_from),
            *schedule[2:],
        )
        periods = periods[1:]
    h = horizon.years
    qm = sum(leg.quantity * leg.multiplier_usd for leg in legs)  # signed USD per point
    abs_qm = sum(abs(leg.quantity) * leg.multiplier_usd for leg in legs)
    tick_points = legs[0].tick_size_points if legs else 0.25
    tol = (
        tick_points
        if spread_tolerance_points is None
        else _check(spread_tolerance_points, "spread_tolerance_points", lo=0.0)
    )

    first_ltd = schedule[0].last_trading_day
    fair0 = fair_value_continuous(s0, r, q, _years(first_ltd, horizon.start))
    f0 = fair0 if entry_futures_price is None else float(entry_futures_price)
    if entry_contract is not None and entry_contract != schedule[0].contract:
        notes.append(
            f"The price given is for {entry_contract}, but the schedule opens "
            f"{schedule[0].contract}: its fair value {fair0:,.2f} is used instead."
        )
        f0 = fair0
    _check(f0, "entry_futures_price", positive=True)
    if (
        legs
        and len(periods) > 1
        and periods[0].roll_date.date() == periods[0].first_session_held.date()
    ):
        notes.append(
            f"The hedge starts on the roll date of {schedule[0].contract}: opening "
            f"{schedule[1].contract} directly saves one roll."
        )

    quotes = _quotes(quoted_spreads, len(periods) - 1)
    rolls: list[RollEvent] = []
    for i in range(len(periods) - 1):
        day = periods[i].roll_date.date()
        near_ltd = periods[i].last_trading_day.date()
        far_ltd = periods[i + 1].last_trading_day.date()
        fair = calendar_spread(s0, r, q, _years(near_ltd, day), _years(far_ltd, day))
        quote = quotes[i]
        used = fair if quote is None else quote
        diff = None if quote is None else quote - fair
        verdict: str | None = None
        if diff is not None:
            gain_for_position = -qm * diff  # cost at fair − cost at quote, per USD/point sign
            if abs(diff) <= tol or qm == 0:
                verdict = "fair"
            else:
                verdict = "cheap" if gain_for_position > 0 else "rich"
        rolls.append(
            RollEvent(
                date=day,
                from_contract=periods[i].contract.long,
                to_contract=periods[i + 1].contract.long,
                days_to_near_expiry=(near_ltd - day).days,
                days_to_far_expiry=(far_ltd - day).days,
                fair_spread_points=fair,
                quoted_spread_points=quote,
                spread_used_points=used,
                fair_cost_usd=qm * fair,
                cost_usd=qm * used,
                difference_points=diff,
                verdict=verdict,
                tolerance_points=tol,
            )
        )

    last_ltd = schedule[-1].last_trading_day
    basis_h = fair_value_continuous(s0, r, q, _years(last_ltd, horizon.end)) - s0
    entry = qm * (f0 - s0)
    exit_ = -qm * basis_h
    roll_total = sum(ev.cost_usd for ev in rolls)
    carry = entry + exit_ + roll_total
    carry_fair = qm * (fair0 - s0) + exit_ + sum(ev.fair_cost_usd for ev in rolls)

    n_contracts = sum(abs(leg.quantity) for leg in legs)
    sides_per_contract = 2 + 2 * len(rolls)
    commissions = sum(abs(leg.quantity) * sides_per_contract * commission for leg in legs)
    slippage = sum(
        abs(leg.quantity) * sides_per_contract * slip_ticks * leg.tick_value_usd for leg in legs
    )
    margin_posted = sum(abs(leg.quantity) * leg.initial_margin_usd for leg in legs)
    margin_interest = 0.0 if margin_in_tbills else margin_posted * math.expm1(r_m * h)
    if margin_in_tbills and margin_posted > 0:
        notes.append("Margin posted in T-bills: no interest forgone on it.")
    if legs and margin_posted == 0 and not margin_in_tbills:
        notes.append("No initial margin figure for the position: margin interest is zero.")
    if horizon.end > last_ltd:  # pragma: no cover - the schedule always rolls before expiry
        notes.append(f"The horizon ends after {schedule[-1].contract} expires.")

    return CostProjection(
        horizon=horizon,
        positions=legs,
        portfolio_value_usd=value,
        index_level=s0,
        rate_annual=r,
        dividend_yield=q,
        margin_rate_annual=r_m,
        entry_futures_price=f0,
        entry_fair_value=fair0,
        schedule=schedule,
        rolls=tuple(rolls),
        entry_basis_usd=entry,
        exit_basis_usd=exit_,
        roll_costs_usd=roll_total,
        carry_usd=carry,
        carry_at_fair_usd=carry_fair,
        interest_in_futures_usd=abs_qm * s0 * math.expm1(r * h),
        dividends_in_futures_usd=abs_qm * s0 * math.exp(r * h) * -math.expm1(-q * h),
        dividends_on_stocks_usd=value * math.exp(r * h) * -math.expm1(-q * h),
        trade_sides=n_contracts * sides_per_contract,
        commissions_usd=commissions,
        slippage_usd=slippage,
        margin_posted_usd=margin_posted,
        margin_interest_usd=margin_interest,
        margin_in_tbills=margin_in_tbills,
        notes=tuple(notes),
    )
