"""`hedgekit plan --holdings` with short stock rows, futures rows and the per-position view."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hedgekit.cli import main

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "portfolio.csv"


def _holdings(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "holdings.csv"
    path.write_text(EXAMPLE.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return path


def _plan(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    assert main(["plan", *argv, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["schema_version"] == 1
    data: dict[str, Any] = doc["data"]
    return data


def test_short_stock_row_is_planned_not_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # regression: "TSLA,-100" used to exit 2 with "shares must be positive"
    path = _holdings(tmp_path, "TSLA,-100,\n")
    data = _plan(capsys, "--holdings", str(path))
    rows = {r["ticker"]: r for r in data["holdings"]["positions"]}
    tsla = rows["TSLA"]
    assert tsla["shares"] == -100
    assert tsla["value_usd"] == pytest.approx(-100 * tsla["price_usd"])
    assert tsla["weight"] < 0
    assert tsla["beta_dollars_usd"] == pytest.approx(tsla["beta"] * tsla["value_usd"])
    assert tsla["beta_dollars_usd"] < 0  # TSLA's beta is positive: the short offsets
    assert data["portfolio_value_usd"] == pytest.approx(sum(r["value_usd"] for r in rows.values()))
    assert data["existing_hedge"] is None
    # nothing held: the trade is the recommended position itself
    assert {leg["root"]: leg["quantity"] for leg in data["trade"]["legs"]} == {
        c["root"]: c["quantity"] for c in data["contracts"] if c["quantity"]
    }


def test_futures_rows_are_netted_out_of_the_trade(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = _holdings(tmp_path, "ES,-1,\nMES,-3,\nNQ,-1,\n")
    data = _plan(capsys, "--holdings", str(path))
    # futures rows are not stock value
    assert {r["ticker"] for r in data["holdings"]["positions"]}.isdisjoint({"ES", "MES", "NQ"})
    held = {leg["root"]: leg for leg in data["existing_hedge"]["legs"]}
    assert {root: leg["quantity"] for root, leg in held.items()} == {"ES": -1, "MES": -3, "NQ": -1}
    month = data["market"]["contract"][-5:]  # "U2024": ES and MES resolve to the plan's month
    assert held["ES"]["contract"] == "ES" + month
    assert held["MES"]["contract"] == "MES" + month
    target = {c["root"]: c["quantity"] for c in data["contracts"]}
    trade = {leg["root"]: leg["quantity"] for leg in data["trade"]["legs"]}
    expected = {
        root: target.get(root, 0) - held[root]["quantity"] if root in held else target[root]
        for root in set(target) | set(held)
    }
    assert trade == {root: q for root, q in expected.items() if q != 0}
    assert trade["NQ"] == 1  # held but not recommended: bought back


def test_plan_text_shows_held_trade_and_share_of_hedge(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = _holdings(tmp_path, "TSLA,-100,\nES,-1,\n")
    assert main(["plan", "--holdings", str(path)]) == 0
    out = capsys.readouterr().out
    assert "share of hedge" in out
    assert "Already held" in out
    assert "Trade to place" in out
    assert "-1 ES" in out  # the note on the futures already held


def test_holding_the_recommended_hedge_leaves_nothing_to_trade(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    first = _plan(capsys, "--holdings", str(EXAMPLE))
    rows = "".join(f"{c['root']},{c['quantity']},\n" for c in first["contracts"] if c["quantity"])
    data = _plan(capsys, "--holdings", str(_holdings(tmp_path, rows)))
    assert data["trade"]["legs"] == []
    assert main(["plan", "--holdings", str(_holdings(tmp_path, rows))]) == 0
    assert "Trade to place: nothing" in capsys.readouterr().out


def test_per_position_betas_add_up_to_the_holdings_beta(
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = _plan(capsys, "--holdings", str(EXAMPLE), "--beta-method", "holdings")
    holdings = data["holdings"]
    rows = holdings["positions"]
    assert sum(r["hedge_share"] for r in rows) == pytest.approx(1.0)
    for r in rows:
        assert r["beta_method"] == "ols"
        assert r["beta_dollars_usd"] == pytest.approx(r["beta"] * r["value_usd"])
    # the holdings-weighted beta is sum(w_i beta_i): its beta-dollars are the same total
    assert holdings["beta_dollars_usd"] == pytest.approx(data["beta"] * data["portfolio_value_usd"])


def test_blume_plan_adjusts_each_position_beta(capsys: pytest.CaptureFixture[str]) -> None:
    ols = _plan(capsys, "--holdings", str(EXAMPLE))["holdings"]["positions"]
    blume = _plan(capsys, "--holdings", str(EXAMPLE), "--beta-method", "blume")["holdings"][
        "positions"
    ]
    for a, b in zip(ols, blume, strict=True):
        assert b["beta_method"] == "blume"
        assert b["beta"] == pytest.approx(2 / 3 * a["beta"] + 1 / 3)  # Blume (1971)


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ("ES,-1.5,", "shares"),
        ("ES,0,", "shares"),
        ("ESF2025,-1,", "ticker"),
        ("AAPL2,0,", "shares"),
    ],
)
def test_bad_futures_or_zero_rows_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, row: str, column: str
) -> None:
    path = _holdings(tmp_path, row + "\n")
    assert main(["plan", "--holdings", str(path)]) == 2
    err = capsys.readouterr().err
    assert str(path) in err
    assert "line 14" in err
    if column:
        assert repr(column) in err


def test_a_net_short_stock_file_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "short.csv"
    path.write_text("ticker,shares\nAAPL,10\nMSFT,-1000\n", encoding="utf-8")
    assert main(["plan", "--holdings", str(path)]) == 2
    assert "nothing to hedge" in capsys.readouterr().err


def test_hedged_example_file_plans_with_its_futures_netted(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = EXAMPLE.parent / "hedged_portfolio.csv"
    data = _plan(capsys, "--holdings", str(path))
    held = {leg["root"]: leg["quantity"] for leg in data["existing_hedge"]["legs"]}
    assert held == {"ES": -2, "MES": -3}  # examples/README.md
    assert any(r["shares"] < 0 for r in data["holdings"]["positions"])
    target = {c["root"]: c["quantity"] for c in data["contracts"]}
    trade = {leg["root"]: leg["quantity"] for leg in data["trade"]["legs"]}
    for root in set(target) | set(held):
        assert trade.get(root, 0) == target.get(root, 0) - held.get(root, 0)
