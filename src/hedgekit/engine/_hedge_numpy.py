"""The general (policy) kernel in plain numpy: a loop over days, vectorised over runs.

The engine used when numba is not installed (``pip install hedgekit[fast]`` adds it) or is
disabled by ``HEDGEKIT_DISABLE_NUMBA=1``. Same signature, inputs and outputs as
:func:`hedgekit.engine._hedge_kernel.hedge_chunk`, and the same expressions in the same order
(read :mod:`hedgekit.engine._hedge_python` for the day's steps), so all kernels make the same
rounding decisions. Every run's state is an array of shape ``(w,)``; each branch of the
scalar kernel becomes a mask, and a quantity the scalar kernel leaves alone on a run is
changed here by an exact no-op (adding ``0.0``) or kept by :func:`numpy.where`.

Market arrays (and the sizing beta) are ``(n, 1)`` when shared by all runs, ``(n, K)`` when
per run (the chunk reads columns ``lo .. lo + w``); targets are ``(n, w)``, ``(1, w)`` (static),
``(n, 1)`` or ``(1, 1)``, broadcast over the runs and days.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from hedgekit._typing import BoolArray, Float64Array
from hedgekit.engine._hedge_kernel import (
    _BUF,
    _C0,
    _CASH,
    _COMM,
    _DAYS,
    _DEP,
    _F_BEFORE,
    _F_CALL,
    _F_CASH,
    _F_DEP,
    _F_FEES,
    _F_FH,
    _F_FS,
    _F_HAIR,
    _F_HE,
    _F_HT,
    _F_IM,
    _F_INT,
    _F_MARGIN,
    _F_N,
    _F_REB,
    _F_RET,
    _F_SETTLE,
    _F_SLIP,
    _F_STOCKS,
    _F_SWEEP,
    _F_TOTAL,
    _F_TRADED,
    _F_TRADES,
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
    measure_start,
)

__all__ = ["hedge_chunk_numpy"]

#: ``float`` for a market value shared by all runs, an array ``(w,)`` when per run.
_Value = Float64Array | np.float64


def _snap(x: Float64Array) -> Float64Array:
    """Counts within ``_SNAP`` (relative) of a whole number taken as that number."""
    r = np.floor(x + 0.5)
    out: Float64Array = np.where(np.abs(x - r) <= _SNAP * np.where(x < 1.0, 1.0, x), r, x)
    return out


def _size(
    h: Float64Array, beta: _Value, s: Float64Array | float, mult: float, price: _Value,
    mode: float, tol: float,
) -> Float64Array:  # fmt: skip
    """Signed contracts: ``hedge_contracts`` of :mod:`~hedgekit.engine._hedge_python`, by run."""
    bd = beta * s
    x = h * bd / (mult * price)
    if mode == 2.0:
        neg: Float64Array = -x
        return neg
    ax = _snap(np.abs(x))
    u_lo = np.floor(ax)
    u_hi = np.ceil(ax)
    if mode == 1.0:
        u = np.where((u_hi != u_lo) & (np.abs(ax - u_hi) < np.abs(ax - u_lo)), u_hi, u_lo)
    else:
        u = u_lo
    u_full = np.asarray(bd / (mult * price), dtype=np.float64)
    if u_full.shape != x.shape:  # day 0: one stock value for all runs
        u_full = np.broadcast_to(u_full, x.shape).copy()
    u_full = _snap(u_full)
    cap = np.floor(u_full)
    slack = _SNAP * np.where(u_full < 1.0, 1.0, u_full)
    guarded = (x > 0.0) & (bd > 0.0) & (u > cap) & (ax <= u_full + slack)
    over_ok = u - u_full <= tol * u_full + slack
    closer = np.abs(u - ax) / u_full < np.abs(cap - ax) / u_full
    u = np.where(guarded & ~(over_ok & closer), cap, u)
    out: Float64Array = np.where(x >= 0.0, -u, u)
    return out


def _cppi_cap(
    h: Float64Array,
    on: BoolArray,
    any_on: bool,
    mult: Float64Array,
    wealth: Float64Array,
    floor_usd: Float64Array,
    beta: _Value,
    stocks: Float64Array,
) -> Float64Array:
    r"""Cap ``h`` by :math:`\mathrm{clip}(1 - c (W - F)/(\beta S), 0, 1)` where CPPI is on."""
    if not any_on:
        return h
    cushion = 1.0 - mult * (wealth - floor_usd) / (beta * stocks)
    h_c = np.where(cushion < 0.0, 0.0, np.where(cushion > 1.0, 1.0, cushion))
    capped: Float64Array = np.where(on, np.where(h < h_c, h, h_c), h)
    return capped


def hedge_chunk_numpy(
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
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        _run(growth, rate, f_settle, f_hold, is_roll, cal, beta_path, targets, rule_param,
             cppi_mult, cppi_floor, sc, full, lo, paths, counters, keep, measures)  # fmt: skip


def _run(
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
    n = rate.shape[0]
    w = rule_param.shape[0]
    hi = lo + w
    daily_targets = targets.shape[0] > 1

    static_targets = np.broadcast_to(targets[0], (w,))  # made once: ~5 us a call

    def day_targets(t: int) -> Float64Array:
        """Day ``t``'s targets, one per run."""
        if not daily_targets:
            return static_targets
        row = targets[t]
        return row if row.shape[0] == w else np.broadcast_to(row, (w,))

    def at(arr: Float64Array, t: int) -> _Value:
        """Day ``t`` of a shared ``(n, 1)`` (a scalar) or per-run ``(n, K)`` array."""
        if arr.shape[1] > 1:
            return arr[t, lo:hi]
        value: np.float64 = arr[t, 0]
        return value

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
    tol = float(sc[_TOL])
    hold = sc[_HOLD] != 0.0
    hold_n = float(sc[_HOLDN])
    use_ratio_change = ratio_change > 0.0
    cppi_on = cppi_mult > 0.0
    any_cppi = bool(cppi_on.any())
    counters[:, :] = 0.0

    # ---- day 0
    fh0 = at(f_hold, 0)
    beta = at(beta_path, 0)
    v0 = sc[_V0]
    c0 = sc[_C0]
    floor_usd = cppi_floor * (v0 + c0)
    s = np.full(w, v0)
    h = _cppi_cap(day_targets(0).copy(), cppi_on, any_cppi, cppi_mult,
                  np.full(w, (v0 + c0) + 0.0), floor_usd, beta, s)  # fmt: skip
    n0 = np.full(w, hold_n) if hold else _size(h, beta, v0, mult, fh0, mode, tol)
    im = im_fixed + im_frac * (mult * fh0)
    deposit = buffer * im * np.abs(n0)
    traded = np.abs(n0)
    cost = traded * cpc
    if to_cash:
        c = c0 - deposit
        s = np.full(w, v0)
    else:
        c = np.full(w, c0)
        s = v0 - deposit
    m = deposit - cost
    held = n0
    h_last = h
    s_last = s
    b_last = np.broadcast_to(beta, (w,)).copy()
    he = -n0 * mult * fh0 / (beta * s)
    hedged = (n0 != 0.0).astype(np.float64)
    counters[_K_FEES] += traded * comm
    counters[_K_SLIP] += traded * slip
    counters[_K_TRADES] += hedged
    counters[_K_DEP] += deposit
    counters[_K_HE] += he
    counters[_K_HT] += h
    counters[_K_DAYSH] += hedged
    measure_start(measures, s + c + m)
    scratch = _MeasureScratch(w)
    if keep:
        paths[0 if not full else _F_TOTAL, 0] = s + c + m
    if full:
        paths[_F_STOCKS, 0] = s
        paths[_F_CASH, 0] = c
        paths[_F_MARGIN, 0] = m
        paths[_F_N, 0] = n0
        paths[_F_HT, 0] = h
        paths[_F_HE, 0] = he
        paths[_F_FS, 0] = at(f_settle, 0)
        paths[_F_FH, 0] = fh0
        paths[_F_TRADED, 0] = traded
        paths[_F_TRADES, 0] = hedged
        paths[_F_REB, 0] = 0.0
        paths[_F_FEES, 0] = traded * comm
        paths[_F_SLIP, 0] = traded * slip
        paths[_F_RET, 0] = 0.0
        paths[_F_INT, 0] = 0.0
        paths[_F_HAIR, 0] = 0.0
        paths[_F_SETTLE, 0] = 0.0
        paths[_F_DEP, 0] = deposit
        paths[_F_CALL, 0] = 0.0
        paths[_F_BEFORE, 0] = m
        paths[_F_SWEEP, 0] = 0.0
        paths[_F_IM, 0] = im * np.abs(n0)

    zeros = np.zeros(w)
    # ---- days 1 .. n-1
    for t in range(1, n):
        r_prev = rate[t - 1]
        gross_cash = 1.0 + r_prev / days
        gross_margin = 1.0 + (r_prev - haircut) / days
        g = at(growth, t)
        fs = at(f_settle, t)
        fh_prev = at(f_hold, t - 1)
        fh = at(f_hold, t)
        beta = at(beta_path, t)
        n_prev = held
        settle_per_short = -(mult * (fs - fh_prev))
        s_old = s
        s = s_old * g
        c_old = c
        c = c_old * gross_cash
        m_old = m
        interest = (c - c_old) + (m_old * gross_margin - m_old)
        hair = m_old * (haircut / days)
        settle = -n_prev * settle_per_short
        m = m_old * gross_margin + (-n_prev) * settle_per_short
        # target
        h = _cppi_cap(day_targets(t), cppi_on, any_cppi, cppi_mult, s + c + m, floor_usd, beta, s)
        target = np.full(w, hold_n) if hold else _size(h, beta, s, mult, fh, mode, tol)
        # trade
        if is_roll[t] != 0:
            traded = np.abs(n_prev) + np.abs(target)
            trades = (n_prev != 0.0).astype(np.float64) + (target != 0.0).astype(np.float64)
            reb = zeros
            new_n = target
            h_last = h
            s_last = s
            b_last = np.broadcast_to(beta, (w,)).copy()
            counters[_K_ROLLS] += n_prev != 0.0
            counters[_K_RFEES] += traded * comm
            counters[_K_RSLIP] += traded * slip
        else:
            gap = np.abs(n_prev - target)
            switch = (target == 0.0) != (n_prev == 0.0)
            fire: BoolArray | bool
            if rule == 1.0:
                threshold = rule_param * np.abs(target)
                fire = gap >= np.where(threshold > 1.0, threshold, 1.0)
            elif rule in (2.0, 3.0, 5.0):
                if rule == 2.0:
                    fire = np.abs(s / s_last - 1.0) >= rule_param
                elif rule == 3.0:
                    fire = cal[t] != 0
                else:
                    fire = np.abs(beta - b_last) >= rule_param
                if use_ratio_change:
                    fire = fire | (np.abs(h - h_last) >= ratio_change)
            else:
                fire = rule == 0.0
            move = (fire | switch) & (gap > 0.0)
            traded = np.where(move, gap, 0.0)
            trades = move.astype(np.float64)
            reb = trades
            new_n = np.where(move, target, n_prev)
            h_last = np.where(move, h, h_last)
            s_last = np.where(move, s, s_last)
            b_last = np.where(move, beta, b_last)
        cost = traded * cpc
        m = m - cost
        # fund new contracts
        im = im_fixed + im_frac * (mult * fh)
        size = np.abs(new_n)
        if deposit_on_increase:
            funded = buffer * im * size
            top_up = (size > np.abs(n_prev)) & (m < funded)
            deposit = np.where(top_up, funded - m, 0.0)
            if to_cash:
                c = c - deposit
            else:
                s = s - deposit
            m = np.where(top_up, funded, m)
        else:
            deposit = zeros
        # margin check
        before = m
        initial = im * size
        cap = sweep_mult * im * size
        low = m < maint_frac * im * size
        high = ~low & (m > cap)
        balance = np.where(low, initial, np.where(high, cap, m))
        call = np.where(low, initial - m, 0.0)
        sweep = np.where(high, m - cap, 0.0)
        if to_cash:
            c = c + (m - balance)
        else:
            s = s + (m - balance)
        m = balance
        held = new_n
        he = -new_n * mult * fh / (beta * s)
        counters[_K_FEES] += traded * comm
        counters[_K_SLIP] += traded * slip
        counters[_K_HAIR] += hair
        counters[_K_INT] += interest
        counters[_K_TRADES] += trades
        counters[_K_CALLS] += call > 0.0
        counters[_K_CALLSUM] += call
        np.copyto(counters[_K_MAXCALL], call, where=call > counters[_K_MAXCALL])
        counters[_K_HE] += he
        counters[_K_HT] += h
        counters[_K_DAYSH] += new_n != 0.0
        counters[_K_DEP] += deposit
        counters[_K_SWEEP] += sweep
        if full:
            paths[_F_STOCKS, t] = s
            paths[_F_CASH, t] = c
            paths[_F_MARGIN, t] = m
            paths[_F_TOTAL, t] = s + c + m
            paths[_F_N, t] = new_n
            paths[_F_HT, t] = h
            paths[_F_HE, t] = he
            paths[_F_FS, t] = fs
            paths[_F_FH, t] = fh
            paths[_F_TRADED, t] = traded
            paths[_F_TRADES, t] = trades
            paths[_F_REB, t] = reb
            paths[_F_FEES, t] = traded * comm
            paths[_F_SLIP, t] = traded * slip
            paths[_F_RET, t] = s_old * g - s_old
            paths[_F_INT, t] = interest
            paths[_F_HAIR, t] = hair
            paths[_F_SETTLE, t] = settle
            paths[_F_DEP, t] = deposit
            paths[_F_CALL, t] = call
            paths[_F_BEFORE, t] = before
            paths[_F_SWEEP, t] = sweep
            paths[_F_IM, t] = im * size
        elif keep:
            paths[0, t] = s + c + m
        _measure_day(measures, t, s + c + m, r_prev / days, 1.0 / t, scratch)


class _MeasureScratch:
    """Buffers :func:`_measure_day` reuses every day (no allocation per day)."""

    def __init__(self, w: int) -> None:
        self.x = np.empty((2, w))
        self.d = np.empty((2, w))
        self.tmp = np.empty((2, w))
        self.v = np.empty(w)
        self.dd = np.empty(w)
        self.mask = np.empty(w, dtype=np.bool_)
        self.up = np.empty(w, dtype=np.bool_)
        self.deeper = np.empty(w, dtype=np.bool_)
        self.back = np.empty(w, dtype=np.bool_)


def _measure_day(
    ms: Float64Array, t: int, v: Float64Array, rf: float, inv_t: float, b: _MeasureScratch
) -> None:
    """:func:`hedgekit.engine._hedge_kernel.measure_day` with fewer numpy calls, same numbers.

    The same IEEE operations in the same order on each element (read ``measure_day`` for the
    formulas and their sources), written into reused buffers (``out=``), with the return and
    the excess return side by side in one ``(2, w)`` array so that each Welford step
    (Welford 1962) is one call for both; a select becomes a masked copy, and the downside
    sum adds ``e * e`` where ``e < 0`` (adding the ``0.0`` of other days changes nothing).
    """
    x, d, tmp = b.x, b.d, b.tmp
    means = ms[_M_MEAN : _M_MEANE + 1 : 2]
    m2s = ms[_M_M2 : _M_M2E + 1 : 2]
    np.divide(v, ms[_M_LAST], out=x[0])
    x[0] -= 1.0
    np.subtract(x[0], rf, out=x[1])
    np.subtract(x, means, out=d)
    np.multiply(d, inv_t, out=tmp)
    means += tmp
    np.subtract(x, means, out=tmp)
    tmp *= d
    m2s += tmp
    np.less(x[1], 0.0, out=b.mask)
    np.multiply(x[1], x[1], out=tmp[0])
    np.add(ms[_M_DOWN], tmp[0], out=ms[_M_DOWN], where=b.mask)
    ms[_M_LAST] = v
    np.greater_equal(v, ms[_M_HIGH], out=b.up)
    np.copyto(ms[_M_HIGH], v, where=b.up)
    np.copyto(ms[_M_LASTHIGH], float(t), where=b.up)
    np.divide(v, ms[_M_HIGH], out=b.dd)
    np.subtract(1.0, b.dd, out=b.dd)
    np.greater(b.dd, ms[_M_DEPTH], out=b.deeper)
    np.less(ms[_M_END], 0.0, out=b.back)
    np.greater(ms[_M_DEPTH], 0.0, out=b.mask)
    b.back &= b.mask
    np.greater_equal(v, ms[_M_LEVEL], out=b.mask)
    b.back &= b.mask
    np.greater(b.back, b.deeper, out=b.back)  # back and not deeper
    np.copyto(ms[_M_DEPTH], b.dd, where=b.deeper)
    np.copyto(ms[_M_TROUGH], float(t), where=b.deeper)
    np.copyto(ms[_M_LEVEL], ms[_M_HIGH], where=b.deeper)
    np.copyto(ms[_M_PEAK], ms[_M_LASTHIGH], where=b.deeper)
    np.copyto(ms[_M_END], float(t), where=b.back)
    np.copyto(ms[_M_END], -1.0, where=b.deeper)
