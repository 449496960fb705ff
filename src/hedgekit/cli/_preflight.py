"""Pre-flight checks of long commands: estimate memory and time before the work starts.

``stress`` grows with paths × sessions and ``sweep`` with runs × sessions. Before either
starts, its peak memory and its duration are estimated from these counts with the constants
below, each measured with the benchmark named beside it (``benchmarks/README.md``, 2-vCPU
Cascade Lake VM, Python 3.11, numba kernels):

* a command that cannot fit in this machine's memory (``os.sysconf`` physical pages, of which
  :data:`MEMORY_SHARE` may be used) is refused with the estimate and the limit;
* a command estimated to run longer than :data:`CONFIRM_ABOVE_S` asks for ``--yes``.

The estimates are deliberately on the slow and large side: a refusal costs the user one
retyped option, a run that dies an hour in with ``MemoryError`` costs the hour.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from typing import Any, Final

from hedgekit.errors import InputError

__all__ = ["check_stress", "check_sweep", "machine_memory_bytes"]

#: Share of the machine's physical memory a command may plan to use.
MEMORY_SHARE: Final = 0.8
#: Above this estimated duration a command asks for ``--yes`` (10 minutes).
CONFIRM_ABOVE_S: Final = 600.0

#: Memory of a stress or sweep process before its grid grows: interpreter, numpy, pandas,
#: numba, the bundled data. ``benchmarks/README.md`` "Sweeps": a 1-run sweep peaks at 283 MB;
#: ``/usr/bin/time -f %M hedgekit stress --paths 50000 --json``: 428 MB.
BASE_BYTES: Final = 500 * 2**20
#: Stress: bytes kept per path (the per-path outcome table, its summary's sorted copies).
#: Measured: peak RSS of ``hedgekit stress --json`` with 50,000 and 400,000 paths differs by
#: 75 MB, 219 bytes per path; doubled for the summary's sorts at larger counts.
STRESS_BYTES_PER_PATH: Final = 440
#: Stress: bytes per path-session of one chunk in flight (returns, VIX, rates, the draw's
#: indices, levels and fair values: about six float64 arrays; ``montecarlo/_chunks.py``).
STRESS_BYTES_PER_CHUNK_CELL: Final = 6 * 8
#: Stress: paths per chunk (``hedgekit.montecarlo.DEFAULT_CHUNK_PATHS``).
STRESS_CHUNK_PATHS: Final = 8192
#: Stress throughput, path-sessions per second: ``benchmarks/README.md`` "montecarlo.py",
#: numba kernel, 2 workers, first call 8-9 M (bootstrap and GBM paths); the GARCH model
#: simulates through ``arch`` at ~2.5 s per 20,000 paths of 252 sessions, 2 M.
STRESS_PATH_DAYS_PER_S: Final = {"bootstrap": 8e6, "gbm": 8e6, "garch": 2e6}
#: Sweep throughput, run-sessions per second: ``benchmarks/README.md`` "Sweeps", 5,050 runs
#: over 8,568 sessions in 10.4-12.2 s (3.5-4.2 M run-sessions/s); the slower end.
SWEEP_RUN_DAYS_PER_S: Final = 3.5e6
#: Sweep: bytes per run-session of a batch in flight (the engine keeps each batch's daily
#: values while it measures them). ``benchmarks/README.md`` "Sweeps": 1 worker, batches of
#: 256 runs over 8,568 sessions peak 214 MB above the 1-run sweep, ~100 bytes.
SWEEP_BYTES_PER_BATCH_CELL: Final = 100
#: Sweep: bytes per run of the result rows kept in memory when there is no ``--out``
#: (parameters, ~40 measures and dates of one row of a pandas frame, with slack).
SWEEP_BYTES_PER_ROW: Final = 1024
#: Sessions per calendar day (NYSE: about 252 sessions in 365.25 days).
SESSIONS_PER_DAY: Final = 252 / 365.25


def machine_memory_bytes() -> int | None:
    """Physical memory of this machine (``os.sysconf``), or ``None`` where it is unknown."""
    try:
        pages = os.sysconf("SC_PHYS_PAGES")
        size = os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return None
    return pages * size if pages > 0 and size > 0 else None


def _gib(n: float) -> str:
    return f"{n / 2**30:,.1f} GiB"


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:,.0f} s"
    if seconds < 2 * 3600:
        return f"{seconds / 60:,.0f} minutes"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:,.1f} hours"
    return f"{seconds / 86400:,.0f} days"


def _check(
    memory_bytes: float, seconds: float, source: str, value: Any, what: str, smaller: str, yes: bool
) -> None:
    total = machine_memory_bytes()
    if total is not None and memory_bytes > MEMORY_SHARE * total:
        raise InputError(
            f"{what} needs about {_gib(memory_bytes)} of memory; this machine has "
            f"{_gib(total)}, of which {MEMORY_SHARE:.0%} "
            f"({_gib(MEMORY_SHARE * total)}) may be used",
            source=source, value=value, expected=smaller,
        )  # fmt: skip
    if seconds > CONFIRM_ABOVE_S and not yes:
        raise InputError(
            f"{what} is estimated to take about {_duration(seconds)} "
            f"(more than {_duration(CONFIRM_ABOVE_S)})",
            source=source, value=value, expected=f"--yes to run it anyway, or {smaller}",
        )  # fmt: skip


def stress_estimate(paths: int, sessions: int, workers: int, model: str) -> tuple[float, float]:
    """``(peak memory in bytes, seconds)`` of ``hedgekit stress`` (constants above)."""
    paths, sessions = max(paths, 0), max(sessions, 0)
    in_flight = max(1, workers) * min(paths, STRESS_CHUNK_PATHS) * sessions
    memory = BASE_BYTES + paths * STRESS_BYTES_PER_PATH + in_flight * STRESS_BYTES_PER_CHUNK_CELL
    rate = STRESS_PATH_DAYS_PER_S.get(model.lower(), min(STRESS_PATH_DAYS_PER_S.values()))
    return float(memory), paths * sessions / rate


def check_stress(paths: int, sessions: int, workers: int, model: str, *, yes: bool) -> None:
    """Refuse a stress that cannot fit in memory; ask for ``--yes`` above 10 minutes."""
    memory, seconds = stress_estimate(paths, sessions, workers, model)
    long = paths * STRESS_BYTES_PER_PATH < sessions * STRESS_BYTES_PER_CHUNK_CELL * min(
        paths, STRESS_CHUNK_PATHS
    )
    _check(
        memory, seconds, "--horizon-days" if long else "--paths", sessions if long else paths,
        f"{paths:,} paths x {sessions:,} sessions", "fewer --paths or a shorter --horizon-days",
        yes,
    )  # fmt: skip


def _dates(spec: Any, key: str) -> list[dt.date]:
    from hedgekit._dates import to_date

    values = [spec.fixed[key]] if key in spec.fixed else []
    for axis in spec.axes:
        if axis.key == key:
            values.extend(axis.values)
    return [to_date(v, key) for v in values if v is not None]


def sweep_sessions(spec: Any) -> int:
    """The most sessions any run of ``spec`` covers (its longest period), estimated."""
    starts = _dates(spec, "period.start")
    ends = _dates(spec, "period.end")
    years = [spec.fixed["period.years"]] if spec.fixed.get("period.years") is not None else []
    for axis in spec.axes:
        if axis.key == "period.years":
            years.extend(axis.values)
    if not starts:
        return 0
    span_days = 0.0
    if ends:
        span_days = (max(ends) - min(starts)).days
    if years:
        span_days = max(span_days, max(int(y) for y in years) * 365.25)
    return math.ceil(max(span_days, 0.0) * SESSIONS_PER_DAY) + 1


def sweep_estimate(
    runs: int, sessions: int, workers: int, batch_runs: int, keep_rows: bool
) -> tuple[float, float]:
    """``(peak memory in bytes, seconds)`` of ``hedgekit sweep`` (constants above)."""
    in_flight = max(1, workers) * min(runs, batch_runs) * sessions
    memory = BASE_BYTES + in_flight * SWEEP_BYTES_PER_BATCH_CELL
    if keep_rows:
        memory += runs * SWEEP_BYTES_PER_ROW
    return float(memory), runs * sessions / SWEEP_RUN_DAYS_PER_S


def check_sweep(spec: Any, workers: int, keep_rows: bool, *, yes: bool) -> None:
    """Refuse a sweep that cannot fit in memory; ask for ``--yes`` above 10 minutes."""
    runs, sessions = spec.n_runs, sweep_sessions(spec)
    memory, seconds = sweep_estimate(runs, sessions, workers, spec.batch_runs, keep_rows)
    smaller = "fewer grid values or a shorter period"
    if keep_rows:
        smaller += " (or --out FILE, which keeps no rows in memory)"
    _check(
        memory, seconds, "--grid", f"{runs:,} runs",
        f"{runs:,} runs x {sessions:,} sessions", smaller, yes,
    )  # fmt: skip
