"""How a sweep is cut into chunks: whole batches, runs found by number, a hash of the rows."""

from __future__ import annotations

import itertools
from pathlib import Path

from hedgekit.distributed._dataset import spec_hash
from hedgekit.distributed._sweep import _description, grid_points, sweep_chunk_runs, sweep_chunks
from hedgekit.sweep import load_sweep_toml

EXAMPLE = Path(__file__).parents[2] / "examples" / "sweep.toml"


def test_chunks_are_whole_batches_and_cover_every_run_once() -> None:
    spec = load_sweep_toml(str(EXAMPLE), [("sweep.batch_runs", [12])])
    assert sweep_chunk_runs(spec, 20) == 24
    chunks = sweep_chunks(spec, 24)
    runs = [k for lo, hi in chunks for k in range(lo, hi)]
    assert runs == list(range(spec.n_runs))
    # the default: about 250,000 run-days; five-year runs, batches of 12
    assert sweep_chunk_runs(spec) % 12 == 0
    assert 150 <= sweep_chunk_runs(spec) <= 250


def test_a_chunk_finds_its_runs_by_number() -> None:
    spec = load_sweep_toml(str(EXAMPLE), [])
    every = list(spec.points())
    for lo, hi in ((0, 180), (37, 101), (179, 180)):
        assert grid_points(spec, lo, hi) == list(itertools.islice(every, lo, hi))


def test_the_hash_follows_the_rows_not_the_ranking() -> None:
    spec = load_sweep_toml(str(EXAMPLE), [])
    same = load_sweep_toml(str(EXAMPLE), [("sweep.metric", ["cagr"]), ("sweep.top", [3])])
    other = load_sweep_toml(str(EXAMPLE), [("portfolio.beta", [1.0])])
    h = spec_hash("sweep", _description(spec, 256))
    assert spec_hash("sweep", _description(same, 256)) == h
    assert spec_hash("sweep", _description(other, 256)) != h
    assert spec_hash("sweep", _description(spec, 512)) != h
