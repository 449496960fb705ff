"""Sweeps and stresses on a Dask cluster (the ``dist`` extra: dask, distributed).

:func:`sweep_on_dask` and :func:`stress_on_dask` cut the work into chunks (runs x sessions
sized for the engine), scatter the inputs once to every worker, and have each worker write
its chunk's rows to one Parquet file of a result folder (:mod:`._dataset`), so nothing is
gathered in memory and a run stopped at any point is resumed by computing only the chunks
whose file is missing. A chunk's content depends on the spec and the chunk's number only
(stress paths are drawn with the chunk's child of the seed's ``SeedSequence``), so 1, 2 or
64 workers write the same bytes of data, equal to the one-process sweep and stress.

``scheduler="local"`` starts a local cluster of worker processes; an address
(``tcp://host:8786``) connects to a cluster already running. Dask is imported only when a
function here runs: importing :mod:`hedgekit` or starting the command line never loads it.

Examples
--------
>>> from hedgekit.distributed import check_scheduler
>>> check_scheduler("tcp://127.0.0.1:8786")
'tcp://127.0.0.1:8786'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hedgekit.distributed._cluster import check_scheduler, default_local_workers
from hedgekit.distributed._dataset import ChunkFolder, read_dataset, spec_hash

if TYPE_CHECKING:
    from hedgekit.distributed._stress import stress_on_dask
    from hedgekit.distributed._sweep import sweep_on_dask

__all__ = [
    "ChunkFolder",
    "check_scheduler",
    "default_local_workers",
    "read_dataset",
    "spec_hash",
    "stress_on_dask",
    "sweep_on_dask",
]


def __getattr__(name: str) -> Any:
    """The runners, imported on first use (they import the sweep and Monte Carlo code)."""
    if name == "sweep_on_dask":
        from hedgekit.distributed._sweep import sweep_on_dask

        return sweep_on_dask
    if name == "stress_on_dask":
        from hedgekit.distributed._stress import stress_on_dask

        return stress_on_dask
    raise AttributeError(name)
