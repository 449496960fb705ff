"""The hedge planner: measure, size, margin, scenarios and warnings in one call."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from hedgekit._constants import CALENDAR_DAYS_PER_YEAR
from hedgekit.advice import Advice, PlanFacts, Severity, evaluate
from hedgekit.calendar import (
    CmeRollRule,
    ContractCode,
    contract_schedule,
    held_contract,
    last_trading_day,
)
from hedgekit.contracts import ContractRegistry, ContractSpec, default_registry
from hedgekit.data import Holdings, prices_for
from hedgekit.errors import HedgekitError, InputError
from hedgekit.estimation import (
    BetaResult,
    IndexFitTable,
    JointHedgeVerdict,
    MinVarianceResult,
    assess_joint_hedge,
    blume_adjust,
    compare_indices,
    futures_returns_excluding_rolls,
    holdings_beta,
    manual_beta,
    min_variance_hedge_ratio,
    ols_beta,
    returns_from_prices,
    vasicek_shrink,
)
from hedgekit.margin import MarginSummary, margin_requirements
from hedgekit.plan._request import PlanRequest
from hedgekit.portfolio import PortfolioSnapshot, portfolio_values, value_holdings
from hedgekit.position import HedgePosition
from hedgekit.pricing import calendar_spread
from hedgekit.scenarios import Scenario, ScenarioComparison, compare_hedges
from hedgekit.sizing import HedgeFraction, HedgeSizing, Leg, TargetBeta, size_hedge, tail_factor
from hedgekit.snapshot import (
    FUTURES_SERIES,
    INDEX_KEYS,
    INDEX_NAMES,
    MarketInputs,
    MarketOverrides,
    index_closes,
    margin_scale,
    resolve_as_of,
    resolve_market,
)
from hedgekit.snapshot import margin_on as snapshot_margin_on

#: Prior of the Vasicek shrinkage: mean 1 (the market) and a cross-sectional standard
#: deviation of 0.5, about the dispersion of US large-cap betas (Vasicek 1973 uses the
#: cross-section of betas as the prior).
VASICEK_PRIOR_SD = 0.5
#: Calendar days of price history fetched per return wanted (sessions are ~252 of 365 days),
#: with a margin for holidays.
_CAL_DAYS_PER_DAILY_RETURN = 1.5
_CAL_DAYS_PER_WEEKLY_RETURN = 7.5


@dataclass(frozen=True, slots=True)
class HoldingBeta:
    r"""One holding's share of the hedge (the beta-weighted view of each position).

    Attributes
    ----------
    ticker
        The holding.
    value_usd
        Its value :math:`V_i` (negative for a short).
    beta
        Its beta against the plan's index, same window, frequency and adjustment as the
        plan's beta (OLS per stock for the ``ols``, ``holdings`` and manual methods); ``None``
        when its history is too short.
    method
        How ``beta`` was obtained.
    beta_dollars_usd
        :math:`\beta_i V_i`: its USD change for a 1.00 index move (Hull 11e §3.5).
    hedge_share
        :math:`\beta_i V_i / \sum_j \beta_j V_j`: the part of the hedge it accounts for
        (negative for a position that offsets others, e.g. a short).
    """

    ticker: str
    value_usd: float
    beta: float | None
    method: str
    beta_dollars_usd: float | None
    hedge_share: float | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form."""
        return {
            "beta": self.beta,
            "beta_method": self.method,
            "beta_dollars_usd": self.beta_dollars_usd,
            "hedge_share": self.hedge_share,
        }


@dataclass(frozen=True, slots=True)
class HedgePlan:
    """Everything the planner found, immutable; :meth:`to_dict` is the JSON document.

    Attributes
    ----------
    request
        The options the plan was made with.
    as_of
        Plan date.
    portfolio_value_usd
        Value of the stock portfolio.
    snapshot
        Holdings valued at the as-of date (``None`` for a value/beta portfolio).
    beta
        The beta used for sizing, with how it was obtained.
    index_fits
        Single-index regressions of the holdings on each bundled index (best first).
    joint
        Whether a joint hedge across indices is materially better.
    joint_legs
        When it is: the whole contracts of that joint hedge (E-mini + Micro per index; a
        negative index beta means a long position), for the same hedge fraction. Shown next
        to the single-index hedge, which the plan still recommends for its simplicity.
    min_variance
        Minimum-variance hedge ratio on returns of the futures contract.
    contract
        The main hedge contract; ``micro`` its Micro when mixing.
    market
        Market inputs with dates and sources.
    sizing, margin, scenarios, advice
        The hedge, its margin, the scenario tables and the warnings.
    notes
        Choices and caveats, in plain words.
    target_position
        The position the plan recommends holding (the sizing's legs, in the contract month
        held at the plan date).
    existing_hedge
        Futures already held (the holdings file's futures rows), months resolved to the
        contract held at the plan date; ``None`` when none.
    trade
        What to trade: ``target_position`` minus ``existing_hedge`` per contract month
        (legs held but not in the target are closed).
    holding_betas
        Per holding: beta, beta-dollars and share of the hedge (empty without holdings).
    """

    request: PlanRequest
    as_of: dt.date
    portfolio_value_usd: float
    snapshot: PortfolioSnapshot | None
    beta: BetaResult
    index_fits: IndexFitTable | None
    joint: JointHedgeVerdict | None
    joint_legs: tuple[Leg, ...]
    min_variance: MinVarianceResult | None
    contract: ContractSpec
    micro: ContractSpec | None
    contract_choice_reason: str
    market: MarketInputs
    sizing: HedgeSizing
    margin: MarginSummary
    scenarios: ScenarioComparison
    advice: tuple[Advice, ...]
    notes: tuple[str, ...]
    target_position: HedgePosition | None = None
    existing_hedge: HedgePosition | None = None
    trade: HedgePosition | None = None
    holding_betas: tuple[HoldingBeta, ...] = ()

    def holdings_dict(self) -> dict[str, Any] | None:
        """``holdings`` of the JSON: the valuation, each position with its beta view."""
        if self.snapshot is None:
            return None
        out = self.snapshot.to_dict()
        views = {h.ticker: h for h in self.holding_betas}
        for row in out["positions"]:
            view = views.get(row["ticker"])
            row.update(
                view.to_dict()
                if view is not None
                else HoldingBeta(row["ticker"], row["value_usd"], None, "", None, None).to_dict()
            )
        known = [h.beta_dollars_usd for h in self.holding_betas if h.beta_dollars_usd is not None]
        out["beta_dollars_usd"] = sum(known) if known else None
        return out

    def user_margin(self) -> dict[str, Any]:
        """The user's ``--cash-buffer`` and ``--net-worth`` against this hedge's margin.

        The cash as a multiple of the initial margin and the futures move that would bring
        it to a call, :math:`(C - M)/|E|` (as in the buffer table), and the initial margin as
        a share of net worth; ``None`` values where not given.
        """
        g = self.margin
        cash = self.request.cash_buffer_usd
        worth = self.request.net_worth_usd
        move: float | None = None
        if cash is not None and g.exposure_usd != 0:
            move = (cash - g.maintenance_usd) / abs(g.exposure_usd)
        return {
            "cash_buffer_usd": cash,
            "cash_buffer_multiple": (
                None if cash is None or g.initial_usd == 0 else cash / g.initial_usd
            ),
            "move_to_call": move,
            "move_direction": None
            if g.exposure_usd == 0
            else ("rise" if g.exposure_usd < 0 else "fall"),
            "net_worth_usd": worth,
            "margin_share_of_net_worth": None if worth is None else g.initial_usd / worth,
        }

    def saved_position(self) -> HedgePosition:
        """The recommended position as ``--save-position`` writes it.

        Legs with their contract month and entry price, the plan date, and the portfolio
        (value, beta, index).
        """
        position = HedgePosition.from_sizing(
            self.sizing,
            self.market.contract,
            self.as_of,
            index=self.market.index,
            with_prices=True,
            source=f"plan {self.as_of}",
        )
        # an entry price to the cent (a carry fair value has more digits than any quote)
        legs = tuple(
            dataclasses.replace(
                leg, entry_price=None if leg.entry_price is None else round(leg.entry_price, 2)
            )
            for leg in position.legs
        )
        return dataclasses.replace(position, legs=legs)

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON schema of ``hedgekit plan --json`` (see the README)."""
        chosen = self.scenarios.table("hedge")
        return {
            "as_of": self.as_of.isoformat(),
            "portfolio_value_usd": self.portfolio_value_usd,
            "beta": self.beta.beta,
            "beta_detail": self.beta.to_dict(),
            "contract": self.contract.root,
            "contract_choice_reason": self.contract_choice_reason,
            "contracts": [leg.to_dict() for leg in self.sizing.legs],
            "exact_contracts": self.sizing.exact_contracts,
            "hedge_ratio_target": self.sizing.hedge_ratio_target,
            "hedge_ratio_effective": self.sizing.hedge_ratio_effective,
            "notional_usd": self.sizing.notional_usd,
            "residual_beta_dollars_usd": self.sizing.residual_beta_dollars_usd,
            "effective_beta": self.sizing.effective_beta,
            "margin_initial_usd": self.margin.initial_usd,
            "margin_maintenance_usd": self.margin.maintenance_usd,
            "margin": self.margin.to_dict(),
            "margin_yours": self.user_margin(),
            "market": self.market.to_dict(),
            "sizing": self.sizing.to_dict(),
            "scenarios": [row.to_dict() for row in chosen.rows],
            "scenario_comparison": self.scenarios.to_dict(),
            "index_fits": None if self.index_fits is None else self.index_fits.to_dict(),
            "joint_hedge": (
                None if self.joint is None else _joint_dict(self.joint, self.joint_legs)
            ),
            "min_variance": None if self.min_variance is None else self.min_variance.to_dict(),
            "holdings": self.holdings_dict(),
            "existing_hedge": (
                None if self.existing_hedge is None else self.existing_hedge.to_dict()["data"]
            ),
            "trade": None if self.trade is None else self.trade.to_dict()["data"],
            "position": self.saved_position().to_dict(),
            "warnings": [a.to_dict() for a in self.advice],
            "notes": list(self.notes),
            "request": self.request.to_dict(),
        }


def _joint_dict(j: JointHedgeVerdict, legs: tuple[Leg, ...]) -> dict[str, Any]:
    return {
        "contracts": [leg.to_dict() for leg in legs],
        "materially_better": j.materially_better,
        "best_single": j.best_single,
        "single_adj_r_squared": j.single_adj_r_squared,
        "joint_adj_r_squared": j.joint_adj_r_squared,
        "single_tracking_error_annual": j.single_tracking_error_annual,
        "joint_tracking_error_annual": j.joint_tracking_error_annual,
        "indices": list(j.joint.index_names),
        "joint_betas": list(j.joint.betas),
        "reason": j.reason,
    }


def _as_date(value: Any) -> dt.date:
    return pd.Timestamp(value).date()


def _overrides(request: PlanRequest) -> MarketOverrides:
    return MarketOverrides(
        index_level=request.index_level,
        futures_price=request.futures_price,
        rate_annual=request.rate_annual,
        dividend_yield=request.dividend_yield,
    )


def _requested_date(request: PlanRequest, position: HedgePosition | None) -> dt.date | None:
    """``--as-of``, else the date of a position given (the plan that made it)."""
    if request.as_of is not None or position is None:
        return request.as_of
    return position.as_of


def _given_quantities(
    position: HedgePosition, request: PlanRequest, registry: ContractRegistry
) -> tuple[ContractSpec, ContractSpec | None, dict[str, int]]:
    """The main contract, the Micro and ``{root: quantity}`` of a position to evaluate."""
    position.validate(registry)
    if not position.legs:
        raise InputError(
            "the position has no contracts", source=position.source, expected="at least one leg"
        )
    exposures = position.by_index(registry)
    if len(exposures) != 1:
        raise InputError(
            "a position to evaluate must be on one index",
            source=position.source,
            value=[e.index for e in exposures],
            expected="legs on one index (ES and MES, or NQ and MNQ, ...)",
        )
    main = registry.get(exposures[0].main_root)
    if request.contract.lower() != "auto" and registry.get(request.contract).index != main.index:
        raise InputError(
            f"--contract {request.contract} is not on the index of the position",
            source="--contract",
            value=request.contract,
            expected=f"a contract on {main.index} ({main.root}), or no --contract",
        )
    quantities: dict[str, int] = {}
    for leg in position.legs:
        quantities[leg.root] = quantities.get(leg.root, 0) + leg.quantity
    micro_roots = [r for r in quantities if r != main.root]
    micro = registry.get(micro_roots[0]) if micro_roots else None
    return main, micro, quantities


def _check_position_months(
    position: HedgePosition, market: MarketInputs, registry: ContractRegistry
) -> None:
    """A leg's month, when given, must be the contract the hedge is in at the date."""
    for leg in position.legs:
        if leg.contract is None:
            continue
        want = ContractCode(leg.root, market.contract.year, market.contract.month)
        if leg.contract != want:
            raise InputError(
                f"the position holds {leg.contract}, but on {market.as_of} the {leg.root} hedge "
                f"is in {want}",
                source=position.source,
                value=str(leg.contract),
                expected=f"{want}, a leg without a month ({leg.root}:{leg.quantity}), or the "
                "--as-of of the position's plan",
            )


def _date_indices(
    request: PlanRequest, registry: ContractRegistry, position: HedgePosition | None = None
) -> tuple[str, ...]:
    """Indices whose inputs the plan date needs: the contract's, or all for ``auto``."""
    if position is not None and position.legs:
        return tuple(e.index for e in position.by_index(registry))
    if request.contract.lower() != "auto":
        return (registry.get(request.contract).index,)
    return INDEX_KEYS


def _main_contract(registry: ContractRegistry, index: str) -> ContractSpec:
    specs = [s for s in registry.for_index(index) if not s.is_micro]
    if not specs:
        raise InputError(
            f"no contract on index {index} in the registry",
            source="contract",
            value="auto",
            expected="a contract root",
        )
    return specs[0]


def _history_start(as_of: dt.date, request: PlanRequest) -> dt.date:
    per = (
        _CAL_DAYS_PER_DAILY_RETURN if request.frequency == "daily" else _CAL_DAYS_PER_WEEKLY_RETURN
    )
    return as_of - dt.timedelta(days=math.ceil(request.window * per) + 30)


def _candidate_returns(
    as_of: dt.date, start: dt.date, request: PlanRequest, notes: list[str]
) -> dict[str, pd.Series]:
    out: dict[str, pd.Series] = {}
    for key in INDEX_KEYS:
        closes = index_closes(key)
        if closes.index[-1] < pd.Timestamp(as_of):
            notes.append(
                f"{INDEX_NAMES[key]} left out of the index comparison: the bundled history "
                f"ends {closes.index[-1].date().isoformat()}, before the plan date."
            )
            continue
        window = closes.loc[pd.Timestamp(start) : pd.Timestamp(as_of)]
        out[key] = returns_from_prices(window, request.frequency).rename(key)
    return out


def _estimate_beta(
    request: PlanRequest,
    holdings: Holdings,
    prices: pd.DataFrame,
    port_returns: pd.Series,
    index_returns: pd.Series,
    index: str,
    as_of: dt.date,
    snapshot: PortfolioSnapshot,
) -> BetaResult:
    common = {
        "end": as_of,
        "window": request.window,
        "frequency": request.frequency,
        "index_name": index,
    }
    if request.beta_method == "holdings":
        start = _history_start(as_of, request)
        betas: dict[str, BetaResult] = {}
        for ticker in holdings.tickers:
            stock = prices[ticker].loc[pd.Timestamp(start) : pd.Timestamp(as_of)]
            r = returns_from_prices(stock.dropna(), request.frequency)
            betas[ticker] = ols_beta(r, index_returns, **common)  # type: ignore[arg-type]
        return holdings_beta(dict(snapshot.weights), betas, index_name=index)
    raw = ols_beta(port_returns, index_returns, **common)  # type: ignore[arg-type]
    if request.beta_method == "blume":
        return blume_adjust(raw)
    if request.beta_method == "vasicek":
        return vasicek_shrink(raw, prior_mean=1.0, prior_sd=VASICEK_PRIOR_SD)
    return raw


def _holding_betas(
    request: PlanRequest,
    holdings: Holdings,
    prices: pd.DataFrame,
    index_returns: pd.Series,
    index: str,
    as_of: dt.date,
    snapshot: PortfolioSnapshot,
    notes: list[str],
) -> tuple[HoldingBeta, ...]:
    r"""Each holding's beta, beta-dollars :math:`\beta_i V_i` and share of the total.

    Betas are OLS on the plan's window and frequency (Hull 11e §3.5), adjusted as the
    plan's beta is (Blume, Vasicek); the ``ols``, ``holdings`` and manual methods use plain
    OLS per stock.
    """
    method = request.beta_method if request.beta_method in ("blume", "vasicek") else "ols"
    start = _history_start(as_of, request)
    betas: dict[str, float | None] = {}
    for ticker in holdings.tickers:
        stock = prices[ticker].loc[pd.Timestamp(start) : pd.Timestamp(as_of)]
        try:
            r = returns_from_prices(stock.dropna(), request.frequency)
            raw = ols_beta(
                r,
                index_returns,
                end=as_of,
                window=request.window,
                frequency=request.frequency,
                index_name=index,
            )
        except HedgekitError as exc:
            notes.append(f"No beta of {ticker} against {index} for the per-position view: {exc}")
            betas[ticker] = None
            continue
        if method == "blume":
            raw = blume_adjust(raw)
        elif method == "vasicek":
            raw = vasicek_shrink(raw, prior_mean=1.0, prior_sd=VASICEK_PRIOR_SD)
        betas[ticker] = raw.beta
    values = dict(snapshot.values_usd)
    dollars = {t: None if b is None else b * values[t] for t, b in betas.items()}
    total = sum(d for d in dollars.values() if d is not None)

    def share(d: float | None) -> float | None:
        return None if d is None or total == 0 else d / total

    return tuple(
        HoldingBeta(
            ticker=t,
            value_usd=values[t],
            beta=betas[t],
            method=method,
            beta_dollars_usd=dollars[t],
            hedge_share=share(dollars[t]),
        )
        for t in holdings.tickers
    )


def _positions(
    sizing: HedgeSizing,
    market: MarketInputs,
    registry: ContractRegistry,
    holdings: Holdings | None,
    existing: HedgePosition | None,
    index: str,
    as_of: dt.date,
    notes: list[str],
) -> tuple[HedgePosition, HedgePosition | None, HedgePosition]:
    """The target position, the futures already held (months resolved) and the trade."""
    code = market.contract
    target = HedgePosition.from_sizing(sizing, code, as_of, index=index)
    in_file = None if holdings is None else holdings.existing_hedge
    if existing is not None and in_file is not None:
        raise InputError(
            "the futures held are given twice: as futures rows in the holdings file and as "
            "a separate position",
            source=existing.source,
            value=in_file.source,
            expected="futures rows in the holdings file, or the separate position, not both",
        )
    held = existing if existing is not None else in_file
    if held is None:
        return target, None, target.minus(HedgePosition((), as_of=as_of), source="trade")
    held.validate(registry)
    months: dict[str, ContractCode] = {}
    for leg in held.legs:
        spec = registry.get(leg.root)
        if leg.root in (sizing.contract_root, sizing.micro_root):
            months[leg.root] = ContractCode(leg.root, code.year, code.month)
        else:
            months[leg.root] = held_contract(leg.root, as_of, CmeRollRule(), months=spec.months)
    resolved = dataclasses.replace(held.resolved(months), as_of=as_of)
    trade = target.minus(resolved, source="trade")
    held_text = ", ".join(f"{leg.quantity:+d} {leg.label}" for leg in resolved.legs) or "none"
    trade_text = ", ".join(f"{leg.quantity:+d} {leg.label}" for leg in trade.legs) or "nothing"
    notes.append(
        f"Futures already held ({held.source}): {held_text}. The trade is the recommended "
        f"position minus what is held: {trade_text}."
    )
    return target, resolved, trade


def _min_variance(
    port_returns: pd.Series,
    index: str,
    as_of: dt.date,
    request: PlanRequest,
    notes: list[str],
) -> MinVarianceResult | None:
    from hedgekit import datasets

    if index not in FUTURES_SERIES:
        return None
    root = FUTURES_SERIES[index]
    front = datasets.load_futures_front(root)
    sessions = index_closes(index).index
    on_sessions = front.index.isin(sessions)
    dropped = int((~on_sessions).sum())
    front = front.loc[on_sessions]
    start = _history_start(as_of, request)
    window = front.loc[pd.Timestamp(start) : pd.Timestamp(as_of)]
    try:
        fr = futures_returns_excluding_rolls(
            window["close"],
            window["inferred_contract"],
            frequency=request.frequency,
            name=root,
        )
        result = min_variance_hedge_ratio(
            port_returns,
            fr,
            end=as_of,
            window=request.window,
            frequency=request.frequency,
            hedge_name=root,
        )
    except HedgekitError as exc:
        notes.append(f"Minimum-variance ratio on {root} futures returns not available: {exc}")
        return None
    if dropped:
        notes.append(
            f"The {root} futures series trades on some NYSE holidays; its {dropped} rows on "
            "days the NYSE was closed are not used, so futures and stock returns cover the "
            "same sessions."
        )
    return result


def make_plan(
    request: PlanRequest,
    *,
    holdings: Holdings | None = None,
    prices: pd.DataFrame | None = None,
    registry: ContractRegistry | None = None,
    existing_hedge: HedgePosition | None = None,
    position: HedgePosition | None = None,
) -> HedgePlan:
    r"""Make a hedge plan: beta, best contract, contracts, margin, scenarios and warnings.

    Parameters
    ----------
    request
        The options (hedge fraction or target beta, contract, window, ...).
    holdings
        The portfolio's positions; or ``None`` with ``request.value_usd`` and
        ``request.beta``.
    prices
        User price history for the holdings (wide, adjusted closes); default bundled.
    registry
        Contracts to choose from; default the builtin registry.
    existing_hedge
        Futures already held (e.g. from ``--position``); the plan's ``trade`` is its
        recommended position minus these. Not with futures rows in ``holdings``.
    position
        A hedge to evaluate instead of sizing one (``--position FILE`` or ``--legs``): the
        plan's contract is the position's, its legs are the sizing's (``size_hedge(...,
        given=...)``), and its date, without ``request.as_of``, is the position's. Every
        margin, scenario and warning is then about exactly this hedge.

    Returns
    -------
    HedgePlan

    Notes
    -----
    Contracts (Hull, *Options, Futures and Other Derivatives*, 11th ed., §3.5):
    :math:`N = h\\,\\beta V / (m F)` for a hedge fraction :math:`h`, and
    :math:`N = (\\beta^* - \\beta) V / (m F)` for a target beta :math:`\\beta^*`, with
    :math:`V` the portfolio value, :math:`m` the multiplier and :math:`F` the futures
    price (or the index level when ``price_basis="index"``).
    """
    registry = default_registry() if registry is None else registry
    notes: list[str] = []
    snapshot: PortfolioSnapshot | None = None
    fits: IndexFitTable | None = None
    joint: JointHedgeVerdict | None = None
    candidates: dict[str, pd.Series] = {}
    port_returns: pd.Series | None = None
    px: pd.DataFrame | None = None

    if holdings is not None:
        if request.value_usd is not None:
            raise InputError(
                "give holdings or a value, not both",
                source="value_usd",
                value=request.value_usd,
                expected="--holdings alone, or --value-usd with --beta",
            )
        px = prices_for(holdings, prices)
        priced = px[list(holdings.tickers)].dropna(how="any")
        if priced.empty:
            raise InputError(
                "no date on which every holding has a price",
                source="--prices" if prices is not None else "--holdings",
                expected="prices of every ticker on at least one common date",
            )
        as_of, date_notes = resolve_as_of(
            _requested_date(request, position),
            _date_indices(request, registry, position),
            _overrides(request),
            extra=(("portfolio prices", _as_date(priced.index[-1])),),
        )
        notes.extend(date_notes)
        snapshot = value_holdings(holdings, px, as_of)
        last_priced = _as_date(px[list(holdings.tickers)].dropna(how="any").index[-1])
        if (
            prices is None
            and as_of < last_priced
            and any(p.shares is not None for p in holdings.positions)
        ):
            notes.append(
                f"The bundled closes are split- and dividend-adjusted to {last_priced}: on "
                f"{as_of} a share count times the adjusted close is not the market value then "
                "(a later split divides the old price). Give the holdings by market value, or "
                "the prices of that date with --prices, for a past plan."
            )
        value = snapshot.total_value_usd
        start = _history_start(as_of, request)
        values = portfolio_values(holdings, px, start, as_of, as_of=as_of)
        port_returns = returns_from_prices(values, request.frequency).rename("portfolio")
        candidates = _candidate_returns(as_of, start, request, notes)
        if candidates:
            fits = compare_indices(
                port_returns,
                candidates,
                end=as_of,
                window=request.window,
                frequency=request.frequency,
            )
            if len(candidates) > 1:
                joint = assess_joint_hedge(
                    port_returns,
                    candidates,
                    end=as_of,
                    window=request.window,
                    frequency=request.frequency,
                )
    else:
        if request.value_usd is None or request.beta is None:
            raise InputError(
                "a plan needs holdings, or a portfolio value and a beta",
                source="portfolio",
                expected="--holdings FILE, or --value-usd and --beta",
            )
        value = request.value_usd
        index_of_date = (
            ("SPX",)
            if request.contract.lower() == "auto" and position is None
            else _date_indices(request, registry, position)
        )
        as_of, date_notes = resolve_as_of(
            _requested_date(request, position), index_of_date, _overrides(request)
        )
        notes.extend(date_notes)

    # the contract
    given = _given_quantities(position, request, registry) if position is not None else None
    if given is not None:
        contract, micro_given = given[0], given[1]
        index = contract.index
        reason = f"{contract.root}: the contract of the position given."
    elif request.contract.lower() == "auto":
        index = fits.best if fits is not None else "SPX"
        contract = _main_contract(registry, index)
        reason = (
            fits.reason
            if fits is not None
            else "no holdings to compare indices; the S&P 500 is the default."
        )
    else:
        contract = registry.get(request.contract)
        index = contract.index
        reason = f"{contract.root} as asked."
    if given is not None:
        micro = micro_given
    else:
        micro = (
            registry.micro_for(contract.root)
            if request.use_micro and not contract.is_micro
            else None
        )

    # beta
    if request.beta is not None:
        beta = manual_beta(request.beta, index_name=index, frequency=request.frequency)
    elif holdings is not None and px is not None and snapshot is not None:
        if index not in candidates or port_returns is None:
            raise InputError(
                f"cannot estimate a beta against {INDEX_NAMES.get(index, index)}: "
                "no bundled history of it at the plan date",
                source="beta",
                expected="--beta",
            )
        beta = _estimate_beta(
            request, holdings, px, port_returns, candidates[index], index, as_of, snapshot
        )
    else:  # pragma: no cover - ruled out above
        raise AssertionError

    market = resolve_market(contract, as_of, _overrides(request))
    notes.extend(market.notes)
    if micro is not None and micro.listed is not None and as_of < micro.listed:
        notes.append(
            f"No {micro.root} top-up: {micro.root} was listed on {micro.listed}, after the "
            f"plan date; the hedge is in whole {contract.root} contracts."
        )
        micro = None
    if contract.listed is not None and as_of < contract.listed:
        notes.append(
            f"{contract.root} was listed on {contract.listed}, after the plan date {as_of}: "
            "this plan is hypothetical (a hedger then used the contracts of that time)."
        )
    min_var = (
        _min_variance(port_returns, index, as_of, request, notes)
        if port_returns is not None
        else None
    )

    target: HedgeFraction | TargetBeta
    target = (
        TargetBeta(request.target_beta)
        if request.target_beta is not None
        else HedgeFraction(request.hedge_fraction or 0.0)
    )
    tau_years = market.days_to_expiry / CALENDAR_DAYS_PER_YEAR
    tail = tail_factor(market.rate.value, tau_years) if request.tail else None

    def size(t: HedgeFraction | TargetBeta) -> HedgeSizing:
        try:
            return size_hedge(
                value,
                beta.beta,
                market.futures_price,
                contract,
                t,
                price_basis=request.price_basis,
                index_level=market.index_level.value,
                rounding=request.rounding,
                micro=micro,
                allow_net_short=request.allow_net_short,
                tail_discount=tail,
                net_short_tolerance=request.net_short_tolerance,
                given=None if given is None or t is not target else given[2],
            )
        except InputError as exc:
            if exc.source != "target" or not isinstance(t, TargetBeta):
                raise
            detail = exc.message[exc.message.find("(") :] if "(" in exc.message else ""
            raise InputError(
                f"a target beta of {t.beta:g} makes the portfolio net short the index "
                f"{detail}".rstrip(),
                source="--target-beta",
                value=t.beta,
                expected="a target beta >= 0, or --allow-net-short to go net short on purpose",
            ) from None

    sizing = size(target)
    if position is not None:
        _check_position_months(position, market, registry)
    target_position, existing_hedge, trade = _positions(
        sizing, market, registry, holdings, existing_hedge, index, as_of, notes
    )
    holding_betas = (
        _holding_betas(request, holdings, px, candidates[index], index, as_of, snapshot, notes)
        if holdings is not None and px is not None and snapshot is not None and index in candidates
        else ()
    )
    scales = {
        spec.root: scale
        for spec in (contract, micro)
        if spec is not None
        and (scale := margin_scale(spec, as_of, market.futures_price)) is not None
    }
    margin = margin_requirements(
        sizing, as_of, value, registry=registry, before_first="scaled", scales=scales
    )
    for line in margin.lines:
        if line.rate_effective > as_of:
            notes.append(
                f"No {line.root} margin figure is known for {as_of}: the registry's first one, "
                f"dated {line.rate_effective}, is scaled by notional (x {scales[line.root]:.3f}, "
                f"the futures price now over then) to {line.initial_per_contract_usd:,.0f} "
                "initial per contract, as every command does; give dated figures with "
                "--contracts-file for the real ones."
            )

    scenarios = (
        *tuple(Scenario(_move_label(m), m) for m in request.moves),
        Scenario("crash -20%", -0.2),
        Scenario("rally +15%", 0.15),
        Scenario("flat", 0.0),
    )
    horizon_end = as_of + dt.timedelta(days=request.horizon_days)
    half = size(HedgeFraction(0.5))
    hedges, days_to_expiry, n_rolls = _rolled_to_horizon(
        {"hedge": sizing, "50% hedge": half}, contract, market, horizon_end, notes
    )
    per_side = {
        spec.root: (1 + n_rolls)
        * (request.commission_usd + request.slippage_ticks * spec.tick_value_usd)
        for spec in (contract, micro)
        if spec is not None
    }
    # per contract of either root (the 50% reference hedge may hold one the plan does not)
    margin_per_contract = {
        spec.root: snapshot_margin_on(spec, as_of, market.futures_price).initial_usd
        for spec in (contract, micro)
        if spec is not None
    }
    comparison = compare_hedges(
        value,
        beta.beta,
        hedges,
        market.index_level.value,
        scenarios,
        horizon_days=request.horizon_days,
        days_to_expiry=float(days_to_expiry),
        rate_annual=market.rate.value,
        dividend_yield=market.dividend_yield.value,
        cost_per_contract_side_usd=per_side,
        # the interest the margin cash forgoes, as hedgekit cost and compare book it
        margin_usd_per_contract=margin_per_contract,
    )

    main_leg = next((leg for leg in sizing.legs if leg.root == contract.root), None)
    micro_leg = next(
        (leg for leg in sizing.legs if micro is not None and leg.root == micro.root), None
    )
    weights = [w for _, w in snapshot.weights] if snapshot is not None else []
    facts = PlanFacts(
        portfolio_value_usd=value,
        beta=beta.beta,
        hedge_ratio_target=sizing.hedge_ratio_target,
        hedge_ratio_effective=sizing.hedge_ratio_effective,
        contract_root=contract.root,
        contract_notional_usd=contract.notional_usd(market.futures_price),
        exact_contracts=abs(sizing.exact_contracts),
        whole_contracts=abs(main_leg.quantity) if main_leg is not None else 0,
        micro_root=None if micro is None else micro.root,
        micro_notional_usd=None if micro is None else micro.notional_usd(market.futures_price),
        micro_contracts=abs(micro_leg.quantity) if micro_leg is not None else 0,
        allow_net_short=request.allow_net_short,
        net_short_tolerance=request.net_short_tolerance,
        largest_position_weight=max(weights) if weights else None,
        n_positions=len(weights) if weights else None,
        herfindahl=sum(w * w for w in weights) if weights else None,
        r_squared=(fits.row(index).r_squared if fits is not None and index in candidates else None),
        chosen_index=index,
        best_index=fits.best if fits is not None else None,
        best_r_squared=fits.rows[0].r_squared if fits is not None else None,
        vix=None if market.vix is None else market.vix.value,
        drawdown_from_52w_high=market.drawdown_from_52w_high,
        margin_initial_usd=margin.initial_usd,
        net_worth_usd=request.net_worth_usd,
        cash_buffer_usd=request.cash_buffer_usd,
        horizon_end=horizon_end,
        next_roll_date=market.roll_date,
        as_of=as_of,
    )
    advice = evaluate(facts)
    if market.basis_flag:
        advice = (
            *advice,
            Advice(
                code="FUTURES_PRICE_FAR_FROM_FAIR",
                severity=Severity.WARNING,
                message=(
                    f"The futures price {market.futures_price:,.2f} you gave is "
                    f"{market.basis:+.2%} from the carry fair value {market.fair_value:,.2f} of "
                    f"{market.contract} at the index level {market.index_level.value:,.2f}; "
                    "an index future rarely trades more than a few tenths of a percent from it. "
                    "Check the price, the contract month and the index level: the contracts, "
                    "the margin and the scenarios all use this price."
                ),
                numbers={
                    "futures_price": market.futures_price,
                    "fair_value": market.fair_value,
                    "basis": market.basis,
                },
            ),
        )
    notes.extend(sizing.notes)
    if market.futures_price_source == "fair value":
        notes.append(
            f"No bundled close of {market.contract} on {as_of}: the futures price is its carry "
            f"fair value {market.fair_value:,.2f} ({market.futures.source})."
        )
    if market.dividend_yield.origin == "derived":
        notes.append(
            f"{market.index} dividend yield {market.dividend_yield.value:.2%}: "
            f"{market.dividend_yield.source}, observed {market.dividend_yield.observed}; "
            "give --dividend-yield to use another."
        )
    return HedgePlan(
        request=request,
        as_of=as_of,
        portfolio_value_usd=value,
        snapshot=snapshot,
        beta=beta,
        index_fits=fits,
        joint=joint,
        joint_legs=_joint_legs(joint, request, registry, value, as_of, notes),
        min_variance=min_var,
        contract=contract,
        micro=micro,
        contract_choice_reason=reason,
        market=market,
        sizing=sizing,
        margin=margin,
        scenarios=comparison,
        advice=advice,
        notes=tuple(notes),
        target_position=target_position,
        existing_hedge=existing_hedge,
        trade=trade,
        holding_betas=holding_betas,
    )


def _rolled_to_horizon(
    hedges: dict[str, HedgeSizing],
    contract: ContractSpec,
    market: MarketInputs,
    horizon_end: dt.date,
    notes: list[str],
) -> tuple[dict[str, HedgeSizing | tuple[Leg, ...]], int, int]:
    r"""Legs for the scenario table when the hedge must be rolled before the horizon.

    A hedge kept to the horizon is rolled at each roll date into the next contract. Rolled at
    fair value, a position then carries like one position in the contract held at the
    horizon, entered today at the current price plus the fair calendar spread of each roll,
    :math:`F_0' = F_0 + \sum_i S_0\,(e^{(r-q)\tau_{far,i}} - e^{(r-q)\tau_{near,i}})` with the
    times to expiry counted from the roll date (Hull 11e §5.4, eq. 5.3, at each expiry), the
    same spread ``hedgekit cost`` books for an unchanged index, so the scenario's carry
    covers the whole horizon and equals the cost ledger's. Returns the legs by label, the
    days to the expiry of the contract held at the horizon, and the number of rolls (each
    costs a round trip, added by the caller).
    """
    code = held_contract(contract.root, horizon_end, CmeRollRule(), months=contract.months)
    if code == market.contract:
        return dict(hedges), market.days_to_expiry, 0
    periods = list(
        contract_schedule(contract.root, market.as_of, horizon_end, CmeRollRule(), contract.months)
    )
    if len(periods) > 1 and periods[1].contract == market.contract != periods[0].contract:
        periods = periods[1:]  # opened in the contract it will hold: one roll fewer
    rolls = len(periods) - 1
    r, q, s0 = market.rate.value, market.dividend_yield.value, market.index_level.value
    spread = 0.0
    for near, far in itertools.pairwise(periods):
        day = near.roll_date.date()
        t_near = max((near.last_trading_day.date() - day).days, 0) / CALENDAR_DAYS_PER_YEAR
        t_far = max((far.last_trading_day.date() - day).days, 0) / CALENDAR_DAYS_PER_YEAR
        spread += float(calendar_spread(s0, r, q, t_near, t_far))
    ltd = last_trading_day(code).date()
    out: dict[str, HedgeSizing | tuple[Leg, ...]] = {
        label: tuple(
            Leg.of(leg.root, leg.quantity, leg.multiplier_usd, leg.price + spread)
            for leg in sizing.legs
        )
        for label, sizing in hedges.items()
    }
    # Name the contracts actually held (a Micro-only hedge ends in MES, not ES).
    held = [leg.root for leg in hedges["hedge"].legs if leg.quantity != 0]
    ends = " and ".join(str(dataclasses.replace(code, root=r)) for r in held) or str(code)
    notes.append(
        f"The scenarios keep the hedge to {horizon_end}: it is rolled "
        f"{'once' if rolls == 1 else f'{rolls} times'} "
        f"(first on {periods[0].roll_date.date()}) and ends in {ends}; rolls are taken at the "
        "fair calendar spread, and each roll adds a round trip of commission and slippage."
    )
    return out, (ltd - market.as_of).days, rolls


def _joint_legs(
    joint: JointHedgeVerdict | None,
    request: PlanRequest,
    registry: ContractRegistry,
    value_usd: float,
    as_of: dt.date,
    notes: list[str],
) -> tuple[Leg, ...]:
    r"""Whole contracts of the joint multi-index hedge, when it is materially better.

    For index :math:`j` with regression beta :math:`\beta_j`, the exact count is
    :math:`N_j = -h\,\beta_j V/(m_j F_j)` (Hull 11e §3.5 applied to each index of the
    multiple regression), rounded to the nearest Micro and split into E-minis plus Micros.
    """
    fraction = request.hedge_fraction
    if joint is None or not joint.materially_better or fraction is None or fraction == 0:
        return ()
    legs: list[Leg] = []
    for index, beta_j in zip(joint.joint.index_names, joint.joint.betas, strict=True):
        main = _main_contract(registry, index)
        micro = registry.micro_for(main.root) if request.use_micro else None
        try:
            # the user's rate reaches every index; their level, price and yield are the
            # plan index's own
            market = resolve_market(main, as_of, MarketOverrides(rate_annual=request.rate_annual))
        except HedgekitError as exc:
            notes.append(f"Joint hedge: no {index} price at {as_of} ({exc}); not sized.")
            return ()
        price = market.futures_price
        exact = -fraction * beta_j * value_usd / (main.multiplier_usd * price)
        ratio = round(main.multiplier_usd / micro.multiplier_usd) if micro is not None else 1
        units = round(exact * ratio)
        whole = int(units / ratio)
        rest = units - whole * ratio
        if whole:
            legs.append(Leg.of(main.root, whole, main.multiplier_usd, price))
        if rest and micro is not None:
            legs.append(Leg.of(micro.root, rest, micro.multiplier_usd, price))
    return tuple(legs)


def _move_label(move: float) -> str:
    if move == 0:
        return "0%"
    return f"{move * 100:+.0f}%"
