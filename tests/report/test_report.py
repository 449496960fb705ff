"""HTML reports and charts: self-contained, escaped, with the metrics and valid PNG images."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from hedgekit.metrics import Metrics, metrics_columns
from hedgekit.report import (
    CHART_NAMES,
    PNG_MAGIC,
    export_pngs,
    heatmap,
    render_html_report,
    sweep_section,
    write_html_report,
    write_sweep_report,
)

# PNG signature: ISO/IEC 15948:2004, section 5.2: the bytes 137 80 78 71 13 10 26 10.
PNG_SIGNATURE = bytes([137, 80, 78, 71, 13, 10, 26, 10])


@dataclass(frozen=True)
class TinyResult:
    """A hand-built result with the columns of BacktestResult (synthetic, not market data)."""

    daily: pd.DataFrame
    fills: pd.DataFrame
    rolls: pd.DataFrame
    margin_calls: pd.DataFrame
    metrics: Metrics
    unhedged_metrics: Metrics


def tiny_result(contract: str = "ESZ2008") -> TinyResult:
    """Six synthetic sessions: index falls 10% then rebounds; one short contract, one call."""
    dates = pd.bdate_range("2008-10-06", periods=6)
    s = np.array([1000.0, 980.0, 950.0, 900.0, 940.0, 990.0])
    m = 50.0
    n = -2  # short two contracts all along
    unhedged = 100_000.0 * s / s[0]
    pnl = n * m * (s - s[0])  # futures = index (synthetic), marked daily
    margin = 10_000.0 + pnl
    call = np.array([0.0, 0.0, 0.0, 0.0, 0.0, 0.0])
    total = unhedged + pnl
    daily = pd.DataFrame(
        {
            "index_level": s,
            "vix": [25.0, 30.0, np.nan, 45.0, 38.0, 33.0],
            "futures_price": s,
            "futures_price_source": ["settlement"] * 4 + ["fair value"] * 2,
            "contract": [contract] * 6,
            "stocks_usd": unhedged,
            "margin_account_usd": margin,
            "cash_usd": np.zeros(6),
            "total_value_usd": total,
            "unhedged_value_usd": unhedged,
            "contracts": np.full(6, n),
            "hedge_ratio_target": np.full(6, 1.0),
            "hedge_ratio_effective": -n * m * s / unhedged,
            "fees_usd": [5.0, 0, 0, 0, 0, 0],
            "slippage_usd": np.zeros(6),
            "interest_usd": np.zeros(6),
            "margin_call_usd": call,
        },
        index=pd.DatetimeIndex(dates, name="date"),
    )
    calls = pd.DataFrame(
        {"date": [dates[5]], "amount_usd": [4_000.0], "source": ["cash"],
         "balance_before_usd": [margin[5]]}
    )  # fmt: skip
    rolls = pd.DataFrame(
        columns=["date", "from_contract", "to_contract", "contracts", "spread_points",
                 "spread_cost_usd"]
    )  # fmt: skip
    fills = pd.DataFrame(
        {"date": [dates[0]], "contract": [contract], "quantity": [n], "price": [s[0]],
         "reason": ["open"], "fee_usd": [5.0], "slippage_usd": [0.0]}
    )  # fmt: skip
    rate = np.zeros(6)
    h = Metrics.from_columns(
        metrics_columns(total, unhedged, rate, dates, initial_value_usd=100_000.0)
    )
    u = Metrics.from_columns(
        metrics_columns(unhedged, unhedged, rate, dates, initial_value_usd=100_000.0)
    )
    return TinyResult(daily, fills, rolls, calls, h, u)


@pytest.fixture(scope="module")
def result() -> TinyResult:
    return tiny_result()


@pytest.fixture(scope="module")
def page(result: TinyResult) -> str:
    return render_html_report(result, title="Tiny <test> & report")


def test_report_is_self_contained(page: str) -> None:
    # No resource loaded from outside: no src/href pointing at http(s) or protocol-relative URLs,
    # no scripts, no stylesheets by link, no CSS url() imports.
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.I)
    assert "<script" not in page.lower()
    assert "<link" not in page.lower()
    assert "url(" not in page.lower()
    assert "@import" not in page.lower()
    srcs = re.findall(r'src="([^"]*)"', page)
    assert srcs, "charts are embedded as images"
    assert all(s.startswith("data:image/png;base64,") for s in srcs)


def test_report_embeds_one_png_per_chart(page: str) -> None:
    srcs = re.findall(r'src="data:image/png;base64,([^"]+)"', page)
    assert len(srcs) == len(CHART_NAMES) == 5
    for b64 in srcs:
        assert base64.b64decode(b64, validate=True)[:8] == PNG_SIGNATURE


def test_report_has_metrics_table(page: str, result: TinyResult) -> None:
    # Total return of the hedged path computed here from the synthetic values.
    total = result.daily["total_value_usd"].to_numpy()
    hedged_return = total[-1] / 100_000.0 - 1.0
    unhedged_return = 990.0 / 1000.0 - 1.0  # index 1000 -> 990
    assert "Hedged" in page
    assert "Unhedged" in page
    assert f"{hedged_return * 100:.2f}%" in page
    assert f"{unhedged_return * 100:.2f}%" in page
    assert "Max drawdown" in page
    # unhedged drawdown: peak 1000 to trough 900 = 10%
    assert "10.00%" in page


def test_report_escapes_text(page: str) -> None:
    assert "Tiny &lt;test&gt; &amp; report" in page
    assert "<test>" not in page


def test_report_escapes_data_text() -> None:
    evil = tiny_result(contract='<img src="http://x/y.png">')
    text = render_html_report(evil)
    assert '<img src="http' not in text
    assert "&lt;img src=&quot;http://x/y.png&quot;&gt;" in text


def test_report_lists_margin_calls(page: str) -> None:
    assert "Margin calls (1)" in page
    assert "$4,000" in page


def test_write_report_and_png_export(tmp_path: Path, result: TinyResult) -> None:
    html_path = write_html_report(result, tmp_path / "sub" / "r.html", png_dir=tmp_path / "png")
    assert html_path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    pngs = sorted((tmp_path / "png").glob("*.png"))
    assert [p.stem for p in pngs] == sorted(CHART_NAMES)
    for p in pngs:
        data = p.read_bytes()
        assert data[:8] == PNG_SIGNATURE == PNG_MAGIC
        assert data[12:16] == b"IHDR"  # first chunk (PNG spec 5.6)
        width = int.from_bytes(data[16:20], "big")
        height = int.from_bytes(data[20:24], "big")
        assert width >= 600
        assert height >= 200


def test_export_pngs_returns_paths(tmp_path: Path, result: TinyResult) -> None:
    paths = export_pngs(result, tmp_path)
    assert [p.name for p in paths] == [f"{n}.png" for n in CHART_NAMES]
    assert all(p.read_bytes().startswith(PNG_SIGNATURE) for p in paths)


def test_report_rejects_other_objects() -> None:
    from hedgekit.errors import InputError

    with pytest.raises(InputError, match="nothing to report"):
        render_html_report(object())


# --------------------------------------------------------------------------- heatmaps


def sweep_frame() -> pd.DataFrame:
    rows: list[dict[str, Any]] = []
    for h in (0.0, 0.5, 1.0):
        for b in (0.0, 0.1, 0.2, 0.3):
            for start in ("2008", "2018"):
                rows.append(
                    {"hedge_ratio": h, "band": b, "start": start,
                     "max_drawdown": 0.5 * (1 - h) + b / 10, "cagr": 0.08 * (1 - h) - b / 100}
                )  # fmt: skip
    return pd.DataFrame(rows)


def test_heatmap_png() -> None:
    chart = heatmap(sweep_frame(), "hedge_ratio", "band", "max_drawdown")
    assert chart.png.startswith(PNG_SIGNATURE)
    assert chart.name == "heatmap-max_drawdown"
    assert "mean over the runs in each cell" in chart.title  # two start years per cell


def test_heatmap_rejects_missing_column() -> None:
    from hedgekit.errors import InputError

    with pytest.raises(InputError, match="no such column"):
        heatmap(sweep_frame(), "hedge_ratio", "nope", "cagr")
    with pytest.raises(InputError, match="unknown aggregate"):
        heatmap(sweep_frame(), "hedge_ratio", "band", "cagr", aggregate="sum")  # type: ignore[arg-type]


def test_sweep_section_ranks_and_escapes(tmp_path: Path) -> None:
    frame = sweep_frame()
    html_text = sweep_section(
        frame, x="hedge_ratio", y="band", metrics=["cagr"], title="Grid <1>", top=3
    )
    assert "Grid &lt;1&gt;" in html_text
    assert html_text.count("data:image/png;base64,") == 1
    best = frame.sort_values("cagr", ascending=False).iloc[0]
    assert f"{best['cagr'] * 100:.2f}%" in html_text
    path = write_sweep_report(
        frame, tmp_path / "s.html", x="hedge_ratio", y="band", metrics=["cagr", "max_drawdown"],
        png_dir=tmp_path / "png",
    )  # fmt: skip
    assert path.read_text(encoding="utf-8").count("<img") == 2
    assert sorted(p.name for p in (tmp_path / "png").glob("*.png")) == [
        "heatmap-cagr.png",
        "heatmap-max_drawdown.png",
    ]
