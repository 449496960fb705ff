"""Bundled history plus stored rows: what every loader of :mod:`hedgekit.datasets` returns.

A stored series continues one bundled column (``index:SPX`` the ``sp500`` close,
``rate:DTB3`` the ``tbill_3m`` rate, ``etf:SPY`` the ``etf_spy`` adjusted close,
``futures:ES`` the ``futures_front_es`` close with its contract, ``stock:AAPL`` the
``large_caps`` column). Only dates after the bundled column's last one are added: a
bundled row is never replaced. :func:`row_origin` says whether a figure came from the store.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import TYPE_CHECKING

from hedgekit.datasets._registry import DATASETS
from hedgekit.marketdata._store import MarketStore, StoredRow, store_path

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "SERIES_COLUMNS",
    "extend_frame",
    "invalidate_caches",
    "row_origin",
    "stored_closes",
    "target_of",
]

#: Stored series (other than stocks) and the bundled (dataset, column) each continues.
SERIES_COLUMNS: dict[str, tuple[str, str]] = {
    "index:SPX": ("sp500", "close"),
    "index:NDX": ("ndx", "close"),
    "index:RUT": ("rut", "close"),
    "index:VIX": ("vix", "close"),
    "rate:DTB3": ("tbill_3m", "discount_pct"),
    "etf:SPY": ("etf_spy", "close"),
    "etf:QQQ": ("etf_qqq", "close"),
    "etf:IWM": ("etf_iwm", "close"),
    "etf:DIA": ("etf_dia", "close"),
    "futures:ES": ("futures_front_es", "close"),
    "futures:NQ": ("futures_front_nq", "close"),
    "futures:RTY": ("futures_front_rty", "close"),
}


def target_of(series: str) -> tuple[str, str] | None:
    """The bundled (dataset, column) a stored series continues; ``None`` if none."""
    if series in SERIES_COLUMNS:
        return SERIES_COLUMNS[series]
    if series.startswith("stock:"):
        from hedgekit.data._prices import bundled_tickers

        ticker = series.removeprefix("stock:")
        name = bundled_tickers().get(ticker)
        if name is not None and not name.startswith("etf_"):
            return name, ticker
    return None


def _stamp() -> tuple[str, int, int] | None:
    path = store_path()
    try:
        st = path.stat()
    except OSError:
        return None
    return str(path), st.st_mtime_ns, st.st_size


@functools.lru_cache(maxsize=4)
def _rows_by_target(stamp: tuple[str, int, int]) -> dict[tuple[str, str], list[StoredRow]]:
    out: dict[tuple[str, str], list[StoredRow]] = {}
    for row in _all_rows(stamp):
        target = target_of(row.series)
        if target is not None:
            out.setdefault(target, []).append(row)
    return out


@functools.lru_cache(maxsize=4)
def _all_rows(stamp: tuple[str, int, int]) -> tuple[StoredRow, ...]:
    return tuple(MarketStore(stamp[0]).rows())


def _stored_rows() -> tuple[StoredRow, ...]:
    stamp = _stamp()
    return () if stamp is None else _all_rows(stamp)


def _stored() -> dict[tuple[str, str], list[StoredRow]]:
    stamp = _stamp()
    return {} if stamp is None else _rows_by_target(stamp)


def extend_frame(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (dataset ``name``, bundled) with the stored rows after its last date."""
    import numpy as np
    import pandas as pd

    stored = _stored()
    columns = [(col, stored[(name, col)]) for col in frame.columns if (name, col) in stored]
    if not columns:
        return frame
    end = frame.index[-1] if len(frame) else pd.Timestamp.min
    spec = DATASETS[name]
    cells: dict[pd.Timestamp, dict[str, object]] = {}
    for col, rows in columns:
        last = frame[col].last_valid_index() if len(frame) else None
        floor = end if last is None else max(end, pd.Timestamp(str(last)))
        for row in rows:
            day = pd.Timestamp(row.date)
            if day > floor:
                cells.setdefault(day, {})[col] = row.value
                if row.contract is not None and "inferred_contract" in frame.columns:
                    cells[day]["inferred_contract"] = row.contract
    if not cells:
        return frame
    index = pd.DatetimeIndex(sorted(cells), name="date")
    extra = pd.DataFrame(
        {
            col: (
                [cells[d].get(col, "") for d in index]
                if col in spec.string_columns
                else np.array([cells[d].get(col, np.nan) for d in index], dtype=np.float64)
            )
            for col in frame.columns
        },
        index=index,
    )
    return pd.concat([frame, extra]).sort_index()


def stored_closes(ticker: str) -> pd.Series | None:
    """Stored closes of a ticker no bundled panel has (``stock:TICKER``); ``None`` if none."""
    import pandas as pd

    if target_of(f"stock:{ticker}") is not None:
        return None
    rows = [r for r in _stored_rows() if r.series == f"stock:{ticker}"]
    if not rows:
        return None
    index = pd.DatetimeIndex([pd.Timestamp(r.date) for r in rows], name="date")
    return pd.Series([r.value for r in rows], index=index, name=ticker, dtype="float64")


def row_origin(name: str, column: str, day: dt.date) -> StoredRow | None:
    """The stored row behind ``name``'s ``column`` on ``day``; ``None`` when it is bundled.

    ``name`` ``"stock"`` looks up a ticker no bundled panel has (``column`` is the ticker).
    """
    rows = (
        [r for r in _stored_rows() if r.series == f"stock:{column}"]
        if name == "stock"
        else _stored().get((name, column), [])
    )
    for row in rows:
        if row.date == day:
            return row
    return None


def invalidate_caches() -> None:
    """Forget what was read from the store and every figure derived from the history.

    Called after a ``data update`` (and by tests that change the store or the bundle cut)
    so the same process sees the new rows.
    """
    from hedgekit.snapshot import _dividends, _quotes

    _rows_by_target.cache_clear()
    _all_rows.cache_clear()
    _dividends.dividend_yield_series.cache_clear()
    _quotes._series.cache_clear()
