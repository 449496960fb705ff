r"""Futures, puts, a collar, selling, or nothing: the same portfolio and horizon side by side.

Every alternative is valued at the plan's horizon :math:`T` (``plan.request.horizon_days``,
years of 365 days) for an index price move :math:`x`, with the stocks as in the plan's
scenario tables (:mod:`hedgekit.scenarios`, CAPM form, Hull, *Options, Futures and Other
Derivatives*, 11th ed., Table 3.4):

.. math:: U(x) = V\,[\beta\,(x + qT) + (1-\beta)\,rT]

* **unhedged**: :math:`U(x)`.
* **futures** (the plan's contracts, :math:`Q = \sum_i q_i m_i` USD per point, negative
  short): :math:`U(x) + Q\,S_0\,x - C_F`, with :math:`C_F` the projected cost over the horizon
  (:func:`hedgekit.costs.plan_costs`: carry with the rolls of the real calendar, trading
  costs, margin interest) taken at the unchanged index.
* **puts** / **collar** (options expiring at the horizon, :math:`N = n\,u` index units,
  :mod:`hedgekit.protection`): :math:`U(x) + N\,\text{payoff}(S_0(1+x)) - P - \text{fees} -
  P\,(e^{rT}-1)`, the last term the interest the premium would have earned.
* **sell** a share :math:`s` of the stocks now (default: the futures' achieved hedge ratio,
  so that the two remove the same beta exposure): proceeds :math:`sV`, transaction costs
  :math:`c\,sV`, tax :math:`\tau\,\max(s(V - B), 0)` at the user's rate on the cost basis
  :math:`B` (pro rata); the cash :math:`K = sV - c\,sV - \text{tax}` earns
  :math:`K(e^{rT}-1)`: :math:`(1-s)\,U(x) + K(e^{rT}-1) - c\,sV - \text{tax}`. Buying back
  later costs transaction costs again and is not counted; the tax is only brought forward
  if the shares would have been sold one day anyway.

Every alternative states the share of the beta exposure it removes, ``hedge_ratio_achieved``
(futures :math:`-Q\,S_0/(\beta V)`; options :math:`n\,u\,S_0/(\beta V)` with the option
whose whole contracts come closest to the plan's ratio; selling: :math:`s`), so that
alternatives are compared at the ratios they really reach.

Columns:

* ``historical_mean_vs_unhedged_usd`` (the headline): the average of
  :math:`A(x_i) - U(x_i)` over every historical window :math:`x_i` of the horizon's length
  in the bundled index history: what the alternative did on average against staying
  unhedged, the upside it gave up in the rises counted with the protection in the falls.
* ``upfront_cash_usd``: cash out now (negative = cash in): margin posted plus opening costs,
  premium plus fees, or minus the net proceeds of a sale.
* ``expected_cost_usd``: :math:`U(0) - A(0)`, what the alternative gives up against staying
  unhedged when the index ends where it started.
* ``downside_floor_usd``: the lowest value at the horizon over every index fall,
  :math:`V + \min_{-1 \le x \le 0} A(x)`, with the stocks by the same CAPM mapping as the
  scenarios and ``hedgekit puts`` (:func:`hedgekit.protection.capm_portfolio_value`:
  dividends and interest included) and costs included. The P&L is piecewise linear in
  :math:`x`, so the minimum is taken over :math:`x = -1`, the strikes and :math:`x = 0`. For
  puts over-hedging a little it is the value at the put strike, the ``floor_usd`` of
  ``hedgekit puts`` for the same inputs; with no contract, and for the unhedged portfolio,
  it is ``None``.
* ``upside_kept``: :math:`[A(u) - A(0)]/[U(u) - U(0)]` for a rise :math:`u` (default +10 %):
  the share of the *market's* gain kept, so carry, interest and costs (which are the same
  whether or not the market rises) do not count as upside.

Expected value of hedging (per alternative; a secondary figure, the guide's formula, which
misleads on its own: docs/guide-notes.md entry 22): with :math:`p` the historical probability of a
fall of at least :math:`X` over the horizon (:func:`fall_probability`) and the protection
:math:`\bar G` the average, over those historical falls, of what the hedge adds to the
unhedged outcome before its cost, :math:`\bar G = \overline{A(x_i) - U(x_i)} + C`,

.. math:: \text{EV} = p\,\bar G - C.

The average of :math:`A(x_i) - U(x_i)` over **all** historical windows is shown too: it counts
the upside given up in the rises as well as the protection in the falls.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from hedgekit._constants import CALENDAR_DAYS_PER_YEAR
from hedgekit._typing import Float64Array
from hedgekit.calendar import sessions
from hedgekit.compare._history import FallProbability, fall_probability, horizon_moves
from hedgekit.contracts import ContractRegistry
from hedgekit.costs import plan_costs
from hedgekit.errors import InputError
from hedgekit.plan import HedgePlan
from hedgekit.protection import (
    OptionContract,
    ProtectionRow,
    StrikeSpec,
    capm_portfolio_value,
    check_option_index,
    choose_option,
    plan_protection,
    plan_vol,
)

__all__ = [
    "DEFAULT_HISTORY_START",
    "DEFAULT_OPTION_FEE_USD",
    "DEFAULT_STOCK_COST_BPS",
    "Alternative",
    "Comparison",
    "HedgeValue",
    "compare_alternatives",
    "cost_basis_total",
]

#: First close of the history used for fall probabilities (the post-war S&P 500).
DEFAULT_HISTORY_START = dt.date(1950, 1, 3)
#: Transaction cost of selling stocks, basis points of the amount sold: an assumption
#: (commission-free broker, half the bid-ask spread of large caps plus some impact); set
#: your own.
DEFAULT_STOCK_COST_BPS = 5.0
#: Commission and exchange fees per index option contract per side, USD: an assumption of
#: the order of retail SPX costs; set your own.
DEFAULT_OPTION_FEE_USD = 1.50

PnlFn = Callable[[Float64Array], Float64Array]


@dataclass(frozen=True, slots=True)
class HedgeValue:
    r"""Expected value of an alternative against staying unhedged (module notes).

    Attributes
    ----------
    threshold, probability
        Fall :math:`X` and its historical probability :math:`p` over the horizon.
    protection_usd
        :math:`\bar G`: average gain over unhedged in the historical falls, before cost.
    cost_usd
        :math:`C`: the expected cost (index unchanged).
    ev_usd
        :math:`p\,\bar G - C`.
    historical_mean_vs_unhedged_usd
        Average of :math:`A(x_i) - U(x_i)` over every historical window (the headline).
    """

    threshold: float
    probability: float
    protection_usd: float
    cost_usd: float
    ev_usd: float
    historical_mean_vs_unhedged_usd: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary."""
        return {
            "threshold": self.threshold,
            "probability": self.probability,
            "protection_usd": self.protection_usd,
            "cost_usd": self.cost_usd,
            "ev_usd": self.ev_usd,
            "historical_mean_vs_unhedged_usd": self.historical_mean_vs_unhedged_usd,
        }


@dataclass(frozen=True, slots=True)
class Alternative:
    """One way to protect the portfolio, valued like the others (module notes).

    Attributes
    ----------
    name
        ``"unhedged"``, ``"futures"``, ``"puts"``, ``"collar"`` or ``"sell"``.
    description
        What it is, in words.
    upfront_cash_usd
        Cash out now (negative = in).
    expected_cost_usd, expected_cost_pct
        Cost with the index unchanged, USD and as a fraction of the portfolio.
    scenario_pnl_usd
        P&L at the horizon in each of :attr:`Comparison.scenarios`.
    downside_floor_usd
        Lowest value at the horizon over every index fall (module notes); ``None`` unhedged
        or with no option contract.
    upside_kept
        Share of the unhedged gain kept in a rise of :attr:`Comparison.upside_move`.
    value
        Expected value of hedging, ``None`` for the unhedged portfolio.
    details
        Contracts, strikes, premium, taxes... as plain values.
    hedge_ratio_achieved
        Share of the beta exposure the alternative removes (0 unhedged).
    """

    name: str
    description: str
    upfront_cash_usd: float
    expected_cost_usd: float
    expected_cost_pct: float
    scenario_pnl_usd: tuple[float, ...]
    downside_floor_usd: float | None
    upside_kept: float | None
    value: HedgeValue | None
    details: dict[str, Any] = field(default_factory=dict)
    hedge_ratio_achieved: float = 0.0

    @property
    def historical_mean_vs_unhedged_usd(self) -> float:
        """Average of this P&L minus the unhedged one over the history (0 unhedged)."""
        return 0.0 if self.value is None else self.value.historical_mean_vs_unhedged_usd

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary."""
        return {
            "name": self.name,
            "description": self.description,
            "hedge_ratio_achieved": self.hedge_ratio_achieved,
            "historical_mean_vs_unhedged_usd": self.historical_mean_vs_unhedged_usd,
            "upfront_cash_usd": self.upfront_cash_usd,
            "expected_cost_usd": self.expected_cost_usd,
            "expected_cost_pct": self.expected_cost_pct,
            "scenario_pnl_usd": list(self.scenario_pnl_usd),
            "downside_floor_usd": self.downside_floor_usd,
            "upside_kept": self.upside_kept,
            "expected_value": None if self.value is None else self.value.to_dict(),
            "details": dict(self.details),
        }


@dataclass(frozen=True, slots=True)
class Comparison:
    """The alternatives side by side for one portfolio and horizon.

    Attributes
    ----------
    as_of, horizon_days, horizon_sessions
        Plan date, horizon in calendar days and in NYSE sessions.
    portfolio_value_usd, beta, index, index_level, rate_annual, dividend_yield
        Shared inputs.
    scenarios
        ``(name, index_move)`` of the plan's scenarios, in order.
    upside_move
        Rise used for ``upside_kept``.
    alternatives
        Unhedged first.
    fall
        Historical probability of the fall threshold, with its method and sample.
    assumptions
        What the numbers rest on, in words.
    warnings
        Inputs the user should look at (e.g. a sale at a gain with no tax rate given).
    """

    as_of: dt.date
    horizon_days: int
    horizon_sessions: int
    portfolio_value_usd: float
    beta: float
    index: str
    index_level: float
    rate_annual: float
    dividend_yield: float
    scenarios: tuple[tuple[str, float], ...]
    upside_move: float
    alternatives: tuple[Alternative, ...]
    fall: FallProbability
    assumptions: tuple[str, ...]
    warnings: tuple[str, ...] = ()

    def alternative(self, name: str) -> Alternative:
        """The alternative called ``name``."""
        for a in self.alternatives:
            if a.name == name:
                return a
        raise InputError(
            "no such alternative",
            source="name",
            value=name,
            expected=" | ".join(a.name for a in self.alternatives),
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary (``hedgekit compare --json``; docs/cli-json-costs.md)."""
        return {
            "as_of": self.as_of.isoformat(),
            "horizon_days": self.horizon_days,
            "horizon_sessions": self.horizon_sessions,
            "portfolio_value_usd": self.portfolio_value_usd,
            "beta": self.beta,
            "index": self.index,
            "index_level": self.index_level,
            "rate_annual": self.rate_annual,
            "dividend_yield": self.dividend_yield,
            "scenarios": [{"name": n, "index_move": m} for n, m in self.scenarios],
            "upside_move": self.upside_move,
            "alternatives": [a.to_dict() for a in self.alternatives],
            "fall_probability": self.fall.to_dict(),
            "assumptions": list(self.assumptions),
            "warnings": list(self.warnings),
        }

    def to_frame(self) -> pd.DataFrame:
        """Scenario P&L: scenarios down, alternatives across."""
        return pd.DataFrame(
            {a.name: list(a.scenario_pnl_usd) for a in self.alternatives},
            index=pd.Index([n for n, _ in self.scenarios], name="scenario"),
        )


def _fraction(value: float, name: str, lo: float, hi: float) -> float:
    v = float(value)
    if not math.isfinite(v) or not lo <= v <= hi:
        raise InputError(
            f"{name} out of range", source=name, value=value, expected=f"{lo:g} to {hi:g}"
        )
    return v


def _option_pnl(row: ProtectionRow, units: float, s0: float, financing: float) -> PnlFn:
    kp = row.strike
    kc = row.call_strike

    def pnl(x: Float64Array) -> Float64Array:
        st = s0 * (1.0 + x)
        pay = np.maximum(kp - st, 0.0)
        if kc is not None:
            pay = pay - np.maximum(st - kc, 0.0)
        return np.asarray(
            units * pay - row.premium_usd - row.fees_usd - financing, dtype=np.float64
        )

    return pnl


def _upside_kept(
    fn: Callable[[Float64Array], Float64Array],
    stocks: Callable[[Float64Array], Float64Array],
    up: Float64Array,
) -> float | None:
    flat = np.zeros_like(up)
    gain = float(stocks(up)[0] - stocks(flat)[0])
    if gain <= 0:
        return None
    return float((fn(up)[0] - fn(flat)[0]) / gain)


def compare_alternatives(
    plan: HedgePlan,
    index_history: pd.Series,
    *,
    put_strike: StrikeSpec | float = 0.95,
    call_strike: StrikeSpec | float | None = None,
    vol: float | None = None,
    skew_per_10pct: float | None = None,
    option: OptionContract | None = None,
    option_fee_per_contract_usd: float = DEFAULT_OPTION_FEE_USD,
    sell_fraction: float | None = None,
    tax_rate: float | None = None,
    cost_basis_usd: float | None = None,
    stock_cost_bps: float = DEFAULT_STOCK_COST_BPS,
    fall_threshold: float = 0.10,
    upside_move: float = 0.10,
    history_start: dt.date = DEFAULT_HISTORY_START,
    registry: ContractRegistry | None = None,
    margin_rate_annual: float | None = None,
    margin_in_tbills: bool = False,
    history_name: str | None = None,
) -> Comparison:
    """Compare unhedged, futures, puts, a collar and selling for a plan (module notes).

    Parameters
    ----------
    plan
        The hedge plan (portfolio, beta, contracts, market inputs, scenarios, horizon).
    index_history
        Daily closes of the plan's index (e.g. ``datasets.load_sp500()["close"]``), for the
        fall probability; only closes from ``history_start`` to the plan date are used.
    put_strike
        Put strike for the puts and the collar (level or fraction of spot; default 95 %).
    call_strike
        Collar call strike; ``None`` = zero-cost.
    vol, skew_per_10pct, option
        As in :func:`hedgekit.protection.protection_for_plan` (vol default VIX/100 for the
        S&P 500, the index's realised vol otherwise; option default the one on the plan's
        index whose whole contracts come closest to the plan's ratio).
    option_fee_per_contract_usd
        Option commission and fees per contract per side.
    sell_fraction
        Share of the portfolio sold; default the futures' achieved hedge ratio (the same
        beta exposure removed; the plan's ratio when the futures buy nothing), capped at 1.
    tax_rate
        Capital-gains tax rate on the gain realised by the sale, 0..1; ``None`` = not
        given: no tax is computed, and a sale at a gain is flagged in ``warnings``.
    cost_basis_usd
        Total cost basis of the portfolio; required when ``tax_rate > 0``.
    stock_cost_bps
        Transaction cost of the sale, basis points of the amount sold.
    fall_threshold
        :math:`X` of the expected value (0.10 = a fall of 10 % or more).
    upside_move
        Rise for ``upside_kept`` (> 0).
    history_start
        First close of the historical sample.
    registry
        Contract registry of the plan.
    margin_rate_annual, margin_in_tbills
        As in :func:`hedgekit.costs.project_costs`.
    history_name
        Name of the history in the method text (default the plan's index).

    Returns
    -------
    Comparison
    """
    v = plan.portfolio_value_usd
    beta = plan.beta.beta
    m = plan.market
    s0 = m.index_level.value
    r = m.rate.value
    q = m.dividend_yield.value
    days = plan.request.horizon_days
    t = days / CALENDAR_DAYS_PER_YEAR
    h = plan.sizing.hedge_ratio_target
    if not math.isfinite(h) or h == 0:
        raise InputError(
            "the plan hedges nothing",
            source="--hedge",
            value=h,
            expected="a plan with a hedge ratio above 0 (--hedge or --target-beta), or a "
            "target beta above the portfolio's for long futures",
        )
    adds_exposure = h < 0
    tax = 0.0 if tax_rate is None else _fraction(tax_rate, "tax_rate", 0.0, 1.0)
    bps = _fraction(stock_cost_bps, "stock_cost_bps", 0.0, 10_000.0)
    u_move = _fraction(upside_move, "upside_move", 1e-9, 10.0)
    futures_ratio = float(plan.sizing.hedge_ratio_effective)
    default_sell = futures_ratio if futures_ratio > 0 else max(h, 0.0)
    s_frac = min(default_sell, 1.0) if sell_fraction is None else sell_fraction
    s_frac = _fraction(s_frac, "sell_fraction", 0.0, 1.0)
    if tax > 0 and cost_basis_usd is None:
        raise InputError(
            "a tax rate needs the portfolio's cost basis",
            source="cost_basis_usd",
            value=None,
            expected="--cost-basis-usd, or cost_basis_usd on every holdings row",
        )
    basis_usd = (
        None
        if cost_basis_usd is None
        else _fraction(cost_basis_usd, "cost_basis_usd", 0.0, math.inf)
    )

    def stocks(x: Float64Array) -> Float64Array:
        return np.asarray(capm_portfolio_value(v, beta, x, r, q, t) - v, dtype=np.float64)

    # futures
    proj = plan_costs(
        plan,
        days,
        registry=registry,
        margin_rate_annual=margin_rate_annual,
        margin_in_tbills=margin_in_tbills,
    )
    qm = sum(p.quantity * p.multiplier_usd for p in proj.positions)
    per_side = {
        p.root: plan.request.commission_usd + plan.request.slippage_ticks * p.tick_value_usd
        for p in proj.positions
    }
    opening = sum(abs(p.quantity) * per_side[p.root] for p in proj.positions)

    # at the horizon the contract then held still trades at a basis to the index that moves
    # with it, F_h = S_h e^{(r-q)tau_h} (Hull 11e §5.4): the futures gain per index move is
    # qm (S0 + basis_h) x, exactly as in the plan's scenarios
    basis_h = -proj.exit_basis_usd / qm if qm else 0.0

    def futures(x: Float64Array) -> Float64Array:
        return np.asarray(stocks(x) + qm * (s0 + basis_h) * x - proj.total_usd, dtype=np.float64)

    growth = math.expm1(r * t)

    def option_alt(row: ProtectionRow) -> PnlFn:
        units = row.contracts * opt.units_per_contract
        fn = _option_pnl(row, units, s0, row.premium_usd * growth)
        return lambda x: np.asarray(stocks(x) + fn(x), dtype=np.float64)

    # sell
    proceeds = s_frac * v
    tc = proceeds * bps / 10_000.0
    gain = 0.0 if basis_usd is None else s_frac * (v - basis_usd)
    tax_usd = tax * max(gain, 0.0)
    cash = proceeds - tc - tax_usd

    def sell(x: Float64Array) -> Float64Array:
        return np.asarray(
            (1.0 - s_frac) * stocks(x) + cash * growth - tc - tax_usd, dtype=np.float64
        )

    # history
    start = plan.as_of + dt.timedelta(days=1)
    end = plan.as_of + dt.timedelta(days=days)
    n_sessions = len(sessions(start, end))
    if n_sessions < 1:
        raise InputError(
            "no trading session within the horizon",
            source="horizon_days",
            value=days,
            expected="a horizon containing an NYSE session",
        )
    name = history_name or m.index
    fall = fall_probability(
        index_history,
        n_sessions,
        fall_threshold,
        start=history_start,
        end=plan.as_of,
        series=name,
    )
    moves = horizon_moves(index_history, n_sessions, start=history_start, end=plan.as_of)
    falls = moves[moves <= -fall.threshold]
    base = stocks(moves)
    base_falls = stocks(falls)

    scen = tuple((row.name, row.index_move) for row in plan.scenarios.tables[0].rows)
    xs = np.array([mv for _, mv in scen], dtype=np.float64)
    zero = np.zeros(1, dtype=np.float64)
    up = np.array([u_move], dtype=np.float64)

    def lowest_value(fn: PnlFn, *strikes: float | None) -> float:
        """V + min of the piecewise-linear P&L over falls: at -100 %, the strikes and 0 %."""
        kinks = [k / s0 - 1.0 for k in strikes if k is not None and 0.0 < k < s0]
        return v + float(np.min(fn(np.array([-1.0, *kinks, 0.0], dtype=np.float64))))

    def build(
        name_: str,
        description: str,
        fn: PnlFn,
        upfront: float,
        floor: float | None,
        details: dict[str, Any],
        achieved: float,
    ) -> Alternative:
        cost = float(stocks(zero)[0] - fn(zero)[0])
        value: HedgeValue | None = None
        if name_ != "unhedged":
            diff_falls = fn(falls) - base_falls if len(falls) else np.zeros(0)
            protection = float(np.mean(diff_falls)) + cost if len(falls) else 0.0
            value = HedgeValue(
                threshold=fall.threshold,
                probability=fall.probability,
                protection_usd=protection,
                cost_usd=cost,
                ev_usd=fall.probability * protection - cost,
                historical_mean_vs_unhedged_usd=float(np.mean(fn(moves) - base)),
            )
        return Alternative(
            name=name_,
            description=description,
            upfront_cash_usd=upfront,
            expected_cost_usd=cost,
            expected_cost_pct=cost / v,
            scenario_pnl_usd=tuple(float(y) for y in fn(xs)),
            downside_floor_usd=floor,
            upside_kept=_upside_kept(fn, stocks, up),
            value=value,
            details=details,
            hedge_ratio_achieved=achieved,
        )

    legs_text = ", ".join(f"{p.quantity:+d} {p.root}" for p in proj.positions) or "none"
    alts: list[Alternative] = [
        build("unhedged", "Keep the stocks, no hedge.", stocks, 0.0, None, {}, 0.0),
        build(
            "futures",
            f"{'Long' if qm > 0 else 'Short'} index futures as planned ({legs_text}), rolled "
            "on the CME calendar.",
            futures,
            proj.margin_posted_usd + opening,
            lowest_value(futures),
            {
                "positions": [p.to_dict() for p in proj.positions],
                "margin_posted_usd": proj.margin_posted_usd,
                "opening_costs_usd": opening,
                "n_rolls": proj.n_rolls,
                "carry_usd": proj.carry_usd,
                "frictions_usd": proj.frictions_usd,
                "cost_projection_total_usd": proj.total_usd,
                "basis_at_horizon_points": basis_h,
            },
            futures_ratio,
        ),
    ]

    notes: list[str] = []
    if adds_exposure:
        notes.append(
            "The plan adds market exposure (long futures, target beta above the portfolio's): "
            "puts, a collar and a sale take exposure away and are not alternatives to it, so "
            "they are left out; the futures column shows the leverage against the stocks alone."
        )
    else:
        # options, expiring at the horizon
        atm, vol_source = plan_vol(plan, vol)
        opt = choose_option(plan, (h,)) if option is None else option
        check_option_index(plan, opt)
        put_spec = put_strike if isinstance(put_strike, StrikeSpec) else StrikeSpec.pct(put_strike)
        common: dict[str, Any] = {
            "strikes": (put_spec,),
            "rate_annual": r,
            "dividend_yield": q,
            "vol": atm,
            "hedge_ratios": (h,),
            "option_days": days,
            "vol_source": vol_source,
            "skew_per_10pct": skew_per_10pct,
            "option": opt,
            "horizon_days": days,
            "fee_per_contract_usd": option_fee_per_contract_usd,
        }
        put_table = plan_protection(v, beta, s0, structures=("put",), **common)
        put_row = put_table.rows[0]
        collar_table = plan_protection(
            v, beta, s0, structures=("collar",), call_strike=call_strike, **common
        )
        collar_row = collar_table.rows[0] if collar_table.rows else None

        def option_details(row: ProtectionRow) -> dict[str, Any]:
            return {
                "option": opt.name,
                "contracts": row.contracts,
                "strike": row.strike,
                "call_strike": row.call_strike,
                "vols": list(row.vols),
                "vol_source": vol_source,
                "premium_usd": row.premium_usd,
                "fees_usd": row.fees_usd,
                "premium_financing_usd": row.premium_usd * growth,
                "effective_hedge_ratio": row.effective_hedge_ratio,
            }

        def option_floor(row: ProtectionRow) -> float | None:
            if row.contracts == 0:  # no option bought: no floor, as for the unhedged portfolio
                return None
            return lowest_value(option_alt(row), row.strike, row.call_strike)

        alts.append(
            build(
                "puts",
                f"Buy {put_row.contracts} {opt.name} puts at {put_row.strike:,.2f} "
                f"({put_row.strike_pct:.0%} of spot) expiring at the horizon.",
                option_alt(put_row),
                put_row.premium_usd + put_row.fees_usd,
                option_floor(put_row),
                option_details(put_row),
                put_row.effective_hedge_ratio,
            )
        )
        notes.extend(n for n in put_table.notes if n.startswith("Whole"))
        if put_row.contracts == 0:
            notes.append(
                f"The portfolio is too small for one {opt.name} contract at this hedge ratio: "
                "the puts and collar columns buy nothing and equal the unhedged portfolio; "
                "a smaller contract (XSP is 1/10 of SPX) can protect it."
            )
        if collar_row is not None:
            alts.append(
                build(
                    "collar",
                    f"Buy the puts, sell {collar_row.contracts} {opt.name} calls at "
                    f"{collar_row.call_strike or 0.0:,.2f}.",
                    option_alt(collar_row),
                    collar_row.premium_usd + collar_row.fees_usd,
                    option_floor(collar_row),
                    option_details(collar_row),
                    collar_row.effective_hedge_ratio,
                )
            )
        else:
            notes.extend(collar_table.notes[:1])
        alts.append(
            build(
                "sell",
                f"Sell {s_frac:.0%} of the portfolio now and hold the cash.",
                sell,
                -cash,
                lowest_value(sell),
                {
                    "sell_fraction": s_frac,
                    "proceeds_usd": proceeds,
                    "transaction_costs_usd": tc,
                    "stock_cost_bps": bps,
                    "realised_gain_usd": gain,
                    "tax_rate": tax_rate,
                    "tax_usd": tax_usd,
                    "cash_usd": cash,
                    "cost_basis_usd": basis_usd,
                },
                s_frac,
            )
        )
    options_line = (
        ""
        if adds_exposure
        else f"Options: Black–Scholes–Merton at vol {atm:.1%} ({vol_source}), expiring at the "
        f"horizon, fees ${option_fee_per_contract_usd:,.2f} per contract; premium financed at "
        "the risk-free rate."
    )
    sale_line = (
        f"Sale: {s_frac:.0%} of the portfolio, {bps:g} bp transaction costs, "
        + (
            "no tax computed (no --tax-rate given)"
            if tax_rate is None
            else f"tax {tax:.0%} on the realised gain"
            + ("" if basis_usd is not None else " (no cost basis given: no tax computed)")
        )
        + "; buying back later is not counted."
    )
    assumptions = (
        f"Horizon {days} calendar days ({n_sessions} NYSE sessions) from {plan.as_of}; index "
        f"{s0:,.2f}, rate {r:.2%}, dividend yield {q:.2%}, beta {beta:.2f}.",
        "Stocks move beta times the index plus dividends at the index yield (CAPM form of the "
        "plan's scenarios); idiosyncratic risk is not in these numbers.",
        "Futures: price P&L plus the carry and costs projected at an unchanged index "
        "(hedgekit cost).",
        *(() if adds_exposure else (options_line, sale_line)),
        "Floors: the lowest value at the horizon over every index fall (0% to -100%), stocks "
        "by CAPM with dividends and interest (as the scenarios and hedgekit puts), costs "
        "included; a floor above today's value means no fall loses money in this model.",
        f"Fall probability: {fall.method}.",
        *notes,
    )
    warnings: list[str] = []
    if tax_rate is None and s_frac > 0 and gain > 0:
        warnings.append(
            f"The sale realises a gain of ${gain:,.0f} (cost basis below value) and no tax is "
            "counted: give --tax-rate (e.g. 0.20) to price the capital-gains tax."
        )
    return Comparison(
        as_of=plan.as_of,
        horizon_days=days,
        horizon_sessions=n_sessions,
        portfolio_value_usd=v,
        beta=beta,
        index=m.index,
        index_level=s0,
        rate_annual=r,
        dividend_yield=q,
        scenarios=scen,
        upside_move=u_move,
        alternatives=tuple(alts),
        fall=fall,
        assumptions=assumptions,
        warnings=tuple(warnings),
    )


def cost_basis_total(basis_by_position: list[float | None]) -> float | None:
    """Total cost basis when every position has one, else ``None``."""
    if not basis_by_position or any(b is None for b in basis_by_position):
        return None
    return float(sum(b for b in basis_by_position if b is not None))
