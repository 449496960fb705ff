"""The general (policy) kernel for batches: the runs of a chunk side by side, in passes.

The same day, the same IEEE operations in the same order, as
:func:`hedgekit.engine._hedge_kernel.hedge_chunk` (read :mod:`hedgekit.engine._hedge_python`
for the steps), arranged for speed when no ledger is asked for (``full`` false):

* the chunk's runs go through in blocks of :data:`_L` runs (lanes), each block over all
  days: days outer, lanes inner, the block's whole state (:data:`_N_STATE` rows of
  :data:`_L` doubles, 25 KiB) inside the core's L1 cache;
* each day is three loops over the lanes without branches that depend on the run
  (``a if cond else b`` becomes a select): settlement and sizing; the rule, the trade,
  costs, deposits, the margin check and the counters; the measures (two short dependency
  chains per run rather than one long one, as in the bench grid kernel). With CPPI a pass
  before them caps the target on today's settled values.
  The state is one flat array indexed ``row * _L + lane`` and every loop runs exactly
  :data:`_L` times, so LLVM can prove that rows never overlap and vectorises each loop
  across lanes with no run-time overlap checks (with a run-time width it needs one check
  per pair of rows, and gives up past 128);
* what does not change over the lanes is decided once per day or per block: a market array
  shared by all runs is read once per day as a scalar (only per-run arrays are copied into
  rows); a static target once per block; the CPPI pass and the passes of the rules that
  need rows of their own (value change, beta change, ratio change) run only when used;
* the rare sizing case that needs two more divisions (a net-short guard, ``size_hedge``'s
  tolerance rule) is flagged in the vector pass and finished in a scalar pass over the
  flagged lanes only;
* the measures of the value path (final value, Welford moments, Sortino's downside sum, the
  drawdown and its dates) are online (:func:`hedgekit.engine._hedge_kernel.measure_day`); the
  path is written only when ``keep`` is true.

A last block of fewer than :data:`_L` runs fills its spare lanes with copies of its last run
(the same inputs, so no new numbers) and never writes them out.

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

# Rows of a block's state (one column per lane); per-run inputs are rows too (_RP, _CM).
(_S, _C, _M, _HELD, _HLAST, _SLAST, _BLAST, _FLOOR, _TGT, _HC, _FIRE, _GUARD, _HT, _G, _FS,
 _FHP, _FH, _BETA, _RP, _CM) = range(20)  # fmt: skip
#: The counters and measures are rows of the same state (``_CNT + k``, ``_MS + k``), copied
#: out at the end of the block.
_CNT = 20
_MS = _CNT + 16
_N_STATE = _MS + 13
#: Runs per block (lanes): 49 rows x 64 x 8 bytes = 25 KiB of state, inside a 32-48 KiB L1
#: data cache. Measured on the bench grid (``benchmarks/policy_kernel.py``): 32 lanes as fast,
#: 96 lanes 8% slower, 128 lanes 40% slower, 256 lanes 2.8 times slower (out of L1).
_L = 64


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

    st = np.empty(_N_STATE * _L)
    # blocks of _L runs (a compile-time constant): each block's state is _N_STATE x _L
    # doubles (28 KiB at 64 runs), inside the core's L1 cache, and every pass over it runs
    # a fixed number of iterations over rows at fixed distances, so LLVM vectorises it with
    # no run-time overlap checks. A last block of wb < _L runs pads its lanes with copies of
    # its last run (same inputs, never read back).
    for b0 in range(0, w, _L):
        wb = min(_L, w - b0)
        for j in range(_L):
            jj = b0 + (j if j < wb else wb - 1)
            st[_RP * _L + j] = rule_param[jj]
            st[_CM * _L + j] = cppi_mult[jj]
        for c in range(_CNT, _MS):
            for j in range(_L):
                st[c * _L + j] = 0.0

        # ---- day 0 (as hedge_chunk's)
        for j in range(_L):
            jj = b0 + (j if j < wb else wb - 1)
            col = lo + jj
            fh0 = f_hold[0, col if fh_per_run else 0]
            beta = beta_path[0, col if b_per_run else 0]
            s0 = sc[_V0]
            c0 = sc[_C0]
            st[_FLOOR * _L + j] = cppi_floor[jj] * (s0 + c0)
            h = targets[0, jj if t_per_run else 0]
            st[_HT * _L + j] = h
            if st[_CM * _L + j] > 0.0:
                cushion = 1.0 - st[_CM * _L + j] * ((s0 + c0 + 0.0) - st[_FLOOR * _L + j]) / (
                    beta * s0
                )
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
            st[_S * _L + j] = s0
            st[_C * _L + j] = c0
            st[_M * _L + j] = m0
            st[_HELD * _L + j] = n0
            st[_HLAST * _L + j] = h
            st[_SLAST * _L + j] = s0
            st[_BLAST * _L + j] = beta
            st[(_CNT + _K_FEES) * _L + j] += traded * comm
            st[(_CNT + _K_SLIP) * _L + j] += traded * slip
            st[(_CNT + _K_TRADES) * _L + j] += 1.0 if n0 != 0.0 else 0.0
            st[(_CNT + _K_DEP) * _L + j] += deposit
            st[(_CNT + _K_HE) * _L + j] += -n0 * mult * fh0 / (beta * s0)
            st[(_CNT + _K_HT) * _L + j] += h
            st[(_CNT + _K_DAYSH) * _L + j] += 1.0 if n0 != 0.0 else 0.0
            v0 = s0 + c0 + m0
            st[(_MS + _M_LAST) * _L + j] = v0
            st[(_MS + _M_HIGH) * _L + j] = v0
            st[(_MS + _M_DEPTH) * _L + j] = 0.0
            st[(_MS + _M_PEAK) * _L + j] = 0.0
            st[(_MS + _M_TROUGH) * _L + j] = 0.0
            st[(_MS + _M_END) * _L + j] = -1.0
            st[(_MS + _M_LEVEL) * _L + j] = v0
            st[(_MS + _M_LASTHIGH) * _L + j] = 0.0
            st[(_MS + _M_MEAN) * _L + j] = 0.0
            st[(_MS + _M_M2) * _L + j] = 0.0
            st[(_MS + _M_MEANE) * _L + j] = 0.0
            st[(_MS + _M_M2E) * _L + j] = 0.0
            st[(_MS + _M_DOWN) * _L + j] = 0.0
            if keep and j < wb:
                paths[0, 0, b0 + j] = v0

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
            # the day's market: a scalar when all runs share it (read in the passes),
            # a row over the block's lanes when it is per run
            g_s = growth[t, 0]
            fs_s = f_settle[t, 0]
            fhp_s = f_hold[t - 1, 0]
            fh_s = f_hold[t, 0]
            b_s = beta_path[t, 0]
            # per-run inputs: the block's wb runs, then its padded lanes as its last run
            if g_per_run:
                for j in range(wb):
                    st[_G * _L + j] = growth[t, lo + b0 + j]
                for j in range(wb, _L):
                    st[_G * _L + j] = st[_G * _L + wb - 1]
            if fs_per_run:
                for j in range(wb):
                    st[_FS * _L + j] = f_settle[t, lo + b0 + j]
                for j in range(wb, _L):
                    st[_FS * _L + j] = st[_FS * _L + wb - 1]
            if fh_per_run:
                for j in range(wb):
                    st[_FHP * _L + j] = f_hold[t - 1, lo + b0 + j]
                    st[_FH * _L + j] = f_hold[t, lo + b0 + j]
                for j in range(wb, _L):
                    st[_FHP * _L + j] = st[_FHP * _L + wb - 1]
                    st[_FH * _L + j] = st[_FH * _L + wb - 1]
            if b_per_run:
                for j in range(wb):
                    st[_BETA * _L + j] = beta_path[t, lo + b0 + j]
                for j in range(wb, _L):
                    st[_BETA * _L + j] = st[_BETA * _L + wb - 1]
            if t_daily:
                if t_per_run:
                    for j in range(wb):
                        st[_HT * _L + j] = targets[t, b0 + j]
                    for j in range(wb, _L):
                        st[_HT * _L + j] = st[_HT * _L + wb - 1]
                else:
                    h_s = targets[t, 0]
                    for j in range(_L):
                        st[_HT * _L + j] = h_s

            # pass 1 (with CPPI only): the target capped by CPPI (the _HC row), on today's
            # settled values, computed here as pass 2 computes them (the same operations);
            # without CPPI the passes read the target row _HT
            if any_cppi:
                for j in range(_L):
                    fs_row = st[_FS * _L + j]
                    fhp_row = st[_FHP * _L + j]
                    g_row = st[_G * _L + j]
                    beta_row = st[_BETA * _L + j]
                    fs = fs_row if fs_per_run else fs_s
                    fhp = fhp_row if fh_per_run else fhp_s
                    g = g_row if g_per_run else g_s
                    beta = beta_row if b_per_run else b_s
                    settle_per_short = -(mult * (fs - fhp))
                    s = st[_S * _L + j] * g
                    c = st[_C * _L + j] * gross_cash
                    m_old = st[_M * _L + j]
                    m = m_old * gross_margin + (-st[_HELD * _L + j]) * settle_per_short
                    h = st[_HT * _L + j]
                    cushion = 1.0 - st[_CM * _L + j] * ((s + c + m) - st[_FLOOR * _L + j]) / (
                        beta * s
                    )
                    h_c = 0.0 if cushion < 0.0 else (1.0 if cushion > 1.0 else cushion)
                    capped = h if h < h_c else h_c
                    on = st[_CM * _L + j] > 0.0
                    st[_HC * _L + j] = capped if on else h

            # pass 2: interest, haircut and settlement of the contracts carried in, then size
            # (hedge_contracts), the net-short guard flagged for pass 2b
            n_guard = 0
            for j in range(_L):
                fs_row = st[_FS * _L + j]
                fhp_row = st[_FHP * _L + j]
                fh_row = st[_FH * _L + j]
                g_row = st[_G * _L + j]
                beta_row = st[_BETA * _L + j]
                fs = fs_row if fs_per_run else fs_s
                fhp = fhp_row if fh_per_run else fhp_s
                fh = fh_row if fh_per_run else fh_s
                g = g_row if g_per_run else g_s
                beta = beta_row if b_per_run else b_s
                n_prev = st[_HELD * _L + j]
                settle_per_short = -(mult * (fs - fhp))
                c_old = st[_C * _L + j]
                c = c_old * gross_cash
                m_old = st[_M * _L + j]
                st[(_CNT + _K_INT) * _L + j] += (c - c_old) + (m_old * gross_margin - m_old)
                st[(_CNT + _K_HAIR) * _L + j] += m_old * hair_rate
                s = st[_S * _L + j] * g
                st[_S * _L + j] = s
                st[_C * _L + j] = c
                st[_M * _L + j] = m_old * gross_margin + (-n_prev) * settle_per_short
                h_capped = st[_HC * _L + j]
                h_target = st[_HT * _L + j]
                h = h_capped if any_cppi else h_target
                bd = beta * s
                x = h * bd / (mult * fh)
                ax = abs(x)
                r = np.floor(ax + 0.5)
                ax = r if abs(ax - r) <= _SNAP * (1.0 if ax < 1.0 else ax) else ax
                u_lo = np.floor(ax)
                u_hi = np.ceil(ax)
                up = nearest & (u_hi != u_lo) & (abs(ax - u_hi) < abs(ax - u_lo))
                u = u_hi if up else u_lo
                u_full = bd / (mult * fh)
                r = np.floor(u_full + 0.5)
                u_full = (
                    r if abs(u_full - r) <= _SNAP * (1.0 if u_full < 1.0 else u_full) else u_full
                )
                cap = np.floor(u_full)
                slack = _SNAP * (1.0 if u_full < 1.0 else u_full)
                guard = (
                    (not exact) & (not hold) & (x > 0.0) & (bd > 0.0) & (u > cap)
                    & (ax <= u_full + slack)
                )  # fmt: skip
                st[_GUARD * _L + j] = 1.0 if guard else 0.0
                n_guard += 1 if guard else 0
                rounded = -u if x >= 0.0 else u
                st[_TGT * _L + j] = hold_n if hold else (-x if exact else rounded)
            if n_guard > 0:  # pass 2b: size_hedge's tolerance rule, scalar, flagged runs only
                for j in range(_L):
                    if st[_GUARD * _L + j] != 0.0:
                        bd = (st[_BETA * _L + j] if b_per_run else b_s) * st[_S * _L + j]
                        h = st[_HC * _L + j] if any_cppi else st[_HT * _L + j]
                        x = h * bd / (mult * (st[_FH * _L + j] if fh_per_run else fh_s))
                        ax = abs(x)
                        r = np.floor(ax + 0.5)
                        if abs(ax - r) <= _SNAP * (1.0 if ax < 1.0 else ax):
                            ax = r
                        u = -st[_TGT * _L + j]
                        u_full = bd / (mult * (st[_FH * _L + j] if fh_per_run else fh_s))
                        r = np.floor(u_full + 0.5)
                        if abs(u_full - r) <= _SNAP * (1.0 if u_full < 1.0 else u_full):
                            u_full = r
                        cap = np.floor(u_full)
                        slack = _SNAP * (1.0 if u_full < 1.0 else u_full)
                        over_ok = u - u_full <= tol * u_full + slack
                        closer = abs(u - ax) / u_full < abs(cap - ax) / u_full
                        if not (over_ok and closer):
                            st[_TGT * _L + j] = -cap

            # pass 3: does the rule fire (a roll always trades). The band rule (1) and the
            # rules that do not depend on the run are decided inside pass 4; rules 2 and 5
            # and the ratio-change test fill the _FIRE row here, in passes of their own.
            band = (not rolling) and rule == 1.0
            from_row = (not rolling) and (
                rule == 2.0 or rule == 5.0 or (rule == 3.0 and use_change)
            )
            fire_c = 1.0 if (rolling or rule == 0.0) else (
                (1.0 if cal_day else 0.0) if rule == 3.0 else 0.0
            )  # fmt: skip
            if from_row:
                if rule == 2.0:
                    for j in range(_L):
                        moved = abs(st[_S * _L + j] / st[_SLAST * _L + j] - 1.0) >= st[_RP * _L + j]
                        st[_FIRE * _L + j] = 1.0 if moved else 0.0
                elif rule == 3.0:
                    for j in range(_L):
                        st[_FIRE * _L + j] = 1.0 if cal_day else 0.0
                else:
                    for j in range(_L):
                        moved = (
                            abs((st[_BETA * _L + j] if b_per_run else b_s) - st[_BLAST * _L + j])
                            >= st[_RP * _L + j]
                        )
                        st[_FIRE * _L + j] = 1.0 if moved else 0.0
                if use_change:
                    for j in range(_L):
                        h_capped = st[_HC * _L + j]
                        h_target = st[_HT * _L + j]
                        h = h_capped if any_cppi else h_target
                        changed = abs(h - st[_HLAST * _L + j]) >= ratio_change
                        fire = st[_FIRE * _L + j]
                        st[_FIRE * _L + j] = 1.0 if changed else fire
            if rolling:  # a roll's own counters (only on roll days, as in hedge_chunk)
                for j in range(_L):
                    n_prev = st[_HELD * _L + j]
                    traded = abs(n_prev) + abs(st[_TGT * _L + j])
                    st[(_CNT + _K_ROLLS) * _L + j] += 1.0 if n_prev != 0.0 else 0.0
                    st[(_CNT + _K_RFEES) * _L + j] += traded * comm
                    st[(_CNT + _K_RSLIP) * _L + j] += traded * slip

            # pass 4: trade, costs, deposits, margin check and counters in one pass: every
            # state row is loaded and stored once a day, the intermediates stay in registers
            for j in range(_L):
                # does the run trade today, how many contracts (a select, not a branch)
                n_prev = st[_HELD * _L + j]
                target = st[_TGT * _L + j]
                gap = abs(n_prev - target)
                threshold = st[_RP * _L + j] * abs(target)
                f_band = 1.0 if gap >= (threshold if threshold > 1.0 else 1.0) else 0.0
                f_row = st[_FIRE * _L + j]
                fire = f_band if band else (f_row if from_row else fire_c)
                switch = (target == 0.0) != (n_prev == 0.0)
                move = ((fire != 0.0) | switch) & (gap > 0.0)
                roll_traded = abs(n_prev) + abs(target)
                traded = roll_traded if rolling else (gap if move else 0.0)
                trades_roll = (1.0 if n_prev != 0.0 else 0.0) + (1.0 if target != 0.0 else 0.0)
                trades = trades_roll if rolling else (1.0 if move else 0.0)
                changed = rolling | move
                new_n = target if changed else n_prev
                st[_HELD * _L + j] = new_n
                # the ratio, stock value and beta at the last trade (for the rules); every
                # value loaded before it is selected (a load inside a select would be a
                # masked gather to the vectoriser)
                h_capped = st[_HC * _L + j]
                h_target = st[_HT * _L + j]
                h = h_capped if any_cppi else h_target
                s = st[_S * _L + j]
                beta = st[_BETA * _L + j] if b_per_run else b_s
                h_last = st[_HLAST * _L + j]
                s_last = st[_SLAST * _L + j]
                b_last = st[_BLAST * _L + j]
                st[_HLAST * _L + j] = h if changed else h_last
                st[_SLAST * _L + j] = s if changed else s_last
                st[_BLAST * _L + j] = beta if changed else b_last
                # costs, deposits, margin check
                fh = st[_FH * _L + j] if fh_per_run else fh_s
                c = st[_C * _L + j]
                m = st[_M * _L + j]
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
                st[_S * _L + j] = s
                st[_C * _L + j] = c
                st[_M * _L + j] = balance
                # the counters
                st[(_CNT + _K_FEES) * _L + j] += traded * comm
                st[(_CNT + _K_SLIP) * _L + j] += traded * slip
                st[(_CNT + _K_TRADES) * _L + j] += trades
                st[(_CNT + _K_CALLS) * _L + j] += 1.0 if call > 0.0 else 0.0
                st[(_CNT + _K_CALLSUM) * _L + j] += call
                largest = st[(_CNT + _K_MAXCALL) * _L + j]
                st[(_CNT + _K_MAXCALL) * _L + j] = call if call > largest else largest
                st[(_CNT + _K_HE) * _L + j] += -new_n * mult * fh / (beta * s)
                st[(_CNT + _K_HT) * _L + j] += h
                st[(_CNT + _K_DAYSH) * _L + j] += 1.0 if new_n != 0.0 else 0.0
                st[(_CNT + _K_DEP) * _L + j] += deposit
                st[(_CNT + _K_SWEEP) * _L + j] += sweep

            # pass 5: the online measures of W_t (measure_day's operations, for one run at a
            # time): a second, short dependency chain per run, as in the bench grid kernel
            for j in range(_L):
                v = st[_S * _L + j] + st[_C * _L + j] + st[_M * _L + j]
                last = st[(_MS + _M_LAST) * _L + j]
                mean_r = st[(_MS + _M_MEAN) * _L + j]
                mean_e = st[(_MS + _M_MEANE) * _L + j]
                high_old = st[(_MS + _M_HIGH) * _L + j]
                last_high = st[(_MS + _M_LASTHIGH) * _L + j]
                depth = st[(_MS + _M_DEPTH) * _L + j]
                trough = st[(_MS + _M_TROUGH) * _L + j]
                level = st[(_MS + _M_LEVEL) * _L + j]
                peak = st[(_MS + _M_PEAK) * _L + j]
                end = st[(_MS + _M_END) * _L + j]
                ret = v / last - 1.0
                ex = ret - rf
                d = ret - mean_r
                mean = mean_r + d * inv_t
                st[(_MS + _M_MEAN) * _L + j] = mean
                st[(_MS + _M_M2) * _L + j] += d * (ret - mean)
                d = ex - mean_e
                mean = mean_e + d * inv_t
                st[(_MS + _M_MEANE) * _L + j] = mean
                st[(_MS + _M_M2E) * _L + j] += d * (ex - mean)
                dn = ex if ex < 0.0 else 0.0
                st[(_MS + _M_DOWN) * _L + j] += dn * dn
                st[(_MS + _M_LAST) * _L + j] = v
                up = v >= high_old
                high = v if up else high_old
                last_high = day if up else last_high
                st[(_MS + _M_HIGH) * _L + j] = high
                st[(_MS + _M_LASTHIGH) * _L + j] = last_high
                dd = 1.0 - v / high
                deeper = dd > depth
                back = (end < 0.0) & (depth > 0.0) & (v >= level)
                st[(_MS + _M_DEPTH) * _L + j] = dd if deeper else depth
                st[(_MS + _M_TROUGH) * _L + j] = day if deeper else trough
                st[(_MS + _M_LEVEL) * _L + j] = high if deeper else level
                st[(_MS + _M_PEAK) * _L + j] = last_high if deeper else peak
                st[(_MS + _M_END) * _L + j] = -1.0 if deeper else (day if back else end)
            if keep:
                for j in range(wb):
                    paths[0, t, b0 + j] = st[(_MS + _M_LAST) * _L + j]

        for c in range(counters.shape[0]):
            for j in range(wb):
                counters[c, b0 + j] = st[(_CNT + c) * _L + j]
        for c in range(measures.shape[0]):
            for j in range(wb):
                measures[c, b0 + j] = st[(_MS + c) * _L + j]
