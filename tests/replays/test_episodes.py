"""Episodes: valid setups on bundled sessions, and claims on index levels measured from the data."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hedgekit.datasets import load_sp500, load_vix
from hedgekit.errors import InputError
from hedgekit.replays import (
    EPISODES,
    Claim,
    Episode,
    check_claims,
    get_episode,
    list_episodes,
)
from hedgekit.replays._claims import INDEX_MEASURES, MeasureContext, check_claim

SPX = load_sp500()["close"]
VIX = load_vix()["close"]

# The setups the project's issue names, checked here against the keys and dates.
EXPECTED = {
    "crisis-2008": (0.75, "2008-06-02", "2009-03-09"),
    "q4-2018": (0.50, "2018-10-01", "2018-12-24"),
    "covid-crash-2020": (1.00, "2020-02-27", "2020-03-23"),
    "bear-2022": (0.50, "2022-01-03", None),
    "rally-2023": (0.75, "2023-01-03", "2023-12-15"),
    "perpetual-2009-2020": (1.00, "2009-03-09", None),
    "rebound-2020": (1.00, "2020-03-23", None),
}


def asof(series: pd.Series, day: dt.date) -> tuple[pd.Timestamp, float]:
    """Last close on or before ``day`` (independent of the code under test)."""
    part = series.loc[: pd.Timestamp(day)]
    return part.index[-1], float(part.iloc[-1])


def test_episode_keys_and_setups() -> None:
    assert [e.key for e in list_episodes()] == list(EXPECTED)
    for key, (h, start, until) in EXPECTED.items():
        e = get_episode(key)
        assert e.hedge_ratio == h
        assert e.start == dt.date.fromisoformat(start)
        lifted = e.hedge_until if e.hedge_until is not None and e.hedge_until < e.end else None
        assert lifted == (None if until is None else dt.date.fromisoformat(until))


@pytest.mark.parametrize("episode", list_episodes(), ids=lambda e: e.key)
def test_episode_dates_are_bundled_sessions(episode: Episode) -> None:
    sessions = SPX.index
    for day in (episode.start, episode.end, episode.hedge_until):
        if day is not None:
            assert pd.Timestamp(day) in sessions, day
    assert 0.0 <= episode.hedge_ratio <= 1.0
    assert 0.5 <= episode.beta <= 1.5
    assert episode.value_usd > 0
    assert episode.claims
    assert episode.maintenance_margin_per_contract_usd < episode.initial_margin_per_contract_usd
    for claim in episode.claims:
        assert claim.source_section == episode.source_section
        if claim.on is not None:
            # every dated claim falls on or before the last bundled close
            assert pd.Timestamp(claim.on) <= sessions[-1]


@pytest.mark.parametrize("episode", list_episodes(), ids=lambda e: e.key)
def test_index_claims_measured_from_the_data(episode: Episode) -> None:
    checks = check_claims(episode)
    assert len(checks) == len(episode.claims)
    for check in checks:
        claim = check.claim
        if claim.measure not in INDEX_MEASURES:
            assert check.measured is None
            assert check.comment.startswith("not measured")
            continue
        assert claim.on is not None
        series = VIX if claim.measure == "vix_close" else SPX
        day, level = asof(series, claim.on)
        if claim.measure in ("index_close", "vix_close"):
            expected = level
        elif claim.measure == "index_change":
            assert claim.since is not None
            _, base = asof(series, claim.since)
            expected = level / base - 1.0
        else:  # index_max_close
            assert claim.since is not None
            expected = float(series.loc[pd.Timestamp(claim.since) : day].max())
        assert check.measured == pytest.approx(expected, rel=1e-12)
        tol = max(claim.tolerance[1], claim.tolerance[0] * abs(claim.stated_value))
        assert check.agrees == (abs(expected - claim.stated_value) <= tol + 1e-9)
        assert ("agrees" in check.comment) == check.agrees
        assert day.date().isoformat() in check.comment


def test_2008_fall_to_the_low_from_the_closes() -> None:
    (check,) = [
        c
        for c in check_claims(get_episode("crisis-2008"))
        if c.claim.measure == "index_change" and c.claim.on == dt.date(2009, 3, 9)
    ]
    start = float(SPX.loc["2008-06-02"])
    low = float(SPX.loc["2009-03-09"])
    assert check.measured == pytest.approx(low / start - 1.0)
    assert f"{start:,.2f} on 2008-06-02" in check.comment
    assert f"{low:,.2f} on 2009-03-09" in check.comment
    assert check.comment.startswith("the story says -51.7%; the bundled closes say")


def test_2020_story_overstates_the_index_at_the_hedge() -> None:
    # The story says 3,116 on 2020-02-27; the bundled close is far lower, so it must disagree.
    (check,) = [
        c
        for c in check_claims(get_episode("covid-crash-2020"))
        if c.claim.what == "S&P 500 when the hedge is placed"
    ]
    actual = float(SPX.loc["2020-02-27"])
    assert abs(actual / 3116.0 - 1.0) > 0.01
    assert check.measured == actual
    assert not check.agrees
    assert "DISAGREES" in check.comment


def test_weekend_claim_uses_previous_session() -> None:
    # 2008-08-31 was a Sunday: the Friday close is used and named.
    (check,) = [
        c
        for c in check_claims(get_episode("crisis-2008"))
        if c.claim.measure == "index_close" and c.claim.on == dt.date(2008, 8, 31)
    ]
    assert dt.date(2008, 8, 31).weekday() == 6
    assert check.measured == float(SPX.loc["2008-08-29"])
    assert "2008-08-29" in check.comment


# --------------------------------------------------------------------------- validation


def test_unknown_episode() -> None:
    with pytest.raises(InputError, match="unknown episode") as info:
        get_episode("dotcom-2000")
    assert "crisis-2008" in str(info.value)


@pytest.mark.parametrize(
    ("change", "source"),
    [
        ({"hedge_ratio": 1.5}, "hedge_ratio"),
        ({"hedge_ratio": math.nan}, "hedge_ratio"),
        ({"value_usd": -1.0}, "value_usd"),
        ({"hedge_until": dt.date(2011, 1, 3)}, "hedge_until"),
        ({"end": dt.date(2008, 1, 2)}, "end"),
        ({"start": "2008-13-01"}, "start"),
        ({"call_source": "bonds"}, "call_source"),
    ],
)
def test_episode_validation(change: dict[str, object], source: str) -> None:
    with pytest.raises(InputError) as info:
        dataclasses.replace(EPISODES["crisis-2008"], **change)  # type: ignore[arg-type]
    assert info.value.source == source


def test_claim_validation() -> None:
    with pytest.raises(InputError, match="unknown unit"):
        Claim("x", 1.0, "percent", "s")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="unknown measure"):
        Claim("x", 1.0, "usd", "s", "net_worth")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="finite"):
        Claim("x", math.inf, "usd", "s")
    with pytest.raises(InputError, match="tolerance"):
        Claim("x", 1.0, "usd", "s", rel_tol=-0.1)


def test_claim_to_dict_is_json_safe() -> None:
    import json

    for episode in list_episodes():
        json.dumps(episode.to_dict(), allow_nan=False)


# --------------------------------------------------------------------------- agreement rule


@given(
    stated=st.floats(500.0, 5000.0),
    ratio=st.floats(0.9, 1.1),
    rel=st.floats(0.0, 0.05),
)
def test_agreement_rule(stated: float, ratio: float, rel: float) -> None:
    # A one-session synthetic index series; the claim agrees iff within rel of the stated level.
    level = stated * ratio
    series = pd.Series([level], index=pd.DatetimeIndex(["2020-01-02"]))
    ctx = MeasureContext(index_close=series, vix_close=series)
    claim = Claim("level", stated, "index points", "s", on=dt.date(2020, 1, 2), rel_tol=rel)
    check = check_claim(claim, ctx)
    assert check.measured == level
    assert check.difference == pytest.approx(level - stated)
    if abs(level - stated) < rel * stated * (1 - 1e-6):
        assert check.agrees
    if abs(level - stated) > rel * stated * (1 + 1e-6) + 1e-6:
        assert not check.agrees


def test_claim_outside_the_data_is_not_measured() -> None:
    series = pd.Series([100.0, 101.0], index=pd.DatetimeIndex(["2020-01-02", "2020-01-03"]))
    ctx = MeasureContext(index_close=series, vix_close=series)
    check = check_claim(Claim("x", 1.0, "index points", "s", on=dt.date(2019, 1, 2)), ctx)
    assert check.measured is None
    assert not check.agrees
    assert "no session on or before 2019-01-02" in check.comment
