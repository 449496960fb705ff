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
    "n_fills", "rolls", "margin_calls", "hedge_ratio_target", "hedge_ratio_achieved", "notes",
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
    assert BACKTEST_KEYS | {
        "policy",
        "contract",
        "report",
        "png_files",
        "settings",
        "out",
        "daily",
        "position",
    } == set(d)
    assert d["position"] is None  # no --position/--legs
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
        (["--margin-buffer", "0.5"], "--margin-buffer"),
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
    assert "of which on rolls" in text
    assert "roll cost usd" not in text


# ---------------------------------------------------------------- one position, one snapshot


def _backtest_json(argv: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    assert main(["backtest", *argv, "--json"]) == 0
    doc: dict[str, Any] = json.loads(capsys.readouterr().out)
    return doc["data"]


def test_backtest_static_full_hedge_averages_near_its_target(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The example holdings over 2005-2024 were about 65% hedged: the command rounded whole
    # ES contracts down on a portfolio worth 1-3 contracts. It now rounds to the nearest,
    # as the plan does, and says how close it got.
    d = _backtest_json(["--from", "2005-01-03", "--to", "2024-02-15", "--holdings",
                        "examples/portfolio.csv", "--beta", "1"], capsys)  # fmt: skip
    assert d["hedge_ratio_target"] == pytest.approx(1.0)
    daily = pd.DataFrame(d["daily"])
    assert d["hedge_ratio_achieved"] == pytest.approx(daily["hedge_ratio"].mean())
    # A full hedge here is 1-3 ES: rounding 1.6 up to 2 would leave the position 25% net
    # short, past the plan's 1% tolerance, so the net-short guard holds 1 and the command
    # says why (whole contracts, try a Micro) instead of going net short.
    assert d["hedge_ratio_achieved"] < 1.0
    assert any("Micro contract" in note for note in d["notes"])
    assert main(["backtest", "--from", "2020-01-02", "--to", "2020-12-31", "--value-usd",
                 "1000000"]) == 0  # fmt: skip
    text = capsys.readouterr().out
    assert re.search(r"Hedge ratio: target 100\.0%, achieved \d+\.\d% on average", text)


def test_backtest_warns_when_whole_contracts_miss_the_target(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # $100,000 against one ES of about $72,000 in 2007 (index ~1,450 x $50): a full hedge is
    # 1.4 ES, rounded down to 1; whole contracts cannot get close
    d = _backtest_json(["--from", "2007-01-03", "--to", "2007-12-31", "--value-usd", "100000",
                        "--rounding", "down"], capsys)  # fmt: skip
    gap = d["hedge_ratio_achieved"] - d["hedge_ratio_target"]
    assert abs(gap) > 0.10
    warning = [n for n in d["notes"] if "achieved" in n]
    assert warning
    assert "whole contracts" in warning[0]
    assert "--rounding down" in warning[0]


def test_backtest_default_cash_buffer_is_the_plans_and_margin_is_the_registrys(
    capsys: pytest.CaptureFixture[str],
) -> None:
    base = ["--from", "2020-01-02", "--to", "2020-12-31", "--value-usd", "1000000"]
    d = _backtest_json(base, capsys)
    assert d["settings"]["Cash buffer"].startswith("1.5x initial margin")
    one = _backtest_json([*base, "--margin-buffer", "1"], capsys)
    assert len(d["margin_calls"]) < len(one["margin_calls"])
    assert one["settings"]["Cash buffer"].startswith("1x initial margin")
    # before the registry's first dated figure (2024) it is scaled by notional, and said so
    note = [n for n in d["notes"] if n.startswith("Margin:")]
    assert note
    assert "scaled by notional" in note[0]
    assert "$12,000" in note[0]
    daily = pd.DataFrame(d["daily"])
    per = daily["margin_requirement_usd"] / daily["contracts_ES"].abs()
    assert per.max() < 12_000.0  # the S&P 500 was below its 2024 level all through 2020
    assert main(["backtest", *base, "--margin-buffer", "2.5"]) == 0
    assert "Cash buffer: 2.5x initial margin" in capsys.readouterr().out


def test_backtest_exports_the_daily_series(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["backtest", "--from", "2020-01-02", "--to", "2020-03-31", "--value-usd", "1000000"]
    csv = tmp_path / "daily.csv"
    assert main([*base, "--out", str(csv)]) == 0
    assert str(csv) in capsys.readouterr().out
    frame = pd.read_csv(csv)
    for col in ("date", "portfolio_value_usd", "hedged_value_usd", "futures_pnl_usd",
                "contracts_ES", "hedge_ratio", "margin_requirement_usd", "margin_account_usd",
                "cash_usd"):  # fmt: skip
        assert col in frame.columns
    assert frame["date"].iloc[0] == "2020-01-02"
    assert (frame["contracts_ES"] < 0).all()
    # refuses to overwrite, and other suffixes, naming --out
    assert main([*base, "--out", str(csv)]) == 2
    assert "--out" in capsys.readouterr().err
    assert main([*base, "--out", str(csv), "--force"]) == 0
    capsys.readouterr()
    assert main([*base, "--out", str(tmp_path / "daily.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "--out" in err
    assert "FILE.csv or FILE.parquet" in err
    pq = tmp_path / "daily.parquet"
    assert main([*base, "--out", str(pq)]) == 0
    capsys.readouterr()
    back = pd.read_parquet(pq)
    assert len(back) == len(frame)
    assert back["hedged_value_usd"].to_numpy() == pytest.approx(frame["hedged_value_usd"])


def test_backtest_defaults_to_the_last_year_of_data(capsys: pytest.CaptureFixture[str]) -> None:
    d = _backtest_json(["--value-usd", "1000000"], capsys)
    end = pd.Timestamp(d["end"])
    start = pd.Timestamp(d["start"])
    assert 360 <= (end - start).days <= 366
    assert any(n.startswith("No dates given") for n in d["notes"])


def test_a_holdings_backtest_defaults_to_the_last_year_with_their_prices(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # the bundled stock prices end before the index and rates do: with no dates, the run
    # ends on the last session with a price for every holding instead of failing on one
    from hedgekit.backtest import last_available_date, last_price_date
    from hedgekit.data import load_holdings

    tickers = [p.ticker for p in load_holdings(EXAMPLES / "portfolio.csv").positions]
    prices_end = pd.Timestamp(last_price_date(tickers))
    assert prices_end < pd.Timestamp(last_available_date("ES", None))
    d = _backtest_json(["--holdings", str(EXAMPLES / "portfolio.csv")], capsys)
    assert pd.Timestamp(d["end"]) == prices_end
    assert any("the holdings' prices" in n for n in d["notes"])
    # one price missing on the last day moves the end back a session
    frame = pd.DataFrame({"A": [1.0, 2.0, 3.0], "B": [1.0, 2.0, float("nan")]},
                         index=pd.bdate_range("2024-01-01", periods=3))  # fmt: skip
    assert last_price_date(["A", "B"], frame) == pd.Timestamp("2024-01-02")
    assert last_price_date(["A", "C"], frame) is None
    assert last_price_date(["NOT-A-TICKER"]) is None


def test_backtest_words_not_field_names(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["backtest", "--from", "2020-01-02", "--to", "2020-12-31", "--value-usd",
                 "1000000"]) == 0  # fmt: skip
    text = capsys.readouterr().out
    assert "_usd" not in text
    assert " usd " not in text
    assert "time(s)" not in text
    assert "-0.00" not in text
    assert "-$0 " not in text


def test_backtest_never_rounds_past_the_net_short_tolerance(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Nearest rounding used to take a full hedge of e.g. 19.6 contracts to 20 (2% net short)
    # on every trade; the engine now applies the plan's net-short guard (size_hedge).
    from hedgekit.contracts import get_contract
    from hedgekit.sizing import size_hedge

    argv = ["--value-usd", "1000000", "--from", "2019-06-03", "--to", "2019-12-31",
            "--contract", "ES", "--rebalance", "always"]  # fmt: skip
    for tol in ("0", "0.01"):
        d = _backtest_json([*argv, "--net-short-tolerance", tol], capsys)
        daily = pd.DataFrame(d["daily"])
        es = get_contract("ES")
        for _, row in daily.iterrows():
            full = row["beta"] * row["stocks_usd"] / (es.multiplier_usd * row["futures_price"])
            # contracts never exceed the full hedge by more than the tolerance (the stocks
            # here are after the day's margin flows, hence the small slack)
            assert -row["contracts_ES"] <= full * (1 + float(tol)) + 0.35
        first = daily.iloc[0]
        assert d["settings"] is not None
        want = size_hedge(1_000_000.0, 1.0, first["futures_price"], es, 1.0,
                          net_short_tolerance=float(tol)).legs[0].quantity  # fmt: skip
        assert first["contracts_ES"] == want
    assert main(["backtest", *argv, "--net-short-tolerance", "0.5"]) == 2


def test_backtest_holds_a_position_given_by_legs(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--holdings", "examples/portfolio.csv", "--from", "2019-06-01", "--to",
            "2019-12-31", "--contract", "MES"]  # fmt: skip
    d = _backtest_json([*argv, "--legs", "ES:-2,MES:-5"], capsys)
    daily = pd.DataFrame(d["daily"])
    assert (daily["contracts_MES"] == -25).all()  # 2 ES + 5 MES in Micro units
    assert d["position"]["units"] == -25
    assert d["position"]["micro_units"]
    assert len(d["rolls"]) >= 2
    assert d["metrics"]["hedged"]["n_trades"] == 1 + 2 * len(d["rolls"])
    assert d["hedge_ratio_achieved"] == pytest.approx(daily["hedge_ratio"].mean())
    # E-mini alone runs on ES
    d = _backtest_json([*argv[:-2], "--legs", "ES:-3"], capsys)
    assert (pd.DataFrame(d["daily"])["contracts_ES"] == -3).all()
    assert main(["backtest", *argv, "--legs", "ES:-2", "--json"]) == 0
    capsys.readouterr()
    assert main(["backtest", *argv]) == 0
    text = capsys.readouterr().out
    assert main(["backtest", *argv, "--legs", "ES:-2,MES:-5"]) == 0
    text = capsys.readouterr().out
    assert "ES:-2,MES:-5 held as -25 MES" in text
    assert re.search(r"achieved \d+\.\d% on average", text)


@pytest.mark.parametrize(
    ("extra", "flag"),
    [
        (["--legs", "ES:-2,NQ:-1"], "--legs"),
        (["--legs", "NQ:-1", "--contract", "ES"], "--legs"),
        (["--legs", "ES:-2", "--hedge", "0.5"], "--hedge"),
    ],
)
def test_backtest_refuses_a_position_it_cannot_hold(
    extra: list[str], flag: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["backtest", "--value-usd", "1000000", "--from", "2019-06-03", "--to",
                 "2019-12-31", *extra])  # fmt: skip
    assert code == 2
    assert flag in capsys.readouterr().err


def test_a_backtest_before_the_contract_was_listed_says_so(
    capsys: pytest.CaptureFixture[str],
) -> None:
    d = _backtest_json(["--legs", "MES:-30", "--value-usd", "1000000", "--from", "2018-01-02",
                        "--to", "2018-06-29"], capsys)  # fmt: skip
    assert any("MES was listed on 2019-05-06" in n for n in d["notes"])
    later = _backtest_json(["--legs", "MES:-30", "--value-usd", "1000000", "--from",
                            "2020-01-02", "--to", "2020-06-30"], capsys)  # fmt: skip
    assert not any("was listed on" in n for n in later["notes"])
