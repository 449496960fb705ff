"""Batched general (policy) kernel: days outer, runs inner, scalar code that numba compiles.

The same day as :mod:`hedgekit.engine._hedge_python` (read that module for the steps), with
the same expressions in the same order so both make the same rounding decisions. Written as
plain loops over scalars so that :func:`numba.njit` compiles it; without numba the same
function runs as Python (correct, slow). Market arrays (and the sizing beta) come in as 2-d:
``(n, 1)`` when shared by all runs, ``(n, k)`` when per run; targets are ``(n, w)`` for the
chunk's ``w`` runs, ``(1, w)`` when each run's target is the same every day (static), ``(n, 1)``
when all runs share one target per day, or ``(1, 1)``: a static target is read once per run
instead of once per run-day, and no ``(n, w)`` copy of it is made.

Outputs: ``paths[f, t, j]`` (every field of :data:`LEDGER_FIELDS` when ``full``, else only
the total value in field 0, and nothing when ``keep`` is false), ``counters[c, j]``
(:data:`COUNTERS`) and ``measures[c, j]`` (:data:`MEASURES`): the measures of each run's
total value path computed online, day by day, so that a batch needs no ``(n, w)`` value
path for them (see :func:`measure_day` for the order of operations, which every engine
follows).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from hedgekit._typing import Float64Array

__all__ = ["COUNTERS", "MEASURES", "N_SCALARS", "hedge_chunk"]

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

#: Online measures of the total value path ``W_t``, in row order (days are 0-based indices;
#: ``max_drawdown_end`` is -1 when the path never gets back to the peak's level).
MEASURES = (
    "final_value_usd",
    "running_high_usd",
    "max_drawdown",
    "max_drawdown_peak",
    "max_drawdown_trough",
    "max_drawdown_end",
    "max_drawdown_level_usd",
    "last_high_day",
    "mean_return",
    "m2_return",
    "mean_excess_return",
    "m2_excess_return",
    "downside_sum_sq",
)
(_M_LAST, _M_HIGH, _M_DEPTH, _M_PEAK, _M_TROUGH, _M_END, _M_LEVEL, _M_LASTHIGH, _M_MEAN,
 _M_M2, _M_MEANE, _M_M2E, _M_DOWN) = range(13)  # fmt: skip

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
    keep: bool,
    measures: Float64Array,
) -> None:
    """Simulate the chunk's runs (global columns ``lo .. lo + w``) over all days."""
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
        h = targets[0, j if t_per_run else 0]
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
        v0 = s0 + c0 + m0
        measures[_M_LAST, j] = v0
        measures[_M_HIGH, j] = v0
        measures[_M_DEPTH, j] = 0.0
        measures[_M_PEAK, j] = 0.0
        measures[_M_TROUGH, j] = 0.0
        measures[_M_END, j] = -1.0
        measures[_M_LEVEL, j] = v0
        measures[_M_LASTHIGH, j] = 0.0
        measures[_M_MEAN, j] = 0.0
        measures[_M_M2, j] = 0.0
        measures[_M_MEANE, j] = 0.0
        measures[_M_M2E, j] = 0.0
        measures[_M_DOWN, j] = 0.0
        if keep:
            paths[0 if not full else _F_TOTAL, 0, j] = v0
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
        rf = r_prev / days
        inv_t = 1.0 / t
        t_row = t if t_daily else 0
        day = float(t)
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
            h = targets[t_row, j if t_per_run else 0]
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
            # online measures of W_t (measure_day, written out for numba)
            v = s + c + m
            ret = v / measures[_M_LAST, j] - 1.0
            ex = ret - rf
            d = ret - measures[_M_MEAN, j]
            mean = measures[_M_MEAN, j] + d * inv_t
            measures[_M_MEAN, j] = mean
            measures[_M_M2, j] += d * (ret - mean)
            d = ex - measures[_M_MEANE, j]
            mean = measures[_M_MEANE, j] + d * inv_t
            measures[_M_MEANE, j] = mean
            measures[_M_M2E, j] += d * (ex - mean)
            dn = ex if ex < 0.0 else 0.0
            measures[_M_DOWN, j] += dn * dn
            measures[_M_LAST, j] = v
            high = measures[_M_HIGH, j]
            if v >= high:
                high = v
                measures[_M_HIGH, j] = v
                measures[_M_LASTHIGH, j] = day
            dd = 1.0 - v / high
            if dd > measures[_M_DEPTH, j]:
                measures[_M_DEPTH, j] = dd
                measures[_M_TROUGH, j] = day
                measures[_M_LEVEL, j] = high
                measures[_M_PEAK, j] = measures[_M_LASTHIGH, j]
                measures[_M_END, j] = -1.0
            elif (measures[_M_END, j] < 0.0 and measures[_M_DEPTH, j] > 0.0
                  and v >= measures[_M_LEVEL, j]):  # fmt: skip
                measures[_M_END, j] = day
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
            elif keep:
                paths[0, t, j] = v


def measure_day(ms: Float64Array, t: int, v: Float64Array, rf: float, inv_t: float) -> None:
    r"""Advance the online measures ``ms`` (rows :data:`MEASURES`) by day ``t >= 1``'s ``W_t``.

    Runs are the columns. The compiled kernel writes out the same operations in the same
    order for one run; the numpy engine and the readable oracle's batch call this.

    * Return :math:`r_t = W_t / W_{t-1} - 1` and excess return :math:`e_t = r_t - r^f_t`
      with :math:`r^f_t = r_{t-1}/252` (the metrics' ``daily_returns`` and
      ``risk_free_daily``).
    * Welford's online mean and sum of squared deviations for :math:`r` and :math:`e`
      (Welford 1962; Knuth, TAOCP vol. 2, 4.2.2): :math:`\delta = x - \bar x`,
      :math:`\bar x \mathrel{+}= \delta / t`, :math:`M_2 \mathrel{+}= \delta (x - \bar x)`,
      so the sample variance is :math:`M_2 / (t - 1)` after ``t`` returns.
    * Sortino's downside sum :math:`\sum \min(e_t, 0)^2` (Sortino & Price 1994).
    * The drawdown :math:`1 - W_t / H_t` against the running high :math:`H_t`, the same
      division as the path measure, so the depth and its dates equal
      :func:`hedgekit.metrics.max_drawdown`'s: the trough is the first day of the deepest
      drawdown, the peak the last day at or before it on which :math:`W` set the high, the
      end the first day after it back at the peak's level (-1 if none).
    """
    ret = v / ms[_M_LAST] - 1.0
    ex = ret - rf
    d = ret - ms[_M_MEAN]
    mean = ms[_M_MEAN] + d * inv_t
    ms[_M_MEAN] = mean
    ms[_M_M2] += d * (ret - mean)
    d = ex - ms[_M_MEANE]
    mean = ms[_M_MEANE] + d * inv_t
    ms[_M_MEANE] = mean
    ms[_M_M2E] += d * (ex - mean)
    dn = np.where(ex < 0.0, ex, 0.0)
    ms[_M_DOWN] += dn * dn
    ms[_M_LAST] = v
    up = v >= ms[_M_HIGH]
    ms[_M_HIGH] = np.where(up, v, ms[_M_HIGH])
    ms[_M_LASTHIGH] = np.where(up, float(t), ms[_M_LASTHIGH])
    high = ms[_M_HIGH]
    dd = 1.0 - v / high
    deeper = dd > ms[_M_DEPTH]
    back = ~deeper & (ms[_M_END] < 0.0) & (ms[_M_DEPTH] > 0.0) & (v >= ms[_M_LEVEL])
    ms[_M_DEPTH] = np.where(deeper, dd, ms[_M_DEPTH])
    ms[_M_TROUGH] = np.where(deeper, float(t), ms[_M_TROUGH])
    ms[_M_LEVEL] = np.where(deeper, high, ms[_M_LEVEL])
    ms[_M_PEAK] = np.where(deeper, ms[_M_LASTHIGH], ms[_M_PEAK])
    ms[_M_END] = np.where(deeper, -1.0, np.where(back, float(t), ms[_M_END]))


def measure_start(ms: Float64Array, v0: Float64Array) -> None:
    """Start the online measures ``ms`` (rows :data:`MEASURES`) at day 0's ``W_0``."""
    ms[:] = 0.0
    ms[_M_LAST] = v0
    ms[_M_HIGH] = v0
    ms[_M_LEVEL] = v0
    ms[_M_END] = -1.0
