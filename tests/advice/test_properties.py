"""Invariants of evaluate over arbitrary valid facts (hypothesis)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from hedgekit.advice import ADVICE_CODES, RULES, AdviceLimits, PlanFacts, Severity, evaluate

# Ranges are the documented plausibility limits of PlanFacts, edges included.
money = st.floats(min_value=0.01, max_value=1e13, allow_nan=False, allow_infinity=False)
money_or_zero = st.one_of(st.just(0.0), money)
ratio = st.floats(min_value=0.0, max_value=100.0, allow_nan=False)
unit = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
positive_unit = st.floats(min_value=1e-12, max_value=1.0, allow_nan=False)
dates = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31))
names = st.sampled_from(["ES", "MES", "NQ", "MNQ", "RTY", "M2K", "YM", "MYM", "SPX", "NDX"])


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


@st.composite
def plan_facts(draw: st.DrawFn) -> PlanFacts:
    as_of = draw(maybe(dates))
    horizon_end = draw(maybe(dates))
    if as_of is not None and horizon_end is not None and horizon_end < as_of:
        as_of, horizon_end = horizon_end, as_of
    return PlanFacts(
        portfolio_value_usd=draw(money),
        beta=draw(st.floats(min_value=1e-6, max_value=100.0)),
        hedge_ratio_target=draw(
            st.one_of(
                st.just(0.0),
                st.floats(min_value=1e-6, max_value=100.0),
                st.floats(min_value=-100.0, max_value=-1e-6),
            )
        ),
        hedge_ratio_effective=draw(
            st.one_of(st.just(0.0), st.just(1.0), ratio, st.floats(-100.0, 0.0))
        ),
        contract_root=draw(names),
        contract_notional_usd=draw(money),
        exact_contracts=draw(st.floats(min_value=0.0, max_value=1e12)),
        whole_contracts=draw(st.integers(min_value=0, max_value=10**12)),
        micro_root=draw(maybe(names)),
        micro_notional_usd=draw(maybe(money)),
        micro_contracts=draw(st.integers(min_value=0, max_value=10**12)),
        allow_net_short=draw(st.booleans()),
        net_short_tolerance=draw(st.sampled_from([0.0, 0.01, 0.05])),
        largest_position_weight=draw(maybe(positive_unit)),
        n_positions=draw(maybe(st.integers(min_value=1, max_value=10**12))),
        herfindahl=draw(maybe(positive_unit)),
        r_squared=draw(maybe(unit)),
        chosen_index=draw(maybe(names)),
        best_index=draw(maybe(names)),
        best_r_squared=draw(maybe(unit)),
        vix=draw(maybe(st.floats(min_value=0.0, max_value=1000.0))),
        drawdown_from_52w_high=draw(maybe(st.floats(min_value=-1.0, max_value=0.0))),
        margin_initial_usd=draw(maybe(money_or_zero)),
        net_worth_usd=draw(maybe(money)),
        cash_buffer_usd=draw(maybe(money_or_zero)),
        horizon_end=horizon_end,
        next_roll_date=draw(maybe(dates)),
        as_of=as_of,
        hedge_age_days=draw(maybe(st.integers(min_value=0, max_value=10**12))),
    )


@given(plan_facts())
def test_evaluate_never_raises_sorts_and_skips_unknown(facts: PlanFacts) -> None:
    found = evaluate(facts)
    codes = [a.code for a in found]
    # documented codes, at most one advice per rule
    assert set(codes) <= ADVICE_CODES
    assert len(codes) == len(set(codes))
    for advice in found:
        assert advice.message
        assert isinstance(advice.severity, Severity)
        json.dumps(advice.to_dict(), allow_nan=False)
    # most severe first, then by code
    keys = [(-a.severity.rank, a.code) for a in found]
    assert keys == sorted(keys)
    severities = [a.severity for a in found]
    assert all(x >= y for x, y in itertools.pairwise(severities))
    # a rule whose facts are unknown stays silent
    for rule in RULES:
        if not rule.can_run(facts):
            assert rule.code not in codes


@given(plan_facts())
def test_no_advice_without_a_requested_hedge_except_wealth_and_margin(facts: PlanFacts) -> None:
    # A plan that asks for nothing and holds nothing can only be told about margin
    # figures it was given or about the portfolio's make-up and fit.
    empty = dataclasses.replace(
        facts,
        hedge_ratio_target=0.0,
        hedge_ratio_effective=0.0,
        exact_contracts=0.0,
        whole_contracts=0,
        micro_contracts=0,
    )
    allowed = {
        "CONCENTRATED",
        "LOW_FIT",
        "BETTER_INDEX",
        "MARGIN_SHARE_HIGH",
        "THIN_MARGIN_BUFFER",
    }
    assert {a.code for a in evaluate(empty)} <= allowed


@given(plan_facts(), st.floats(min_value=1.0, max_value=3.0))
def test_stricter_margin_buffer_never_removes_that_advice(facts: PlanFacts, extra: float) -> None:
    loose = AdviceLimits(min_buffer_multiple=1.0)
    strict = AdviceLimits(min_buffer_multiple=1.0 * extra)
    loose_codes = {a.code for a in evaluate(facts, loose)}
    strict_codes = {a.code for a in evaluate(facts, strict)}
    if "THIN_MARGIN_BUFFER" in loose_codes:
        assert "THIN_MARGIN_BUFFER" in strict_codes


@given(plan_facts())
def test_over_hedged_fires_exactly_when_a_ratio_exceeds_one(facts: PlanFacts) -> None:
    fired = any(a.code == "OVER_HEDGED" for a in evaluate(facts))
    # an over-hedge from rounding alone within the plan's net-short tolerance is accepted
    eff_cap = 1.0 + facts.net_short_tolerance
    above = facts.hedge_ratio_target > 1.0 + 1e-9 or facts.hedge_ratio_effective > eff_cap + 1e-9
    assert fired == above


@given(plan_facts())
def test_long_futures_fires_exactly_when_futures_are_bought(facts: PlanFacts) -> None:
    fired = [a for a in evaluate(facts) if a.code == "LONG_FUTURES"]
    bought = facts.hedge_ratio_target < 0 or facts.hedge_ratio_effective < 0
    assert bool(fired) == bought
    if fired:
        assert fired[0].severity is Severity.WARNING
