"""One saved position through every command: the same date, contracts, margin and P&L.

Each example portfolio is planned once (``plan --save-position``), and the saved position is
then costed, compared, backtested and stress-tested from the command line, as a user would.
Every command must tell the same story: the plan's date, its contracts (E-mini + Micro, the
contract month it trades), its futures price and initial margin, and, where a command prices
scenarios, the plan's scenario P&L to the cent.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hedgekit.cli import main
from hedgekit.contracts import get_contract

EXAMPLES = Path(__file__).parents[2] / "examples"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    assert main([*argv, "--json"]) == 0, capsys.readouterr().err
    doc: dict[str, Any] = json.loads(capsys.readouterr().out)["data"]
    return doc


@pytest.mark.parametrize(
    "portfolio",
    [
        ("--holdings", str(EXAMPLES / "portfolio.csv")),
        ("--holdings", str(EXAMPLES / "small_portfolio.csv")),
        ("--holdings", str(EXAMPLES / "tech_portfolio.csv")),
        # a date with a bundled ESM2024 quote, away from any roll: every command marks the
        # futures at that quote, not at its own fair value
        ("--value-usd", "1000000", "--beta", "1.2", "--as-of", "2024-06-03"),
    ],
    ids=["portfolio", "small_portfolio", "tech_portfolio", "value-beta-2024-06-03"],
)
def test_every_command_tells_the_plans_story(
    portfolio: tuple[str, ...], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    saved = tmp_path / "position.json"
    plan = _run(capsys, "plan", *portfolio, "--save-position", str(saved))
    position = json.loads(saved.read_text(encoding="utf-8"))["data"]
    legs = {leg["root"]: leg for leg in position["legs"]}
    assert legs, "the plan recommends a hedge"
    # the file is the plan's recommendation: its date, contracts and month, its portfolio
    assert position["as_of"] == plan["as_of"]
    assert {r: leg["quantity"] for r, leg in legs.items()} == {
        c["root"]: c["quantity"] for c in plan["contracts"] if c["quantity"] != 0
    }
    month = plan["market"]["contract"][-5:]  # e.g. Z2024
    assert all(leg["contract"] == f"{root}{month}" for root, leg in legs.items())
    assert position["portfolio"]["value_usd"] == pytest.approx(plan["portfolio_value_usd"])
    assert position["portfolio"]["beta"] == pytest.approx(plan["beta"])
    f0 = plan["market"]["futures_price"]
    margin = plan["margin_initial_usd"]
    p = str(saved)

    # plan --position evaluates the same hedge: nothing re-sized
    again = _run(capsys, "plan", "--position", p)
    assert again["as_of"] == plan["as_of"]
    assert [c for c in again["contracts"] if c["quantity"]] == [
        c for c in plan["contracts"] if c["quantity"]
    ]
    assert again["margin_initial_usd"] == margin
    assert [r["net_pnl_usd"] for r in again["scenarios"]] == pytest.approx(
        [r["net_pnl_usd"] for r in plan["scenarios"]], abs=0.01
    )

    # cost: same date, contracts, entry price and month, margin; its total is the plan's
    # carry and costs at an unchanged index
    cost = _run(capsys, "cost", "--position", p)
    assert cost["plan"]["as_of"] == plan["as_of"]
    assert {x["root"]: x["quantity"] for x in cost["positions"]} == {
        r: leg["quantity"] for r, leg in legs.items()
    }
    first_root = cost["positions"][0]["root"]
    assert cost["schedule"][0]["contract"] == f"{first_root}{month}"
    assert cost["entry_futures_price"] == pytest.approx(f0, rel=1e-12)
    assert cost["margin_posted_usd"] == pytest.approx(margin)
    flat = next(r for r in plan["scenarios"] if r["name"] == "0%")
    assert flat["net_pnl_usd"] - flat["portfolio_pnl_usd"] == pytest.approx(
        -cost["total_usd"], abs=0.01
    )

    # compare: the futures column is the plan's hedge, row by row, to the cent
    cmp = _run(capsys, "compare", "--position", p)
    assert cmp["as_of"] == plan["as_of"]
    fut = next(a for a in cmp["alternatives"] if a["name"] == "futures")
    assert {x["root"]: x["quantity"] for x in fut["details"]["positions"]} == {
        r: leg["quantity"] for r, leg in legs.items()
    }
    assert fut["details"]["margin_posted_usd"] == pytest.approx(margin)
    by_name = {r["name"]: r["net_pnl_usd"] for r in plan["scenarios"]}
    for scenario, pnl in zip(cmp["scenarios"], fut["scenario_pnl_usd"], strict=True):
        assert pnl == pytest.approx(by_name[scenario["name"]], abs=0.01), scenario["name"]

    # backtest: starts on the plan date holding the plan's contracts in the plan's month, at
    # the plan's futures price and margin
    bt = _run(capsys, "backtest", "--position", p)
    assert bt["start"] == plan["as_of"]
    day0 = bt["daily"][0]
    run_root = bt["position"]["run_root"]
    unit = get_contract(run_root).multiplier_usd
    exposure = sum(leg["quantity"] * get_contract(r).multiplier_usd for r, leg in legs.items())
    assert day0[f"contracts_{run_root}"] == round(exposure / unit)
    assert day0["contract"] == f"{run_root}{month}"
    assert day0["futures_price"] == pytest.approx(f0, rel=1e-12)
    assert day0["margin_requirement_usd"] == pytest.approx(margin)
    assert day0["portfolio_value_usd"] == pytest.approx(plan["portfolio_value_usd"])

    # stress: the same start date, contracts, futures price and initial margin
    st = _run(capsys, "stress", "--position", p, "--paths", "200", "--horizon-days", "21")
    assert st["horizon"]["start"] == plan["as_of"]
    assert {x["root"]: x["quantity"] for x in st["position"]["legs"]} == {
        r: leg["quantity"] for r, leg in legs.items()
    }
    assert st["summary"]["margin"]["initial_margin_start_usd"] == pytest.approx(margin)
    assert st["inputs"]["index_level"]["value"] == pytest.approx(
        plan["market"]["index_level"]["value"]
    )
    assert st["spec"]["value_usd"] == pytest.approx(plan["portfolio_value_usd"])


def test_a_sweep_of_the_saved_position_is_its_backtest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    saved = tmp_path / "position.json"
    _run(capsys, "plan", "--value-usd", "1000000", "--beta", "1.2", "--as-of", "2024-06-03",
         "--save-position", str(saved))  # fmt: skip
    bt = _run(capsys, "backtest", "--position", str(saved))
    sw = _run(capsys, "sweep", "--position", str(saved), "--grid", "period.years=1",
              "--metric", "cagr")  # fmt: skip
    assert sw["n_runs"] == 1
    best = sw["best"][0]
    assert best["cagr"] == pytest.approx(bt["metrics"]["hedged"]["cagr"], rel=1e-12)
    # a policy does not apply to a held position
    assert main(["sweep", "--position", str(saved), "--grid", "policy.h=0.5,1"]) == 2
    assert "--grid" in capsys.readouterr().err
