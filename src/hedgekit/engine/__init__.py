"""Batched day-by-day hedge simulation: many runs over one path, sequential over days.

One *run* is one hedge policy (hedge ratio ``h``, rebalance band ``b``) over one daily market
path; a batch is ``k`` runs over the same path (a parameter grid, accounts, or later Monte Carlo
paths). Three kernels compute the same numbers:

* ``numba`` (install ``hedgekit[fast]``): compiled, runs processed side by side with SIMD and
  spread over the cores; compiled code is cached on disk after the first process;
* ``numpy``: a loop over days vectorised over runs, used when numba is missing or
  ``HEDGEKIT_DISABLE_NUMBA=1``;
* ``python``: a readable one-run-at-a-time loop with a full ledger (:func:`simulate_ledger`),
  the oracle the others are tested against.

The day (bench-spec pinned details 1-9, docs in ``benchmarks/README.md``): the portfolio earns
``beta * index return + q/252``; the margin account earns ``r_{t-1}/252`` on yesterday's balance
and takes the settlement ``-N_{t-1} * m * (F_t - F_{t-1})`` of the contract carried in; the
position is rolled (on roll days) or rebalanced to ``N* = floor(h * beta * V / (m * F))`` when
``|N - N*| >= max(1, b * N*)``; costs go to the margin account; then a margin call tops the
account up to initial margin when it is below maintenance, or the excess over
``sweep * initial`` goes back to the portfolio.

General kernel
--------------
:func:`simulate_paths` (and :func:`simulate_batch` for anything beyond the bench case) runs
the general day of :mod:`hedgekit.engine._hedge_python`: a target hedge ratio per run per day
(from :mod:`hedgekit.policies`, computed chunk by chunk), an optional CPPI cap computed from
the run's own value, market arrays shared ``(n,)`` or per run ``(n, k)`` (:class:`PathSet`),
a cash account, margin fixed per contract or a fraction of notional, calls and sweeps through
stock or cash, and band / value / calendar / always / never rebalance rules
(:class:`HedgeTerms`). Its kernel is compiled with numba when available, otherwise a numpy
version vectorised over runs is used (the same scalar code can also run interpreted);
:func:`simulate_hedge_ledger` is its readable one-run oracle and
keeps the full :class:`HedgeLedger`. On the bench case it reproduces the bench kernels.

Examples
--------
>>> import numpy as np
>>> from hedgekit.engine import AccountSpec, MarketPath, run_grid
>>> s = np.array([100.0, 101.0, 99.0, 100.0])
>>> market = MarketPath(s, np.zeros(4), np.zeros(4), s, s, np.zeros(4, bool))
>>> account = AccountSpec(initial_value_usd=10_000.0, beta=1.0, multiplier_usd=10.0,
...                       commission_per_contract_usd=0.0, slippage_points=0.0,
...                       initial_margin_per_contract_usd=100.0, maintenance_fraction=0.8,
...                       sweep_multiple=1.5)
>>> res = run_grid(market, [0.0, 1.0], [0.0], account, engine="numpy")
>>> [round(float(x), 2) for x in res.final_value_usd]
[10000.0, 9990.0]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hedgekit.engine._inputs import (
    AccountSpec,
    HeldContractSchedule,
    MarketPath,
    held_contract_schedule,
)
from hedgekit.engine._result import BatchResult
from hedgekit.engine._simulate import (
    DISABLE_NUMBA_ENV,
    Engine,
    available_engines,
    default_engine,
    run_grid,
    simulate_batch,
)

if TYPE_CHECKING:
    from hedgekit.engine._hedge_inputs import (
        CallSource,
        HedgeTerms,
        PathSet,
        Rounding,
        RuleKind,
    )
    from hedgekit.engine._hedge_python import DayState, HedgeLedger, simulate_hedge_ledger
    from hedgekit.engine._hedge_run import (
        HedgePaths,
        PathEngine,
        ProgressCallback,
        simulate_paths,
        unhedged_values,
    )
    from hedgekit.engine._kernels_python import RunLedger, simulate_ledger

# The general kernel's modules (its runner imports pandas, for ledger frames) and the
# pure-Python oracle load on first use of one of their names, so that importing this package
# and running a bench-case batch on the compiled or numpy kernel import neither (PEP 562).
_LAZY = {
    "CallSource": "hedgekit.engine._hedge_inputs",
    "HedgeTerms": "hedgekit.engine._hedge_inputs",
    "PathSet": "hedgekit.engine._hedge_inputs",
    "Rounding": "hedgekit.engine._hedge_inputs",
    "RuleKind": "hedgekit.engine._hedge_inputs",
    "RunLedger": "hedgekit.engine._kernels_python",
    "simulate_ledger": "hedgekit.engine._kernels_python",
    "DayState": "hedgekit.engine._hedge_python",
    "HedgeLedger": "hedgekit.engine._hedge_python",
    "simulate_hedge_ledger": "hedgekit.engine._hedge_python",
    "HedgePaths": "hedgekit.engine._hedge_run",
    "PathEngine": "hedgekit.engine._hedge_run",
    "ProgressCallback": "hedgekit.engine._hedge_run",
    "simulate_paths": "hedgekit.engine._hedge_run",
    "unhedged_values": "hedgekit.engine._hedge_run",
}


def __getattr__(name: str) -> Any:
    """Import a lazily loaded public name on first use."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "DISABLE_NUMBA_ENV",
    "AccountSpec",
    "BatchResult",
    "CallSource",
    "DayState",
    "Engine",
    "HedgeLedger",
    "HedgePaths",
    "HedgeTerms",
    "HeldContractSchedule",
    "MarketPath",
    "PathEngine",
    "PathSet",
    "ProgressCallback",
    "Rounding",
    "RuleKind",
    "RunLedger",
    "available_engines",
    "default_engine",
    "held_contract_schedule",
    "run_grid",
    "simulate_batch",
    "simulate_hedge_ledger",
    "simulate_ledger",
    "simulate_paths",
    "unhedged_values",
]
