"""The pages in a real browser: the distribution's Chromium, headless, driven by Playwright.

Upload the example portfolio, see the plan and its charts (Plotly's SVG drawn), change the
hedge ratio, run a small backtest and a stress, record a fill in a temporary book. Each
page's screenshot is kept in tests/web/artifacts/ (ignored by git). Without Chromium these
tests fail and say how to install it (tools/chromium.sh): they never skip.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hedgekit.book._journal import derive_state

from .conftest import EXAMPLES, TOKEN, Server, cli_json

CHROMIUM = Path(os.environ.get("HEDGEKIT_CHROMIUM", "/usr/bin/chromium"))
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
ARTIFACTS = Path(__file__).parent / "artifacts"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: run tools/chromium.sh (as root it installs the "
            "distribution's package) or set HEDGEKIT_CHROMIUM to the browser's path"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any, live_server: Server) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    p = context.new_page()
    p.set_default_timeout(60_000)
    problems: list[str] = []
    p.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    p.on("pageerror", lambda e: problems.append(str(e)))
    yield p
    context.close()
    assert problems == []  # no script errors, no CSP refusals


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def value(page: Any, table: str, row: int) -> float:
    text = (
        page.locator(f"#{table} tbody tr").nth(row).locator("td").first.get_attribute("data-value")
    )
    return float(text)


def drawn(page: Any, chart: str) -> None:
    """Plotly drew the chart: its SVG is there, with a trace in it."""
    svg = page.locator(f"#{chart} svg.main-svg").first
    svg.wait_for(state="visible")
    assert page.locator(f"#{chart} svg .trace").count() >= 1


def test_plan_page_from_the_example_portfolio_then_a_new_hedge_ratio(
    page: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    path = EXAMPLES / "portfolio.csv"
    doc = cli_json(capsys, "plan", "--holdings", str(path))["data"]
    page.goto("/plan")
    page.get_by_label("Holdings file").set_input_files(str(path))
    page.get_by_role("button", name="Plan the hedge").click()
    page.locator("#summary").wait_for()
    assert value(page, "summary", 0) == doc["portfolio_value_usd"]
    for chart in ("chart-payoff", "chart-cushion", "chart-fits"):
        drawn(page, chart)
    shot(page, "plan")

    page.get_by_label("Hedge ratio").fill("0.5")
    page.get_by_role("button", name="Plan the hedge").click()
    page.wait_for_url("**/plan")
    page.locator("#summary").wait_for()
    assert value(page, "summary", 3) == 0.5  # the target, on the same holdings
    assert value(page, "summary", 0) == doc["portfolio_value_usd"]
    drawn(page, "chart-payoff")
    shot(page, "plan-half-hedge")


def test_a_small_backtest(page: Any) -> None:
    page.goto("/backtest")
    page.get_by_label("Portfolio value").fill("1000000")
    page.get_by_label("Beta").fill("1")
    page.get_by_label("Hedge ratio").fill("0.8")
    page.get_by_label("First session").fill("2023-01-03")
    page.get_by_label("Last session").fill("2023-06-30")
    page.get_by_role("button", name="Run the backtest").click()
    page.locator("#metrics").wait_for()
    for chart in ("chart-equity", "chart-ratio", "chart-margin", "chart-drawdown"):
        drawn(page, chart)
    shot(page, "backtest")


def test_a_small_stress(page: Any) -> None:
    page.goto("/stress")
    page.get_by_label("Paths").fill("60")
    page.get_by_label("Sessions simulated").fill("10")
    page.get_by_label("Hedge ratio").fill("1")
    page.get_by_role("button", name="Run the stress").click()
    page.locator("#stress-summary").wait_for()
    for chart in ("chart-fan", "chart-histogram", "chart-outcomes", "chart-buffer"):
        drawn(page, chart)
    shot(page, "stress")


def test_record_a_fill_in_a_test_book(page: Any, book_url: str) -> None:
    from hedgekit.book._store import open_book

    page.goto("/book")
    page.get_by_role("link", name="Log in with the access token").click()
    page.get_by_label("Access token").fill(TOKEN)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/book")
    page.get_by_label("Contract").fill("ESU2024")
    page.get_by_label("Quantity").fill("-2")
    page.get_by_label("Fill price").fill("5300.25")
    page.get_by_label("Date").fill("2024-06-03")
    page.get_by_role("button", name="Record the fill").click()
    page.locator("#booked").wait_for()
    shot(page, "book")
    import datetime as dt

    with open_book(book_url) as b:
        state = derive_state(b.events(), dt.date(2024, 6, 3))
    assert state.positions == {"ESU2024": -2}
