"""The hedge book's HTML report: P&L by source, hedge ratio against target, margin health.

Same page, styles and charts as the backtest report (:mod:`hedgekit.report._html`,
:mod:`hedgekit.report._charts`): one self-contained file, charts embedded as PNG, every
piece of text from data escaped. The figures come from
:func:`hedgekit.book._timeline.book_timeline` (its module notes say how each is computed).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import numpy as np

from hedgekit._io import atomic_write_text
from hedgekit.book._timeline import PNL_SOURCES
from hedgekit.report._charts import (
    _GREY,
    _HEDGED,
    Chart,
    _figure,
    _pct_axis,
    _png,
    _style,
    _usd_axis,
)
from hedgekit.report._html import _e, _figures, _page, _table

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

    from hedgekit.book._history import BookHistory
    from hedgekit.book._policy import BookPolicy

__all__ = [
    "BOOK_CHART_NAMES",
    "book_charts",
    "policy_settings",
    "render_book_report",
    "write_book_report",
]

#: Names of the book report's charts, in report order.
BOOK_CHART_NAMES: Final = ("pnl", "hedge_ratio", "margin")
_COLOURS: Final = {
    "stocks_usd": "#c0392b",
    "futures_marks_usd": _HEDGED,
    "rolls_usd": "#e67e22",
    "fees_usd": "#7d3c98",
    "margin_interest_usd": "#16a085",
    "dividends_usd": "#8d6e63",
}


def _x(frame: pd.DataFrame) -> Any:
    return frame.index.to_numpy()


def _values(frame: pd.DataFrame, col: str) -> np.ndarray[Any, np.dtype[np.float64]]:
    return np.asarray(frame[col].to_numpy(dtype=np.float64, na_value=np.nan))


def _date_axis(ax: Axes) -> None:
    """Concise date ticks (a book of a few weeks would crowd full dates)."""
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

    locator = AutoDateLocator(maxticks=8)  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]


def pnl_chart(frame: pd.DataFrame) -> Chart:
    """P&L since inception by source (a source that stayed at zero is left out), and the total."""
    fig = _figure(3.6)
    ax = fig.add_subplot()
    x = _x(frame)
    # the total underneath, wide and light, so a source equal to it stays visible
    ax.plot(x, _values(frame, "hedged_pnl_usd"), color="#bbbbbb", lw=3.2, label="hedged total")
    for col, label in PNL_SOURCES:
        y = _values(frame, col)
        if np.any(y != 0.0):
            ax.plot(x, y, color=_COLOURS[col], lw=1.2, label=label)
    ax.axhline(0.0, color=_GREY, lw=0.6)
    _style(ax, "P&L since inception (USD)")
    _date_axis(ax)
    _usd_axis(ax)
    ax.legend(loc="best", frameon=False, fontsize=8)
    title = "P&L since inception by source"
    ax.set_title(title, loc="left")
    return Chart("pnl", title, _png(fig))


def hedge_ratio_chart(frame: pd.DataFrame) -> Chart:
    """The realised hedge ratio against the policy's target."""
    fig = _figure()
    ax = fig.add_subplot()
    x = _x(frame)
    ax.step(x, _values(frame, "hedge_ratio_target"), where="post", color="#e67e22", lw=1.2,
            ls="--", label="policy target")  # fmt: skip
    ax.plot(x, _values(frame, "hedge_ratio"), color=_HEDGED, lw=1.5, marker=".", ms=3,
            label="realised")  # fmt: skip
    _style(ax, "hedge ratio")
    _date_axis(ax)
    _pct_axis(ax)
    ax.set_ylim(bottom=0.0)
    ax.legend(loc="lower left", frameon=False)
    title = "Realised hedge ratio against the policy's target"
    ax.set_title(title, loc="left")
    return Chart("hedge_ratio", title, _png(fig))


def book_margin_chart(frame: pd.DataFrame) -> Chart:
    """The futures account's balance against maintenance margin and the cash to keep."""
    fig = _figure()
    ax = fig.add_subplot()
    x = _x(frame)
    bal = _values(frame, "balance_usd")
    maint = _values(frame, "maintenance_margin_usd")
    ax.plot(x, bal, color=_HEDGED, lw=1.5, label="balance")
    ax.step(x, maint, where="post", color=_GREY, lw=1.0, ls="--", label="maintenance margin")
    ax.step(x, _values(frame, "cash_to_keep_usd"), where="post", color="#16a085", lw=1.0,
            ls=":", label="cash to keep")  # fmt: skip
    below = bal < maint
    if below.any():
        ax.scatter(x[below], bal[below], marker="v", color="#c0392b", zorder=3, s=24,
                   label=f"below maintenance ({int(below.sum())} days)")  # fmt: skip
    _style(ax, "USD")
    _date_axis(ax)
    _usd_axis(ax)
    ax.set_ylim(bottom=min(0.0, float(np.nanmin(bal)) if bal.size else 0.0))
    ax.legend(loc="best", frameon=False, fontsize=8)
    title = "Margin account against maintenance and the cash to keep"
    ax.set_title(title, loc="left")
    return Chart("margin", title, _png(fig))


def book_charts(frame: pd.DataFrame) -> tuple[Chart, ...]:
    """The book's charts in :data:`BOOK_CHART_NAMES` order; none when no day is marked."""
    if len(frame) == 0:
        return ()
    return pnl_chart(frame), hedge_ratio_chart(frame), book_margin_chart(frame)


def _usd(v: float) -> str:
    return f"{'-' if v < 0 else ''}${abs(v):,.2f}"


def _since_inception(history: BookHistory) -> str:
    rows = [
        ["Stocks", _usd(history.stocks_usd)],
        ["Futures marks", _usd(history.futures_marks_usd)],
        ["Rolls", _usd(history.rolls_usd)],
        ["Fees", _usd(history.fees_usd)],
        ["Margin interest", _usd(history.margin_interest_usd)],
        ["Dividends", _usd(history.dividends_usd)],
        ["Hedged P&L", _usd(history.hedged_pnl_usd)],
        ["Unhedged P&L", _usd(history.unhedged_pnl_usd)],
        ["Cost of hedging so far", _usd(history.cost_usd)],
    ]
    te = history.tracking_error_annual
    rows.append(["Tracking error (a year)",
                 "n/a (fewer than 20 daily returns)" if te is None else f"{te:.2%}"])  # fmt: skip
    return _table(["Source", "USD"], rows, numeric=[False, True])


def _share(v: float) -> str:
    return f"{v:.1%}"


def policy_settings(policy: BookPolicy) -> list[tuple[str, str]]:
    """``(setting, value)`` rows of a book's policy, as ``book init`` takes it."""
    t, lim = policy.triggers, policy.limits
    target = (f"hedge ratio {_share(policy.hedge_ratio)}" if policy.hedge_ratio is not None
              else f"portfolio beta {policy.target_beta:g}")  # fmt: skip
    loss = lim.daily_futures_loss_usd
    return [
        ("Target", target),
        ("Contract", policy.contract + (" (Micros top up)" if policy.use_micro else "")),
        ("Cash buffer", f"{policy.cash_buffer_multiple:g}x initial margin"),
        ("Net worth", "not given" if policy.net_worth_usd is None
         else _usd(policy.net_worth_usd)),
        ("Rebalance triggers", f"portfolio value ±{_share(t.value_change)}, beta "
         f"±{t.beta_change:g}, review every {t.review_months} months"),
        ("Limits", f"hedge ratio ≤ {_share(lim.max_hedge_ratio)}, margin ≤ "
         f"{_share(lim.max_margin_share_of_net_worth)} of net worth, daily futures loss "
         + ("not limited" if loss is None else f"≤ {_usd(loss)}")
         + f", quarterly cost ≤ {_share(lim.quarterly_cost_share)} of the portfolio, "
         f"tracking error ≤ {_share(lim.max_tracking_error_annual)} a year"),
    ]  # fmt: skip


def render_book_report(
    *,
    title: str,
    frame: pd.DataFrame,
    history: BookHistory,
    sentences: Sequence[str],
    settings: Sequence[tuple[str, str]],
    charts: Sequence[Chart],
    notes: Sequence[str] = (),
) -> str:
    """The HTML text of a book report.

    Parameters
    ----------
    title
        Page title.
    frame
        :func:`hedgekit.book._timeline.book_timeline`.
    history
        The book's history (the totals since inception).
    sentences
        The action report's sentences for the date (``book status``).
    settings
        ``(setting, value)`` rows: the policy, the book, the date.
    charts
        :func:`book_charts` of ``frame``.
    notes
        Lines shown under the action report (e.g. why it could not be made).
    """
    parts = [f"<h1>{_e(title)}</h1>"]
    if len(frame):
        first, last = frame.index[0].date().isoformat(), frame.index[-1].date().isoformat()
        parts.append(f'<p class="muted">hedgekit book: {len(frame):,} marked days, '
                     f"{_e(first)} to {_e(last)}.</p>")  # fmt: skip
    else:
        parts.append('<p class="muted">hedgekit book: no marked day yet.</p>')
    parts.append("<h2>Action report</h2>")
    if sentences:
        parts.append("<ul>" + "".join(f"<li>{_e(s)}</li>" for s in sentences) + "</ul>")
    for n in notes:
        parts.append(f'<p class="muted">{_e(n)}</p>')
    parts.append("<h2>Since inception</h2>")
    parts.append(_since_inception(history))
    parts.append("<h2>Charts</h2>")
    parts.append(_figures(charts) if charts else '<p class="muted">No marked day to chart.</p>')
    parts.append("<h2>Settings</h2>")
    parts.append(_table(["Setting", "Value"], [[k, v] for k, v in settings]))
    return _page(title, "".join(parts))


def write_book_report(path: str | Path, text: str) -> Path:
    """Write the report's HTML to ``path`` whole (a temporary file renamed into place)."""
    return atomic_write_text(Path(path), text)
