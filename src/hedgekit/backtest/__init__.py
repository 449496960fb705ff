"""Hedge backtests over real history: a policy carried through marks, rolls and margin calls.

* :class:`BacktestSpec` with :class:`IndexPortfolio` / :class:`HoldingsPortfolio` (a constant
  beta, or a trailing :class:`RollingBeta` re-estimated every session),
  :class:`Costs`, :class:`MarginSpec` (default: the contract registry's dated margins,
  scaled by notional before the first dated figure; a 1.5× initial-margin cash buffer);
* :func:`run_backtest` -> :class:`BacktestResult` (daily state, fills, rolls, margin calls,
  hedged and unhedged :class:`~hedgekit.metrics.Metrics`);
* :func:`run_batch` -> :class:`BatchSummary` for many runs over one market (sweeps);
* :func:`load_history` / :class:`HistoricalMarket`: the real market of a spec (index, VIX,
  T-bill, dividend yield, held contract and its price with the source of each price).

Examples
--------
>>> from hedgekit.backtest import BacktestSpec, IndexPortfolio, run_backtest
>>> from hedgekit.policies import StaticHedge
>>> spec = BacktestSpec("2018-10-01", "2018-12-24", IndexPortfolio(1_000_000.0),
...                     policy=StaticHedge(0.5))
>>> result = run_backtest(spec, engine="python")
>>> result.daily[["total_value_usd", "unhedged_value_usd", "contracts"]].shape[0]
59
"""

from __future__ import annotations

from hedgekit.backtest._history import HistoricalMarket, last_available_date, load_history
from hedgekit.backtest._result import DAILY_COLUMNS, BacktestResult, BatchSummary
from hedgekit.backtest._run import (
    HEDGE_RATIO_WARN_GAP,
    BacktestEngine,
    build_inputs,
    hedge_ratio_warning,
    last_price_date,
    margin_terms,
    run_backtest,
    run_batch,
)
from hedgekit.backtest._spec import (
    DEFAULT_INITIAL_MARGIN_FRACTION,
    DEFAULT_MAINTENANCE_RATIO,
    BacktestSpec,
    Costs,
    FuturesPrices,
    HoldingsPortfolio,
    IndexPortfolio,
    MarginSpec,
    RollingBeta,
)

__all__ = [
    "DAILY_COLUMNS",
    "DEFAULT_INITIAL_MARGIN_FRACTION",
    "DEFAULT_MAINTENANCE_RATIO",
    "HEDGE_RATIO_WARN_GAP",
    "BacktestEngine",
    "BacktestResult",
    "BacktestSpec",
    "BatchSummary",
    "Costs",
    "FuturesPrices",
    "HistoricalMarket",
    "HoldingsPortfolio",
    "IndexPortfolio",
    "MarginSpec",
    "RollingBeta",
    "build_inputs",
    "hedge_ratio_warning",
    "last_available_date",
    "last_price_date",
    "load_history",
    "margin_terms",
    "run_backtest",
    "run_batch",
]
