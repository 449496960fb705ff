"""Readable one-run-at-a-time simulation: the oracle the batched kernels are tested against.

It follows the bench-spec's pinned details literally, day by day, with plain Python floats and
integers, and keeps the whole ledger so that every day can be checked by hand. It is slow
(about a microsecond per day) and meant for tests, single-run inspection and cross-checks.

Each close ``t >= 1``, in this order (bench-spec pinned detail 4):

1. the portfolio earns ``beta * (S_t/S_{t-1} - 1) + q_{t-1}/252``;
2. the margin account earns ``r_{t-1}/252`` on yesterday's balance and takes the settlement
   ``-N_{t-1} * m * (Fsettle_t - Fhold_{t-1})`` (the position is short);
3. the position is traded: on a roll day the old contract is closed and
   ``N*_t = floor(h * beta * V_t / (m * Fhold_t))`` of the next one are opened; otherwise the
   position moves to ``N*_t`` if ``|N - N*_t| >= max(1, b * N*_t)``;
4. costs (contracts traded × cost per contract) are deducted from the margin account;
5. margin check against the post-trade ``N_t``: below ``maintenance * IM * N_t`` the account is
   topped up to ``IM * N_t`` from the portfolio (a call); above ``sweep * IM * N_t`` the excess
   is swept back to the portfolio.

Day 0: ``N_0 = floor(h * beta * V_0 / (m * Fhold_0))``; ``IM * N_0`` moves from the portfolio
into the margin account and the opening cost is charged to the margin account.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from hedgekit._constants import TRADING_DAYS_PER_YEAR
from hedgekit._typing import BoolArray, Float64Array, Int64Array
from hedgekit.engine._inputs import AccountSpec, MarketPath
from hedgekit.engine._metrics import metrics_from_path

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["RunLedger", "simulate_batch_python", "simulate_ledger"]

_LEDGER_COLUMNS = (
    "portfolio_usd",
    "margin_usd",
    "total_value_usd",
    "contracts",
    "contracts_traded",
    "trades",
    "trading_cost_usd",
    "portfolio_return_usd",
    "interest_usd",
    "settlement_usd",
    "margin_transfer_usd",
    "margin_call",
)


@dataclass(frozen=True, slots=True)
class RunLedger:
    """Day-by-day ledger of one run (arrays of shape ``(n,)``, index = day).

    Attributes
    ----------
    hedge_ratio, band
        The run's policy parameters.
    initial_value_usd
        ``V_0``.
    portfolio_usd
        Stock portfolio value at the close, after the day's margin transfers.
    margin_usd
        Margin account balance at the close, after the day's check.
    total_value_usd
        ``portfolio_usd + margin_usd``.
    contracts
        Contracts held short after the day's trades (``N_t``).
    contracts_traded
        Contracts bought plus sold that day (both legs of a roll).
    trades
        Trades that day: 1 for a rebalance or the day-0 opening, 1 per non-empty roll leg.
    trading_cost_usd
        Costs charged to the margin account that day.
    portfolio_return_usd
        The portfolio's return in dollars (before margin transfers).
    interest_usd
        Interest earned by the margin account.
    settlement_usd
        Daily futures settlement (variation margin) credited to the margin account.
    margin_transfer_usd
        Money moved from the portfolio into the margin account (negative for a sweep back);
        on day 0 the initial margin.
    margin_call
        ``True`` on the days a margin call topped the account up.
    unhedged_returns
        ``u_t`` for ``t = 1..n-1``, the benchmark for hedge effectiveness.
    dates
        Session dates when the market path has them.
    """

    hedge_ratio: float
    band: float
    initial_value_usd: float
    portfolio_usd: Float64Array
    margin_usd: Float64Array
    total_value_usd: Float64Array
    contracts: Int64Array
    contracts_traded: Int64Array
    trades: Int64Array
    trading_cost_usd: Float64Array
    portfolio_return_usd: Float64Array
    interest_usd: Float64Array
    settlement_usd: Float64Array
    margin_transfer_usd: Float64Array
    margin_call: BoolArray
    unhedged_returns: Float64Array
    dates: np.ndarray[Any, np.dtype[np.datetime64]] | None = None

    def summary(self) -> dict[str, float | int]:
        """Return the eight bench-spec measures of this run (see ``_metrics``)."""
        out: dict[str, float | int] = {"hedge_ratio": self.hedge_ratio, "band": self.band}
        out.update(
            metrics_from_path(self.total_value_usd, self.unhedged_returns, self.initial_value_usd)
        )
        out["trading_costs_usd"] = float(self.trading_cost_usd.sum())
        out["n_trades"] = int(self.trades.sum())
        out["n_margin_calls"] = int(self.margin_call.sum())
        return out

    def to_frame(self) -> pd.DataFrame:
        """Return the ledger as a DataFrame, one row per day (indexed by date when known)."""
        import pandas as pd

        index: pd.Index[Any] = (
            pd.Index(np.arange(self.portfolio_usd.size), name="day")
            if self.dates is None
            else pd.DatetimeIndex(self.dates, name="date")
        )
        return pd.DataFrame({c: getattr(self, c) for c in _LEDGER_COLUMNS}, index=index)


def simulate_ledger(
    market: MarketPath, hedge_ratio: float, band: float, account: AccountSpec
) -> RunLedger:
    """Simulate one run day by day and keep its full ledger.

    Parameters
    ----------
    market
        The daily path.
    hedge_ratio
        ``h >= 0``: target contracts ``N* = floor(h * beta * V / (m * F))``.
    band
        ``b >= 0``: rebalance when ``|N - N*| >= max(1, b * N*)``.
    account
        Portfolio, contract, cost and margin terms.

    Returns
    -------
    RunLedger
    """
    s = market.index_level.tolist()
    r = market.rate_annual.tolist()
    q = market.dividend_yield_annual.tolist()
    f_settle = market.futures_price_settle.tolist()
    f_hold = market.futures_price_hold.tolist()
    is_roll = market.is_roll.tolist()
    n = len(s)
    days_per_year = TRADING_DAYS_PER_YEAR
    beta = account.beta
    mult = account.multiplier_usd
    cost_per_contract = account.cost_per_contract_usd
    im = account.initial_margin_per_contract_usd
    maintenance = account.maintenance_fraction * im
    sweep_level = account.sweep_multiple * im
    h_beta = hedge_ratio * beta

    portfolio = [0.0] * n
    margin = [0.0] * n
    contracts = [0] * n
    traded = [0] * n
    trades = [0] * n
    cost = [0.0] * n
    ret_usd = [0.0] * n
    interest_usd = [0.0] * n
    settle_usd = [0.0] * n
    transfer = [0.0] * n
    call = [False] * n
    unhedged = [0.0] * (n - 1)

    # Day 0: size on V_0, move the initial margin, charge the opening cost to the account.
    held = math.floor(h_beta * account.initial_value_usd / (mult * f_hold[0]))
    v = account.initial_value_usd - im * held
    m = im * held - held * cost_per_contract
    portfolio[0], margin[0], contracts[0] = v, m, held
    traded[0], trades[0], cost[0] = held, int(held > 0), held * cost_per_contract
    transfer[0] = im * held

    for t in range(1, n):
        # 1. portfolio return
        growth = 1.0 + beta * (s[t] / s[t - 1] - 1.0) + q[t - 1] / days_per_year
        unhedged[t - 1] = growth - 1.0
        ret_usd[t] = v * growth - v
        v = v * growth
        # 2. interest on yesterday's balance, then the settlement of the contract carried in
        gross_interest = 1.0 + r[t - 1] / days_per_year
        settle_per_contract = -(mult * (f_settle[t] - f_hold[t - 1]))
        interest_usd[t] = m * gross_interest - m
        settle_usd[t] = held * settle_per_contract
        m = m * gross_interest + held * settle_per_contract
        # 3. trade: roll (always) or band rebalance
        target = math.floor(h_beta * v / (mult * f_hold[t]))
        if is_roll[t]:
            traded[t] = held + target
            trades[t] = int(held > 0) + int(target > 0)
            held = target
        elif abs(held - target) >= max(1, band * target):
            traded[t] = abs(held - target)
            trades[t] = 1
            held = target
        # 4. costs to the margin account
        cost[t] = traded[t] * cost_per_contract
        m = m - cost[t]
        # 5. margin check against the post-trade position
        if m < maintenance * held:
            target_balance = im * held
            call[t] = True
        elif m > sweep_level * held:
            target_balance = sweep_level * held
        else:
            target_balance = m
        v = v + (m - target_balance)
        transfer[t] = target_balance - m
        m = target_balance
        portfolio[t], margin[t], contracts[t] = v, m, held

    pf = np.array(portfolio)
    mg = np.array(margin)
    return RunLedger(
        hedge_ratio=float(hedge_ratio),
        band=float(band),
        initial_value_usd=account.initial_value_usd,
        portfolio_usd=pf,
        margin_usd=mg,
        total_value_usd=pf + mg,
        contracts=np.array(contracts, dtype=np.int64),
        contracts_traded=np.array(traded, dtype=np.int64),
        trades=np.array(trades, dtype=np.int64),
        trading_cost_usd=np.array(cost),
        portfolio_return_usd=np.array(ret_usd),
        interest_usd=np.array(interest_usd),
        settlement_usd=np.array(settle_usd),
        margin_transfer_usd=np.array(transfer),
        margin_call=np.array(call, dtype=np.bool_),
        unhedged_returns=np.array(unhedged),
        dates=market.dates,
    )


def simulate_batch_python(
    market: MarketPath,
    hedge_ratio: Float64Array,
    band: Float64Array,
    account: AccountSpec,
) -> dict[str, Any]:
    """Run :func:`simulate_ledger` for each ``(hedge_ratio[i], band[i])`` and collect measures."""
    rows = [
        simulate_ledger(market, float(h), float(b), account).summary()
        for h, b in zip(hedge_ratio.tolist(), band.tolist(), strict=True)
    ]
    keys = (
        "final_value_usd",
        "cagr",
        "volatility_annual",
        "max_drawdown",
        "hedge_effectiveness",
        "trading_costs_usd",
    )
    out: dict[str, Any] = {key: np.array([row[key] for row in rows]) for key in keys}
    for key in ("n_trades", "n_margin_calls"):
        out[key] = np.array([row[key] for row in rows], dtype=np.int64)
    return out
