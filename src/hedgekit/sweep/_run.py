"""Running a sweep: batches of backtests on the batched engine, streamed out, ranked, mapped.

The grid's runs are taken in order, ``batch_runs`` at a time; each batch goes to
:func:`hedgekit.backtest.run_batch` (runs that share a market and an account are one batched
kernel call). Batches run on ``workers`` threads (the compiled kernel releases the GIL) and
their rows are handed on in run order: written to the output file, folded into the best and
worst tables (at most ``top`` rows each) and into the heatmap's cells (a sum and a count per
cell). Memory therefore depends on the batch size, not on the number of runs; the full table
is kept in memory only when asked (``keep_rows``) or when there is no output file.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from hedgekit._io import Interrupted
from hedgekit.errors import InputError
from hedgekit.sweep._spec import SweepSpec
from hedgekit.sweep._writer import ResultWriter

__all__ = ["SweepResult", "run_sweep"]

#: Columns of the engine's summary that are not measures (the sweep has its own run ids).
_DROP = ("run", "label")


@dataclass(frozen=True, slots=True, eq=False)
class SweepResult:
    """What a sweep found.

    Attributes
    ----------
    spec
        The grid.
    n_runs
        Runs simulated.
    best, worst
        The ``top`` best and worst runs by ``spec.metric`` (best first / worst first).
    heatmap_cells
        With ``spec.heatmap = (x, y)``: one row per ``(x, y)`` cell with the mean of the
        metric over the other axes (``<metric>``) and the number of runs (``runs``).
    rows
        Every run's row, when kept (``keep_rows`` or no output file); else ``None``.
    path
        The output file, when written.
    elapsed_s
        Wall time of the sweep.
    engine
        Engine(s) used.
    """

    spec: SweepSpec
    n_runs: int
    best: pd.DataFrame
    worst: pd.DataFrame
    heatmap_cells: pd.DataFrame | None
    rows: pd.DataFrame | None = field(repr=False)
    path: Path | None
    elapsed_s: float
    engine: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe summary: the grid, counts, timings, best and worst runs, heatmap cells."""

        def records(frame: pd.DataFrame | None) -> list[dict[str, Any]] | None:
            if frame is None:
                return None
            out: list[dict[str, Any]] = []
            for row in frame.to_dict(orient="records"):
                out.append({str(k): _plain(v) for k, v in row.items()})
            return out

        return {
            "grid": self.spec.to_dict(),
            "n_runs": self.n_runs,
            "elapsed_s": self.elapsed_s,
            "runs_per_s": self.n_runs / self.elapsed_s if self.elapsed_s > 0 else None,
            "engine": self.engine,
            "output": None if self.path is None else str(self.path),
            "metric": self.spec.metric,
            "order": self.spec.order,
            "best": records(self.best),
            "worst": records(self.worst),
            "heatmap": None
            if self.heatmap_cells is None or self.spec.heatmap is None
            else {
                "x": self.spec.heatmap[0],
                "y": self.spec.heatmap[1],
                "cells": records(self.heatmap_cells),
            },
        }


def _plain(v: Any) -> Any:
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if isinstance(v, pd.Timestamp):
        return v.date().isoformat()
    return v


def _iso(v: Any) -> Any:
    """Dates (the drawdown's start, trough and end) as ISO text, so every batch has one type."""
    if isinstance(v, dt.datetime):
        return v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    return v


def _column_value(v: Any) -> Any:
    """A parameter value as a table cell: numbers stay numbers, the rest becomes text."""
    if isinstance(v, bool):
        return v
    if isinstance(v, int | float):
        return float(v)
    if v is None:
        return None
    return str(v)


def _batches(spec: SweepSpec) -> Iterator[tuple[int, list[dict[str, Any]]]]:
    points = spec.points()
    start = 0
    while True:
        chunk = list(itertools.islice(points, spec.batch_runs))
        if not chunk:
            return
        yield start, chunk
        start += len(chunk)


def _run_batch(
    spec: SweepSpec, start: int, points: list[dict[str, Any]]
) -> tuple[pd.DataFrame, str]:
    from hedgekit.backtest import run_batch

    specs = [spec.backtest_spec(p) for p in points]
    try:
        summary = run_batch(specs, engine=spec.engine)  # type: ignore[arg-type]
    except InputError as exc:
        raise InputError(
            f"run {start}..{start + len(points) - 1} ({points[0]}): {exc.message}",
            source=exc.source or spec.source,
            row=exc.row,
            column=exc.column,
            value=exc.value,
            expected=exc.expected,
        ) from None
    measures = summary.frame.drop(columns=[c for c in _DROP if c in summary.frame.columns])
    for col in measures.columns:
        if measures[col].dtype == object:
            measures[col] = measures[col].map(_iso)
    params = pd.DataFrame(
        {key: [_column_value(p[key]) for p in points] for key in spec.parameter_keys}
    )
    frame = pd.concat(
        [
            pd.DataFrame({"run": np.arange(start, start + len(points), dtype=np.int64)}),
            params,
            measures.reset_index(drop=True),
        ],
        axis=1,
    )
    return frame, summary.engine


class _Ranking:
    """The ``top`` best and worst rows seen so far."""

    def __init__(self, metric: str, order: str, top: int) -> None:
        self.metric = metric
        self.high = order == "high"
        self.top = top
        self.best: pd.DataFrame | None = None
        self.worst: pd.DataFrame | None = None

    def add(self, frame: pd.DataFrame) -> None:
        valid = frame[frame[self.metric].notna()]
        best = valid if self.best is None else pd.concat([self.best, valid])
        worst = valid if self.worst is None else pd.concat([self.worst, valid])
        # ties keep the earlier run first: sort by (metric, run) explicitly
        self.best = best.sort_values(
            [self.metric, "run"], ascending=[not self.high, True], kind="stable"
        ).head(self.top)
        self.worst = worst.sort_values(
            [self.metric, "run"], ascending=[self.high, True], kind="stable"
        ).head(self.top)


class _Cells:
    """Sum and count of the metric per heatmap cell."""

    def __init__(self, x: str, y: str, metric: str) -> None:
        self.x, self.y, self.metric = x, y, metric
        self.sums: dict[tuple[Any, Any], tuple[float, int]] = {}

    def add(self, frame: pd.DataFrame) -> None:
        part = frame[[self.x, self.y, self.metric]].dropna(subset=[self.metric])
        grouped = part.groupby([self.x, self.y], sort=False, dropna=False)[self.metric]
        for (xv, yv), (s, n) in zip(
            grouped.sum().index, zip(grouped.sum().to_numpy(), grouped.count().to_numpy(),
                                     strict=True), strict=True,
        ):  # fmt: skip
            old = self.sums.get((xv, yv), (0.0, 0))
            self.sums[(xv, yv)] = (old[0] + float(s), old[1] + int(n))

    def frame(self) -> pd.DataFrame:
        rows = [
            {self.x: k[0], self.y: k[1], self.metric: s / n, "runs": n}
            for k, (s, n) in self.sums.items()
        ]
        if not rows:
            return pd.DataFrame(columns=[self.x, self.y, self.metric, "runs"])
        return (
            pd.DataFrame(rows).sort_values([self.y, self.x], kind="stable").reset_index(drop=True)
        )


def run_sweep(
    spec: SweepSpec,
    *,
    out: str | Path | None = None,
    workers: int = 1,
    keep_rows: bool | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> SweepResult:
    """Run every backtest of the grid; stream the table; rank; aggregate the heatmap.

    Parameters
    ----------
    spec
        The grid (:func:`~hedgekit.sweep.load_sweep_toml`,
        :func:`~hedgekit.sweep.sweep_from_mapping`).
    out
        Output table (``.parquet`` or ``.csv``), written batch by batch; one row per run:
        ``run``, the axis keys, ``policy``, ``rebalance``, ``rebalance_parameter``, every
        :class:`~hedgekit.metrics.Metrics` field and ``unhedged_*`` measures.
        The rows go to ``out + ".partial"``, renamed to ``out`` when the last run is in, so
        a file at ``out`` is always a whole sweep. A failure removes the partial file; a
        Ctrl-C keeps it beside ``out + ".partial.manifest.json"`` (runs done of runs
        planned) and raises :class:`hedgekit._io.Interrupted`, a ``KeyboardInterrupt``
        whose message names both files.
    workers
        Batches simulated at once on threads (>= 1).
    keep_rows
        Keep every row in memory (default: only when ``out`` is None).
    progress
        ``progress(runs_done, n_runs)`` after each batch.

    Returns
    -------
    SweepResult
    """
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise InputError("must be a whole number >= 1", source="workers", value=workers)
    keep = out is None if keep_rows is None else keep_rows
    t0 = time.perf_counter()
    ranking = _Ranking(spec.metric, spec.order, spec.top)
    cells = _Cells(*spec.heatmap, spec.metric) if spec.heatmap else None
    kept: list[pd.DataFrame] = []
    engines: set[str] = set()
    total = spec.n_runs
    done = 0
    writer = ResultWriter(out) if out is not None else None

    def consume(frame: pd.DataFrame, engine: str) -> None:
        nonlocal done
        engines.update(engine.split("+"))
        if writer is not None:
            writer.write(frame)
        ranking.add(frame)
        if cells is not None:
            cells.add(frame)
        if keep:
            kept.append(frame)
        done += len(frame)
        if progress is not None:
            progress(done, total)

    try:
        if workers == 1:
            for start, points in _batches(spec):
                consume(*_run_batch(spec, start, points))
        else:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                pending: list[Future[tuple[pd.DataFrame, str]]] = []
                for start, points in _batches(spec):
                    pending.append(pool.submit(_run_batch, spec, start, points))
                    # keep at most 2 batches per worker in flight (bounded memory), in order
                    while len(pending) >= 2 * workers:
                        consume(*pending.pop(0).result())
                for fut in pending:
                    consume(*fut.result())
    except KeyboardInterrupt:
        if writer is not None and writer.keep_partial(done, total):
            raise Interrupted(
                f"partial results in {writer.partial}, see {writer.manifest}"
            ) from None
        raise
    except BaseException:
        if writer is not None:
            writer.discard()
        raise
    if writer is not None:
        writer.close()
    empty = pd.DataFrame()
    return SweepResult(
        spec=spec,
        n_runs=done,
        best=ranking.best if ranking.best is not None else empty,
        worst=ranking.worst if ranking.worst is not None else empty,
        heatmap_cells=cells.frame() if cells is not None else None,
        rows=pd.concat(kept, ignore_index=True) if keep and kept else None,
        path=None if writer is None else writer.path,
        elapsed_s=time.perf_counter() - t0,
        engine="+".join(sorted(engines)),
    )
