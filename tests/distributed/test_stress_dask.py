"""``hedgekit stress --scheduler``: the one-process stress, chunk by chunk, resumable."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hedgekit.cli import main
from hedgekit.distributed import read_dataset

pytestmark = pytest.mark.slow

#: 20,000 paths are three chunks of the stress's 8,192 paths.
STRESS = ("stress", "--paths", "20000", "--horizon-days", "40", "--seed", "5", "--json")


def stress_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    assert main([*STRESS, *argv]) == 0
    return json.loads(capsys.readouterr().out)["data"]


def test_stress_on_dask_equals_the_one_process_stress_and_resumes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    one = stress_json(capsys, "--workers", "1")
    out = tmp_path / "paths"
    dask = stress_json(capsys, "--scheduler", "local", "--workers", "2", "--out", str(out))
    assert dask["summary"] == one["summary"]
    assert dask["start_value_usd"] == one["start_value_usd"]
    rows = read_dataset(out)
    assert rows["path"].tolist() == list(range(20000))
    assert len(list(out.glob("part-*.parquet"))) == 3

    # a chunk lost (its file removed) is computed again; the others are kept as they are
    kept = {p.name: p.stat().st_mtime_ns for p in out.glob("part-*.parquet")}
    (out / "part-00001.parquet").unlink()
    again = stress_json(capsys, "--scheduler", "local", "--workers", "1", "--out", str(out))
    assert again["summary"] == one["summary"]
    assert read_dataset(out).equals(rows)
    for name in ("part-00000.parquet", "part-00002.parquet"):
        assert (out / name).stat().st_mtime_ns == kept[name]


def test_stress_out_needs_a_scheduler(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main([*STRESS, "--out", str(tmp_path / "paths")]) == 2
    assert "--scheduler" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
