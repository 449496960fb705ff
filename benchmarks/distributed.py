"""Sweeps and stresses on Dask: throughput and memory per worker, and the cost of a task.

Runs, on a local cluster of 1 and then 2 worker processes (one thread each):

* a sweep of 101,000 one-year static-hedge backtests (20 start dates x h = 0..1 step 0.01 x
  band 0..0.49 step 0.01), written chunk by chunk to Parquet;
* a stress of 1,000,000 bootstrap paths x 252 sessions (the default stress's hedge);

then, on 2 workers, the same small sweep cut into chunks of 16 .. 4,096 runs (where the
scheduler's cost per task starts to show) and a round trip of empty tasks (the cost of a task
alone). Prints wall times, runs or path-days per second per worker, and each worker's peak
resident memory.

    python benchmarks/distributed.py                  # the full sizes (several minutes)
    python benchmarks/distributed.py --quick          # 10,100 runs and 200,000 paths
    python benchmarks/distributed.py --workers 1,2 --json out.json
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

# this file's name is the Dask package's: take its folder off the path so `distributed` is Dask
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]


def _peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _cpu_s() -> float:
    import resource

    u = resource.getrusage(resource.RUSAGE_SELF)
    return u.ru_utime + u.ru_stime


def _rss_mb() -> float:
    import os

    with open(f"/proc/{os.getpid()}/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _noop(i: int) -> int:
    return i


def sweep_spec(n_starts: int, batch_runs: int = 256) -> Any:
    from hedgekit.sweep import sweep_from_mapping

    starts = [f"{2000 + k}-01-03" for k in range(n_starts)]
    return sweep_from_mapping(
        {
            "period": {"start": starts, "years": 1},
            "portfolio": {"value_usd": 2_000_000, "beta": 1.0},
            "policy": {"type": "StaticHedge", "h": [round(0.01 * i, 2) for i in range(101)]},
            "rebalance": {"type": "Band",
                          "contracts_fraction": [round(0.01 * i, 2) for i in range(50)]},
            "sweep": {"metric": "max_drawdown", "batch_runs": batch_runs},
        }
    )  # fmt: skip


def stress_inputs(horizon_days: int) -> tuple[Any, Any]:
    from hedgekit.montecarlo import StationaryBootstrap, StressSpec, historical_sample

    sample = historical_sample()
    model = StationaryBootstrap(sample, 20.0, rate_start=float(sample.rate_annual[-1]))
    spec = StressSpec.for_contract(
        "ES", value_usd=5_000_000.0, start=sample.last_date,
        index_level=float(sample.index_close[-1]), rate_annual=float(sample.rate_annual[-1]),
        dividend_yield=0.015, horizon_days=horizon_days, commission_per_contract_usd=2.5,
        slippage_ticks=1.0, buffer_multiple=1.5,
    )  # fmt: skip
    return spec, model


def worker_cpu_s(client: Any) -> float:
    """CPU seconds used so far by all the workers together (load on the machine aside)."""
    return float(sum(client.run(_cpu_s).values()))


def worker_memory(client: Any) -> dict[str, float]:
    """Peak and current resident memory of each worker process, MB."""
    peak = client.run(_peak_rss_mb)
    now = client.run(_rss_mb)
    return {"peak_max_mb": max(peak.values()), "now_max_mb": max(now.values())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="10,100 runs, 200,000 paths")
    parser.add_argument("--workers", default="1,2", help="worker counts, e.g. 1,2")
    parser.add_argument("--days", type=int, default=252)
    parser.add_argument("--skip-stress", action="store_true")
    parser.add_argument("--skip-scan", action="store_true")
    parser.add_argument("--json", metavar="PATH")
    args = parser.parse_args(argv)
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
          f"({os.cpu_count()} cores)")  # fmt: skip

    from distributed import Client, LocalCluster
    from hedgekit.distributed import stress_on_dask, sweep_on_dask
    from hedgekit.distributed._sweep import sweep_chunk_runs

    n_starts = 2 if args.quick else 20
    n_paths = 200_000 if args.quick else 1_000_000
    spec = sweep_spec(n_starts)
    stress_spec, model = stress_inputs(args.days)
    print(f"sweep: {spec.n_runs:,} runs of one year; stress: {n_paths:,} paths x {args.days} "
          f"days{' (--quick sizes)' if args.quick else ''}")  # fmt: skip
    figures: dict[str, Any] = {"quick": args.quick, "runs": spec.n_runs, "paths": n_paths,
                               "by_workers": {}}  # fmt: skip
    root = Path(tempfile.mkdtemp(prefix="hedgekit-bench-"))
    try:
        for n in (int(x) for x in args.workers.split(",")):
            t0 = time.perf_counter()
            with (
                LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                             dashboard_address=":0", silence_logs=logging.ERROR) as cluster,
                Client(cluster) as client,
            ):  # fmt: skip
                t_start = time.perf_counter() - t0
                row: dict[str, Any] = {"cluster_start_s": t_start}
                t0, c0 = time.perf_counter(), worker_cpu_s(client)
                res = sweep_on_dask(spec, root / f"sweep-{n}", client=client)
                wall = time.perf_counter() - t0
                cpu = worker_cpu_s(client) - c0
                row["sweep_worker_cpu_s"] = cpu
                row["sweep_s"] = wall
                row["sweep_runs_per_s_per_worker"] = spec.n_runs / wall / n
                row["sweep_chunk_runs"] = sweep_chunk_runs(spec)
                assert res.n_runs == spec.n_runs
                row["sweep_memory"] = worker_memory(client)
                print(f"\n{n} worker(s): cluster up in {t_start:.1f} s")
                print(f"  sweep   {wall:8.1f} s  {spec.n_runs / wall:9,.0f} runs/s  "
                      f"{spec.n_runs / wall / n:9,.0f} runs/s per worker, "
                      f"chunks of {row['sweep_chunk_runs']:,} runs  "
                      f"peak RSS/worker {row['sweep_memory']['peak_max_mb']:,.0f} MB")  # fmt: skip
                print(f"          workers' CPU {cpu:.1f} s: {spec.n_runs / cpu:,.0f} runs per "
                      "CPU-second")  # fmt: skip
                if not args.skip_stress:
                    t0, c0 = time.perf_counter(), worker_cpu_s(client)
                    stress_on_dask(stress_spec, model, n_paths, root / f"stress-{n}", seed=2024,
                                   client=client)  # fmt: skip
                    wall = time.perf_counter() - t0
                    cpu = worker_cpu_s(client) - c0
                    row["stress_worker_cpu_s"] = cpu
                    pd_s = n_paths * args.days / wall
                    row["stress_s"] = wall
                    row["stress_path_days_per_s_per_worker"] = pd_s / n
                    row["stress_memory"] = worker_memory(client)
                    print(f"  stress  {wall:8.1f} s  {pd_s / 1e6:9.1f} M path-days/s  "
                          f"{pd_s / n / 1e6:9.1f} M per worker  peak RSS per worker "
                          f"{row['stress_memory']['peak_max_mb']:,.0f} MB "
                          f"(client reads {n_paths:,} outcomes back for the summary)")  # fmt: skip
                    per_cpu = n_paths * args.days / cpu / 1e6
                    print(f"          workers' CPU {cpu:.1f} s: {per_cpu:.1f} M path-days per "
                          "CPU-second")  # fmt: skip
                if n == 2 and not args.skip_scan:
                    row["scan"] = chunk_scan(client, root)
                figures["by_workers"][n] = row
    finally:
        shutil.rmtree(root, ignore_errors=True)
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2, default=str) + "\n")
    return 0


def chunk_scan(client: Any, root: Path) -> dict[str, Any]:
    """Wall time of one small sweep cut into chunks of 16 .. 4,096 runs; empty task cost."""
    from hedgekit.distributed import sweep_on_dask

    spec = sweep_spec(1, batch_runs=16)  # 5,050 runs
    out: dict[str, Any] = {"runs": spec.n_runs, "chunks": []}
    print(f"\n  chunk size vs task overhead, 2 workers, {spec.n_runs:,} one-year runs:")
    for chunk in (16, 64, 256, 1024, 4096):
        folder = root / f"scan-{chunk}"
        t0 = time.perf_counter()
        sweep_on_dask(spec, folder, client=client, chunk_runs=chunk)
        wall = time.perf_counter() - t0
        tasks = -(-spec.n_runs // chunk)
        out["chunks"].append({"chunk_runs": chunk, "tasks": tasks, "wall_s": wall})
        print(f"    {chunk:5d} runs/chunk ({chunk * 252:>9,} run-days)  {tasks:4d} tasks  "
              f"{wall:6.2f} s  {spec.n_runs / wall:7,.0f} runs/s")  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)
    n = 500
    t0 = time.perf_counter()
    futures = client.map(_noop, range(n), pure=False)
    client.gather(futures)
    per_task = (time.perf_counter() - t0) / n
    out["empty_task_ms"] = per_task * 1e3
    print(f"    an empty task, submitted and gathered in a batch of {n}: "
          f"{per_task * 1e3:.2f} ms each")  # fmt: skip
    return out


if __name__ == "__main__":
    sys.exit(main())
