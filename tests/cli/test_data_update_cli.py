"""``hedgekit data update`` then ``hedgekit plan``, offline, on a recorded session.

The bundle is read as known on 2024-06-28 (``HEDGEKIT_BUNDLE_UNTIL``); the recorded session
(``tests/resources/recorded``, transcribed from the bundled real rows in each provider's wire
format) answers for the network. After the update, the plan is dated on the session's last
day and every input says where it came from.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hedgekit.cli import main
from hedgekit.datasets._store import _cached
from hedgekit.marketdata import invalidate_caches

ROOT = Path(__file__).parents[2]
RECORDED = ROOT / "tests" / "resources" / "recorded"
SESSION = RECORDED / "session_2024-09-09"
PORTFOLIO = ROOT / "examples" / "portfolio.csv"
CUT = "2024-06-28"


def _last_recorded_day() -> dt.date:
    """The last session of the recording, read from the recorded ^GSPC answer itself."""
    doc = json.loads((SESSION / "GSPC.json").read_text())
    res = doc["chart"]["result"][0]
    stamp = res["timestamp"][-1] + res["meta"]["gmtoffset"]
    return dt.datetime.fromtimestamp(stamp, tz=dt.UTC).date()


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """A fresh data directory, the bundle cut at 2024-06-28, the recorded session."""
    monkeypatch.setenv("HEDGEKIT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("HEDGEKIT_BUNDLE_UNTIL", CUT)
    monkeypatch.setenv("HEDGEKIT_RECORDED_DIR", str(SESSION))
    invalidate_caches()
    yield tmp_path / "data" / "market.sqlite"
    monkeypatch.delenv("HEDGEKIT_BUNDLE_UNTIL")
    invalidate_caches()


def _json(capsys: pytest.CaptureFixture[str], *argv: str, code: int = 0) -> dict[str, Any]:
    assert main([*argv, "--json"]) == code, capsys.readouterr().err
    doc: dict[str, Any] = json.loads(capsys.readouterr().out)["data"]
    return doc


def test_update_then_plan_is_dated_on_the_last_recorded_session(
    recorded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The done-when of the issue, through the command line."""
    last = _last_recorded_day()
    before = _json(capsys, "plan", "--holdings", str(PORTFOLIO))
    assert before["as_of"] == CUT  # the bundle as known then

    report = _json(capsys, "data", "update", "--holdings", str(PORTFOLIO))
    assert report["failed"] == []
    by_key = {s["series"]: s for s in report["series"]}
    tickers = [line.split(",")[0] for line in PORTFOLIO.read_text().splitlines()[1:]]
    for key in ["SPX", "NDX", "RUT", "VIX", "DTB3", "SPY", "QQQ", "IWM", "DIA", "ES", *tickers]:
        assert by_key[key]["status"] == "updated", key
        assert by_key[key]["last"] == last.isoformat(), key
    assert by_key["ES"]["contract"] == "ESU2024"

    plan = _json(capsys, "plan", "--holdings", str(PORTFOLIO))
    assert plan["as_of"] == last.isoformat()
    market = plan["market"]
    for key in ("index_level", "rate_annual", "vix", "futures"):
        assert market[key]["origin"] == "updated", key
        assert report["fetched_at"] in market[key]["source"], key
    assert "yahoo ^GSPC" in market["index_level"]["source"]
    assert "fred DTB3" in market["rate_annual"]["source"]
    assert "yahoo ESU24.CME" in market["futures"]["source"]
    assert "SPY closes to" in market["dividend_yield"]["source"]
    # the updated figures are the real ones: the full bundle has the same rows
    full = _cached("sp500")["close"]
    assert market["index_level"]["value"] == pytest.approx(full.loc[last.isoformat()])
    caps = _cached("large_caps")
    for row in plan["holdings"]["positions"]:
        assert row["price_usd"] == pytest.approx(
            caps.loc[last.isoformat(), row["ticker"]], rel=1e-9
        )

    assert main(["plan", "--holdings", str(PORTFOLIO)]) == 0
    text = capsys.readouterr().out
    assert f"Hedge plan as of {last}" in text
    assert "index level: updated" in text
    assert "updated from yahoo ^GSPC" in text
    assert f"portfolio prices on {last}: {len(tickers)} updated (yahoo" in text


def test_second_update_adds_nothing_and_never_rewrites(
    recorded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Append-only: a second run finds the series up to date; rows cannot be changed."""
    _json(capsys, "data", "update", "--series", "SPX,DTB3", "--until", "2024-09-09")
    again = _json(capsys, "data", "update", "--series", "SPX,DTB3", "--until", "2024-09-09")
    assert {s["status"] for s in again["series"]} == {"up to date"}
    con = sqlite3.connect(recorded)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute("UPDATE rows SET value = 1 WHERE series = 'index:SPX'")
    con.close()


def test_failing_series_leave_the_store_unchanged_and_the_others_update(
    recorded: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Errors and refusals: exit 1 after updating the rest, each named with its provider."""
    monkeypatch.setenv("HEDGEKIT_RECORDED_DIR", str(RECORDED / "errors"))
    keys = "SPX,NDX,RUT,VIX,DTB3,SPY,QQQ,IWM,DIA,ES"
    report = _json(capsys, "data", "update", "--series", keys, code=1)
    status = {s["series"]: s for s in report["series"]}
    assert status["SPX"]["status"] == "updated"  # after a 429
    assert status["DTB3"]["status"] == "updated"
    expected = {
        "NDX": ("failed", "HTTP 500"),
        "RUT": ("failed", "read timed out"),
        "VIX": ("failed", "not valid JSON"),
        "SPY": ("refused", "prices > 0"),
        "QQQ": ("refused", "prices > 0"),
        "IWM": ("refused", "the date twice"),
        "DIA": ("refused", "session(s) missing"),
        "ES": ("refused", "fair value"),
    }
    for key, (state, words) in expected.items():
        assert status[key]["status"] == state, key
        assert words in status[key]["message"], key
        assert status[key]["message"].startswith(f"{key} (yahoo"), key
    assert sorted(report["failed"]) == sorted(expected)
    con = sqlite3.connect(recorded)
    stored = dict(con.execute("SELECT series, COUNT(*) FROM rows GROUP BY series").fetchall())
    con.close()
    assert set(stored) == {"index:SPX", "rate:DTB3"}

    assert main(["data", "update", "--series", "NDX"]) == 1
    captured = capsys.readouterr()
    assert "NDX (yahoo): https://query1.finance.yahoo.com/v8/finance/chart/^NDX answered" in (
        captured.out
    )
    assert "1 series not updated (NDX)" in captured.err


def test_data_shows_bundled_and_updated_ranges_last_fetch_and_staleness(
    recorded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``hedgekit data`` per series: bundled range, updated range, last fetch, staleness."""
    report = _json(capsys, "data", "update", "--series", "SPX", "--until", "2024-09-09")
    doc = _json(capsys, "data")
    spx = next(s for s in doc["series"] if s["series"] == "SPX")
    ndx = next(s for s in doc["series"] if s["series"] == "NDX")
    assert spx["bundled_last"] == CUT
    assert (spx["updated_first"], spx["updated_last"]) == ("2024-07-01", "2024-09-09")
    assert spx["last_fetch"] == report["fetched_at"]
    assert spx["last_status"] == "ok"
    assert spx["stale_days"] == (dt.date.today() - dt.date(2024, 9, 9)).days
    assert ndx["updated_rows"] == 0
    assert ndx["last_fetch"] is None
    assert ndx["stale_days"] == (dt.date.today() - dt.date.fromisoformat(CUT)).days


def test_two_concurrent_updates_store_each_row_once(recorded: Path) -> None:
    """Two processes updating the same store at once: no error, no date written twice."""
    env = {**os.environ}
    argv = [sys.executable, "-m", "hedgekit.cli", "data", "update", "--series",
            "SPX,NDX,VIX,DTB3,SPY", "--until", "2024-09-09", "--json"]  # fmt: skip
    procs = [subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for _ in range(2)]  # fmt: skip
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [o[1].decode()[-500:] for o in outs]
    added: dict[str, int] = {}
    for out, _ in outs:
        for s in json.loads(out)["data"]["series"]:
            added[s["series"]] = added.get(s["series"], 0) + s["rows_added"]
    con = sqlite3.connect(recorded)
    counts = dict(con.execute("SELECT series, COUNT(*) FROM rows GROUP BY series").fetchall())
    distinct = dict(
        con.execute("SELECT series, COUNT(DISTINCT date) FROM rows GROUP BY series").fetchall()
    )
    con.close()
    assert counts == distinct
    full = _cached("sp500")["close"].loc["2024-07-01":"2024-09-09"]
    assert counts["index:SPX"] == len(full)
    assert added["SPX"] == len(full)  # one process stored them, the other found them there


PLUGIN = '''
from hedgekit.marketdata import Bar, Fetched, ProviderError
from hedgekit.datasets._store import _cached


class BrokerFeed:
    """A user's provider: here the bundled rows of the S&P 500, named as a broker would."""

    name = "broker"

    def fetch(self, request, transport):
        if request.key != "SPX":
            raise ProviderError(f"the broker has no {request.key}")
        closes = _cached("sp500")["close"].loc[request.start.isoformat():request.end.isoformat()]
        bars = tuple(Bar(d.date(), float(v)) for d, v in closes.items())
        return Fetched("BRK:SPX", "broker://spx", bars)
'''


def test_a_user_provider_is_plugged_in_with_source(
    recorded: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """``--source prices=module:Class`` uses the user's class; its rows pass the same checks."""
    (tmp_path / "my_feed.py").write_text(PLUGIN)
    monkeypatch.syspath_prepend(str(tmp_path))
    report = _json(capsys, "data", "update", "--series", "SPX,NDX", "--until", "2024-09-09",
                   "--source", "prices=my_feed:BrokerFeed", code=1)  # fmt: skip
    status = {s["series"]: s for s in report["series"]}
    assert status["SPX"]["status"] == "updated"
    assert status["SPX"]["provider_id"] == "BRK:SPX"
    assert status["NDX"]["status"] == "failed"
    assert "broker has no NDX" in status["NDX"]["message"]
    assert main(["data", "update", "--source", "prices=nowhere_xyz:Feed"]) == 2
    assert "--source" in capsys.readouterr().err


@pytest.mark.skipif(
    os.environ.get("HEDGEKIT_LIVE") != "1",
    reason="live network test: set HEDGEKIT_LIVE=1 to check the real Yahoo and FRED wire formats",
)
def test_live_wire_formats(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                           capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    """The real providers answer in the formats the parsers read (needs the network)."""
    monkeypatch.setenv("HEDGEKIT_DATA_DIR", str(tmp_path))
    report = _json(capsys, "data", "update", "--series", "SPX,VIX,DTB3,SPY,ES")
    assert report["failed"] == [], report
    invalidate_caches()


FEED = '''
from hedgekit.marketdata import Bar, Fetched, ProviderError
from hedgekit.datasets._store import _cached


class OtherNameFeed:
    """A user's feed of a ticker no bundled panel has: here AAPL's bundled closes, named ZZZZ."""

    name = "feed"

    def fetch(self, request, transport):
        if request.key != "ZZZZ":
            raise ProviderError(f"the feed has no {request.key}")
        closes = _cached("large_caps")["AAPL"].loc[request.start.isoformat():
                                                  request.end.isoformat()].dropna()
        bars = tuple(Bar(d.date(), float(v), float(v)) for d, v in closes.items())
        return Fetched("ZZZZ", "feed://zzzz", bars)
'''


def test_a_holding_no_bundled_panel_has_is_priced_from_the_store(
    recorded: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """Before the update the ticker is unknown (exit 2); after it, the plan prices it."""
    (tmp_path / "other_feed.py").write_text(FEED)
    monkeypatch.syspath_prepend(str(tmp_path))
    holdings = tmp_path / "holdings.csv"
    holdings.write_text("ticker,shares\nMSFT,300\nZZZZ,500\n")
    assert main(["plan", "--holdings", str(holdings)]) == 2
    assert "ZZZZ" in capsys.readouterr().err
    feed = "prices=other_feed:OtherNameFeed"
    report = _json(capsys, "data", "update", "--holdings", str(holdings), "--series", "ZZZZ",
                   "--until", "2024-09-09", "--source", feed)  # fmt: skip
    (zzzz,) = report["series"]
    assert zzzz["status"] == "updated"
    _json(capsys, "data", "update", "--holdings", str(holdings), "--until", "2024-09-09")
    plan = _json(capsys, "plan", "--holdings", str(holdings))
    assert plan["as_of"] == "2024-09-09"
    prices = {row["ticker"]: row["price_usd"] for row in plan["holdings"]["positions"]}
    assert prices["ZZZZ"] == pytest.approx(_cached("large_caps").loc["2024-09-09", "AAPL"])
    assert main(["plan", "--holdings", str(holdings)]) == 0
    assert "portfolio prices on 2024-09-09: 2 updated" in capsys.readouterr().out
