"""Public entry points: pick a kernel, run a batch or a grid, assemble the result."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

import numpy as np
import numpy.typing as npt

from hedgekit._constants import TRADING_DAYS_PER_YEAR
from hedgekit._typing import Float64Array
from hedgekit.engine._inputs import AccountSpec, MarketPath
from hedgekit.engine._metrics import metrics_from_moments, unhedged_variance
from hedgekit.engine._prepare import prepare_days, prepare_scalars
from hedgekit.engine._result import BatchResult
from hedgekit.errors import InputError

if TYPE_CHECKING:
    # The general kernel's modules load when a general batch runs (its runner imports
    # pandas): a bench-case batch imports neither.
    from hedgekit.engine._hedge_inputs import HedgeTerms, PathSet
    from hedgekit.engine._hedge_run import ProgressCallback

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


def _is_general(
    market: MarketPath | PathSet,
    hedge_ratio: Any,
    account: AccountSpec | HedgeTerms,
    cppi_multiplier: npt.ArrayLike,
) -> bool:
    if not isinstance(market, MarketPath) or not isinstance(account, AccountSpec):
        from hedgekit.engine._hedge_inputs import HedgeTerms, PathSet

        if isinstance(market, PathSet) or isinstance(account, HedgeTerms):
            return True
    if callable(hedge_ratio):
        return True
    if np.ndim(hedge_ratio) == 2:
        return True
    return bool(np.any(np.asarray(cppi_multiplier) != 0.0))


def _simulate_general(
    market: MarketPath | PathSet,
    hedge_ratio: Any,
    band: npt.ArrayLike,
    account: AccountSpec | HedgeTerms,
    engine: str,
    cppi_multiplier: npt.ArrayLike,
    cppi_floor_fraction: npt.ArrayLike,
    calendar_days: npt.ArrayLike | None,
    progress: ProgressCallback | None,
) -> BatchResult:
    """:func:`simulate_batch` on the general kernel (per-day targets, per-run paths, CPPI)."""
    from hedgekit.engine._hedge_inputs import HedgeTerms, PathSet
    from hedgekit.engine._hedge_run import simulate_paths, unhedged_values

    terms = account if isinstance(account, HedgeTerms) else HedgeTerms.from_account(account)
    paths = market if isinstance(market, PathSet) else PathSet.from_market(market, terms.beta)
    n = paths.n_days
    targets: Any = hedge_ratio
    if not callable(hedge_ratio) and np.ndim(hedge_ratio) <= 1:
        h_static = np.array(hedge_ratio, dtype=np.float64, ndmin=1)

        def targets(lo: int, hi: int) -> Float64Array:
            # a view along the days (stride 0): the kernel reads one ratio per run
            out: Float64Array = np.broadcast_to(h_static[lo:hi], (n, hi - lo))
            return out

        k_hint: int | None = h_static.size
    else:
        k_hint = None
    name = {"auto": "auto", "numba": "numba", "numpy": "numpy", "python": "python"}.get(engine)
    if name is None:
        raise InputError(
            "unknown engine",
            source="engine",
            value=engine,
            expected="'auto', 'numba', 'numpy' or 'python'",
        )
    out = simulate_paths(
        paths,
        targets,
        terms,
        rule_parameter=band,
        calendar_days=calendar_days,
        cppi_multiplier=cppi_multiplier,
        cppi_floor_fraction=cppi_floor_fraction,
        n_runs=k_hint,
        engine=name,  # type: ignore[arg-type]
        progress=progress,
    )
    w = out.total_value_usd
    k = w.shape[1]
    unhedged = unhedged_values(paths, terms)
    u = unhedged if unhedged.ndim == 2 else unhedged[:, None]
    hedged_ret = w[1:] / w[:-1] - 1.0
    unhedged_ret = u[1:] / u[:-1] - 1.0
    var_h = np.var(hedged_ret, axis=0, ddof=1)
    var_u = np.var(unhedged_ret, axis=0, ddof=1)
    peak = np.maximum.accumulate(w, axis=0)
    initial = terms.initial_value_usd + terms.initial_cash_usd
    band_arr = np.broadcast_to(np.asarray(band, dtype=np.float64), (k,))
    return BatchResult(
        hedge_ratio=out.counters["sum_hedge_ratio_target"] / n,
        band=band_arr,
        final_value_usd=w[-1],
        cagr=(w[-1] / initial) ** (TRADING_DAYS_PER_YEAR / (n - 1)) - 1.0,
        volatility_annual=np.sqrt(var_h * TRADING_DAYS_PER_YEAR),
        max_drawdown=np.max(1.0 - w / peak, axis=0),
        hedge_effectiveness=1.0 - var_h / var_u,
        trading_costs_usd=out.counters["fees_usd"] + out.counters["slippage_usd"],
        n_trades=np.rint(out.counters["n_trades"]).astype(np.int64),
        n_margin_calls=np.rint(out.counters["n_margin_calls"]).astype(np.int64),
        n_days=n,
        engine=out.engine,
    )


def simulate_batch(
    market: MarketPath | PathSet,
    hedge_ratio: npt.ArrayLike | Callable[[int, int], Float64Array],
    band: npt.ArrayLike,
    account: AccountSpec | HedgeTerms,
    *,
    engine: Engine = "auto",
    cppi_multiplier: npt.ArrayLike = 0.0,
    cppi_floor_fraction: npt.ArrayLike = 0.0,
    calendar_days: npt.ArrayLike | None = None,
    progress: ProgressCallback | None = None,
) -> BatchResult:
    """Simulate ``k`` hedge runs over one market path (or one path per run).

    The bench-spec case — a :class:`MarketPath`, an :class:`AccountSpec` and one static
    ratio per run — runs on the specialised bench kernels: run ``i`` holds
    ``N*_t = floor(h_i * beta * V_t / (m * F_t))`` contracts short, rebalanced when
    ``|N - N*| >= max(1, b_i * N*)`` and always at a roll, with daily settlement into a
    margin account (see :mod:`hedgekit.engine` for the exact order of a day).

    Anything more general runs on the general kernel (:func:`simulate_paths`), which
    reproduces the bench day exactly on the bench case: a :class:`PathSet` whose arrays are
    ``(n,)`` (shared) or ``(n, k)`` (per run, e.g. Monte Carlo paths); targets per day
    ``(n, k)`` or a function ``(lo, hi) -> (n, hi - lo)`` computing a chunk of runs'
    targets; :class:`HedgeTerms` (margin as a fraction of notional, cash account, rounding,
    rebalance rules); CPPI.

    Parameters
    ----------
    market
        A :class:`MarketPath` (shared) or a :class:`PathSet` (shared or per run).
    hedge_ratio
        ``h_i``, shape ``(k,)``; or targets per day ``(n, k)``; or a chunk function.
    band
        The rebalance rule's parameter per run, shape ``(k,)`` or scalar (the band ``b_i`` for
        the band rule).
    account
        :class:`AccountSpec` (bench terms) or :class:`HedgeTerms`.
    engine
        ``"numba"`` (compiled, parallel), ``"numpy"`` (a loop over days vectorised over
        runs), ``"python"`` (the one-run-at-a-time oracle,
        slow) or ``"auto"`` (numba if installed and not disabled by
        ``HEDGEKIT_DISABLE_NUMBA=1``, else numpy). All give the same numbers to rounding.
    cppi_multiplier, cppi_floor_fraction
        CPPI per run (multiplier 0 = off); general kernel.
    calendar_days
        Days a calendar rule fires; general kernel.
    progress
        ``progress(done_runs, total_runs)``; general kernel.

    Returns
    -------
    BatchResult
        One entry per run, in input order. From the general kernel, ``hedge_ratio`` is each
        run's average target over the days.

    Notes
    -----
    Nothing stops the portfolio from going negative when margin calls exceed it (for
    example an initial margin per contract above the contract's value with ``h`` near 1);
    such runs are computed as specified, not flagged.
    """
    if _is_general(market, hedge_ratio, account, cppi_multiplier):
        return _simulate_general(
            market, hedge_ratio, band, account, engine, cppi_multiplier, cppi_floor_fraction,
            calendar_days, progress,
        )  # fmt: skip
    assert isinstance(market, MarketPath)
    assert isinstance(account, AccountSpec)
    h, b = _as_runs(hedge_ratio, band)  # type: ignore[arg-type]
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
