"""Severity ordering, Advice and PlanFacts records, limits validation, number formatting."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from typing import Any

import numpy as np
import pytest

from hedgekit.advice import (
    ADVICE_CODES,
    DEFAULT_LIMITS,
    RULES,
    Advice,
    AdviceLimits,
    PlanFacts,
    Severity,
    fmt_pct,
    fmt_usd,
)
from hedgekit.errors import InputError

REQUIRED: dict[str, Any] = {
    "portfolio_value_usd": 500_000.0,
    "beta": 1.0,
    "hedge_ratio_target": 1.0,
    "hedge_ratio_effective": 1.0,
    "contract_root": "ES",
    "contract_notional_usd": 250_000.0,
    "exact_contracts": 2.0,
    "whole_contracts": 2,
}


def test_severity_orders_by_rank_not_alphabet() -> None:
    # Alphabetically "danger" < "info" < "warning"; by rank it is the other way round.
    assert Severity.INFO < Severity.WARNING < Severity.DANGER
    assert Severity.DANGER > Severity.INFO
    assert Severity.WARNING >= Severity.WARNING
    assert Severity.INFO <= Severity.INFO
    assert sorted([Severity.DANGER, Severity.INFO, Severity.WARNING]) == [
        Severity.INFO,
        Severity.WARNING,
        Severity.DANGER,
    ]
    assert max(Severity) is Severity.DANGER
    assert Severity.DANGER == "danger"
    assert Severity("warning") is Severity.WARNING


def test_severity_refuses_ordering_against_text() -> None:
    with pytest.raises(TypeError):
        _ = Severity.INFO < "warning"  # type: ignore[operator]


def test_advice_to_dict_is_json_safe_and_numbers_read_only() -> None:
    a = Advice(
        code="X", severity=Severity.INFO, message="m", numbers={"a": 1, "b": np.float64(2.5)}
    )
    d = a.to_dict()
    assert d == {"code": "X", "severity": "info", "message": "m", "numbers": {"a": 1.0, "b": 2.5}}
    assert type(d["numbers"]["b"]) is float
    json.dumps(d, allow_nan=False)
    with pytest.raises(TypeError):
        a.numbers["a"] = 3.0  # type: ignore[index]


@pytest.mark.parametrize("bad", [math.nan, math.inf, True, "1"])
def test_advice_rejects_non_finite_numbers(bad: Any) -> None:
    with pytest.raises(InputError) as err:
        Advice(code="X", severity=Severity.INFO, message="m", numbers={"x": bad})
    assert "numbers['x']" in str(err.value)


def test_advice_rejects_text_severity() -> None:
    with pytest.raises(InputError):
        Advice(code="X", severity="info", message="m", numbers={})  # type: ignore[arg-type]


def test_planfacts_defaults_unknown_and_to_dict() -> None:
    f = PlanFacts(**REQUIRED, as_of=dt.date(2024, 3, 1))
    assert f.vix is None
    assert f.micro_contracts == 0
    assert f.allow_net_short is False
    d = f.to_dict()
    assert d["as_of"] == "2024-03-01"
    assert d["vix"] is None
    json.dumps(d, allow_nan=False)
    assert f.beta_exposure_usd == 500_000.0


def test_planfacts_normalises_numpy_scalars() -> None:
    f = PlanFacts(**{**REQUIRED, "beta": np.float32(1.5), "whole_contracts": np.int64(3)})
    assert type(f.beta) is float
    assert f.beta == 1.5
    assert type(f.whole_contracts) is int
    assert f.whole_contracts == 3


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("portfolio_value_usd", -1.0),
        ("portfolio_value_usd", 0.0),
        ("portfolio_value_usd", math.nan),
        ("beta", 0.0),
        ("beta", -0.5),
        ("beta", math.inf),
        # negative ratios are long futures (a target beta above the portfolio's): allowed,
        # but a magnitude beyond 100 or a non-zero one below 1e-6 is not
        ("hedge_ratio_target", -100.1),
        ("hedge_ratio_target", -1e-9),
        ("hedge_ratio_effective", -100.1),
        ("net_short_tolerance", -0.01),
        ("net_short_tolerance", None),
        ("hedge_ratio_target", 1e-9),
        ("contract_notional_usd", 0.0),
        ("exact_contracts", -1.0),
        ("whole_contracts", -1),
        ("whole_contracts", 2.0),
        ("whole_contracts", True),
        ("contract_root", ""),
        ("largest_position_weight", 1.5),
        ("largest_position_weight", 0.0),
        ("herfindahl", 0.0),
        ("r_squared", 1.01),
        ("vix", -1.0),
        ("drawdown_from_52w_high", 0.1),
        ("drawdown_from_52w_high", -1.5),
        ("margin_initial_usd", -5.0),
        ("margin_initial_usd", 0.001),
        ("net_worth_usd", 0.0),
        ("n_positions", 0),
        ("hedge_age_days", -1),
        ("as_of", dt.datetime(2024, 3, 1, 12, 0)),
        ("as_of", "2024-03-01"),
        ("allow_net_short", 1),
        ("micro_root", 5),
    ],
)
def test_planfacts_rejects_bad_field_naming_it(field: str, value: Any) -> None:
    with pytest.raises(InputError) as err:
        PlanFacts(**{**REQUIRED, field: value})
    assert err.value.column == field
    assert err.value.source == "PlanFacts"


def test_planfacts_rejects_horizon_before_as_of() -> None:
    with pytest.raises(InputError) as err:
        PlanFacts(**REQUIRED, as_of=dt.date(2024, 3, 1), horizon_end=dt.date(2024, 2, 28))
    assert err.value.column == "horizon_end"
    assert "2024-03-01" in str(err.value)


def test_planfacts_is_frozen_and_keyword_only() -> None:
    f = PlanFacts(**REQUIRED)
    with pytest.raises(dataclasses.FrozenInstanceError):
        f.beta = 2.0  # type: ignore[misc]
    with pytest.raises(TypeError):
        PlanFacts(500_000.0, 1.0)  # type: ignore[misc]


def test_limits_defaults_documented_values() -> None:
    # The guide's figures: h_max 1.0, margin <= 5 % of net worth, safe margin 1.5x,
    # VIX > 30, market down 15 %, small portfolio < $100k, < 20 % of net worth, < 2 weeks.
    d = DEFAULT_LIMITS.to_dict()
    assert d["max_hedge_ratio"] == 1.0
    assert d["max_margin_share_of_net_worth"] == 0.05
    assert d["min_buffer_multiple"] == 1.5
    assert d["vix_high"] == 30.0
    assert d["crash_drawdown"] == -0.15
    assert d["tiny_portfolio_usd"] == 100_000.0
    assert d["min_share_of_net_worth"] == 0.20
    assert d["min_horizon_days"] == 14
    assert d["perpetual_hedge_days"] == 365
    json.dumps(d, allow_nan=False)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("rounding_tolerance", 0.0),
        ("rounding_tolerance", 1.5),
        ("min_r_squared", math.nan),
        ("max_hedge_ratio", 0.0),
        ("crash_drawdown", 0.15),
        ("min_buffer_multiple", 0.5),
        ("perpetual_hedge_days", 0),
        ("min_horizon_days", 1.5),
        ("vix_high", True),
    ],
)
def test_limits_reject_bad_values(field: str, value: Any) -> None:
    with pytest.raises(InputError) as err:
        AdviceLimits(**{field: value})
    assert err.value.column == field


def test_catalogue_codes_unique_and_documented() -> None:
    codes = [r.code for r in RULES]
    assert len(codes) == len(set(codes))
    assert set(codes) == ADVICE_CODES
    fact_names = {f.name for f in dataclasses.fields(PlanFacts)}
    for rule in RULES:
        for alternative in rule.requires:
            assert set(alternative) <= fact_names, rule.code
    # Every code is listed in the package docstring table.
    import hedgekit.advice as pkg

    assert pkg.__doc__ is not None
    for code in ADVICE_CODES:
        assert code in pkg.__doc__


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (0.0, "$0"),
        (1234567.4, "$1,234,567"),
        (999.5, "$1,000"),
        (-24000.0, "-$24,000"),
        (-0.3, "$0"),
    ],
)
def test_fmt_usd(amount: float, text: str) -> None:
    assert fmt_usd(amount) == text


@pytest.mark.parametrize(
    ("fraction", "text"),
    [
        (0.9412, "94.1%"),
        (1.8797, "188.0%"),
        (0.05, "5.0%"),
        (-0.339, "-33.9%"),
        (-1e-5, "0.0%"),
        (12.5, "1,250.0%"),
    ],
)
def test_fmt_pct(fraction: float, text: str) -> None:
    assert fmt_pct(fraction) == text
