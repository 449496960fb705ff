"""Charts and a self-contained HTML page of a stress run (in memory; the CLI writes the file).

Charts are drawn with matplotlib (the optional extra ``plot``, imported here lazily) into
:class:`hedgekit.report.Chart` PNG images and embedded in the page as base64 data URIs:

* fan chart: per-day percentiles (5-25-50-75-95) of the hedged and unhedged values over the
  paths kept for it, with a few single paths;
* outcome histograms: P&L at the horizon, hedged over unhedged, with the 95% VaR marked;
* worst drawdown histograms;
* the margin-call probability against the starting buffer (exact curve only).
"""

from __future__ import annotations

import html
import io
from typing import TYPE_CHECKING, Any

import numpy as np

from hedgekit.errors import HedgekitError

if TYPE_CHECKING:
    from hedgekit.montecarlo._stress import StressResult
    from hedgekit.report import Chart

__all__ = ["render_stress_html", "stress_charts"]

_HEDGED = "#1f5fa8"
_UNHEDGED = "#c0392b"
_WIDTH_IN = 9.0
_DPI = 100
_SAMPLE_PATHS = 5

_CSS = (
    "body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:2em auto;"
    "max-width:1000px;color:#222;line-height:1.45;padding:0 1em}"
    "h1{font-size:1.6em}h2{font-size:1.25em;border-bottom:1px solid #ddd}"
    "table{border-collapse:collapse;margin:.6em 0;font-size:.9em}"
    "th,td{border:1px solid #ddd;padding:.25em .6em}th{background:#f4f4f4;text-align:left}"
    "td.num{text-align:right;font-variant-numeric:tabular-nums}"
    ".muted{color:#666;font-size:.88em}figure img{max-width:100%;height:auto}"
)


def _figure(height_in: float = 3.4) -> Any:
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:  # pragma: no cover - depends on the environment
        raise HedgekitError(
            "charts need matplotlib: install the 'plot' extra (pip install 'hedgekit[plot]')"
        ) from None
    fig = Figure(figsize=(_WIDTH_IN, height_in), dpi=_DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _chart(fig: Any, name: str, title: str) -> Chart:
    from hedgekit.report import Chart

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=_DPI, metadata={"Software": None})
    return Chart(name=name, title=title, png=buf.getvalue())


def _fan(ax: Any, days: Any, values: Any, colour: str, label: str) -> None:
    q = np.quantile(values, [0.05, 0.25, 0.5, 0.75, 0.95], axis=0)
    ax.fill_between(days, q[0], q[4], color=colour, alpha=0.15, linewidth=0)
    ax.fill_between(days, q[1], q[3], color=colour, alpha=0.3, linewidth=0)
    ax.plot(days, q[2], color=colour, linewidth=1.6, label=f"{label} (median, 50% and 90%)")
    for row in values[:_SAMPLE_PATHS]:
        ax.plot(days, row, color=colour, linewidth=0.5, alpha=0.5)


def stress_charts(result: StressResult) -> tuple[Chart, ...]:
    """Fan chart, P&L and drawdown histograms, and the buffer curve (when exact)."""
    charts = []
    days = np.arange(result.n_days + 1)
    if result.fan_hedged_usd.shape[0] > 0:
        fig = _figure()
        ax = fig.add_subplot()
        _fan(ax, days, result.fan_unhedged_usd, _UNHEDGED, "unhedged")
        _fan(ax, days, result.fan_hedged_usd, _HEDGED, "hedged")
        ax.set_xlabel("simulated session")
        ax.set_ylabel("value (USD)")
        ax.grid(True, color="#dddddd", linewidth=0.6)
        ax.legend(loc="upper left", fontsize=8)
        n_fan = result.fan_hedged_usd.shape[0]
        charts.append(_chart(fig, "fan", f"Value over the horizon: percentiles of {n_fan:,} paths"))
    o = result.outcomes
    for key, label, name in (
        ("pnl", "P&L at the horizon (USD)", "outcomes"),
        ("max_drawdown", "worst drawdown (fraction)", "drawdowns"),
    ):
        fig = _figure(3.0)
        ax = fig.add_subplot()
        hedged = o[f"{key}_hedged_usd" if key == "pnl" else f"{key}_hedged"].to_numpy()
        unhedged = o[f"{key}_unhedged_usd" if key == "pnl" else f"{key}_unhedged"].to_numpy()
        lo = float(min(hedged.min(), unhedged.min()))
        hi = float(max(hedged.max(), unhedged.max()))
        bins = np.linspace(lo, hi if hi > lo else lo + 1.0, 80)
        ax.hist(unhedged, bins=bins, color=_UNHEDGED, alpha=0.5, label="unhedged")
        ax.hist(hedged, bins=bins, color=_HEDGED, alpha=0.6, label="hedged")
        if key == "pnl":
            from hedgekit.montecarlo._risk import value_at_risk

            for values, colour in ((hedged, _HEDGED), (unhedged, _UNHEDGED)):
                ax.axvline(-value_at_risk(values, 0.95), color=colour, linestyle="--",
                           linewidth=1)  # fmt: skip
        ax.set_xlabel(label + ("; dashed: 95% VaR" if key == "pnl" else ""))
        ax.set_ylabel("paths")
        ax.legend(fontsize=8)
        charts.append(_chart(fig, name, f"Distribution of the {label.split(' (')[0]}"))
    if result.spec.exact_buffer_curve and result.outcomes["contracts_start"].iloc[0] > 0:
        from hedgekit.montecarlo._stress import call_probability_curve

        req = o["required_buffer_multiple"].to_numpy()
        finite = req[np.isfinite(req)]
        top = max(2.0, float(np.quantile(finite, 0.995)) if finite.size else 2.0)
        grid = np.linspace(1.0, top, 200)
        fig = _figure(3.0)
        ax = fig.add_subplot()
        ax.plot(grid, call_probability_curve(req, grid.tolist()), color=_HEDGED)
        ax.set_xlabel("starting margin account / initial margin")
        ax.set_ylabel("P(at least one margin call)")
        ax.grid(True, color="#dddddd", linewidth=0.6)
        charts.append(_chart(fig, "buffer", "Margin-call probability against the cash buffer"))
    return tuple(charts)


def _e(x: object) -> str:
    return html.escape(str(x))


def _table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f'<td class="num">{_e(c)}</td>' if i else f"<td>{_e(c)}</td>"
                         for i, c in enumerate(r)) + "</tr>"
        for r in rows
    )  # fmt: skip
    return f"<table><tr>{head}</tr>{body}</table>"


def render_stress_html(
    result: StressResult, summary: dict[str, Any], *, title: str = "Stress test"
) -> str:
    """A self-contained HTML page: setup, outcome tables, margin and buffer, charts."""
    spec = result.spec
    s = summary

    def usd(x: float | None) -> str:
        if x is None:
            return "n/a"
        text = f"${abs(x):,.0f}"
        return f"-{text}" if x < 0 and text != "$0" else text

    def pct(x: float | None) -> str:
        return "n/a" if x is None else f"{x * 100:.2f}%"

    rows = []
    for label, key in (("1st percentile", "p01"), ("5th", "p05"), ("median", "p50"),
                       ("95th", "p95"), ("99th", "p99")):  # fmt: skip
        rows.append([f"P&L {label}", usd(s["hedged"]["pnl_usd"][key]),
                     usd(s["unhedged"]["pnl_usd"][key])])  # fmt: skip
    for level in s["hedged"]["var"]:
        rows.append([f"VaR {float(level):.0%}", usd(s["hedged"]["var"][level]["usd"]),
                     usd(s["unhedged"]["var"][level]["usd"])])  # fmt: skip
        rows.append([f"CVaR {float(level):.0%}", usd(s["hedged"]["cvar"][level]["usd"]),
                     usd(s["unhedged"]["cvar"][level]["usd"])])  # fmt: skip
    rows.append(["probability of a loss", pct(s["hedged"]["probability_of_loss"]),
                 pct(s["unhedged"]["probability_of_loss"])])  # fmt: skip
    rows.append(["worst drawdown, median", pct(s["hedged"]["max_drawdown"]["p50"]),
                 pct(s["unhedged"]["max_drawdown"]["p50"])])  # fmt: skip
    rows.append(["worst drawdown, 95th pct", pct(s["hedged"]["max_drawdown"]["p95"]),
                 pct(s["unhedged"]["max_drawdown"]["p95"])])  # fmt: skip
    m = s["margin"]
    margin_rows = [
        ["initial margin at the start", usd(m["initial_margin_start_usd"])],
        ["P(at least one margin call)", pct(m["probability_of_call"])],
        ["mean number of calls", f"{m['mean_calls']:.2f}"],
        ["largest call, median / 99th pct",
         f"{usd(m['largest_call_usd']['p50'])} / {usd(m['largest_call_usd']['p99'])}"],
    ]  # fmt: skip
    for item in m["probability_call_above"]:
        margin_rows.append([f"P(a call above {usd(item['size_usd'])})", pct(item["probability"])])
    for item in s["buffer"].get("for_target", []):
        margin_rows.append(
            [f"buffer for P(call) <= {item['target_probability']:.0%}",
             "none" if item["buffer_multiple"] is None
             else f"{item['buffer_multiple']:.2f}x initial ({usd(item['margin_account_usd'])})"]
        )  # fmt: skip
    figures = "".join(
        f'<figure><img alt="{_e(c.title)}" src="{c.data_uri()}"/>'
        f"<figcaption>{_e(c.title)}</figcaption></figure>"
        for c in stress_charts(result)
    )
    model = result.model
    setup = [
        ["portfolio", f"${spec.value_usd:,.0f}, beta {spec.beta:g}"],
        ["hedge", f"{spec.hedge_ratio:.4g} of the beta exposure in {spec.contract}"
                  + ("" if spec.contracts_start is None
                     else f", {spec.contracts_start} {spec.contract} short at the start")
                  + ("; held from roll to roll" if spec.band is None
                     else f"; band {spec.band:g} between rolls")],
        ["start", f"{result.dates[0]} (index {spec.index_level:,.2f}, "
                  f"rate {spec.rate_annual:.2%})"],
        ["horizon", f"{result.n_days} sessions to {result.dates[-1]}"],
        ["paths", f"{result.n_paths:,} from {model.get('model')} (seed {result.seed})"],
        ["margin", f"initial ${spec.initial_margin_per_contract_usd:,.0f} / maintenance "
                   f"${spec.maintenance_margin_per_contract_usd:,.0f} per {spec.contract}; buffer "
                   f"{spec.buffer_multiple:g}x; calls from {spec.call_source}"],
    ]  # fmt: skip
    setup.append(["index dividend yield", f"{spec.dividend_yield:.2%} (continuous)"])
    setup.append(
        [
            "costs",
            f"${spec.commission_per_contract_usd:,.2f} commission and "
            f"{spec.slippage_ticks:g} "
            f"{'tick' if spec.slippage_ticks == 1 else 'ticks'} slippage "
            f"per {spec.contract} per side (a position mixing an E-mini and its Micro runs in "
            "Micro units, with the commission blended to the position's total)",
        ]
    )
    setup.append(
        [
            "margin sweep",
            "none: excess cash stays in the account"
            if spec.sweep_multiple is None
            else f"excess above {spec.sweep_multiple:g}x initial swept back",
        ]
    )

    def param(k: str, v: Any) -> str:
        name = k.replace("_days", "").replace("_annual", " a year").replace("_", " ")
        if isinstance(v, float) and ("rate" in k or "mu" in k or "sigma" in k):
            return f"{name} {v:.2%}"
        return f"{name} {v:g}" if isinstance(v, float) else f"{name} {v}"

    params = [param(k, v) for k, v in model.items()
              if k not in ("model", "sample", "reference") and v is not None]  # fmt: skip
    setup.append(["model", ", ".join([str(model.get("model")), *params])
                  + (f" ({model['reference']})" if model.get("reference") else "")])  # fmt: skip
    if "sample" in model:
        smp = model["sample"]
        setup.append(["sample", f"{smp['first_date']} .. {smp['last_date']}, "
                                f"{smp['n_sessions']:,} sessions; mean block "
                                f"{model['mean_block_length_days']:g} sessions"])  # fmt: skip
    body = (
        f"<h1>{_e(title)}</h1>"
        f"<h2>Setup</h2>{_table(['', ''], setup)}"
        f"<h2>Outcomes at the horizon</h2>{_table(['', 'hedged', 'unhedged'], rows)}"
        f"<h2>Margin calls and buffer</h2>{_table(['', ''], margin_rows)}"
        f"<h2>Charts</h2>{figures}"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"/>'
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>{body}"
        '<p class="muted">Generated by hedgekit. Simulated futures resample or model the past; '
        "they are not forecasts.</p></body></html>\n"
    )
