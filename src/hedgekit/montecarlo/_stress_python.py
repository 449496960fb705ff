"""Readable one-path-at-a-time twin of the stress kernel: the oracle it is tested against.

Plain Python floats, the steps of :mod:`hedgekit.montecarlo._stress_kernel` written out one
by one, a full daily ledger kept. Slow (about a microsecond per day); for tests and for
inspecting a single path.
"""

from __future__ import annotations

import math
from typing import Any

from hedgekit._constants import TRADING_DAYS_PER_YEAR
from hedgekit.montecarlo._stress_kernel import KernelTerms, StressDays, start_contracts

__all__ = ["stress_ledger"]


def stress_ledger(
    levels: list[float], rates: list[float], days: StressDays, terms: KernelTerms
) -> dict[str, Any]:
    """Simulate one path; return its measures and its daily ledger (lists by day).

    Parameters
    ----------
    levels, rates
        Index levels and rates of the path, ``n_days + 1`` values each (day 0 first).
    days
        Contract calendar.
    terms
        Account terms.

    Returns
    -------
    dict
        The fields of :class:`~hedgekit.montecarlo._stress_kernel.StressOutput` for this path
        (scalars; ``fan_*`` as the whole daily lists), plus ``ledger``: a dict of daily lists
        ``stocks_usd``, ``margin_usd``, ``cash_usd``, ``contracts``, ``margin_call_usd``.
    """
    n = len(levels)
    q = terms.dividend_yield
    mult = terms.multiplier_usd
    tau_s = days.tau_settle_years.tolist()
    tau_h = days.tau_hold_years.tolist()
    roll = days.is_roll.tolist()
    f_settle = [levels[t] * math.exp((rates[t] - q) * tau_s[t]) for t in range(n)]
    f_hold = [levels[t] * math.exp((rates[t] - q) * tau_h[t]) for t in range(n)]
    cpc = terms.cost_per_contract_usd
    im = terms.initial_margin_usd
    mm = terms.maintenance_margin_usd

    held = start_contracts(terms, mult * f_hold[0])
    shift = 0.5 if terms.round_nearest else 0.0
    n0 = held
    deposit = terms.deposit_multiple * im * held
    stocks = terms.value_usd - deposit if terms.calls_from_stock else terms.value_usd
    reserve = 0.0 if terms.calls_from_stock else deposit
    margin = deposit - held * cpc
    cash = 0.0
    unhedged_stocks = terms.value_usd
    g_cash = 1.0
    shadow = -(held * cpc)
    costs = held * cpc
    trades = 1 if held > 0 else 0
    calls = 0
    largest = 0.0
    total_calls = 0.0
    b_req = -math.inf
    hedged = [stocks + margin + cash]
    unhedged = [unhedged_stocks + reserve]
    ledger: dict[str, list[float]] = {
        "stocks_usd": [stocks],
        "margin_usd": [margin],
        "cash_usd": [cash],
        "contracts": [held],
        "margin_call_usd": [0.0],
    }
    for t in range(1, n):
        growth = 1.0 + terms.beta * (levels[t] / levels[t - 1] - 1.0) + q / TRADING_DAYS_PER_YEAR
        gi = 1.0 + rates[t - 1] / TRADING_DAYS_PER_YEAR
        stocks *= growth
        unhedged_stocks *= growth
        settlement = held * -(mult * (f_settle[t] - f_hold[t - 1]))
        margin = margin * gi + settlement
        shadow = shadow * gi + settlement
        cash *= gi
        g_cash *= gi
        target = float(math.floor(terms.h_beta * stocks / (mult * f_hold[t]) + shift))
        if roll[t]:
            traded = held + target
            trades += int(held > 0) + int(target > 0)
            held = target
        elif terms.hold_between_rolls:
            traded = 0.0
        elif abs(held - target) >= max(1.0, terms.band * target):
            traded = abs(held - target)
            trades += 1
            held = target
        else:
            traded = 0.0
        margin -= traded * cpc
        shadow -= traded * cpc
        costs += traded * cpc
        b_req = max(b_req, (held * mm - shadow) / g_cash)
        call_usd = 0.0
        if margin < held * mm:
            balance = held * im
            calls += 1
            call_usd = balance - margin
        elif terms.sweep_multiple is not None and margin > held * terms.sweep_multiple * im:
            balance = held * terms.sweep_multiple * im
        else:
            balance = margin
        if terms.calls_from_stock:
            stocks += margin - balance
        else:
            cash += margin - balance
        margin = balance
        largest = max(largest, call_usd)
        total_calls += call_usd
        hedged.append(stocks + margin + cash)
        unhedged.append(unhedged_stocks + reserve * g_cash)
        for key, value in (
            ("stocks_usd", stocks),
            ("margin_usd", margin),
            ("cash_usd", cash),
            ("contracts", held),
            ("margin_call_usd", call_usd),
        ):
            ledger[key].append(value)

    def drawdown(values: list[float]) -> float:
        peak = -math.inf
        worst = 0.0
        for x in values:
            peak = max(peak, x)
            worst = max(worst, 1.0 - x / peak)
        return worst

    required = b_req / (im * n0) if n0 > 0 else math.inf if b_req > 0 else -math.inf
    return {
        "final_hedged_usd": hedged[-1],
        "final_unhedged_usd": unhedged[-1],
        "max_drawdown_hedged": drawdown(hedged),
        "max_drawdown_unhedged": drawdown(unhedged),
        "n_margin_calls": calls,
        "largest_margin_call_usd": largest,
        "margin_calls_usd": total_calls,
        "trading_costs_usd": costs,
        "n_trades": trades,
        "contracts_start": n0,
        "required_buffer_multiple": required,
        "fan_hedged_usd": hedged,
        "fan_unhedged_usd": unhedged,
        "ledger": ledger,
    }
