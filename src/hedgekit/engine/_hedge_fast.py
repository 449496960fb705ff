"""The general (policy) kernel for batches: the runs of a chunk side by side, in passes.

The same day, the same IEEE operations in the same order, as
:func:`hedgekit.engine._hedge_kernel.hedge_chunk` (read :mod:`hedgekit.engine._hedge_python`
for the steps), arranged for speed when no ledger is asked for (``full`` false):

* days outer, runs inner, and each day a few short passes over the chunk's runs (settle,
  CPPI cap, sizing, rule, trade and margin, measures), each a loop over contiguous rows of
  the chunk's state without branches that depend on the run (``a if cond else b`` becomes a
  select), so that LLVM vectorises it across runs as in the bench grid kernel
  (:mod:`hedgekit.engine._kernels_numba`);
* what does not change over the run loop is decided once per day or per chunk: a market
  array shared by all runs is read once per day into a row; a static target once per chunk;
  the CPPI pass and each rebalance rule's pass run only when used;
* the rare sizing case that needs two more divisions (a net-short guard, ``size_hedge``'s
  tolerance rule) is flagged in the vector pass and finished in a scalar pass over the
  flagged runs only;
* the measures of the value path (final value, Welford moments, Sortino's downside sum, the
  drawdown and its dates) are online (:func:`hedgekit.engine._hedge_kernel.measure_day`); the
  path is written only when ``keep`` is true.

Plain loops over scalars: :func:`numba.njit` compiles it (``_hedge_numba``); without numba it
runs as Python (correct, slow). Same signature and outputs as ``hedge_chunk`` without ``full``.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from hedgekit._typing import Float64Array
from hedgekit.engine._hedge_kernel import (
    _BUF,
    _C0,
    _CASH,
    _COMM,
    _DAYS,
    _DEP,
    _HAIR,
    _HOLD,
    _HOLDN,
    _IMF,
    _IMFRAC,
    _K_CALLS,
    _K_CALLSUM,
    _K_DAYSH,
    _K_DEP,
    _K_FEES,
    _K_HAIR,
    _K_HE,
    _K_HT,
    _K_INT,
    _K_MAXCALL,
    _K_RFEES,
    _K_ROLLS,
    _K_RSLIP,
    _K_SLIP,
    _K_SWEEP,
    _K_TRADES,
    _M_DEPTH,
    _M_DOWN,
    _M_END,
    _M_HIGH,
    _M_LAST,
    _M_LASTHIGH,
    _M_LEVEL,
    _M_M2,
    _M_M2E,
    _M_MEAN,
    _M_MEANE,
    _M_PEAK,
    _M_TROUGH,
    _MAINT,
    _MULT,
    _RCHG,
    _ROUND,
    _RULE,
    _SLIP,
    _SNAP,
    _SWEEP,
    _TOL,
    _V0,
)

__all__ = ["hedge_chunk_fast"]

# Rows of the chunk's state (one column per run).
(_S, _C, _M, _HELD, _HLAST, _SLAST, _BLAST, _FLOOR, _TGT, _HC, _FIRE, _GUARD, _HT, _G, _FS,
 _FHP, _FH, _BETA, _NPREV, _TR, _TRS, _CHG, _CALL, _DEPO, _SWP) = range(25)  # fmt: skip
#: The counters and measures are rows of the same state array during the run (``_CNT + k``,
#: ``_MS + k``), copied out at the end. LLVM vectorises a loop over the runs only if it can
#: check at run time that the rows it stores to do not overlap the other rows it touches, and
#: it gives up beyond 128 such pairwise checks (``stores * (stores - 1) / 2 + stores *
#: loads``, counting distinct rows): so the day's trade-and-margin step is cut into passes
#: of a few rows each, handing its intermediates (``_NPREV`` .. ``_SWP``) on through rows of
#: the state. Stored and reloaded doubles are exact: the numbers are unchanged.
_CNT = 25
_MS = _CNT + 16
_N_STATE = _MS + 13


def hedge_chunk_fast(
    growth: Float64Array,
    rate: Float64Array,
    f_settle: Float64Array,
    f_hold: Float64Array,
    is_roll: npt.NDArray[np.uint8],
    cal: npt.NDArray[np.uint8],
    beta_path: Float64Array,
    targets: Float64Array,
    rule_param: Float64Array,
    cppi_mult: Float64Array,
    cppi_floor: Float64Array,
    sc: Float64Array,
    full: bool,
    lo: int,
    paths: Float64Array,
    counters: Float64Array,
    keep: bool,
    measures: Float64Array,
) -> None:
    """Simulate the chunk's runs (global columns ``lo .. lo + w``) over all days.

    ``full`` must be false (a ledger comes from ``hedge_chunk``); ``paths[0, t, j]`` gets
    the total value when ``keep``.
    """
    n = rate.shape[0]
    w = rule_param.shape[0]
    t_daily = targets.shape[0] > 1
    t_per_run = targets.shape[1] > 1
    g_per_run = growth.shape[1] > 1
    fs_per_run = f_settle.shape[1] > 1
    fh_per_run = f_hold.shape[1] > 1
    b_per_run = beta_path.shape[1] > 1
    days = sc[_DAYS]
    mult = sc[_MULT]
    comm = sc[_COMM]
    slip = sc[_SLIP]
    cpc = comm + slip
    im_fixed = sc[_IMF]
    im_frac = sc[_IMFRAC]
    maint_frac = sc[_MAINT]
    buffer = sc[_BUF]
    sweep_mult = sc[_SWEEP]
    to_cash = sc[_CASH] != 0.0
    deposit_on_increase = sc[_DEP] != 0.0
    haircut = sc[_HAIR]
    mode = sc[_ROUND]
    exact = mode == 2.0
    nearest = mode == 1.0
    rule = sc[_RULE]
    ratio_change = sc[_RCHG]
    use_change = ratio_change > 0.0
    tol = sc[_TOL]
    hold = sc[_HOLD] != 0.0
    hold_n = sc[_HOLDN]
    any_cppi = False
    for j in range(w):
        if cppi_mult[j] > 0.0:
            any_cppi = True

    st = np.empty((_N_STATE, w))
    for c in range(_CNT, _MS):
        for j in range(w):
            st[c, j] = 0.0

    # ---- day 0 (as hedge_chunk's)
    for j in range(w):
        col = lo + j
        fh0 = f_hold[0, col if fh_per_run else 0]
        beta = beta_path[0, col if b_per_run else 0]
        s0 = sc[_V0]
        c0 = sc[_C0]
        st[_FLOOR, j] = cppi_floor[j] * (s0 + c0)
        h = targets[0, j if t_per_run else 0]
        st[_HT, j] = h
        if cppi_mult[j] > 0.0:
            cushion = 1.0 - cppi_mult[j] * ((s0 + c0 + 0.0) - st[_FLOOR, j]) / (beta * s0)
            h_c = 0.0 if cushion < 0.0 else (1.0 if cushion > 1.0 else cushion)
            h = h if h < h_c else h_c
        if hold:
            n0 = hold_n
        else:
            bd = beta * s0
            x = h * bd / (mult * fh0)
            if exact:
                n0 = -x
            else:
                ax = abs(x)
                r = np.floor(ax + 0.5)
                if abs(ax - r) <= _SNAP * (1.0 if ax < 1.0 else ax):
                    ax = r
                u_lo = np.floor(ax)
                u_hi = np.ceil(ax)
                u = u_lo
                if nearest and u_hi != u_lo and abs(ax - u_hi) < abs(ax - u_lo):
                    u = u_hi
                if x > 0.0 and bd > 0.0:
                    u_full = bd / (mult * fh0)
                    r = np.floor(u_full + 0.5)
                    if abs(u_full - r) <= _SNAP * (1.0 if u_full < 1.0 else u_full):
                        u_full = r
                    cap = np.floor(u_full)
                    slack = _SNAP * (1.0 if u_full < 1.0 else u_full)
                    if u > cap and ax <= u_full + slack:
                        over_ok = u - u_full <= tol * u_full + slack
                        closer = abs(u - ax) / u_full < abs(cap - ax) / u_full
                        if not (over_ok and closer):
                            u = cap
                n0 = -u if x >= 0.0 else u
        im = im_fixed + im_frac * (mult * fh0)
        deposit = buffer * im * abs(n0)
        traded = abs(n0)
        cost = traded * cpc
        if to_cash:
            c0 = c0 - deposit
        else:
            s0 = s0 - deposit
        m0 = deposit - cost
        st[_S, j] = s0
        st[_C, j] = c0
        st[_M, j] = m0
        st[_HELD, j] = n0
        st[_HLAST, j] = h
        st[_SLAST, j] = s0
        st[_BLAST, j] = beta
        st[_CNT + _K_FEES, j] += traded * comm
        st[_CNT + _K_SLIP, j] += traded * slip
        st[_CNT + _K_TRADES, j] += 1.0 if n0 != 0.0 else 0.0
        st[_CNT + _K_DEP, j] += deposit
        st[_CNT + _K_HE, j] += -n0 * mult * fh0 / (beta * s0)
        st[_CNT + _K_HT, j] += h
        st[_CNT + _K_DAYSH, j] += 1.0 if n0 != 0.0 else 0.0
        v0 = s0 + c0 + m0
        st[_MS + _M_LAST, j] = v0
        st[_MS + _M_HIGH, j] = v0
        st[_MS + _M_DEPTH, j] = 0.0
        st[_MS + _M_PEAK, j] = 0.0
        st[_MS + _M_TROUGH, j] = 0.0
        st[_MS + _M_END, j] = -1.0
        st[_MS + _M_LEVEL, j] = v0
        st[_MS + _M_LASTHIGH, j] = 0.0
        st[_MS + _M_MEAN, j] = 0.0
        st[_MS + _M_M2, j] = 0.0
        st[_MS + _M_MEANE, j] = 0.0
        st[_MS + _M_M2E, j] = 0.0
        st[_MS + _M_DOWN, j] = 0.0
        if keep:
            paths[0, 0, j] = v0

    # ---- days 1 .. n-1
    for t in range(1, n):
        r_prev = rate[t - 1]
        gross_cash = 1.0 + r_prev / days
        gross_margin = 1.0 + (r_prev - haircut) / days
        hair_rate = haircut / days
        rolling = is_roll[t] != 0
        cal_day = cal[t] != 0
        rf = r_prev / days
        inv_t = 1.0 / t
        day = float(t)
        # the day's market and targets as rows over the chunk's runs
        g_s = growth[t, 0]
        fs_s = f_settle[t, 0]
        fhp_s = f_hold[t - 1, 0]
        fh_s = f_hold[t, 0]
        b_s = beta_path[t, 0]
        if g_per_run:
            for j in range(w):
                st[_G, j] = growth[t, lo + j]
        else:
            for j in range(w):
                st[_G, j] = g_s
        if fs_per_run:
            for j in range(w):
                st[_FS, j] = f_settle[t, lo + j]
        else:
            for j in range(w):
                st[_FS, j] = fs_s
        if fh_per_run:
            for j in range(w):
                st[_FHP, j] = f_hold[t - 1, lo + j]
                st[_FH, j] = f_hold[t, lo + j]
        else:
            for j in range(w):
                st[_FHP, j] = fhp_s
                st[_FH, j] = fh_s
        if b_per_run:
            for j in range(w):
                st[_BETA, j] = beta_path[t, lo + j]
        else:
            for j in range(w):
                st[_BETA, j] = b_s
        if t_daily:
            if t_per_run:
                for j in range(w):
                    st[_HT, j] = targets[t, j]
            else:
                h_s = targets[t, 0]
                for j in range(w):
                    st[_HT, j] = h_s

        # pass 1: interest, haircut and settlement of the contracts carried in
        for j in range(w):
            n_prev = st[_HELD, j]
            settle_per_short = -(mult * (st[_FS, j] - st[_FHP, j]))
            c_old = st[_C, j]
            c = c_old * gross_cash
            m_old = st[_M, j]
            st[_CNT + _K_INT, j] += (c - c_old) + (m_old * gross_margin - m_old)
            st[_CNT + _K_HAIR, j] += m_old * hair_rate
            st[_S, j] = st[_S, j] * st[_G, j]
            st[_C, j] = c
            st[_M, j] = m_old * gross_margin + (-n_prev) * settle_per_short

        # pass 2: the target, capped by CPPI where it is on
        if any_cppi:
            for j in range(w):
                h = st[_HT, j]
                s = st[_S, j]
                cushion = 1.0 - cppi_mult[j] * ((s + st[_C, j] + st[_M, j]) - st[_FLOOR, j]) / (
                    st[_BETA, j] * s
                )
                h_c = 0.0 if cushion < 0.0 else (1.0 if cushion > 1.0 else cushion)
                capped = h if h < h_c else h_c
                on = cppi_mult[j] > 0.0
                st[_HC, j] = capped if on else h
        else:
            for j in range(w):
                st[_HC, j] = st[_HT, j]

        # pass 3: size (hedge_contracts), the net-short guard flagged for pass 3b
        n_guard = 0
        if hold:
            for j in range(w):
                st[_TGT, j] = hold_n
        elif exact:
            for j in range(w):
                st[_TGT, j] = -(st[_HC, j] * (st[_BETA, j] * st[_S, j]) / (mult * st[_FH, j]))
        else:
            for j in range(w):
                bd = st[_BETA, j] * st[_S, j]
                x = st[_HC, j] * bd / (mult * st[_FH, j])
                ax = abs(x)
                r = np.floor(ax + 0.5)
                ax = r if abs(ax - r) <= _SNAP * (1.0 if ax < 1.0 else ax) else ax
                u_lo = np.floor(ax)
                u_hi = np.ceil(ax)
                up = nearest & (u_hi != u_lo) & (abs(ax - u_hi) < abs(ax - u_lo))
                u = u_hi if up else u_lo
                u_full = bd / (mult * st[_FH, j])
                r = np.floor(u_full + 0.5)
                u_full = (
                    r if abs(u_full - r) <= _SNAP * (1.0 if u_full < 1.0 else u_full) else u_full
                )
                cap = np.floor(u_full)
                slack = _SNAP * (1.0 if u_full < 1.0 else u_full)
                guard = (x > 0.0) & (bd > 0.0) & (u > cap) & (ax <= u_full + slack)
                st[_GUARD, j] = 1.0 if guard else 0.0
                n_guard += 1 if guard else 0
                st[_TGT, j] = -u if x >= 0.0 else u
        if n_guard > 0:  # pass 3b: size_hedge's tolerance rule, scalar, flagged runs only
            for j in range(w):
                if st[_GUARD, j] != 0.0:
                    bd = st[_BETA, j] * st[_S, j]
                    x = st[_HC, j] * bd / (mult * st[_FH, j])
                    ax = abs(x)
                    r = np.floor(ax + 0.5)
                    if abs(ax - r) <= _SNAP * (1.0 if ax < 1.0 else ax):
                        ax = r
                    u = -st[_TGT, j]
                    u_full = bd / (mult * st[_FH, j])
                    r = np.floor(u_full + 0.5)
                    if abs(u_full - r) <= _SNAP * (1.0 if u_full < 1.0 else u_full):
                        u_full = r
                    cap = np.floor(u_full)
                    slack = _SNAP * (1.0 if u_full < 1.0 else u_full)
                    over_ok = u - u_full <= tol * u_full + slack
                    closer = abs(u - ax) / u_full < abs(cap - ax) / u_full
                    if not (over_ok and closer):
                        st[_TGT, j] = -cap

        # pass 4: does the rule fire (a roll always trades)
        if rolling or rule == 0.0:
            for j in range(w):
                st[_FIRE, j] = 1.0
        elif rule == 1.0:
            for j in range(w):
                threshold = rule_param[j] * abs(st[_TGT, j])
                gap = abs(st[_HELD, j] - st[_TGT, j])
                st[_FIRE, j] = 1.0 if gap >= (threshold if threshold > 1.0 else 1.0) else 0.0
        elif rule == 2.0:
            for j in range(w):
                moved = abs(st[_S, j] / st[_SLAST, j] - 1.0) >= rule_param[j]
                st[_FIRE, j] = 1.0 if moved else 0.0
        elif rule == 3.0:
            for j in range(w):
                st[_FIRE, j] = 1.0 if cal_day else 0.0
        elif rule == 5.0:
            for j in range(w):
                moved = abs(st[_BETA, j] - st[_BLAST, j]) >= rule_param[j]
                st[_FIRE, j] = 1.0 if moved else 0.0
        else:
            for j in range(w):
                st[_FIRE, j] = 0.0
        if use_change and not rolling and (rule == 2.0 or rule == 3.0 or rule == 5.0):
            for j in range(w):
                changed = abs(st[_HC, j] - st[_HLAST, j]) >= ratio_change
                fire = st[_FIRE, j]
                st[_FIRE, j] = 1.0 if changed else fire

        # pass 5a: does the run trade today, how many contracts (a select, not a branch)
        for j in range(w):
            n_prev = st[_HELD, j]
            target = st[_TGT, j]
            gap = abs(n_prev - target)
            switch = (target == 0.0) != (n_prev == 0.0)
            move = ((st[_FIRE, j] != 0.0) | switch) & (gap > 0.0)
            roll_traded = abs(n_prev) + abs(target)
            traded = roll_traded if rolling else (gap if move else 0.0)
            trades_roll = (1.0 if n_prev != 0.0 else 0.0) + (1.0 if target != 0.0 else 0.0)
            trades = trades_roll if rolling else (1.0 if move else 0.0)
            changed = rolling | move
            st[_NPREV, j] = n_prev
            st[_HELD, j] = target if changed else n_prev
            st[_TR, j] = traded
            st[_TRS, j] = trades
            st[_CHG, j] = 1.0 if changed else 0.0

        # pass 5b: the ratio, stock value and beta at the last trade (for the rules)
        for j in range(w):
            changed = st[_CHG, j] != 0.0
            # every value loaded before it is selected: a load inside a select would be a
            # masked gather to the vectoriser
            h = st[_HC, j]
            s = st[_S, j]
            beta = st[_BETA, j]
            h_last = st[_HLAST, j]
            s_last = st[_SLAST, j]
            b_last = st[_BLAST, j]
            st[_HLAST, j] = h if changed else h_last
            st[_SLAST, j] = s if changed else s_last
            st[_BLAST, j] = beta if changed else b_last

        # pass 5c: costs, deposits, margin check
        for j in range(w):
            n_prev = st[_NPREV, j]
            new_n = st[_HELD, j]
            traded = st[_TR, j]
            fh = st[_FH, j]
            s = st[_S, j]
            c = st[_C, j]
            m = st[_M, j]
            m = m - traded * cpc
            im = im_fixed + im_frac * (mult * fh)
            size = abs(new_n)
            funded = buffer * im * size
            top_up = deposit_on_increase & (size > abs(n_prev)) & (m < funded)
            deposit = funded - m if top_up else 0.0
            c = c - deposit if to_cash else c
            s = s if to_cash else s - deposit
            m = funded if top_up else m
            cap = sweep_mult * im * size
            low = m < maint_frac * im * size
            balance = im * size if low else (cap if m > cap else m)
            call = im * size - m if low else 0.0
            sweep = m - cap if (m > cap) & (not low) else 0.0
            c = c + (m - balance) if to_cash else c
            s = s if to_cash else s + (m - balance)
            st[_S, j] = s
            st[_C, j] = c
            st[_M, j] = balance
            st[_CALL, j] = call
            st[_DEPO, j] = deposit
            st[_SWP, j] = sweep

        # pass 5d: the counters (a roll's own only on roll days, as in hedge_chunk)
        if rolling:
            for j in range(w):
                traded = st[_TR, j]
                st[_CNT + _K_ROLLS, j] += 1.0 if st[_NPREV, j] != 0.0 else 0.0
                st[_CNT + _K_RFEES, j] += traded * comm
                st[_CNT + _K_RSLIP, j] += traded * slip
        for j in range(w):
            traded = st[_TR, j]
            st[_CNT + _K_FEES, j] += traded * comm
            st[_CNT + _K_SLIP, j] += traded * slip
            st[_CNT + _K_TRADES, j] += st[_TRS, j]
        for j in range(w):
            call = st[_CALL, j]
            new_n = st[_HELD, j]
            st[_CNT + _K_CALLS, j] += 1.0 if call > 0.0 else 0.0
            st[_CNT + _K_CALLSUM, j] += call
            largest = st[_CNT + _K_MAXCALL, j]
            st[_CNT + _K_MAXCALL, j] = call if call > largest else largest
            st[_CNT + _K_HE, j] += -new_n * mult * st[_FH, j] / (st[_BETA, j] * st[_S, j])
            st[_CNT + _K_HT, j] += st[_HC, j]
            st[_CNT + _K_DAYSH, j] += 1.0 if new_n != 0.0 else 0.0
            st[_CNT + _K_DEP, j] += st[_DEPO, j]
            st[_CNT + _K_SWEEP, j] += st[_SWP, j]

        # pass 6: the online measures of W_t (measure_day, for one run at a time)
        for j in range(w):
            v = st[_S, j] + st[_C, j] + st[_M, j]
            last = st[_MS + _M_LAST, j]
            mean_r = st[_MS + _M_MEAN, j]
            mean_e = st[_MS + _M_MEANE, j]
            high_old = st[_MS + _M_HIGH, j]
            last_high = st[_MS + _M_LASTHIGH, j]
            depth = st[_MS + _M_DEPTH, j]
            trough = st[_MS + _M_TROUGH, j]
            level = st[_MS + _M_LEVEL, j]
            peak = st[_MS + _M_PEAK, j]
            end = st[_MS + _M_END, j]
            ret = v / last - 1.0
            ex = ret - rf
            d = ret - mean_r
            mean = mean_r + d * inv_t
            st[_MS + _M_MEAN, j] = mean
            st[_MS + _M_M2, j] += d * (ret - mean)
            d = ex - mean_e
            mean = mean_e + d * inv_t
            st[_MS + _M_MEANE, j] = mean
            st[_MS + _M_M2E, j] += d * (ex - mean)
            dn = ex if ex < 0.0 else 0.0
            st[_MS + _M_DOWN, j] += dn * dn
            st[_MS + _M_LAST, j] = v
            up = v >= high_old
            high = v if up else high_old
            last_high = day if up else last_high
            st[_MS + _M_HIGH, j] = high
            st[_MS + _M_LASTHIGH, j] = last_high
            dd = 1.0 - v / high
            deeper = dd > depth
            back = (end < 0.0) & (depth > 0.0) & (v >= level)
            st[_MS + _M_DEPTH, j] = dd if deeper else depth
            st[_MS + _M_TROUGH, j] = day if deeper else trough
            st[_MS + _M_LEVEL, j] = high if deeper else level
            st[_MS + _M_PEAK, j] = last_high if deeper else peak
            st[_MS + _M_END, j] = -1.0 if deeper else (day if back else end)
        if keep:
            for j in range(w):
                paths[0, t, j] = st[_MS + _M_LAST, j]

    for c in range(counters.shape[0]):
        for j in range(w):
            counters[c, j] = st[_CNT + c, j]
    for c in range(measures.shape[0]):
        for j in range(w):
            measures[c, j] = st[_MS + c, j]
