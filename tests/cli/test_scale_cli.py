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


# --------------------------------------------------------------------------- stress positions

SHORT = ("stress", "--paths", "300", "--horizon-days", "30", "--seed", "1", "--workers", "1")


def _legs(rows: list[dict[str, Any]]) -> dict[str, int]:
    return {r["root"]: r["quantity"] for r in rows if r["quantity"] != 0}


@pytest.mark.parametrize(
    "argv",
    [
        ("--value-usd", "1000000", "--beta", "1"),
        ("--value-usd", "2350000", "--beta", "1.25", "--as-of", "2023-06-15"),
        ("--value-usd", "640000", "--beta", "0.9", "--hedge", "0.5", "--as-of", "2021-11-03"),
        ("--value-usd", "1000000", "--beta", "1", "--contract", "NQ"),
    ],
)
def test_stress_starts_with_the_contracts_plan_recommends(
    capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]
) -> None:
    # One sizing engine: the same value, beta, hedge ratio and date give plan's contracts
    # (E-mini + Micro top-up), plan's date and plan's initial margin at the stress's start.
    plan = run_json(capsys, "plan", *argv)["data"]
    stress = run_json(capsys, *SHORT, *argv)["data"]
    plan_legs = _legs(plan["sizing"]["contracts"])
    assert _legs(stress["position"]["legs"]) == plan_legs
    assert stress["inputs"]["as_of"] == plan["as_of"] == stress["horizon"]["start"]
    assert stress["summary"]["margin"]["initial_margin_start_usd"] == pytest.approx(
        plan["margin_initial_usd"], rel=1e-12
    )
    assert stress["position"]["source"] == "plan"
    assert stress["position"]["hedge_ratio_target"] == plan["hedge_ratio_target"]


def test_stress_default_mixes_the_e_mini_and_its_micro(capsys: pytest.CaptureFixture[str]) -> None:
    plan = run_json(capsys, "plan", "--value-usd", "1000000", "--beta", "1")["data"]
    d = run_json(capsys, *SHORT, "--value-usd", "1000000", "--beta", "1")["data"]
    legs = _legs(d["position"]["legs"])
    assert set(legs) == {"ES", "MES"}  # the Micro top-up, as in plan
    assert legs == _legs(plan["sizing"]["contracts"])
    units = -10 * legs["ES"] - legs["MES"]
    assert d["spec"]["contract"] == "MES"
    assert d["spec"]["contracts_start"] == d["position"]["units"] == units
    # covered: the achieved ratio, not floor(h beta V / (m F)) E-minis (about 70 %)
    assert d["position"]["hedge_ratio_achieved"] == pytest.approx(
        units * 5.0 * d["position"]["futures_price_start"] / 1e6, rel=1e-12
    )
    assert d["position"]["hedge_ratio_achieved"] > 0.95


def test_legs_give_exactly_that_start(capsys: pytest.CaptureFixture[str]) -> None:
    from hedgekit.contracts import get_contract

    d = run_json(capsys, *SHORT, "--legs", "ES:-3,MES:-4", "--value-usd", "1500000")["data"]
    es, mes = get_contract("ES"), get_contract("MES")
    day = d["inputs"]["as_of"]
    es_rate, mes_rate = es.margin_on(day, before_first="earliest"), mes.margin_on(day)
    assert _legs(d["position"]["legs"]) == {"ES": -3, "MES": -4}
    assert d["position"]["source"] == "--legs"
    assert d["position"]["hedge_ratio_target"] is None
    spec = d["spec"]
    assert spec["contracts_start"] == 34  # 3 x 10 + 4 MES units
    assert spec["multiplier_usd"] == mes.multiplier_usd
    # margin per unit: the legs' total over the units (= the Micro's own figure)
    assert spec["initial_margin_per_contract_usd"] == pytest.approx(mes_rate.initial_usd)
    assert d["summary"]["margin"]["initial_margin_start_usd"] == pytest.approx(
        3 * es_rate.initial_usd + 4 * mes_rate.initial_usd
    )
    # commission per unit: 7 contracts' commissions over 34 units; slippage ticks per unit
    # cost what they cost on the real legs because the tick value scales with the multiplier
    assert es.tick_value_usd == pytest.approx(10 * mes.tick_value_usd)
    per_side = 3 * (2.5 + es.tick_value_usd) + 4 * (2.5 + mes.tick_value_usd)
    assert spec["cost_per_contract_usd"] * 34 == pytest.approx(per_side, rel=1e-12)
    ratio = 34 * 5.0 * d["position"]["futures_price_start"] / 1_500_000
    assert spec["hedge_ratio"] == pytest.approx(ratio, rel=1e-12)
    assert spec["rounding"] == "nearest"
    assert spec["band"] is None
    assert d["rebalance"]["between_rolls"] == "hold"
    assert "held from roll to roll" in d["rebalance"]["rule"]
    banded = run_json(capsys, *SHORT, "--legs", "ES:-3,MES:-4", "--band", "0.1")["data"]
    assert banded["rebalance"]["between_rolls"] == "band"
    assert banded["spec"]["band"] == 0.1


def test_legs_in_e_minis_or_micros_are_the_same_hedge(capsys: pytest.CaptureFixture[str]) -> None:
    es = run_json(capsys, *SHORT, "--legs", "ES:-3")["data"]
    mes = run_json(capsys, *SHORT, "--legs", "MES:-30")["data"]
    assert (es["spec"]["contract"], es["spec"]["contracts_start"]) == ("ES", 3)
    assert (mes["spec"]["contract"], mes["spec"]["contracts_start"]) == ("MES", 30)
    assert es["position"]["hedge_ratio_achieved"] == pytest.approx(
        mes["position"]["hedge_ratio_achieved"], rel=1e-12
    )
    for d in (es, mes):
        assert d["summary"]["margin"]["initial_margin_start_usd"] == pytest.approx(
            es["summary"]["margin"]["initial_margin_start_usd"]
        )
    # over 100 % of the beta exposure: said so
    assert any("net short" in n for n in es["inputs"]["notes"])


def test_nasdaq_legs_take_their_own_index(capsys: pytest.CaptureFixture[str]) -> None:
    d = run_json(capsys, *SHORT, "--legs", "NQ:-1,MNQ:-3")["data"]
    assert d["inputs"]["index"] == "NDX"
    assert d["spec"]["contract"] == "MNQ"
    assert d["spec"]["contracts_start"] == 13
    assert d["position"]["units_per_contract"] == {"NQ": 10, "MNQ": 1}


def test_position_file_is_the_start(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from hedgekit.position import HedgePosition, PositionLeg, PositionPortfolio

    path = tmp_path / "hedge.json"
    HedgePosition(
        (PositionLeg("ES", None, -4), PositionLeg("MES", None, -2)),
        source="test",
        portfolio=PositionPortfolio(2_000_000.0, 1.1, "SPX"),
    ).save(path)
    d = run_json(capsys, *SHORT, "--position", str(path))["data"]
    assert _legs(d["position"]["legs"]) == {"ES": -4, "MES": -2}
    assert d["position"]["source"] == "--position"
    assert d["spec"]["contracts_start"] == 42
    # the portfolio the file names is the one stressed
    assert (d["spec"]["value_usd"], d["spec"]["beta"]) == (2_000_000.0, 1.1)


@pytest.mark.parametrize(
    ("argv", "flag", "words"),
    [
        (("--legs", "ES:-2,NQ:-1"), "--legs", "one index"),
        (("--legs", "ES:2"), "--legs", "long"),
        (("--legs", "ES:-2,MES:3"), "--legs", "long"),
        (("--legs", "XX:-1"), "--legs", "XX"),
        (("--legs", "ES:-2", "--contract", "NQ"), "--contract", "not a contract of"),
        (("--legs", "ES:-2", "--hedge", "0.5"), "--hedge", "--legs"),
        (("--legs", "ES:-2", "--position", "p.json"), "--legs", "not both"),
        (("--legs", "ES:-2", "--beta", "0"), "--beta", "> 0"),
        (("--band", "-1"), "--band", "from 0 to 1"),
    ],
)
def test_stress_refuses_bad_positions(
    capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], flag: str, words: str
) -> None:
    assert main([*SHORT, *argv]) == 2
    err = capsys.readouterr().err
    assert flag in err
    assert words in err


def test_stress_text_states_the_position_and_the_rule(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main([*SHORT, "--legs", "ES:-2,MES:-8"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "Starts short 2 ES + 8 MES = 28 MES units, from --legs" in text
    assert "held from roll to roll" in text
    assert "floor(" not in text
