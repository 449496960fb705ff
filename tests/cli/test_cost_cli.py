"""The cost, puts and compare commands: JSON schemas (docs/cli-json-costs.md), tables, errors."""

from __future__ import annotations

from typing import Any

import pytest

from hedgekit.cli import main

PORTFOLIO = ("--value-usd", "1000000", "--beta", "1", "--as-of", "2024-01-12")


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    import json

    assert main([*argv, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["schema_version"] == 1
    return doc


def test_cost_json(capsys: pytest.CaptureFixture[str]) -> None:
    doc = run_json(
        capsys, "cost", *PORTFOLIO, "--contract", "ES", "--horizon", "6m", "--quoted-spread", "50"
    )
    assert doc["kind"] == "cost"
    d = doc["data"]
    assert d["plan"]["market"]["contract"] == "ESH2024"
    assert d["horizon"] == {
        "start": "2024-01-12",
        "end": "2024-07-12",
        "label": "6m",
        "days": 182,
        "years": pytest.approx(182 / 365),
        "kind": "medium",
    }
    assert d["n_rolls"] == 2
    assert [r["date"] for r in d["rolls"]] == ["2024-03-07", "2024-06-13"]
    assert d["rolls"][0]["quoted_spread_points"] == 50.0
    assert d["rolls"][0]["verdict"] in ("cheap", "rich", "fair")
    assert d["total_usd"] == pytest.approx(sum(x["usd"] for x in d["ledger"]))
    for key in ("per_year_usd", "per_day_usd", "total_pct_of_portfolio", "dividends_on_stocks_usd"):
        assert isinstance(d[key], float)


def test_puts_json_rows(capsys: pytest.CaptureFixture[str]) -> None:
    doc = run_json(
        capsys, "puts", *PORTFOLIO, "--strikes", "100%,93%,87%", "--hedge-ratios", "100,80,50",
        "--structure", "all", "--option", "XSP",
    )  # fmt: skip
    assert doc["kind"] == "puts"
    d = doc["data"]
    assert d["option"]["name"] == "XSP"
    assert d["vol_source"].startswith("VIX 12.70 on 2024-01-12")
    rows = d["rows"]
    assert {r["structure"] for r in rows} == {"put", "collar", "put_spread"}
    for r in rows:
        for key in (
            "strike",
            "hedge_ratio",
            "contracts",
            "premium_usd",
            "premium_pct",
            "floor_usd",
        ):
            assert key in r
    put = [r for r in rows if r["structure"] == "put" and r["hedge_ratio"] == 1.0]
    assert [r["contracts"] for r in put] == [21, 21, 21]  # $1M / (100 x 478.38) = 20.9
    assert put[0]["premium_usd"] > put[1]["premium_usd"] > put[2]["premium_usd"]


def test_compare_json(capsys: pytest.CaptureFixture[str]) -> None:
    doc = run_json(
        capsys, "compare", *PORTFOLIO, "--tax-rate", "0.2", "--cost-basis-usd", "600000",
        "--sell-fraction", "0.5", "--fall", "15",
    )  # fmt: skip
    assert doc["kind"] == "compare"
    d = doc["data"]
    assert [a["name"] for a in d["alternatives"]] == [
        "unhedged",
        "futures",
        "puts",
        "collar",
        "sell",
    ]
    assert d["fall_probability"]["threshold"] == 0.15
    assert d["fall_probability"]["start"] == "1950-01-03"
    sell = d["alternatives"][-1]
    assert sell["details"]["tax_usd"] == pytest.approx(0.2 * 0.5 * 400_000)
    assert len(sell["scenario_pnl_usd"]) == len(d["scenarios"])


def test_cost_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cost", *PORTFOLIO, "--contract", "ES", "--horizon", "tactical"]) == 0
    text = capsys.readouterr().out
    assert "basis at entry" in text
    assert "margin interest" in text
    assert "ESH2024 -> ESM2024" in text


def test_bad_input_exits_2_without_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["puts", *PORTFOLIO, "--strikes", "abc"]) == 2
    err = capsys.readouterr().err
    assert "error:" in err
    assert "--strikes" in err
    assert "Traceback" not in err
    assert main(["cost", *PORTFOLIO, "--horizon", "soon"]) == 2
    assert "horizon" in capsys.readouterr().err
