"""Sweep and stress HTML reports from the command line: every setting recorded, colours that
follow the ranking, column headers in words."""

from __future__ import annotations

import html
import re
from pathlib import Path

from hedgekit.cli import main

ROOT = Path(__file__).resolve().parents[2]


def _text(path: Path) -> str:
    page = path.read_text(encoding="utf-8")
    page = re.sub(r'src="data:[^"]+"', "", page)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def test_sweep_report_records_the_grid_and_every_setting(tmp_path: Path) -> None:
    report = tmp_path / "sweep.html"
    argv = ["sweep", str(ROOT / "examples" / "sweep.toml"), "--grid", "period.start=2015-01-02",
            "--grid", "portfolio.beta=1.0", "--report", str(report)]  # fmt: skip
    assert main(argv) == 0
    text = " ".join(_text(report).split())
    assert "Settings" in text
    assert "policy.h (varied) 0, 0.25, 0.5, 0.75, 1" in text
    assert "rebalance.contracts_fraction (varied)" in text
    assert "period.start 2015-01-02" in text
    for setting in ("Policy", "Portfolio", "Beta", "Contract ES", "Margin", "Costs", "Seed",
                    "Cash buffer", "Ranked by max_drawdown (lower is better)"):  # fmt: skip
        assert setting in text, setting
    # max_drawdown is ranked lower-is-better (order auto): the heatmap's colours say so
    assert "lower is better, green is low" in text
    assert "Max drawdown" in text.split("Best")[1]  # header in words, not max_drawdown


def test_stress_report_records_costs_model_and_margin(tmp_path: Path) -> None:
    report = tmp_path / "stress.html"
    argv = ["stress", "--paths", "50", "--horizon-days", "5", "--seed", "7", "--commission",
            "3.5", "--report", str(report)]  # fmt: skip
    assert main(argv) == 0
    text = " ".join(_text(report).split())
    # the plan's 2 ES + 8 MES run in MES units: $3.50 x 10 contracts / 28 units = $1.25
    for setting in ("portfolio $1,000,000, beta 1", "seed 7", "50 from", "$1.25 commission",
                    "per MES per side",
                    "index dividend yield", "margin sweep", "model stationary bootstrap",
                    "initial $"):  # fmt: skip
        assert setting in text, setting
    assert "$-" not in text  # a loss is -$1,234
