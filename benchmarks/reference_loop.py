"""A plain hand-written numba loop over the same grid: the yardstick for the engine's kernel.

One run at a time, one day at a time, scalar code as anyone would first write it with
``@numba.njit`` after computing the per-day inputs once with numpy: no chunking, no SIMD
layout, no threads, default numba options. Same rules and the same outputs as
``hedgekit.engine`` (checked at the end against the engine to 1e-9 relative), so the ratio of
the two kernel times is a fair measure of what the engine's layout buys.

    python benchmarks/reference_loop.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import math
import sys
import time

import numpy as np
from numba import njit

from bench_inputs import ACCOUNT, BANDS, HEDGE_RATIOS, load_bench_data
from hedgekit.engine import run_grid


@njit(cache=True)
def plain_grid(growth, interest, settle, notional, is_roll, hs, bs, v0, cpc, im, lo, hi):
    n = growth.size
    k = hs.size
    out = np.empty((8, k))
    unhedged = growth[1:] - 1.0
    var_u = np.var(unhedged) * (n - 1) / (n - 2)
    for i in range(k):
        h = hs[i]
        b = bs[i]
        held = math.floor(h * v0 / notional[0])
        v = v0 - im * held
        m = im * held - held * cpc
        cost = held * cpc
        trades = 1 if held > 0 else 0
        calls = 0
        w_prev = v + m
        peak = w_prev
        max_dd = 0.0
        mean = 0.0
        sq = 0.0
        for t in range(1, n):
            v = v * growth[t]
            m = m * interest[t] + held * settle[t]
            target = math.floor(h * v / notional[t])
            if is_roll[t]:
                cost_t = (held + target) * cpc
                trades += (1 if held > 0 else 0) + (1 if target > 0 else 0)
                held = target
            elif abs(held - target) >= max(1.0, b * target):
                cost_t = abs(held - target) * cpc
                trades += 1
                held = target
            else:
                cost_t = 0.0
            m -= cost_t
            cost += cost_t
            if m < lo * held:
                v -= im * held - m
                m = im * held
                calls += 1
            elif m > hi * held:
                v += m - hi * held
                m = hi * held
            w = v + m
            ret = w / w_prev - 1.0
            d = ret - mean
            mean += d / t
            sq += d * (ret - mean)
            if w > peak:
                peak = w
            dd = 1.0 - w / peak
            if dd > max_dd:
                max_dd = dd
            w_prev = w
        var_h = sq / (n - 2)
        out[0, i] = w_prev
        out[1, i] = (w_prev / v0) ** (252.0 / (n - 1)) - 1.0
        out[2, i] = math.sqrt(var_h * 252.0)
        out[3, i] = max_dd
        out[4, i] = 1.0 - var_h / var_u
        out[5, i] = cost
        out[6, i] = trades
        out[7, i] = calls
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    data = load_bench_data()
    mk = data.market
    h = np.repeat(HEDGE_RATIOS, BANDS.size)
    b = np.tile(BANDS, HEDGE_RATIOS.size)
    a = ACCOUNT
    # per-day inputs computed once with numpy, as anyone would before writing the loop
    n = mk.n_days
    growth = np.ones(n)
    growth[1:] = (
        1.0
        + a.beta * (mk.index_level[1:] / mk.index_level[:-1] - 1.0)
        + (mk.dividend_yield_annual[:-1] / 252)
    )
    interest = np.ones(n)
    interest[1:] = 1.0 + mk.rate_annual[:-1] / 252
    settle = np.zeros(n)
    settle[1:] = -(a.multiplier_usd * (mk.futures_price_settle[1:] - mk.futures_price_hold[:-1]))
    notional = a.multiplier_usd * mk.futures_price_hold
    im = a.initial_margin_per_contract_usd
    call_args = (
        growth, interest, settle, notional, mk.is_roll, h * a.beta, b, a.initial_value_usd,
        a.cost_per_contract_usd, im, a.maintenance_fraction * im, a.sweep_multiple * im,
    )  # fmt: skip
    run_days = h.size * mk.n_days
    t0 = time.perf_counter()
    out = plain_grid(*call_args)
    print(f"first call (compile or cache load) {time.perf_counter() - t0:.3f} s")
    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        plain_grid(*call_args)
        times.append(time.perf_counter() - t0)
    best = min(times)
    print(
        f"plain numba loop, {h.size:,} runs x {mk.n_days:,} days: best of {len(times)} "
        f"{best:.3f} s = {best / run_days * 1e9:.2f} ns/run-day"
    )
    # same numbers as the engine?
    res = run_grid(mk, HEDGE_RATIOS, BANDS, ACCOUNT)
    names = ("final_value_usd", "cagr", "volatility_annual", "max_drawdown",
             "hedge_effectiveness", "trading_costs_usd", "n_trades", "n_margin_calls")  # fmt: skip
    worst = 0.0
    for row, name in enumerate(names):
        ref = np.asarray(getattr(res, name), dtype=np.float64)
        worst = max(worst, float(np.max(np.abs(out[row] - ref) / np.maximum(np.abs(ref), 1e-3))))
    print(f"max relative difference from hedgekit.engine: {worst:.1e}")
    return 0 if worst < 1e-9 else 1


if __name__ == "__main__":
    sys.exit(main())
