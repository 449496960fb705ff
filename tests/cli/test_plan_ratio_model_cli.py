"""``plan --ratio-model``: the time-varying ratio beside the static one, with a verdict."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hedgekit.cli import main

HOLDINGS = str(Path(__file__).parents[2] / "examples" / "portfolio.csv")


@pytest.mark.parametrize("model", ["rolling", "ewma"])
def test_plan_json_carries_the_model_ratio_and_a_verdict_that_matches_its_numbers(
    capsys: pytest.CaptureFixture[str], model: str
) -> None:
    assert main(["plan", "--holdings", HOLDINGS, "--ratio-model", model, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)["data"]
    section = data["ratio_model"]
    assert section["model"] == model
    assert 0.2 < section["h_current"] < 2.0
    assert section["h_static"] == pytest.approx(data["min_variance"]["h_star"])
    oos = section["out_of_sample"]
    better = oos["model"]["hedge_effectiveness"] > oos["static_ols"]["hedge_effectiveness"]
    assert section["better_after_costs"] is better
    assert ("hedged better" in section["sentence"]) is better
    assert oos["test_end"] <= data["as_of"]


def test_plan_text_shows_the_section_for_a_beta_only_portfolio(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["plan", "--value-usd", "1000000", "--beta", "1.2", "--as-of", "2024-06-03",
            "--ratio-model", "ewma"]  # fmt: skip
    assert main(argv) == 0
    text = capsys.readouterr().out
    assert "Time-varying hedge ratio (ewma)" in text
    assert "times beta 1.20" in text
    assert "static minimum-variance ratio 1." in text  # beta 1.2 times the index's ~0.95


def test_plan_refuses_an_unknown_ratio_model(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "--value-usd", "1000000", "--beta", "1", "--ratio-model", "garch"]) == 2
    err = capsys.readouterr().err
    assert "where:    --ratio-model" in err
    assert "rolling | ewma | dcc" in err
