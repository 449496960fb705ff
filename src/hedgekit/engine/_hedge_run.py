"""Run the general (policy) kernel over a batch: chunks of runs, threads, progress, results."""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

import numpy as np
import numpy.typing as npt

from hedgekit._constants import TRADING_DAYS_PER_YEAR
from hedgekit._typing import BoolArray, Float64Array
from hedgekit.engine._hedge_inputs import ROUNDING_CODE, RULE_CODE, HedgeTerms, PathSet
from hedgekit.engine._hedge_kernel import (
    COUNTERS,
    MEASURES,
    N_SCALARS,
    measure_day,
    measure_start,
)
from hedgekit.engine._hedge_python import (
    LEDGER_FIELDS,
    DayState,
    HedgeLedger,
    simulate_hedge_ledger,
)
from hedgekit.errors import InputError

__all__ = [
    "HedgePaths",
    "PathEngine",
    "ProgressCallback",
    "TargetsLike",
    "simulate_paths",
    "unhedged_values",
]

PathEngine: TypeAlias = Literal["auto", "numba", "numpy", "interpreted", "python"]
#: ``progress(done, total)``: called as work completes (runs for batches).
ProgressCallback: TypeAlias = Callable[[int, int], None]
#: Targets: one ratio per run ``(k,)`` is not accepted here; give ``(n,)`` shared, ``(n, k)``,
#: or a function ``(lo, hi) -> (n, hi - lo)`` computing a chunk of runs' targets on demand.
TargetsLike: TypeAlias = "npt.ArrayLike | Callable[[int, int], Float64Array]"

#: Runs per chunk: the kernel holds a chunk's targets (n × chunk floats) at a time.
DEFAULT_CHUNK_RUNS = 256
#: Runs per chunk on the numpy engine: wider chunks amortise numpy's per-call overhead
#: (35 years × 1,024 runs of targets is 72 MB).
NUMPY_CHUNK_RUNS = 1024


@dataclass(frozen=True, slots=True, eq=False)
class HedgePaths:
    """Output of :func:`simulate_paths` for ``k`` runs over ``n`` days.

    Attributes
    ----------
    total_value_usd
        ``W_t`` per run, shape ``(n, k)``: stocks + cash + margin account at each close;
        shape ``(0, k)`` when simulated with ``values=False`` (use :attr:`measures`).
    counters
        Per-run totals, each shape ``(k,)`` (names in ``COUNTERS``: fees, slippage, roll
        fees and slippage, margin interest cost, interest, trades, rolls, margin calls,
        largest call, sums of hedge ratios, days hedged, deposits, sweeps).
    fields
        With ``full=True``: every ledger field (``LEDGER_FIELDS``), each ``(n, k)``; else empty.
    is_roll
        Roll flags of the path.
    engine
        Kernel used.
    measures
        Measures of each run's ``W_t`` computed online by the kernel, each ``(k,)`` (names in
        ``MEASURES``: final value, running high, deepest drawdown with its peak, trough and
        end days, Welford mean and sum of squared deviations of the daily returns and of the
        excess returns, Sortino's downside sum of squares; see
        :func:`~hedgekit.engine._hedge_kernel.measure_day`).
    """

    total_value_usd: Float64Array
    counters: dict[str, Float64Array]
    fields: dict[str, Float64Array]
    is_roll: BoolArray
    initial_value_usd: float
    initial_cash_usd: float
    engine: str
    measures: dict[str, Float64Array] = field(default_factory=dict)

    @property
    def final_value_usd(self) -> Float64Array:
        """``W_{n-1}`` per run, ``(k,)``."""
        if "final_value_usd" in self.measures:
            return self.measures["final_value_usd"]
        out: Float64Array = self.total_value_usd[-1]
        return out

    @property
    def n_runs(self) -> int:
        """Runs ``k``."""
        return int(self.total_value_usd.shape[1])

    def volatility_annual(self) -> Float64Array:
        r"""Annualised volatility of the daily returns from the online measures.

        :math:`\sqrt{M_2 / (n - 2)} \sqrt{252}` (sample variance of the ``n - 1`` returns).
        """
        m2 = self.measures["m2_return"]
        n = self.is_roll.shape[0]
        out: Float64Array = np.sqrt(m2 / (n - 2)) * np.sqrt(TRADING_DAYS_PER_YEAR)
        return out

    def ledger(self, run: int = 0) -> HedgeLedger:
        """The full ledger of one run (needs ``full=True``)."""
        if not self.fields:
            raise InputError("paths were simulated without full=True", source="full")
        data: dict[str, Any] = {name: self.fields[name][:, run].copy() for name in LEDGER_FIELDS}
        data["rebalanced"] = data["rebalanced"] != 0.0
        return HedgeLedger(
            **data,
            is_roll=self.is_roll,
            initial_value_usd=self.initial_value_usd,
            initial_cash_usd=self.initial_cash_usd,
        )


def _numba_ok() -> bool:
    from hedgekit.engine._simulate import _numba_allowed

    return _numba_allowed()


def _per_run(value: npt.ArrayLike, name: str, k: int) -> Float64Array:
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim == 0:
        arr = np.full(k, float(arr))
    if arr.shape != (k,) or not np.isfinite(arr).all():
        raise InputError("one finite value per run", source=name, value=arr.shape,
                         expected=f"a scalar or shape ({k},)")  # fmt: skip
    return np.ascontiguousarray(arr)


def _count_runs(paths: PathSet, targets: Any, n_runs: int | None, others: list[Any]) -> int:
    sizes: set[int] = set()
    if n_runs is not None:
        sizes.add(int(n_runs))
    if paths.n_paths is not None:
        sizes.add(paths.n_paths)
    if not callable(targets):
        t = np.asarray(targets)
        if t.ndim == 2:
            sizes.add(int(t.shape[1]))
    for value in others:
        a = np.asarray(value)
        if a.ndim == 1:
            sizes.add(int(a.size))
    if len(sizes) > 1:
        raise InputError("inputs disagree on the number of runs", source="n_runs",
                         value=sorted(sizes))  # fmt: skip
    k = sizes.pop() if sizes else 1
    if k < 1:
        raise InputError("no runs", source="n_runs", expected=">= 1")
    return k


def _target_chunk(targets: Any, n: int, lo: int, hi: int) -> Float64Array:
    """A chunk of runs' targets, ``(n, w)``, or compact when it does not vary.

    Targets shared by all runs come back as ``(n, 1)``; targets that are the same every day
    (an array broadcast along the days, stride 0, e.g. ``np.broadcast_to(h, (n, k))``) as
    ``(1, w)``; the kernels broadcast them, so a static ratio is read once per run.
    """
    w = hi - lo
    if callable(targets):
        chunk = np.asarray(targets(lo, hi), dtype=np.float64)
    else:
        t = np.asarray(targets, dtype=np.float64)
        chunk = t[:, None] if t.ndim == 1 else t[:, lo:hi]
    if chunk.shape != (n, w) and not (chunk.shape == (n, 1) and not callable(targets)):
        raise InputError("targets have the wrong shape", source="targets", value=chunk.shape,
                         expected=f"({n}, {w}) for runs {lo}..{hi - 1}")  # fmt: skip
    if n > 1 and chunk.strides[0] == 0:
        chunk = chunk[:1]
    if chunk.shape[1] > 1 and chunk.strides[1] == 0:
        chunk = chunk[:, :1]
    if not np.isfinite(chunk).all():
        raise InputError("a target hedge ratio is not finite", source="targets")
    return np.ascontiguousarray(chunk)


def _scalars(terms: HedgeTerms) -> Float64Array:
    sc = np.zeros(N_SCALARS)
    sc[:] = (
        terms.initial_value_usd,
        terms.initial_cash_usd,
        terms.beta,
        terms.multiplier_usd,
        terms.commission_per_contract_usd,
        terms.slippage_per_contract_usd,
        terms.initial_margin_per_contract_usd,
        terms.initial_margin_fraction,
        terms.maintenance_fraction,
        terms.buffer_multiple,
        terms.sweep_multiple,
        1.0 if terms.call_source == "cash" else 0.0,
        1.0 if terms.deposit_on_increase else 0.0,
        terms.margin_rate_haircut_annual,
        ROUNDING_CODE[terms.rounding],
        RULE_CODE[terms.rule],
        terms.ratio_change,
        TRADING_DAYS_PER_YEAR,
        terms.net_short_tolerance,
        0.0 if terms.hold_contracts is None else 1.0,
        0.0 if terms.hold_contracts is None else terms.hold_contracts,
    )
    return sc


def _as_2d(arr: Float64Array) -> Float64Array:
    return np.ascontiguousarray(arr if arr.ndim == 2 else arr[:, None])


def simulate_paths(
    paths: PathSet,
    targets: TargetsLike,
    terms: HedgeTerms,
    *,
    rule_parameter: npt.ArrayLike = 0.0,
    calendar_days: npt.ArrayLike | None = None,
    cppi_multiplier: npt.ArrayLike = 0.0,
    cppi_floor_fraction: npt.ArrayLike = 0.0,
    n_runs: int | None = None,
    full: bool = False,
    values: bool = True,
    engine: PathEngine = "auto",
    chunk_runs: int | None = None,
    progress: ProgressCallback | None = None,
    decide: Callable[[DayState], float] | None = None,
) -> HedgePaths:
    """Simulate ``k`` runs of the general day (policy targets, CPPI, rules, margin models).

    Parameters
    ----------
    paths
        Daily paths, shared or per run (see :class:`PathSet`).
    targets
        Target hedge ratio per day: ``(n,)`` shared by all runs, ``(n, k)``, or a function
        ``(lo, hi) -> array (n, hi - lo)`` called once per chunk of runs, so that a large
        batch never holds all targets at once.
    terms
        Account, margin, cost and rebalance terms (shared).
    rule_parameter, cppi_multiplier, cppi_floor_fraction
        Per run (shape ``(k,)``) or shared (scalar). A CPPI multiplier of 0 switches CPPI off.
        The sizing beta is the terms' constant, or the paths' beta per day
        (:attr:`PathSet.beta`).
    calendar_days
        Days a ``"calendar"`` rule fires, shape ``(n,)``.
    n_runs
        Number of runs when no other input fixes it.
    full
        Keep every ledger field for every run (memory ``23 × n × k`` floats); else only the
        total-value paths and the per-run counters.
    values
        Keep every run's total value path ``(n, k)`` (default). With ``False`` (and not
        ``full``) the kernel keeps no path: :attr:`HedgePaths.measures` holds what a sweep
        needs (final value, drawdown and its dates, Welford moments, Sortino's downside
        sum), computed online, and :attr:`HedgePaths.total_value_usd` is empty.
    engine
        ``"numba"`` (compiled, chunks on threads), ``"numpy"`` (a loop over days vectorised
        over runs; used when numba is missing or disabled), ``"interpreted"`` (the numba
        kernel run by Python, slow), ``"python"`` (the readable oracle, one run at a time) or
        ``"auto"`` (numba when available, else numpy; python when ``decide`` is given).
    chunk_runs
        Runs per chunk (default ``NUMPY_CHUNK_RUNS`` on the numpy engine, else
        ``DEFAULT_CHUNK_RUNS``).
    progress
        ``progress(done, total)``: runs done after each chunk (each run for ``"python"``);
        for a single run on the python engine, days done (every 256 days).
    decide
        A per-day callback giving the target from the run's state (python engine only).

    Returns
    -------
    HedgePaths
    """
    n = paths.n_days
    k = _count_runs(paths, targets, n_runs, [rule_parameter, cppi_multiplier, cppi_floor_fraction])
    rp = _per_run(rule_parameter, "rule_parameter", k)
    cm = _per_run(cppi_multiplier, "cppi_multiplier", k)
    cf = _per_run(cppi_floor_fraction, "cppi_floor_fraction", k)
    if (cm < 0).any() or (cf < 0).any() or (cf >= 1).any():
        raise InputError("CPPI multiplier must be >= 0 and floor fraction in [0, 1)",
                         source="cppi_multiplier")  # fmt: skip
    cal = np.zeros(n, dtype=np.uint8)
    if calendar_days is not None:
        cal_arr = np.asarray(calendar_days, dtype=np.bool_)
        if cal_arr.shape != (n,):
            raise InputError("one flag per day", source="calendar_days", value=cal_arr.shape)
        cal = cal_arr.astype(np.uint8)
    name = engine
    if engine == "auto":
        name = "python" if decide is not None else ("numba" if _numba_ok() else "numpy")
    if name not in ("numba", "numpy", "interpreted", "python"):
        raise InputError(
            "unknown engine",
            source="engine",
            value=engine,
            expected="'auto', 'numba', 'numpy', 'interpreted' or 'python'",
        )
    if decide is not None and name != "python":
        raise InputError("a stateful policy runs on the python engine only", source="engine",
                         value=engine, expected="'python' or 'auto'")  # fmt: skip
    if name == "numba" and not _numba_ok():
        raise InputError(
            "numba is not available (install hedgekit[fast])",
            source="engine",
            value=engine,
            expected="'numpy', 'interpreted', 'python' or 'auto'",
        )

    keep = values or full
    total = np.empty((n if keep else 0, k))
    counters = np.zeros((len(COUNTERS), k))
    measures = np.zeros((len(MEASURES), k))
    fields = np.empty((len(LEDGER_FIELDS), n, k)) if full else None

    if name == "python":
        path_k = np.empty((n, k))
        for j in range(k):
            target_j = np.broadcast_to(_target_chunk(targets, n, j, j + 1), (n, 1))[:, 0]
            ledger = simulate_hedge_ledger(
                paths, target_j, terms,
                rule_parameter=float(rp[j]), calendar_days=cal.astype(bool),
                cppi=(float(cm[j]), float(cf[j])) if cm[j] > 0 else None,
                decide=decide, run=j, progress=progress if k == 1 else None,
            )  # fmt: skip
            path_k[:, j] = ledger.total_value_usd
            counters[:, j] = _ledger_counters(ledger)
            if fields is not None:
                for f, field in enumerate(LEDGER_FIELDS):
                    fields[f, :, j] = getattr(ledger, field)
            if progress is not None and k > 1:
                progress(j + 1, k)
        measures[:] = path_measures(path_k, paths.rate_annual)
        if keep:
            total[:] = path_k
    else:
        kernel: Callable[..., None]
        if name == "numba":
            from hedgekit.engine._hedge_numba import (
                hedge_chunk_compiled,
                hedge_chunk_fast_compiled,
            )

            kernel = hedge_chunk_compiled if full else hedge_chunk_fast_compiled
        elif name == "numpy":
            from hedgekit.engine._hedge_numpy import hedge_chunk_numpy

            kernel = hedge_chunk_numpy
        else:  # the compiled kernels' code run by Python
            from hedgekit.engine._hedge_fast import hedge_chunk_fast
            from hedgekit.engine._hedge_kernel import hedge_chunk

            kernel = hedge_chunk if full else hedge_chunk_fast
        g2 = _as_2d(paths.portfolio_growth)
        fs2 = _as_2d(paths.futures_price_settle)
        fh2 = _as_2d(paths.futures_price_hold)
        roll = paths.is_roll.astype(np.uint8)
        b2 = np.full((n, 1), terms.beta) if paths.beta is None else _as_2d(paths.beta)
        sc = _scalars(terms)
        if chunk_runs is None:
            chunk_runs = NUMPY_CHUNK_RUNS if name == "numpy" else DEFAULT_CHUNK_RUNS
        chunk = max(1, int(chunk_runs))
        bounds = [(lo, min(k, lo + chunk)) for lo in range(0, k, chunk)]

        def work(lo: int, hi: int) -> tuple[int, int, Float64Array, Float64Array]:
            tg = _target_chunk(targets, n, lo, hi)
            w = hi - lo
            # the kernel writes the paths straight into the result (no copy of n x w)
            if fields is not None:
                out = fields[:, :, lo:hi]
            else:
                out = total[None, :, lo:hi] if keep else np.empty((0, 0, 0))
            cnt = np.zeros((len(COUNTERS), w))
            ms = np.empty((len(MEASURES), w))
            kernel(g2, paths.rate_annual, fs2, fh2, roll, cal, b2, tg, rp[lo:hi], cm[lo:hi],
                   cf[lo:hi], sc, full, lo, out, cnt, keep, ms)  # fmt: skip
            return lo, hi, cnt, ms

        def collect(lo: int, hi: int, cnt: Float64Array, ms: Float64Array) -> None:
            counters[:, lo:hi] = cnt
            measures[:, lo:hi] = ms
            if fields is not None:
                total[:, lo:hi] = fields[LEDGER_FIELDS.index("total_value_usd"), :, lo:hi]

        threads = _threads() if name == "numba" else 1
        done = 0
        if threads > 1 and len(bounds) > 1:
            with ThreadPoolExecutor(max_workers=min(threads, len(bounds))) as pool:
                futures = [pool.submit(work, lo, hi) for lo, hi in bounds]
                for fut in futures:
                    collect(*fut.result())
                    lo, hi = fut.result()[:2]
                    done += hi - lo
                    if progress is not None:
                        progress(done, k)
        else:
            for lo, hi in bounds:
                collect(*work(lo, hi))
                done += hi - lo
                if progress is not None:
                    progress(done, k)

    return HedgePaths(
        total_value_usd=total,
        counters={name_: counters[c].copy() for c, name_ in enumerate(COUNTERS)},
        fields={} if fields is None else {f: fields[i] for i, f in enumerate(LEDGER_FIELDS)},
        is_roll=paths.is_roll,
        initial_value_usd=terms.initial_value_usd,
        initial_cash_usd=terms.initial_cash_usd,
        engine=name,
        measures={name_: measures[c].copy() for c, name_ in enumerate(MEASURES)},
    )


def path_measures(values: Float64Array, rate_annual: Float64Array) -> Float64Array:
    """The kernels' online measures (rows ``MEASURES``) of value paths ``(n, k)``, day by day.

    The same :func:`~hedgekit.engine._hedge_kernel.measure_day` steps the kernels take, so a
    ledger's path gives the kernels' numbers.
    """
    n, k = values.shape
    ms = np.zeros((len(MEASURES), k))
    measure_start(ms, values[0])
    with np.errstate(divide="ignore", invalid="ignore"):
        for t in range(1, n):
            measure_day(ms, t, values[t], rate_annual[t - 1] / TRADING_DAYS_PER_YEAR, 1.0 / t)
    return ms


def unhedged_values(paths: PathSet, terms: HedgeTerms) -> Float64Array:
    r"""Value of the same stocks and cash without any hedge, ``(n,)`` or ``(n, k)``.

    :math:`U_t = S_t + C_t` with :math:`S_t = S_{t-1} g_t` and :math:`C_t = C_{t-1}(1 +
    r_{t-1}/252)`, multiplied in the same order as the kernels, so that a run with a zero
    hedge reproduces it exactly.
    """
    g = np.array(paths.portfolio_growth, dtype=np.float64, copy=True)
    g[0] = terms.initial_value_usd
    stocks = np.multiply.accumulate(g, axis=0)
    gross = np.empty(paths.n_days)
    gross[0] = terms.initial_cash_usd
    gross[1:] = 1.0 + paths.rate_annual[:-1] / TRADING_DAYS_PER_YEAR
    cash = np.multiply.accumulate(gross)
    out: Float64Array = stocks + (cash if stocks.ndim == 1 else cash[:, None])
    return out


def _threads() -> int:
    try:
        from numba import get_num_threads

        return int(get_num_threads())
    except ImportError:  # pragma: no cover - numba checked before
        return os.cpu_count() or 1


def _ledger_counters(ledger: HedgeLedger) -> Float64Array:
    """The kernel's counters, recomputed from a full ledger (the oracle's way)."""
    roll = ledger.is_roll
    calls = ledger.margin_call_usd
    prev_contracts = np.r_[0.0, ledger.contracts[:-1]]
    values = {
        "fees_usd": ledger.fees_usd.sum(),
        "slippage_usd": ledger.slippage_usd.sum(),
        "roll_fees_usd": ledger.fees_usd[roll].sum(),
        "roll_slippage_usd": ledger.slippage_usd[roll].sum(),
        "margin_interest_cost_usd": ledger.margin_interest_cost_usd.sum(),
        "interest_usd": ledger.interest_usd.sum(),
        "n_trades": ledger.trades.sum(),
        "n_rolls": float(np.count_nonzero(roll & (prev_contracts != 0.0))),
        "n_margin_calls": float(np.count_nonzero(calls > 0.0)),
        "largest_margin_call_usd": float(calls.max(initial=0.0)),
        "margin_calls_usd": calls.sum(),
        "sum_hedge_ratio_effective": ledger.hedge_ratio_effective.sum(),
        "days_hedged": float(np.count_nonzero(ledger.contracts != 0.0)),
        "sum_hedge_ratio_target": ledger.hedge_ratio_target.sum(),
        "deposits_usd": ledger.deposit_usd.sum(),
        "sweeps_usd": ledger.sweep_usd.sum(),
    }
    return np.array([float(values[c]) for c in COUNTERS])
