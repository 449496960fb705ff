"""A value-and-beta plan without --as-of runs on a date where every bundled input exists."""

from __future__ import annotations

import datetime as dt
import json

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
