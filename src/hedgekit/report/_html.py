"""Self-contained HTML reports of a backtest, a replay or a sweep.

A report is one HTML file with no external assets: styles are inline, charts are embedded as
``data:image/png;base64`` images, there are no scripts. Every piece of text that comes from data
(story, claims, contract codes, file names) is escaped with :func:`html.escape`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import numpy as np

from hedgekit._io import atomic_write_text
from hedgekit.errors import InputError
from hedgekit.report._charts import Chart, backtest_charts, heatmap
from hedgekit.report._settings import settings_table_rows, spec_settings

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "export_pngs",
    "render_html_report",
    "report_charts",
    "sweep_section",
    "write_html_report",
    "write_sweep_report",
]

_CSS: Final = """
body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:2em auto;max-width:1000px;
color:#222;line-height:1.45;padding:0 1em}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.25em;border-bottom:1px solid #ddd;
padding-bottom:.2em;margin-top:1.6em}
table{border-collapse:collapse;margin:.6em 0;font-size:.9em}
th,td{border:1px solid #ddd;padding:.25em .6em;vertical-align:top}
th{background:#f4f4f4;text-align:left}td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.disagree td{background:#fdecea}tr.agree td{background:#eef7ee}
.muted{color:#666;font-size:.88em}.story{background:#f8f8f8;border-left:4px solid #1f5fa8;
padding:.6em 1em}figure{margin:1em 0}figure img{max-width:100%;height:auto}
figcaption{color:#666;font-size:.85em}
"""

#: Metrics shown as percentages.
_PCT: Final = frozenset(
    {
        "total_return",
        "cagr",
        "volatility_annual",
        "max_drawdown",
        "hedge_effectiveness",
        "average_hedge_ratio",
        "time_hedged",
        "tracking_error_annual",
    }
)
_ROW_LIMIT: Final = 60


def _e(value: object) -> str:
    """Escape any value as HTML text."""
    return html.escape(str(value), quote=True)


def _as_mapping(obj: object) -> dict[str, Any]:
    """A result object's fields as a dict (``to_dict()`` when it has one)."""
    to_dict = getattr(obj, "to_dict", None)
    if callable(to_dict):
        data = to_dict()
        if isinstance(data, Mapping):
            return dict(data)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}
    if isinstance(obj, Mapping):
        return dict(obj)
    raise InputError(
        "cannot read the metrics", source="result.metrics", value=type(obj).__name__,
        expected="a hedgekit.metrics.Metrics",
    )  # fmt: skip


def format_metric(name: str, value: object) -> str:
    """Format one metric for a table: percentages, dollars, counts, dates, ratios."""
    if value is None:
        return "n/a"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, int | np.integer):
        return f"{int(value):,}"
    if isinstance(value, float | np.floating):
        v = float(value)
        if not math.isfinite(v):
            return "n/a"
        if name in _PCT:
            return f"{v * 100:.2f}%"
        if name.endswith("_usd"):
            sign = "-" if v < 0 else ""
            return f"{sign}${abs(v):,.0f}"
        if name.startswith("n_"):
            return f"{v:,.0f}"
        return f"{v:,.3f}"
    return str(value)


_LABELS: Final = {"cagr": "CAGR", "sharpe": "Sharpe ratio", "sortino": "Sortino ratio"}


def _label(name: str) -> str:
    if name in _LABELS:
        return _LABELS[name]
    text = name.replace("_usd", " (USD)").replace("_", " ")
    if text.startswith("n "):
        text = "number of " + text[2:]
    return text[:1].upper() + text[1:]


def _table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    numeric: Sequence[bool] | None = None,
    row_classes: Sequence[str] | None = None,
) -> str:
    """An HTML table; every cell is escaped here."""
    num = list(numeric) if numeric is not None else [False] * len(headers)
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = []
    for i, row in enumerate(rows):
        cls = f' class="{_e(row_classes[i])}"' if row_classes is not None else ""
        cells = "".join(
            f'<td class="num">{_e(c)}</td>' if num[j] else f"<td>{_e(c)}</td>"
            for j, c in enumerate(row)
        )
        body.append(f"<tr{cls}>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def metrics_table(result: Any) -> str:
    """Hedged against unhedged metrics, one row per measure."""
    hedged = _as_mapping(result.metrics)
    unhedged = _as_mapping(result.unhedged_metrics)
    rows = []
    for name, value in hedged.items():
        other = unhedged.get(name)
        rows.append([_label(name), format_metric(name, value), format_metric(name, other)])
    return _table(["Measure", "Hedged", "Unhedged"], rows, numeric=[False, True, True])


def _records_table(frame: pd.DataFrame | None, title: str) -> str:
    """A record frame (margin calls, rolls) as a table, the first rows only."""
    if frame is None or len(frame) == 0:
        return f'<p class="muted">{_e(title)}: none.</p>'
    cols = [str(c) for c in frame.columns]
    rows = []
    for rec in frame.head(_ROW_LIMIT).itertuples(index=False):
        rows.append(
            [
                format_metric(c, v) if not isinstance(v, str) else v
                for c, v in zip(cols, rec, strict=True)
            ]
        )
    numeric = [frame[c].dtype.kind in "fiu" for c in frame.columns]
    more = len(frame) - _ROW_LIMIT
    tail = f'<p class="muted">... and {more} more.</p>' if more > 0 else ""
    headers = [_label(c) for c in cols]
    return f"<h3>{_e(title)} ({len(frame)})</h3>" + _table(headers, rows, numeric=numeric) + tail


def _claims_table(replay: Any) -> str:
    from hedgekit.replays._claims import format_value

    rows = []
    classes = []
    for check in replay.claims:
        c = check.claim
        measured = (
            "not measured" if check.measured is None else format_value(check.measured, c.unit)
        )
        verdict = "agrees" if check.agrees else ("n/a" if check.measured is None else "DISAGREES")
        rows.append(
            [c.what, format_value(c.stated_value, c.unit), measured, verdict, check.comment]
        )
        classes.append("agree" if check.agrees else "disagree")
    n_dis = sum(1 for ch in replay.claims if not ch.agrees and ch.measured is not None)
    lead = (
        f"<p>{len(replay.claims)} numbers stated by the story; {n_dis} disagree with the "
        "bundled history. Index levels are measured on the bundled S&amp;P 500 and VIX closes; "
        "values and P&amp;L on the backtest of the story's setup.</p>"
    )
    return lead + _table(
        ["Claim", "Story says", "Measured", "Verdict", "How it was measured"],
        rows,
        numeric=[False, True, True, False, False],
        row_classes=classes,
    )


def _split(obj: Any) -> tuple[Any, Any | None]:
    """``(BacktestResult, ReplayResult or None)`` from either."""
    if hasattr(obj, "episode") and hasattr(obj, "result") and hasattr(obj, "claims"):
        return obj.result, obj
    if hasattr(obj, "daily"):
        return obj, None
    raise InputError(
        "nothing to report", source="result", value=type(obj).__name__,
        expected="a BacktestResult or a ReplayResult",
    )  # fmt: skip


def report_charts(obj: Any) -> tuple[Chart, ...]:
    """The charts of a backtest or replay result (value, drawdown, hedge, margin, VIX)."""
    result, replay = _split(obj)
    marks: list[tuple[Any, str]] = []
    if replay is not None:
        ep = replay.episode
        if ep.hedge_until is not None and ep.hedge_until < ep.end:
            import pandas as pd

            marks.append((pd.Timestamp(ep.hedge_until), "hedge lifted"))
    return backtest_charts(result.daily, getattr(result, "margin_calls", None), marks)


def _figures(charts: Sequence[Chart]) -> str:
    return "".join(
        f'<figure><img alt="{_e(c.title)}" src="{c.data_uri()}"/>'
        f"<figcaption>{_e(c.title)}</figcaption></figure>"
        for c in charts
    )


def _setup_table(result: Any, replay: Any | None) -> str:
    daily = result.daily
    rows: list[list[str]] = [
        ["First session", daily.index[0].date().isoformat()],
        ["Last session", daily.index[-1].date().isoformat()],
        ["Sessions", f"{len(daily):,}"],
    ]
    if replay is not None:
        ep = replay.episode
        rows += [
            ["Policy", ep.policy_description],
            ["Portfolio", f"${ep.value_usd:,.0f}, beta {ep.beta:.2f}"],
            ["Initial margin per contract", f"${ep.initial_margin_per_contract_usd:,.0f}"],
            ["Margin calls paid from", ep.call_source],
        ]
        if ep.other_assets_usd:
            rows.append(["Other assets held flat", f"${ep.other_assets_usd:,.0f}"])
    if "futures_price_source" in daily.columns:
        counts = daily["futures_price_source"].value_counts()
        rows.append(["Futures prices", ", ".join(f"{k}: {v} sessions" for k, v in counts.items())])
    if "contract" in daily.columns:
        held = [str(c) for c in dict.fromkeys(daily["contract"].tolist()) if str(c)]
        rows.append(["Contracts held", ", ".join(held)])
    if "hedge_ratio_effective" in daily.columns:
        rows.append(["Hedge ratio, target (average)", f"{daily['hedge_ratio_target'].mean():.1%}"])
        rows.append(["Hedge ratio, achieved (average)",
                     f"{daily['hedge_ratio_effective'].mean():.1%}"])  # fmt: skip
    table = _table(["", ""], rows)
    if getattr(result, "spec", None) is not None:
        table += "<h3>Settings</h3>" + _table(
            ["Setting", "Value"], settings_table_rows(spec_settings(result))
        )
    notes = [n for n in getattr(result, "notes", ()) if n]
    if notes:
        table += "<ul>" + "".join(f"<li>{_e(n)}</li>" for n in notes) + "</ul>"
    return table


def render_html_report(obj: Any, *, title: str | None = None) -> str:
    """The HTML text of a backtest or replay report.

    Parameters
    ----------
    obj
        A ``hedgekit.backtest.BacktestResult`` or a :class:`hedgekit.replays.ReplayResult`.
    title
        Page title (default: the episode's title, or "Backtest").

    Returns
    -------
    str
        A complete, self-contained HTML document.
    """
    return _render(obj, title=title, charts=report_charts(obj))


def _render(obj: Any, *, title: str | None, charts: Sequence[Chart]) -> str:
    result, replay = _split(obj)
    heading = title or (replay.episode.title if replay is not None else "Backtest")
    parts = [f"<h1>{_e(heading)}</h1>"]
    daily = result.daily
    parts.append(
        f'<p class="muted">hedgekit backtest on the bundled real history, '
        f"{_e(daily.index[0].date().isoformat())} to {_e(daily.index[-1].date().isoformat())}."
        "</p>"
    )
    if replay is not None:
        ep = replay.episode
        parts.append("<h2>The story</h2>")
        parts.append(
            f'<div class="story"><p>{_e(ep.story)}</p><p class="muted">From the guide '
            f"&ldquo;Portfolio Hedging with Futures&rdquo;, section &ldquo;{_e(ep.source_section)}"
            "&rdquo;.</p></div>"
        )
    parts.append("<h2>Setup</h2>")
    parts.append(_setup_table(result, replay))
    parts.append("<h2>Metrics: hedged against unhedged</h2>")
    parts.append(metrics_table(result))
    if replay is not None:
        parts.append("<h2>The story's numbers against the real history</h2>")
        parts.append(_claims_table(replay))
    parts.append("<h2>Charts</h2>")
    parts.append(_figures(charts))
    parts.append("<h2>Records</h2>")
    parts.append(_records_table(getattr(result, "margin_calls", None), "Margin calls"))
    parts.append(_records_table(getattr(result, "rolls", None), "Rolls"))
    return _page(heading, "".join(parts))


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"/>'
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>{body}"
        '<p class="muted">Generated by hedgekit. Past results on real history do not predict '
        "future ones.</p></body></html>\n"
    )


def export_pngs(
    obj: Any, directory: str | Path, *, charts: Sequence[Chart] | None = None
) -> tuple[Path, ...]:
    """Write the report's charts as PNG files ``<directory>/<name>.png``; return the paths.

    The charts are drawn before the folder is made; each file is written whole.
    """
    drawn = report_charts(obj) if charts is None else charts
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    return tuple(c.save(out / f"{c.name}.png") for c in drawn)


def write_html_report(
    obj: Any,
    path: str | Path,
    *,
    title: str | None = None,
    png_dir: str | Path | None = None,
    charts: Sequence[Chart] | None = None,
) -> Path:
    """Write a self-contained HTML report of a backtest or replay, whole.

    Parameters
    ----------
    obj
        A ``BacktestResult`` or a ``ReplayResult``.
    path
        The HTML file to write (parent folders are created).
    title
        Page title.
    png_dir
        When given, the charts are also written there as PNG files.
    charts
        The charts of :func:`report_charts`, when already drawn.

    Returns
    -------
    pathlib.Path
        The HTML file written (a temporary file renamed into place when complete).
    """
    if charts is None:
        charts = report_charts(obj)
    text = _render(obj, title=title, charts=charts)
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(p, text)
    if png_dir is not None:
        export_pngs(obj, png_dir, charts=charts)
    return p


# --------------------------------------------------------------------------- sweeps


def sweep_section(
    frame: pd.DataFrame,
    *,
    x: str,
    y: str,
    metrics: Sequence[str],
    title: str = "Sweep",
    rank_by: str | None = None,
    ascending: bool = False,
    top: int = 10,
    charts: list[Chart] | None = None,
) -> str:
    """An HTML section for a parameter sweep: one heatmap per metric, best and worst runs.

    Parameters
    ----------
    frame
        One row per run (parameters and measures as columns).
    x, y
        Parameter columns of the heatmaps.
    metrics
        Measures to draw, one heatmap each.
    title
        Section heading.
    rank_by
        Measure the best/worst tables are sorted by (default the first of ``metrics``).
    ascending
        Sort order: ``False`` lists the highest values as best.
    top
        Rows in each of the best and worst tables.
    charts
        When a list is given, the heatmaps drawn are appended to it (for PNG export).

    Returns
    -------
    str
        An HTML fragment (``<section>...</section>``), all text escaped.
    """
    if not metrics:
        raise InputError("no metrics to draw", source="metrics", value=[], expected=">= 1 column")
    key = rank_by if rank_by is not None else metrics[0]
    if key not in frame.columns:
        raise InputError(
            "no such column in the sweep results", source="rank_by", value=key,
            expected=f"one of {list(map(str, frame.columns))}",
        )  # fmt: skip
    if top < 1:
        raise InputError("must be at least 1", source="top", value=top, expected=">= 1")
    # Green is good: a measure ranked lower-is-better (drawdown, volatility) reverses the map.
    drawn = [heatmap(frame, x, y, m, reverse=ascending and m == key) for m in metrics]
    if charts is not None:
        charts.extend(drawn)
    ordered = frame.sort_values(key, ascending=ascending, kind="stable")
    cols = [str(c) for c in frame.columns]
    numeric = [frame[c].dtype.kind in "fiu" for c in frame.columns]

    def rows(part: pd.DataFrame) -> list[list[str]]:
        return [
            [
                format_metric(c, v) if not isinstance(v, str) else v
                for c, v in zip(cols, r, strict=True)
            ]
            for r in part.itertuples(index=False)
        ]

    # Grid keys (``policy.h``) read as the user typed them; measures read as words.
    headers = [c if "." in c else _label(c) for c in cols]
    best = _table(headers, rows(ordered.head(top)), numeric=numeric)
    worst = _table(headers, rows(ordered.tail(top).iloc[::-1]), numeric=numeric)
    return (
        f'<section><h2>{_e(title)}</h2><p class="muted">{len(frame):,} runs over '
        f"{_e(x)} and {_e(y)}.</p>{_figures(drawn)}"
        f"<h3>Best {min(top, len(frame))} by {_e(_label(key))}</h3>{best}"
        f"<h3>Worst {min(top, len(frame))} by {_e(_label(key))}</h3>{worst}</section>"
    )


def write_sweep_report(
    frame: pd.DataFrame,
    path: str | Path,
    *,
    x: str,
    y: str,
    metrics: Sequence[str],
    title: str = "Sweep",
    rank_by: str | None = None,
    ascending: bool = False,
    top: int = 10,
    png_dir: str | Path | None = None,
    settings: Mapping[str, Any] | Sequence[tuple[str, Any]] | None = None,
) -> Path:
    """Write a self-contained HTML page with a :func:`sweep_section`; optionally its PNGs.

    ``settings``: every setting the sweep ran with (name, value), written as a table.
    """
    charts: list[Chart] = []
    body = sweep_section(
        frame, x=x, y=y, metrics=metrics, title=title, rank_by=rank_by, ascending=ascending,
        top=top, charts=charts,
    )  # fmt: skip
    if settings is not None:
        body = (
            "<h2>Settings</h2>" + _table(["Setting", "Value"], settings_table_rows(settings)) + body
        )
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(p, _page(title, f"<h1>{_e(title)}</h1>{body}"))
    if png_dir is not None:
        out = Path(png_dir)
        out.mkdir(parents=True, exist_ok=True)
        for c in charts:
            c.save(out / f"{c.name}.png")
    return p
