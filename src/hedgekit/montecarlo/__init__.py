"""Monte Carlo paths and stress of hedged portfolios over simulated futures.

Paths (arrays shaped ``(n_paths, n_days)``, float64, seeded: randomness is passed in):

* :class:`StationaryBootstrap` — stationary block bootstrap (Politis & Romano, 1994) of real
  daily S&P 500 returns, with the VIX and the T-bill rate resampled along the same blocks,
  from :func:`historical_sample` (S&P 500, VIX and DTB3 on their common sessions,
  1990-01-02 .. 2026-01-29 with the bundled data; nothing filled);
* :class:`Gbm` — geometric Brownian motion, parameters given or estimated from the sample;
* :class:`Garch11` — GARCH(1,1) fitted and simulated with the ``arch`` package
  (``pip install hedgekit[mc]``).

:func:`iter_path_chunks` draws paths chunk by chunk (one independent stream per chunk) so
that 100,000 paths never sit in memory at once.

Stress: :func:`run_stress` runs the hedged and the unhedged portfolio of a
:class:`StressSpec` over simulated paths (daily futures settlement into a margin account,
rolls, band rebalancing, costs, margin calls) and returns a :class:`StressResult`: outcome
percentiles, VaR and CVaR (:func:`value_at_risk`, :func:`expected_shortfall`), probability of
a margin call and of one above a size, the buffer that keeps the call probability under a
target (:func:`buffer_search`) and the drawdown distribution. A stress starts from a
position: :func:`stress_start` counts short legs on one index (2 ES + 8 MES) in the smallest
contract's units, :func:`sized_position` gives the one ``hedgekit plan`` recommends
(:func:`hedgekit.sizing.size_hedge`), and :func:`position_spec` builds the spec that holds it.

Examples
--------
>>> import numpy as np
>>> from hedgekit.montecarlo import Gbm
>>> paths = Gbm(mu_annual=0.07, sigma_annual=0.2, rate_annual=0.04).simulate(
...     3, 5, np.random.default_rng(1))
>>> paths.index_return.shape
(3, 5)
"""

from __future__ import annotations

from hedgekit.montecarlo._bootstrap import BootstrapDraw, stationary_bootstrap_indices
from hedgekit.montecarlo._buffer import BufferSearch, buffer_search
from hedgekit.montecarlo._chunks import (
    DEFAULT_CHUNK_PATHS,
    PathChunk,
    as_generator,
    iter_path_chunks,
)
from hedgekit.montecarlo._models import (
    DEFAULT_MEAN_BLOCK_LENGTH,
    Garch11,
    Gbm,
    PathModel,
    SimulatedPaths,
    StationaryBootstrap,
)
from hedgekit.montecarlo._position import (
    StressStart,
    position_spec,
    sized_position,
    start_futures_price,
    stress_start,
)
from hedgekit.montecarlo._report import render_stress_html, stress_charts
from hedgekit.montecarlo._risk import (
    expected_shortfall,
    percentiles,
    tail_count,
    value_at_risk,
)
from hedgekit.montecarlo._sample import HistoricalSample, align_sample, historical_sample
from hedgekit.montecarlo._stress import (
    DEFAULT_BUFFER_MULTIPLES,
    DEFAULT_FAN_PATHS,
    CallSource,
    StressEngine,
    StressResult,
    StressRounding,
    StressSpec,
    call_probability_curve,
    run_stress,
    smallest_buffer_multiple,
    stress_calendar,
    stress_chunk,
    stress_result_from_outcomes,
)

__all__ = [
    "DEFAULT_BUFFER_MULTIPLES",
    "DEFAULT_CHUNK_PATHS",
    "DEFAULT_FAN_PATHS",
    "DEFAULT_MEAN_BLOCK_LENGTH",
    "BootstrapDraw",
    "BufferSearch",
    "CallSource",
    "Garch11",
    "Gbm",
    "HistoricalSample",
    "PathChunk",
    "PathModel",
    "SimulatedPaths",
    "StationaryBootstrap",
    "StressEngine",
    "StressResult",
    "StressRounding",
    "StressSpec",
    "StressStart",
    "align_sample",
    "as_generator",
    "buffer_search",
    "call_probability_curve",
    "expected_shortfall",
    "historical_sample",
    "iter_path_chunks",
    "percentiles",
    "position_spec",
    "render_stress_html",
    "run_stress",
    "sized_position",
    "smallest_buffer_multiple",
    "start_futures_price",
    "stationary_bootstrap_indices",
    "stress_calendar",
    "stress_charts",
    "stress_chunk",
    "stress_result_from_outcomes",
    "stress_start",
    "tail_count",
    "value_at_risk",
]
