"""HTML reports and charts: self-contained, escaped, with the metrics and valid PNG images."""

from __future__ import annotations

import base64
import dataclasses
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from hedgekit.backtest import BacktestResult, BacktestSpec, IndexPortfolio, MarginSpec, run_backtest
from hedgekit.policies import StaticHedge
from hedgekit.report import (
    CHART_NAMES,
    PNG_MAGIC,
    Chart,
    export_pngs,
    heatmap,
    render_html_report,
    sweep_section,
    write_html_report,
    write_sweep_report,
)

# PNG signature: ISO/IEC 15948:2004, section 5.2: the bytes 137 80 78 71 13 10 26 10.
PNG_SIGNATURE = bytes([137, 80, 78, 71, 13, 10, 26, 10])


def real_result() -> BacktestResult:
    """A real backtest: $1M tracking the S&P 500, fully hedged with ES from September 2008."""
    spec = BacktestSpec(
        start="2008-09-02",
        end="2009-06-30",
        portfolio=IndexPortfolio(value_usd=1_000_000.0, beta=1.0),
        policy=StaticHedge(1.0),
        margin=MarginSpec(initial_usd=12_000.0, call_source="cash"),
    )
    return run_backtest(spec)


@pytest.fixture(scope="module")
def result() -> BacktestResult:
    return real_result()


@pytest.fixture(scope="module")
def written(result: BacktestResult, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The report written once (with its PNGs): drawing charts is the slow part."""
    root = tmp_path_factory.mktemp("report")
    html_path = write_html_report(
        result, root / "sub" / "r.html", title="Tiny <test> & report", png_dir=root / "png"
    )
    return html_path, root / "png"


@pytest.fixture(scope="module")
def page(written: tuple[Path, Path]) -> str:
    return written[0].read_text(encoding="utf-8")


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


def test_report_has_metrics_table(page: str, result: BacktestResult) -> None:
    # Returns and drawdowns computed here from the daily values with plain pandas.
    daily = result.daily
    hedged = daily["total_value_usd"]
    unhedged = daily["unhedged_value_usd"]
    hedged_return = hedged.iloc[-1] / 1_000_000.0 - 1.0
    unhedged_return = unhedged.iloc[-1] / 1_000_000.0 - 1.0
    unhedged_dd = -float((unhedged / unhedged.cummax() - 1.0).min())
    assert "Hedged" in page
    assert "Unhedged" in page
    assert "Max drawdown" in page
    assert f"{hedged_return * 100:.2f}%" in page
    assert f"{unhedged_return * 100:.2f}%" in page
    assert f"{unhedged_dd * 100:.2f}%" in page


def test_report_escapes_text(page: str) -> None:
    assert "Tiny &lt;test&gt; &amp; report" in page
    assert "<test>" not in page


def test_report_escapes_data_text(result: BacktestResult, monkeypatch: pytest.MonkeyPatch) -> None:
    from hedgekit.report import _html

    monkeypatch.setattr(_html, "report_charts", lambda obj: ())  # text only: no charts drawn
    daily = result.daily.copy()
    daily["contract"] = '<img src="http://x/y.png">'
    text = render_html_report(dataclasses.replace(result, daily=daily))
    assert '<img src="http' not in text
    assert "&lt;img src=&quot;http://x/y.png&quot;&gt;" in text


def test_report_lists_margin_calls(page: str, result: BacktestResult) -> None:
    calls = result.margin_calls
    assert len(calls) > 0  # a full hedge through the 2008-2009 swings meets calls
    assert f"Margin calls ({len(calls)})" in page
    first = float(calls["amount_usd"].iloc[0])
    assert f"${first:,.0f}" in page
    assert f"Rolls ({len(result.rolls)})" in page


def test_written_report_and_png_export(page: str, written: tuple[Path, Path]) -> None:
    assert page.startswith("<!DOCTYPE html>")
    pngs = sorted(written[1].glob("*.png"))
    assert [p.stem for p in pngs] == sorted(CHART_NAMES)
    for p in pngs:
        data = p.read_bytes()
        assert data[:8] == PNG_SIGNATURE == PNG_MAGIC
        assert data[12:16] == b"IHDR"  # first chunk (PNG spec 5.6)
        width = int.from_bytes(data[16:20], "big")
        height = int.from_bytes(data[20:24], "big")
        assert width >= 600
        assert height >= 200
        # the same image is embedded in the page
        assert base64.b64encode(data).decode("ascii") in page


def test_export_pngs_names_files(tmp_path: Path, result: BacktestResult) -> None:
    chart = Chart("value", "Hedged vs unhedged value", PNG_SIGNATURE + b"rest")
    paths = export_pngs(result, tmp_path / "out", charts=(chart,))
    assert paths == (tmp_path / "out" / "value.png",)
    assert paths[0].read_bytes() == chart.png


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


def test_backtest_report_records_every_setting(tmp_path: Path) -> None:
    """A report alone says what was run: policy, portfolio, beta, contract, margin, costs."""
    from hedgekit.cli import main

    path = tmp_path / "bt.html"
    argv = ["backtest", "--from", "2020-01-02", "--to", "2020-06-30", "--value-usd", "750000",
            "--beta", "1.2", "--contract", "MES", "--commission", "0.85", "--margin-buffer", "2",
            "--policy", "vix:35", "--report", str(path)]  # fmt: skip
    assert main(argv) == 0
    page = path.read_text(encoding="utf-8")
    assert "<h3>Settings</h3>" in page
    for text in ("2020-01-02 to 2020-06-30", "max(0, 1 - VIX/35)", "cap 35.0", "$750,000",
                 "<td>1.2</td>", "<td>MES</td>", "$0.85 commission", "2x initial margin",
                 "scaled by notional", "Hedge ratio, achieved (average)"):  # fmt: skip
        assert text in page, text
    assert "amount_usd" not in page
