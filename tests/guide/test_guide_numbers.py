"""The hedging guide's worked numbers, recomputed with hedgekit, against docs/guide-notes.md.

Sources checked: /work/shared/seeds/portfolio-hedging-with-futures.md ("the guide") and
/work/shared/seeds/hedge-ratio.txt ("the hedge-ratio piece"). Each discrepancy test computes
the right value with hedgekit (or with plain arithmetic written out) and asserts that
docs/guide-notes.md states that value in the numbered entry about it, so the notes cannot
drift from the code. ``test_guide_figure_is_right`` runs over the figures found right, and the
notes' closing count must match it. Textbook references: Hull, *Options, Futures and Other
Derivatives*, 11th ed. (§2.4 margin, §3.3 basis risk, §3.4 minimum-variance hedge and
effectiveness, §3.5 index futures hedges, ch. 5 cost of carry, ch. 11/17 put-call parity).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from hedgekit.calendar import CmeRollRule, ContractCode, nominal_expiry
from hedgekit.contracts import ContractSpec, MarginRate, get_contract
from hedgekit.datasets import load_sp500, load_vix
from hedgekit.estimation import (
    hedge_effectiveness,
    holdings_weighted_beta,
    min_variance_hedge_ratio,
)
from hedgekit.margin import margin_requirements, simulate_margin_account
from hedgekit.policies import FloorCppi
from hedgekit.pricing import (
    bsm_greeks,
    bsm_price,
    calendar_spread,
    carry_cost_of_short_hedge,
    fair_value_continuous,
    implied_vol,
    protective_put,
    roll_cost_usd,
)
from hedgekit.scenarios import Scenario, ScenarioRow, evaluate_scenarios
from hedgekit.sizing import HedgeSizing, Leg, size_hedge

DOC = Path(__file__).resolve().parents[2] / "docs" / "guide-notes.md"
N_ENTRIES = 35

# The guide's market: S&P 500 at 4,500; its margin rate (5 %) and S&P 500 dividend yield
# (1.4 %, "Breaking Down the Hedge Economics") as continuous r and q.
S0 = 4_500.0
R = 0.05
Q = 0.014
ES = get_contract("ES")
MES = get_contract("MES")
NQ = get_contract("NQ")
MNQ = get_contract("MNQ")
RTY = get_contract("RTY")
M2K = get_contract("M2K")
MICRO = {"ES": MES, "NQ": MNQ, "RTY": M2K}
BUILTIN_DAY = dt.date(2024, 1, 2)

# The guide's round ES margins: initial $12,000, maintenance "~80% of initial" = $9,600.
ES_GUIDE = ContractSpec(
    root="ES",
    name="E-mini S&P 500 (guide margins)",
    index="SPX",
    multiplier_usd=50.0,
    tick_size_points=0.25,
    margins=(MarginRate(dt.date(2023, 1, 1), 12_000.0, 9_600.0, "guide round figures"),),
)
GUIDE_REG = {"ES": ES_GUIDE}


# --------------------------------------------------------------------------- the notes


@cache
def _entries() -> dict[int, str]:
    text = DOC.read_text(encoding="utf-8")
    parts = re.split(r"^### (\d+)\. ", text, flags=re.MULTILINE)
    return {int(parts[i]): parts[i + 1].split("\n## ")[0] for i in range(1, len(parts), 2)}


def says(n: int, *texts: str) -> None:
    """Assert that entry ``n`` of docs/guide-notes.md contains each text."""
    body = _entries()[n]
    for t in texts:
        assert t in body, f"docs/guide-notes.md entry {n} should state {t!r}"


def _half_up(x: float, nd: int) -> Decimal:
    """Round as people do (0.8125 -> 0.813), not to even as ``format`` does."""
    return Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-nd), rounding=ROUND_HALF_UP)


def usd(x: float, step: float = 1.0) -> str:
    """``$12,345`` (absolute value; the sign is in the prose), rounded to ``step``."""
    return f"${_half_up(abs(x) / step, 0) * Decimal(repr(step)):,.0f}"


def usd2(x: float) -> str:
    return f"${_half_up(abs(x), 2):,}"


def pct(x: float, nd: int = 1) -> str:
    """``12.3%`` of the absolute value (the sign is in the prose)."""
    return f"{_half_up(100.0 * abs(x), nd)}%"


def num(x: float, nd: int = 2) -> str:
    return f"{_half_up(abs(x), nd):,}"


def flat_row(
    value: float,
    beta: float,
    short: int,
    move: float,
    *,
    price: float = S0,
    spec: ContractSpec = ES,
) -> ScenarioRow:
    """Index move with the futures at spot, no carry, no dividends: the guide's own model."""
    legs = [Leg.of(spec.root, -short, spec.multiplier_usd, price)] if short else []
    table = evaluate_scenarios(
        value,
        beta,
        legs,
        price,
        [Scenario("guide", move, 0)],
        days_to_expiry=0.0,
        return_model="beta",
    )
    return table.rows[0]


def carry_row(short: int, move: float, days: int, expiry_days: int) -> ScenarioRow:
    """$500k, beta 1, futures at fair value; a 360-day year makes 60/90/180 days 2/3/6 months."""
    f0 = fair_value_continuous(S0, R, Q, expiry_days / 360.0)
    table = evaluate_scenarios(
        500_000.0,
        1.0,
        [Leg.of("ES", -short, 50.0, f0)],
        S0,
        [Scenario("x", move, days)],
        days_to_expiry=expiry_days,
        rate_annual=R,
        dividend_yield=Q,
        margin_usd_per_contract=12_000.0,
        days_per_year=360.0,
    )
    return table.rows[0]


def _close(frame: pd.DataFrame, day: str) -> float:
    """Closing level on ``day`` (a bundled real series)."""
    return float(frame.loc[day:day, "close"].to_numpy()[0])


def legs_text(s: HedgeSizing) -> str:
    return " + ".join(f"{abs(leg.quantity)} {leg.root}" for leg in s.legs if leg.quantity)


def test_notes_are_numbered_in_order() -> None:
    assert sorted(_entries()) == list(range(1, N_ENTRIES + 1))


# --------------------------------------------------------------------------- margin


def test_01_maintenance_is_not_80_percent_of_initial() -> None:
    """Key Terminology → Maintenance Margin: "~80% of initial" ($19,200 for 2 ES)."""
    rate = ES.margin_on(BUILTIN_DAY)
    # CME: speculative initial = 110 % of maintenance (module notes of hedgekit.contracts).
    assert rate.maintenance_usd == pytest.approx(12_000 / 1.10, abs=0.5)
    m = margin_requirements([Leg.of("ES", -2, 50.0, S0)], BUILTIN_DAY, 500_000)
    first_call = {row.multiple: row for row in m.buffer_table}[1.0].adverse_move_to_call
    guide = margin_requirements(
        [Leg.of("ES", -2, 50.0, S0)], "2023-06-30", 500_000, registry=GUIDE_REG
    )
    guide_call = guide.buffer_table[0].adverse_move_to_call
    assert guide.maintenance_usd == 19_200
    assert first_call is not None
    assert guide_call is not None
    says(
        1, usd(rate.maintenance_usd), usd(m.maintenance_usd), pct(first_call, 2), pct(guide_call, 2)
    )


def test_02_barely_avoided_is_a_22500_call() -> None:
    """Common Mistakes → #2 "BARELY avoided margin call" (+225 points, then +1 %)."""
    prices = np.array([4_500.0, 4_725.0, 4_725.0 * 1.01])
    p = simulate_margin_account(prices, -2, 50.0, 12_000.0, 9_600.0)
    assert p.balance_before_call_usd[0] == pytest.approx(1_500)
    assert p.margin_call_usd[0] == pytest.approx(22_500)
    assert p.margin_call_usd[1] == 0.0  # no second call: no $27,000
    cme = simulate_margin_account(
        prices, -2, 50.0, 12_000.0, ES.margin_on(BUILTIN_DAY).maintenance_usd
    )
    assert cme.margin_call_usd[0] == pytest.approx(22_500)
    says(
        2,
        usd(p.margin_call_usd[0]),
        usd(-p.daily_gain_usd[1]),
        usd(p.balance_before_call_usd[1]),
        usd(cme.margin_call_usd[1]),
        usd(cme.maintenance_usd),
    )


def test_03_ten_percent_rally_loses_45000() -> None:
    """When NOT to Use → #3: "Market rallies 10% suddenly → Futures loss $22,500"."""
    p = simulate_margin_account(np.array([S0, S0 * 1.10]), -2, 50.0, 12_000.0, 9_600.0)
    assert p.daily_gain_usd[0] == pytest.approx(-45_000)
    assert p.balance_before_call_usd[0] == pytest.approx(-21_000)
    says(3, usd(p.daily_gain_usd[0]), usd(p.balance_before_call_usd[0]), usd(p.margin_call_usd[0]))


def test_04_leverage_of_four_es_is_18_75() -> None:
    """The Leverage Advantage → Method 3: "$1,000,000 / $48,000 = 20.8:1"."""
    s = size_hedge(1_000_000, 1.0, S0, ES, 1.0)
    m = margin_requirements(s, BUILTIN_DAY, 1_000_000)
    assert s.legs[0].quantity == -4
    assert m.initial_usd == 48_000
    assert m.leverage is not None
    row = flat_row(1_000_000, 1.0, 4, 0.10)
    interest = m.initial_usd * R * 0.25
    says(
        4,
        num(s.exact_contracts),
        usd(m.notional_usd),
        num(m.leverage),
        usd(row.futures_pnl_usd),
        usd(row.net_pnl_usd),
        usd(interest),
    )


def test_05_ten_percent_of_a_million_is_100000() -> None:
    """The Leverage Advantage → Method 2: "If market up 10%: Make $75,000 on stocks"."""
    row = flat_row(1_000_000, 1.0, 0, 0.10)
    net = row.portfolio_pnl_usd - 25_000
    says(5, usd(row.portfolio_pnl_usd), usd(net))


# --------------------------------------------------------------------------- counts


def test_06_gamma_example_is_under_not_over_hedged() -> None:
    """The Greeks → Gamma: "Now over-hedged! Need to reduce to 1.7 contracts"."""
    before = size_hedge(500_000, 1.1, S0, ES, 1.0)
    after = size_hedge(390_000, 1.1, 3_600, ES, 1.0)
    assert after.portfolio_beta_dollars_usd == pytest.approx(429_000)
    assert after.legs[0].quantity == -2
    assert after.hedge_ratio_effective < 1.0  # under-hedged
    says(
        6,
        num(after.exact_contracts),
        pct(after.hedge_ratio_effective),
        pct(before.hedge_ratio_effective),
    )


def test_07_rounding_is_not_basis_risk_micros_fix_it() -> None:
    """The Greeks → Delta: "can only trade whole contracts → basis risk!"."""
    s = size_hedge(500_000, 1.1, S0, ES, 1.0, micro=MES)
    says(7, legs_text(s), usd(-s.hedge_beta_dollars_usd), pct(s.hedge_ratio_effective))


def test_08_rebalancing_on_a_stale_contract_value() -> None:
    """Dynamic Rebalancing → Trigger 1 ("2.52 ≈ 3") and Mistake #8 ("$550k → Rebalance")."""
    s = size_hedge(575_000, 0.985, S0 * 1.15, ES, 1.0)
    assert s.legs[0].quantity == -2
    three = 3 * ES.notional_usd(S0 * 1.15) / s.portfolio_beta_dollars_usd
    s8 = size_hedge(550_000, 1.0, S0 * 1.10, ES, 1.0)
    assert s8.legs[0].quantity == -2
    says(
        8,
        usd(ES.notional_usd(S0 * 1.15)),
        num(s.exact_contracts),
        pct(three),
        num(s8.exact_contracts),
    )


# (entry-9 row label, value, beta, price, contract, the guide's count)
ROUNDED_PAST_100 = [
    ("NQ section, Option 1", 800_000, 1.3, S0, ES, 5),
    ("NQ section, Option 2", 800_000, 1.3, 15_000, NQ, 4),
    ("RTY: $600k", 600_000, 1.15, 2_000, RTY, 7),
    ("Medium-term", 1_000_000, 1.05, S0, ES, 5),
    ("Long-term", 2_000_000, 1.0, S0, ES, 9),
    ("Trigger 2", 500_000, 0.85, S0, ES, 2),
    ("$800k tech in NQ", 800_000, 1.0, 15_000, NQ, 3),
    ("$600k value in ES", 600_000, 1.0, S0, ES, 3),
    ("$2M of AAPL", 2_000_000, 1.0, 15_000, NQ, 9),
]


@pytest.mark.parametrize(("label", "value", "beta", "price", "spec", "guide_n"), ROUNDED_PAST_100)
def test_09_nearest_counts_past_100_percent(
    label: str, value: float, beta: float, price: float, spec: ContractSpec, guide_n: int
) -> None:
    """Contract/Time Selection, Rebalancing, When to Use: counts rounded into a net short."""
    whole = size_hedge(value, beta, price, spec, 1.0)
    mixed = size_hedge(value, beta, price, spec, 1.0, micro=MICRO[spec.root])
    guide_share = guide_n * spec.notional_usd(price) / (beta * value)
    assert guide_share > 1.0  # the guide's count is net short
    assert 0.0 < whole.hedge_ratio_effective <= 1.0
    # with Micros a count past 100% is kept only within the net-short tolerance, and only
    # when no farther from the target than the count that stays within 100%
    assert mixed.hedge_ratio_effective <= 1.0 + mixed.net_short_tolerance + 1e-12
    strict = size_hedge(
        value, beta, price, spec, 1.0, micro=MICRO[spec.root], net_short_tolerance=0
    )
    assert strict.hedge_ratio_effective <= 1.0 + 1e-12
    assert abs(mixed.hedge_ratio_effective - 1.0) <= abs(strict.hedge_ratio_effective - 1.0)
    rows = [line for line in _entries()[9].splitlines() if line.startswith("|") and label in line]
    assert len(rows) == 1, label
    cells = [c.strip() for c in rows[0].strip("|").split("|")]
    assert cells[2] == num(whole.exact_contracts)
    assert cells[3] == pct(guide_share)
    assert cells[4] == f"{legs_text(whole)}, {pct(whole.hedge_ratio_effective)}"
    assert cells[5] == f"{legs_text(mixed)}, {pct(mixed.hedge_ratio_effective)}"


def test_10_net_short_is_measured_against_beta_exposure() -> None:
    """Red Flags → #1: "Futures Notional / Portfolio Value > 1.0" means net short."""
    nq = size_hedge(800_000, 1.3, 15_000, NQ, 1.0)
    assert nq.legs[0].quantity == -3
    ratio = nq.notional_usd / 800_000
    low_beta = size_hedge(500_000, 0.85, S0, ES, 1.0, allow_net_short=True)
    assert low_beta.legs[0].quantity == -2
    says(
        10,
        num(ratio, 3),
        pct(nq.hedge_ratio_effective),
        usd(nq.portfolio_beta_dollars_usd),
        num(low_beta.notional_usd / 500_000),
        pct(low_beta.hedge_ratio_effective),
    )


def test_11_optimal_hedge_ratio_is_rho_sigma_ratio_not_a_count() -> None:
    """Position Sizing → "Calculating Optimal Hedge Ratio" (and Key Terminology → Hedge Ratio)."""
    rng = np.random.default_rng(20240102)
    days = pd.bdate_range("2023-01-02", periods=250)
    f = rng.normal(0.0, 0.01, len(days))
    s = 0.985 * f + rng.normal(0.0, 0.003, len(days))
    res = min_variance_hedge_ratio(pd.Series(s, index=days), pd.Series(f, index=days))
    # Hull eq. (3.1): h* = rho sigma_S / sigma_F = cov(S, F) / var(F)
    assert res.h_star == pytest.approx(np.cov(s, f)[0, 1] / np.var(f, ddof=1), rel=1e-9)
    assert res.h_star == pytest.approx(res.rho * res.sigma_spot_annual / res.sigma_futures_annual)
    n_star = size_hedge(500_000, 0.985, S0, ES, 1.0).exact_contracts
    says(11, num(n_star), "ρ σ_S / σ_F")


def test_12_beta_mismatch_is_a_sizing_error() -> None:
    """The Basis Risk Trade-off → Beta mismatch: "Unhedged 2% loss (basis risk)"."""
    s = size_hedge(500_000, 1.2, S0, ES, 1.0)
    # the exact count offsets the whole beta move: 500k x 1.2 x -10% + N x 50 x 450 = 0
    assert 500_000 * 1.2 * -0.10 + -s.exact_contracts * 50 * 450 == pytest.approx(0.0, abs=1e-6)
    says(12, num(s.exact_contracts))


def test_13_half_hedge_keeps_55_percent_of_a_20_percent_rally() -> None:
    """Partial Hedging Strategies → "Market up 20% → Portfolio up ~19% (captured 95%)"."""
    row = flat_row(500_000, 1.0, 1, 0.20)
    assert row.pct_of_gain_given_up is not None
    says(13, usd(row.net_pnl_usd), pct(row.net_return), pct(1 - row.pct_of_gain_given_up, 0))


def test_14_cppi_hedge_rises_as_the_floor_nears() -> None:
    """Portfolio Insurance Formula (CPPI): h = (V − F)/V × V/S, "increases automatically"."""
    floor, m = 450_000.0, 3.0
    policy = FloorCppi(floor_fraction=floor / 500_000, multiplier=m)
    guide = [(v - floor) / v * v / 225_000 for v in (500_000, 480_000, 460_000)]
    assert guide[0] > guide[1] > guide[2]  # the guide's own numbers fall
    hs, counts = [], []
    for v in (500_000.0, 480_000.0, 460_000.0):
        h = 1.0 - m * (v - floor) / (1.0 * v)  # Black & Jones (1987): exposure m (V - F)
        assert policy.ratio(v, v, 1.0, floor) == pytest.approx(h)
        counts.append(-size_hedge(v, 1.0, S0 * v / 500_000, ES, h).exact_contracts)
        hs.append(h)
    assert hs[0] < hs[1] < hs[2]
    assert counts[0] < counts[1] < counts[2]
    says(14, num(0.22 * 2), *(pct(h) for h in hs), *(num(c) for c in counts))


# --------------------------------------------------------------------------- carry


def test_15_contango_roll_is_carry_received() -> None:
    """The Greeks → Theta "Contango roll cost"; Time Selection rolls; "Roll yield negative"."""
    assert roll_cost_usd(2, 5.0, 50.0) == -500.0  # the guide's own 5 points: received
    spread = calendar_spread(S0, R, Q, 0.0, 0.25)
    assert spread > 0
    per_roll = {n: roll_cost_usd(n, spread, 50.0) for n in (2, 5, 9)}
    year = carry_cost_of_short_hedge(S0, R, Q, 1.0, contracts_short=2, multiplier_usd=50.0)
    six_weeks = carry_cost_of_short_hedge(S0, R, Q, 0.125, contracts_short=2, multiplier_usd=50.0)
    assert year.direction == "receives"
    says(
        15,
        usd(roll_cost_usd(2, 5.0, 50.0)),
        num(spread, 1),
        *(usd(c) for c in per_roll.values()),
        usd(year.pnl_usd),
        pct(year.pnl_usd / 500_000),
        usd(six_weeks.pnl_usd),
        usd(24_000 * R * 0.125),
    )


def test_16_futures_have_no_theta_the_short_earns_carry() -> None:
    """The Greeks → Theta: "Θ_total = −$3.29 − $5.48 = −$8.77/day"."""
    day = carry_cost_of_short_hedge(S0, R, Q, 1 / 365, contracts_short=2, multiplier_usd=50.0)
    margin = 24_000 * R / 365
    assert margin == pytest.approx(3.29, abs=0.005)
    says(16, usd2(day.pnl_usd), usd2(day.pnl_usd - margin))


def test_17_put_theta_is_not_premium_over_90_days() -> None:
    """Economic Interpretation / Theta: "Θ_puts = −$12,500/90 = −$139/day", "−$278/day"."""
    units = 500_000 / S0
    vol = implied_vol("put", 12_500 / units, S0, S0, 0.25, R, Q)
    g = bsm_greeks("put", S0, S0, 0.25, R, Q, vol)
    assert g.theta_per_day * units > -12_500 / 90  # decays slower than the average at first
    says(17, pct(vol), usd(g.theta_per_day * units), usd(2 * g.theta_per_day * units))


def test_18_rho_higher_rates_mean_more_carry_received() -> None:
    """The Greeks → Rho: "Contango increases by ~$5-$10 per contract per quarter"."""
    d = calendar_spread(S0, R + 0.01, Q, 0.0, 0.25) - calendar_spread(S0, R, Q, 0.0, 0.25)
    per_es = -roll_cost_usd(1, d, 50.0)
    says(18, num(d, 1), usd(per_es), usd(2 * 4 * per_es))


def test_19_hedge_economics_leave_out_the_interest_in_the_basis() -> None:
    """Economic Interpretation → "Breaking Down the Hedge Economics": net cost "≈ $0"."""
    c = carry_cost_of_short_hedge(S0, R, Q, 0.25, contracts_short=2, multiplier_usd=50.0)
    interest_simple = 450_000 * R * 0.25
    dividends_kept = 500_000 * 0.015 * 0.25
    total = c.pnl_usd + dividends_kept - 24_000 * R * 0.25
    says(19, usd(interest_simple), usd(c.pnl_usd), usd(total))


def test_20_dividends_are_swapped_for_interest() -> None:
    """Common Mistakes → #10: "Net: Only $1k dividend benefit (90% reduction!)"."""
    c = carry_cost_of_short_hedge(S0, R, 0.02, 1.0, contracts_short=2, multiplier_usd=50.0)
    assert c.direction == "receives"
    says(20, usd(450_000 * 0.02), usd(450_000 * R), usd(c.pnl_usd))


# --------------------------------------------------------------------------- scenarios


def test_21_scenario_roll_costs_use_the_five_contract_figure() -> None:
    """Maximum Profit and Loss → "$1,250 (one roll)", "2 rolls × $1,250", 50% flat "$1,550"."""
    roll2 = -roll_cost_usd(2, 5.0, 50.0)  # the guide's sign: paid
    s2_cost = 24_000 * R * 3 / 12 + roll2
    s2_net = flat_row(500_000, 1.0, 2, 0.15).net_pnl_usd - s2_cost
    s3_cost = 24_000 * R * 6 / 12 + 2 * roll2
    s4_cost = 12_000 * R * 6 / 12 + 2 * -roll_cost_usd(1, 5.0, 50.0)
    says(
        21,
        usd(roll2),
        usd(s2_cost),
        usd(s2_net),
        pct(s2_net / 500_000, 2),
        usd(s3_cost),
        pct(s3_cost / 500_000, 2),
        usd(s4_cost),
        pct(s4_cost / 500_000, 2),
    )


def test_22_a_hedge_costs_the_equity_premium() -> None:
    """When Hedging Makes Economic Sense (+2.0%); "~0.7% per year"; young investor; 2017."""
    p_crash, crash, mean, h = 0.15, -0.20, 0.10, 0.9
    others = (mean - p_crash * crash) / (1 - p_crash)
    loss_others = h * others
    ev = p_crash * h * -crash - (1 - p_crash) * loss_others + h * (R - Q)
    # the same as the hedged share of (carry - expected price return)
    assert ev == pytest.approx(h * ((R - Q) - mean))
    bill = 200_000 * (1 + R) ** 35
    says(22, pct(others), pct(loss_others), pct(ev), f"${bill / 1e6:.1f}M", pct(0.19 + 0.007))


def test_23_scenarios_with_carry_and_dividends() -> None:
    """Maximum Profit and Loss → Scenarios 1–4 priced without carry or dividends."""
    crash = carry_row(2, -0.20, 60, 90)
    rally = carry_row(2, 0.15, 90, 90)
    flat = carry_row(2, 0.0, 180, 180)
    half_flat = carry_row(1, 0.0, 180, 180)
    assert crash.pct_of_loss_protected is not None
    assert flat.net_pnl_usd > 0
    says(
        23,
        usd(crash.net_pnl_usd),
        pct(crash.pct_of_loss_protected),
        usd(rally.net_pnl_usd),
        usd(flat.net_pnl_usd),
        usd(half_flat.net_pnl_usd),
        usd(500_000 - 3_100 + 3_750),
    )


def test_24_ninety_percent_is_rounding_effectiveness_is_variance() -> None:
    """What to Remember → "Max Protection ≈ 90%"; Scenario 1 "Hedge effectiveness: 90%"."""
    s = size_hedge(500_000, 1.0, S0, ES, 1.0, micro=MES)
    m = pd.Series(
        np.random.default_rng(7).normal(0, 0.01, 300),
        index=pd.bdate_range("2022-01-03", periods=300),
    )
    he = hedge_effectiveness(0.1 * m, m)  # 90 % of every move offset, no basis risk
    assert he == pytest.approx(0.99)
    says(24, legs_text(s), usd(-s.hedge_beta_dollars_usd), pct(s.hedge_ratio_effective), pct(he, 0))


# --------------------------------------------------------------------------- options


def test_25_quarterly_atm_puts_cost_ten_percent_a_year() -> None:
    """What to Remember → "Compare to puts: 2-5% per year"."""
    units = 500_000 / S0
    vol = implied_vol("put", 12_500 / units, S0, S0, 0.25, R, Q)
    quarter = bsm_price("put", S0, S0, 0.25, R, Q, vol) / S0
    one_year = bsm_price("put", S0, S0, 1.0, R, Q, vol) / S0
    says(25, pct(4 * quarter, 0), pct(one_year), pct(vol))


def test_26_covid_put_prices_at_the_vix() -> None:
    """The Greeks → Vega, 2020: "VIX: 75 … ATM puts 15% of spot"; "VIX: 40 … 8%"."""
    vix = _close(load_vix(), "2020-03-12")
    p75 = bsm_price("put", 1.0, 1.0, 1 / 12, 0.005, 0.02, 0.75)
    p40 = bsm_price("put", 1.0, 1.0, 1 / 12, 0.005, 0.02, 0.40)
    says(26, f"{vix:.2f}", pct(p75), usd(p75 * 500_000, 100), pct(p40), pct(1 - p40 / p75, 0))


def test_27_put_call_parity_short_futures_is_not_a_put() -> None:
    """Economic Interpretation → "Short Futures ≡ Long Put (ATM) + Short Call (ATM) − Financing"."""
    t, vol = 0.25, 0.15
    f0 = fair_value_continuous(S0, R, Q, t)
    at_f = bsm_price("put", S0, f0, t, R, Q, vol) - bsm_price("call", S0, f0, t, R, Q, vol)
    at_s = bsm_price("put", S0, S0, t, R, Q, vol) - bsm_price("call", S0, S0, t, R, Q, vol)
    assert at_f == pytest.approx(0.0, abs=1e-9)
    assert at_s == pytest.approx(math.exp(-R * t) * (S0 - f0))
    up = S0 * 1.15
    put = protective_put(S0, S0, t, R, Q, vol)
    assert float(put.pnl_at_expiry(up)[()]) > 0.0  # keeps the rise less the premium
    assert up - S0 + (f0 - up) == pytest.approx(f0 - S0)  # stocks + short futures: carry only
    says(27, f"−{num(at_s, 1)} points", f"{num(at_s, 1)} points of carry")


# --------------------------------------------------------------------------- mistakes


def test_28_mistake_1_net_short_175000() -> None:
    """Common Mistakes → #1: "Now net short 100k notional ($50k × 2 = $100k extra)"."""
    s = size_hedge(500_000, 1.0, S0, ES, 1.0)
    three = Leg.of("ES", -3, 50.0, S0)
    net_short = three.notional_usd - s.portfolio_beta_dollars_usd
    row = flat_row(500_000, 1.0, 3, 0.10)
    assert row.net_pnl_usd == pytest.approx(-0.10 * net_short)
    says(28, usd(three.notional_usd), usd(net_short), usd(row.net_pnl_usd))


def test_29_mistake_4_net_short_twice_the_portfolio() -> None:
    """Common Mistakes → #4: "1 contract = 300% hedged (net short 2.33×)"."""
    net_short = ES.notional_usd(S0) - 75_000
    says(29, usd(net_short), f"{net_short / 75_000:.1f}×")


def test_30_mistake_9_tech_portfolio() -> None:
    """Common Mistakes → #9: "Net: Only gained 4%", the NQ row's "−$60k"."""
    es_row = flat_row(500_000, 1.4, 2, 0.10)
    assert es_row.portfolio_pnl_usd == pytest.approx(70_000)
    per_nq = -flat_row(500_000, 1.0, 1, 0.15, price=15_000, spec=NQ).futures_pnl_usd
    right = size_hedge(500_000, 1.4, S0, ES, 1.0)
    assert right.legs[0].quantity == -3
    right_row = flat_row(500_000, 1.4, 3, 0.10)
    says(
        30,
        pct(es_row.net_return),
        num(60_000 / per_nq),
        num(right.exact_contracts),
        usd(right_row.futures_pnl_usd),
        usd(right_row.net_pnl_usd),
    )


def test_31_roll_reminders_are_not_fixed_dates() -> None:
    """Common Mistakes → #3: reminders March 8-12, June 12-16, September 11-15, December 10-14."""
    rule = CmeRollRule()

    def fmt(d: pd.Timestamp) -> str:
        return f"{d:%b} {d.day}"

    rolls23 = [rule.roll_date(ContractCode("ES", 2023, m)) for m in (3, 6, 9, 12)]
    windows23 = [dt.date(2023, 6, 12), dt.date(2023, 9, 11), dt.date(2023, 12, 10)]
    for roll, start in zip(rolls23[1:], windows23, strict=True):
        assert roll.date() < start  # the window opens after CME's roll date
    assert nominal_expiry(2023, 6).date() == dt.date(2023, 6, 16)  # the window's last day
    assert nominal_expiry(2023, 9).date() == dt.date(2023, 9, 15)
    assert nominal_expiry(2023, 12).date() == dt.date(2023, 12, 15)
    roll24 = rule.roll_date(ContractCode("ES", 2024, 3))
    assert roll24.date() < dt.date(2024, 3, 8)
    days = {nominal_expiry(y, m).day for y in range(2000, 2030) for m in (3, 6, 9, 12)}
    assert min(days) == 15
    assert max(days) == 21
    says(
        31,
        ", ".join(fmt(d) for d in rolls23),
        fmt(nominal_expiry(2023, 6)),
        fmt(nominal_expiry(2023, 9)),
        fmt(roll24),
    )


SLIPS: list[tuple[str, Callable[[], str]]] = [
    # Position Sizing, Step 4: 3 ES on 500k x 0.985 beta-dollars
    ("137.1%", lambda: pct(3 * ES.notional_usd(S0) / (500_000 * 0.985))),
    # two sides of ($2 + 0.25 pt = $12.50) and of ($5 + 0.50 pt = $25)
    ("$29", lambda: usd(2 * (2 + ES.tick_value_usd))),
    ("$60", lambda: usd(2 * (5 + 2 * ES.tick_value_usd))),
    # Mistake #8: $900 on $500k
    ("0.18%", lambda: pct(900 / 500_000, 2)),
]


@pytest.mark.parametrize(("text", "compute"), SLIPS, ids=[s[0] for s in SLIPS])
def test_32_small_slips(text: str, compute: Callable[[], str]) -> None:
    """Position Sizing Step 4 (136%), rebalancing costs ($30-40), Mistake #8 (cost > benefit)."""
    assert compute() == text
    says(32, text)


# --------------------------------------------------------------------------- hedge-ratio piece

SPY, T_SPY, R_SPY, Q_SPY = 300.0, 91 / 365, 0.015, 0.018


def test_33_seed_put_prices_imply_an_inverted_skew() -> None:
    """hedge-ratio.txt: $20 at 300, $8 at 280, $2 at 260, 3 months."""
    ivs = [
        implied_vol("put", p, SPY, k, T_SPY, R_SPY, Q_SPY)
        for k, p in ((300, 20.0), (280, 8.0), (260, 2.0))
    ]
    assert ivs[0] > ivs[1] > ivs[2]
    at_atm = [bsm_price("put", SPY, k, T_SPY, R_SPY, Q_SPY, ivs[0]) for k in (280, 260)]
    says(33, *(pct(v) for v in ivs), *(usd2(p) for p in at_atm))


def test_34_a_260_put_leaves_the_first_13_percent_unprotected() -> None:
    """hedge-ratio.txt: "$2 per unit to fully hedge 100 percent of our portfolio"."""
    vol = implied_vol("put", 2.0, SPY, 260.0, T_SPY, R_SPY, Q_SPY)
    s = protective_put(SPY, 260.0, T_SPY, R_SPY, Q_SPY, vol)
    assert s.floor_value == pytest.approx(258.0)
    says(34, pct(1 - 260 / SPY), usd(s.floor_value), pct(-s.floor_return_pct / 100))


def test_35_share_of_up_years() -> None:
    """hedge-ratio.txt: "the market is up, something like 6 out of 7 years"."""
    close = load_sp500()["close"]
    yearly = close.groupby(pd.DatetimeIndex(close.index).year).last()
    changes = yearly.pct_change().loc[1928:2023]
    up, n = int((changes > 0).sum()), len(changes)
    assert n == 96
    says(35, f"{up} of {n}", pct(up / n), pct(6 / 7))


# --------------------------------------------------------------------------- right figures


def _sized(
    value: float, beta: float, price: float, spec: ContractSpec, h: float = 1.0
) -> HedgeSizing:
    return size_hedge(value, beta, price, spec, h)


def _margin(legs: list[Leg], value: float) -> float:
    return margin_requirements(legs, "2023-06-30", value, registry=GUIDE_REG).initial_usd


def _spx(day: str) -> float:
    return _close(load_sp500(), day)


# (guide section and figure, the guide's number, hedgekit's or the written-out value, tolerance)
RIGHT: list[tuple[str, float, Callable[[], float], float]] = [
    ("ES: notional 50 x 4,500", 225_000, lambda: ES.notional_usd(S0), 0),
    ("ES: margin 5.3% of notional", 0.053, lambda: 12_000 / ES.notional_usd(S0), 5e-4),
    (
        "ES: leverage 18.75:1",
        18.75,
        lambda: (
            margin_requirements(
                [Leg.of("ES", -1, 50.0, S0)], "2023-06-30", 1e6, registry=GUIDE_REG
            ).leverage
            or 0.0
        ),
        1e-9,
    ),
    ("NQ: notional 20 x 15,000", 300_000, lambda: NQ.notional_usd(15_000), 0),
    ("NQ: margin 5.3% of notional", 0.053, lambda: 16_000 / NQ.notional_usd(15_000), 5e-4),
    ("MES: 1/10 of ES", 0.1, lambda: MES.multiplier_usd / ES.multiplier_usd, 0),
    ("MES: $22.5k notional", 22_500, lambda: MES.notional_usd(S0), 0),
    ("MES: ~$1,200 margin", 1_200, lambda: MES.margin_on(BUILTIN_DAY).initial_usd, 0),
    ("RTY: $50 x index", 50, lambda: RTY.multiplier_usd, 0),
    ("RTY: notional at 2,000", 100_000, lambda: RTY.notional_usd(2_000), 0),
    ("Concept: 2 ES notional", 450_000, lambda: Leg.of("ES", -2, 50.0, S0).notional_usd, 0),
    ("Concept: 2 ES margin", 24_000, lambda: _margin([Leg.of("ES", -2, 50.0, S0)], 5e5), 0),
    (
        "Concept: -10% futures gain",
        45_000,
        lambda: flat_row(5e5, 1.0, 2, -0.10).futures_pnl_usd,
        1e-6,
    ),
    ("Concept: -10% net loss", -5_000, lambda: flat_row(5e5, 1.0, 2, -0.10).net_pnl_usd, 1e-6),
    ("Economics: margin interest a quarter", 300, lambda: 24_000 * R * 3 / 12, 1e-9),
    ("Economics: dividends kept", 1_875, lambda: 500_000 * 0.015 * 0.25, 1e-9),
    ("Economics: dividends in the basis", 1_575, lambda: 450_000 * Q * 0.25, 1e-9),
    ("Economics: tracking 0.5% of $500k", 2_500, lambda: 0.005 * 500_000, 1e-9),
    (
        "Economics: ATM 3m puts 2-3% (BSM, 15% vol)",
        0.025,
        lambda: bsm_price("put", S0, S0, 0.25, R, Q, 0.15) / S0,
        0.005,
    ),
    ("Economics: puts 2.5% of $500k", 12_500, lambda: 0.025 * 500_000, 1e-9),
    ("Leverage: puts 2.5% of $1M", 25_000, lambda: 0.025 * 1_000_000, 1e-9),
    (
        "Leverage: 4 ES margin 4.8% of $1M",
        0.048,
        lambda: (
            margin_requirements(
                _sized(1e6, 1.0, S0, ES), "2023-06-30", 1e6, registry=GUIDE_REG
            ).initial_pct_of_portfolio
        ),
        1e-12,
    ),
    (
        "Delta: $500k x 1.1",
        550_000,
        lambda: _sized(5e5, 1.1, S0, ES).portfolio_beta_dollars_usd,
        1e-6,
    ),
    (
        "Delta: 1% move",
        5_500,
        lambda: 0.01 * _sized(5e5, 1.1, S0, ES).portfolio_beta_dollars_usd,
        1e-6,
    ),
    ("Delta: 2.44 contracts", 2.44, lambda: -_sized(5e5, 1.1, S0, ES).exact_contracts, 0.005),
    ("Delta: 2 contracts", 2, lambda: -_sized(5e5, 1.1, S0, ES).legs[0].quantity, 0),
    ("Delta: 82% hedged", 0.82, lambda: _sized(5e5, 1.1, S0, ES).hedge_ratio_effective, 0.005),
    (
        "Gamma: portfolio after -20% at beta 1.1",
        390_000,
        lambda: 5e5 + flat_row(5e5, 1.1, 0, -0.20).portfolio_pnl_usd,
        1e-6,
    ),
    (
        "Gamma: new delta",
        429_000,
        lambda: _sized(390_000, 1.1, 3_600, ES).portfolio_beta_dollars_usd,
        1e-6,
    ),
    ("Gamma: 2 ES at 3,600", 360_000, lambda: Leg.of("ES", -2, 50.0, 3_600).notional_usd, 0),
    (
        "Gamma: a futures has none (d2F/dS2 by finite differences)",
        0.0,
        lambda: (
            fair_value_continuous(S0 + 1, R, Q, 0.25)
            - 2 * fair_value_continuous(S0, R, Q, 0.25)
            + fair_value_continuous(S0 - 1, R, Q, 0.25)
        ),
        1e-9,
    ),
    ("Theta: margin interest a day", 3.29, lambda: 24_000 * R / 365, 0.005),
    (
        "ES section: $1M beta 0.95 = 4.2",
        4.2,
        lambda: -_sized(1e6, 0.95, S0, ES).exact_contracts,
        0.05,
    ),
    ("ES section: 4 contracts", 4, lambda: -_sized(1e6, 0.95, S0, ES).legs[0].quantity, 0),
    (
        "MES section: $120k = 0.53 ES",
        0.53,
        lambda: -_sized(120_000, 1.0, S0, ES).exact_contracts,
        0.005,
    ),
    (
        "MES section: 1 ES = 188% hedge",
        1.88,
        lambda: size_hedge(120_000, 1.0, S0, ES, 1.0, allow_net_short=True).hedge_ratio_effective,
        0.005,
    ),
    ("MES section: 5 MES", 5, lambda: -_sized(120_000, 1.0, S0, MES).legs[0].quantity, 0),
    (
        "MES section: 5 MES = 94% hedge",
        0.94,
        lambda: _sized(120_000, 1.0, S0, MES).hedge_ratio_effective,
        0.005,
    ),
    (
        "MES section: 5 MES margin $6,000",
        6_000,
        lambda: (
            margin_requirements(_sized(120_000, 1.0, S0, MES), BUILTIN_DAY, 120_000).initial_usd
        ),
        0,
    ),
    (
        "Multiple contracts: RTY 4.0",
        4.0,
        lambda: -_sized(400_000, 1.0, 2_000, RTY).exact_contracts,
        1e-9,
    ),
    ("Expiry: third Friday (weekday)", 4, lambda: nominal_expiry(2024, 3).weekday(), 0),
    ("Expiry: third Friday (15th-21st)", 15, lambda: nominal_expiry(2024, 3).day, 0),
    ("Medium-term: 5 ES margin", 60_000, lambda: _margin([Leg.of("ES", -5, 50.0, S0)], 1e6), 0),
    ("Medium-term: margin interest", 3_000, lambda: 60_000 * R, 1e-9),
    ("Long-term: 9 ES margin", 108_000, lambda: _margin([Leg.of("ES", -9, 50.0, S0)], 2e6), 0),
    ("Long-term: margin interest", 5_400, lambda: 108_000 * R, 1e-9),
    ("VIX rule: VIX 10", 0.75, lambda: max(0.0, 1 - 10 / 40), 0),
    ("VIX rule: VIX 20", 0.50, lambda: max(0.0, 1 - 20 / 40), 0),
    ("VIX rule: VIX 30", 0.25, lambda: max(0.0, 1 - 30 / 40), 0),
    ("VIX rule: VIX 40+", 0.0, lambda: max(0.0, 1 - 45 / 40), 0),
    (
        "Scenario 1: futures gain",
        90_000,
        lambda: flat_row(5e5, 1.0, 2, -0.20).futures_pnl_usd,
        1e-6,
    ),
    ("Scenario 1: net", -10_000, lambda: flat_row(5e5, 1.0, 2, -0.20).net_pnl_usd, 1e-6),
    (
        "Scenario 1: margin interest 2 months",
        200,
        lambda: -carry_row(2, -0.2, 60, 90).margin_interest_usd,
        # the guide: simple interest; hedgekit: e^{rT} - 1 on the continuous rate, as the
        # cost ledger books it (within 1.3 percent of the simple figure over six months)
        0.013 * 200,
    ),
    (
        "Scenario 2: futures loss",
        -67_500,
        lambda: flat_row(5e5, 1.0, 2, 0.15).futures_pnl_usd,
        1e-6,
    ),
    (
        "Scenario 2: margin interest 3 months",
        300,
        lambda: -carry_row(2, 0.15, 90, 90).margin_interest_usd,
        # the guide: simple interest; hedgekit: e^{rT} - 1 on the continuous rate, as the
        # cost ledger books it (within 1.3 percent of the simple figure over six months)
        0.013 * 300,
    ),
    (
        "Scenario 3: margin interest 6 months",
        600,
        lambda: -carry_row(2, 0.0, 180, 180).margin_interest_usd,
        # the guide: simple interest; hedgekit: e^{rT} - 1 on the continuous rate, as the
        # cost ledger books it (within 1.3 percent of the simple figure over six months)
        0.013 * 600,
    ),
    ("Scenario 3: dividends ~$3,750", 3_750, lambda: 500_000 * 0.015 * 0.5, 1e-9),
    ("Scenario 4: crash net", -55_000, lambda: flat_row(5e5, 1.0, 1, -0.20).net_pnl_usd, 1e-6),
    ("Scenario 4: rally net", 41_250, lambda: flat_row(5e5, 1.0, 1, 0.15).net_pnl_usd, 1e-6),
    (
        "Scenario 4: 55% of upside kept",
        0.55,
        lambda: 1 - (flat_row(5e5, 1.0, 1, 0.15).pct_of_gain_given_up or 0.0),
        1e-9,
    ),
    (
        "Max outcomes: index to 0, futures gain",
        450_000,
        lambda: Leg.of("ES", -2, 50.0, S0).notional_usd,
        0,
    ),
    (
        "Max outcomes: index doubles, value",
        547_000,
        lambda: 5e5 + flat_row(5e5, 1.0, 2, 1.0).net_pnl_usd - 3_000,
        1e-6,
    ),
    ("Retiree: withdrawal after -30%", 0.057, lambda: 120_000 / (3e6 * 0.7), 5e-4),
    (
        "Retiree: 50% hedge value",
        2_550_000,
        lambda: 3e6 + flat_row(3e6, 1.0, 0, -0.30).portfolio_pnl_usd / 2,
        1e-6,
    ),
    ("Retiree: withdrawal hedged", 0.047, lambda: 120_000 / 2_550_000, 5e-4),
    ("AAPL: tax on the gain", 380_000, lambda: (2_000_000 - 100_000) * 0.20, 1e-9),
    ("Leveraged: $750k -> 3 ES", 3, lambda: -_sized(750_000, 1.0, S0, ES).legs[0].quantity, 0),
    ("Young investor: 10% for 35 years", 5_600_000, lambda: 200_000 * 1.10**35, 50_000),
    ("Small portfolio: 1 MES of $80k", 0.28, lambda: MES.notional_usd(S0) / 80_000, 0.005),
    ("Small portfolio: 4 MES of $80k", 1.12, lambda: 4 * MES.notional_usd(S0) / 80_000, 0.005),
    ("Red flags #4: $100k of $1M", 0.10, lambda: 100_000 / 1_000_000, 0),
    (
        "Sizing: holdings beta",
        0.985,
        lambda: holdings_weighted_beta(
            {"AAPL": 0.30, "MSFT": 0.25, "JPM": 0.20, "PG": 0.15, "CASH": 0.10},
            {"AAPL": 1.2, "MSFT": 1.1, "JPM": 1.3, "PG": 0.6, "CASH": 0.0},
        ),
        1e-12,
    ),
    ("Sizing: 2.19 contracts", 2.19, lambda: -_sized(5e5, 0.985, S0, ES).exact_contracts, 0.005),
    (
        "Sizing: 2 contracts = 91%",
        0.91,
        lambda: _sized(5e5, 0.985, S0, ES).hedge_ratio_effective,
        0.005,
    ),
    (
        "Margin: safe margin 1.5x",
        36_000,
        lambda: (
            margin_requirements(
                [Leg.of("ES", -2, 50.0, S0)], "2023-06-30", 5e5, registry=GUIDE_REG
            ).recommended_buffer_usd
        ),
        0,
    ),
    (
        "Margin: 2x buffer",
        48_000,
        lambda: (
            margin_requirements(
                [Leg.of("ES", -2, 50.0, S0)], "2023-06-30", 5e5, registry=GUIDE_REG
            ).conservative_buffer_usd
        ),
        0,
    ),
    (
        "Margin: 3% rally balance",
        10_500,
        lambda: simulate_margin_account(
            np.array([S0, 4_635.0]), -2, 50.0, 12e3, 9_600.0
        ).balance_before_call_usd[0],
        1e-9,
    ),
    (
        "Margin: 3% rally deposit",
        13_500,
        lambda: simulate_margin_account(
            np.array([S0, 4_635.0]), -2, 50.0, 12e3, 9_600.0
        ).margin_call_usd[0],
        1e-9,
    ),
    ("Rebalancing: 0.25 point slippage", 12.5, lambda: ES.tick_value_usd, 0),
    (
        "Partial: 50% = 1.1 contracts",
        1.1,
        lambda: -_sized(5e5, 1.0, S0, ES, 0.5).exact_contracts,
        0.05,
    ),
    ("Conviction: 75% = 1-2", 1.67, lambda: -_sized(5e5, 1.0, S0, ES, 0.75).exact_contracts, 0.005),
    ("Conviction: 25% = 0-1", 0.56, lambda: -_sized(5e5, 1.0, S0, ES, 0.25).exact_contracts, 0.005),
    (
        "Mistake #1: +10% futures on 2 ES",
        -45_000,
        lambda: flat_row(5e5, 1.0, 2, 0.10).futures_pnl_usd,
        1e-6,
    ),
    (
        "Mistake #1: +10% net on 3 ES",
        -17_500,
        lambda: flat_row(5e5, 1.0, 3, 0.10).net_pnl_usd,
        1e-6,
    ),
    (
        "Mistake #2: +225 points on 2 ES",
        -22_500,
        lambda: simulate_margin_account(
            np.array([S0, 4_725.0]), -2, 50.0, 12e3, 9_600.0
        ).daily_gain_usd[0],
        1e-9,
    ),
    (
        "Mistake #2: balance",
        1_500,
        lambda: simulate_margin_account(
            np.array([S0, 4_725.0]), -2, 50.0, 12e3, 9_600.0
        ).balance_before_call_usd[0],
        1e-9,
    ),
    (
        "Mistake #4: 0.33 contracts",
        0.33,
        lambda: -_sized(75_000, 1.0, S0, ES).exact_contracts,
        0.005,
    ),
    (
        "Mistake #4: 300% hedged",
        3.0,
        lambda: (
            size_hedge(
                75_000, 1.0, S0, ES, 1.0, allow_net_short=True, rounding="up"
            ).hedge_ratio_effective
        ),
        1e-9,
    ),
    (
        "Mistake #4: 3 MES = 90%",
        0.90,
        lambda: _sized(75_000, 1.0, S0, MES).hedge_ratio_effective,
        1e-9,
    ),
    ("Mistake #5: AAPL -15%", -75_000, lambda: -0.15 * 500_000, 1e-9),
    ("Mistake #6: S&P 500 on 2020-03-23", 2_237, lambda: _spx("2020-03-23"), 0.5),
    (
        "Mistake #6: -34% from the 2020-02-19 peak",
        -0.34,
        lambda: _spx("2020-03-23") / _spx("2020-02-19") - 1,
        0.005,
    ),
    (
        "Mistake #6: futures loss to 3,300",
        -106_300,
        lambda: flat_row(330_000, 1.0, 2, 3_300 / 2_237 - 1, price=2_237).futures_pnl_usd,
        1e-6,
    ),
    (
        "Mistake #7: +50 points",
        5_000,
        lambda: flat_row(5e5, 1.0, 2, -50 / 3_850, price=3_850).futures_pnl_usd,
        1e-6,
    ),
    (
        "Mistake #7: to 4,100",
        -25_000,
        lambda: flat_row(5e5, 1.0, 2, 250 / 3_850, price=3_850).futures_pnl_usd,
        1e-6,
    ),
    ("Mistake #7: -10% target", 45_000, lambda: flat_row(5e5, 1.0, 2, -0.10).futures_pnl_usd, 1e-6),
    ("Mistake #10: dividends on $500k", 10_000, lambda: 500_000 * 0.02, 1e-9),
    ("Mistake #10: dividends in the basis", 9_000, lambda: 450_000 * 0.02, 1e-9),
    ("Vega: VIX on 2020-03-12", 75, lambda: _close(load_vix(), "2020-03-12"), 0.5),
    (
        "Vega: ~50% lost to IV crush",
        0.50,
        lambda: (
            1
            - bsm_price("put", 1, 1, 1 / 12, 0.005, 0.02, 0.40)
            / bsm_price("put", 1, 1, 1 / 12, 0.005, 0.02, 0.75)
        ),
        0.05,
    ),
    ("hedge-ratio.txt: 20/300 about 7%", 0.07, lambda: 20 / 300, 0.005),
    ("hedge-ratio.txt: 2/300 below 1%", 0.0067, lambda: 2 / 300, 5e-5),
]


@pytest.mark.parametrize(("label", "guide", "compute", "tol"), RIGHT, ids=[r[0] for r in RIGHT])
def test_guide_figure_is_right(
    label: str, guide: float, compute: Callable[[], float], tol: float
) -> None:
    """A figure the guide gets right (within its own rounding)."""
    assert compute() == pytest.approx(guide, abs=tol, rel=0), label


def test_notes_count_the_right_figures() -> None:
    text = DOC.read_text(encoding="utf-8")
    m = re.search(r"^(\d+) figures were checked and found right", text, flags=re.MULTILINE)
    assert m is not None
    assert int(m.group(1)) == len(RIGHT)
