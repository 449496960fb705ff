"""Readable one-run simulation of the general (policy) day: the oracle and the full ledger.

Plain Python floats, one run, one day at a time, every quantity kept. The batched kernel
(:mod:`hedgekit.engine._hedge_kernel`) evaluates the same expressions in the same order, so
the two agree on every rounding decision; tests compare them on random inputs.

Day 0: the target ``N_0`` is opened at ``Fhold_0``; ``buffer × IM_0 × |N_0|`` moves from the
call source (stock or cash) into the margin account; the opening costs are charged to it.

Each close ``t >= 1``, in order:

1. stocks grow by ``g_t``; cash earns ``r_{t-1}/252``; the margin account earns
   ``(r_{t-1} − haircut)/252`` on yesterday's balance and is credited the settlement
   ``N_{t-1} · m · (Fsettle_t − Fhold_{t-1})`` (``N`` signed, negative = short);
2. the target ratio ``h_t`` (the policy's, capped by the CPPI ratio
   ``clip(1 − c (W − floor)/(β_t S), 0, 1)`` when CPPI is on, ``W = S + cash + margin``) gives
   ``N*_t = −round(h_t β_t S_t / (m Fhold_t))``, with ``β_t`` the paths' beta of the day
   (:attr:`PathSet.beta`) or the terms' constant beta;
3. trade: on a roll day close ``N_{t-1}`` at ``Fsettle_t`` and open ``N*_t`` at ``Fhold_t``;
   otherwise move to ``N*_t`` if the rebalance rule fires or the hedge is switched on/off
   (the ``"beta"`` rule fires when ``|β_t − β_last| >= parameter``, ``β_last`` the beta of
   the last trade, roll or opening);
4. commission and slippage (per contract per side) are charged to the margin account;
5. if ``|N|`` grew (and ``deposit_on_increase``), the account is topped up to
   ``buffer × IM_t × |N_t|``;
6. margin check on the post-trade position: below ``maintenance × IM_t × |N_t|`` a margin
   call restores ``IM_t × |N_t|`` (Hull 11e §2.4, CME); above ``sweep × IM_t × |N_t|`` the
   excess goes back to the call source.

With ``IM_t = IM_fixed + fraction × m × Fhold_t``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from hedgekit._constants import TRADING_DAYS_PER_YEAR
from hedgekit._typing import BoolArray, Float64Array
from hedgekit.engine._hedge_inputs import HedgeTerms, PathSet
from hedgekit.errors import InputError

__all__ = ["DayState", "HedgeLedger", "simulate_hedge_ledger"]


class DayState(NamedTuple):
    """A run's state at a close before the trade, passed to a ``decide`` callback."""

    day: int
    stocks_usd: float
    cash_usd: float
    margin_account_usd: float
    contracts: float
    hedge_ratio_previous: float


LEDGER_FIELDS = (
    "stocks_usd",
    "cash_usd",
    "margin_account_usd",
    "total_value_usd",
    "contracts",
    "hedge_ratio_target",
    "hedge_ratio_effective",
    "futures_price_settle",
    "futures_price",
    "traded_contracts",
    "trades",
    "rebalanced",
    "fees_usd",
    "slippage_usd",
    "stock_return_usd",
    "interest_usd",
    "margin_interest_cost_usd",
    "settlement_usd",
    "deposit_usd",
    "margin_call_usd",
    "balance_before_call_usd",
    "sweep_usd",
    "initial_margin_usd",
)


@dataclass(frozen=True, slots=True)
class HedgeLedger:
    """Day-by-day ledger of one run of the general day (arrays of shape ``(n,)``).

    Attributes
    ----------
    stocks_usd, cash_usd, margin_account_usd, total_value_usd
        Balances at the close after everything (``total = stocks + cash + margin``).
    contracts
        Position after the day's trades, signed (negative = short).
    hedge_ratio_target
        Target ratio used that day (after any CPPI cap).
    hedge_ratio_effective
        ``−N m Fhold / (β S)``: the ratio the whole contracts actually give.
    futures_price_settle, futures_price
        Price of the contract carried in (its settlement) and of the contract held after.
    traded_contracts
        Contracts bought plus sold that day (both legs of a roll).
    trades
        Trades that day (a rebalance counts 1, each non-empty roll leg 1).
    rebalanced
        ``True`` when the rule (or a switch) moved the position on a non-roll day.
    fees_usd, slippage_usd
        Commission and slippage paid that day.
    stock_return_usd
        The stock portfolio's return in dollars.
    interest_usd
        Interest credited to cash and to the margin account.
    margin_interest_cost_usd
        Interest forgone by the margin account against the risk-free rate (the haircut).
    settlement_usd
        The day's futures settlement (variation margin) credited to the margin account.
    deposit_usd
        Money moved into the margin account to fund new contracts (day 0: the opening).
    margin_call_usd
        Margin-call deposit that day (0 when none).
    balance_before_call_usd
        Margin balance at the check (after settlement, costs and any opening deposit).
    sweep_usd
        Excess returned from the margin account to the call source.
    initial_margin_usd
        Initial requirement ``IM_t × |N_t|`` after the day's trades.
    is_roll
        Roll flags of the path.
    initial_value_usd, initial_cash_usd
        Start values.
    """

    stocks_usd: Float64Array
    cash_usd: Float64Array
    margin_account_usd: Float64Array
    total_value_usd: Float64Array
    contracts: Float64Array
    hedge_ratio_target: Float64Array
    hedge_ratio_effective: Float64Array
    futures_price_settle: Float64Array
    futures_price: Float64Array
    traded_contracts: Float64Array
    trades: Float64Array
    rebalanced: BoolArray
    fees_usd: Float64Array
    slippage_usd: Float64Array
    stock_return_usd: Float64Array
    interest_usd: Float64Array
    margin_interest_cost_usd: Float64Array
    settlement_usd: Float64Array
    deposit_usd: Float64Array
    margin_call_usd: Float64Array
    balance_before_call_usd: Float64Array
    sweep_usd: Float64Array
    initial_margin_usd: Float64Array
    is_roll: BoolArray
    initial_value_usd: float
    initial_cash_usd: float

    def to_frame(self, dates: Any = None) -> pd.DataFrame:
        """The ledger as a DataFrame (one row per day, indexed by ``dates`` when given)."""
        data = {name: getattr(self, name) for name in LEDGER_FIELDS}
        data["is_roll"] = self.is_roll
        index = None if dates is None else pd.DatetimeIndex(dates, name="date")
        return pd.DataFrame(data, index=index)


def round_contracts(x: float, mode: int) -> float:
    """Whole contracts toward zero (0), half away from zero (1), or fractional (2)."""
    if mode == 0:
        return float(math.floor(x) if x >= 0.0 else math.ceil(x))
    if mode == 1:
        return float(math.floor(x + 0.5) if x >= 0.0 else -math.floor(-x + 0.5))
    return x


#: A count within this relative distance of a whole number is that number (as in
#: :func:`hedgekit.sizing.size_hedge`: float noise such as 30.000000000000004 contracts).
SNAP_RTOL = 1e-9


def _snap(x: float) -> float:
    r = math.floor(x + 0.5)
    return float(r) if abs(x - r) <= SNAP_RTOL * (1.0 if x < 1.0 else x) else x


def hedge_contracts(
    h: float, beta: float, stocks: float, mult: float, price: float, mode: int, tol: float
) -> float:
    r"""Signed contracts (negative = short) for hedge ratio ``h``: the plan's rule, one contract.

    The exact count is :math:`x = h\,(\beta S)/(m F)` (Hull 11e §3.5, :math:`V_F = mF` as in
    §3.4), short when positive. Fractional (mode 2) it is held as is. Whole contracts (mode
    0: down, 1: nearest, a tie to the fewer contracts) are counted on the snapped magnitude,
    and a short count past a full hedge :math:`u_{full} = \beta S/(mF)` is weighed by the
    net-short guard of :func:`hedgekit.sizing.size_hedge` (its ``_weigh_net_short``): the
    over-hedge is kept only if :math:`u - u_{full} \le t\,u_{full}` and it is strictly closer
    to the exact count than the largest count at or below the full hedge, which is taken
    otherwise. A target itself past 100 % (``h > 1``) is not guarded: the tolerance is for
    rounding only. The same expressions in the same order as ``size_hedge`` with no Micro, so
    both give the same count.
    """
    bd = beta * stocks
    x = h * bd / (mult * price)
    if mode == 2:
        return -x
    ax = _snap(abs(x))
    lo = math.floor(ax)
    hi = math.ceil(ax)
    u = float(hi) if mode == 1 and hi != lo and abs(ax - hi) < abs(ax - lo) else float(lo)
    if x > 0.0 and bd > 0.0:
        full = _snap(bd / (mult * price))
        cap = float(math.floor(full))
        slack = SNAP_RTOL * (1.0 if full < 1.0 else full)
        if u > cap and ax <= full + slack:
            over_ok = u - full <= tol * full + slack
            closer = abs(u - ax) / full < abs(cap - ax) / full
            if not (over_ok and closer):
                u = cap
    return -u if x >= 0.0 else u


def column(arr: Float64Array, run: int) -> list[float]:
    """Column ``run`` of a shared ``(n,)`` or per-run ``(n, k)`` array, as Python floats."""
    out: list[float] = (arr if arr.ndim == 1 else arr[:, run]).tolist()
    return out


def simulate_hedge_ledger(
    paths: PathSet,
    targets: Float64Array,
    terms: HedgeTerms,
    *,
    rule_parameter: float = 0.0,
    calendar_days: BoolArray | None = None,
    cppi: tuple[float, float] | None = None,
    decide: Callable[[DayState], float] | None = None,
    run: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> HedgeLedger:
    """Simulate one run day by day and keep its full ledger.

    Parameters
    ----------
    paths
        Daily paths; with per-run arrays, column ``run`` is used.
    targets
        The policy's target hedge ratio per day, shape ``(n,)``.
    terms
        Account, margin, cost and rebalance terms.
    rule_parameter
        The rebalance rule's number (band fraction for ``"band"``, value change for
        ``"value"``, beta change for ``"beta"``).
    calendar_days
        Days a ``"calendar"`` rule fires, shape ``(n,)``.
    cppi
        ``(multiplier, floor_fraction)`` to cap the target by the CPPI ratio, or None.
    decide
        Optional callback giving the target from the run's state each day (overrides
        ``targets``; see :class:`hedgekit.policies.StatefulPolicy`).
    run
        Column of per-run paths.
    progress
        ``progress(days_done, n)`` every 256 days and at the end.

    Returns
    -------
    HedgeLedger
    """
    n = paths.n_days
    h_arr = np.asarray(targets, dtype=np.float64)
    if h_arr.shape != (n,):
        raise InputError("one target per day", source="targets", value=h_arr.shape,
                         expected=f"({n},)")  # fmt: skip
    growth = column(paths.portfolio_growth, run)
    rate = paths.rate_annual.tolist()
    f_settle = column(paths.futures_price_settle, run)
    f_hold = column(paths.futures_price_hold, run)
    is_roll = paths.is_roll.tolist()
    cal = [False] * n if calendar_days is None else np.asarray(calendar_days, bool).tolist()
    target_list = h_arr.tolist()

    days = TRADING_DAYS_PER_YEAR
    betas = [terms.beta] * n if paths.beta is None else column(paths.beta, run)
    mult = terms.multiplier_usd
    commission = terms.commission_per_contract_usd
    slip = terms.slippage_per_contract_usd
    cpc = terms.cost_per_contract_usd
    im_fixed = terms.initial_margin_per_contract_usd
    im_frac = terms.initial_margin_fraction
    maint_frac = terms.maintenance_fraction
    buffer = terms.buffer_multiple
    sweep_mult = terms.sweep_multiple
    to_cash = terms.call_source == "cash"
    haircut = terms.margin_rate_haircut_annual
    mode = {"down": 0, "nearest": 1, "none": 2}[terms.rounding]
    rule = terms.rule
    ratio_change = terms.ratio_change
    b = float(rule_parameter)

    rec: dict[str, list[float]] = {name: [0.0] * n for name in LEDGER_FIELDS}
    rebalanced = [False] * n

    tol = terms.net_short_tolerance
    hold = terms.hold_contracts

    def contracts_for(h: float, beta: float, stocks: float, price: float) -> float:
        if hold is not None:
            return hold
        return hedge_contracts(h, beta, stocks, mult, price, mode, tol)

    def margin_per_contract(t: int) -> float:
        return im_fixed + im_frac * (mult * f_hold[t])

    def target_ratio(t: int, stocks: float, cash: float, margin: float, held: float,
                     h_prev: float) -> float:  # fmt: skip
        if decide is not None:
            h = float(decide(DayState(t, stocks, cash, margin, held, h_prev)))
            if not math.isfinite(h):
                raise InputError("a stateful policy gave a non-finite target", source="decide",
                                 row=t, value=h)  # fmt: skip
        else:
            h = target_list[t]
        if cppi is not None:
            w = stocks + cash + margin
            cushion = 1.0 - cppi[0] * (w - floor_usd) / (betas[t] * stocks)
            h_cppi = 0.0 if cushion < 0.0 else (1.0 if cushion > 1.0 else cushion)
            h = h if h < h_cppi else h_cppi
        return h

    # ---- day 0: open, fund the margin account, charge the opening costs
    stocks = terms.initial_value_usd
    cash = terms.initial_cash_usd
    margin = 0.0
    floor_usd = 0.0 if cppi is None else cppi[1] * (stocks + cash)
    h = target_ratio(0, stocks, cash, margin, 0.0, math.nan)
    held = contracts_for(h, betas[0], stocks, f_hold[0])
    im = margin_per_contract(0)
    deposit = buffer * im * abs(held)
    traded = abs(held)
    cost = traded * cpc
    if to_cash:
        cash = cash - deposit
    else:
        stocks = stocks - deposit
    margin = deposit - cost
    rec["deposit_usd"][0] = deposit
    rec["traded_contracts"][0] = traded
    rec["trades"][0] = float(held != 0.0)
    rec["fees_usd"][0] = traded * commission
    rec["slippage_usd"][0] = traded * slip
    rec["balance_before_call_usd"][0] = margin
    h_last, stocks_last, beta_last = h, stocks, betas[0]

    def store(t: int) -> None:
        rec["stocks_usd"][t] = stocks
        rec["cash_usd"][t] = cash
        rec["margin_account_usd"][t] = margin
        rec["total_value_usd"][t] = stocks + cash + margin
        rec["contracts"][t] = held
        rec["hedge_ratio_target"][t] = h
        rec["hedge_ratio_effective"][t] = -held * mult * f_hold[t] / (betas[t] * stocks)
        rec["futures_price_settle"][t] = f_settle[t]
        rec["futures_price"][t] = f_hold[t]
        rec["initial_margin_usd"][t] = im * abs(held)

    store(0)
    for t in range(1, n):
        # 1. returns, interest, settlement of the contract carried in
        gross_cash = 1.0 + rate[t - 1] / days
        gross_margin = 1.0 + (rate[t - 1] - haircut) / days
        settle_per_short = -(mult * (f_settle[t] - f_hold[t - 1]))
        new_stocks = stocks * growth[t]
        rec["stock_return_usd"][t] = new_stocks - stocks
        stocks = new_stocks
        new_cash = cash * gross_cash
        interest_margin = margin * gross_margin - margin
        rec["interest_usd"][t] = (new_cash - cash) + interest_margin
        rec["margin_interest_cost_usd"][t] = margin * (haircut / days)
        cash = new_cash
        rec["settlement_usd"][t] = -held * settle_per_short
        margin = margin * gross_margin + (-held) * settle_per_short
        # 2. target
        h = target_ratio(t, stocks, cash, margin, held, h)
        target = contracts_for(h, betas[t], stocks, f_hold[t])
        # 3. trade
        before = held
        if is_roll[t]:
            traded = abs(held) + abs(target)
            rec["trades"][t] = float(held != 0.0) + float(target != 0.0)
            held = target
            h_last, stocks_last, beta_last = h, stocks, betas[t]
        else:
            gap = abs(held - target)
            switch = (target == 0.0) != (held == 0.0)
            if rule == "band":
                threshold = b * abs(target)
                fire = gap >= (threshold if threshold > 1.0 else 1.0)
            elif rule == "value":
                fire = abs(stocks / stocks_last - 1.0) >= b or (
                    ratio_change > 0.0 and abs(h - h_last) >= ratio_change
                )
            elif rule == "calendar":
                fire = cal[t] or (ratio_change > 0.0 and abs(h - h_last) >= ratio_change)
            elif rule == "beta":
                fire = abs(betas[t] - beta_last) >= b or (
                    ratio_change > 0.0 and abs(h - h_last) >= ratio_change
                )
            elif rule == "always":
                fire = True
            else:  # never
                fire = False
            if (fire or switch) and gap > 0.0:
                traded = gap
                rec["trades"][t] = 1.0
                rebalanced[t] = True
                held = target
                h_last, stocks_last, beta_last = h, stocks, betas[t]
            else:
                traded = 0.0
        # 4. costs to the margin account
        cost = traded * cpc
        rec["traded_contracts"][t] = traded
        rec["fees_usd"][t] = traded * commission
        rec["slippage_usd"][t] = traded * slip
        margin = margin - cost
        # 5. fund new contracts
        im = margin_per_contract(t)
        size = abs(held)
        if terms.deposit_on_increase and size > abs(before):
            funded = buffer * im * size
            if margin < funded:
                deposit = funded - margin
                rec["deposit_usd"][t] = deposit
                if to_cash:
                    cash = cash - deposit
                else:
                    stocks = stocks - deposit
                margin = funded
        # 6. margin check: call back to initial, or sweep the excess
        rec["balance_before_call_usd"][t] = margin
        cap = sweep_mult * im * size
        if margin < maint_frac * im * size:
            balance = im * size
            rec["margin_call_usd"][t] = balance - margin
        elif margin > cap:
            balance = cap
            rec["sweep_usd"][t] = margin - balance
        else:
            balance = margin
        if to_cash:
            cash = cash + (margin - balance)
        else:
            stocks = stocks + (margin - balance)
        margin = balance
        store(t)
        if progress is not None and (t % 256 == 0 or t == n - 1):
            progress(t + 1, n)

    out: dict[str, Any] = {name: np.array(values) for name, values in rec.items()}
    out["rebalanced"] = np.array(rebalanced, dtype=np.bool_)
    return HedgeLedger(
        **out,
        is_roll=np.array(is_roll, dtype=np.bool_),
        initial_value_usd=terms.initial_value_usd,
        initial_cash_usd=terms.initial_cash_usd,
    )
