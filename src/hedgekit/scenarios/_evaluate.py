r"""Scenario P&L of a hedged equity portfolio: stocks, futures, costs.

For a scenario moving the index price by :math:`x` over a horizon of :math:`T` years
(``horizon_days / days_per_year``), with index level :math:`S_0`, risk-free rate :math:`r`
and index dividend yield :math:`q` (both per year, continuously compounded in the carry):

Portfolio (stocks), two models:

* ``"capm"`` (default; Hull, *Options, Futures and Other Derivatives*, 11th ed., §3.5 and
  Table 3.4): the portfolio's expected return given the market's total return
  :math:`x + qT` is :math:`rT + \beta\,(x + qT - rT)`, so

  .. math:: \Pi_{\text{stocks}} = V\,[\beta\,(x + qT) + (1-\beta)\,rT].

  This is the model under which a full hedge earns the risk-free rate.
* ``"beta"``: :math:`\Pi_{\text{stocks}} = V\,(\beta x + qT)`: the index move scaled by beta,
  plus dividends at the index's yield; no risk-free term. Simpler, and what many investors
  have in mind; it assumes the portfolio yields what the index yields.

Both are *expected* outcomes given the index move: idiosyncratic (non-beta) risk is not in the
table. Dividends and interest are simple (:math:`qT`, :math:`rT`) over the horizon.

Futures. Each leg :math:`i` (quantity :math:`q_i`, negative short; multiplier :math:`m_i`;
price now :math:`F_{i,0}`) is valued at the horizon at fair value from carry
(Hull 11e §5.4, eq. 5.3 with a dividend yield),

.. math::

    F_T = S_T\,e^{(r-q)(\tau - T)} \text{ if } \tau > T, \qquad F_T = S_T \text{ otherwise},

with :math:`S_T = S_0(1+x)` and :math:`\tau` the time to the contract's expiry. A contract that
expires before the horizon is cash-settled at the index (the scenario's level is used as the
settlement level; no roll is modelled). Futures P&L is :math:`\sum_i q_i m_i (F_T - F_{i,0})`;
its part due to the basis narrowing, :math:`\sum_i q_i m_i [(F_T - S_T) - (F_{i,0} - S_0)]`,
is reported separately as ``futures_basis_pnl_usd`` but is *inside* the futures P&L.
Daily settlement is ignored: gains and losses are summed at the horizon (no interest on
variation margin).

Carry and costs, all :math:`\le 0`:

* trading costs, a round trip (open now, close or settle at the horizon):
  :math:`-2\sum_i |q_i|\,c_i` with :math:`c_i` the commission + slippage per contract per side;
* optional margin opportunity cost: cash posted as initial margin forgoes interest,
  :math:`-\sum_i |q_i|\,M_i\,(e^{r_m T} - 1)` (off by default; zero if the broker accepts
  T-bills): continuous compounding, as ``hedgekit cost`` books it, so the scenario and the
  cost ledger give the same figure.

Net P&L is stocks + futures + carry and costs. Versus the unhedged portfolio
:math:`U = \Pi_{\text{stocks}}`: for a fall (:math:`x<0`, :math:`U<0`), the share of the loss
protected is :math:`(\Pi_{\text{net}} - U)/(-U)`; for a rise (:math:`x>0`, :math:`U>0`) the
share of the gain given up is :math:`(U - \Pi_{\text{net}})/U`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from hedgekit._constants import CALENDAR_DAYS_PER_YEAR
from hedgekit.errors import InputError
from hedgekit.scenarios._specs import Scenario, default_scenarios
from hedgekit.sizing import HedgeFraction, HedgeSizing, HedgeTarget, Leg, as_target
from hedgekit.sizing._checks import check_finite, check_non_negative, check_positive

__all__ = [
    "DEFAULT_HORIZON_DAYS",
    "ReturnModel",
    "ScenarioComparison",
    "ScenarioRow",
    "ScenarioTable",
    "compare_hedges",
    "evaluate_scenarios",
    "hedge_alternatives",
]

ReturnModel = Literal["capm", "beta"]

#: Default horizon of a scenario, calendar days (about one month).
DEFAULT_HORIZON_DAYS = 30


@dataclass(frozen=True, slots=True)
class ScenarioRow:
    r"""One scenario's P&L, USD (positive = gain).

    Attributes
    ----------
    name, index_move, horizon_days
        The scenario.
    index_level_end, futures_price_end
        :math:`S_T` and :math:`F_T` (``futures_price_end`` is ``None`` without legs).
    portfolio_pnl_usd
        Stocks, dividends included (model in the module docstring).
    futures_pnl_usd
        :math:`\sum_i q_i m_i (F_T - F_{i,0})`, basis convergence included.
    futures_basis_pnl_usd
        The part of ``futures_pnl_usd`` due to the basis change (not added again).
    trading_costs_usd
        Round-trip commissions and slippage (<= 0).
    margin_interest_usd
        Interest forgone on the initial margin (<= 0).
    carry_and_costs_usd
        ``trading_costs_usd + margin_interest_usd``.
    net_pnl_usd
        ``portfolio_pnl_usd + futures_pnl_usd + carry_and_costs_usd``.
    net_return
        ``net_pnl_usd / portfolio_value``.
    pct_of_loss_protected
        For a fall with an unhedged loss: share of that loss offset (1.0 = all); else ``None``.
    pct_of_gain_given_up
        For a rise with an unhedged gain: share of that gain given up; else ``None``.
    """

    name: str
    index_move: float
    horizon_days: int
    index_level_end: float
    futures_price_end: float | None
    portfolio_pnl_usd: float
    futures_pnl_usd: float
    futures_basis_pnl_usd: float
    trading_costs_usd: float
    margin_interest_usd: float
    carry_and_costs_usd: float
    net_pnl_usd: float
    net_return: float
    pct_of_loss_protected: float | None
    pct_of_gain_given_up: float | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary."""
        return {
            "name": self.name,
            "index_move": self.index_move,
            "horizon_days": self.horizon_days,
            "index_level_end": self.index_level_end,
            "futures_price_end": self.futures_price_end,
            "portfolio_pnl_usd": self.portfolio_pnl_usd,
            "futures_pnl_usd": self.futures_pnl_usd,
            "futures_basis_pnl_usd": self.futures_basis_pnl_usd,
            "trading_costs_usd": self.trading_costs_usd,
            "margin_interest_usd": self.margin_interest_usd,
            "carry_and_costs_usd": self.carry_and_costs_usd,
            "net_pnl_usd": self.net_pnl_usd,
            "net_return": self.net_return,
            "pct_of_loss_protected": self.pct_of_loss_protected,
            "pct_of_gain_given_up": self.pct_of_gain_given_up,
        }


@dataclass(frozen=True, slots=True)
class ScenarioTable:
    """Scenario P&L of one hedge (or of no hedge).

    Attributes
    ----------
    label
        Name of the hedge ("chosen", "unhedged", "50% hedge").
    portfolio_value_usd, beta, index_level
        The portfolio and the index level now.
    legs
        Futures held (empty = unhedged).
    rate_annual, dividend_yield, days_to_expiry, return_model, days_per_year
        Assumptions used.
    rows
        One :class:`ScenarioRow` per scenario, in the order given.
    """

    label: str
    portfolio_value_usd: float
    beta: float
    index_level: float
    legs: tuple[Leg, ...]
    rate_annual: float
    dividend_yield: float
    days_to_expiry: float | None
    return_model: ReturnModel
    days_per_year: float
    rows: tuple[ScenarioRow, ...]

    def row(self, name: str) -> ScenarioRow:
        """The row of scenario ``name``."""
        for r in self.rows:
            if r.name == name:
                return r
        raise InputError(
            "no such scenario",
            source="name",
            value=name,
            expected="one of " + ", ".join(repr(r.name) for r in self.rows),
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary; ``rows`` is the list of scenario rows."""
        return {
            "label": self.label,
            "portfolio_value_usd": self.portfolio_value_usd,
            "beta": self.beta,
            "index_level": self.index_level,
            "contracts": [leg.to_dict() for leg in self.legs],
            "rate_annual": self.rate_annual,
            "dividend_yield": self.dividend_yield,
            "days_to_expiry": self.days_to_expiry,
            "return_model": self.return_model,
            "days_per_year": self.days_per_year,
            "rows": [r.to_dict() for r in self.rows],
        }

    def to_frame(self) -> pd.DataFrame:
        """Rows as a DataFrame indexed by scenario name."""
        return pd.DataFrame([r.to_dict() for r in self.rows]).set_index("name")


@dataclass(frozen=True, slots=True)
class ScenarioComparison:
    """Several hedges over the same scenarios, side by side.

    Attributes
    ----------
    tables
        One :class:`ScenarioTable` per hedge, in order (unhedged first when added).
    """

    tables: tuple[ScenarioTable, ...]

    def table(self, label: str) -> ScenarioTable:
        """The table of hedge ``label``."""
        for t in self.tables:
            if t.label == label:
                return t
        raise InputError(
            "no such hedge",
            source="label",
            value=label,
            expected="one of " + ", ".join(repr(t.label) for t in self.tables),
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary: ``{"hedges": [table, ...]}``."""
        return {"hedges": [t.to_dict() for t in self.tables]}

    def to_frame(self) -> pd.DataFrame:
        """Long DataFrame: one row per (hedge, scenario), with a ``hedge`` column."""
        frames = [t.to_frame().reset_index().assign(hedge=t.label) for t in self.tables]
        return pd.concat(frames, ignore_index=True)

    def net_pnl_frame(self) -> pd.DataFrame:
        """Wide DataFrame of net P&L: scenarios down, hedges across."""
        return pd.DataFrame(
            {t.label: [r.net_pnl_usd for r in t.rows] for t in self.tables},
            index=pd.Index([r.name for r in self.tables[0].rows], name="scenario"),
        )


def evaluate_scenarios(
    portfolio_value_usd: float,
    beta: float,
    legs: HedgeSizing | Sequence[Leg],
    index_level: float,
    scenarios: Sequence[Scenario] | None = None,
    *,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
    days_to_expiry: float | None = None,
    rate_annual: float = 0.0,
    dividend_yield: float = 0.0,
    cost_per_contract_side_usd: float | Mapping[str, float] = 0.0,
    margin_usd_per_contract: float | Mapping[str, float] = 0.0,
    margin_rate_annual: float | None = None,
    return_model: ReturnModel = "capm",
    days_per_year: float = CALENDAR_DAYS_PER_YEAR,
    label: str = "hedge",
) -> ScenarioTable:
    r"""P&L of portfolio plus futures under each scenario (formulas in the module docstring).

    Parameters
    ----------
    portfolio_value_usd
        Portfolio value :math:`V`, > 0.
    beta
        Portfolio beta against the index (finite).
    legs
        Whole contracts held (a :class:`~hedgekit.sizing.HedgeSizing` or its legs); empty =
        unhedged.
    index_level
        Index level now, :math:`S_0` > 0.
    scenarios
        Scenarios to run; default :func:`~hedgekit.scenarios.default_scenarios`.
    horizon_days
        Calendar days to the horizon for scenarios that do not set their own (>= 0).
    days_to_expiry
        Calendar days from now to the futures' expiry (>= 0); required when any leg is held.
    rate_annual, dividend_yield
        :math:`r` and the index's :math:`q`, per year.
    cost_per_contract_side_usd
        Commission + slippage per contract per side, USD (>= 0), one figure or by root.
    margin_usd_per_contract
        Initial margin per contract for the opportunity cost, one figure or by root (default 0:
        no margin cost).
    margin_rate_annual
        Rate the margin cash would otherwise earn; default ``rate_annual``.
    return_model
        ``"capm"`` (default, Hull 11e Table 3.4) or ``"beta"``.
    days_per_year
        Day count for :math:`T` and :math:`\tau` (default 365).
    label
        Name of this hedge in comparisons.

    Returns
    -------
    ScenarioTable

    Raises
    ------
    InputError
        Bad numbers, unknown model, a leg without a cost/margin figure in a by-root mapping,
        or legs without ``days_to_expiry``.

    Examples
    --------
    Hull 11e Table 3.4 (index 1,000 → 900 over 3 months; short 30 contracts at 1,010 of $250
    expiring in 4 months; r = 4 %, q = 1 %, beta 1.5, $5,050,000): stocks lose
    :math:`5{,}050{,}000 \times [1.5(-0.10+0.0025) + (1-1.5)\,0.01] = -763{,}812.50`; the futures
    end at :math:`900\,e^{0.03/12} = 902.25` and gain :math:`30 \times 250 \times 107.75`.
    """
    value = check_positive(portfolio_value_usd, "portfolio_value_usd")
    b = check_finite(beta, "beta")
    s0 = check_positive(index_level, "index_level")
    r = check_finite(rate_annual, "rate_annual")
    q = check_finite(dividend_yield, "dividend_yield")
    dpy = check_positive(days_per_year, "days_per_year")
    if return_model not in ("capm", "beta"):
        raise InputError(
            "unknown return model",
            source="return_model",
            value=return_model,
            expected="'capm' or 'beta'",
        )
    default_h = _check_days(horizon_days, "horizon_days")
    r_margin = (
        r if margin_rate_annual is None else check_finite(margin_rate_annual, "margin_rate_annual")
    )
    leg_list = legs.legs if isinstance(legs, HedgeSizing) else tuple(legs)
    for leg in leg_list:
        if not isinstance(leg, Leg):
            raise InputError(
                "legs must be hedgekit.sizing.Leg objects",
                source="legs",
                value=type(leg).__name__,
                expected="Leg (e.g. Leg.of('ES', -4, 50.0, 4500.0))",
            )
    held = [leg for leg in leg_list if leg.quantity != 0]
    tau: float | None = None
    if days_to_expiry is not None:
        tau = check_non_negative(days_to_expiry, "days_to_expiry") / dpy
    elif held:
        raise InputError(
            "days to the futures' expiry are needed to price them at the horizon",
            source="days_to_expiry",
            value=None,
            expected="calendar days from now to expiry (>= 0)",
        )
    costs = {
        leg.root: _per_root(cost_per_contract_side_usd, leg.root, "cost_per_contract_side_usd")
        for leg in held
    }
    margins = {
        leg.root: _per_root(margin_usd_per_contract, leg.root, "margin_usd_per_contract")
        for leg in held
    }
    gross = sum(abs(leg.quantity) * costs[leg.root] for leg in held)
    margin_posted = sum(abs(leg.quantity) * margins[leg.root] for leg in held)
    source = default_scenarios() if scenarios is None else tuple(scenarios)
    if not source:
        raise InputError(
            "no scenarios given", source="scenarios", value=[], expected="at least one Scenario"
        )

    rows: list[ScenarioRow] = []
    for sc in source:
        if not isinstance(sc, Scenario):
            raise InputError(
                "scenarios must be Scenario objects",
                source="scenarios",
                value=type(sc).__name__,
                expected="hedgekit.scenarios.Scenario",
            )
        days = default_h if sc.horizon_days is None else sc.horizon_days
        t = days / dpy
        x = sc.index_move
        s_t = s0 * (1.0 + x)
        if return_model == "capm":
            stocks = value * (b * (x + q * t) + (1.0 - b) * r * t)
        else:
            stocks = value * (b * x + q * t)
        f_t: float | None = None
        fut = 0.0
        basis = 0.0
        if held:
            assert tau is not None
            f_t = s_t * math.exp((r - q) * (tau - t)) if tau > t else s_t
            for leg in held:
                usd_per_point = leg.quantity * leg.multiplier_usd
                fut += usd_per_point * (f_t - leg.price)
                basis += usd_per_point * ((f_t - s_t) - (leg.price - s0))
        trading = -2.0 * gross
        margin_cost = -margin_posted * math.expm1(r_margin * t)
        carry = trading + margin_cost
        net = stocks + fut + carry
        protected = (net - stocks) / (-stocks) if x < 0 and stocks < 0 else None
        given_up = (stocks - net) / stocks if x > 0 and stocks > 0 else None
        rows.append(
            ScenarioRow(
                name=sc.name,
                index_move=x,
                horizon_days=days,
                index_level_end=s_t,
                futures_price_end=f_t,
                portfolio_pnl_usd=stocks,
                futures_pnl_usd=fut,
                futures_basis_pnl_usd=basis,
                trading_costs_usd=trading,
                margin_interest_usd=margin_cost,
                carry_and_costs_usd=carry,
                net_pnl_usd=net,
                net_return=net / value,
                pct_of_loss_protected=protected,
                pct_of_gain_given_up=given_up,
            )
        )
    return ScenarioTable(
        label=label,
        portfolio_value_usd=value,
        beta=b,
        index_level=s0,
        legs=tuple(leg_list),
        rate_annual=r,
        dividend_yield=q,
        days_to_expiry=None if days_to_expiry is None else float(days_to_expiry),
        return_model=return_model,
        days_per_year=dpy,
        rows=tuple(rows),
    )


def compare_hedges(
    portfolio_value_usd: float,
    beta: float,
    hedges: Mapping[str, HedgeSizing | Sequence[Leg]],
    index_level: float,
    scenarios: Sequence[Scenario] | None = None,
    *,
    include_unhedged: bool = True,
    **assumptions: Any,
) -> ScenarioComparison:
    """Evaluate several hedges over the same scenarios and assumptions.

    Parameters
    ----------
    portfolio_value_usd, beta, index_level, scenarios
        As for :func:`evaluate_scenarios`.
    hedges
        Label -> hedge, e.g. ``hedge_alternatives(...)`` or
        ``{"chosen": sizing, "50% hedge": half}``.
    include_unhedged
        Put an ``"unhedged"`` table (no futures) first.
    **assumptions
        Keyword arguments of :func:`evaluate_scenarios` (``horizon_days``,
        ``days_to_expiry``, ``rate_annual``, costs, ...), shared by every hedge.

    Returns
    -------
    ScenarioComparison
    """
    if "label" in assumptions:
        raise InputError(
            "labels come from the keys of `hedges`",
            source="label",
            value=assumptions["label"],
            expected="no `label` keyword",
        )
    items: list[tuple[str, HedgeSizing | Sequence[Leg]]] = []
    if include_unhedged:
        if "unhedged" in hedges:
            raise InputError(
                "'unhedged' is added automatically",
                source="hedges",
                value="unhedged",
                expected="another label, or include_unhedged=False",
            )
        items.append(("unhedged", ()))
    items.extend(hedges.items())
    if not items:
        raise InputError(
            "no hedges to compare", source="hedges", value={}, expected="at least one hedge"
        )
    tables = tuple(
        evaluate_scenarios(
            portfolio_value_usd, beta, legs, index_level, scenarios, label=name, **assumptions
        )
        for name, legs in items
    )
    return ScenarioComparison(tables=tables)


def hedge_alternatives(
    size: Callable[[HedgeTarget], HedgeSizing],
    chosen: HedgeTarget | float,
    *,
    fractions: Sequence[float] = (0.5,),
) -> dict[str, HedgeSizing]:
    """Size the chosen hedge and reference hedges (default a 50 % hedge) the same way.

    Parameters
    ----------
    size
        Sizing function of the target only, e.g.
        ``functools.partial(size_hedge, value_usd, beta, futures_price, contract, micro=mes)``.
    chosen
        The chosen target (a bare number is a hedge fraction).
    fractions
        Reference hedge fractions, labelled ``"50% hedge"`` etc.

    Returns
    -------
    dict
        ``{"chosen": ..., "50% hedge": ...}``, ready for :func:`compare_hedges`.
    """
    out: dict[str, HedgeSizing] = {"chosen": size(as_target(chosen))}
    for h in fractions:
        target = HedgeFraction(h)
        out[f"{target.h * 100:g}% hedge"] = size(target)
    return out


def _per_root(spec: float | Mapping[str, float], root: str, name: str) -> float:
    if isinstance(spec, Mapping):
        if root not in spec:
            raise InputError(
                f"no figure for contract {root}",
                source=name,
                value=sorted(spec),
                expected=f"a value for every contract held, including {root!r}",
            )
        return check_non_negative(spec[root], f"{name}[{root!r}]")
    return check_non_negative(spec, name)


def _check_days(days: object, name: str) -> int:
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise InputError(
            "horizon must be a whole number of calendar days >= 0",
            source=name,
            value=days,
            expected="an int >= 0",
        )
    return days
