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
