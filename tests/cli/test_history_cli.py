"""The backtest and replay commands: JSON schemas (docs/cli-json-history.md), --list, errors."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from hedgekit.cli import main
from hedgekit.datasets import load_sp500
from hedgekit.replays import list_episodes

METRIC_KEYS = {
    "initial_value_usd", "final_value_usd", "total_return", "cagr", "volatility_annual",
    "max_drawdown", "max_drawdown_start", "max_drawdown_trough", "max_drawdown_end", "sharpe",
    "sortino", "hedge_effectiveness", "average_hedge_ratio", "time_hedged", "fees_usd",
    "slippage_usd", "roll_cost_usd", "margin_interest_usd", "n_trades", "n_rolls",
    "n_margin_calls", "largest_margin_call_usd",
}  # fmt: skip
BACKTEST_KEYS = {
    "start", "end", "n_sessions", "metrics", "final", "contracts_held", "futures_price_sources",
    "n_fills", "rolls", "margin_calls",
}  # fmt: skip
CLAIM_KEYS = {
    "what", "stated_value", "unit", "source_section", "measure", "on", "since", "rel_tol",
    "abs_tol", "measured", "difference", "agrees", "comment", "note",
}  # fmt: skip


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    assert main([*argv, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["schema_version"] == 1
    return doc


def test_replay_list_json(capsys: pytest.CaptureFixture[str]) -> None:
    doc = run_json(capsys, "replay", "--list")
    assert doc["kind"] == "episodes"
    rows = doc["data"]
    assert [r["key"] for r in rows] == [e.key for e in list_episodes()]
    for r, e in zip(rows, list_episodes(), strict=True):
        assert set(r) == {
            "key", "title", "start", "end", "hedge_until", "hedge_ratio", "value_usd", "beta",
            "contract", "source_section", "n_claims",
        }  # fmt: skip
        assert r["start"] == e.start.isoformat()
        assert r["n_claims"] == len(e.claims)


def test_replay_list_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", "--list"]) == 0
    text = capsys.readouterr().out
    for e in list_episodes():
        assert e.key in text
    assert "75% until 2009-03-09" in text


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["replay", "dotcom-2000"], "unknown episode"),
        (["replay"], "no episode named"),
        (["replay", "q4-2018", "--list"], "--list takes no episode"),
        (["replay", "q4-2018", "--engine", "gpu"], "unknown engine"),
        (["backtest", "--from", "2020-02-01", "--to", "2020-01-01", "--value-usd", "1e6"],
         "must be after --from"),
        (["backtest", "--from", "2020-01-02", "--to", "2020-06-01"], "no portfolio"),
        (["backtest", "--from", "2020-13-02", "--to", "2020-06-01", "--value-usd", "1e6"],
         "not a valid ISO date"),
        (["backtest", "--from", "2020-01-02", "--to", "2020-06-01", "--value-usd", "1e6",
          "--hedge", "1.5"], "out of range"),
        (["backtest", "--from", "2020-01-02", "--to", "2020-06-01", "--value-usd", "1e6",
          "--policy", "moon:3"], "unknown policy"),
        (["backtest", "--from", "2020-01-02", "--to", "2020-06-01", "--value-usd", "1e6",
          "--policy", "vix:abc"], "not a number"),
        (["backtest", "--from", "2020-01-02", "--to", "2020-06-01", "--value-usd", "1e6",
          "--margin-source", "bonds"], "unknown margin-source"),
        (["backtest", "--from", "2020-01-02", "--to", "2020-06-01", "--value-usd", "1e6",
          "--report", "r.pdf"], "HTML"),
    ],
)  # fmt: skip
def test_bad_input_exits_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], needle: str
) -> None:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert needle in captured.err


def test_backtest_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    doc = run_json(
        capsys, "backtest", "--from", "2022-01-03", "--to", "2022-06-30", "--value-usd",
        "1000000", "--beta", "1", "--hedge", "0.5", "--commission", "2", "--slippage-ticks", "0",
    )  # fmt: skip
    assert doc["kind"] == "backtest"
    d = doc["data"]
    assert BACKTEST_KEYS | {"policy", "contract", "report", "png_files"} == set(d)
    assert d["start"] == "2022-01-03"
    assert d["end"] == "2022-06-30"
    closes = load_sp500()["close"].loc["2022-01-03":"2022-06-30"]
    assert d["n_sessions"] == len(closes)
    assert set(d["metrics"]["hedged"]) == METRIC_KEYS
    assert set(d["metrics"]["unhedged"]) == METRIC_KEYS
    assert d["policy"]["policy"] == "StaticHedge"
    assert d["policy"]["h"] == 0.5
    assert d["final"]["contracts"] < 0  # short
    assert d["contracts_held"][0] == "ESH2022"
    # the unhedged index portfolio with beta 1 follows the index (plus its dividend yield)
    ratio = d["final"]["unhedged_value_usd"] / 1e6
    index_ratio = float(closes.iloc[-1] / closes.iloc[0])
    assert ratio == pytest.approx(index_ratio, abs=0.01)
    assert d["report"] is None
    assert d["png_files"] == []


def test_replay_json_schema_and_report(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    report = tmp_path / "q4.html"
    doc = run_json(capsys, "replay", "q4-2018", "--report", str(report))
    assert doc["kind"] == "replay"
    d = doc["data"]
    assert set(d) == {"episode", "n_claims", "n_disagreements", "claims", "backtest", "report",
                      "png_files"}  # fmt: skip
    assert d["episode"]["key"] == "q4-2018"
    assert "claims" not in d["episode"]
    assert d["n_claims"] == len(d["claims"])
    assert d["n_disagreements"] == sum(
        1 for c in d["claims"] if c["measured"] is not None and not c["agrees"]
    )
    for c in d["claims"]:
        assert set(c) == CLAIM_KEYS
    assert set(d["backtest"]) >= BACKTEST_KEYS
    assert d["report"] == str(report)
    text = report.read_text(encoding="utf-8")
    assert "Q4 2018" in text
    assert len(re.findall(r'src="data:image/png;base64,', text)) == 5
    # the S&P 500 close claim on Christmas Eve is measured from the bundled close
    (eve,) = [c for c in d["claims"] if c["measure"] == "index_close" and c["on"] == "2018-12-24"]
    assert eve["measured"] == float(load_sp500()["close"].loc[pd.Timestamp("2018-12-24")])


def test_replay_table_and_png_dir(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["replay", "q4-2018", "--png-dir", str(tmp_path)]) == 0
    text = capsys.readouterr().out
    assert "The story's numbers against the real history" in text
    assert "DISAGREES" in text or "agrees" in text
    pngs = sorted(tmp_path.glob("*.png"))
    assert [p.stem for p in pngs] == sorted(["value", "drawdown", "hedge", "margin", "vix"])
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)


def test_progress_bar_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    from hedgekit.cli._cmd_history import PROGRESS_MIN_SESSIONS, progress_bar

    with progress_bar(PROGRESS_MIN_SESSIONS + 1, "x") as update:
        assert update is None  # stderr is captured here, not a terminal
    with progress_bar(10, "x") as update:
        assert update is None  # short runs never show one

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stderr", Tty())
    with progress_bar(PROGRESS_MIN_SESSIONS + 1, "x") as update:
        assert update is not None
        update(5, PROGRESS_MIN_SESSIONS + 1)
        update(PROGRESS_MIN_SESSIONS + 1, PROGRESS_MIN_SESSIONS + 1)


EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_backtest_rebalance_rules_parse() -> None:
    from hedgekit.cli._cmd_history import _rebalance
    from hedgekit.policies import Always, Band, BetaChange, Calendar, Never, ValueChange

    assert _rebalance(None) == Band(contracts_fraction=0.05)
    assert _rebalance(0.2) == Band(contracts_fraction=0.2)
    assert _rebalance(None, "band:0.1") == Band(contracts_fraction=0.1)
    assert _rebalance(None, "value:5%") == ValueChange(pct=0.05)
    assert _rebalance(None, "beta:0.1") == BetaChange(threshold=0.1)
    assert _rebalance(None, "calendar:month") == Calendar(every="month")
    assert _rebalance(None, "calendar:21") == Calendar(every=21)
    assert _rebalance(None, "always") == Always()
    assert _rebalance(None, "never") == Never()


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--rebalance", "weekly"], "--rebalance"),
        (["--rebalance", "band:x"], "--rebalance"),
        (["--band", "0.1", "--rebalance", "always"], "not both"),
        (["--margin-buffer", "0.5"], "buffer_multiple"),
    ],
)
def test_backtest_bad_rebalance_and_buffer(
    capsys: pytest.CaptureFixture[str], extra: list[str], needle: str
) -> None:
    argv = ["backtest", "--value-usd", "1e6", "--from", "2019-01-02", "--to", "2019-06-28"]
    assert main([*argv, *extra]) == 2
    captured = capsys.readouterr()
    assert needle in captured.err
    assert captured.out == ""


def test_holdings_backtest_estimates_a_rolling_beta_by_default(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from hedgekit import backtest as bt
    from hedgekit.data import load_holdings
    from hedgekit.estimation import ols_beta, returns_from_prices
    from hedgekit.portfolio import portfolio_values

    argv = [
        "backtest", "--holdings", str(EXAMPLES / "portfolio.csv"), "--from", "2019-01-02",
        "--to", "2019-03-29", "--hedge", "0.5", "--rebalance", "beta:0.05",
        "--margin-buffer", "2",
    ]  # fmt: skip
    assert main([*argv, "--json"]) == 0
    json.loads(capsys.readouterr().out)
    # the same run through the library: the sizing beta on the first day is the OLS beta of
    # the portfolio on the S&P 500 over the 252 returns ending the session before
    held = load_holdings(EXAMPLES / "portfolio.csv")
    shares = {p.ticker: float(p.shares) for p in held.positions if p.shares is not None}
    spec = bt.BacktestSpec(
        start=pd.Timestamp("2019-01-02").date(),
        end=pd.Timestamp("2019-03-29").date(),
        portfolio=bt.HoldingsPortfolio(shares, beta=bt.RollingBeta(window=252)),
    )
    daily = bt.run_backtest(spec, engine="python").daily
    from hedgekit.data import prices_for

    px = prices_for(held)
    values = portfolio_values(held, px, "2017-06-01", "2018-12-31", as_of="2018-12-31")
    port = returns_from_prices(values)
    spx = load_sp500()["close"].loc["2017-06-01":"2018-12-31"]
    expected = ols_beta(port, returns_from_prices(spx), window=252).beta
    assert daily["beta"].iloc[0] == pytest.approx(expected, rel=1e-8)


def test_backtest_table_says_roll_costs_are_inside_fees_and_slippage(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["backtest", "--from", "2022-01-03", "--to", "2022-06-30", "--value-usd",
                 "1000000", "--beta", "1"]) == 0  # fmt: skip
    text = capsys.readouterr().out
    # roll_cost_usd is the commission and slippage of the roll trades (metrics.Metrics), a
    # part of the fees and slippage lines, not a cost of its own nor the spread's carry
    assert "of which on rolls usd" in text
    assert "roll cost usd" not in text
