"""The planner end to end: textbook sizing, real-data fits, the JSON schema, bad input."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from hedgekit.cli import main
from hedgekit.contracts import ContractSpec, MarginRate, default_registry
from hedgekit.data import load_holdings
from hedgekit.errors import InputError
from hedgekit.plan import PlanRequest, make_plan

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _big_sp() -> ContractSpec:
    # Hull (11th ed., Example 3.4) uses the old S&P 500 futures contract: $250 x index.
    return ContractSpec(
        root="SP",
        name="S&P 500 (big)",
        index="SPX",
        multiplier_usd=250.0,
        tick_size_points=0.1,
        margins=(MarginRate(dt.date(2000, 1, 1), 25_000.0, 20_000.0, "test figure"),),
    )


def test_hull_example_3_4_thirty_contracts() -> None:
    """Hull 11e Example 3.4: V = 5,050,000, beta 1.5, futures 1,010 x $250 -> short 30.

    Index level 1,000 and futures 1,010 as in the example; the hedge ratio is 100%.
    """
    registry = default_registry().with_contracts([_big_sp()])
    plan = make_plan(
        PlanRequest(
            hedge=1.0,
            contract="SP",
            value_usd=5_050_000.0,
            beta=1.5,
            as_of=dt.date(2020, 6, 1),
            index_level=1_000.0,
            futures_price=1_010.0,
            rate_annual=0.04,
            dividend_yield=0.01,
            use_micro=False,
        ),
        registry=registry,
    )
    assert plan.sizing.exact_contracts == pytest.approx(-30.0)
    assert [(leg.root, leg.quantity) for leg in plan.sizing.legs] == [("SP", -30)]


def test_hull_changing_beta_to_0_75_shorts_15() -> None:
    """Hull 11e §3.5 'Changing the beta': from 1.5 to 0.75 -> short 15 contracts."""
    registry = default_registry().with_contracts([_big_sp()])
    plan = make_plan(
        PlanRequest(
            target_beta=0.75,
            contract="SP",
            value_usd=5_050_000.0,
            beta=1.5,
            as_of=dt.date(2020, 6, 1),
            index_level=1_000.0,
            futures_price=1_010.0,
            rate_annual=0.04,
            dividend_yield=0.01,
            use_micro=False,
        ),
        registry=registry,
    )
    assert plan.sizing.exact_contracts == pytest.approx(-15.0)


def test_example_portfolio_plan_on_bundled_data() -> None:
    holdings = load_holdings(EXAMPLES / "portfolio.csv")
    plan = make_plan(PlanRequest(hedge=0.5), holdings=holdings)
    assert plan.as_of == dt.date(2024, 9, 10)  # last date of the bundled stock panel
    assert plan.index_fits is not None
    # the ranking is by R² (hedge effectiveness), best first
    r2 = [f.r_squared for f in plan.index_fits.rows]
    assert r2 == sorted(r2, reverse=True)
    assert plan.contract.index == plan.index_fits.best
    # whole contracts are short and the effective ratio is close to the 50% target
    assert all(leg.quantity < 0 for leg in plan.sizing.legs)
    assert abs(plan.sizing.hedge_ratio_effective - 0.5) < 0.05
    # never net short
    assert plan.sizing.hedge_ratio_effective <= 1.0
    # market inputs are dated
    assert plan.market.index_level.observed == plan.as_of
    # ESU2024 rolls on 2024-09-12, two sessions later: the hedge opens in ESZ2024, the
    # contract it will hold, instead of being rolled within days
    assert plan.market.held_contract.long == "ESU2024"
    assert plan.market.contract.long == "ESZ2024"
    assert any("opened in ESZ2024" in note for note in plan.notes)


def test_scenario_table_protects_about_the_hedged_share() -> None:
    holdings = load_holdings(EXAMPLES / "portfolio.csv")
    plan = make_plan(PlanRequest(hedge=1.0), holdings=holdings)
    crash = plan.scenarios.table("hedge").row("crash -20%")
    unhedged = plan.scenarios.table("unhedged").row("crash -20%")
    assert crash.net_pnl_usd > unhedged.net_pnl_usd
    assert crash.pct_of_loss_protected is not None
    assert 0.8 < crash.pct_of_loss_protected < 1.2


def test_plan_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["plan", "--holdings", str(EXAMPLES / "portfolio.csv"), "--hedge", "0.5", "--json"]
    assert main(argv) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["kind"] == "plan"
    data = doc["data"]
    for key in (
        "as_of",
        "portfolio_value_usd",
        "beta",
        "contracts",
        "hedge_ratio_effective",
        "notional_usd",
        "margin_initial_usd",
        "scenarios",
        "warnings",
    ):
        assert key in data, key
    for leg in data["contracts"]:
        assert set(leg) >= {"root", "quantity", "exact"}
        assert isinstance(leg["quantity"], int)
    for w in data["warnings"]:
        assert set(w) >= {"code", "severity", "message"}
    assert {row["name"] for row in data["scenarios"]} >= {"crash -20%", "rally +15%", "flat"}


def test_value_and_beta_mode_with_cli(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["plan", "--value-usd", "120000", "--beta", "1.0", "--contract", "ES"]
    assert main([*argv, "--as-of", "2024-06-03", "--no-micro", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)["data"]
    codes = {w["code"] for w in data["warnings"]}
    # $120k cannot be hedged sensibly with one ES (~$265k notional in June 2024)
    assert "CONTRACT_TOO_LARGE" in codes or "NO_PROTECTION" in codes


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["plan", "--hedge", "1.5", "--value-usd", "1e6", "--beta", "1"], "hedge"),
        (["plan", "--value-usd", "1e6"], "beta"),
        (["plan", "--value-usd", "1e6", "--beta", "1", "--contract", "XX"], "XX"),
        (["plan", "--value-usd", "1e6", "--beta", "1", "--as-of", "2024-13-01"], "--as-of"),
        (["plan", "--value-usd", "1e6", "--beta", "1", "--rounding", "sideways"], "rounding"),
        (["plan", "--holdings", "/no/such/file.csv"], "file.csv"),
    ],
)
def test_bad_input_exits_2_with_a_readable_error(
    capsys: pytest.CaptureFixture[str], argv: list[str], needle: str
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert needle in err
    assert "Traceback" not in err


def test_hedge_and_target_beta_are_exclusive() -> None:
    with pytest.raises(InputError, match="not both"):
        PlanRequest(hedge=0.5, target_beta=0.2)


def test_joint_hedge_contracts_follow_the_multiple_regression() -> None:
    holdings = load_holdings(EXAMPLES / "portfolio.csv")
    plan = make_plan(PlanRequest(hedge=1.0), holdings=holdings)
    assert plan.joint is not None
    if not plan.joint.materially_better:
        assert plan.joint_legs == ()
        return
    # per index, the legs' beta-dollars (E-mini + Micro) offset h * beta_j * V to within
    # half a Micro contract (Hull 11e §3.5 applied to each regression beta)
    by_index: dict[str, float] = {}
    micro_notional: dict[str, float] = {}
    registry = default_registry()
    for leg in plan.joint_legs:
        spec = registry.get(leg.root)
        by_index[spec.index] = by_index.get(
            spec.index, 0.0
        ) + leg.quantity * leg.notional_usd / abs(leg.quantity)
        if spec.is_micro:
            micro_notional[spec.index] = leg.notional_usd / abs(leg.quantity)
    for index, beta_j in zip(plan.joint.joint.index_names, plan.joint.joint.betas, strict=True):
        target = -beta_j * plan.portfolio_value_usd
        held = by_index.get(index, 0.0)
        tolerance = 0.5 * micro_notional.get(index, 0.1 * abs(target) + 1.0) + 1e-6
        assert abs(held - target) <= tolerance, (index, held, target)
