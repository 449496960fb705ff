"""One rule for a bundled futures quote, used by the plan's snapshot and the backtest.

A contract's price on a session is, in order:

1. the CME settlement of the E-mini S&P 500 front month (CHRIS ES1, bundled to 2019-10-18)
   when that series' contract that day is the one asked for;
2. the front-month continuous close (ES=F, NQ=F, RTY=F, bundled to 2026-02-20) when its
   contract that day is the one asked for;
3. none: the caller prices the contract at its carry fair value.

A Micro trades at its E-mini's price (the same index, the same expiries), so ``MESZ2024``
takes the ``ESZ2024`` quote. Nothing is filled across days: a quote is of the session asked.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

__all__ = ["QUOTE_CLOSE", "QUOTE_SETTLEMENT", "bundled_quotes"]

QUOTE_SETTLEMENT = "settlement"
QUOTE_CLOSE = "close"
#: Bundled front-month series per index key.
_FRONT: dict[str, str] = {"SPX": "ES", "NDX": "NQ", "RUT": "RTY"}


@functools.cache
def _series(index: str) -> tuple[pd.DataFrame | None, pd.DataFrame]:
    from hedgekit import datasets

    settle = None
    if index == "SPX":
        es1 = datasets.load_es_front_month()[["settle", "inferred_contract"]]
        settle = es1.loc[es1["settle"].notna()]
    front = datasets.load_futures_front(_FRONT[index])[["close", "inferred_contract"]]  # type: ignore[arg-type]
    return settle, front.loc[front["close"].notna()]


def _month(labels: np.ndarray) -> np.ndarray:
    """``"ESZ2024"`` -> ``"Z2024"``: the expiry, whatever the root."""
    return np.array([str(x)[-5:] for x in labels], dtype=object)


def bundled_quotes(
    index: str, sessions: pd.DatetimeIndex, contracts: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Bundled quotes of ``contracts[t]`` on ``sessions[t]``; NaN and ``""`` where none.

    Parameters
    ----------
    index
        Index key of the contracts (``SPX``, ``NDX``, ``RUT``; others have none).
    sessions
        Sessions asked about.
    contracts
        Contract codes (``"ESZ2024"``, ``"MESZ2024"``), one per session.

    Returns
    -------
    prices, sources
        Float prices (NaN where no quote) and ``"settlement"``, ``"close"`` or ``""``.
    """
    prices = np.full(len(sessions), np.nan)
    sources = np.full(len(sessions), "", dtype=object)
    if index not in _FRONT or len(sessions) == 0:
        return prices, sources
    want = _month(np.asarray(contracts, dtype=object))
    settle, front = _series(index)
    for frame, column, label in ((settle, "settle", QUOTE_SETTLEMENT),
                                 (front, "close", QUOTE_CLOSE)):  # fmt: skip
        if frame is None:
            continue
        on = frame.reindex(sessions)
        have = on["inferred_contract"].to_numpy(dtype=object)
        value = on[column].to_numpy(dtype=np.float64)
        ok = np.isnan(prices) & np.isfinite(value)
        ok[ok] = _month(have[ok]) == want[ok]
        prices[ok] = value[ok]
        sources[ok] = label
    return prices, sources
