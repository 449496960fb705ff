"""Horizon cost of a futures hedge: hand ledgers on the real calendar, carry identities, rolls."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hedgekit.costs import (
    FuturesPosition,
    horizon_kind,
    plan_costs,
    project_costs,
    resolve_horizon,
)
from hedgekit.errors import InputError
from hedgekit.plan import PlanRequest, make_plan


def es(quantity: int, margin: float = 12_000.0) -> FuturesPosition:
    # CME E-mini S&P 500: $50 x index, tick 0.25 = $12.50, March/June/September/December.
    return FuturesPosition("ES", quantity, 50.0, 12.5, "HMUZ", margin)


# --------------------------------------------------------------------------- horizons


@pytest.mark.parametrize(
    ("spec", "end", "kind"),
    [
        ("tactical", dt.date(2024, 4, 12), "tactical"),
        ("medium", dt.date(2024, 7, 12), "medium"),
        ("long", dt.date(2025, 1, 12), "long"),
        ("45d", dt.date(2024, 2, 26), "tactical"),
        ("6w", dt.date(2024, 2, 23), "tactical"),
        ("9m", dt.date(2024, 10, 12), "medium"),
        ("2y", dt.date(2026, 1, 12), "long"),
        ("100", dt.date(2024, 4, 21), "medium"),
        (30, dt.date(2024, 2, 11), "tactical"),
        ("2024-12-20", dt.date(2024, 12, 20), "medium"),
    ],
)
def test_horizon_specs(spec: str | int, end: dt.date, kind: str) -> None:
    hz = resolve_horizon(dt.date(2024, 1, 12), spec)
    assert hz.end == end
    assert hz.kind == kind
    assert hz.years == pytest.approx((end - dt.date(2024, 1, 12)).days / 365.0)


def test_month_arithmetic_clamps_to_month_end() -> None:
    assert resolve_horizon("2024-01-31", "1m").end == dt.date(2024, 2, 29)


def test_horizon_bands_edges() -> None:
    assert horizon_kind(92) == "tactical"
    assert horizon_kind(93) == "medium"
    assert horizon_kind(364) == "medium"
    assert horizon_kind(365) == "long"


@pytest.mark.parametrize("spec", ["soon", "0d", "-3m", "2023-12-01", "99999d", "500y", True])
def test_bad_horizons_are_input_errors(spec: object) -> None:
    with pytest.raises(InputError):
        resolve_horizon(dt.date(2024, 1, 12), spec)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- hand ledger


def test_six_month_es_hedge_hand_ledger() -> None:
    """Short 4 ES from 2024-01-12 to 2024-07-12, index 4,800, r = 5 %, q = 1.5 %.

    Calendar by hand (CME: expiry on the third Friday, roll eight calendar days before):
    ESH4 expires 2024-03-15, rolled 2024-03-07; ESM4 expires 2024-06-21, rolled
    2024-06-13; ESU4 expires 2024-09-20 and is held at the horizon. So two rolls.
    """
    s, r, q, n, m = 4800.0, 0.05, 0.015, 4, 50.0
    c = r - q
    hz = resolve_horizon(dt.date(2024, 1, 12), "6m")
    proj = project_costs(
        [es(-n)],
        hz,
        portfolio_value_usd=1_000_000.0,
        index_level=s,
        rate_annual=r,
        dividend_yield=q,
        commission_usd=2.50,
        slippage_ticks=1.0,
        margin_rate_annual=0.05,
    )
    assert [ev.date for ev in proj.rolls] == [dt.date(2024, 3, 7), dt.date(2024, 6, 13)]
    assert [ev.to_contract for ev in proj.rolls] == ["ESM2024", "ESU2024"]
    assert proj.schedule[-1].last_trading_day == dt.date(2024, 9, 20)

    # Entry at fair value F0 = S e^{c 63/365} (63 days to 2024-03-15): the short receives
    # its basis; it buys back the basis left in ESU4 (70 days) at the horizon.
    entry = -n * m * s * (math.exp(c * 63 / 365) - 1.0)
    exit_ = n * m * s * (math.exp(c * 70 / 365) - 1.0)
    # Each roll: near expiry 8 days away, far 106 (ESM4) and 99 (ESU4) days away.
    roll1 = -n * m * s * (math.exp(c * 106 / 365) - math.exp(c * 8 / 365))
    roll2 = -n * m * s * (math.exp(c * 99 / 365) - math.exp(c * 8 / 365))
    assert proj.entry_basis_usd == pytest.approx(entry, rel=1e-12)
    assert proj.exit_basis_usd == pytest.approx(exit_, rel=1e-12)
    assert proj.roll_costs_usd == pytest.approx(roll1 + roll2, rel=1e-12)
    # 4 contracts x (open 1 + 2 rolls x 2 + close 1) = 24 sides; $2.50 + one $12.50 tick.
    assert proj.trade_sides == 24
    assert proj.commissions_usd == pytest.approx(60.0)
    assert proj.slippage_usd == pytest.approx(300.0)
    # $48,000 of initial margin forgoes 5 % continuous for 182 days.
    assert proj.margin_interest_usd == pytest.approx(48_000.0 * math.expm1(0.05 * 182 / 365))
    total = entry + exit_ + roll1 + roll2 + 360.0 + proj.margin_interest_usd
    assert proj.total_usd == pytest.approx(total, rel=1e-12)
    assert sum(v for _, v in proj.lines()) == pytest.approx(total, rel=1e-12)
    assert proj.per_day_usd == pytest.approx(total / 182)
    assert proj.per_year_usd == pytest.approx(total / (182 / 365))
    assert proj.total_pct_of_portfolio == pytest.approx(total / 1_000_000.0)


def test_short_receives_carry_when_rate_exceeds_yield_and_pays_otherwise() -> None:
    hz = resolve_horizon(dt.date(2024, 1, 12), "1y")
    kw = {"portfolio_value_usd": 1e6, "index_level": 4800.0, "commission_usd": 0.0}
    got = project_costs([es(-4)], hz, rate_annual=0.05, dividend_yield=0.015, **kw)
    paid = project_costs([es(-4)], hz, rate_annual=0.01, dividend_yield=0.03, **kw)
    assert got.carry_usd < 0 < paid.carry_usd
    # Cost-of-carry identity (Hull 11e §5.9): about -N m S (e^{(r-q)h} - 1).
    for proj, r, q in ((got, 0.05, 0.015), (paid, 0.01, 0.03)):
        approx = -4 * 50.0 * 4800.0 * math.expm1((r - q) * hz.years)
        assert proj.carry_at_fair_usd == pytest.approx(approx, rel=0.02)


@given(
    start=st.dates(dt.date(2010, 1, 1), dt.date(2030, 12, 31)),
    days=st.integers(1, 800),
    r=st.floats(-0.01, 0.08),
    q=st.floats(0.0, 0.05),
    n=st.integers(-20, 20),
)
def test_carry_telescopes_to_the_sum_of_each_contracts_convergence(
    start: dt.date, days: int, r: float, q: float, n: int
) -> None:
    """Carry = entry basis - basis left + rolls = sum over held contracts of F(a) - F(b)."""
    hz = resolve_horizon(start, days)
    try:
        proj = project_costs(
            [es(n)], hz, portfolio_value_usd=1e6, index_level=4000.0, rate_annual=r,
            dividend_yield=q,
        )  # fmt: skip
    except InputError:  # a horizon with no session (a long weekend)
        return
    s = 4000.0

    def fair(ltd: dt.date, day: dt.date) -> float:
        return s * math.exp((r - q) * max((ltd - day).days, 0) / 365.0)

    cuts = [hz.start, *(ev.date for ev in proj.rolls), hz.end]
    pnl = sum(
        n * 50.0 * (fair(held.last_trading_day, cuts[i + 1]) - fair(held.last_trading_day, cuts[i]))
        for i, held in enumerate(proj.schedule)
    )
    assert proj.carry_at_fair_usd == pytest.approx(-pnl, rel=1e-9, abs=1e-6)
    assert proj.carry_usd == pytest.approx(proj.carry_at_fair_usd, rel=1e-12, abs=1e-9)
    assert proj.n_rolls == len(proj.schedule) - 1


# --------------------------------------------------------------------------- quotes


def _one_roll(quantity: int, quote: float) -> tuple[float, str | None, float, float]:
    hz = resolve_horizon(dt.date(2024, 1, 12), "3m")
    proj = project_costs(
        [es(quantity)], hz, portfolio_value_usd=1e6, index_level=4800.0, rate_annual=0.05,
        dividend_yield=0.015, quoted_spreads=[quote],
    )  # fmt: skip
    ev = proj.rolls[0]
    return ev.fair_spread_points, ev.verdict, ev.cost_usd, proj.carry_usd - proj.carry_at_fair_usd


def test_quoted_spread_verdict_for_a_short_and_a_long() -> None:
    fair, _, _, _ = _one_roll(-4, 0.0)
    # A short sells the far contract: a quote above fair is cheap to roll, below is rich.
    _, verdict, cost, gained = _one_roll(-4, fair + 2.0)
    assert verdict == "cheap"
    assert cost == pytest.approx(-4 * 50.0 * (fair + 2.0))
    assert gained == pytest.approx(-4 * 50.0 * 2.0)
    assert _one_roll(-4, fair - 2.0)[1] == "rich"
    assert _one_roll(-4, fair + 0.2)[1] == "fair"  # inside one tick (0.25)
    # A long buys the far contract: the other way round.
    assert _one_roll(4, fair + 2.0)[1] == "rich"
    assert _one_roll(4, fair - 2.0)[1] == "cheap"


def test_more_quotes_than_rolls_is_an_error() -> None:
    with pytest.raises(InputError, match="more quoted spreads"):
        project_costs(
            [es(-1)], resolve_horizon("2024-01-12", "30d"), portfolio_value_usd=1e6,
            index_level=4800.0, rate_annual=0.05, dividend_yield=0.015, quoted_spreads=[40.0],
        )  # fmt: skip


def test_margin_in_tbills_forgoes_nothing_and_no_hedge_costs_nothing() -> None:
    hz = resolve_horizon("2024-01-12", "6m")
    kw = {"portfolio_value_usd": 1e6, "index_level": 4800.0, "rate_annual": 0.05}
    tb = project_costs([es(-2)], hz, dividend_yield=0.01, margin_in_tbills=True, **kw)
    assert tb.margin_interest_usd == 0.0
    assert tb.margin_posted_usd == 24_000.0
    none = project_costs([], hz, dividend_yield=0.01, **kw)
    assert none.total_usd == 0.0
    assert none.dividends_on_stocks_usd > 0.0


def test_dividends_split_matches_the_carry_of_one_contract_expiring_at_the_horizon() -> None:
    """S(e^{(r-q)h} - 1) = S(e^{rh} - 1) - S e^{rh}(1 - e^{-qh}) (module identity)."""
    hz = resolve_horizon("2024-01-12", "91d")
    p = project_costs(
        [es(-1)], hz, portfolio_value_usd=240_000.0, index_level=4800.0, rate_annual=0.05,
        dividend_yield=0.015,
    )  # fmt: skip
    carry = 50.0 * 4800.0 * math.expm1(0.035 * hz.years)
    assert p.interest_in_futures_usd - p.dividends_in_futures_usd == pytest.approx(carry)
    # A beta-1 portfolio of exactly one contract's notional: same dividends either way.
    assert p.dividends_on_stocks_usd == pytest.approx(p.dividends_in_futures_usd)


# --------------------------------------------------------------------------- from a plan


@pytest.fixture(scope="module")
def plan():  # type: ignore[no-untyped-def]
    return make_plan(
        PlanRequest(value_usd=1_000_000.0, beta=1.0, contract="ES", as_of=dt.date(2024, 1, 12))
    )


def test_plan_costs_use_the_plans_contracts_prices_and_fees(plan) -> None:  # type: ignore[no-untyped-def]
    proj = plan_costs(plan, "3m")
    assert [(p.root, p.quantity) for p in proj.positions] == [
        (leg.root, leg.quantity) for leg in plan.sizing.legs if leg.quantity
    ]
    assert proj.entry_futures_price == plan.market.futures_price
    assert proj.rate_annual == plan.market.rate.value
    assert proj.n_rolls == 1  # ESH4 rolled on 2024-03-07, before 2024-04-12
    assert proj.margin_posted_usd == pytest.approx(plan.margin.initial_usd)
    sides = 2 + 2 * proj.n_rolls
    assert proj.commissions_usd == pytest.approx(
        sides * plan.request.commission_usd * sum(abs(p.quantity) for p in proj.positions)
    )
    d = proj.to_dict()
    assert d["horizon"]["kind"] == "tactical"
    assert d["total_usd"] == pytest.approx(sum(x["usd"] for x in d["ledger"]))
    assert list(proj.to_frame()["usd"]) == [v for _, v in proj.lines()]
