"""Every override reaches every number that depends on it, and none that does not.

The date, 2024-06-03, has a bundled ESM2024 close (5,297.25, S&P 500 5,283.40), eight sessions
before the contract's roll: the futures price is observed, not derived, so each override's
effect is visible against a real quote. Each test changes one input and checks both sides:
what must move (the figures derived from it, the sizing, the scenarios) and what must not
(the other inputs, with their dates and sources).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from typing import Any

import pytest

from hedgekit.cli import main
from hedgekit.plan import PlanRequest, make_plan

DAY = dt.date(2024, 6, 3)
BASE = PlanRequest(value_usd=1_000_000.0, beta=1.0, contract="ES", as_of=DAY)


@pytest.fixture(scope="module")
def base() -> Any:
    return make_plan(BASE)


def _plan(**kw: Any) -> Any:
    return make_plan(dataclasses.replace(BASE, **kw))


def _tau(plan: Any) -> float:
    return plan.market.days_to_expiry / 365.0


def _fair(level: float, r: float, q: float, tau: float) -> float:
    return level * math.exp((r - q) * tau)  # Hull 11e §5.4, eq. 5.3


def _same(a: Any, b: Any) -> None:
    """Two observations are the same figure from the same place on the same date."""
    assert (a.value, a.observed, a.source, a.origin) == (b.value, b.observed, b.source, b.origin)


def test_baseline_is_the_observed_quote(base: Any) -> None:
    m = base.market
    assert m.futures_price_source == "observed"
    assert m.futures.origin == "bundled"
    assert str(m.contract) == "ESM2024"
    assert m.index_level.origin == "bundled"
    assert m.drawdown_from_52w_high is not None


def test_index_level_reaches_the_futures_price_sizing_and_scenarios(base: Any) -> None:
    plan = _plan(index_level=4500.0)
    m = plan.market
    _same(m.rate, base.market.rate)
    _same(m.dividend_yield, base.market.dividend_yield)
    assert m.index_level.value == 4500.0
    assert m.index_level.origin == "user"
    # the futures are priced at the carry fair value of the user's level, not the bundled
    # ESM2024 close of a 5,283 index (a -15% "basis")
    assert m.futures.origin == "derived"
    assert m.futures_price == pytest.approx(
        _fair(4500.0, m.rate.value, m.dividend_yield.value, _tau(plan)), rel=1e-12
    )
    assert m.basis == pytest.approx(0.0, abs=1e-12)
    # history says nothing about a level it did not see: no drawdown from the 52-week high
    assert m.drawdown_from_52w_high is None
    assert m.high_52w is None
    # sizing follows the price: N = V / (m F)
    assert plan.sizing.exact_contracts == pytest.approx(-1e6 / (50 * m.futures_price))
    # a flat market books the carry only, not a futures gain from the wrong quote (the
    # override used to show +$123,649 at 0%)
    flat = plan.scenarios.table("hedge").row("flat")
    assert abs(flat.futures_pnl_usd) < 0.01 * plan.sizing.notional_usd
    # the margin per contract does not depend on the level
    assert plan.margin.lines[0].initial_per_contract_usd == (
        base.margin.lines[0].initial_per_contract_usd
    )


def test_futures_price_reaches_the_index_level_and_sizing(base: Any) -> None:
    plan = _plan(futures_price=5400.0)
    m = plan.market
    _same(m.rate, base.market.rate)
    _same(m.dividend_yield, base.market.dividend_yield)
    assert m.futures_price == 5400.0
    assert m.futures.origin == "user"
    # without --index-level, the level is the one the price implies at carry
    assert m.index_level.origin == "derived"
    assert m.index_level.value == pytest.approx(
        5400.0 * math.exp(-(m.rate.value - m.dividend_yield.value) * _tau(plan)), rel=1e-12
    )
    assert not m.basis_flag
    assert plan.sizing.exact_contracts == pytest.approx(-1e6 / (50 * 5400.0))
    assert not [a for a in plan.advice if a.code == "FUTURES_PRICE_FAR_FROM_FAIR"]


def test_a_futures_price_far_from_fair_value_is_flagged(base: Any) -> None:
    plan = _plan(futures_price=5400.0, index_level=5283.4)
    assert plan.market.basis_flag
    assert plan.market.basis == pytest.approx(5400.0 / plan.market.fair_value - 1.0)
    codes = [a.code for a in plan.advice]
    assert "FUTURES_PRICE_FAR_FROM_FAIR" in codes
    # within 1% of fair: no warning
    near = _plan(futures_price=round(base.market.fair_value * 1.005, 2), index_level=5283.4)
    assert not near.market.basis_flag


def test_rate_reaches_fair_value_and_margin_interest_not_the_quote(base: Any) -> None:
    plan = _plan(rate_annual=0.02)
    m = plan.market
    assert m.rate.value == 0.02
    assert m.rate.origin == "user"
    _same(m.index_level, base.market.index_level)
    _same(m.dividend_yield, base.market.dividend_yield)
    # the observed quote does not depend on the rate; its fair value does
    assert m.futures_price == base.market.futures_price
    assert m.fair_value == pytest.approx(
        _fair(m.index_level.value, 0.02, m.dividend_yield.value, _tau(plan)), rel=1e-12
    )
    assert m.fair_value != pytest.approx(base.market.fair_value, rel=1e-6)
    # the interest the margin cash forgoes is at the user's rate
    row = plan.scenarios.table("hedge").row("flat")
    margin = plan.margin.initial_usd
    t = plan.request.horizon_days / 365.0
    assert row.margin_interest_usd == pytest.approx(-margin * math.expm1(0.02 * t))
    assert plan.sizing.legs == base.sizing.legs


def test_dividend_yield_reaches_fair_value_and_the_stocks_not_the_rest(base: Any) -> None:
    plan = _plan(dividend_yield=0.03)
    m = plan.market
    assert m.dividend_yield.value == 0.03
    assert m.dividend_yield.origin == "user"
    _same(m.index_level, base.market.index_level)
    _same(m.rate, base.market.rate)
    assert m.futures_price == base.market.futures_price  # observed: no yield in a quote
    assert m.fair_value == pytest.approx(
        _fair(m.index_level.value, m.rate.value, 0.03, _tau(plan)), rel=1e-12
    )
    # the stocks earn the index yield in the CAPM scenarios (Hull 11e Table 3.4)
    t = plan.request.horizon_days / 365.0
    flat = plan.scenarios.table("unhedged").row("flat").portfolio_pnl_usd
    flat0 = base.scenarios.table("unhedged").row("flat").portfolio_pnl_usd
    assert flat - flat0 == pytest.approx(1e6 * (0.03 - base.market.dividend_yield.value) * t)


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    assert main([*argv, "--json"]) == 0, capsys.readouterr().err
    data: dict[str, Any] = json.loads(capsys.readouterr().out)["data"]
    return data


def test_vol_reaches_the_puts_only(capsys: pytest.CaptureFixture[str]) -> None:
    common = ("--value-usd", "1000000", "--beta", "1", "--contract", "ES", "--as-of", "2024-06-03")
    low = _json(capsys, "compare", *common, "--vol", "0.12")
    high = _json(capsys, "compare", *common, "--vol", "0.30")

    def alt(doc: dict[str, Any], name: str) -> dict[str, Any]:
        return next(a for a in doc["alternatives"] if a["name"] == name)

    assert alt(high, "puts")["upfront_cash_usd"] > alt(low, "puts")["upfront_cash_usd"]
    for name in ("unhedged", "futures", "sell"):
        assert alt(high, name)["scenario_pnl_usd"] == alt(low, name)["scenario_pnl_usd"]
    assert high["index_level"] == low["index_level"]
    assert high["rate_annual"] == low["rate_annual"]


def test_cli_index_level_cost_books_no_false_basis(capsys: pytest.CaptureFixture[str]) -> None:
    # docs/guide-notes.md's `cost --index-level 4500` booked a -24% "basis" against the
    # bundled close of another level
    d = _json(capsys, "cost", "--value-usd", "1000000", "--beta", "1", "--contract", "ES",
              "--as-of", "2024-06-03", "--index-level", "4500")  # fmt: skip
    notional = sum(abs(p["quantity"]) * p["multiplier_usd"] for p in d["positions"]) * 4500
    assert d["entry_futures_price"] == pytest.approx(d["entry_fair_value"], rel=1e-12)
    assert abs(d["entry_basis_usd"]) < 0.01 * notional


def test_cli_stress_contract_uses_its_own_index(capsys: pytest.CaptureFixture[str]) -> None:
    # stress --contract NQ sized on the S&P 500 level
    d = _json(capsys, "stress", "--contract", "NQ", "--paths", "100", "--horizon-days", "5",
              "--as-of", "2024-06-03")  # fmt: skip
    plan = _json(capsys, "plan", "--value-usd", "1000000", "--beta", "1", "--contract", "NQ",
                 "--as-of", "2024-06-03")  # fmt: skip
    assert d["inputs"]["index"] == "NDX"
    assert d["inputs"]["index_level"]["value"] == plan["market"]["index_level"]["value"]
    assert d["inputs"]["index_level"]["value"] > 15_000  # the NASDAQ-100, not the S&P 500
