"""A value-and-beta plan without --as-of runs on a date where every bundled input exists."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from hedgekit import datasets
from hedgekit.cli import main


@pytest.mark.parametrize("contract", ["ES", "NQ"])
def test_value_mode_default_date_has_fresh_inputs(
    capsys: pytest.CaptureFixture[str], contract: str
) -> None:
    argv = ["plan", "--value-usd", "120000", "--beta", "1", "--contract", contract, "--json"]
    assert main(argv) == 0
    data = json.loads(capsys.readouterr().out)["data"]
    as_of = dt.date.fromisoformat(data["as_of"])
    rate_end = datasets.load_tbill_3m()["discount_pct"].dropna().index[-1].date()
    assert as_of <= rate_end
    market = data["market"]
    assert market["index_level"]["observed"] == data["as_of"]
    assert market["rate_annual"]["stale_days"] <= 10
    assert any("No date given" in note for note in data["notes"])


def test_dividend_yield_implied_by_the_futures_is_disclosed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # NQU2024 closed at 18,864.00 and the NASDAQ-100 at 18,829.14 on 2024-09-10, ten days
    # before expiry: q = r - ln(F/S)/tau (Hull 11e §5.4) comes out below zero.
    holdings = Path(__file__).parents[2] / "examples" / "tech_portfolio.csv"
    argv = ["plan", "--holdings", str(holdings), "--json"]
    assert main(argv) == 0
    data = json.loads(capsys.readouterr().out)["data"]
    market = data["market"]
    assert market["dividend_yield"]["source"].startswith("implied by")
    q = market["dividend_yield"]["value"]
    assert q < 0
    notes = [n for n in data["notes"] if "is implied by the NQU2024 price" in n]
    assert len(notes) == 1
    assert f"{q:.2%}" in notes[0]
    assert "below zero" in notes[0]
    assert "--dividend-yield" in notes[0]
