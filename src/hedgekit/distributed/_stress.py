"""A stress on a Dask cluster: chunks of paths, one Parquet file each, resumable.

Chunk ``i`` is the ``i``-th chunk of :func:`hedgekit.montecarlo.run_stress`'s draw (paths
``i·chunk_paths ..``, drawn with the ``i``-th child of the seed's ``SeedSequence``), computed
alone by :func:`hedgekit.montecarlo.stress_chunk`, so the folder's rows are the one-process
stress's rows bit for bit, whatever the number of workers. Chunk 0 also keeps the fan chart's
daily values (``_fan.npz``, written before its part file). The summary (quantiles, VaR,
margin calls, buffers) needs every path's outcome: the client reads the folder back, one
chunk at a time, into the per-path table (about 120 bytes a path).
"""

from __future__ import annotations

import io
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from hedgekit._io import Interrupted, atomic_write_bytes
from hedgekit.distributed._cluster import client_for, dashboard_link, run_tasks
from hedgekit.distributed._dataset import (
    ChunkFolder,
    part_name,
    read_dataset,
    result_folder,
    resume_note,
    spec_hash,
    write_part,
)
from hedgekit.errors import InputError
from hedgekit.montecarlo import (
    DEFAULT_CHUNK_PATHS,
    DEFAULT_FAN_PATHS,
    PathModel,
    StressResult,
    StressSpec,
    stress_chunk,
    stress_result_from_outcomes,
)

__all__ = ["stress_on_dask"]

_FAN = "_fan.npz"


def stress_part(
    spec: StressSpec,
    model: PathModel,
    folder: str,
    n_paths: int,
    index: int,
    seed: int,
    chunk_paths: int,
    fan_paths: int,
    engine: str,
) -> dict[str, Any]:
    """Chunk ``index`` of the stress into ``folder/part-index.parquet`` (skipped when there)."""
    path = Path(folder)
    part = path / part_name(index)
    if part.exists():
        return {"resumed": True}
    rows, fan_h, fan_u = stress_chunk(
        spec, model, n_paths, index, rng=seed, chunk_paths=chunk_paths, fan_paths=fan_paths,
        engine=engine,  # type: ignore[arg-type]
    )  # fmt: skip
    if index == 0:
        buf = io.BytesIO()
        np.savez(buf, hedged=fan_h, unhedged=fan_u)
        atomic_write_bytes(path / _FAN, buf.getvalue())
    write_part(path, index, rows.reset_index(), {"hedgekit.engine": engine})
    return {"resumed": False}


def stress_on_dask(
    spec: StressSpec,
    model: PathModel,
    n_paths: int,
    out: str | Path | None,
    *,
    seed: int,
    scheduler: str = "local",
    workers: int | None = None,
    chunk_paths: int = DEFAULT_CHUNK_PATHS,
    fan_paths: int = DEFAULT_FAN_PATHS,
    engine: str = "auto",
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
    on_dashboard: Callable[[str | None], None] | None = None,
    on_note: Callable[[str], None] | None = None,
    client: Any = None,
) -> tuple[StressResult, Path]:
    """Run the stress on a Dask cluster, one Parquet file of outcomes per chunk in ``out``.

    Parameters
    ----------
    spec, model, n_paths, chunk_paths, fan_paths
        As for :func:`hedgekit.montecarlo.run_stress`.
    out
        Result folder (``None``: ``hedgekit-stress-<hash>`` in the current folder):
        ``part-NNNNN.parquet`` with a ``path`` column and the outcome columns
        of :attr:`hedgekit.montecarlo.StressResult.outcomes`. The same stress (the
        manifest's hash) is resumed; another is refused unless ``force``.
    seed
        The seed (an int): chunk ``i`` draws with the ``i``-th child of its SeedSequence.
    scheduler, workers, force, progress, on_dashboard, on_note, client
        As for :func:`hedgekit.distributed.sweep_on_dask` (``progress`` counts paths).
    engine
        ``"auto"``, ``"numba"`` or ``"numpy"``; resolved here, so every worker runs the same.

    Returns
    -------
    tuple
        The :class:`~hedgekit.montecarlo.StressResult`, equal to
        ``run_stress(spec, model, n_paths, rng=seed, ...)``, and the result folder.
    """
    from hedgekit.montecarlo._chunks import chunk_bounds
    from hedgekit.montecarlo._stress import _pick_kernel

    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise InputError("must be a whole number >= 0", source="--seed", value=seed)
    kernel = _pick_kernel(engine)
    bounds = chunk_bounds(n_paths, chunk_paths)
    description = {
        "spec": spec.to_dict(),
        "model": model.to_dict(),
        "n_paths": n_paths,
        "seed": seed,
        "chunk_paths": chunk_paths,
        "fan_paths": fan_paths,
        "engine": kernel,
    }
    digest = spec_hash("stress", description)
    folder = ChunkFolder(
        result_folder(out, "stress", digest), "stress", digest, len(bounds), n_paths, description
    )
    done_before = folder.prepare(option="--out", force=force)
    if 0 in done_before and not (folder.path / _FAN).exists():
        folder.part(0).unlink()  # its fan was lost: compute chunk 0 again
        done_before.discard(0)
    if done_before and on_note is not None:
        on_note(resume_note(len(done_before), len(bounds), folder.path, "stress"))
    state = {"paths": sum(bounds[i][1] - bounds[i][0] for i in done_before)}
    if progress is not None:
        progress(state["paths"], n_paths)

    def on_result(i: int, value: dict[str, Any]) -> None:
        if not value["resumed"]:
            state["paths"] += bounds[i][1] - bounds[i][0]
            if progress is not None:
                progress(state["paths"], n_paths)

    calls = [
        (str(folder.path), n_paths, i, seed, chunk_paths, fan_paths, kernel)
        for i in range(len(bounds))
        if i not in done_before
    ]
    todo = [i for i in range(len(bounds)) if i not in done_before]
    key = f"hedgekit-stress-{digest[:10]}-{secrets.token_hex(3)}"
    try:
        with client_for(client, scheduler, workers) as c:
            if on_dashboard is not None:
                on_dashboard(dashboard_link(c))
            if calls:
                run_tasks(c, stress_part, [spec, model], calls, key=key,
                          on_result=lambda j, v: on_result(todo[j], v))  # fmt: skip
    except KeyboardInterrupt:
        raise Interrupted(
            f"{len(folder.done())} of {len(bounds)} chunks are in {folder.path}; the same "
            "command resumes from there"
        ) from None
    folder.finish()
    outcomes = read_dataset(folder.path).set_index("path")
    with np.load(folder.path / _FAN) as fan:
        fan_h, fan_u = fan["hedged"], fan["unhedged"]
    result = stress_result_from_outcomes(spec, model, outcomes, fan_h, fan_u, seed=seed)
    return result, folder.path
