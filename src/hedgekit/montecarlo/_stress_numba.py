"""The stress kernel compiled with numba: days outer, paths inner, per-path state in arrays.

Same steps and the same floating-point expressions as
:mod:`hedgekit.montecarlo._stress_kernel` (numpy) and its pure-Python twin, but the futures
prices, the day's growth and interest are computed on the fly from the returns and rates
(no ``(n_days, k)`` temporaries). ``exp`` comes from the C library here and from numpy's own
vectorised implementation there, so the two can differ in the last bit of a futures price;
the tests check agreement to 1e-12 relative. Compiled code is cached on disk
(``cache=True``); the kernel releases the GIL so chunks can run on threads.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from hedgekit._constants import TRADING_DAYS_PER_YEAR
from hedgekit._typing import BoolArray, Float64Array
from hedgekit.montecarlo._stress_kernel import KernelTerms, StressDays, StressOutput

__all__ = ["simulate_stress_numba"]

_DAYS_PER_YEAR = float(TRADING_DAYS_PER_YEAR)
# rows of the output array
_N_OUT = 11


@njit(cache=True, nogil=True, error_model="numpy")
def _kernel(
    value: float,
    ret_t: Float64Array,
    rate_t: Float64Array,
    s0: float,
    r0: float,
    tau_s: Float64Array,
    tau_h: Float64Array,
    roll: BoolArray,
    beta: float,
    h_beta: float,
    band: float,
    q: float,
    mult: float,
    cpc: float,
    im: float,
    mm: float,
    deposit_mult: float,
    sweep_level: float,
    has_sweep: bool,
    from_stock: bool,
    has_start: bool,
    start_units: float,
    hold: bool,
    shift: float,
    days_per_year: float,
    out: Float64Array,
    fan_w: Float64Array,
    fan_u: Float64Array,
) -> None:
    n_sim = ret_t.shape[0]
    k = ret_t.shape[1]
    keep = fan_w.shape[0]
    cum = np.ones(k)
    s_prev = np.empty(k)
    r_prev = np.empty(k)
    f_hold_prev = np.empty(k)
    v = np.empty(k)
    m = np.empty(k)
    c = np.zeros(k)
    vu = np.empty(k)
    reserve = np.empty(k)
    g_cash = np.ones(k)
    shadow = np.empty(k)
    held = np.empty(k)
    peak = np.empty(k)
    peak_u = np.empty(k)
    min_ratio = np.ones(k)
    min_ratio_u = np.ones(k)
    b_req = np.full(k, -np.inf)
    f0 = s0 * math.exp((r0 - q) * tau_h[0])
    n0 = start_units if has_start else math.floor(h_beta * value / (mult * f0))
    deposit = deposit_mult * im * n0
    for j in range(k):
        held[j] = n0
        if from_stock:
            v[j] = value - deposit
            reserve[j] = 0.0
        else:
            v[j] = value
            reserve[j] = deposit
        m[j] = deposit - n0 * cpc
        shadow[j] = -(n0 * cpc)
        vu[j] = value
        out[7, j] = n0 * cpc
        out[8, j] = 1.0 if n0 > 0 else 0.0
        out[9, j] = n0
        out[3, j] = 0.0
        out[4, j] = 0.0
        out[5, j] = 0.0
        out[6, j] = 0.0
        w = v[j] + m[j] + c[j]
        u = vu[j] + reserve[j]
        peak[j] = w
        peak_u[j] = u
        s_prev[j] = s0
        r_prev[j] = r0
        f_hold_prev[j] = f0
        if j < keep:
            fan_w[j, 0] = w
            fan_u[j, 0] = u
    for t in range(1, n_sim + 1):
        is_roll = roll[t]
        ts = tau_s[t]
        th = tau_h[t]
        for j in range(k):
            cum[j] = cum[j] * (1.0 + ret_t[t - 1, j])
            s = cum[j] * s0
            r = rate_t[t - 1, j]
            carry = r - q
            f_settle = s * math.exp(carry * ts)
            f_hold = s * math.exp(carry * th) if is_roll else f_settle
            growth = 1.0 + beta * (s / s_prev[j] - 1.0) + q / days_per_year
            gi = 1.0 + r_prev[j] / days_per_year
            vj = v[j] * growth
            vu[j] = vu[j] * growth
            settle = held[j] * -(mult * (f_settle - f_hold_prev[j]))
            mj = m[j] * gi + settle
            sh = shadow[j] * gi + settle
            c[j] = c[j] * gi
            g_cash[j] = g_cash[j] * gi
            hj = held[j]
            target = math.floor(h_beta * vj / (mult * f_hold) + shift)
            if is_roll:
                traded = hj + target
                out[8, j] += (1.0 if hj > 0 else 0.0) + (1.0 if target > 0 else 0.0)
                hj = target
            elif hold:
                traded = 0.0
            else:
                traded = abs(hj - target)
                if traded >= max(1.0, band * target):
                    out[8, j] += 1.0
                    hj = target
                else:
                    traded = 0.0
            cost = traded * cpc
            out[7, j] += cost
            mj = mj - cost
            sh = sh - cost
            need = hj * mm
            req = (need - sh) / g_cash[j]
            if req > b_req[j]:
                b_req[j] = req
            if mj < need:
                bal = hj * im
                call = bal - mj
                out[4, j] += 1.0
                out[6, j] += call
                if call > out[5, j]:
                    out[5, j] = call
            elif has_sweep and mj > hj * sweep_level:
                bal = hj * sweep_level
            else:
                bal = mj
            if from_stock:
                vj = vj + (mj - bal)
            else:
                c[j] = c[j] + (mj - bal)
            v[j] = vj
            m[j] = bal
            held[j] = hj
            shadow[j] = sh
            w = vj + bal + c[j]
            u = reserve[j] * g_cash[j] + vu[j]
            if w > peak[j]:
                peak[j] = w
            if u > peak_u[j]:
                peak_u[j] = u
            ratio = w / peak[j]
            if ratio < min_ratio[j]:
                min_ratio[j] = ratio
            ratio_u = u / peak_u[j]
            if ratio_u < min_ratio_u[j]:
                min_ratio_u[j] = ratio_u
            s_prev[j] = s
            r_prev[j] = r
            f_hold_prev[j] = f_hold
            if j < keep:
                fan_w[j, t] = w
                fan_u[j, t] = u
    for j in range(k):
        out[0, j] = v[j] + m[j] + c[j]
        out[1, j] = reserve[j] * g_cash[j] + vu[j]
        out[2, j] = 1.0 - min_ratio[j]
        out[3, j] = 1.0 - min_ratio_u[j]
        base = im * out[9, j]
        if base > 0:
            out[10, j] = b_req[j] / base
        else:
            out[10, j] = np.inf if b_req[j] > 0 else -np.inf


def simulate_stress_numba(
    returns_days_major: Float64Array,
    rates_days_major: Float64Array,
    index_level: float,
    rate_start: float,
    days: StressDays,
    terms: KernelTerms,
    *,
    fan_paths: int = 0,
) -> StressOutput:
    """Simulate ``k`` paths; ``returns``/``rates`` are days-major ``(n_days, k)``."""
    ret = np.ascontiguousarray(returns_days_major, dtype=np.float64)
    rates = np.ascontiguousarray(rates_days_major, dtype=np.float64)
    n_sim, k = ret.shape
    keep = min(max(fan_paths, 0), k)
    out = np.empty((_N_OUT, k))
    fan_w = np.empty((keep, n_sim + 1))
    fan_u = np.empty((keep, n_sim + 1))
    sweep = terms.sweep_multiple
    _kernel(
        terms.value_usd,
        ret,
        rates,
        float(index_level),
        float(rate_start),
        np.ascontiguousarray(days.tau_settle_years),
        np.ascontiguousarray(days.tau_hold_years),
        np.ascontiguousarray(days.is_roll),
        terms.beta,
        terms.h_beta,
        terms.band,
        terms.dividend_yield,
        terms.multiplier_usd,
        terms.cost_per_contract_usd,
        terms.initial_margin_usd,
        terms.maintenance_margin_usd,
        terms.deposit_multiple,
        0.0 if sweep is None else sweep * terms.initial_margin_usd,
        sweep is not None,
        terms.calls_from_stock,
        terms.contracts_start is not None,
        0.0 if terms.contracts_start is None else float(terms.contracts_start),
        terms.hold_between_rolls,
        0.5 if terms.round_nearest else 0.0,
        _DAYS_PER_YEAR,
        out,
        fan_w,
        fan_u,
    )
    return StressOutput(
        final_hedged_usd=out[0],
        final_unhedged_usd=out[1],
        max_drawdown_hedged=out[2],
        max_drawdown_unhedged=out[3],
        n_margin_calls=out[4],
        largest_margin_call_usd=out[5],
        margin_calls_usd=out[6],
        trading_costs_usd=out[7],
        n_trades=out[8],
        contracts_start=out[9],
        required_buffer_multiple=out[10],
        fan_hedged_usd=fan_w,
        fan_unhedged_usd=fan_u,
    )
