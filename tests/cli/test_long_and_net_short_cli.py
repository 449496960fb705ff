"""From the command line: long futures to raise beta, and the net-short guard's tolerance.

Long futures (Hull, *Options, Futures and Other Derivatives*, 11th ed., §3.5 "Changing the
beta"): :math:`N = (\\beta^* - \\beta)V/(mF) > 0` when the target beta is above the
portfolio's. The net-short guard: a rounded hedge slightly above 100 % of the beta exposure
is kept when within ``--net-short-tolerance`` and closer to the target than the under-hedge.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from hedgekit.cli import main

DAY = ("--as-of", "2024-01-12")
LONG = ("--value-usd", "1000000", "--beta", "1.5", "--target-beta", "2.0", *DAY)
#: One ES at 5,000 is $250,000, one MES $25,000; $772,500 at beta 1 is 30.9 MES: nearest
#: gives 31 MES = 3 ES + 1 MES (100.32 %, net short 0.32 %), the under-hedge 3 ES (97.1 %).
NEAR_FULL = (
    "--value-usd", "772500", "--beta", "1", "--futures-price", "5000", "--contract", "ES", *DAY,
)  # fmt: skip
#: $765,000 is 30.6 MES: 31 MES would be net short 1.31 %, beyond a 1 % tolerance.
BEYOND = (
    "--value-usd", "765000", "--beta", "1", "--futures-price", "5000", "--contract", "ES", *DAY,
)  # fmt: skip


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    code = main([*argv, "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return json.loads(captured.out)["data"]


def quantities(contracts: list[dict[str, Any]]) -> dict[str, int]:
    return {c["root"]: c["quantity"] for c in contracts}


# --- long futures ------------------------------------------------------------------------------


def test_plan_target_beta_above_portfolio_beta_buys_futures(
    capsys: pytest.CaptureFixture[str],
) -> None:
    d = run_json(capsys, "plan", *LONG)
    legs = d["contracts"]
    assert all(leg["quantity"] >= 0 for leg in legs)
    assert sum(leg["quantity"] for leg in legs) > 0
    assert d["exact_contracts"] > 0
    # (2.0 - 1.5) x 1,000,000 of index exposure added, within half a Micro
    added = sum(leg["quantity"] * leg["multiplier_usd"] * leg["price"] for leg in legs)
    mes = 5.0 * legs[0]["price"]
    assert abs(added - 0.5 * 1_000_000) <= mes / 2 + 1e-6
    assert d["effective_beta"] == pytest.approx(1.5 + added / 1_000_000)
    assert d["notional_usd"] == pytest.approx(added)
    # hedge ratios are negative: futures add exposure instead of offsetting it
    assert d["hedge_ratio_target"] == pytest.approx(-1 / 3)
    assert d["hedge_ratio_effective"] < 0
    assert d["margin_initial_usd"] > 0
    assert d["margin"]["buffer"]["adverse_direction"] == "fall"
    # the hedged portfolio falls more than the unhedged one in a fall, and rises more in a rise
    for row in d["scenarios"]:
        if row["index_move"] < -0.05:
            assert row["futures_pnl_usd"] < 0
            assert row["net_pnl_usd"] < row["portfolio_pnl_usd"]
        if row["index_move"] > 0.05:
            assert row["futures_pnl_usd"] > 0
            assert row["net_pnl_usd"] > row["portfolio_pnl_usd"]
    warning = next(w for w in d["warnings"] if w["code"] == "LONG_FUTURES")
    assert warning["severity"] == "warning"
    text = warning["message"].lower()
    assert "leverage" in text
    assert "fall" in text
    assert "margin call" in text
    assert not any(w["code"] in ("NO_PROTECTION", "OVER_HEDGED") for w in d["warnings"])


def test_plan_text_long_futures(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", *LONG]) == 0
    text = capsys.readouterr().out
    assert "LONG_FUTURES" in text
    assert "long" in text.lower()


def test_cost_long_futures_pays_the_carry(capsys: pytest.CaptureFixture[str]) -> None:
    d = run_json(capsys, "cost", *LONG, "--contract", "ES")
    assert all(p["quantity"] > 0 for p in d["positions"])
    # a long futures position pays interest less dividends (r > q here): carry at fair > 0
    assert d["rate_annual"] > d["dividend_yield"]
    assert d["carry_at_fair_usd"] > 0
    assert d["margin_interest_usd"] > 0
    assert d["plan"]["hedge_ratio_target"] == pytest.approx(-1 / 3)


def test_compare_long_futures(capsys: pytest.CaptureFixture[str]) -> None:
    d = run_json(capsys, "compare", *LONG)
    names = [a["name"] for a in d["alternatives"]]
    assert names[:2] == ["unhedged", "futures"]
    fut = d["alternatives"][1]
    unhedged = d["alternatives"][0]
    assert all(p["quantity"] > 0 for p in fut["details"]["positions"])
    for row, f, u in zip(
        d["scenarios"], fut["scenario_pnl_usd"], unhedged["scenario_pnl_usd"], strict=True
    ):
        if row["index_move"] < -0.05:
            assert f < u
        if row["index_move"] > 0.05:
            assert f > u
    assert fut["description"].startswith("Long")
    assert any("adds market exposure" in line for line in d["assumptions"])
    assert not any(line.startswith("Options:") for line in d["assumptions"])


@pytest.mark.parametrize("command", ["plan", "cost", "compare"])
def test_negative_target_beta_names_the_flag(
    capsys: pytest.CaptureFixture[str], command: str
) -> None:
    argv = [command, "--value-usd", "1000000", "--beta", "1.5", "--target-beta", "-0.5", *DAY]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "--allow-net-short" in err
    assert "--target-beta" in err
    assert "allow_net_short" not in err


@pytest.mark.parametrize("command", ["plan", "cost", "compare"])
def test_negative_target_beta_with_the_flag(
    capsys: pytest.CaptureFixture[str], command: str
) -> None:
    argv = [command, "--value-usd", "1000000", "--beta", "1.5", "--target-beta", "-0.5", *DAY]
    d = run_json(capsys, *argv, "--allow-net-short")
    plan = d if command == "plan" else d["plan"]
    assert plan["hedge_ratio_target"] == pytest.approx(2.0 / 1.5)


# --- the net-short guard's tolerance ---------------------------------------------------------


def test_plan_keeps_a_small_over_hedge_within_tolerance(
    capsys: pytest.CaptureFixture[str],
) -> None:
    d = run_json(capsys, "plan", *NEAR_FULL)
    assert quantities(d["contracts"]) == {"ES": -3, "MES": -1}
    eff = d["hedge_ratio_effective"]
    assert 1.0 < eff <= 1.01
    guard = d["sizing"]["net_short_guard"]
    assert guard["tolerance"] == pytest.approx(0.01)
    assert guard["chosen"] == "over"
    over, under = guard["over"], guard["under"]
    assert quantities(over["contracts"]) == {"ES": -3, "MES": -1}
    assert quantities(under["contracts"]) == {"ES": -3, "MES": 0}
    assert over["admissible"]
    assert under["admissible"]
    assert over["distance_to_target"] < under["distance_to_target"]
    assert over["net_short_fraction"] == pytest.approx(eff - 1.0)
    note = " ".join(d["sizing"]["notes"])
    assert "3 ES + 1 MES" in note
    assert "; 3 ES hedges" in note  # the leg of no Micro is not named
    assert not any(w["code"] == "OVER_HEDGED" for w in d["warnings"])


def test_plan_tolerance_zero_forbids_any_net_short(capsys: pytest.CaptureFixture[str]) -> None:
    d = run_json(capsys, "plan", *NEAR_FULL, "--net-short-tolerance", "0")
    assert quantities(d["contracts"]) == {"ES": -3, "MES": 0}
    assert d["hedge_ratio_effective"] <= 1.0
    guard = d["sizing"]["net_short_guard"]
    assert guard["chosen"] == "under"
    assert not guard["over"]["admissible"]
    assert d["request"]["net_short_tolerance"] == 0.0


def test_plan_over_hedge_beyond_tolerance_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    d = run_json(capsys, "plan", *BEYOND)
    assert quantities(d["contracts"]) == {"ES": -3, "MES": 0}
    guard = d["sizing"]["net_short_guard"]
    assert guard["chosen"] == "under"
    assert guard["over"]["net_short_fraction"] > 0.01
    # a wider tolerance admits it
    d2 = run_json(capsys, "plan", *BEYOND, "--net-short-tolerance", "0.02")
    assert quantities(d2["contracts"]) == {"ES": -3, "MES": -1}


@pytest.mark.parametrize("command", ["cost", "compare"])
def test_cost_and_compare_take_the_tolerance(
    capsys: pytest.CaptureFixture[str], command: str
) -> None:
    near = run_json(capsys, command, *NEAR_FULL)
    legs = (
        near["positions"] if command == "cost" else near["alternatives"][1]["details"]["positions"]
    )
    assert quantities(legs) == {"ES": -3, "MES": -1}
    zero = run_json(capsys, command, *NEAR_FULL, "--net-short-tolerance", "0")
    legs = (
        zero["positions"] if command == "cost" else zero["alternatives"][1]["details"]["positions"]
    )
    assert quantities(legs) == {"ES": -3}


def test_puts_takes_the_tolerance(capsys: pytest.CaptureFixture[str]) -> None:
    d = run_json(capsys, "puts", *NEAR_FULL[:4], *DAY, "--net-short-tolerance", "0")
    assert d["rows"]


def test_bad_tolerance_names_the_flag(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", *NEAR_FULL, "--net-short-tolerance", "-0.01"]) == 2
    err = capsys.readouterr().err
    assert "--net-short-tolerance" in err
    assert "expected:" in err
