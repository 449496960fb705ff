"""``run_tasks``: the chunks of a job spread over every worker of the cluster."""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path

import pytest
from tests.distributed.conftest import EXAMPLE

pytestmark = pytest.mark.slow


def test_the_chunks_run_on_every_worker_not_only_where_the_shared_inputs_are(
    tmp_path: Path,
) -> None:
    # every chunk depends on the shared inputs (the spec, sent once as a task's result);
    # held by one worker only, they drew every chunk to that worker (data locality) and
    # the other sat idle: a 2-worker sweep ran no faster than a 1-worker one
    from distributed import Client, LocalCluster, get_task_stream
    from hedgekit.distributed import sweep_on_dask
    from hedgekit.sweep import load_sweep_toml

    spec = load_sweep_toml(str(EXAMPLE), [("sweep.batch_runs", [12])])
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                     dashboard_address=":0", silence_logs=logging.CRITICAL) as cluster,
        Client(cluster) as client,
    ):  # fmt: skip
        client.wait_for_workers(2)
        with get_task_stream(client) as stream:
            sweep_on_dask(spec, tmp_path / "runs", chunk_runs=24, client=client)
        workers = set(client.scheduler_info()["workers"])
    chunks = Counter(t["worker"] for t in stream.data if "-shared-" not in t["key"])
    assert sum(chunks.values()) == 8
    assert set(chunks) == workers, chunks
