"""``hedgekit hedge-ratio``: time-varying ratios judged out of sample from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hedgekit.cli import main

BASE = ["hedge-ratio", "--from", "2017-01-03", "--to", "2019-06-28", "--train", "260"]


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> dict:
    assert main([*argv, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["kind"] == "hedge-ratio"
    return doc["data"]


def test_json_has_every_strategy_for_the_span_and_the_2018_episode(capsys):
    data = _json(capsys, [*BASE, "--models", "rolling,ewma"])
    strategies = {(r["strategy"], r["period"]) for r in data["rows"]}
    for name in ("h=1", "static-ols", "rolling", "ewma"):
        assert (name, "all") in strategies
        assert (name, "q4-2018") in strategies
    assert data["test_start"] > "2017-12-01"  # 252 training sessions come first
    for r in data["rows"]:
        assert r["hedge_effectiveness"] <= 1.0
        assert r["costs_usd"] >= 0.0
        assert r["net_usd"] == pytest.approx(r["hedge_pnl_usd"] - r["costs_usd"])
    assert data["verdict"].startswith("The ")


def test_costs_follow_commission_and_slippage(capsys):
    free = _json(capsys, [*BASE, "--models", "ewma", "--commission", "0", "--slippage-ticks", "0"])
    paid = _json(capsys, [*BASE, "--models", "ewma", "--commission", "5"])
    for r in free["rows"]:
        assert r["costs_usd"] == 0.0
    costly = {(r["strategy"], r["period"]): r["costs_usd"] for r in paid["rows"]}
    assert costly[("ewma", "all")] > 0.0


def test_holdings_portfolio_with_dcc(capsys, tmp_path: Path):
    holdings = Path(__file__).parents[2] / "examples" / "portfolio.csv"
    data = _json(
        capsys,
        [*BASE, "--holdings", str(holdings), "--models", "dcc", "--train", "300",
         "--from", "2016-01-04"],
    )  # fmt: skip
    assert data["spot"] == "portfolio portfolio.csv"
    assert data["settings"]["value_usd"] > 1e6  # the holdings' own value
    assert data["seconds"]["dcc_refits"] >= 12


def test_out_writes_markdown_and_refuses_to_overwrite(capsys, tmp_path: Path):
    target = tmp_path / "table.md"
    assert main([*BASE, "--models", "ewma", "--out", str(target)]) == 0
    text = target.read_text(encoding="utf-8")
    assert text.startswith("| period | strategy | hedge effectiveness")
    assert "| all | ewma |" in text
    capsys.readouterr()
    assert main([*BASE, "--models", "ewma", "--out", str(target)]) == 2
    assert "--out" in capsys.readouterr().err
    assert main([*BASE, "--models", "ewma", "--out", str(target), "--force"]) == 0


@pytest.mark.parametrize(
    ("flag", "value"),
    [
        ("--models", "garch"),
        ("--contract", "NQ"),
        ("--refit", "daily"),
        ("--decay", "1.5"),
        # too short a training span for the first fits (and the EWMA's 75-return start)
        ("--train", "100"),
        # a rolling window longer than the training span leaves the first test days unhedged
        ("--window", "600"),
    ],
)
def test_bad_values_name_the_flag(capsys, flag: str, value: str):
    assert main([*BASE, flag, value]) == 2
    err = capsys.readouterr().err
    assert f"where:    {flag}" in err
    assert "Traceback" not in err
