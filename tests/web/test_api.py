"""The JSON API: the CLI's documents for the CLI's options, its errors, jobs, book, security."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from hedgekit.web import WebSettings, create_app

from .conftest import EXAMPLES, TOKEN, cli_json

PORTFOLIO_CLI = ("--value-usd", "1000000", "--beta", "1.1", "--as-of", "2024-06-03")
PORTFOLIO = {"value_usd": 1_000_000, "beta": 1.1, "as_of": "2024-06-03"}


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(WebSettings()))


def _wait(client: TestClient, url: str, headers: dict[str, str] | None = None) -> Any:
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        state = client.get(url, headers=headers or {}).json()
        if state["status"] in ("done", "failed"):
            return state
        time.sleep(0.1)
    raise AssertionError(f"job {url} did not finish")


@pytest.mark.parametrize(
    ("command", "cli_extra", "body_extra"),
    [
        ("plan", ("--hedge", "0.5"), {"hedge": 0.5}),
        ("cost", ("--horizon", "6m"), {"horizon": "6m"}),
        ("puts", ("--strikes", "95%,90%"), {"strikes": "95%,90%"}),
        ("compare", ("--put-strike", "90%"), {"put_strike": "90%"}),
    ],
)
def test_api_answers_the_cli_json_document(
    client: TestClient,
    capsys: pytest.CaptureFixture[str],
    command: str,
    cli_extra: tuple[str, ...],
    body_extra: dict[str, Any],
) -> None:
    expected = cli_json(capsys, command, *PORTFOLIO_CLI, *cli_extra)
    r = client.post(f"/api/{command}", json={**PORTFOLIO, **body_extra})
    assert r.status_code == 200, r.text
    assert r.json() == expected


def test_plan_of_an_uploaded_holdings_file_equals_the_cli(
    client: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    path = EXAMPLES / "portfolio.csv"
    expected = cli_json(capsys, "plan", "--holdings", str(path), "--as-of", "2024-06-03")
    body = {"holdings_csv": path.read_text(), "as_of": "2024-06-03"}
    assert client.post("/api/plan", json=body).json() == expected


def test_a_bad_option_is_a_422_with_the_cli_where_got_expected(
    client: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    from hedgekit.cli import main

    assert main(["plan", "--value-usd", "1000000", "--beta", "1", "--rate", "4.5"]) == 2
    said = capsys.readouterr().err
    r = client.post("/api/plan", json={"value_usd": 1e6, "beta": 1, "rate": 4.5})
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["where"] == "--rate"
    assert f"where:    {err['where']}" in said
    assert f"expected: {err['expected']}" in said


def test_a_malformed_upload_names_the_upload_not_a_server_path(client: TestClient) -> None:
    r = client.post("/api/plan", json={"holdings_csv": "ticker,shares\nAAPL,abc\n"})
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["where"].startswith("--holdings (uploaded file)")
    assert "/tmp" not in str(err)


def test_uploads_are_capped_in_rows(client: TestClient) -> None:
    rows = "".join(f"T{i},1\n" for i in range(10_001))
    r = client.post("/api/plan", json={"holdings_csv": "ticker,shares\n" + rows})
    assert r.status_code == 422
    assert r.json()["error"]["message"] == "the file has too many rows"


@pytest.mark.parametrize("field", ["holdings", "prices", "position", "contracts_file", "out"])
def test_no_endpoint_takes_a_server_path(client: TestClient, field: str) -> None:
    r = client.post("/api/plan", json={**PORTFOLIO, field: "/etc/passwd"})
    assert r.status_code == 422
    assert r.json()["error"]["expected"] == "only the command's options"


def test_backtest_runs_as_a_job_and_answers_the_cli_document(
    client: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ("--value-usd", "1000000", "--beta", "1", "--from", "2023-01-03", "--to", "2023-03-31")
    expected = cli_json(capsys, "backtest", *argv)
    r = client.post(
        "/api/backtest",
        json={"value_usd": 1e6, "beta": 1, "from_": "2023-01-03", "to": "2023-03-31"},
    )
    assert r.status_code == 202
    state = _wait(client, r.json()["url"])
    assert state["status"] == "done", state
    assert state["total"] > 0
    assert state["done"] == state["total"]
    assert state["result"] == expected


def test_stress_runs_as_a_job_with_the_cli_numbers(
    client: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ("--paths", "40", "--horizon-days", "10", "--seed", "3", "--as-of", "2024-06-03")
    expected = cli_json(capsys, "stress", *argv, "--workers", "1")["data"]
    body = {"paths": 40, "horizon_days": 10, "seed": 3, "as_of": "2024-06-03"}
    state = _wait(client, client.post("/api/stress", json=body).json()["url"])
    assert state["status"] == "done", state
    got = state["result"]["data"]
    assert got["summary"] == expected["summary"]
    assert got["position"] == expected["position"]


def test_a_failed_job_says_why(client: TestClient) -> None:
    r = client.post("/api/backtest", json={"beta": 1, "from_": "2023-01-03", "to": "2023-03-31"})
    state = _wait(client, r.json()["url"])
    assert state["status"] == "failed"
    assert state["error"]["error"]["where"] == "--value-usd"


def test_an_unknown_job_is_a_404(client: TestClient) -> None:
    assert client.get("/api/jobs/nope").status_code == 404


def test_book_status_and_a_fill_need_the_token(
    book_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    c = TestClient(create_app(WebSettings(token=TOKEN, book=book_url)))
    fill = {"contract": "ESM2024", "quantity": -2, "price": 5300.0, "date": "2024-06-03"}
    assert c.post("/api/book/fills", json=fill).status_code == 401
    bad = {"Authorization": "Bearer not-the-token-at-all"}
    assert c.post("/api/book/fills", json=fill, headers=bad).status_code == 401
    r = c.post("/api/book/fills", json=fill, headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 200, r.text
    assert r.json()["kind"] == "book.fill"
    assert r.json()["data"]["booked"][0]["payload"]["quantity"] == -2
    q = {"date": "2024-06-04", "value_usd": 1e6, "beta": 1.0}
    status = c.get("/api/book/status", params=q)
    assert status.status_code == 200, status.text
    argv = ("--book", book_url, "--date", "2024-06-04", "--value-usd", "1000000", "--beta", "1")
    assert status.json() == cli_json(capsys, "book", "status", *argv)


def test_book_writes_are_refused_without_a_server_token(book_url: str) -> None:
    c = TestClient(create_app(WebSettings(book=book_url)))
    fill = {"contract": "ESM2024", "quantity": -2, "price": 5300.0}
    r = c.post("/api/book/fills", json=fill, headers={"Authorization": "Bearer x"})
    assert r.status_code == 422
    assert "token" in r.json()["error"]["expected"]


def test_off_loopback_every_request_needs_the_token() -> None:
    c = TestClient(create_app(WebSettings(token=TOKEN, token_everywhere=True)))
    assert c.post("/api/plan", json=PORTFOLIO).status_code == 401
    assert c.get("/openapi.json").status_code == 401
    page = c.get("/plan", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"].startswith("/login")
    ok = c.post("/api/plan", json=PORTFOLIO, headers={"Authorization": f"Bearer {TOKEN}"})
    assert ok.status_code == 200


def test_security_headers_on_every_answer(client: TestClient) -> None:
    for r in (client.get("/plan"), client.post("/api/plan", json={}), client.get("/nope")):
        assert "script-src 'self'" in r.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["referrer-policy"] == "no-referrer"


def test_a_form_post_without_its_csrf_token_is_refused(client: TestClient) -> None:
    r = client.post("/plan", data={"value_usd": "1000000", "beta": "1"})
    assert r.status_code == 403
    assert "CSRF" in r.text
    client.get("/plan")  # the cookie, but a form from elsewhere cannot know its value
    r = client.post("/plan", data={"csrf_token": "guessed", "value_usd": "1000000", "beta": "1"})
    assert r.status_code == 403


def test_plotly_is_served_by_the_app_and_pages_load_nothing_from_elsewhere(
    client: TestClient,
) -> None:
    js = client.get("/static/plotly.min.js")
    assert js.status_code == 200
    assert len(js.content) > 1_000_000
    page = client.get("/plan").text
    assert "http://" not in page
    assert "https://" not in page
    assert "<script>" not in page  # no inline scripts


def test_openapi_lists_every_endpoint(client: TestClient) -> None:
    paths = set(client.get("/openapi.json").json()["paths"])
    assert {"/api/plan", "/api/cost", "/api/puts", "/api/compare", "/api/backtest",
            "/api/replay/{key}", "/api/stress", "/api/sweep", "/api/jobs/{job_id}",
            "/api/book/status", "/api/book/fills"} <= paths  # fmt: skip
    assert "/api/plan" in client.get("/docs").text


def test_serve_off_loopback_without_a_token_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from hedgekit.cli import main

    assert main(["serve", "--host", "0.0.0.0", "--check"]) == 2
    assert "where:    --host" in capsys.readouterr().err
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n")
    assert main(["serve", "--host", "0.0.0.0", "--token-file", str(token_file), "--check"]) == 0
    assert "http://0.0.0.0:8000/" in capsys.readouterr().out
