"""The pages show the CLI's numbers: every data-value equals the CLI's --json for the inputs."""

from __future__ import annotations

import re
import time
from html.parser import HTMLParser
from typing import Any

import pytest
from fastapi.testclient import TestClient

from hedgekit.web import WebSettings, create_app

from .conftest import EXAMPLES, cli_json


class Cells(HTMLParser):
    """The data-value of every cell of the tables, by table id, row by row."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.current: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table" and a.get("id"):
            self.current = a["id"]
            self.tables[self.current] = []
        elif tag == "tr" and self.current is not None:
            self.tables[self.current].append([])
        elif tag == "td" and self.current is not None and "data-value" in a:
            self.tables[self.current][-1].append(a["data-value"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self.current = None


def cells(html: str) -> dict[str, list[list[float | None]]]:
    parser = Cells()
    parser.feed(html)
    return {
        k: [[None if v == "" else float(v) for v in row] for row in rows if row]
        for k, rows in parser.tables.items()
    }


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(WebSettings()))


def csrf(client: TestClient, page: str) -> str:
    html = client.get(page).text
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def test_plan_page_numbers_equal_the_cli_json(
    client: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    path = EXAMPLES / "portfolio.csv"
    doc: Any = cli_json(capsys, "plan", "--holdings", str(path), "--hedge", "0.5")["data"]
    token = csrf(client, "/plan")
    r = client.post(
        "/plan",
        data={"csrf_token": token, "hedge": "0.5"},
        files={"holdings": ("portfolio.csv", path.read_bytes(), "text/csv")},
    )
    assert r.status_code == 200, r.text
    t = cells(r.text)
    assert t["summary"] == [
        [doc["portfolio_value_usd"]], [doc["beta"]], [doc["hedge_ratio_target"]],
        [doc["hedge_ratio_effective"]], [doc["exact_contracts"]], [doc["notional_usd"]],
        [doc["margin_initial_usd"]], [doc["margin"]["recommended_buffer_usd"]],
    ]  # fmt: skip
    assert t["contracts"] == [
        [c["quantity"], c["price"], c["notional_usd"]] for c in doc["contracts"]
    ]
    hedges = doc["scenario_comparison"]["hedges"]
    assert t["scenarios"] == [
        [h["rows"][i]["net_pnl_usd"] for h in hedges] for i in range(len(hedges[0]["rows"]))
    ]
    assert t["margin"] == [
        [b["multiple"], b["cash_usd"], b["cushion_usd"], b["adverse_move_to_call"]]
        for b in doc["margin"]["buffer_table"]
    ]
    # puts and collar: compare's document for the same holdings and horizon
    cmp: Any = cli_json(capsys, "compare", "--holdings", str(path), "--hedge", "0.5",
                        "--horizon", f"{doc['request']['horizon_days']}d")["data"]  # fmt: skip
    chosen = [a for a in cmp["alternatives"] if a["name"] in ("puts", "collar")]
    assert len(chosen) == 2
    assert t["protection"] == [
        [a["scenario_pnl_usd"][i] for a in chosen] for i in range(len(cmp["scenarios"]))
    ]
    # the holdings ride along, so a new hedge ratio needs no new upload
    assert 'name="holdings_csv"' in r.text


def test_the_first_page_is_the_example_portfolios_plan(
    client: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    """Opening the address shows a plan (the example's, as `make demo`), not an empty form."""
    from hedgekit.web._pages import example_holdings_csv

    path = EXAMPLES / "portfolio.csv"
    assert example_holdings_csv() == path.read_text(encoding="utf-8")  # one example, two copies
    doc: Any = cli_json(capsys, "plan", "--holdings", str(path))["data"]
    r = client.get("/")
    assert r.status_code == 200
    assert r.url.path == "/plan"
    assert 'id="example-note"' in r.text
    t = cells(r.text)
    assert t["summary"][0] == [doc["portfolio_value_usd"]]
    assert t["contracts"] == [
        [c["quantity"], c["price"], c["notional_usd"]] for c in doc["contracts"]
    ]
    # the form carries the example, so a new hedge ratio re-plans it
    token = csrf(client, "/plan")
    half = client.post("/plan", data={"csrf_token": token, "hedge": "0.5",
                                      "holdings_csv": example_holdings_csv()})  # fmt: skip
    assert half.status_code == 200
    assert 'id="example-note"' not in half.text
    assert cells(half.text)["summary"][2] == [0.5]
    # a value and beta typed over the carried example replace it (not "not both")
    form = {"csrf_token": token, "value_usd": "1000000", "beta": "1.1",
            "holdings_csv": example_holdings_csv()}  # fmt: skip
    typed = client.post("/plan", data=form)
    assert typed.status_code == 200, typed.text
    assert cells(typed.text)["summary"][:2] == [[1_000_000.0], [1.1]]
    assert 'name="holdings_csv"' not in typed.text


def test_compare_page_numbers_equal_the_cli_json(
    client: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ("--value-usd", "1000000", "--beta", "1.2", "--as-of", "2024-06-03")
    doc: Any = cli_json(capsys, "compare", *argv)["data"]
    form = {"csrf_token": csrf(client, "/compare"), "value_usd": "1000000", "beta": "1.2",
            "as_of": "2024-06-03"}  # fmt: skip
    r = client.post("/compare", data=form)
    assert r.status_code == 200, r.text
    rows = cells(r.text)["alternatives"]
    alts = doc["alternatives"]
    assert rows[0] == [a["hedge_ratio_achieved"] for a in alts]
    assert rows[2] == [a["upfront_cash_usd"] for a in alts]
    assert rows[5:] == [
        [a["scenario_pnl_usd"][i] for a in alts] for i in range(len(doc["scenarios"]))
    ]


def _follow_job(client: TestClient, location: str) -> str:
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        page = client.get(location)
        if 'http-equiv="refresh"' not in page.text:
            return page.text
        time.sleep(0.2)
    raise AssertionError("the job page never finished")


def test_backtest_page_numbers_equal_the_cli_json(
    client: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ("--value-usd", "1000000", "--beta", "1", "--from", "2023-01-03", "--to", "2023-03-31")
    doc: Any = cli_json(capsys, "backtest", *argv)["data"]
    form = {"csrf_token": csrf(client, "/backtest"), "value_usd": "1000000", "beta": "1",
            "from_": "2023-01-03", "to": "2023-03-31"}  # fmt: skip
    r = client.post("/backtest", data=form, follow_redirects=False)
    assert r.status_code == 303
    t = cells(_follow_job(client, r.headers["location"]))
    m = doc["metrics"]
    assert t["metrics"][0] == [m["hedged"]["final_value_usd"], m["unhedged"]["final_value_usd"]]
    assert t["metrics"][4] == [m["hedged"]["max_drawdown"], m["unhedged"]["max_drawdown"]]
    assert [row[0] for row in t["daily"]] == [d["hedged_value_usd"] for d in doc["daily"]]


def test_an_error_page_shows_where_got_expected(client: TestClient) -> None:
    form = {"csrf_token": csrf(client, "/plan"), "value_usd": "1000000", "beta": "1",
            "rate": "4.5"}  # fmt: skip
    r = client.post("/plan", data=form)
    assert r.status_code == 422
    assert "--rate" in r.text
    assert "expected" in r.text


def test_stress_page_histogram_counts_every_path(
    client: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ("--paths", "50", "--horizon-days", "10", "--seed", "5", "--as-of", "2024-06-03")
    doc: Any = cli_json(capsys, "stress", *argv, "--workers", "1")["data"]
    form = {"csrf_token": csrf(client, "/stress"), "paths": "50", "horizon_days": "10",
            "seed": "5", "as_of": "2024-06-03"}  # fmt: skip
    r = client.post("/stress", data=form, follow_redirects=False)
    t = cells(_follow_job(client, r.headers["location"]))
    s = doc["summary"]
    assert t["stress-summary"][0] == [s["hedged"]["mean_pnl_usd"], s["unhedged"]["mean_pnl_usd"]]
    assert sum(row[2] for row in t["histogram"]) == doc["n_paths"]  # type: ignore[misc]
    assert sum(row[3] for row in t["histogram"]) == doc["n_paths"]  # type: ignore[misc]


def chart_json(html: str, chart: str) -> Any:
    """The Plotly figure a page hands to charts.js for ``chart``."""
    import json

    found = re.search(rf'<script type="application/json" id="{chart}-data">(.*?)</script>', html,
                      re.S)  # fmt: skip
    assert found is not None
    return json.loads(found.group(1))


def test_puts_page_numbers_equal_the_cli_json(
    client: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ("--value-usd", "1000000", "--beta", "1.2", "--as-of", "2024-06-03")
    doc: Any = cli_json(capsys, "puts", *argv, "--structure", "all")["data"]
    form = {"csrf_token": csrf(client, "/puts"), "value_usd": "1000000", "beta": "1.2",
            "as_of": "2024-06-03", "structure": "all"}  # fmt: skip
    r = client.post("/puts", data=form)
    assert r.status_code == 200, r.text
    assert cells(r.text)["puts"] == [
        [row["strike_pct"], row["hedge_ratio"], row["contracts"], row["effective_hedge_ratio"],
         row["premium_usd"], row["premium_pct"], row["floor_usd"], row["floor_pct"],
         row["break_even_move"], row["horizon_cost_usd"]]
        for row in doc["rows"]
    ]  # fmt: skip
    # the payoff diagram agrees with the table: at the long strike the P&L is the floor, at
    # the break-even move zero, at a collar's call strike the cap (each less today's value)
    fig = chart_json(r.text, "chart-payoff")
    lines = {t["name"]: dict(zip(t["x"], t["y"], strict=True)) for t in fig["data"]}
    value = doc["portfolio_value_usd"]
    first = doc["rows"][0]["hedge_ratio"]
    shown = [row for row in doc["rows"] if row["hedge_ratio"] == first]
    assert len(lines) == len(shown) + 1  # and the unhedged line
    for row in shown:
        name = (f"{row['structure'].replace('_', ' ')} {row['strike_pct'] * 100:.0f}% "
                f"× {row['hedge_ratio'] * 100:.0f}%")  # fmt: skip
        line = lines[name]
        strike_move = (row["strike"] / doc["index_level"] - 1.0) * 100
        assert line[strike_move] == pytest.approx(row["floor_usd"] - value, abs=0.01)
        if row["cap_move"] is not None:
            cap_move = (row["call_strike"] / doc["index_level"] - 1.0) * 100
            assert line[cap_move] == pytest.approx(row["cap_usd"] - value, abs=0.01)
    from hedgekit.web._pages import puts_row_pnl

    for row in shown:  # -100 %: above today's value at any index level, no crossing
        if row["break_even_move"] is not None and row["break_even_move"] > -1.0:
            pnl = puts_row_pnl(doc, row, [row["break_even_move"]])
            assert pnl[0] == pytest.approx(0.0, abs=0.01)


def test_puts_page_from_an_uploaded_portfolio(
    client: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    path = EXAMPLES / "portfolio.csv"
    doc: Any = cli_json(capsys, "puts", "--holdings", str(path), "--strikes", "95%")["data"]
    r = client.post(
        "/puts",
        data={"csrf_token": csrf(client, "/puts"), "strikes": "95%"},
        files={"holdings": ("portfolio.csv", path.read_bytes(), "text/csv")},
    )
    assert r.status_code == 200, r.text
    assert [row[2] for row in cells(r.text)["puts"]] == [row["contracts"] for row in doc["rows"]]
    assert [row[4] for row in cells(r.text)["puts"]] == [row["premium_usd"] for row in doc["rows"]]


SOURCES = ("stocks_usd", "futures_marks_usd", "rolls_usd", "fees_usd", "margin_interest_usd",
           "dividends_usd")  # fmt: skip


def test_book_page_history_equals_the_cli_json(
    book_url: str, tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from hedgekit.calendar import sessions

    flex = EXAMPLES.parent / "tests" / "resources" / "book" / "flex_fixture.xml"
    holdings = tmp_path / "holdings.csv"
    holdings.write_text("ticker,market_value_usd\nSPY,600000\nQQQ,150000\n", encoding="utf-8")
    b = ("--book", book_url)
    cli_json(capsys, "book", "import", str(holdings), *b, "--date", "2024-12-02", "--beta", "1.05")
    cli_json(capsys, "book", "import", str(flex), *b)
    for day in sessions("2024-12-02", "2024-12-20"):
        cli_json(capsys, "book", "mark", *b, "--date", day.date().isoformat())
    history: Any = cli_json(capsys, "book", "history", *b, "--date", "2024-12-20")["data"]
    status: Any = cli_json(capsys, "book", "status", *b, "--date", "2024-12-20")["data"]
    assert len(history["rows"]) > 5

    client = TestClient(create_app(WebSettings(book=book_url)))
    r = client.get("/book", params={"date": "2024-12-20"})
    assert r.status_code == 200, r.text
    parser = Cells()
    parser.feed(r.text)  # the status table holds text too: only the history's tables here
    t = {k: [[None if v == "" else float(v) for v in row] for row in parser.tables[k] if row]
         for k in ("book-pnl", "book-history")}  # fmt: skip
    assert t["book-pnl"] == [
        [history[k]] for k in (*SOURCES, "hedged_pnl_usd", "unhedged_pnl_usd", "cost_usd",
                               "tracking_error_annual", "hedge_effectiveness")
    ]  # fmt: skip
    assert t["book-history"] == [
        [*(row[k] for k in SOURCES), row["cash_usd"], row["hedge_ratio"]] for row in history["rows"]
    ]
    # the running sums of the chart end at the totals; the margin lines are today's status
    pnl = {tr["name"]: tr for tr in chart_json(r.text, "chart-pnl")["data"]}
    assert pnl["futures marks"]["y"][-1] == pytest.approx(history["futures_marks_usd"])
    assert pnl["fees"]["y"][-1] == pytest.approx(history["fees_usd"])
    assert pnl["hedged P&L"]["y"][-1] == pytest.approx(history["hedged_pnl_usd"])
    assert pnl["hedged P&L"]["x"] == [row["day"] for row in history["rows"]]
    margin = {tr["name"]: tr for tr in chart_json(r.text, "chart-margin")["data"]}
    assert margin["cash in the futures account"]["y"] == [
        row["cash_usd"] for row in history["rows"]
    ]
    assert set(margin["maintenance margin today"]["y"]) == {status["margin"]["maintenance_usd"]}


def test_sweep_page_ranks_as_the_cli_json(
    client: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    grid = ["period.start=2020-01-02", "period.end=2020-06-30", "portfolio.value_usd=1e6",
            "policy.h=0,0.5,1", "portfolio.beta=0.8,1.2"]  # fmt: skip
    argv = [a for g in grid for a in ("--grid", g)]
    doc: Any = cli_json(capsys, "sweep", *argv, "--heatmap", "policy.h,portfolio.beta",
                        "--top", "2", "--workers", "1")["data"]  # fmt: skip
    form = {"csrf_token": csrf(client, "/sweep"), "grid": "\n".join(grid),
            "heatmap": "policy.h,portfolio.beta", "top": "2"}  # fmt: skip
    r = client.post("/sweep", data=form, follow_redirects=False)
    assert r.status_code == 303, r.text
    html = _follow_job(client, r.headers["location"])
    t = cells(html)
    metric = doc["metric"]
    for table, rows in (("sweep-best", doc["best"]), ("sweep-worst", doc["worst"])):
        assert t[table] == [
            [row["run"], row[metric], row["final_value_usd"], row["total_return"],
             row["max_drawdown"], row["hedge_effectiveness"]]
            for row in rows
        ]  # fmt: skip
    cells_ = doc["heatmap"]["cells"]
    assert t["sweep-heatmap"] == [[c[metric], c["runs"]] for c in cells_]
    fig = chart_json(html, "chart-heatmap")
    z = {(x, y): v for y, row in zip(fig["data"][0]["y"], fig["data"][0]["z"], strict=True)
         for x, v in zip(fig["data"][0]["x"], row, strict=True)}  # fmt: skip
    assert {(str(c["policy.h"]), str(c["portfolio.beta"])): c[metric] for c in cells_} == z


def test_sweep_page_refuses_a_bad_grid_key(client: TestClient) -> None:
    form = {"csrf_token": csrf(client, "/sweep"), "grid": "policy.nonsense=1,2"}
    r = client.post("/sweep", data=form, follow_redirects=False)
    assert r.status_code == 422
    assert "--grid" in r.text
    assert "expected" in r.text


def test_plan_page_reads_a_parquet_upload_as_the_same_holdings(
    client: TestClient, capsys: pytest.CaptureFixture[str], tmp_path: Any
) -> None:
    import pandas as pd

    path = EXAMPLES / "portfolio.csv"
    doc: Any = cli_json(capsys, "plan", "--holdings", str(path))["data"]
    parquet = tmp_path / "portfolio.parquet"
    pd.read_csv(path).to_parquet(parquet)
    r = client.post(
        "/plan",
        data={"csrf_token": csrf(client, "/plan")},
        files={"holdings": ("portfolio.parquet", parquet.read_bytes(), "application/x")},
    )
    assert r.status_code == 200, r.text
    t = cells(r.text)
    assert t["summary"][0] == [doc["portfolio_value_usd"]]
    assert t["contracts"] == [
        [c["quantity"], c["price"], c["notional_usd"]] for c in doc["contracts"]
    ]
