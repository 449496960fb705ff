"""Shared pieces of the Dask tests: the grid, its one-process table, and a loopback cluster.

Every test here starts real worker processes (a LocalCluster, or ``dask scheduler`` and
``dask worker`` started as commands), so the module is marked slow.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from hedgekit.cli import main

EXAMPLE = Path(__file__).parents[2] / "examples" / "sweep.toml"
#: The example grid (180 runs) in batches of 12: chunks of 24 runs make 8 chunks, 7 whole.
SWEEP = ("sweep", str(EXAMPLE), "--batch-runs", "12")
CHUNKS = ("--chunk-runs", "24")
BIN = Path(sys.executable).parent


def sweep_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, object]:
    """Run ``hedgekit sweep ... --json`` in this process; the JSON's data."""
    assert main([*SWEEP, *argv, "--json"]) == 0
    data: dict[str, object] = json.loads(capsys.readouterr().out)["data"]
    return data


@pytest.fixture(scope="session")
def one_process(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, dict[str, object]]:
    """The example sweep run in this process: its table and its JSON (best, worst, heatmap)."""
    out = tmp_path_factory.mktemp("one") / "runs.parquet"
    argv = [*SWEEP, "--workers", "1", "--out", str(out), "--json"]
    proc = subprocess.run([str(BIN / "hedgekit"), *argv], capture_output=True, text=True,
                          check=True)  # fmt: skip
    return pd.read_parquet(out), json.loads(proc.stdout)["data"]


def same_summary(a: dict[str, object], b: dict[str, object]) -> None:
    """The parts of two sweeps' JSON that depend on the results (not on timing or paths)."""
    for key in ("n_runs", "best", "worst", "heatmap", "engine", "metric"):
        assert a[key] == b[key], key


@pytest.fixture(scope="session")
def loopback_scheduler(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A ``dask scheduler`` and a ``dask worker`` (2 processes) on 127.0.0.1; the address."""
    folder = tmp_path_factory.mktemp("dask")
    info = folder / "scheduler.json"
    scheduler = subprocess.Popen(
        [str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", "0",
         "--dashboard-address", ":0", "--scheduler-file", str(info)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    procs = [scheduler]
    try:
        deadline = time.monotonic() + 30
        while not info.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        address = str(json.loads(info.read_text())["address"])
        procs.append(
            subprocess.Popen(
                [
                    str(BIN / "dask"),
                    "worker",
                    address,
                    "--nworkers",
                    "2",
                    "--nthreads",
                    "1",
                    "--host",
                    "127.0.0.1",
                    "--no-dashboard",
                    "--local-directory",
                    str(folder),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        yield address
    finally:
        for proc in reversed(procs):
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
