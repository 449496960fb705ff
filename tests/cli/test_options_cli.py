"""``hedgekit puts`` and ``hedgekit compare`` as a user runs them: option choice, achieved
hedge ratios, floors, the default vol of non-S&P options, the headline of ``compare``."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

import numpy as np
import pytest

from hedgekit.cli import main

AS_OF = "2024-01-12"


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)["data"]


def run_text(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def achieved(n: int, units: float, index_level: float, beta: float, value: float) -> float:
    return n * units * index_level / (beta * value)


def best_miss(h: float, beta: float, value: float, s: float, units: list[float]) -> float:
    """Smallest |achieved − asked| over whole contracts of the given sizes (round to nearest)."""
    out = math.inf
    for u in units:
        n = math.floor(h * beta * value / (u * s) + 0.5)
        out = min(out, abs(achieved(n, u, s, beta, value) - h))
    return out


# ----------------------------------------------------------------------- option choice


def test_puts_auto_picks_the_option_that_best_meets_the_hedge_ratio(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # $300,000 at beta 1: one SPX (~$478,000 of index) hedges 159 %, six XSP 96 %.
    d = run_json(
        capsys, "puts", "--value-usd", "300000", "--beta", "1", "--as-of", AS_OF,
        "--hedge-ratios", "100,80,50",
    )  # fmt: skip
    assert d["option"]["name"] == "XSP"
    s, v = d["index_level"], d["portfolio_value_usd"]
    for row in d["rows"]:
        miss = abs(row["effective_hedge_ratio"] - row["hedge_ratio"])
        assert miss <= best_miss(row["hedge_ratio"], 1.0, v, s, [100.0, 10.0]) + 1e-12
        assert row["effective_hedge_ratio"] == pytest.approx(
            achieved(row["contracts"], 10.0, s, 1.0, v)
        )


def test_puts_auto_keeps_spx_for_a_large_portfolio(capsys: pytest.CaptureFixture[str]) -> None:
    d = run_json(
        capsys, "puts", "--value-usd", "47800000", "--beta", "1", "--as-of", AS_OF,
        "--hedge-ratios", "100",
    )  # fmt: skip
    # 100 SPX or 1,000 XSP hedge the same; the larger contract needs a tenth of the fees.
    assert d["option"]["name"] == "SPX"


def test_puts_table_shows_the_achieved_hedge_ratio(capsys: pytest.CaptureFixture[str]) -> None:
    text = run_text(
        capsys, "puts", "--value-usd", "1000000", "--beta", "1.2", "--as-of", AS_OF,
        "--option", "SPX", "--hedge-ratios", "100,80",
    )  # fmt: skip
    assert "achieved" in text
    # 1.2 x 1,000,000 / (100 x 4,783.83) = 2.51 -> 3 SPX hedge 120 % when 100 % is asked.
    assert "120%" in text


def test_option_on_another_index_than_the_plan_is_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(
        ["puts", "--value-usd", "1000000", "--beta", "1.2", "--as-of", AS_OF, "--option", "NDX"]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "--option" in err
    assert "--contract" in err


@pytest.mark.parametrize(("contract", "small"), [("NQ", "XND"), ("RTY", "MRUT")])
def test_small_portfolios_on_other_indices_get_the_small_option(
    capsys: pytest.CaptureFixture[str], contract: str, small: str
) -> None:
    # $1,000,000 at beta 1.4 is under one NDX contract (~$1.7M of index): the asked 100 %
    # is met by the 1/100 (XND) or 1/10 (MRUT) contract, not by a whole NDX/RUT one.
    d = run_json(
        capsys, "puts", "--value-usd", "1000000", "--beta", "1.4", "--as-of", AS_OF,
        "--contract", contract, "--hedge-ratios", "100",
    )  # fmt: skip
    assert d["option"]["name"] == small
    assert abs(d["rows"][0]["effective_hedge_ratio"] - 1.0) < 0.1


# ----------------------------------------------------------------------- floors


def test_no_floor_without_a_contract(capsys: pytest.CaptureFixture[str]) -> None:
    d = run_json(
        capsys, "puts", "--value-usd", "100000", "--beta", "1", "--as-of", AS_OF,
        "--option", "SPX", "--hedge-ratios", "100,50",
    )  # fmt: skip
    assert all(r["contracts"] == 0 for r in d["rows"])
    assert all(r["floor_usd"] is None and r["floor_pct"] is None for r in d["rows"])
    text = run_text(
        capsys, "puts", "--value-usd", "100000", "--beta", "1", "--as-of", AS_OF,
        "--option", "SPX", "--hedge-ratios", "100",
    )  # fmt: skip
    assert "no contract" in text


@pytest.mark.parametrize("beta", ["0.7", "1.4"])
def test_compare_floors_never_above_the_value_with_the_index_unchanged(
    capsys: pytest.CaptureFixture[str], beta: str
) -> None:
    d = run_json(
        capsys, "compare", "--value-usd", "1171354", "--beta", beta, "--as-of", "2024-09-10",
        "--option", "SPX",
    )  # fmt: skip
    v = d["portfolio_value_usd"]
    xs = [s["index_move"] for s in d["scenarios"]]
    flat = xs.index(0.0)
    for a in d["alternatives"]:
        if a["downside_floor_usd"] is None:
            continue
        # the floor is the lowest value over falls: never above the unchanged-index value,
        # nor above any fall scenario
        assert a["downside_floor_usd"] <= v + a["scenario_pnl_usd"][flat] + 1e-6
        for x, pnl in zip(xs, a["scenario_pnl_usd"], strict=True):
            if x <= 0:
                assert a["downside_floor_usd"] <= v + pnl + 1e-6
        if a["name"] in ("puts", "collar"):
            assert a["downside_floor_usd"] < v


def test_capm_floor_by_hand_hull_table() -> None:
    # Hull, Options, Futures and Other Derivatives (11e), ch. 17 "When the portfolio's beta
    # is not 1.0" (Table 17.2 in the 10th ed.): V = $500,000, beta 2.0, r = 12 % a year,
    # index and portfolio dividend yields 4 % a year, index 1,000, three months. An index of
    # 960 goes with a portfolio worth $450,000 (ex dividends), 1,040 with $530,000.
    from hedgekit.protection import capm_portfolio_value

    t = 0.25
    for level, ex_div in ((960.0, 450_000.0), (1_040.0, 530_000.0), (1_080.0, 570_000.0)):
        wealth = capm_portfolio_value(500_000.0, 2.0, level / 1_000.0 - 1.0, 0.12, 0.04, t)
        # wealth includes the portfolio's own dividends (4 % x 0.25 x $500,000 = $5,000)
        assert wealth - 0.04 * t * 500_000.0 == pytest.approx(ex_div)


@pytest.mark.parametrize(("beta", "value"), [("0.7", "2009790"), ("1.4", "2000000")])
def test_puts_and_compare_give_the_same_floor(
    capsys: pytest.CaptureFixture[str], beta: str, value: str
) -> None:
    # Values chosen so that whole XSP contracts over-hedge a touch (25.6 -> 26 at beta 0.7,
    # 50.95 -> 51 at 1.4): the value at the strike is then the lowest value in any fall.
    common = ("--value-usd", value, "--beta", beta, "--as-of", "2024-09-10", "--option", "XSP")
    p = run_json(capsys, "puts", *common, "--strikes", "95%", "--hedge-ratios", "100",
                 "--days", "91")  # fmt: skip
    row = p["rows"][0]
    c = run_json(capsys, "compare", *common, "--put-strike", "95%", "--hedge", "1",
                 "--horizon", "91d")  # fmt: skip
    puts = next(a for a in c["alternatives"] if a["name"] == "puts")
    assert c["horizon_days"] == 91
    assert puts["details"]["contracts"] == row["contracts"]
    assert row["effective_hedge_ratio"] > 1.0
    # Independent hand computation: CAPM value at the strike (Hull 11e ch. 17; r, q from
    # the plan's market inputs), plus the puts' payoff (zero at the strike), less premium,
    # fees and the interest the premium would have earned.
    v, b, r, q = c["portfolio_value_usd"], float(beta), c["rate_annual"], c["dividend_yield"]
    t = 91 / 365
    x = row["strike_pct"] - 1.0
    by_hand = (
        v * (1 + b * (x + q * t) + (1 - b) * r * t)
        - row["premium_usd"]
        - row["fees_usd"]
        - row["premium_usd"] * math.expm1(r * t)
    )
    assert row["floor_usd"] == pytest.approx(by_hand, rel=1e-12)
    assert puts["downside_floor_usd"] == pytest.approx(row["floor_usd"], rel=1e-9)


# ----------------------------------------------------------------------- default vol


@pytest.mark.parametrize(("contract", "index"), [("NQ", "NDX"), ("RTY", "RUT")])
def test_non_sp_options_default_to_the_index_realised_vol(
    capsys: pytest.CaptureFixture[str], contract: str, index: str
) -> None:
    from hedgekit import datasets

    d = run_json(
        capsys, "puts", "--value-usd", "1000000", "--beta", "1", "--as-of", AS_OF,
        "--contract", contract,
    )  # fmt: skip
    closes = datasets.load_index(index)["close"]
    closes = closes[closes.index <= np.datetime64(dt.date.fromisoformat(AS_OF))].to_numpy()
    rets = np.diff(np.log(closes[-64:]))
    assert len(rets) == 63
    expected = float(np.std(rets, ddof=1) * math.sqrt(252))  # Hull 11e §15.4
    assert d["atm_vol"] == pytest.approx(expected, rel=1e-12)
    assert d["option"]["index"] == index
    assert "realised" in d["vol_source"]
    assert "63" in d["vol_source"]
    text = run_text(
        capsys, "compare", "--value-usd", "1000000", "--beta", "1", "--as-of", AS_OF,
        "--contract", contract,
    )  # fmt: skip
    assert "realised" in text


# ----------------------------------------------------------------------- compare headline


def test_compare_headline_is_the_historical_mean_and_achieved_ratio_on_every_column(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ("compare", "--value-usd", "1000000", "--beta", "1", "--as-of", AS_OF)
    d = run_json(capsys, *argv)
    for a in d["alternatives"]:
        assert "hedge_ratio_achieved" in a
        assert "historical_mean_vs_unhedged_usd" in a
    fut = next(a for a in d["alternatives"] if a["name"] == "futures")
    sell = next(a for a in d["alternatives"] if a["name"] == "sell")
    assert sell["hedge_ratio_achieved"] == pytest.approx(fut["hedge_ratio_achieved"])
    # upside kept = share of the market's gain kept, [A(u) - A(0)] / [U(u) - U(0)]: for the
    # futures 1 + Q (S0 + b_h) / (beta V) with Q the USD per index point of the position and
    # b_h the basis left at the horizon (the futures then still trade above the index, and
    # that basis moves with it).
    q_usd = sum(p["quantity"] * p["multiplier_usd"] for p in fut["details"]["positions"])
    level = d["index_level"] + fut["details"]["basis_at_horizon_points"]
    assert fut["upside_kept"] == pytest.approx(
        1.0 + q_usd * level / (d["beta"] * d["portfolio_value_usd"])
    )
    assert sell["upside_kept"] == pytest.approx(1.0 - sell["hedge_ratio_achieved"])
    text = run_text(capsys, *argv)
    main_table = text.split("P&L")[0]
    assert "achieved hedge" in main_table
    assert "historical mean vs unhedged" in main_table
    assert "secondary" in text.lower()


def test_selling_at_a_gain_without_a_tax_rate_is_flagged(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ("compare", "--holdings", "examples/portfolio.csv")
    text = run_text(capsys, *argv)
    assert "--tax-rate" in text
    assert "warning" in text
    d = run_json(capsys, *argv)
    sell = next(a for a in d["alternatives"] if a["name"] == "sell")
    assert sell["details"]["realised_gain_usd"] > 0
    assert sell["details"]["tax_rate"] is None
    assert any("--tax-rate" in w for w in d["warnings"])
    d = run_json(capsys, *argv, "--tax-rate", "0.2")
    assert d["warnings"] == []
    sell = next(a for a in d["alternatives"] if a["name"] == "sell")
    assert sell["details"]["tax_usd"] == pytest.approx(0.2 * sell["details"]["realised_gain_usd"])
