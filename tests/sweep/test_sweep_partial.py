"""A sweep's table is whole or absent at its path: X.partial until the last run is in."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from hedgekit._io import Interrupted
from hedgekit.sweep import run_sweep, sweep_from_mapping

GRID = {
    "period": {"start": "2018-01-02", "years": 1},
    "portfolio": {"value_usd": 1_000_000, "beta": 1.0},
    "policy": {"h": [0.0, 0.5, 1.0]},
    "sweep": {"batch_runs": 1},
}


def test_a_complete_sweep_replaces_the_file_only_at_the_end(tmp_path: Path) -> None:
    out = tmp_path / "runs.parquet"
    out.write_text("an older table")
    seen: list[bool] = []

    def progress(done: int, total: int) -> None:
        seen.append(out.read_text() == "an older table")

    result = run_sweep(sweep_from_mapping(GRID), out=out, progress=progress)
    assert seen == [True] * result.n_runs
    assert len(pd.read_parquet(out)) == result.n_runs == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["runs.parquet"]


def test_ctrl_c_keeps_the_runs_done_with_a_manifest(tmp_path: Path) -> None:
    out = tmp_path / "runs.csv"

    def progress(done: int, total: int) -> None:
        if done == 2:
            raise KeyboardInterrupt

    with pytest.raises(Interrupted) as stop:
        run_sweep(sweep_from_mapping(GRID), out=out, progress=progress)
    assert isinstance(stop.value, KeyboardInterrupt)
    partial = tmp_path / "runs.csv.partial"
    assert str(partial) in stop.value.message
    assert not out.exists()
    assert pd.read_csv(partial)["run"].tolist() == [0, 1]
    doc = json.loads((tmp_path / "runs.csv.partial.manifest.json").read_text())
    assert (doc["runs_done"], doc["n_runs"], doc["rows"]) == (2, 3, 2)


def test_ctrl_c_before_the_first_batch_leaves_nothing(tmp_path: Path) -> None:
    out = tmp_path / "runs.parquet"

    def progress(done: int, total: int) -> None:
        raise KeyboardInterrupt

    spec = sweep_from_mapping(GRID)
    import hedgekit.sweep._run as run_module

    def no_batch(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(run_module, "_run_batch", no_batch)
        with pytest.raises(KeyboardInterrupt) as stop:
            run_sweep(spec, out=out, progress=progress)
    assert not isinstance(stop.value, Interrupted)
    assert list(tmp_path.iterdir()) == []
