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


def test_ndx_dividend_yield_is_measured_on_qqq_and_disclosed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # No NASDAQ-100 total-return series is bundled: the yield is the trailing 12-month
    # growth of QQQ's dividend-adjusted close above the index, plus QQQ's 0.20% expense
    # ratio (Invesco QQQ prospectus), the median over the last 63 sessions. Recomputed here
    # by hand with pandas from the two bundled series.
    import numpy as np
    import pandas as pd

    holdings = Path(__file__).parents[2] / "examples" / "tech_portfolio.csv"
    assert main(["plan", "--holdings", str(holdings), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)["data"]
    q = data["market"]["dividend_yield"]
    assert q["origin"] == "derived"
    assert "QQQ" in q["source"]

    as_of = pd.Timestamp(data["as_of"])
    qqq = datasets.load_etf("QQQ")["close"]
    ndx = datasets.load_ndx()["close"]
    common = qqq.index.intersection(ndx.index)
    excess = np.log(qqq.loc[common]) - np.log(ndx.loc[common])
    trailing = []
    for day in common[common <= as_of][-63:]:
        past = common[common <= day - pd.Timedelta(days=365)][-1]
        years = (day - past).days / 365.0
        trailing.append((excess[day] - excess[past]) / years + 0.0020)
    assert q["value"] == pytest.approx(float(np.median(trailing)), abs=1e-12)
    # a NASDAQ-100 yield is well below the S&P 500's and positive (about 0.6-0.9%)
    assert 0.004 < q["value"] < 0.012
    notes = [n for n in data["notes"] if n.startswith("NDX dividend yield")]
    assert len(notes) == 1
    assert f"{q['value']:.2%}" in notes[0]
    assert "--dividend-yield" in notes[0]
