r"""Trailing OLS beta per session, without look-ahead: the sizing beta of ``beta="rolling"``.

Pure numpy (no dates, no I/O). With prices :math:`P` (the portfolio) and :math:`M` (the
index) on ``h = s·w + 1`` sessions before the run followed by the run's ``n`` sessions, the
beta of run session ``t`` regresses the ``s``-session simple returns ending at the closes
``t − 1, t − 1 − s, …, t − 1 − s(w − 1)``:

.. math::

    \hat\beta_t = \frac{\sum_i (r_{p,i} - \bar r_p)(r_{m,i} - \bar r_m)}
                       {\sum_i (r_{m,i} - \bar r_m)^2}

the OLS slope of the market model (Hull, *Options, Futures and Other Derivatives*, 11th ed.,
§3.5; the same estimate as :func:`hedgekit.estimation.ols_beta` on that sample), computed
for all sessions at once on sliding windows with the means removed first (two-pass, no
running sums that lose precision over decades).
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from hedgekit._typing import Float64Array
from hedgekit.errors import InputError

__all__ = ["trailing_ols_beta"]


def trailing_ols_beta(
    portfolio_prices: Float64Array,
    index_prices: Float64Array,
    *,
    window: int,
    step: int = 1,
) -> Float64Array:
    """Beta of each run session from the ``window`` returns that end the session before.

    Parameters
    ----------
    portfolio_prices, index_prices
        Positive prices, shape ``(h + n,)``: ``h = step × window + 1`` sessions before the
        run, then the run's ``n`` sessions.
    window
        Returns per regression.
    step
        Sessions per return (1 daily, 5 weekly).

    Returns
    -------
    Float64Array
        ``β_t`` for the ``n`` run sessions.

    Raises
    ------
    InputError
        Too few prices, or an index without variance over a window.
    """
    p = np.asarray(portfolio_prices, dtype=np.float64)
    m = np.asarray(index_prices, dtype=np.float64)
    h = step * window + 1
    n = p.size - h
    if p.shape != m.shape or p.ndim != 1 or n < 1:
        raise InputError("prices must be 1-d, of equal length, longer than the warm-up",
                         source="portfolio_prices", value=(p.shape, m.shape),
                         expected=f"more than {h} prices")  # fmt: skip
    rp = p[step:] / p[:-step] - 1.0
    rm = m[step:] / m[:-step] - 1.0
    span = step * (window - 1) + 1
    a = sliding_window_view(rp, span)[:n, ::step]
    x = sliding_window_view(rm, span)[:n, ::step]
    a_c = a - a.mean(axis=1, keepdims=True)
    x_c = x - x.mean(axis=1, keepdims=True)
    var = np.einsum("ij,ij->i", x_c, x_c)
    if (var <= 0.0).any():
        raise InputError("the index returns have no variance over a rolling window",
                         source="index_prices", row=int(np.flatnonzero(var <= 0.0)[0]))  # fmt: skip
    out: Float64Array = np.einsum("ij,ij->i", a_c, x_c) / var
    return out
