"""Charts of a backtest and of a sweep, drawn with matplotlib into PNG bytes.

matplotlib is the optional extra ``plot`` (``pip install hedgekit[plot]``); it is imported only
when a chart is drawn, and only its object-oriented API is used (``matplotlib.figure.Figure``
with the Agg canvas), so no global pyplot state or display backend is touched.
"""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal

import numpy as np

from hedgekit.errors import HedgekitError, InputError

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "CHART_NAMES",
    "Chart",
    "backtest_charts",
    "heatmap",
]

#: PNG file signature (ISO/IEC 15948, section 5.2).
PNG_MAGIC: Final = b"\x89PNG\r\n\x1a\n"
#: Names of the backtest charts, in report order.
CHART_NAMES: Final = ("value", "drawdown", "hedge", "margin", "vix")
_DPI: Final = 110
_WIDTH_IN: Final = 9.0
_HEDGED: Final = "#1f5fa8"
_UNHEDGED: Final = "#c0392b"
_GREY: Final = "#555555"

Aggregate = Literal["mean", "median", "min", "max"]


@dataclass(frozen=True, slots=True)
class Chart:
    """One chart as a PNG image.

    Attributes
    ----------
    name
        Short file-safe name (``"value"``, ``"drawdown"``, ...).
    title
        Title shown above the chart (plain text).
    png
        The PNG bytes.
    """

    name: str
    title: str
    png: bytes

    def data_uri(self) -> str:
        """The image as a ``data:image/png;base64,...`` URI, for embedding in HTML."""
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")

    def save(self, path: str | Path) -> Path:
        """Write the PNG to ``path``, whole (parent folders are created); return the path."""
        from hedgekit._io import atomic_write_bytes

        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        return atomic_write_bytes(p, self.png)


def _figure(
    height_in: float = 3.2, *, constrained: bool = False, right_axis: bool = False
) -> Figure:
    """A new figure on the Agg canvas (matplotlib imported here, lazily)."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:  # pragma: no cover - matplotlib is installed in the test environment
        raise HedgekitError(
            "charts need matplotlib: install the 'plot' extra (pip install 'hedgekit[plot]')"
        ) from None
    # Fixed margins (in inches, so every chart lines up) rather than a layout engine: the
    # constrained layout draws each figure several times and doubles the rendering time.
    fig = Figure(
        figsize=(_WIDTH_IN, height_in), dpi=_DPI, layout="constrained" if constrained else None
    )
    if not constrained:
        right = (0.85 if right_axis else 0.25) / _WIDTH_IN
        fig.subplots_adjust(
            left=0.95 / _WIDTH_IN, right=1.0 - right, top=1.0 - 0.35 / height_in,
            bottom=0.45 / height_in,
        )  # fmt: skip
    FigureCanvasAgg(fig)
    return fig


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=_DPI, metadata={"Software": None})
    return buf.getvalue()


def _style(ax: Axes, ylabel: str) -> None:
    ax.grid(True, color="#dddddd", linewidth=0.6)
    ax.set_ylabel(ylabel)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _usd_axis(ax: Axes) -> None:
    from matplotlib.ticker import FuncFormatter

    def fmt(x: float, _pos: object) -> str:
        a = abs(x)
        sign = "-" if x < 0 else ""
        if a >= 1e6:
            return f"{sign}${a / 1e6:,.2f}M"
        if a >= 1e3:
            return f"{sign}${a / 1e3:,.0f}k"
        return f"{sign}${a:,.0f}"

    ax.yaxis.set_major_formatter(FuncFormatter(fmt))


def _pct_axis(ax: Axes) -> None:
    from matplotlib.ticker import PercentFormatter

    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))


def _col(daily: pd.DataFrame, name: str) -> np.ndarray[Any, np.dtype[np.float64]]:
    if name not in daily.columns:
        raise InputError(
            "the backtest's daily records lack a column",
            source="result.daily",
            column=name,
            expected="the columns of hedgekit.backtest.BacktestResult.daily",
        )
    return np.asarray(daily[name].to_numpy(dtype=np.float64, na_value=np.nan))


def _drawdown(values: np.ndarray[Any, np.dtype[np.float64]]) -> np.ndarray[Any, np.dtype[Any]]:
    r"""Drawdown from the running peak, :math:`V_t / \\max_{s\\le t} V_s - 1`."""
    peak = np.maximum.accumulate(values)
    return np.asarray(values / peak - 1.0)


def value_chart(daily: pd.DataFrame, marks: Sequence[tuple[Any, str]] = ()) -> Chart:
    """Hedged against unhedged value, with optional dated marks (e.g. the hedge lifted)."""
    x = daily.index.to_numpy()
    fig = _figure()
    ax = fig.add_subplot()
    ax.plot(x, _col(daily, "unhedged_value_usd"), color=_UNHEDGED, lw=1.3, label="unhedged")
    ax.plot(x, _col(daily, "total_value_usd"), color=_HEDGED, lw=1.6, label="hedged")
    for when, label in marks:
        ax.axvline(when, color=_GREY, lw=0.8, ls="--")
        ax.annotate(
            label,
            (when, 1.0),
            xycoords=("data", "axes fraction"),
            fontsize=8,
            ha="left",
            va="top",
            color=_GREY,
            xytext=(3, -2),
            textcoords="offset points",
        )
    _style(ax, "value (USD)")
    _usd_axis(ax)
    ax.legend(loc="best", frameon=False)
    title = "Hedged vs unhedged value"
    ax.set_title(title, loc="left")
    return Chart("value", title, _png(fig))


def drawdown_chart(daily: pd.DataFrame) -> Chart:
    """Drawdowns of the hedged and the unhedged value."""
    x = daily.index.to_numpy()
    fig = _figure(2.8)
    ax = fig.add_subplot()
    un = _drawdown(_col(daily, "unhedged_value_usd"))
    he = _drawdown(_col(daily, "total_value_usd"))
    ax.fill_between(x, un, 0.0, color=_UNHEDGED, alpha=0.18, lw=0)
    ax.plot(x, un, color=_UNHEDGED, lw=1.1, label=f"unhedged (worst {un.min():.1%})")
    ax.plot(x, he, color=_HEDGED, lw=1.5, label=f"hedged (worst {he.min():.1%})")
    _style(ax, "drawdown")
    _pct_axis(ax)
    ax.legend(loc="lower left", frameon=False)
    title = "Drawdown from the running peak"
    ax.set_title(title, loc="left")
    return Chart("drawdown", title, _png(fig))


def hedge_chart(daily: pd.DataFrame) -> Chart:
    """Contracts held (short as positive bars) and the target and effective hedge ratios."""
    x = daily.index.to_numpy()
    fig = _figure(right_axis=True)
    ax = fig.add_subplot()
    n = -_col(daily, "contracts")
    ax.step(x, n, where="post", color=_GREY, lw=1.2, label="contracts short")
    ax.fill_between(x, n, 0.0, step="post", color=_GREY, alpha=0.12, lw=0)
    _style(ax, "contracts short")
    top = float(np.nanmax(np.abs(n))) if n.size else 0.0
    ax.set_ylim(min(0.0, float(np.nanmin(n)) * 1.1), max(1.0, top * 1.15))
    ax2 = ax.twinx()
    ax2.plot(
        x,
        _col(daily, "hedge_ratio_target"),
        color="#e67e22",
        lw=1.2,
        ls="--",
        label="target hedge ratio",
    )
    ax2.plot(
        x,
        _col(daily, "hedge_ratio_effective"),
        color=_HEDGED,
        lw=1.2,
        label="effective hedge ratio",
    )
    ax2.set_ylabel("hedge ratio")
    _pct_axis(ax2)
    ax2.set_ylim(bottom=0.0)
    ax2.spines["top"].set_visible(False)
    lines = ax.get_legend_handles_labels()
    lines2 = ax2.get_legend_handles_labels()
    ax.legend(
        lines[0] + lines2[0], lines[1] + lines2[1], loc="lower left", frameon=False, fontsize=8
    )
    title = "Contracts and hedge ratio"
    ax.set_title(title, loc="left")
    return Chart("hedge", title, _png(fig))


def margin_chart(daily: pd.DataFrame, margin_calls: pd.DataFrame | None) -> Chart:
    """Margin account balance, with each margin call marked (size of the deposit)."""
    import pandas as pd

    x = daily.index.to_numpy()
    fig = _figure()
    ax = fig.add_subplot()
    bal = _col(daily, "margin_account_usd")
    ax.plot(x, bal, color=_HEDGED, lw=1.3, label="margin account")
    if "maintenance_margin_usd" in daily.columns:
        held = _col(daily, "contracts") != 0
        maint = np.where(held, _col(daily, "maintenance_margin_usd"), np.nan)
        ax.step(x, maint, where="post", color=_GREY, lw=0.9, ls="--", label="maintenance margin")
    n_calls = 0
    if margin_calls is not None and len(margin_calls):
        when = pd.DatetimeIndex(pd.to_datetime(margin_calls["date"]))
        pos = daily.index.get_indexer(when)
        ok = pos >= 0
        n_calls = int(ok.sum())
        amounts = margin_calls["amount_usd"].to_numpy(dtype=np.float64)[ok]
        # Mark each call at the balance it fell to (before the deposit); the line shows the
        # balance at the close, after the deposit.
        if "balance_before_usd" in margin_calls.columns:
            level = margin_calls["balance_before_usd"].to_numpy(dtype=np.float64)[ok]
        else:
            level = bal[pos[ok]]
        ax.scatter(
            when[ok].to_numpy(),
            level,
            marker="v",
            color=_UNHEDGED,
            zorder=3,
            s=24 + 60 * amounts / max(float(amounts.max()), 1.0),
            label=f"margin call ({n_calls}, ${amounts.sum():,.0f} in all)",
        )
    _style(ax, "balance (USD)")
    _usd_axis(ax)
    ax.legend(loc="best", frameon=False)
    title = "Margin account with margin calls" if n_calls else "Margin account (no margin calls)"
    ax.set_title(title, loc="left")
    return Chart("margin", title, _png(fig))


def vix_chart(daily: pd.DataFrame) -> Chart:
    """VIX close over the run (gaps in the source stay gaps)."""
    x = daily.index.to_numpy()
    fig = _figure(2.6)
    ax = fig.add_subplot()
    vix = _col(daily, "vix")
    ax.plot(x, vix, color="#7d3c98", lw=1.1)
    for level in (20.0, 30.0, 40.0):
        ax.axhline(level, color="#bbbbbb", lw=0.7, ls=":")
    _style(ax, "VIX")
    title = "VIX (CBOE volatility index)"
    if np.isnan(vix).all():
        title += ": no data in this window"
    ax.set_title(title, loc="left")
    return Chart("vix", title, _png(fig))


def backtest_charts(
    daily: pd.DataFrame,
    margin_calls: pd.DataFrame | None = None,
    marks: Sequence[tuple[Any, str]] = (),
) -> tuple[Chart, ...]:
    """The five charts of a backtest, in :data:`CHART_NAMES` order.

    Parameters
    ----------
    daily
        ``BacktestResult.daily``.
    margin_calls
        ``BacktestResult.margin_calls`` (``date``, ``amount_usd``), or ``None``.
    marks
        ``(date, label)`` pairs drawn as vertical lines on the value chart.
    """
    if len(daily) < 2:
        raise InputError(
            "too few days to chart", source="result.daily", value=len(daily), expected=">= 2"
        )
    return (
        value_chart(daily, marks),
        drawdown_chart(daily),
        hedge_chart(daily),
        margin_chart(daily, margin_calls),
        vix_chart(daily),
    )


def _fmt_cell(value: float) -> str:
    if not math.isfinite(value):
        return ""
    a = abs(value)
    if a >= 1e5:
        return f"{value / 1e6:.2f}M"
    if a >= 100:
        return f"{value:,.0f}"
    if a >= 1:
        return f"{value:.2f}"
    return f"{value:.3f}"


def heatmap(
    frame: pd.DataFrame,
    x: str,
    y: str,
    metric: str,
    *,
    title: str | None = None,
    aggregate: Aggregate = "mean",
    annotate: bool | None = None,
    cmap: str = "RdYlGn",
    reverse: bool = False,
) -> Chart:
    """A heatmap of ``metric`` over two parameters of a sweep.

    Rows of ``frame`` with the same ``(x, y)`` (e.g. several start dates or paths) are combined
    with ``aggregate``.

    Parameters
    ----------
    frame
        One row per run, with columns ``x``, ``y`` and ``metric``.
    x, y
        Parameter columns on the horizontal and vertical axes (sorted ascending).
    metric
        The measure coloured.
    title
        Chart title (default ``"<metric> by <y> and <x>"``).
    aggregate
        ``"mean"``, ``"median"``, ``"min"`` or ``"max"`` over rows sharing a cell.
    annotate
        Write the value in each cell (default: when the grid has at most 20 x 20 cells).
    cmap
        matplotlib colour map; green is high with the default.
    reverse
        Reverse the colour map (for measures where lower is better, e.g. volatility).

    Returns
    -------
    Chart
        Named ``"heatmap-<metric>"``.

    Raises
    ------
    InputError
        A missing column, an empty frame or an unknown ``aggregate``.
    """
    for name, col in (("x", x), ("y", y), ("metric", metric)):
        if col not in frame.columns:
            raise InputError(
                "no such column in the sweep results",
                source=name,
                value=col,
                expected=f"one of {list(map(str, frame.columns))}",
            )
    if aggregate not in ("mean", "median", "min", "max"):
        raise InputError(
            "unknown aggregate", source="aggregate", value=aggregate,
            expected="mean | median | min | max",
        )  # fmt: skip
    if len(frame) == 0:
        raise InputError("no rows to draw", source="frame", value=0, expected=">= 1 row")
    grid = frame.pivot_table(index=y, columns=x, values=metric, aggfunc=aggregate, dropna=False)
    grid = grid.sort_index(axis=0).sort_index(axis=1)
    values = grid.to_numpy(dtype=np.float64)
    fig = _figure(max(2.6, 0.32 * values.shape[0] + 1.4), constrained=True)
    ax = fig.add_subplot()
    colours = cmap + ("_r" if reverse else "")
    masked = np.ma.masked_invalid(values)
    im = ax.imshow(masked, aspect="auto", cmap=colours, origin="lower", interpolation="nearest")
    ax.set_xticks(
        range(values.shape[1]),
        [_tick(v) for v in grid.columns],
        rotation=45,
        ha="right",
        fontsize=8,
    )
    ax.set_yticks(range(values.shape[0]), [_tick(v) for v in grid.index], fontsize=8)
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    cbar = fig.colorbar(im, ax=ax, shrink=0.9)
    cbar.set_label(metric)
    if annotate is None:
        annotate = values.shape[0] <= 20 and values.shape[1] <= 20
    if annotate:
        for i in range(values.shape[0]):
            for j in range(values.shape[1]):
                ax.text(j, i, _fmt_cell(values[i, j]), ha="center", va="center", fontsize=7)
    better = "lower is better, green is low" if reverse else "higher is better, green is high"
    default = f"{metric.replace('_', ' ')} by {y} and {x} ({better})"
    text = title if title is not None else default
    if len(frame) > int(np.isfinite(values).sum()):
        text += f" ({aggregate} over the runs in each cell)"
    ax.set_title(text, loc="left")
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in metric)
    return Chart(f"heatmap-{safe}", text, _png(fig))


def _tick(value: object) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
