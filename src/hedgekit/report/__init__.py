"""Reports of backtests, replays and sweeps: charts and self-contained HTML.

Charts are drawn with matplotlib (the optional extra ``plot``), imported only when a chart is
drawn, and embedded in the HTML as base64 PNG images: a report is one file with no external
assets. :func:`write_html_report` takes a ``hedgekit.backtest.BacktestResult`` or a
``hedgekit.replays.ReplayResult``; :func:`heatmap`, :func:`sweep_section` and
:func:`write_sweep_report` serve parameter sweeps.
"""

from __future__ import annotations

from hedgekit.report._charts import CHART_NAMES, PNG_MAGIC, Chart, backtest_charts, heatmap
from hedgekit.report._html import (
    export_pngs,
    format_metric,
    metrics_table,
    render_html_report,
    report_charts,
    sweep_section,
    write_html_report,
    write_sweep_report,
)
from hedgekit.report._settings import settings_table_rows, spec_settings, sweep_settings

__all__ = [
    "CHART_NAMES",
    "PNG_MAGIC",
    "Chart",
    "backtest_charts",
    "export_pngs",
    "format_metric",
    "heatmap",
    "metrics_table",
    "render_html_report",
    "report_charts",
    "settings_table_rows",
    "spec_settings",
    "sweep_section",
    "sweep_settings",
    "write_html_report",
    "write_sweep_report",
]
