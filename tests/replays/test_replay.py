"""Replays on the real history: claims measured from the backtest, checked independently here."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from hedgekit.datasets import load_sp500
from hedgekit.errors import InputError
from hedgekit.replays import ReplayResult, episode_spec, get_episode, replay

SPX = load_sp500()["close"]


@pytest.fixture(scope="module")
def crisis() -> ReplayResult:
    return replay("crisis-2008")


@pytest.fixture(scope="module")
def rebound() -> ReplayResult:
    return replay("rebound-2020")


def at(frame: pd.DataFrame, column: str, day: dt.date) -> float:
    """Value of ``column`` on the last session on or before ``day`` (plain pandas)."""
    return float(frame[column].loc[: pd.Timestamp(day)].iloc[-1])


def test_run_covers_the_stated_window(crisis: ReplayResult) -> None:
    daily = crisis.result.daily
    assert daily.index[0] == pd.Timestamp("2008-06-02")
    assert daily.index[-1] == pd.Timestamp("2010-12-31")
    # the run's index is the bundled S&P 500, session for session
    closes = SPX.loc["2008-06-02":"2010-12-31"]
    assert daily.index.equals(closes.index)
    np.testing.assert_array_equal(daily["index_level"].to_numpy(), closes.to_numpy())


def test_hedge_is_on_until_the_low_then_off(crisis: ReplayResult) -> None:
    daily = crisis.result.daily
    held = daily["contracts"]
    assert (held.loc[:"2009-03-06"] < 0).all()
    assert (held.loc["2009-03-09":] == 0).all()
    assert (daily["hedge_ratio_target"].loc[:"2009-03-06"] == 0.75).all()


def test_backtest_claims_match_the_daily_records(crisis: ReplayResult) -> None:
    daily = crisis.result.daily
    hedged = daily["total_value_usd"]
    unhedged = daily["unhedged_value_usd"]
    for check in crisis.claims:
        c = check.claim
        assert check.measured is not None, c.what
        on = c.on if c.on is not None else daily.index[-1].date()
        if c.measure == "unhedged_value":
            assert check.measured == at(daily, "unhedged_value_usd", on)
        elif c.measure == "hedged_value":
            assert check.measured == at(daily, "total_value_usd", on)
        elif c.measure in ("hedge_pnl", "hedge_protection"):
            gap = hedged - unhedged
            since = c.since if c.since is not None else daily.index[0].date()
            expected = float(
                gap.loc[: pd.Timestamp(on)].iloc[-1] - gap.loc[: pd.Timestamp(since)].iloc[-1]
            )
            assert check.measured == pytest.approx(expected, abs=1e-6)
        elif c.measure.endswith("max_drawdown"):
            series = unhedged if c.measure.startswith("unhedged") else hedged
            part = series.loc[: pd.Timestamp(on)]
            assert check.measured == pytest.approx(float((part / part.cummax() - 1.0).min()))
        elif c.measure == "hedged_return":
            assert check.measured == pytest.approx(at(daily, "total_value_usd", on) / 2e6 - 1.0)
        elif c.measure == "unhedged_return":
            assert check.measured == pytest.approx(at(daily, "unhedged_value_usd", on) / 2e6 - 1.0)
        elif c.measure == "contracts":
            assert check.measured == -at(daily, "contracts", on)
        elif c.measure == "initial_margin":
            assert check.measured == -at(daily, "contracts", on) * 12_000.0
        elif c.measure == "margin_calls_count":
            calls = crisis.result.margin_calls
            n = int((pd.to_datetime(calls["date"]) <= pd.Timestamp(on)).sum())
            assert check.measured == n


def test_unhedged_fall_to_the_low_tracks_beta_times_the_index(crisis: ReplayResult) -> None:
    # Independent check from the closes: a beta-1.05 portfolio loses about 1.05 x the index fall
    # (daily compounding and ~0.8 years of dividend yield move it by a few percent at most).
    check = next(
        c
        for c in crisis.claims
        if c.claim.measure == "unhedged_value" and c.claim.on == dt.date(2009, 3, 9)
    )
    fall = float(SPX.loc["2009-03-09"] / SPX.loc["2008-06-02"] - 1.0)
    rough = 2e6 * (1.0 + 1.05 * fall)
    assert check.measured == pytest.approx(rough, rel=0.05)


def test_story_drops_the_banked_hedge_gain(crisis: ReplayResult) -> None:
    # The story's December 2010 hedged total ($1,775,000) forgets the hedge's gain: the run's
    # hedged value exceeds the unhedged one by about that gain, which must be far above zero.
    daily = crisis.result.daily
    end_gap = float(daily["total_value_usd"].iloc[-1] - daily["unhedged_value_usd"].iloc[-1])
    assert end_gap > 500_000.0
    (check,) = [
        c for c in crisis.claims if c.claim.what.startswith("hedged strategy total on 2010")
    ]
    assert not check.agrees
    assert "DISAGREES" in check.comment


def test_weekly_margin_calls_sum_the_records(rebound: ReplayResult) -> None:
    calls = rebound.result.margin_calls
    dates = pd.to_datetime(calls["date"])
    for check in rebound.claims:
        c = check.claim
        if c.measure != "margin_calls_usd":
            continue
        assert c.since is not None
        assert c.on is not None
        lo = pd.Timestamp(c.since)
        first = lo == rebound.result.daily.index[0]
        inside = ((dates >= lo) if first else (dates > lo)) & (dates <= pd.Timestamp(c.on))
        assert check.measured == pytest.approx(float(calls["amount_usd"][inside].sum()))
    assert (calls["source"] == "stock").all()  # the story sells stock to meet the calls


def test_zero_hedge_override_equals_unhedged() -> None:
    rep = replay("q4-2018", hedge_ratio=0.0)
    daily = rep.result.daily
    np.testing.assert_array_equal(
        daily["total_value_usd"].to_numpy(), daily["unhedged_value_usd"].to_numpy()
    )
    assert (daily["contracts"] == 0).all()
    pnl = [c for c in rep.claims if c.claim.measure == "hedge_pnl"]
    assert pnl
    assert all(c.measured == 0.0 for c in pnl)
    assert rep.episode.hedge_ratio == 0.0


def test_shortened_run_reports_claims_outside_it() -> None:
    rep = replay("q4-2018", end=dt.date(2018, 11, 30), hedge_until=dt.date(2018, 11, 30))
    late = [
        c
        for c in rep.claims
        if c.claim.measure == "unhedged_value" and c.claim.on == dt.date(2018, 12, 24)
    ]
    assert late
    for check in late:
        assert check.measured is None
        assert "outside the run" in check.comment


def test_spec_follows_the_story_setup() -> None:
    from hedgekit.policies import Never

    ep = get_episode("bear-2022")
    spec = episode_spec(ep)
    assert spec.margin.initial_usd == 12_000.0
    assert spec.margin.maintenance_usd == pytest.approx(12_000.0 / 1.10)
    assert spec.margin.call_source == "cash"
    assert spec.portfolio.value_usd == 700_000.0  # type: ignore[union-attr]
    assert spec.portfolio.beta == 1.05
    assert isinstance(spec.rebalance, Never)
    assert spec.policy.targets  # a vectorised policy


def test_unknown_override() -> None:
    with pytest.raises(InputError, match="unknown override"):
        replay("q4-2018", leverage=3)
    with pytest.raises(InputError):
        replay("q4-2018", hedge_ratio=2.0)


def test_replay_to_dict_is_json_safe(rebound: ReplayResult) -> None:
    import json

    doc = rebound.to_dict()
    json.dumps(doc, allow_nan=False)
    assert doc["n_claims"] == len(rebound.claims)
    frame = rebound.claims_frame()
    assert len(frame) == len(rebound.claims)
    assert {"what", "stated_value", "measured", "agrees", "comment"} <= set(frame.columns)


def test_replay_report_has_claims_table(rebound: ReplayResult) -> None:
    from hedgekit.report import render_html_report

    page = render_html_report(rebound)
    assert "The story's numbers against the real history" in page
    assert page.count('class="disagree"') == rebound.n_disagreements
    assert "hedge lifted" not in page  # the rebound keeps the hedge to the end
    assert get_episode("rebound-2020").title in page


def test_perpetual_rolls_on_every_quarterly_roll_date() -> None:
    # Independent count: CME rolls eight calendar days before the third Friday of March, June,
    # September and December (CME Group, equity index roll convention); every one between the
    # March 2009 start and the end of 2020 falls inside the always-hedged run.
    rep = replay("perpetual-2009-2020")
    months = pd.date_range("2009-03-01", "2020-12-01", freq="QS-MAR")
    third_fridays = [pd.date_range(m, periods=1, freq="WOM-3FRI")[0] for m in months]
    rolls = [f - pd.Timedelta(days=8) for f in third_fridays]
    expected = sum(1 for r in rolls if pd.Timestamp("2009-03-09") < r <= pd.Timestamp("2020-12-31"))
    (check,) = [c for c in rep.claims if c.claim.measure == "rolls_count"]
    assert check.measured == expected
    assert (rep.result.daily["contracts"] < 0).all()  # the hedge is never lifted
