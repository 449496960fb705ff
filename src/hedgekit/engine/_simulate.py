"""Public entry points: pick a kernel, run a batch or a grid, assemble the result."""

from __future__ import annotations

import importlib.util
import os
from typing import Literal, TypeAlias

import numpy as np
import numpy.typing as npt

from hedgekit._typing import Float64Array
from hedgekit.engine._inputs import AccountSpec, MarketPath
from hedgekit.engine._metrics import metrics_from_moments, unhedged_variance
from hedgekit.engine._prepare import prepare_days, prepare_scalars
from hedgekit.engine._result import BatchResult
from hedgekit.errors import InputError

__all__ = [
    "DISABLE_NUMBA_ENV",
    "Engine",
    "available_engines",
    "default_engine",
    "run_grid",
    "simulate_batch",
]

Engine: TypeAlias = Literal["auto", "numba", "numpy", "python"]

#: Set this environment variable to ``1`` to use the numpy kernel even where numba is installed.
DISABLE_NUMBA_ENV = "HEDGEKIT_DISABLE_NUMBA"


def _numba_allowed() -> bool:
    if os.environ.get(DISABLE_NUMBA_ENV, "").strip() not in ("", "0"):
        return False
    return importlib.util.find_spec("numba") is not None


def available_engines() -> tuple[str, ...]:
    """Kernels usable in this environment, fastest first."""
    return ("numba", "numpy", "python") if _numba_allowed() else ("numpy", "python")


def default_engine() -> str:
    """The kernel ``engine="auto"`` resolves to: numba when importable and not disabled."""
    return available_engines()[0]


def _as_runs(hedge_ratio: npt.ArrayLike, band: npt.ArrayLike) -> tuple[Float64Array, Float64Array]:
    h = np.array(hedge_ratio, dtype=np.float64, ndmin=1, copy=True)
    b = np.array(band, dtype=np.float64, ndmin=1, copy=True)
    for name, arr in (("hedge_ratio", h), ("band", b)):
        if arr.ndim != 1:
            raise InputError(
                "must be one-dimensional (one entry per run)", source=name, value=arr.shape
            )
        bad = ~np.isfinite(arr) | (arr < 0.0)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise InputError(
                "invalid run parameter",
                source=name,
                row=i,
                value=float(arr[i]),
                expected="a finite number >= 0",
            )
    if h.size != b.size:
        raise InputError(
            "hedge_ratio and band must have one entry per run each",
            source="band",
            value=b.size,
            expected=f"{h.size}",
        )
    if h.size == 0:
        raise InputError("no runs", source="hedge_ratio", expected="at least one run")
    return h, b


def simulate_batch(
    market: MarketPath,
    hedge_ratio: npt.ArrayLike,
    band: npt.ArrayLike,
    account: AccountSpec,
    *,
    engine: Engine = "auto",
) -> BatchResult:
    """Simulate ``k`` static-ratio, banded hedge policies over one market path.

    Run ``i`` holds ``N*_t = floor(h_i * beta * V_t / (m * F_t))`` contracts short, rebalanced
    when ``|N - N*| >= max(1, b_i * N*)`` and always at a roll, with daily settlement into a
    margin account (see :mod:`hedgekit.engine` for the exact order of a day).

    Parameters
    ----------
    market
        Daily path shared by all runs.
    hedge_ratio
        ``h_i >= 0``, shape ``(k,)``.
    band
        ``b_i >= 0``, shape ``(k,)``.
    account
        Portfolio, contract, cost and margin terms.
    engine
        ``"numba"`` (compiled, parallel), ``"numpy"`` (vectorised over runs), ``"python"``
        (the one-run-at-a-time oracle, slow) or ``"auto"`` (numba if installed and not
        disabled by ``HEDGEKIT_DISABLE_NUMBA=1``, else numpy). All give the same numbers to
        rounding.

    Returns
    -------
    BatchResult
        One entry per run, in input order.

    Notes
    -----
    Nothing stops the portfolio from going negative when margin calls exceed it (for
    example an initial margin per contract above the contract's value with ``h`` near 1);
    such runs are computed as specified, not flagged.
    """
    h, b = _as_runs(hedge_ratio, band)
    name = default_engine() if engine == "auto" else engine
    if name not in ("numba", "numpy", "python"):
        raise InputError(
            "unknown engine",
            source="engine",
            value=engine,
            expected="'auto', 'numba', 'numpy' or 'python'",
        )
    n = market.n_days
    if name == "python":
        from hedgekit.engine._kernels_python import simulate_batch_python

        fields = simulate_batch_python(market, h, b, account)
        return BatchResult(hedge_ratio=h, band=b, n_days=n, engine=name, **fields)

    days = prepare_days(market, account)
    scalars = prepare_scalars(account)
    h_beta = h * account.beta
    if name == "numba":
        if not _numba_allowed():
            raise InputError(
                "numba is not available (install hedgekit[fast])",
                source="engine",
                value=engine,
                expected="'numpy' or 'auto'",
            )
        from hedgekit.engine._kernels_numba import simulate_numba

        raw = simulate_numba(days, h_beta, b, scalars)
    else:
        from hedgekit.engine._kernels_numpy import simulate_numpy

        raw = simulate_numpy(days, h_beta, b, scalars)
    measures = metrics_from_moments(
        raw[0],
        raw[1],
        raw[2],
        raw[3],
        n_days=n,
        initial_value_usd=account.initial_value_usd,
        var_unhedged=unhedged_variance(days.growth),
    )
    return BatchResult(
        hedge_ratio=h,
        band=b,
        trading_costs_usd=raw[4],
        n_trades=np.rint(raw[5]).astype(np.int64),
        n_margin_calls=np.rint(raw[6]).astype(np.int64),
        n_days=n,
        engine=name,
        **measures,
    )


def run_grid(
    market: MarketPath,
    hedge_ratios: npt.ArrayLike,
    bands: npt.ArrayLike,
    account: AccountSpec,
    *,
    engine: Engine = "auto",
) -> BatchResult:
    """Simulate every combination of ``hedge_ratios`` × ``bands``.

    Runs are ordered hedge-ratio-major: run ``i * len(bands) + j`` has ``hedge_ratios[i]`` and
    ``bands[j]``. See :func:`simulate_batch` for the parameters.

    Returns
    -------
    BatchResult
    """
    hs = np.array(hedge_ratios, dtype=np.float64, ndmin=1)
    bs = np.array(bands, dtype=np.float64, ndmin=1)
    return simulate_batch(
        market, np.repeat(hs, bs.size), np.tile(bs, hs.size), account, engine=engine
    )
