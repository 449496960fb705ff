"""A sweep on a Dask cluster: chunks of runs, one Parquet file each, resumable.

The grid's runs, in run order, are cut into chunks of ``chunk_runs`` runs (a multiple of
the grid's ``batch_runs``, so every engine call is the very batch the one-process sweep
makes, and every row is the same bit for bit). Chunk ``i`` holds runs
``i·chunk_runs .. (i+1)·chunk_runs - 1`` whatever the number of workers. A worker runs its
chunk batch by batch (:func:`hedgekit.backtest.run_batch`), writes ``part-i.parquet`` itself
and sends back only what the summary needs: the chunk's best and worst rows and the heatmap's
sums per batch. The client folds those in chunk order, as the one-process sweep folds its
batches, so the best, worst and heatmap equal the one-process sweep's too.
"""

from __future__ import annotations

import math
import secrets
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from hedgekit._io import Interrupted
from hedgekit.distributed._cluster import client_for, dashboard_link, run_tasks
from hedgekit.distributed._dataset import (
    ChunkFolder,
    part_metadata,
    part_name,
    result_folder,
    resume_note,
    spec_hash,
    write_part,
)
from hedgekit.errors import InputError
from hedgekit.sweep import SweepResult, SweepSpec

__all__ = ["TARGET_RUN_DAYS", "sweep_chunk_runs", "sweep_chunks", "sweep_on_dask"]

#: Run-days per chunk by default (runs x sessions per run): about 1,000 one-year runs, a
#: second of one core. Measured (benchmarks/README.md, "Sweeps and stresses on Dask"): a
#: chunk costs ~25 ms beyond its runs (its Parquet file, its summary, ~3 ms of Dask), which
#: dominates below ~64 one-year runs; far larger chunks leave workers idle at the end.
TARGET_RUN_DAYS = 250_000
_SESSIONS_PER_YEAR = 252.0
_DAYS_PER_YEAR = 365.25


def _sessions_per_run(spec: SweepSpec) -> float:
    """Sessions of the grid's first run (an estimate for sizing chunks, not a count)."""
    from hedgekit.sweep._spec import _period

    point = next(spec.points())
    start, end = _period(spec.settings(point), spec.source)
    return max(1.0, (end - start).days * _SESSIONS_PER_YEAR / _DAYS_PER_YEAR)


def sweep_chunk_runs(spec: SweepSpec, chunk_runs: int | None = None) -> int:
    """Runs per chunk: ``chunk_runs`` or about :data:`TARGET_RUN_DAYS` run-days.

    Rounded up to a multiple of ``spec.batch_runs``, so chunks are made of whole batches.
    """
    batch = spec.batch_runs
    if chunk_runs is None:
        chunk_runs = max(1, round(TARGET_RUN_DAYS / _sessions_per_run(spec)))
    if isinstance(chunk_runs, bool) or not isinstance(chunk_runs, int) or chunk_runs < 1:
        raise InputError("must be a whole number >= 1", source="--chunk-runs", value=chunk_runs)
    return math.ceil(chunk_runs / batch) * batch


def sweep_chunks(spec: SweepSpec, chunk_runs: int) -> list[tuple[int, int]]:
    """``[lo, hi)`` run ranges of the chunks, in run order."""
    n = spec.n_runs
    return [(lo, min(lo + chunk_runs, n)) for lo in range(0, n, chunk_runs)]


def _description(spec: SweepSpec, chunk_runs: int) -> dict[str, Any]:
    """What the rows depend on (not the ranking options: --metric, --top, --heatmap)."""
    d = spec.to_dict()
    return {
        "n_runs": spec.n_runs,
        "fixed": d["fixed"],
        "axes": d["axes"],
        "batch_runs": spec.batch_runs,
        "engine": spec.engine,
        "chunk_runs": chunk_runs,
    }


def grid_points(spec: SweepSpec, lo: int, hi: int) -> list[dict[str, Any]]:
    """Runs ``lo .. hi-1`` of ``spec.points()``, each found from its number alone.

    Run ``k``'s value on each axis is a digit of ``k`` in the mixed radix of the axes'
    lengths (the last axis varies fastest, as ``itertools.product``), so a chunk far into a
    grid of millions of runs does not walk the runs before it.
    """
    keys = spec.parameter_keys
    values = [tuple(a.values) for a in spec.axes]
    sizes = [len(v) for v in values]
    out: list[dict[str, Any]] = []
    for k in range(lo, hi):
        digits: list[int] = []
        for n in reversed(sizes):
            k, d = divmod(k, n)
            digits.append(d)
        digits.reverse()
        out.append({key: v[d] for key, v, d in zip(keys, values, digits, strict=True)})
    return out


def _chunk_frame(spec: SweepSpec, lo: int, hi: int) -> tuple[pd.DataFrame, str]:
    from hedgekit.sweep._run import _run_batch

    points = grid_points(spec, lo, hi)
    frames: list[pd.DataFrame] = []
    engines: set[str] = set()
    for b in range(0, len(points), spec.batch_runs):
        frame, engine = _run_batch(spec, lo + b, points[b : b + spec.batch_runs])
        frames.append(frame)
        engines.update(engine.split("+"))
    return pd.concat(frames, ignore_index=True), "+".join(sorted(engines))


def _summary(spec: SweepSpec, frame: pd.DataFrame) -> dict[str, Any]:
    """The chunk's candidates for best and worst, and the heatmap's sums batch by batch."""
    from hedgekit.sweep._run import _Cells, _Ranking

    ranking = _Ranking(spec.metric, spec.order, spec.top)
    ranking.add(frame)
    tops = [f for f in (ranking.best, ranking.worst) if f is not None and len(f)]
    top = pd.concat(tops).drop_duplicates("run") if tops else frame.head(0)
    cells: list[dict[tuple[Any, Any], tuple[float, int]]] = []
    if spec.heatmap is not None:
        for b in range(0, len(frame), spec.batch_runs):
            batch = _Cells(*spec.heatmap, spec.metric)
            batch.add(frame.iloc[b : b + spec.batch_runs])
            cells.append(batch.sums)
    return {"rows": len(frame), "top": top, "cells": cells}


def sweep_chunk(spec: SweepSpec, folder: str, index: int, lo: int, hi: int) -> dict[str, Any]:
    """Runs ``lo .. hi-1`` of the grid into ``folder/part-index.parquet``; their summary.

    A chunk whose file is already there (a run resumed) is read, not run again.
    """
    path = Path(folder)
    part = path / part_name(index)
    if part.exists():
        frame = pd.read_parquet(part)
        engine = part_metadata(part).get("hedgekit.engine", "")
        resumed = True
    else:
        frame, engine = _chunk_frame(spec, lo, hi)
        write_part(path, index, frame, {"hedgekit.engine": engine})
        resumed = False
    return {**_summary(spec, frame), "engine": engine, "resumed": resumed}


def sweep_on_dask(
    spec: SweepSpec,
    out: str | Path | None,
    *,
    scheduler: str = "local",
    workers: int | None = None,
    chunk_runs: int | None = None,
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
    on_dashboard: Callable[[str | None], None] | None = None,
    on_note: Callable[[str], None] | None = None,
    client: Any = None,
) -> SweepResult:
    """Run the sweep on a Dask cluster, one Parquet file per chunk in the folder ``out``.

    Parameters
    ----------
    spec
        The grid.
    out
        Result folder (created; its parent must exist; ``None``: ``hedgekit-sweep-<hash>``
        in the current folder, so the same sweep run again resumes it). A folder holding the
        same sweep (same runs, batches, engine and chunks: the manifest's hash) is resumed,
        its finished chunks kept; a folder of another sweep is refused unless ``force``.
    scheduler
        ``"local"`` (a local cluster of ``workers`` processes) or a scheduler address.
    workers
        Worker processes of a local cluster.
    chunk_runs
        Runs per chunk (default about :data:`TARGET_RUN_DAYS` run-days per chunk).
    force
        Replace a folder holding other results.
    progress
        ``progress(runs_done, n_runs)`` as chunks finish (resumed chunks count at once).
    on_dashboard
        Called with the Dask dashboard's address (``None`` when none is served).
    on_note
        Called with one sentence when the run resumes chunks an earlier run finished.
    client
        A :class:`distributed.Client` to use instead of connecting to ``scheduler``.

    Returns
    -------
    SweepResult
        With ``rows=None`` (the rows are in the folder, never gathered) and ``path=out``.
    """
    t0 = time.perf_counter()
    size = sweep_chunk_runs(spec, chunk_runs)
    chunks = sweep_chunks(spec, size)
    if chunk_runs is not None and size != chunk_runs and on_note is not None:
        on_note(
            f"--chunk-runs {chunk_runs} rounded up to {size}: a chunk is whole batches of "
            f"--batch-runs {spec.batch_runs}, so the {spec.n_runs} runs make {len(chunks)} "
            f"chunk{'s' if len(chunks) != 1 else ''}."
        )
    description = _description(spec, size)
    digest = spec_hash("sweep", description)
    folder = ChunkFolder(
        result_folder(out, "sweep", digest), "sweep", digest, len(chunks), spec.n_runs, description
    )
    done_before = folder.prepare(option="--out", force=force)
    if done_before and on_note is not None:
        on_note(resume_note(len(done_before), len(chunks), folder.path, "sweep"))

    from hedgekit.sweep._run import _Cells, _Ranking

    results: dict[int, dict[str, Any]] = {}
    state = {"folded": 0, "runs": sum(chunks[i][1] - chunks[i][0] for i in done_before)}
    ranking = _Ranking(spec.metric, spec.order, spec.top)
    cells = _Cells(*spec.heatmap, spec.metric) if spec.heatmap else None
    engines: set[str] = set()
    if progress is not None:
        progress(state["runs"], spec.n_runs)

    def on_result(i: int, summary: dict[str, Any]) -> None:
        results[i] = summary
        if not summary["resumed"]:
            state["runs"] += chunks[i][1] - chunks[i][0]
            if progress is not None:
                progress(state["runs"], spec.n_runs)
        # fold in chunk order, as the one-process sweep folds its batches
        while state["folded"] in results:
            s = results.pop(state["folded"])
            ranking.add(s["top"])
            if cells is not None:
                for sums in s["cells"]:
                    for k, (total, n) in sums.items():
                        old = cells.sums.get(k, (0.0, 0))
                        cells.sums[k] = (old[0] + float(total), old[1] + int(n))
            engines.update(e for e in str(s["engine"]).split("+") if e)
            state["folded"] += 1

    calls = [(str(folder.path), i, lo, hi) for i, (lo, hi) in enumerate(chunks)]
    key = f"hedgekit-sweep-{digest[:10]}-{secrets.token_hex(3)}"
    try:
        with client_for(client, scheduler, workers) as c:
            if on_dashboard is not None:
                on_dashboard(dashboard_link(c))
            run_tasks(c, sweep_chunk, [spec], calls, key=key, on_result=on_result)
    except KeyboardInterrupt:
        raise Interrupted(
            f"{len(folder.done())} of {len(chunks)} chunks are in {folder.path}; the same "
            "command resumes from there"
        ) from None
    folder.finish()
    empty = pd.DataFrame()
    return SweepResult(
        spec=spec,
        n_runs=spec.n_runs,
        best=ranking.best if ranking.best is not None else empty,
        worst=ranking.worst if ranking.worst is not None else empty,
        heatmap_cells=cells.frame() if cells is not None else None,
        rows=None,
        path=folder.path,
        elapsed_s=time.perf_counter() - t0,
        engine="+".join(sorted(engines)),
    )
