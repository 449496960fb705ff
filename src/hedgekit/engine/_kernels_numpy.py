"""Batched kernel in plain numpy: a loop over days, vectorised over runs.

The fallback when numba is not installed (``pip install hedgekit[fast]`` adds it). Same
arithmetic, in the same order, as :mod:`hedgekit.engine._kernels_numba`; see
:mod:`hedgekit.engine._kernels_python` for the day's steps in readable form.
"""

from __future__ import annotations

import numpy as np

from hedgekit._typing import Float64Array
from hedgekit.engine._prepare import DayArrays, KernelScalars

__all__ = ["OUT_FIELDS", "simulate_numpy"]

#: Rows of the kernels' output array, in order.
OUT_FIELDS = (
    "final_value_usd",
    "sq_dev_sum",
    "trough_value_usd",
    "trough_peak_usd",
    "trading_costs_usd",
    "n_trades",
    "n_margin_calls",
)


def simulate_numpy(
    days: DayArrays, h_beta: Float64Array, band: Float64Array, sc: KernelScalars
) -> Float64Array:
    """Simulate ``k`` runs side by side; return an array of shape ``(len(OUT_FIELDS), k)``."""
    growth = days.growth.tolist()
    interest = days.interest.tolist()
    settle = days.settle_per_contract_usd.tolist()
    notional = days.notional_usd.tolist()
    is_roll = days.is_roll.tolist()
    inv_count = days.inv_count.tolist()
    n = len(growth)
    cpc = sc.cost_per_contract_usd
    im = sc.initial_margin_usd

    held = np.floor(h_beta * sc.initial_value_usd / notional[0])
    v = sc.initial_value_usd - im * held
    m = im * held - held * cpc
    w = v + m
    cost = held * cpc
    trades = (held > 0).astype(np.float64)
    calls = np.zeros_like(v)
    mean = np.zeros_like(v)
    sq_dev = np.zeros_like(v)
    peak = w.copy()
    trough_w = np.ones_like(v)
    trough_peak = np.ones_like(v)
    # scratch buffers reused every day
    target = np.empty_like(v)
    traded = np.empty_like(v)
    tmp = np.empty_like(v)
    ret = np.empty_like(v)
    delta = np.empty_like(v)
    mask = np.empty(v.shape, dtype=np.bool_)
    call = np.empty(v.shape, dtype=np.bool_)

    for t in range(1, n):
        np.multiply(v, growth[t], out=v)
        np.multiply(m, interest[t], out=m)
        np.multiply(held, settle[t], out=tmp)
        np.add(m, tmp, out=m)
        np.multiply(h_beta, v, out=target)
        np.divide(target, notional[t], out=target)
        np.floor(target, out=target)
        if is_roll[t]:
            np.add(held, target, out=traded)
            trades += held > 0
            trades += target > 0
            held[:] = target
        else:
            np.subtract(held, target, out=traded)
            np.abs(traded, out=traded)
            np.multiply(band, target, out=tmp)
            np.maximum(tmp, 1.0, out=tmp)
            np.greater_equal(traded, tmp, out=mask)
            traded[~mask] = 0.0
            trades += mask
            np.copyto(held, target, where=mask)
        np.multiply(traded, cpc, out=traded)
        cost += traded
        m -= traded
        # margin check: call -> IM*N; sweep -> sweep*IM*N; the difference goes to the portfolio
        np.multiply(held, sc.maintenance_margin_usd, out=tmp)
        np.less(m, tmp, out=call)
        calls += call
        np.multiply(held, sc.sweep_level_usd, out=tmp)
        np.minimum(m, tmp, out=tmp)
        np.multiply(held, im, out=traded)
        np.copyto(tmp, traded, where=call)
        np.subtract(m, tmp, out=traded)
        v += traded
        m[:] = tmp
        # running measures: Welford on daily returns, peak and worst W/peak
        np.add(v, m, out=tmp)
        np.divide(tmp, w, out=ret)
        ret -= 1.0
        np.subtract(ret, mean, out=delta)
        mean += delta * inv_count[t]
        np.subtract(ret, mean, out=ret)
        sq_dev += delta * ret
        np.maximum(peak, tmp, out=peak)
        np.less(tmp * trough_peak, trough_w * peak, out=mask)
        np.copyto(trough_w, tmp, where=mask)
        np.copyto(trough_peak, peak, where=mask)
        w[:] = tmp
    return np.stack([w, sq_dev, trough_w, trough_peak, cost, trades, calls])
