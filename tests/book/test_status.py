"""The action report: a hand-built case, each trigger and limit at its boundary, rolls."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hedgekit.book import BookLimits, BookPolicy, BookState, BookTriggers, Mark
from hedgekit.book._status import ActionReport, action_report, add_months
from hedgekit.calendar import ContractCode
from hedgekit.contracts import default_registry
from hedgekit.snapshot import MarketInputs, MarketOverrides, resolve_market

DAY = dt.date(2025, 6, 2)  # a Monday; ESM2025 rolls on 2025-06-12, eight sessions later
ES = default_registry().get("ES")
IM, MM = ES.margin_on(DAY).initial_usd, ES.margin_on(DAY).maintenance_usd


def market(day: dt.date = DAY, price: float = 5000.0) -> MarketInputs:
    """A snapshot with the user's figures: futures and index at ``price``."""
    ov = MarketOverrides(
        index_level=price, futures_price=price, rate_annual=0.04, dividend_yield=0.015
    )
    return resolve_market(ES, day, ov)


def book(
    positions: dict[str, int] | None = None,
    *,
    day: dt.date = DAY,
    cash: float = 80_000.0,
    price: float = 5000.0,
    policy: BookPolicy | None = None,
    **kw: Any,
) -> BookState:
    pos = {"ESM2025": -4} if positions is None else positions
    base: dict[str, Any] = {
        "rebalanced_on": dt.date(2025, 5, 1),
        "rebalance_value_usd": 1_000_000.0,
        "rebalance_beta": 1.2,
    }
    base.update(kw)
    return BookState(
        as_of=day,
        policy=policy or BookPolicy(),
        holdings_as_of=None,
        holdings=(),
        positions=pos,
        average_price={},
        cash_usd=cash,
        last_marks={c: Mark(day, c, price, "test") for c in pos},
        **base,
    )


def report(
    state: BookState, value: float = 1_000_000.0, beta: float = 1.2, **kw: Any
) -> ActionReport:
    return action_report(state, value_usd=value, beta=beta, market=market(state.as_of), **kw)


def item(rep: ActionReport, name: str) -> Any:
    (found,) = [i for i in rep.items if i.name == name]
    return found


def test_hand_built_case() -> None:
    rep = report(book())
    # Portfolio beta exposure B = 1.2 x 1,000,000 = 1,200,000 USD per 1.00 index move.
    # Held: -4 ES at 5000 x $50 = -1,000,000, so the hedge ratio is 1,000,000 / 1,200,000.
    assert rep.hedge_ratio_now == pytest.approx(1_000_000 / 1_200_000)
    assert rep.hedge_ratio_target == 1.0
    # Target: 1,200,000 / (50 x 5000) = 4.8 ES = 48 MES -> 4 ES + 8 MES (nearest).
    assert rep.target_by_root == {"ES": -4, "MES": -8}
    assert rep.rebalance.text == "sell 8 MESM2025"
    # Margin: 4 x initial, 4 x maintenance of the registry's ES figure.
    m = rep.margin
    assert m.initial_usd == pytest.approx(4 * IM)
    assert m.maintenance_usd == pytest.approx(4 * MM)
    assert m.excess_over_maintenance_usd == pytest.approx(80_000 - 4 * MM)
    # Call when a rise x loses C - M on |H| = 1,000,000: x* = (80,000 - 4 MM) / 1,000,000.
    assert m.move_to_call == pytest.approx((80_000 - 4 * MM) / 1_000_000)
    assert m.adverse_direction == "rise"
    assert m.index_level_at_call == pytest.approx(5000 * (1 + (80_000 - 4 * MM) / 1_000_000))
    assert m.cash_to_keep_usd == pytest.approx(1.5 * 4 * IM)
    # Rebalanced a month ago, value and beta unchanged, roll 8 sessions away: nothing due.
    (roll,) = rep.rolls
    assert (roll.roll_date, roll.sessions_left, roll.due) == (dt.date(2025, 6, 12), 8, False)
    assert not rep.actions_due
    assert rep.sentences()[-1] == "Nothing is due today."
    d = rep.to_dict()
    assert d["actions_due"] is False
    assert d["margin"]["initial_usd"] == pytest.approx(4 * IM)


@pytest.mark.parametrize(
    ("value", "fired"),
    [(1_100_000.0, True), (1_099_999.0, False), (900_000.0, True), (900_001.0, False)],
)
def test_value_trigger_boundary(value: float, fired: bool) -> None:
    rep = report(book(), value=value)
    assert item(rep, "value_change").fired is fired
    assert rep.actions_due is fired


@pytest.mark.parametrize(
    ("beta", "fired"), [(1.3, True), (1.29, False), (1.1, True), (1.11, False)]
)
def test_beta_trigger_boundary(beta: float, fired: bool) -> None:
    # Hold the target for this beta so only the beta trigger can fire.
    rep0 = report(book(), beta=beta)
    pos = {f"{r}M2025": q for r, q in rep0.target_by_root.items() if q}
    rep = report(book(pos, cash=1e6), beta=beta)
    assert item(rep, "beta_change").fired is fired
    assert rep.actions_due is fired


@pytest.mark.parametrize(
    ("last", "fired"), [(dt.date(2025, 3, 2), True), (dt.date(2025, 3, 3), False)]
)
def test_review_boundary(last: dt.date, fired: bool) -> None:
    rep = report(book(rebalanced_on=last))
    assert item(rep, "review").fired is fired


def test_add_months_clips_to_month_end() -> None:
    assert add_months(dt.date(2025, 11, 30), 3) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2024, 11, 30), 3) == dt.date(2025, 2, 28)


def test_first_hedge_order() -> None:
    rep = report(book({}, rebalanced_on=None, rebalance_value_usd=None, rebalance_beta=None))
    first = item(rep, "first_hedge")
    assert first.fired
    assert first.order.text == "sell 4 ESM2025, sell 8 MESM2025"


def test_hedge_ratio_limit_boundary() -> None:
    # -5 ES = 1,250,000 of exposure: 125% of beta 1.0 x 1,000,000, breached; size_hedge fixes it.
    over = report(book({"ESM2025": -5}, rebalance_beta=1.0), beta=1.0)
    lim = item(over, "max_hedge_ratio")
    assert lim.fired
    assert lim.order.text == "buy 1 ESM2025"
    # Exactly 100% (beta 1.25) is within the limit.
    at = report(book({"ESM2025": -5}, rebalance_beta=1.25), beta=1.25)
    assert not item(at, "max_hedge_ratio").fired


@pytest.mark.parametrize(
    ("net_worth", "fired"), [(4 * IM / 0.05, False), (4 * IM / 0.05 - 100, True)]
)
def test_margin_share_limit_boundary(net_worth: float, fired: bool) -> None:
    rep = report(book(policy=BookPolicy(net_worth_usd=net_worth)))
    lim = item(rep, "margin_share")
    assert lim.fired is fired
    if fired:
        # After the fix, the initial margin of the position is within 5% of net worth.
        assert lim.order is not None
        after = {"ES": -4, "MES": 0}
        for contract, q in lim.order.trades:
            after[ContractCode.parse(contract).root] += q
        reg = default_registry()
        initial = sum(abs(q) * reg.get(r).margin_on(DAY).initial_usd for r, q in after.items())
        assert initial <= 0.05 * net_worth


@pytest.mark.parametrize(("pnl", "fired"), [(-5000.0, False), (-5000.01, True)])
def test_daily_loss_boundary(pnl: float, fired: bool) -> None:
    pol = BookPolicy(limits=BookLimits(daily_futures_loss_usd=5000.0))
    assert (
        item(report(book(policy=pol), day_futures_pnl_usd=pnl), "daily_futures_loss").fired is fired
    )


@pytest.mark.parametrize(("cost", "fired"), [(5000.0, False), (5000.01, True)])
def test_quarterly_cost_boundary(cost: float, fired: bool) -> None:
    # 0.5% of the 1,000,000 portfolio is 5,000.
    assert item(report(book(), quarter_cost_usd=cost), "quarterly_cost").fired is fired


@pytest.mark.parametrize(("te", "fired"), [(0.03, False), (0.0301, True)])
def test_tracking_error_boundary(te: float, fired: bool) -> None:
    assert item(report(book(), tracking_error_annual=te), "tracking_error").fired is fired


def test_margin_call_and_buffer() -> None:
    call = report(book(cash=4 * MM - 1))
    assert item(call, "margin_call").fired
    assert call.actions_due
    short = report(book(cash=1.5 * 4 * IM - 1))
    assert item(short, "cash_buffer").fired
    assert short.margin.deposit_to_buffer_usd == pytest.approx(1)
    assert not item(report(book(cash=1.5 * 4 * IM)), "cash_buffer").fired


@pytest.mark.parametrize(
    ("day", "due"), [(dt.date(2025, 6, 9), False), (dt.date(2025, 6, 10), True)]
)
def test_roll_due_short(day: dt.date, due: bool) -> None:
    rep = report(book(day=day))
    (roll,) = rep.rolls
    assert roll.due is due
    assert roll.order.text == "buy 4 ESM2025, sell 4 ESU2025 by 2025-06-12"
    assert item(rep, "roll").fired is due
    assert roll.fair_spread_points is not None
    assert roll.fair_spread_points > 0


def test_roll_order_long_and_overdue() -> None:
    pol = BookPolicy(hedge_ratio=None, target_beta=1.5)
    rep = report(book({"ESM2025": 1}, day=dt.date(2025, 6, 13), policy=pol, rebalance_beta=1.2))
    (roll,) = rep.rolls
    assert roll.order.text == "sell 1 ESM2025, buy 1 ESU2025 by 2025-06-12"
    assert roll.sessions_left == -1
    assert roll.due


@settings(max_examples=40, deadline=None)
@given(
    es=st.integers(-20, 5),
    mes=st.integers(-30, 30),
    value=st.floats(2e5, 2e7),
    beta=st.floats(0.2, 2.0),
)
def test_order_brings_position_to_size_hedge(es: int, mes: int, value: float, beta: float) -> None:
    rep = report(book({"ESM2025": es, "MESM2025": mes}), value=value, beta=beta)
    after = {"ES": es, "MES": mes}
    for contract, q in rep.rebalance.trades:
        after[ContractCode.parse(contract).root] += q
    assert after == {leg.root: leg.quantity for leg in rep.sizing.legs}


@settings(max_examples=40, deadline=None)
@given(value=st.floats(2e5, 2e7), beta=st.floats(0.2, 2.0))
def test_nothing_due_at_target(value: float, beta: float) -> None:
    rep0 = report(book(), value=value, beta=beta)
    pos = {f"{r}M2025": q for r, q in rep0.target_by_root.items() if q}
    state = book(pos, cash=1e7, rebalance_value_usd=value, rebalance_beta=beta)
    rep = report(state, value=value, beta=beta)
    assert rep.rebalance.trades == ()
    assert not rep.actions_due, rep.sentences()


def test_policy_triggers_respected() -> None:
    pol = BookPolicy(triggers=BookTriggers(value_change=0.2))
    assert not item(report(book(policy=pol), value=1_150_000.0), "value_change").fired
    assert dataclasses.replace(pol).triggers.value_change == 0.2
