"""``hedgekit sweep --scheduler``: the one-process rows, whatever the workers, resumable."""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import signal
import subprocess
import time
from pathlib import Path

import pandas as pd
import pytest
from tests.distributed.conftest import BIN, CHUNKS, EXAMPLE, SWEEP, same_summary, sweep_json

from hedgekit.cli import main
from hedgekit.distributed import read_dataset

pytestmark = pytest.mark.slow

Reference = tuple[pd.DataFrame, dict[str, object]]


def manifest(folder: Path) -> dict[str, object]:
    doc: dict[str, object] = json.loads((folder / "_manifest.json").read_text())
    return doc


def test_one_two_and_four_workers_write_the_one_process_rows(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    one_process: Reference,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    table, summary = one_process
    chunks: dict[int, list[pd.DataFrame]] = {}
    monkeypatch.chdir(tmp_path)
    for n in (1, 2, 4):
        if n == 2:  # no --out: a folder named after the sweep, in the current folder
            data = sweep_json(capsys, "--scheduler", "local", "--workers", "2", *CHUNKS)
            (out,) = tmp_path.glob("hedgekit-sweep-*")
        else:
            out = tmp_path / f"workers-{n}"
            data = sweep_json(capsys, "--scheduler", "local", "--workers", str(n), *CHUNKS,
                              "--out", str(out))  # fmt: skip
        assert read_dataset(out).equals(table)
        # any Parquet reader takes the folder as one dataset (the manifest is skipped)
        assert pd.read_parquet(out).sort_values("run", ignore_index=True).equals(table)
        same_summary(data, summary)
        assert data["output"] == str(out)
        doc = manifest(out)
        assert doc["complete"] is True
        assert doc["n_chunks"] == 8
        chunks[n] = [pd.read_parquet(p) for p in sorted(out.glob("part-*.parquet"))]
    for n in (2, 4):
        assert len(chunks[n]) == len(chunks[1]) == 8
        assert all(a.equals(b) for a, b in zip(chunks[1], chunks[n], strict=True))


@pytest.mark.parametrize("n_workers", [2, 1])
def test_a_lost_worker_changes_nothing(
    tmp_path: Path, one_process: Reference, n_workers: int
) -> None:
    """A worker killed mid-run; with one worker, the shared spec it held is lost with it and
    sent again (its nanny starts a new, empty worker), and the run goes on."""
    from distributed import Client, LocalCluster
    from hedgekit.distributed import sweep_on_dask
    from hedgekit.sweep import load_sweep_toml

    table, _ = one_process
    spec = load_sweep_toml(str(EXAMPLE), [("sweep.batch_runs", [12])])
    killed: list[str] = []
    with (
        LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                     dashboard_address=":0", silence_logs=logging.CRITICAL) as cluster,
        Client(cluster) as client,
    ):  # fmt: skip

        def progress(done: int, total: int) -> None:
            if 0 < done < total and not killed:
                worker = sorted(client.scheduler_info()["workers"])[0]
                pid = client.run(os.getpid, workers=[worker])[worker]
                os.kill(pid, signal.SIGKILL)
                killed.append(worker)

        result = sweep_on_dask(spec, tmp_path / "runs", chunk_runs=24, client=client,
                               progress=progress)  # fmt: skip
    assert killed
    rows = read_dataset(tmp_path / "runs")
    assert rows.equals(table)
    assert result.n_runs == len(rows) == 180


def test_a_killed_sweep_resumes_to_the_uninterrupted_rows(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, one_process: Reference
) -> None:
    table, summary = one_process
    out = tmp_path / "runs"
    argv = [*SWEEP, "--scheduler", "local", "--workers", "2", *CHUNKS, "--out", str(out)]
    proc = subprocess.Popen([str(BIN / "hedgekit"), *argv], start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = time.monotonic() + 60
    while len(list(out.glob("part-*.parquet"))) < 2 and time.monotonic() < deadline:
        assert proc.poll() is None, "the sweep ended before it could be killed"
        time.sleep(0.005)
    os.killpg(proc.pid, signal.SIGKILL)  # the command, its scheduler and its workers
    proc.wait()
    time.sleep(0.2)
    kept = {p.name: p.stat().st_mtime_ns for p in out.glob("part-*.parquet")}
    assert 2 <= len(kept) < 8
    assert manifest(out)["complete"] is False

    assert main([*argv, "--json"]) == 0
    said = capsys.readouterr()
    data = json.loads(said.out)["data"]
    # the user is told the run resumed, and how much of it was already done
    assert f"Resuming: {len(kept)} of 8 chunks are already in {out}" in " ".join(said.err.split())
    assert {n: (out / n).stat().st_mtime_ns for n in kept} == kept  # finished chunks skipped
    rows = read_dataset(out)
    assert rows.equals(table)
    assert rows["run"].tolist() == list(range(180))  # none missing, none twice
    assert not list(out.glob(".*.tmp"))
    same_summary(data, summary)
    assert manifest(out)["complete"] is True
    # once more: nothing left to compute, and it says so rather than "resuming"
    assert main([*argv, "--json"]) == 0
    said = capsys.readouterr()
    assert f"Already done: all 8 chunks are in {out}" in " ".join(said.err.split())
    same_summary(json.loads(said.out)["data"], summary)


def test_a_folder_of_another_sweep_is_refused_unless_force(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "runs"
    out.mkdir()
    other = {"kind": "hedgekit sweep results", "spec_hash": "0" * 64, "complete": True}
    (out / "_manifest.json").write_text(json.dumps(other))
    (out / "part-00000.parquet").write_bytes(b"rows of another sweep")
    small = ("--grid", "period.start=2019-01-02", "--grid", "portfolio.beta=1")
    argv = [*SWEEP, *small, "--scheduler", "local", "--workers", "1", "--out", str(out)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "--out" in err
    assert "another" in err
    assert "--force" in err
    assert (out / "part-00000.parquet").read_bytes() == b"rows of another sweep"

    assert main([*argv, "--force", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)["data"]
    assert doc["n_runs"] == 15 == len(read_dataset(out))
    assert manifest(out)["spec_hash"] != "0" * 64


def test_a_sweep_on_a_running_cluster_by_address(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    one_process: Reference,
    loopback_scheduler: str,
) -> None:
    table, summary = one_process
    out = tmp_path / "runs"
    assert main([*SWEEP, "--scheduler", loopback_scheduler, *CHUNKS, "--out", str(out),
                 "--json"]) == 0  # fmt: skip
    printed = capsys.readouterr()
    data = json.loads(printed.out)["data"]
    assert data["scheduler"] == loopback_scheduler
    assert read_dataset(out).equals(table)
    same_summary(data, summary)
    # that scheduler announces a dashboard address, but without bokeh (not installed here)
    # it serves no dashboard there: the command says so instead of giving a dead link
    assert importlib.util.find_spec("bokeh") is None
    assert "Dask dashboard: not served" in printed.err


def test_bad_scheduler_and_output_are_refused_before_any_work(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    cases = [
        (["--scheduler", "tcp//nowhere", "--out", str(tmp_path / "a")], "--scheduler"),
        (["--scheduler", "local", "--out", str(tmp_path / "runs.csv")], "--out"),
        (["--chunk-runs", "10"], "--chunk-runs"),
        (["--scheduler", "local", "--out", str(tmp_path / "b"), "--chunk-runs", "0"],
         "--chunk-runs"),
    ]  # fmt: skip
    for extra, flag in cases:
        assert main([*SWEEP, *extra]) == 2, extra
        assert flag in capsys.readouterr().err, extra
    assert list(tmp_path.iterdir()) == []


def test_a_chunk_size_rounded_to_whole_batches_is_said(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    small = ("--grid", "period.start=2019-01-02", "--grid", "portfolio.beta=1")
    argv = [*SWEEP, *small, "--scheduler", "local", "--workers", "1", "--chunk-runs", "5"]
    assert main([*argv, "--out", str(tmp_path / "runs"), "--json"]) == 0
    err = " ".join(capsys.readouterr().err.split())
    assert "--chunk-runs 5 rounded up to 12" in err
    assert "the 15 runs make 2 chunks" in err
    assert len(list((tmp_path / "runs").glob("part-*.parquet"))) == 2
