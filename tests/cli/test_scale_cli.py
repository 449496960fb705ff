"""The stress and sweep commands: JSON schemas (docs/cli-json-scale.md), reports, errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hedgekit.cli import main

EXAMPLE = Path(__file__).parents[2] / "examples" / "sweep.toml"
STRESS = ("stress", "--paths", "2000", "--horizon-days", "60", "--seed", "3", "--workers", "1")


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    assert main([*argv, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["schema_version"] == 1
    return doc


def test_stress_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    doc = run_json(capsys, *STRESS, "--call-above", "5000,20000", "--target-call-prob", "5%,1%")
    assert doc["kind"] == "stress"
    d = doc["data"]
    assert set(d) >= {
        "spec", "model", "seed", "n_paths", "horizon", "start_value_usd", "fan_paths",
        "summary", "inputs", "elapsed_s", "path_days_per_s", "workers",
    }  # fmt: skip
    assert d["n_paths"] == 2000
    assert d["seed"] == 3
    assert d["horizon"]["days"] == 60
    assert d["model"]["model"] == "stationary bootstrap"
    assert d["model"]["sample"]["first_date"] == "1990-01-02"
    assert d["inputs"]["index_level"]["source"].startswith("S&P 500 close")
    s = d["summary"]
    for side in ("hedged", "unhedged"):
        assert set(s[side]) == {
            "mean_pnl_usd", "mean_return", "probability_of_loss", "pnl_usd", "return", "var",
            "cvar", "max_drawdown",
        }  # fmt: skip
        assert set(s[side]["var"]) == {"0.95", "0.99"}
        assert s[side]["cvar"]["0.99"]["usd"] >= s[side]["var"]["0.99"]["usd"]
    assert [x["size_usd"] for x in s["margin"]["probability_call_above"]] == [5000.0, 20000.0]
    targets = [x["target_probability"] for x in s["buffer"]["for_target"]]
    assert targets == [0.05, 0.01]
    assert s["buffer"]["exact"] is True
    probs = [x["probability_of_call"] for x in s["buffer"]["curve"]]
    assert probs == sorted(probs, reverse=True)


def test_stress_is_reproducible_and_writes_a_report(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    report = tmp_path / "stress.html"
    a = run_json(capsys, *STRESS, "--model", "gbm", "--report", str(report))["data"]
    b = run_json(capsys, *STRESS, "--model", "gbm")["data"]
    assert a["summary"] == b["summary"]
    text = report.read_text()
    assert text.count("data:image/png;base64,") == 4  # fan, outcomes, drawdowns, buffer
    assert a["report"] == str(report)


def test_stress_stock_source_has_no_exact_buffer(capsys: pytest.CaptureFixture[str]) -> None:
    d = run_json(capsys, *STRESS, "--call-source", "stock", "--sweep-multiple", "1.5")["data"]
    # the default buffer is the plan's advice, 1.5x the initial margin
    assert d["summary"]["buffer"] == {"buffer_multiple": 1.5, "exact": False}


@pytest.mark.parametrize(
    ("argv", "source"),
    [
        (("--model", "lognormal"), "--model"),
        (("--call-source", "broker"), "--call-source"),
        (("--buffer", "0.5"), "--buffer"),
        (("--report", "out.pdf"), "--report"),
        (("--call-above", "ten"), "--call-above"),
        (("--as-of", "1980-01-02"), "--as-of"),
    ],
)
def test_stress_errors(
    capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], source: str
) -> None:
    assert main([*STRESS, *argv]) == 2
    assert source in capsys.readouterr().err


def test_sweep_json_schema(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "runs.parquet"
    report = tmp_path / "sweep.html"
    doc = run_json(
        capsys, "sweep", str(EXAMPLE), "--grid", "period.start=2018-01-02,2019-01-02",
        "--grid", "period.years=1", "--grid", "portfolio.beta=1", "--grid", "policy.h=0,0.5,1",
        "--metric", "volatility_annual", "--top", "2", "--out", str(out), "--report",
        str(report), "--workers", "2",
    )  # fmt: skip
    assert doc["kind"] == "sweep"
    d = doc["data"]
    assert set(d) >= {
        "grid", "n_runs", "elapsed_s", "runs_per_s", "engine", "output", "metric", "order",
        "best", "worst", "heatmap", "workers", "report",
    }  # fmt: skip
    assert d["n_runs"] == 2 * 3 * 3
    assert d["order"] == "low"
    assert d["grid"]["fixed"]["period.years"] == 1
    assert [a["key"] for a in d["grid"]["axes"]] == [
        "period.start",
        "rebalance.contracts_fraction",
        "policy.h",
    ]
    assert len(d["best"]) == 2
    assert d["best"][0]["volatility_annual"] <= d["best"][1]["volatility_annual"]
    assert d["heatmap"]["x"] == "policy.h"
    assert len(d["heatmap"]["cells"]) == 3 * 3
    assert out.exists()
    assert "data:image/png;base64," in report.read_text()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("--grid", "policy.hh=1"), "policy.hh"),
        (("--grid", "period.start=2018-01-02", "--grid", "period.years=1",
          "--grid", "portfolio.value_usd=1e6", "--grid", "policy.h=abc"), "policy.h"),
        (("--grid", "policy.h"), "--grid"),
        (("--out", "runs.xlsx"), "--out"),
    ],
)  # fmt: skip
def test_sweep_errors(
    capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], message: str
) -> None:
    assert main(["sweep", *argv]) == 2
    assert message in capsys.readouterr().err


def test_sweep_toml_error_names_file_and_key(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(EXAMPLE.read_text().replace("value_usd = 2_000_000", "value_usd = -1"))
    assert main(["sweep", str(bad)]) == 2
    err = capsys.readouterr().err
    assert str(bad) in err
    assert "portfolio.value_usd" in err
