"""Sweeps: many hedge backtests over a grid of policy parameters, start dates and portfolios.

A grid is a small TOML file (``examples/sweep.toml``) and/or ``KEY=V1,V2`` options (the
``--grid`` of ``hedgekit sweep``), validated up front (:func:`load_sweep_toml`,
:func:`sweep_from_mapping`, :func:`parse_grid_option`). :func:`run_sweep` runs it on real
history with the batched engine (:func:`hedgekit.backtest.run_batch`), on several threads,
streams one row per run to Parquet or CSV, and keeps the best and worst runs by a chosen
measure and the cells of a heatmap over two parameters; memory does not grow with the number
of runs.

Examples
--------
>>> from hedgekit.sweep import sweep_from_mapping
>>> grid = sweep_from_mapping({
...     "period": {"start": ["2018-01-02", "2019-01-02"], "years": 1},
...     "portfolio": {"value_usd": 1_000_000},
...     "policy": {"type": "StaticHedge", "h": [0.0, 0.5, 1.0]},
... })
>>> grid.n_runs, grid.parameter_keys
(6, ('period.start', 'policy.h'))
"""

from __future__ import annotations

from hedgekit.sweep._run import SweepResult, run_sweep
from hedgekit.sweep._spec import (
    LOWER_IS_BETTER,
    SECTIONS,
    Axis,
    SweepSpec,
    build_backtest_spec,
    load_sweep_toml,
    parse_grid_option,
    sweep_from_mapping,
)
from hedgekit.sweep._writer import ResultWriter, table_format

__all__ = [
    "LOWER_IS_BETTER",
    "SECTIONS",
    "Axis",
    "ResultWriter",
    "SweepResult",
    "SweepSpec",
    "build_backtest_spec",
    "load_sweep_toml",
    "parse_grid_option",
    "run_sweep",
    "sweep_from_mapping",
    "table_format",
]
