"""The library refuses what the command line refuses: one domain per option, both ways in."""

from __future__ import annotations

from typing import Any

import pytest

from hedgekit._domains import DOMAINS
from hedgekit.backtest import BacktestSpec, Costs, IndexPortfolio, MarginSpec
from hedgekit.errors import InputError
from hedgekit.plan import PlanRequest, make_plan


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("rate_annual", 4.5, "did you mean 0.045"),
        ("dividend_yield", 1.3, "did you mean 0.013"),
        ("hedge", 2.0, "0 to 1"),
        ("beta", 9.0, "-5 to 5"),
        ("value_usd", 1e308, "1e+12"),
        ("index_level", 1e-300, "1 <= x"),
        ("futures_price", 1e300, "x < 10,000,000"),
        ("window", 1_000_000, "20 to 10,000"),
        ("net_short_tolerance", 5.0, "did you mean 0.05"),
    ],
)
def test_plan_request_refuses_out_of_domain_values(field: str, value: Any, words: str) -> None:
    with pytest.raises(InputError) as info:
        PlanRequest(**{field: value})
    assert info.value.source == field
    assert words in f"{info.value.message} {info.value.expected}"


def test_make_plan_refuses_a_rate_in_percent_before_any_work() -> None:
    with pytest.raises(InputError, match=r"did you mean 0\.045"):
        make_plan(PlanRequest(rate_annual=4.5, value_usd=1e6, beta=1.0))


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: IndexPortfolio(value_usd=1e308), "value_usd"),
        (lambda: IndexPortfolio(value_usd=1e6, beta=-7.0), "beta"),
        (lambda: IndexPortfolio(value_usd=1e6, dividend_yield=1.3), "dividend_yield"),
        (lambda: Costs(commission_usd=float("inf")), "commission_usd"),
        (lambda: MarginSpec(buffer_multiple=float("nan")), "buffer_multiple"),
    ],
)
def test_backtest_objects_refuse_what_the_cli_refuses(make: Any, field: str) -> None:
    with pytest.raises(InputError) as info:
        make()
    assert info.value.source == field


def test_backtest_spec_refuses_an_index_yield_in_percent() -> None:
    with pytest.raises(InputError, match=r"did you mean 0\.015") as info:
        BacktestSpec(
            start="2023-01-03", end="2023-06-30", portfolio=IndexPortfolio(value_usd=1e6),
            index_dividend_yield=1.5,
        )  # fmt: skip
    assert info.value.source == "index_dividend_yield"


def test_domains_accept_their_own_bounds_and_refuse_just_outside() -> None:
    for flag, d in DOMAINS.items():
        if d.kind == "date":
            continue
        assert d.contains(d.lo) is not d.lo_open, flag
        assert d.contains(d.hi) is not d.hi_open, flag
        assert not d.contains(float("nan")), flag
        assert not d.contains(d.hi + max(1.0, abs(d.hi))), flag
