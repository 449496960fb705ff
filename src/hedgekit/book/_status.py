r"""The book's action report for a day: what is held, how healthy the margin is, what is due.

:func:`action_report` reads a :class:`~hedgekit.book.BookState` and today's portfolio value and
beta, and answers the hedger's morning questions: the position by contract; the hedge ratio
held against the policy's target; the futures account's balance against the initial and
maintenance margin, the index move that would bring a call and the cash the policy keeps;
the roll due; every rebalance trigger that fired and every limit breached, each with the
order that fixes it. ``actions_due`` is ``True`` when any of them asks for something to be
done (``book status`` exits 1 then, 0 otherwise).

Formulas
--------
* Beta exposure of the portfolio :math:`B = \beta V`; of the futures held
  :math:`H = \sum_i q_i m_i F_i` (signed contracts :math:`q_i`, multiplier :math:`m_i`, the
  contract's last mark :math:`F_i`). Hedge ratio held :math:`h = -H/B` (Hull 11e §3.5).
* The target position is :func:`hedgekit.sizing.size_hedge` of the policy's target (nearest
  whole E-minis topped up with Micros, the net-short tolerance), at today's futures price of
  the contract to trade (:func:`hedgekit.snapshot.resolve_market`). The order that fixes a
  trigger or a limit is target − held, per instrument.
* Margin (Hull 11e §2.4, daily settlement; CME Group, "FAQ: Performance Bonds / Margins"):
  initial :math:`I = \sum_i |q_i|\,IM_i` and maintenance :math:`M = \sum_i |q_i|\,MM_i` at the
  rates in force (:func:`hedgekit.snapshot.margin_on`); the balance :math:`C` is the futures
  account's cash. A call comes when :math:`C` falls below :math:`M`, and asks to restore
  :math:`I`. The adverse futures move that brings it is :math:`x^* = (C - M)/|H|` (a rise for a
  net short position), the index level then about :math:`S(1 \pm x^*)`. The cash the policy
  keeps is ``cash_buffer_multiple`` × :math:`I`.
* Roll (CME Group, "Equity Index Roll Dates": eight calendar days before expiry,
  :class:`hedgekit.calendar.CmeRollRule`): due when fewer than
  :data:`hedgekit.calendar.ROLL_AHEAD_SESSIONS` NYSE sessions are left to the held
  contract's roll date (or it is past): then the snapshot already opens new hedges in the next
  contract (:func:`hedgekit.calendar.contract_to_open`). A short position buys
  back the near contract and sells the next; a long one sells the near and buys the next. The
  fair calendar spread is :func:`hedgekit.pricing.calendar_spread`
  :math:`S(e^{(r-q)T_{far}} - e^{(r-q)T_{near}})` (Hull 11e §5.4).

Boundaries: a trigger fires when its change reaches its threshold (a 10% move fires the 10%
trigger), a limit is breached when its figure is above the limit (a hedge ratio of exactly
100% is within a 100% limit; so is one over it by no more than the sizing engine's net-short
tolerance, :data:`hedgekit.sizing.DEFAULT_NET_SHORT_TOLERANCE`, which ``size_hedge`` itself
may choose when rounding). A relative slack of :data:`BOUNDARY_RTOL` absorbs float noise.
"""

from __future__ import annotations

import calendar as _cal
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from hedgekit._constants import CALENDAR_DAYS_PER_YEAR
from hedgekit.book._policy import BookPolicy
from hedgekit.book._state import BookState
from hedgekit.calendar import (
    ROLL_AHEAD_SESSIONS,
    CmeRollRule,
    ContractCode,
    is_session,
    last_trading_day,
    sessions,
)
from hedgekit.contracts import ContractRegistry, ContractSpec, default_registry
from hedgekit.errors import InputError
from hedgekit.pricing import calendar_spread
from hedgekit.sizing import (
    DEFAULT_NET_SHORT_TOLERANCE,
    HedgeFraction,
    HedgeSizing,
    HedgeTarget,
    TargetBeta,
    size_hedge,
)
from hedgekit.snapshot import MarketInputs, margin_on, resolve_market

__all__ = [
    "BOUNDARY_RTOL",
    "ActionItem",
    "ActionReport",
    "MarginHealth",
    "Order",
    "PositionLine",
    "RollDue",
    "action_report",
    "add_months",
]

#: Relative slack on trigger and limit boundaries (float noise, e.g. 110/100 - 1).
BOUNDARY_RTOL = 1e-9


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole calendar months, clipped to the month's last day (Jan 31 + 1 = Feb 28)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = _cal.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def _reached(change: float, threshold: float) -> bool:
    return change >= threshold * (1.0 - BOUNDARY_RTOL)


def _above(figure: float, limit: float) -> bool:
    return figure > limit * (1.0 + BOUNDARY_RTOL) + 1e-12


@dataclass(frozen=True, slots=True)
class PositionLine:
    """One contract held: signed contracts, the price it is valued at, its beta exposure."""

    contract: str
    quantity: int
    price: float
    price_source: str
    multiplier_usd: float
    exposure_usd: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form."""
        return {
            "contract": self.contract,
            "quantity": self.quantity,
            "price": self.price,
            "price_source": self.price_source,
            "multiplier_usd": self.multiplier_usd,
            "exposure_usd": self.exposure_usd,
        }


@dataclass(frozen=True, slots=True)
class Order:
    """Trades to place, by contract (signed: > 0 buy, < 0 sell), and the order in words."""

    trades: tuple[tuple[str, int], ...]
    by: dt.date | None
    text: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form."""
        return {
            "trades": [{"contract": c, "quantity": q} for c, q in self.trades],
            "by": None if self.by is None else self.by.isoformat(),
            "text": self.text,
        }


def _order_text(trades: tuple[tuple[str, int], ...], by: dt.date | None) -> str:
    parts = [f"{'buy' if q > 0 else 'sell'} {abs(q)} {c}" for c, q in trades if q != 0]
    if not parts:
        return "no trade"
    text = ", ".join(parts)
    return text if by is None else f"{text} by {by.isoformat()}"


def _order(trades: tuple[tuple[str, int], ...], by: dt.date | None) -> Order:
    kept = tuple((c, q) for c, q in trades if q != 0)
    return Order(kept, by, _order_text(kept, by))


@dataclass(frozen=True, slots=True)
class ActionItem:
    """One trigger, limit, roll or margin check, fired or not.

    Attributes
    ----------
    kind
        ``"trigger"``, ``"limit"``, ``"roll"`` or ``"margin"``.
    name
        ``value_change``, ``beta_change``, ``review``, ``first_hedge``, ``max_hedge_ratio``,
        ``margin_share``, ``daily_futures_loss``, ``quarterly_cost``, ``tracking_error``,
        ``roll``, ``margin_call``, ``cash_buffer``.
    fired
        Whether it asks for an action today.
    figure, threshold
        The number checked and its trigger or limit (``None`` where not a number).
    sentence
        What it says, in words.
    order
        The order that fixes it, or ``None`` when no trade does (a past loss).
    """

    kind: str
    name: str
    fired: bool
    figure: float | None
    threshold: float | None
    sentence: str
    order: Order | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form."""
        return {
            "kind": self.kind,
            "name": self.name,
            "fired": self.fired,
            "figure": self.figure,
            "threshold": self.threshold,
            "sentence": self.sentence,
            "order": None if self.order is None else self.order.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class MarginHealth:
    r"""The futures account against the position's margin (Hull 11e §2.4).

    Attributes
    ----------
    balance_usd
        Cash in the futures account, :math:`C`.
    initial_usd, maintenance_usd
        :math:`I` and :math:`M` of the position held.
    excess_over_maintenance_usd
        :math:`C - M` (negative: a call is due).
    move_to_call
        Adverse futures move (share of the price) that brings a call, :math:`(C - M)/|H|`;
        ``None`` without a position.
    adverse_direction
        ``"rise"`` for a net short position, ``"fall"`` for a net long one.
    index_level_at_call
        About :math:`S(1 \pm x^*)`.
    cash_to_keep_usd
        ``cash_buffer_multiple`` × :math:`I`.
    deposit_to_buffer_usd
        :math:`\max(\text{cash to keep} - C, 0)`.
    """

    balance_usd: float
    initial_usd: float
    maintenance_usd: float
    excess_over_maintenance_usd: float
    move_to_call: float | None
    adverse_direction: str | None
    index_level_at_call: float | None
    cash_to_keep_usd: float
    deposit_to_buffer_usd: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form."""
        return {
            "balance_usd": self.balance_usd,
            "initial_usd": self.initial_usd,
            "maintenance_usd": self.maintenance_usd,
            "excess_over_maintenance_usd": self.excess_over_maintenance_usd,
            "move_to_call": self.move_to_call,
            "adverse_direction": self.adverse_direction,
            "index_level_at_call": self.index_level_at_call,
            "cash_to_keep_usd": self.cash_to_keep_usd,
            "deposit_to_buffer_usd": self.deposit_to_buffer_usd,
        }


@dataclass(frozen=True, slots=True)
class RollDue:
    """A held contract's roll: date, sessions left, fair spread, the order."""

    contract: str
    next_contract: str
    quantity: int
    roll_date: dt.date
    sessions_left: int
    due: bool
    fair_spread_points: float | None
    order: Order

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form."""
        return {
            "contract": self.contract,
            "next_contract": self.next_contract,
            "quantity": self.quantity,
            "roll_date": self.roll_date.isoformat(),
            "sessions_left": self.sessions_left,
            "due": self.due,
            "fair_spread_points": self.fair_spread_points,
            "order": self.order.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class ActionReport:
    """Result of :func:`action_report`.

    Attributes
    ----------
    as_of, value_usd, beta
        The day and the portfolio it was run for.
    contract_to_trade
        The contract new trades go into (the snapshot's: the next one near a roll).
    positions
        :class:`PositionLine` per contract held.
    held_by_root
        Contracts held per instrument, all months together (``{"ES": -3, "MES": -2}``).
    hedge_ratio_now, hedge_ratio_target
        :math:`-H/B` held, and the target's (``size_hedge``'s ``hedge_ratio_target``).
    target_by_root, rebalance
        ``size_hedge``'s whole contracts for the target, and the order target − held.
    margin
        :class:`MarginHealth`.
    rolls
        :class:`RollDue` per contract held.
    items
        Every check (fired or not).
    actions_due
        Whether any check fired.
    notes
        Plain sentences on what was assumed.
    """

    as_of: dt.date
    value_usd: float
    beta: float
    contract_to_trade: str
    positions: tuple[PositionLine, ...]
    held_by_root: Mapping[str, int]
    hedge_ratio_now: float
    hedge_ratio_target: float
    target_by_root: Mapping[str, int]
    rebalance: Order
    margin: MarginHealth
    rolls: tuple[RollDue, ...]
    items: tuple[ActionItem, ...]
    sizing: HedgeSizing = field(repr=False, compare=False)
    notes: tuple[str, ...] = ()

    @property
    def actions_due(self) -> bool:
        """``True`` when a trigger fired, a limit is breached, a roll or a margin call is due."""
        return any(item.fired for item in self.items)

    @property
    def actions(self) -> tuple[ActionItem, ...]:
        """The checks that fired."""
        return tuple(item for item in self.items if item.fired)

    def sentences(self) -> tuple[str, ...]:
        """The report in plain sentences: the position, the margin, then each action due."""
        held = ", ".join(f"{p.quantity:+d} {p.contract}" for p in self.positions) or "nothing"
        out = [
            f"Held on {self.as_of}: {held}; hedge ratio {self.hedge_ratio_now:.1%} "
            f"against a target of {self.hedge_ratio_target:.1%}.",
            f"Margin: balance ${self.margin.balance_usd:,.2f}, initial "
            f"${self.margin.initial_usd:,.2f}, maintenance ${self.margin.maintenance_usd:,.2f}, "
            f"excess over maintenance ${self.margin.excess_over_maintenance_usd:,.2f}; "
            f"keep ${self.margin.cash_to_keep_usd:,.2f}.",
        ]
        m = self.margin
        if m.move_to_call is not None and m.index_level_at_call is not None:
            out.append(
                f"A {m.move_to_call:.1%} {m.adverse_direction} of the futures (index near "
                f"{m.index_level_at_call:,.0f}) would bring a margin call."
            )
        out.extend(item.sentence for item in self.actions)
        if not self.actions_due:
            out.append("Nothing is due today.")
        return tuple(out)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form (numbers as numbers, sentences alongside)."""
        return {
            "as_of": self.as_of.isoformat(),
            "value_usd": self.value_usd,
            "beta": self.beta,
            "contract_to_trade": self.contract_to_trade,
            "positions": [p.to_dict() for p in self.positions],
            "held_by_root": dict(self.held_by_root),
            "hedge_ratio_now": self.hedge_ratio_now,
            "hedge_ratio_target": self.hedge_ratio_target,
            "target_by_root": dict(self.target_by_root),
            "rebalance": self.rebalance.to_dict(),
            "margin": self.margin.to_dict(),
            "rolls": [r.to_dict() for r in self.rolls],
            "items": [i.to_dict() for i in self.items],
            "actions_due": self.actions_due,
            "sentences": list(self.sentences()),
            "notes": list(self.notes),
        }


def _target(policy: BookPolicy) -> HedgeTarget:
    if policy.hedge_ratio is not None:
        return HedgeFraction(policy.hedge_ratio)
    assert policy.target_beta is not None
    return TargetBeta(policy.target_beta)


def _sessions_left(as_of: dt.date, roll: dt.date) -> int:
    """NYSE sessions after ``as_of`` up to and including ``roll`` (a session); negative past it."""
    if roll >= as_of:
        return len(sessions(as_of, roll)) - (1 if is_session(as_of) else 0)
    return -(len(sessions(roll, as_of)) - 1)


def _years(later: dt.date, day: dt.date) -> float:
    return max((later - day).days, 0) / CALENDAR_DAYS_PER_YEAR


def action_report(
    state: BookState,
    *,
    value_usd: float,
    beta: float,
    market: MarketInputs | None = None,
    registry: ContractRegistry | None = None,
    day_futures_pnl_usd: float | None = None,
    quarter_cost_usd: float | None = None,
    tracking_error_annual: float | None = None,
) -> ActionReport:
    r"""Today's action report for a book (module notes for every formula).

    Parameters
    ----------
    state
        The book at ``state.as_of`` (positions, cash, last marks, last rebalance, policy).
    value_usd, beta
        The portfolio's value (USD, > 0) and beta against the contract's index today.
    market
        Today's market inputs for the policy's contract; default
        ``resolve_market(spec, state.as_of)``.
    registry
        Contracts; default :func:`hedgekit.contracts.default_registry`.
    day_futures_pnl_usd
        Today's variation margin (futures P&L), for the daily-loss limit; ``None``: unchecked.
    quarter_cost_usd
        Cost of hedging in the quarter to date (fees, roll spread paid, margin interest),
        for the quarterly-cost limit (:func:`hedgekit.book._history.book_history` computes it);
        ``None``: unchecked.
    tracking_error_annual
        Annualised tracking error of the hedged portfolio so far; ``None``: unchecked.

    Returns
    -------
    ActionReport

    Raises
    ------
    InputError
        A non-positive value, a non-finite beta, a held contract unknown to the registry.
    """
    if not isinstance(value_usd, int | float) or not value_usd > 0:
        raise InputError("portfolio value must be positive", source="--value", value=value_usd)
    if not isinstance(beta, int | float) or beta != beta or abs(beta) == float("inf"):
        raise InputError("beta must be a finite number", source="--beta", value=beta)
    policy = state.policy
    reg = registry or default_registry()
    spec = reg.get(policy.contract)
    micro = reg.micro_for(spec.root) if policy.use_micro else None
    mkt = market or resolve_market(spec, state.as_of)
    notes: list[str] = []
    as_of = state.as_of
    s_level = mkt.index_level.value
    r, q = mkt.rate.value, mkt.dividend_yield.value

    # Position by contract, valued at the last mark (else today's snapshot price).
    lines: list[PositionLine] = []
    held_by_root: dict[str, int] = {}
    specs: dict[str, ContractSpec] = {}
    for code_text, qty in sorted(state.positions.items()):
        if qty == 0:
            continue
        code = ContractCode.parse(code_text)
        c_spec = reg.get(code.root)
        specs[code_text] = c_spec
        mark = state.last_marks.get(code_text)
        if mark is not None:
            price, how = mark.price, f"mark {mark.day} ({mark.source})"
        else:
            price, how = mkt.futures_price, f"snapshot price of {mkt.contract}"
            notes.append(f"{code_text} has no mark; it is valued at {mkt.contract}'s price.")
        lines.append(
            PositionLine(
                code_text,
                qty,
                price,
                how,
                c_spec.multiplier_usd,
                qty * c_spec.multiplier_usd * price,
            )
        )
        held_by_root[code.root] = held_by_root.get(code.root, 0) + qty
    exposure = sum(p.exposure_usd for p in lines)
    b_dollars = beta * value_usd
    ratio_now = -exposure / b_dollars if b_dollars else 0.0

    # Target: the one sizing engine.
    sizing = size_hedge(
        value_usd,
        beta,
        mkt.futures_price,
        spec,
        _target(policy),
        index_level=s_level,
        rounding="nearest",
        micro=micro,
    )
    target_by_root = {leg.root: leg.quantity for leg in sizing.legs}
    trade_code = mkt.contract
    rebalance_trades = tuple(
        (
            ContractCode(root, trade_code.year, trade_code.month).long,
            qty - held_by_root.get(root, 0),
        )
        for root, qty in target_by_root.items()
    ) + tuple(
        (line.contract, -line.quantity)
        for line in lines
        if ContractCode.parse(line.contract).root not in target_by_root
    )
    rebalance = _order(rebalance_trades, None)
    in_target = rebalance.trades == ()
    fix_sentence = (
        f"the position is at the target ({sizing.hedge_ratio_effective:.1%} hedged)"
        if in_target
        else f"{rebalance.text} (to {sizing.hedge_ratio_effective:.1%} hedged)"
    )

    # Margin health.
    initial = maint = 0.0
    for line in lines:
        rate = margin_on(specs[line.contract], as_of, line.price)
        initial += abs(line.quantity) * rate.initial_usd
        maint += abs(line.quantity) * rate.maintenance_usd
    cash = float(state.cash_usd)
    excess = cash - maint
    move = direction = level_at_call = None
    if exposure != 0:
        move = excess / abs(exposure)
        direction = "rise" if exposure < 0 else "fall"
        level_at_call = s_level * (1 + move if exposure < 0 else 1 - move)
    keep = policy.cash_buffer_multiple * initial
    margin = MarginHealth(
        cash, initial, maint, excess, move, direction, level_at_call, keep, max(keep - cash, 0.0)
    )

    items: list[ActionItem] = []
    if lines and cash < maint:
        items.append(
            ActionItem(
                "margin",
                "margin_call",
                True,
                cash,
                maint,
                f"Margin call: the balance ${cash:,.2f} is below maintenance "
                f"${maint:,.2f}; deposit ${initial - cash:,.2f} to restore the initial "
                "margin, or reduce the position.",
            )
        )
    else:
        items.append(
            ActionItem(
                "margin",
                "cash_buffer",
                bool(lines) and cash < keep,
                cash,
                keep,
                f"Keep ${keep:,.2f} in the futures account ({policy.cash_buffer_multiple:g}"
                f"× initial margin); deposit ${max(keep - cash, 0.0):,.2f}.",
            )
        )

    # Rolls.
    rule = CmeRollRule()
    rolls: list[RollDue] = []
    for line in lines:
        code = ContractCode.parse(line.contract)
        nxt = code.next(specs[line.contract].months)
        roll = rule.roll_date(code).date()
        left = _sessions_left(as_of, roll)
        due = left < ROLL_AHEAD_SESSIONS
        t_near = _years(last_trading_day(code).date(), as_of)
        t_far = _years(last_trading_day(nxt).date(), as_of)
        spread = float(calendar_spread(s_level, r, q, t_near, t_far))
        order = _order(((code.long, -line.quantity), (nxt.long, line.quantity)), roll)
        rolls.append(RollDue(code.long, nxt.long, line.quantity, roll, left, due, spread, order))
        when = (
            f"{-left} sessions overdue"
            if left < 0
            else f"{left} session{'s' if left != 1 else ''} left"
        )
        items.append(
            ActionItem(
                "roll",
                "roll",
                due,
                float(left),
                float(ROLL_AHEAD_SESSIONS),
                f"Roll {code.long} (roll date {roll}, {when}; fair spread "
                f"{spread:+.2f} points {nxt.long} over {code.long}): {order.text}.",
                order,
            )
        )

    # Triggers.
    trig = policy.triggers
    if state.rebalanced_on is None:
        fired = not in_target
        items.append(
            ActionItem(
                "trigger",
                "first_hedge",
                fired,
                None,
                None,
                f"No hedge has been placed yet: {fix_sentence}.",
                rebalance if fired else None,
            )
        )
    else:
        if state.rebalance_value_usd:
            change = value_usd / state.rebalance_value_usd - 1.0
            fired = _reached(abs(change), trig.value_change)
            items.append(
                ActionItem(
                    "trigger",
                    "value_change",
                    fired,
                    change,
                    trig.value_change,
                    f"Portfolio value moved {change:+.1%} since the rebalance on "
                    f"{state.rebalanced_on} (trigger ±{trig.value_change:.0%}): "
                    f"{fix_sentence}.",
                    rebalance,
                )
            )
        if state.rebalance_beta is not None:
            change = beta - state.rebalance_beta
            fired = _reached(abs(change), trig.beta_change)
            items.append(
                ActionItem(
                    "trigger",
                    "beta_change",
                    fired,
                    change,
                    trig.beta_change,
                    f"Beta moved {change:+.2f} since the rebalance on "
                    f"{state.rebalanced_on} (trigger ±{trig.beta_change:g}): "
                    f"{fix_sentence}.",
                    rebalance,
                )
            )
        review = add_months(state.rebalanced_on, trig.review_months)
        fired = as_of >= review
        items.append(
            ActionItem(
                "trigger",
                "review",
                fired,
                float((as_of - review).days),
                0.0,
                f"Scheduled review due {review} (every {trig.review_months} months "
                f"from {state.rebalanced_on}): {fix_sentence}.",
                rebalance,
            )
        )

    # Limits.
    lim = policy.limits
    # Rounding slack: size_hedge may round up to DEFAULT_NET_SHORT_TOLERANCE past a full hedge.
    fired = _above(ratio_now, lim.max_hedge_ratio + DEFAULT_NET_SHORT_TOLERANCE)
    items.append(
        ActionItem(
            "limit",
            "max_hedge_ratio",
            fired,
            ratio_now,
            lim.max_hedge_ratio,
            f"Hedge ratio {ratio_now:.1%} is above the {lim.max_hedge_ratio:.0%} limit: "
            f"{fix_sentence}.",
            rebalance,
        )
    )
    if policy.net_worth_usd is not None:
        share = initial / policy.net_worth_usd
        fired = _above(share, lim.max_margin_share_of_net_worth)
        cut_order: Order | None = None
        text = "no trade"
        if fired and initial > 0:
            allowed = max(ratio_now * lim.max_margin_share_of_net_worth / share, 0.0)
            cut = size_hedge(
                value_usd,
                beta,
                mkt.futures_price,
                spec,
                HedgeFraction(min(allowed, 1.0, max(sizing.hedge_ratio_target, 0.0))),
                index_level=s_level,
                rounding="down",
                micro=micro,
            )
            cut_order = _order(
                tuple(
                    (
                        ContractCode(leg.root, trade_code.year, trade_code.month).long,
                        leg.quantity - held_by_root.get(leg.root, 0),
                    )
                    for leg in cut.legs
                ),
                None,
            )
            text = cut_order.text
        items.append(
            ActionItem(
                "limit",
                "margin_share",
                fired,
                share,
                lim.max_margin_share_of_net_worth,
                f"Initial margin is {share:.2%} of net worth (limit "
                f"{lim.max_margin_share_of_net_worth:.0%}): {text}.",
                cut_order,
            )
        )
    if lim.daily_futures_loss_usd is not None and day_futures_pnl_usd is not None:
        loss = -day_futures_pnl_usd
        fired = _above(loss, lim.daily_futures_loss_usd)
        items.append(
            ActionItem(
                "limit",
                "daily_futures_loss",
                fired,
                loss,
                lim.daily_futures_loss_usd,
                f"Today's futures loss ${loss:,.2f} is above the "
                f"${lim.daily_futures_loss_usd:,.2f} limit: no trade undoes it; check "
                "the portfolio gained about as much and the margin balance.",
            )
        )
    if quarter_cost_usd is not None:
        cap = lim.quarterly_cost_share * value_usd
        fired = _above(quarter_cost_usd, cap)
        items.append(
            ActionItem(
                "limit",
                "quarterly_cost",
                fired,
                quarter_cost_usd,
                cap,
                f"Hedging cost ${quarter_cost_usd:,.2f} this quarter is above "
                f"{lim.quarterly_cost_share:.2%} of the portfolio (${cap:,.2f}): review "
                "roll timing, fees and the cash kept.",
            )
        )
    if tracking_error_annual is not None:
        fired = _above(tracking_error_annual, lim.max_tracking_error_annual)
        items.append(
            ActionItem(
                "limit",
                "tracking_error",
                fired,
                tracking_error_annual,
                lim.max_tracking_error_annual,
                f"Tracking error {tracking_error_annual:.2%} a year is above the "
                f"{lim.max_tracking_error_annual:.0%} limit: {fix_sentence}.",
                rebalance,
            )
        )
    return ActionReport(
        as_of=as_of,
        value_usd=float(value_usd),
        beta=float(beta),
        contract_to_trade=trade_code.long,
        positions=tuple(lines),
        held_by_root=held_by_root,
        hedge_ratio_now=ratio_now,
        hedge_ratio_target=sizing.hedge_ratio_target,
        target_by_root=target_by_root,
        rebalance=rebalance,
        margin=margin,
        rolls=tuple(rolls),
        items=tuple(items),
        sizing=sizing,
        notes=tuple(notes) + tuple(mkt.notes),
    )
