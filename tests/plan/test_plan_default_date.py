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


def test_dividend_yield_implied_by_the_futures_is_a_quarter_median_and_disclosed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # No NASDAQ-100 dividend series is bundled: the yield is implied by the NQ closes,
    # q_t = r_t - ln(F_t/S_t)/tau_t (Hull 11e §5.4), on sessions at least 20 days before
    # the contract's last trading day, and the median of the last 63 is used. A single close
    # 10 days before expiry (2024-09-10) gave -1.80%, from timing noise magnified by 1/tau.
    import numpy as np
    import pandas as pd

    from hedgekit import datasets
    from hedgekit.calendar import ContractCode, last_trading_day
    from hedgekit.pricing import tbill_discount_to_continuous

    holdings = Path(__file__).parents[2] / "examples" / "tech_portfolio.csv"
    assert main(["plan", "--holdings", str(holdings), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)["data"]
    q = data["market"]["dividend_yield"]["value"]
    assert data["market"]["dividend_yield"]["source"].startswith("median of 63 yields")

    nq = datasets.load_futures_front("NQ").loc[:"2024-09-10"]
    ndx = datasets.load_ndx()["close"]
    nq = nq.loc[nq.index.isin(ndx.index)]
    dtb3 = datasets.load_tbill_3m()["discount_pct"].dropna()
    rate = dtb3.reindex(nq.index, method="ffill")  # bond calendar: latest quote on or before
    ltd = nq["inferred_contract"].map(
        lambda c: pd.Timestamp(last_trading_day(ContractCode.parse(c)))
    )
    days = (ltd - nq.index.to_series()).dt.days
    keep = days >= 20
    tau = days[keep] / 365.0
    r = tbill_discount_to_continuous(rate[keep].to_numpy())
    implied = r - np.log(nq["close"][keep] / ndx.loc[nq.index[keep]]) / tau
    assert q == pytest.approx(float(np.median(implied.iloc[-63:])), abs=1e-12)
    notes = [n for n in data["notes"] if n.startswith("NDX dividend yield")]
    assert len(notes) == 1
    assert f"{q:.2%}" in notes[0]
    assert "--dividend-yield" in notes[0]
