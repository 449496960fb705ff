r"""Hedged and unhedged accounts over many simulated paths at once (numpy, vectorised over paths).

Each path has its own index levels and rates; the contract calendar (which contract is held,
the roll days) is common to all paths. A day ``t >= 1`` follows the engine's order
(:mod:`hedgekit.engine`, bench-spec pinned detail 4):

1. stocks earn :math:`\beta (S_t/S_{t-1} - 1) + q/252`;
2. the margin account (and the cash account) earn :math:`r_{t-1}/252` on yesterday's
   balance; the margin account takes the settlement
   :math:`-N_{t-1} m (F^{settle}_t - F^{hold}_{t-1})` of the short position;
3. trades: on a roll day the old contract is closed and
   :math:`N^*_t = \lfloor h \beta V_t / (m F^{hold}_t) \rfloor` of the next opened
   (``round_nearest``: :math:`\lfloor h \beta V_t / (m F^{hold}_t) + 1/2 \rfloor`, the
   nearest whole contract as :func:`hedgekit.sizing.size_hedge` rounds); otherwise the
   position moves to :math:`N^*_t` when :math:`|N - N^*_t| \ge \max(1, b N^*_t)`, or is held
   until the next roll (``hold_between_rolls``);
4. costs (contracts traded × cost per contract) are paid from the margin account;
5. margin check on the post-trade position: below maintenance × N the account is topped up to
   initial × N (a margin call); with a sweep level, the excess above it is taken out. The money
   comes from (goes to) the stocks (``call_source="stock"``, the engine's rule) or a cash
   account (``"cash"``: the stocks are never sold to meet a call; the cash account earns or
   pays the T-bill rate and may go negative, i.e. borrowing).

Futures are priced at carry fair value :math:`F = S e^{(r-q)\tau}` (Hull, 11th ed., §5.4),
with ``τ`` in calendar days / 365 to the held contract's last trading day.

Day 0: :math:`N_0 = \lfloor h \beta V_0 / (m F_0) \rfloor`, or the given
``contracts_start`` (a position held, or sized by the plan's engine); the margin account receives
:math:`B \cdot IM \cdot N_0` (``B`` = buffer multiple) from the stocks (``"stock"``) or from a
cash reserve set aside beside the stocks (``"cash"``), and pays the opening costs.

Required buffer (``"cash"`` without sweep). With the stocks untouched by margin flows, the
position :math:`N_t` does not depend on the buffer, and before the first call the margin
balance is linear in the deposit: :math:`M_t = B\,IM\,N_0\,G_t + X_t`, with :math:`G_t` the
interest growth since day 0 and :math:`X_t` the balance of an account that started at zero.
No call ever happens iff :math:`B \ge B^* = \max_{t \ge 1} (mm\,N_t - X_t)/(G_t\,IM\,N_0)`
(``mm`` = maintenance per contract), so :math:`P(\text{call} \mid B) = P(B^* > B)` exactly.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from hedgekit._constants import TRADING_DAYS_PER_YEAR
from hedgekit._typing import BoolArray, Float64Array

__all__ = ["KernelTerms", "StressDays", "StressOutput", "simulate_stress_numpy"]


class StressDays(NamedTuple):
    """The contract calendar shared by all paths, ``n_days + 1`` entries (day 0 first)."""

    tau_settle_years: Float64Array
    tau_hold_years: Float64Array
    is_roll: BoolArray


class KernelTerms(NamedTuple):
    """Account terms as the kernel uses them.

    ``contracts_start``: contracts short at day 0 (``None``: the floor of the target);
    ``hold_between_rolls``: trade only on roll days; ``round_nearest``: targets rounded to
    the nearest whole contract instead of down.
    """

    value_usd: float
    beta: float
    h_beta: float
    band: float
    dividend_yield: float
    multiplier_usd: float
    cost_per_contract_usd: float
    initial_margin_usd: float
    maintenance_margin_usd: float
    deposit_multiple: float
    sweep_multiple: float | None
    calls_from_stock: bool
    contracts_start: float | None = None
    hold_between_rolls: bool = False
    round_nearest: bool = False


def start_contracts(terms: KernelTerms, notional0: float) -> float:
    """Contracts short at day 0: ``terms.contracts_start`` or ``floor(h beta V0 / (m F0))``.

    ``notional0`` is one contract's value at day 0, ``m F_0``.
    """
    if terms.contracts_start is not None:
        return float(terms.contracts_start)
    return float(math.floor(terms.h_beta * terms.value_usd / notional0))


class StressOutput(NamedTuple):
    """Per-path results of one chunk (arrays of shape ``(k,)`` unless stated)."""

    final_hedged_usd: Float64Array
    final_unhedged_usd: Float64Array
    max_drawdown_hedged: Float64Array
    max_drawdown_unhedged: Float64Array
    n_margin_calls: Float64Array
    largest_margin_call_usd: Float64Array
    margin_calls_usd: Float64Array
    trading_costs_usd: Float64Array
    n_trades: Float64Array
    contracts_start: Float64Array
    required_buffer_multiple: Float64Array
    fan_hedged_usd: Float64Array
    fan_unhedged_usd: Float64Array


def market_arrays(
    levels: Float64Array, rates: Float64Array, days: StressDays, dividend_yield: float
) -> tuple[Float64Array, Float64Array]:
    r"""Fair-value futures prices (settle, hold), days-major ``(n_days + 1, k)``.

    ``levels`` and ``rates`` are days-major too. :math:`F = S e^{(r-q)\tau}` with the
    expression order of :meth:`hedgekit.engine.MarketPath.from_fair_value`.
    """
    carry = rates - dividend_yield
    settle = levels * np.exp(carry * days.tau_settle_years[:, None])
    hold = settle.copy()
    roll = np.flatnonzero(days.is_roll)
    if roll.size:
        hold[roll] = levels[roll] * np.exp(carry[roll] * days.tau_hold_years[roll, None])
    return settle, hold


def simulate_stress_numpy(
    levels: Float64Array,
    rates: Float64Array,
    days: StressDays,
    terms: KernelTerms,
    *,
    fan_paths: int = 0,
) -> StressOutput:
    """Simulate ``k`` paths side by side.

    Parameters
    ----------
    levels
        Index levels, days-major, shape ``(n_days + 1, k)`` (row 0 = the start).
    rates
        Rates (continuous, per year), same shape; row ``t`` is the rate at close ``t``.
    days
        Contract calendar.
    terms
        Account terms.
    fan_paths
        Keep the daily hedged and unhedged values of the first ``fan_paths`` paths.

    Returns
    -------
    StressOutput
    """
    n = levels.shape[0]
    k = levels.shape[1]
    f_settle, f_hold = market_arrays(levels, rates, days, terms.dividend_yield)
    growth = np.ones_like(levels)
    growth[1:] = (
        1.0
        + terms.beta * (levels[1:] / levels[:-1] - 1.0)
        + (terms.dividend_yield / TRADING_DAYS_PER_YEAR)
    )
    interest = np.ones_like(levels)
    interest[1:] = 1.0 + rates[:-1] / TRADING_DAYS_PER_YEAR
    settle = np.zeros_like(levels)
    settle[1:] = -(terms.multiplier_usd * (f_settle[1:] - f_hold[:-1]))
    notional = terms.multiplier_usd * f_hold
    del f_settle, f_hold
    is_roll = days.is_roll.tolist()

    cpc = terms.cost_per_contract_usd
    im = terms.initial_margin_usd
    mm = terms.maintenance_margin_usd
    h_beta = terms.h_beta
    band = terms.band
    v0 = terms.value_usd

    held = (
        np.floor(h_beta * v0 / notional[0])
        if terms.contracts_start is None
        else np.full(k, float(terms.contracts_start))
    )
    n0 = held.copy()
    nearest = terms.round_nearest
    hold = terms.hold_between_rolls
    deposit = terms.deposit_multiple * im * held
    v = np.full(k, v0) - deposit if terms.calls_from_stock else np.full(k, v0)
    reserve = np.zeros(k) if terms.calls_from_stock else deposit.copy()
    m = deposit - held * cpc
    c = np.zeros(k)
    vu = np.full(k, v0)
    growth_cash = np.ones(k)
    shadow = -(held * cpc)
    base = im * held
    cost = held * cpc
    trades = (held > 0).astype(np.float64)
    calls = np.zeros(k)
    largest = np.zeros(k)
    total_calls = np.zeros(k)
    b_req = np.full(k, -np.inf)
    w = v + m + c
    u = vu + reserve
    peak = w.copy()
    peak_u = u.copy()
    dd = np.zeros(k)
    dd_u = np.zeros(k)
    keep = min(max(fan_paths, 0), k)
    fan_w = np.empty((keep, n))
    fan_u = np.empty((keep, n))
    fan_w[:, 0] = w[:keep]
    fan_u[:, 0] = u[:keep]

    target = np.empty(k)
    traded = np.empty(k)
    tmp = np.empty(k)
    mask = np.empty(k, dtype=np.bool_)
    call = np.empty(k, dtype=np.bool_)
    no_sweep = terms.sweep_multiple is None
    sweep_level = 0.0 if terms.sweep_multiple is None else terms.sweep_multiple * im
    for t in range(1, n):
        g = growth[t]
        gi = interest[t]
        v *= g
        vu *= g
        m *= gi
        np.multiply(held, settle[t], out=tmp)
        m += tmp
        shadow *= gi
        shadow += tmp
        c *= gi
        growth_cash *= gi
        np.multiply(h_beta, v, out=target)
        np.divide(target, notional[t], out=target)
        if nearest:
            target += 0.5
        np.floor(target, out=target)
        if is_roll[t]:
            np.add(held, target, out=traded)
            trades += held > 0
            trades += target > 0
            held[:] = target
        elif hold:
            traded.fill(0.0)
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
        shadow -= traded
        # margin check: call -> IM*N; sweep -> sweep*IM*N; the difference moves to/from v or c
        np.multiply(held, mm, out=tmp)
        np.less(m, tmp, out=call)
        # required deposit multiple of a no-call path (meaningful for "cash" without sweep)
        np.subtract(tmp, shadow, out=target)
        np.divide(target, growth_cash, out=target)
        np.maximum(b_req, target, out=b_req)
        calls += call
        if no_sweep:
            tmp[:] = m
        else:
            np.multiply(held, sweep_level, out=tmp)
            np.minimum(m, tmp, out=tmp)
        np.multiply(held, im, out=traded)
        np.copyto(tmp, traded, where=call)
        np.subtract(m, tmp, out=traded)
        if terms.calls_from_stock:
            v += traded
        else:
            c += traded
        m[:] = tmp
        # a call's size is the money moved in (traded < 0 on call days)
        np.negative(traded, out=tmp)
        tmp[~call] = 0.0
        total_calls += tmp
        np.maximum(largest, tmp, out=largest)
        # values and drawdowns
        np.add(v, m, out=w)
        w += c
        np.multiply(reserve, growth_cash, out=u)
        u += vu
        np.maximum(peak, w, out=peak)
        np.maximum(peak_u, u, out=peak_u)
        np.divide(w, peak, out=tmp)
        np.subtract(1.0, tmp, out=tmp)
        np.maximum(dd, tmp, out=dd)
        np.divide(u, peak_u, out=tmp)
        np.subtract(1.0, tmp, out=tmp)
        np.maximum(dd_u, tmp, out=dd_u)
        if keep:
            fan_w[:, t] = w[:keep]
            fan_u[:, t] = u[:keep]

    # B* = max_t (mm N_t - X_t) / (G_t IM N_0): divide by IM N_0 at the end.
    with np.errstate(divide="ignore", invalid="ignore"):
        required = np.where(base > 0, b_req / base, np.where(b_req > 0, np.inf, -np.inf))
    return StressOutput(
        final_hedged_usd=w.copy(),
        final_unhedged_usd=u.copy(),
        max_drawdown_hedged=dd,
        max_drawdown_unhedged=dd_u,
        n_margin_calls=calls,
        largest_margin_call_usd=largest,
        margin_calls_usd=total_calls,
        trading_costs_usd=cost,
        n_trades=trades,
        contracts_start=n0,
        required_buffer_multiple=required,
        fan_hedged_usd=fan_w,
        fan_unhedged_usd=fan_u,
    )
