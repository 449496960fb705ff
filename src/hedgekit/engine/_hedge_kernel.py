"""Batched general (policy) kernel: days outer, runs inner, scalar code that numba compiles.

The same day as :mod:`hedgekit.engine._hedge_python` (read that module for the steps), with
the same expressions in the same order so both make the same rounding decisions. Written as
plain loops over scalars so that :func:`numba.njit` compiles it; without numba the same
function runs as Python (correct, slow). Market arrays (and the sizing beta) come in as 2-d:
``(n, 1)`` when shared by all runs, ``(n, k)`` when per run; targets are ``(n, w)`` for the
chunk's ``w`` runs.

Outputs: ``paths[f, t, j]`` (every field of :data:`LEDGER_FIELDS` when ``full``, else only
the total value in field 0) and ``counters[c, j]`` (:data:`COUNTERS`).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from hedgekit._typing import Float64Array

__all__ = ["COUNTERS", "N_SCALARS", "hedge_chunk"]

#: Per-run totals written by the kernel, in row order.
COUNTERS = (
    "fees_usd",
    "slippage_usd",
    "roll_fees_usd",
    "roll_slippage_usd",
    "margin_interest_cost_usd",
    "interest_usd",
    "n_trades",
    "n_rolls",
    "n_margin_calls",
    "largest_margin_call_usd",
    "margin_calls_usd",
    "sum_hedge_ratio_effective",
    "days_hedged",
    "sum_hedge_ratio_target",
    "deposits_usd",
    "sweeps_usd",
)

# Scalar terms, in the order of the ``sc`` array (``_BETA`` is informative only: the kernel
# sizes with the per-day ``beta_path``, filled with the terms' beta when constant).
(_V0, _C0, _BETA, _MULT, _COMM, _SLIP, _IMF, _IMFRAC, _MAINT, _BUF, _SWEEP, _CASH, _DEP,
 _HAIR, _ROUND, _RULE, _RCHG, _DAYS, _TOL, _HOLD, _HOLDN) = range(21)  # fmt: skip
N_SCALARS = 21
#: Relative snap of a count to a whole number (``_hedge_python.SNAP_RTOL``, ``size_hedge``'s).
_SNAP = 1e-9

# Fields of the full paths (order of _hedge_python.LEDGER_FIELDS).
(_F_STOCKS, _F_CASH, _F_MARGIN, _F_TOTAL, _F_N, _F_HT, _F_HE, _F_FS, _F_FH, _F_TRADED,
 _F_TRADES, _F_REB, _F_FEES, _F_SLIP, _F_RET, _F_INT, _F_HAIR, _F_SETTLE, _F_DEP, _F_CALL,
 _F_BEFORE, _F_SWEEP, _F_IM) = range(23)  # fmt: skip

# Counters rows.
(_K_FEES, _K_SLIP, _K_RFEES, _K_RSLIP, _K_HAIR, _K_INT, _K_TRADES, _K_ROLLS, _K_CALLS,
 _K_MAXCALL, _K_CALLSUM, _K_HE, _K_DAYSH, _K_HT, _K_DEP, _K_SWEEP) = range(16)  # fmt: skip


def hedge_chunk(
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
) -> None:
    """Simulate the chunk's runs (global columns ``lo .. lo + w``) over all days."""
    n = rate.shape[0]
    w = targets.shape[1]
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
    rule = sc[_RULE]
    ratio_change = sc[_RCHG]
    tol = sc[_TOL]
    hold = sc[_HOLD] != 0.0
    hold_n = sc[_HOLDN]

    stocks = np.empty(w)
    cash = np.empty(w)
    margin = np.empty(w)
    held = np.empty(w)
    h_prev = np.empty(w)
    h_last = np.empty(w)
    s_last = np.empty(w)
    b_last = np.empty(w)
    floor_usd = np.empty(w)
    for c in range(counters.shape[0]):
        for j in range(w):
            counters[c, j] = 0.0

    # ---- day 0
    for j in range(w):
        col = lo + j
        fh0 = f_hold[0, col if fh_per_run else 0]
        beta = beta_path[0, col if b_per_run else 0]
        s0 = sc[_V0]
        c0 = sc[_C0]
        floor_usd[j] = cppi_floor[j] * (s0 + c0)
        h = targets[0, j]
        if cppi_mult[j] > 0.0:
            cushion = 1.0 - cppi_mult[j] * ((s0 + c0 + 0.0) - floor_usd[j]) / (beta * s0)
            h_c = 0.0 if cushion < 0.0 else (1.0 if cushion > 1.0 else cushion)
            h = h if h < h_c else h_c
        # size (hedge_contracts of _hedge_python, inlined for numba)
        if hold:
            n0 = hold_n
        else:
            bd = beta * s0
            x = h * bd / (mult * fh0)
            if mode == 2.0:
                n0 = -x
            else:
                ax = abs(x)
                r = np.floor(ax + 0.5)
                if abs(ax - r) <= _SNAP * (1.0 if ax < 1.0 else ax):
                    ax = r
                u_lo = np.floor(ax)
                u_hi = np.ceil(ax)
                u = u_lo
                if mode == 1.0 and u_hi != u_lo and abs(ax - u_hi) < abs(ax - u_lo):
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
        stocks[j] = s0
        cash[j] = c0
        margin[j] = m0
        held[j] = n0
        h_prev[j] = h
        h_last[j] = h
        s_last[j] = s0
        b_last[j] = beta
        he = -n0 * mult * fh0 / (beta * s0)
        counters[_K_FEES, j] += traded * comm
        counters[_K_SLIP, j] += traded * slip
        counters[_K_TRADES, j] += 1.0 if n0 != 0.0 else 0.0
        counters[_K_DEP, j] += deposit
        counters[_K_HE, j] += he
        counters[_K_HT, j] += h
        counters[_K_DAYSH, j] += 1.0 if n0 != 0.0 else 0.0
        paths[0 if not full else _F_TOTAL, 0, j] = s0 + c0 + m0
        if full:
            paths[_F_STOCKS, 0, j] = s0
            paths[_F_CASH, 0, j] = c0
            paths[_F_MARGIN, 0, j] = m0
            paths[_F_N, 0, j] = n0
            paths[_F_HT, 0, j] = h
            paths[_F_HE, 0, j] = he
            paths[_F_FS, 0, j] = f_settle[0, col if fs_per_run else 0]
            paths[_F_FH, 0, j] = fh0
            paths[_F_TRADED, 0, j] = traded
            paths[_F_TRADES, 0, j] = 1.0 if n0 != 0.0 else 0.0
            paths[_F_REB, 0, j] = 0.0
            paths[_F_FEES, 0, j] = traded * comm
            paths[_F_SLIP, 0, j] = traded * slip
            paths[_F_RET, 0, j] = 0.0
            paths[_F_INT, 0, j] = 0.0
            paths[_F_HAIR, 0, j] = 0.0
            paths[_F_SETTLE, 0, j] = 0.0
            paths[_F_DEP, 0, j] = deposit
            paths[_F_CALL, 0, j] = 0.0
            paths[_F_BEFORE, 0, j] = m0
            paths[_F_SWEEP, 0, j] = 0.0
            paths[_F_IM, 0, j] = im * abs(n0)

    # ---- days 1 .. n-1
    for t in range(1, n):
        r_prev = rate[t - 1]
        gross_cash = 1.0 + r_prev / days
        gross_margin = 1.0 + (r_prev - haircut) / days
        rolling = is_roll[t] != 0
        cal_day = cal[t] != 0
        for j in range(w):
            col = lo + j
            g = growth[t, col if g_per_run else 0]
            fs = f_settle[t, col if fs_per_run else 0]
            fh_prev = f_hold[t - 1, col if fh_per_run else 0]
            fh = f_hold[t, col if fh_per_run else 0]
            beta = beta_path[t, col if b_per_run else 0]
            n_prev = held[j]
            settle_per_short = -(mult * (fs - fh_prev))
            s_old = stocks[j]
            s = s_old * g
            c_old = cash[j]
            c = c_old * gross_cash
            m_old = margin[j]
            interest = (c - c_old) + (m_old * gross_margin - m_old)
            hair = m_old * (haircut / days)
            settle = -n_prev * settle_per_short
            m = m_old * gross_margin + (-n_prev) * settle_per_short
            # target
            h = targets[t, j]
            if cppi_mult[j] > 0.0:
                cushion = 1.0 - cppi_mult[j] * ((s + c + m) - floor_usd[j]) / (beta * s)
                h_c = 0.0 if cushion < 0.0 else (1.0 if cushion > 1.0 else cushion)
                h = h if h < h_c else h_c
            # size (hedge_contracts of _hedge_python, inlined for numba)
            if hold:
                target = hold_n
            else:
                bd = beta * s
                x = h * bd / (mult * fh)
                if mode == 2.0:
                    target = -x
                else:
                    ax = abs(x)
                    r = np.floor(ax + 0.5)
                    if abs(ax - r) <= _SNAP * (1.0 if ax < 1.0 else ax):
                        ax = r
                    u_lo = np.floor(ax)
                    u_hi = np.ceil(ax)
                    u = u_lo
                    if mode == 1.0 and u_hi != u_lo and abs(ax - u_hi) < abs(ax - u_lo):
                        u = u_hi
                    if x > 0.0 and bd > 0.0:
                        u_full = bd / (mult * fh)
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
                    target = -u if x >= 0.0 else u
            # trade
            trades = 0.0
            reb = 0.0
            if rolling:
                traded = abs(n_prev) + abs(target)
                trades = (1.0 if n_prev != 0.0 else 0.0) + (1.0 if target != 0.0 else 0.0)
                new_n = target
                h_last[j] = h
                s_last[j] = s
                b_last[j] = beta
                if n_prev != 0.0:
                    counters[_K_ROLLS, j] += 1.0
                counters[_K_RFEES, j] += traded * comm
                counters[_K_RSLIP, j] += traded * slip
            else:
                gap = abs(n_prev - target)
                switch = (target == 0.0) != (n_prev == 0.0)
                if rule == 1.0:
                    threshold = rule_param[j] * abs(target)
                    fire = gap >= (threshold if threshold > 1.0 else 1.0)
                elif rule == 2.0:
                    fire = abs(s / s_last[j] - 1.0) >= rule_param[j] or (
                        ratio_change > 0.0 and abs(h - h_last[j]) >= ratio_change
                    )
                elif rule == 3.0:
                    fire = cal_day or (ratio_change > 0.0 and abs(h - h_last[j]) >= ratio_change)
                elif rule == 5.0:
                    fire = abs(beta - b_last[j]) >= rule_param[j] or (
                        ratio_change > 0.0 and abs(h - h_last[j]) >= ratio_change
                    )
                elif rule == 0.0:
                    fire = True
                else:
                    fire = False
                if (fire or switch) and gap > 0.0:
                    traded = gap
                    trades = 1.0
                    reb = 1.0
                    new_n = target
                    h_last[j] = h
                    s_last[j] = s
                    b_last[j] = beta
                else:
                    traded = 0.0
                    new_n = n_prev
            cost = traded * cpc
            m = m - cost
            # fund new contracts
            im = im_fixed + im_frac * (mult * fh)
            size = abs(new_n)
            deposit = 0.0
            if deposit_on_increase and size > abs(n_prev):
                funded = buffer * im * size
                if m < funded:
                    deposit = funded - m
                    if to_cash:
                        c = c - deposit
                    else:
                        s = s - deposit
                    m = funded
            # margin check
            before = m
            cap = sweep_mult * im * size
            call = 0.0
            sweep = 0.0
            if m < maint_frac * im * size:
                balance = im * size
                call = balance - m
            elif m > cap:
                balance = cap
                sweep = m - balance
            else:
                balance = m
            if to_cash:
                c = c + (m - balance)
            else:
                s = s + (m - balance)
            m = balance
            stocks[j] = s
            cash[j] = c
            margin[j] = m
            held[j] = new_n
            h_prev[j] = h
            he = -new_n * mult * fh / (beta * s)
            counters[_K_FEES, j] += traded * comm
            counters[_K_SLIP, j] += traded * slip
            counters[_K_HAIR, j] += hair
            counters[_K_INT, j] += interest
            counters[_K_TRADES, j] += trades
            counters[_K_CALLS, j] += 1.0 if call > 0.0 else 0.0
            counters[_K_CALLSUM, j] += call
            if call > counters[_K_MAXCALL, j]:
                counters[_K_MAXCALL, j] = call
            counters[_K_HE, j] += he
            counters[_K_HT, j] += h
            counters[_K_DAYSH, j] += 1.0 if new_n != 0.0 else 0.0
            counters[_K_DEP, j] += deposit
            counters[_K_SWEEP, j] += sweep
            if full:
                paths[_F_STOCKS, t, j] = s
                paths[_F_CASH, t, j] = c
                paths[_F_MARGIN, t, j] = m
                paths[_F_TOTAL, t, j] = s + c + m
                paths[_F_N, t, j] = new_n
                paths[_F_HT, t, j] = h
                paths[_F_HE, t, j] = he
                paths[_F_FS, t, j] = fs
                paths[_F_FH, t, j] = fh
                paths[_F_TRADED, t, j] = traded
                paths[_F_TRADES, t, j] = trades
                paths[_F_REB, t, j] = reb
                paths[_F_FEES, t, j] = traded * comm
                paths[_F_SLIP, t, j] = traded * slip
                paths[_F_RET, t, j] = s_old * g - s_old
                paths[_F_INT, t, j] = interest
                paths[_F_HAIR, t, j] = hair
                paths[_F_SETTLE, t, j] = settle
                paths[_F_DEP, t, j] = deposit
                paths[_F_CALL, t, j] = call
                paths[_F_BEFORE, t, j] = before
                paths[_F_SWEEP, t, j] = sweep
                paths[_F_IM, t, j] = im * size
            else:
                paths[0, t, j] = s + c + m
