"""Each advice rule: a case that fires, one just the other side of its threshold.

Expected figures are worked by hand in the comments (or quoted from the hedging guide,
/work/shared/seeds/portfolio-hedging-with-futures.md, section named), never taken from the
code under test.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from hedgekit.advice import Advice, AdviceLimits, PlanFacts, Severity, evaluate


def facts(**changes: Any) -> PlanFacts:
    """A clean plan that triggers no rule.

    $500,000 of stocks, beta 1.0, S&P 500 at 5,000: one ES = 5,000 × $50 = $250,000,
    one MES = 5,000 × $5 = $25,000. A full hedge is exactly 2 ES, effective 100 %.
    """
    base: dict[str, Any] = {
        "portfolio_value_usd": 500_000.0,
        "beta": 1.0,
        "hedge_ratio_target": 1.0,
        "hedge_ratio_effective": 1.0,
        "contract_root": "ES",
        "contract_notional_usd": 250_000.0,
        "exact_contracts": 2.0,
        "whole_contracts": 2,
        "micro_root": "MES",
        "micro_notional_usd": 25_000.0,
    }
    base.update(changes)
    return PlanFacts(**base)


def only(code: str, f: PlanFacts, limits: AdviceLimits | None = None) -> Advice | None:
    found = [a for a in evaluate(f, limits or AdviceLimits()) if a.code == code]
    assert len(found) <= 1
    return found[0] if found else None


def test_clean_plan_has_no_advice() -> None:
    assert evaluate(facts()) == ()


# ---------------------------------------------------------------- OVER_HEDGED


def test_over_hedged_by_rounding_guide_mistake_1() -> None:
    # Guide, Mistake #1: $500k, beta 1, 3 ES at 4,500 ($225,000 each) instead of 2.
    # Effective = 3 × 225,000 / 500,000 = 1.35; net short = 0.35 × 500,000 = $175,000;
    # a 10 % rise loses 0.10 × 175,000 = $17,500 net ("Net: -$17.5k despite portfolio up").
    f = facts(
        contract_notional_usd=225_000.0,
        exact_contracts=500_000.0 / 225_000.0,
        whole_contracts=3,
        hedge_ratio_effective=1.35,
    )
    a = only("OVER_HEDGED", f)
    assert a is not None
    assert a.severity is Severity.DANGER
    assert "135.0%" in a.message
    assert "$175,000" in a.message
    assert "$17,500" in a.message
    assert "$500,000" in a.message
    assert a.numbers["net_short_usd"] == pytest.approx(175_000.0)
    assert a.numbers["loss_if_index_up_10pct_usd"] == pytest.approx(17_500.0)


def test_over_hedged_boundary_at_exactly_full_hedge() -> None:
    assert only("OVER_HEDGED", facts(hedge_ratio_effective=1.0)) is None
    # "Red flag even by rounding": the smallest visible excess fires.
    a = only("OVER_HEDGED", facts(hedge_ratio_effective=1.001))
    assert a is not None
    assert a.severity is Severity.DANGER
    assert "100.1%" in a.message


def test_over_hedged_when_target_above_one() -> None:
    # Asked for 120 % and got it: 1.2 × $500,000 = $600,000 of futures, $100,000 net short.
    a = only("OVER_HEDGED", facts(hedge_ratio_target=1.2, hedge_ratio_effective=1.2))
    assert a is not None
    assert "asks to hedge 120.0%" in a.message
    assert "$100,000" in a.message
    assert "Lower the target" in a.message


def test_over_hedged_mentions_allowed_net_short() -> None:
    a = only(
        "OVER_HEDGED", facts(hedge_ratio_effective=1.25, whole_contracts=2, allow_net_short=True)
    )
    assert a is not None
    assert a.severity is Severity.DANGER
    assert "allows net short" in a.message


def test_over_hedged_respects_a_lower_limit() -> None:
    limits = AdviceLimits(max_hedge_ratio=0.9)
    assert (
        only("OVER_HEDGED", facts(hedge_ratio_target=0.9, hedge_ratio_effective=0.9), limits)
        is None
    )
    a = only("OVER_HEDGED", facts(hedge_ratio_target=0.9, hedge_ratio_effective=0.95), limits)
    assert a is not None
    assert "90.0% limit" in a.message
    assert a.numbers["net_short_usd"] == 0.0  # above the limit but not net short


# ---------------------------------------------------------------- NO_PROTECTION


def test_no_protection_guide_mistake_4() -> None:
    # Guide, Mistake #4: $75k portfolio, 1 ES = $225,000, so 75/225 = 0.33 contracts -> 0.
    # One ES is 225/75 = 300.0 % of the exposure. MES = $22,500: 75/22.5 = 3.33 -> 3 MES,
    # 3 × 22,500 / 75,000 = 90.0 % ("Much more reasonable (90% hedged)").
    f = facts(
        portfolio_value_usd=75_000.0,
        contract_notional_usd=225_000.0,
        micro_notional_usd=22_500.0,
        exact_contracts=75_000.0 / 225_000.0,
        whole_contracts=0,
        hedge_ratio_effective=0.0,
    )
    a = only("NO_PROTECTION", f)
    assert a is not None
    assert a.severity is Severity.DANGER
    assert "0.33 ES" in a.message
    assert "no protection" in a.message
    assert "300.0%" in a.message
    assert "3 MES would hedge 90.0%" in a.message
    assert a.numbers["micro_contracts_suggested"] == 3.0
    assert a.numbers["micro_hedge_ratio"] == pytest.approx(0.9)
    # The same situation is not reported twice as a rounding gap.
    assert only("CONTRACT_TOO_LARGE", f) is None


def test_no_protection_needs_a_requested_hedge() -> None:
    f = facts(
        hedge_ratio_target=0.0, hedge_ratio_effective=0.0, exact_contracts=0.0, whole_contracts=0
    )
    assert evaluate(f) == ()


def test_no_protection_without_micro_suggests_other_tools() -> None:
    f = facts(
        portfolio_value_usd=20_000.0,
        contract_root="MES",
        contract_notional_usd=25_000.0,
        micro_root="MES",
        exact_contracts=0.8,
        whole_contracts=0,
        hedge_ratio_effective=0.0,
    )
    a = only("NO_PROTECTION", f)
    assert a is not None
    assert "puts" in a.message
    assert "micro_contracts_suggested" not in a.numbers


# ---------------------------------------------------------------- CONTRACT_TOO_LARGE


def test_contract_too_large_cites_es_and_mes_steps() -> None:
    # $133,000 exposure: one ES ($250,000) = 250/133 = 187.97 % -> "188.0%";
    # one MES = 18.797 %; 1.0 / 0.18797 = 5.32 -> 5 MES = 93.98 % -> "94.0%".
    f = facts(
        portfolio_value_usd=133_000.0,
        exact_contracts=133_000.0 / 250_000.0,
        whole_contracts=1,
        hedge_ratio_effective=250_000.0 / 133_000.0,
    )
    a = only("CONTRACT_TOO_LARGE", f)
    assert a is not None
    assert a.severity is Severity.WARNING
    assert "One ES ($250,000 notional) is 188.0%" in a.message
    assert "5 MES would hedge 94.0%" in a.message
    assert "$133,000" in a.message
    assert a.numbers["share_per_contract"] == pytest.approx(250_000.0 / 133_000.0)
    # and it is over-hedged too
    assert only("OVER_HEDGED", f) is not None


def test_contract_too_large_boundary_at_tolerance() -> None:
    # 5 ES on a $1,150,000 exposure ... use ratios directly: |0.90 - 1| / 1 = 10 % -> not beyond.
    assert (
        only("CONTRACT_TOO_LARGE", facts(hedge_ratio_effective=0.90, exact_contracts=2.2)) is None
    )
    a = only("CONTRACT_TOO_LARGE", facts(hedge_ratio_effective=0.89, exact_contracts=2.2))
    assert a is not None
    assert "11.0% of the target" in a.message
    assert a.numbers["rounding_gap"] == pytest.approx(0.11)


def test_contract_too_large_when_less_than_one_contract_is_needed() -> None:
    # exact 0.95 ES rounds to 1: gap 5.3 % is inside tolerance, but one contract is more
    # than the whole exposure.
    f = facts(exact_contracts=0.95, whole_contracts=1, hedge_ratio_effective=1 / 0.95)
    assert only("CONTRACT_TOO_LARGE", f) is not None
    # With Micros topping up the main leg, being under one E-mini is fine.
    g = facts(
        exact_contracts=0.95, whole_contracts=0, micro_contracts=10, hedge_ratio_effective=1.0
    )
    assert only("CONTRACT_TOO_LARGE", g) is None


def test_contract_too_large_quiet_for_a_partial_target_met_within_tolerance() -> None:
    # Target beta 0.5 on beta 0.727: h = 1 - 0.5/0.727 = 31.2 % of a $851,072 exposure is
    # 0.964 ES at $275,200; 1 ES hedges 32.3 %, a gap of 3.7 % (< 10 %). One ES is far less
    # than the whole exposure (a full hedge is 3.09 ES), so nothing is too large.
    f = facts(
        portfolio_value_usd=1_171_354.0,
        beta=0.7266,
        hedge_ratio_target=0.312,
        exact_contracts=0.964,
        whole_contracts=1,
        contract_notional_usd=275_200.0,
        hedge_ratio_effective=0.3234,
    )
    assert only("CONTRACT_TOO_LARGE", f) is None


def test_contract_too_large_micro_suggestion_stays_at_or_below_full_hedge() -> None:
    # Exposure $108,000: MES step 25/108 = 23.15 %; 1/0.2315 = 4.32 -> 4 MES = 92.6 %.
    # Exposure $110,000 with target 1: 4.4 -> 4 (nearest) = 90.9 %.
    # Exposure $92,000: 3.68 -> nearest 4 = 108.7 % > 100 %, lowered to 3 = 81.5 %.
    f = facts(
        portfolio_value_usd=92_000.0,
        exact_contracts=92_000.0 / 250_000.0,
        whole_contracts=0,
        hedge_ratio_effective=0.0,
    )
    a = only("NO_PROTECTION", f)
    assert a is not None
    assert "3 MES would hedge 81.5%" in a.message
    # allowed net short: nearest count kept
    b = only("NO_PROTECTION", dataclasses.replace(f, allow_net_short=True))
    assert b is not None
    assert "4 MES would hedge 108.7%" in b.message


def test_micro_suggestion_capped_without_counting_down() -> None:
    # Target 5,000 % on $1e12 of exposure with a $0.01 Micro: the nearest count (5e15) is
    # capped at the full hedge, floor(1.0 × 1e12 / 0.01) = 1e14 Micros = 100.0 %.
    f = facts(
        portfolio_value_usd=1e12,
        hedge_ratio_target=50.0,
        hedge_ratio_effective=0.0,
        exact_contracts=2e8,
        whole_contracts=0,
        micro_notional_usd=0.01,
    )
    a = only("NO_PROTECTION", f)
    assert a is not None
    assert a.numbers["micro_contracts_suggested"] == 1e14
    assert a.numbers["micro_hedge_ratio"] == pytest.approx(1.0)


def test_contract_too_large_names_micro_without_notional() -> None:
    f = facts(
        portfolio_value_usd=133_000.0,
        exact_contracts=0.532,
        whole_contracts=1,
        hedge_ratio_effective=1.88,
        micro_notional_usd=None,
    )
    a = only("CONTRACT_TOO_LARGE", f)
    assert a is not None
    assert "smaller MES contract" in a.message


# ---------------------------------------------------------------- SMALL_PORTFOLIO


def test_small_portfolio_boundary() -> None:
    a = only("SMALL_PORTFOLIO", facts(portfolio_value_usd=99_999.0))
    assert a is not None
    assert a.severity is Severity.INFO
    assert "$99,999" in a.message
    assert "$100,000" in a.message
    assert only("SMALL_PORTFOLIO", facts(portfolio_value_usd=100_000.0)) is None


# ---------------------------------------------------------------- CONCENTRATED


def test_concentrated_single_stock_guide_mistake_5() -> None:
    # Guide, Mistake #5: 100 % AAPL. R² 0.45 -> 55.0 % of the variance is not market risk.
    f = facts(n_positions=1, largest_position_weight=1.0, herfindahl=1.0, r_squared=0.45)
    a = only("CONCENTRATED", f)
    assert a is not None
    assert a.severity is Severity.WARNING
    assert "only 1 holding" in a.message
    assert "100.0%" in a.message
    assert "R² 0.45" in a.message
    assert "55.0%" in a.message
    assert a.numbers["effective_positions"] == 1.0


@pytest.mark.parametrize(
    ("field", "at_limit", "beyond"),
    [
        ("n_positions", 4, 3),
        ("largest_position_weight", 0.20, 0.2001),
        ("herfindahl", 0.10, 0.1001),
    ],
)
def test_concentrated_boundaries(field: str, at_limit: Any, beyond: Any) -> None:
    assert only("CONCENTRATED", facts(**{field: at_limit})) is None
    assert only("CONCENTRATED", facts(**{field: beyond})) is not None


def test_concentrated_herfindahl_effective_count() -> None:
    # Four equal holdings: H = 4 × 0.25² = 0.25, 1/H = 4.0 equal holdings.
    a = only("CONCENTRATED", facts(herfindahl=0.25))
    assert a is not None
    assert "4.0 equal holdings" in a.message


# ---------------------------------------------------------------- LOW_FIT / BETTER_INDEX


def test_low_fit_boundary() -> None:
    assert only("LOW_FIT", facts(r_squared=0.80)) is None
    a = only("LOW_FIT", facts(r_squared=0.62, chosen_index="S&P 500"))
    assert a is not None
    assert "S&P 500 explains only 62.0%" in a.message
    assert "38.0%" in a.message


def test_better_index_guide_mistake_9() -> None:
    # Tech-heavy portfolio hedged with the S&P 500 while the NASDAQ-100 fits better.
    f = facts(r_squared=0.80, chosen_index="S&P 500", best_index="NASDAQ-100", best_r_squared=0.85)
    a = only("BETTER_INDEX", f)
    assert a is not None
    assert "R² 0.85 against 0.80" in a.message
    assert "NASDAQ-100" in a.message
    assert "15.0%" in a.message
    assert "20.0%" in a.message
    assert only("BETTER_INDEX", dataclasses.replace(f, best_r_squared=0.849)) is None


def test_better_index_same_index_or_unknown_chosen() -> None:
    f = facts(r_squared=0.5, chosen_index="spx", best_index="SPX", best_r_squared=0.9)
    assert only("BETTER_INDEX", f) is None
    assert only("BETTER_INDEX", dataclasses.replace(f, chosen_index=None)) is None


# ---------------------------------------------------------------- AFTER_CRASH


def test_after_crash_march_2020() -> None:
    # 2020-03-23 in the bundled data: VIX close 61.59; S&P 500 2,237.40 against a 52-week
    # high close of 3,386.15 (2020-02-19): 2237.40 / 3386.15 - 1 = -33.9 %.
    dd = 2237.40 / 3386.15 - 1.0
    a = only("AFTER_CRASH", facts(vix=61.59, drawdown_from_52w_high=dd))
    assert a is not None
    assert a.severity is Severity.WARNING
    assert "VIX is 61.6" in a.message
    assert "33.9% below its 52-week high" in a.message
    assert "locks it in" in a.message


def test_after_crash_boundaries() -> None:
    assert only("AFTER_CRASH", facts(vix=30.0)) is None
    assert only("AFTER_CRASH", facts(vix=30.01)) is not None
    assert only("AFTER_CRASH", facts(drawdown_from_52w_high=-0.1499)) is None
    a = only("AFTER_CRASH", facts(drawdown_from_52w_high=-0.15, vix=12.0))
    assert a is not None
    assert "VIX is" not in a.message  # only the cause that fired is cited
    assert "vix" not in a.numbers


# ---------------------------------------------------------------- margin


def test_margin_share_guide_risk_limit_2() -> None:
    # Guide, Margin Management: 2 ES × $12,000 = $24,000. 5 % of $480,000 = $24,000 exactly.
    assert (
        only("MARGIN_SHARE_HIGH", facts(margin_initial_usd=24_000.0, net_worth_usd=480_000.0))
        is None
    )
    a = only("MARGIN_SHARE_HIGH", facts(margin_initial_usd=24_000.0, net_worth_usd=400_000.0))
    assert a is not None
    assert "6.0%" in a.message  # 24,000 / 400,000
    assert "$24,000" in a.message
    assert "$400,000" in a.message
    assert "$20,000" in a.message  # 5 % of 400,000


def test_margin_share_respects_custom_limit() -> None:
    limits = AdviceLimits(max_margin_share_of_net_worth=0.10)
    f = facts(margin_initial_usd=24_000.0, net_worth_usd=400_000.0)
    assert only("MARGIN_SHARE_HIGH", f, limits) is None


def test_thin_buffer_guide_safe_margin() -> None:
    # Guide: Safe Margin = $24,000 × 1.5 = $36,000.
    assert (
        only("THIN_MARGIN_BUFFER", facts(margin_initial_usd=24_000.0, cash_buffer_usd=36_000.0))
        is None
    )
    f = facts(margin_initial_usd=24_000.0, cash_buffer_usd=30_000.0)
    a = only("THIN_MARGIN_BUFFER", f)
    assert a is not None
    assert a.severity is Severity.WARNING
    assert "1.25×" in a.message  # 30,000 / 24,000
    assert "$36,000" in a.message
    # Futures notional = 1.0 × $500,000; $30,000 / $500,000 = 6.0 % rise empties it.
    assert "6.0%" in a.message
    assert a.numbers["index_rise_to_exhaust_buffer"] == pytest.approx(0.06)


def test_thin_buffer_danger_below_initial_margin() -> None:
    a = only("THIN_MARGIN_BUFFER", facts(margin_initial_usd=24_000.0, cash_buffer_usd=20_000.0))
    assert a is not None
    assert a.severity is Severity.DANGER
    assert "not even enough" in a.message


def test_thin_buffer_skipped_without_margin() -> None:
    assert only("THIN_MARGIN_BUFFER", facts(margin_initial_usd=0.0, cash_buffer_usd=0.0)) is None


# ---------------------------------------------------------------- dates


def test_roll_due_before_horizon() -> None:
    f = facts(
        as_of=dt.date(2024, 3, 1),
        next_roll_date=dt.date(2024, 3, 7),
        horizon_end=dt.date(2024, 5, 31),
    )
    a = only("ROLL_DUE", f)
    assert a is not None
    assert a.severity is Severity.INFO
    assert "2024-03-07" in a.message
    assert "6 days" in a.message
    assert "expires" in a.message
    assert a.numbers["days_to_roll"] == 6.0
    assert a.numbers["days_roll_before_horizon_end"] == 85.0  # 24 (Mar) + 30 (Apr) + 31 (May)


def test_roll_due_boundary_and_overdue() -> None:
    on_horizon = facts(next_roll_date=dt.date(2024, 6, 13), horizon_end=dt.date(2024, 6, 13))
    assert only("ROLL_DUE", on_horizon) is not None
    after = dataclasses.replace(on_horizon, next_roll_date=dt.date(2024, 6, 14))
    assert only("ROLL_DUE", after) is None
    overdue = facts(
        as_of=dt.date(2024, 3, 12),
        next_roll_date=dt.date(2024, 3, 7),
        horizon_end=dt.date(2024, 5, 31),
    )
    a = only("ROLL_DUE", overdue)
    assert a is not None
    assert a.severity is Severity.WARNING
    assert "5 days past" in a.message
    no_position = dataclasses.replace(
        overdue, hedge_ratio_effective=0.0, whole_contracts=0, exact_contracts=0.4
    )
    assert only("ROLL_DUE", no_position) is None


def test_perpetual_hedge_age_boundary() -> None:
    assert only("PERPETUAL_HEDGE", facts(hedge_age_days=365)) is None
    a = only("PERPETUAL_HEDGE", facts(hedge_age_days=366))
    assert a is not None
    assert a.severity is Severity.WARNING
    assert "366 days" in a.message
    assert "2009" in a.message
    assert "2020" in a.message


def test_perpetual_hedge_planned_horizon() -> None:
    # 2024-01-02 -> 2025-01-02 is 366 days (2024 is a leap year).
    f = facts(as_of=dt.date(2024, 1, 2), horizon_end=dt.date(2025, 1, 2))
    a = only("PERPETUAL_HEDGE", f)
    assert a is not None
    assert "366 days" in a.message
    g = facts(as_of=dt.date(2024, 1, 2), horizon_end=dt.date(2025, 1, 1))
    assert only("PERPETUAL_HEDGE", g) is None


def test_short_horizon_boundary() -> None:
    a = only("SHORT_HORIZON", facts(as_of=dt.date(2024, 3, 1), horizon_end=dt.date(2024, 3, 14)))
    assert a is not None
    assert "13 days" in a.message
    assert (
        only("SHORT_HORIZON", facts(as_of=dt.date(2024, 3, 1), horizon_end=dt.date(2024, 3, 15)))
        is None
    )


def test_small_share_of_wealth_guide_red_flag_4() -> None:
    # Guide, Red Flags #4: $100k of stocks in a $1M net worth = 10 %.
    a = only(
        "SMALL_SHARE_OF_WEALTH", facts(portfolio_value_usd=500_000.0, net_worth_usd=5_000_000.0)
    )
    assert a is not None
    assert "10.0%" in a.message
    assert "$5,000,000" in a.message
    assert (
        only(
            "SMALL_SHARE_OF_WEALTH", facts(portfolio_value_usd=500_000.0, net_worth_usd=2_500_000.0)
        )
        is None
    )


# ---------------------------------------------------------------- unknown facts, ordering


def test_unknown_facts_skip_their_rules() -> None:
    # All the optional facts that would fire rules are unknown: nothing but the
    # always-on rules can speak, and here none of them has cause.
    assert evaluate(facts(net_worth_usd=None, margin_initial_usd=None)) == ()
    # A huge margin with no net worth: the share cannot be judged.
    assert only("MARGIN_SHARE_HIGH", facts(margin_initial_usd=1e9)) is None
    # No VIX and no drawdown: no after-crash rule even at a crash date.
    assert only("AFTER_CRASH", facts(as_of=dt.date(2020, 3, 23))) is None


def test_evaluate_orders_by_severity_then_code() -> None:
    f = facts(
        hedge_ratio_effective=1.25,  # OVER_HEDGED danger
        margin_initial_usd=24_000.0,
        cash_buffer_usd=10_000.0,  # THIN_MARGIN_BUFFER danger
        vix=40.0,  # AFTER_CRASH warning
        r_squared=0.5,  # LOW_FIT warning
        net_worth_usd=100_000_000.0,  # SMALL_SHARE_OF_WEALTH info
    )
    got = [(a.severity, a.code) for a in evaluate(f)]
    assert got == [
        (Severity.DANGER, "OVER_HEDGED"),
        (Severity.DANGER, "THIN_MARGIN_BUFFER"),
        (Severity.WARNING, "AFTER_CRASH"),
        (Severity.WARNING, "CONTRACT_TOO_LARGE"),  # |1.25 - 1| / 1 = 25 % > 10 %
        (Severity.WARNING, "LOW_FIT"),
        (Severity.INFO, "SMALL_SHARE_OF_WEALTH"),
    ]


# --- LONG_FUTURES and the net-short tolerance ------------------------------------------------


def long_facts(**changes: Any) -> PlanFacts:
    """$500,000 at beta 1.0 raised to 1.5: buy 0.5 × 500,000 / 250,000 = 1 ES.

    Hedge ratios (beta − target)/beta = (1 − 1.5)/1 = −0.5: the futures add half the
    beta exposure.
    """
    base: dict[str, Any] = {
        "hedge_ratio_target": -0.5,
        "hedge_ratio_effective": -0.5,
        "exact_contracts": 1.0,
        "whole_contracts": 1,
    }
    base.update(changes)
    return facts(**base)


def test_long_futures_warns_of_leverage_and_margin_calls_on_falls() -> None:
    a = only("LONG_FUTURES", long_facts())
    assert a is not None
    assert a.severity is Severity.WARNING
    # beta after = 1.0 × (1 + 0.5) = 1.5; added exposure 0.5 × 500,000 = 250,000;
    # a 10% fall loses 0.1 × 750,000 = 75,000 instead of 50,000.
    assert a.numbers["beta_after"] == pytest.approx(1.5)
    assert a.numbers["added_exposure_usd"] == pytest.approx(250_000.0)
    assert a.numbers["loss_if_index_down_10pct_usd"] == pytest.approx(75_000.0)
    assert a.numbers["unhedged_loss_if_index_down_10pct_usd"] == pytest.approx(50_000.0)
    assert "leverage" in a.message
    assert "FALLS" in a.message
    assert "1 ES" in a.message
    assert "$75,000" in a.message
    # a hedge is not protection asked for: the hedging rules stay quiet
    codes = {x.code for x in evaluate(long_facts())}
    assert codes == {"LONG_FUTURES"}


def test_no_long_futures_warning_for_a_short_hedge() -> None:
    assert only("LONG_FUTURES", facts()) is None
    assert only("LONG_FUTURES", facts(hedge_ratio_target=0.0, hedge_ratio_effective=0.0)) is None


def test_thin_buffer_of_long_futures_names_a_fall() -> None:
    # long 1 ES = 250,000 of exposure: a 30,000 buffer lasts a 12% fall (30,000 / 250,000)
    f = long_facts(margin_initial_usd=24_000.0, cash_buffer_usd=30_000.0)
    a = only("THIN_MARGIN_BUFFER", f)
    assert a is not None
    assert a.numbers["index_fall_to_exhaust_buffer"] == pytest.approx(30_000 / 250_000)
    assert "index fall of 12.0%" in a.message


def test_roll_due_for_long_futures() -> None:
    f = long_facts(
        as_of=dt.date(2024, 1, 12),
        next_roll_date=dt.date(2024, 3, 7),
        horizon_end=dt.date(2024, 4, 12),
    )
    a = only("ROLL_DUE", f)
    assert a is not None
    assert "exposure it adds ends" in a.message


def test_over_hedge_within_net_short_tolerance_is_accepted() -> None:
    # target 100%, whole contracts 100.5%: within a 1% tolerance, no OVER_HEDGED
    f = facts(hedge_ratio_effective=1.005, net_short_tolerance=0.01)
    assert only("OVER_HEDGED", f) is None
    # beyond it, or with tolerance 0, it fires
    assert only("OVER_HEDGED", dataclasses.replace(f, hedge_ratio_effective=1.02)) is not None
    assert only("OVER_HEDGED", dataclasses.replace(f, net_short_tolerance=0.0)) is not None
    # a stricter limit than 100% is not widened by the tolerance
    strict = AdviceLimits(max_hedge_ratio=0.9)
    assert only("OVER_HEDGED", facts(hedge_ratio_effective=0.95, net_short_tolerance=0.1), strict)
