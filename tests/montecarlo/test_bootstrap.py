"""Stationary block bootstrap (Politis & Romano 1994): seeds, blocks, block lengths."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hedgekit.errors import InputError
from hedgekit.montecarlo import StationaryBootstrap, stationary_bootstrap_indices
from hedgekit.montecarlo._sample import HistoricalSample


def synthetic_sample(n: int) -> HistoricalSample:
    # Tiny hand-made sample (not market data): each row's fields encode its position.
    pos = np.arange(n, dtype=np.float64)
    return HistoricalSample(
        dates=np.datetime64("2000-01-03") + np.arange(n).astype("timedelta64[D]"),
        index_return=pos / 1000.0,
        index_close=100.0 + pos,
        vix=10.0 + pos,
        rate_annual=pos / 10_000.0,
        source="synthetic",
        dropped={},
    )


def test_same_seed_same_paths_different_seed_different() -> None:
    a = stationary_bootstrap_indices(500, 40, 60, 10.0, np.random.default_rng(7))
    b = stationary_bootstrap_indices(500, 40, 60, 10.0, np.random.default_rng(7))
    c = stationary_bootstrap_indices(500, 40, 60, 10.0, np.random.default_rng(8))
    np.testing.assert_array_equal(a.indices, b.indices)
    np.testing.assert_array_equal(a.block_start, b.block_start)
    assert not np.array_equal(a.indices, c.indices)


@given(
    n=st.integers(2, 60),
    paths=st.integers(1, 6),
    days=st.integers(1, 80),
    length=st.floats(1.0, 30.0),
    seed=st.integers(0, 2**32 - 1),
)
def test_paths_are_concatenations_of_circular_blocks(
    n: int, paths: int, days: int, length: float, seed: int
) -> None:
    draw = stationary_bootstrap_indices(n, paths, days, length, np.random.default_rng(seed))
    idx, new = draw.indices, draw.block_start
    assert idx.shape == (paths, days)
    assert idx.dtype == np.int64
    assert ((idx >= 0) & (idx < n)).all()
    assert new[:, 0].all()
    # inside a block each day takes the next sample position, wrapping from n-1 to 0
    inside = ~new[:, 1:]
    assert (idx[:, 1:][inside] == (idx[:, :-1][inside] + 1) % n).all()


def test_resampled_rows_keep_return_vix_and_rate_together() -> None:
    sample = synthetic_sample(50)
    paths = StationaryBootstrap(sample, 5.0, rates="levels").simulate(
        30, 40, np.random.default_rng(3)
    )
    pos = np.rint(paths.index_return * 1000.0)
    np.testing.assert_array_equal(paths.vix, 10.0 + pos)
    np.testing.assert_allclose(paths.rate_annual, pos / 10_000.0, rtol=0, atol=1e-15)
    # each path is a run of blocks of consecutive sample rows (mod 50)
    step = (pos[:, 1:] - pos[:, :-1]) % 50
    assert (step == 1).mean() > 0.7  # most days continue their block (p = 1/5 of starting anew)


def test_blocks_wrap_around_the_end_of_the_sample() -> None:
    draw = stationary_bootstrap_indices(7, 200, 30, 25.0, np.random.default_rng(11))
    inside = ~draw.block_start[:, 1:]
    wraps = (draw.indices[:, :-1] == 6) & (draw.indices[:, 1:] == 0) & inside
    assert wraps.any()


def test_new_block_probability_is_one_over_mean_length() -> None:
    length = 20.0
    draw = stationary_bootstrap_indices(1000, 4000, 252, length, np.random.default_rng(5))
    flags = draw.block_start[:, 1:]
    p_hat = flags.mean()
    se = np.sqrt((1 / length) * (1 - 1 / length) / flags.size)
    assert abs(p_hat - 1 / length) < 5 * se


def test_mean_block_length_matches_the_parameter() -> None:
    # Lengths of the blocks that start in the first half of a 252-day path: the next start
    # is then observed unless a block outlasts 126 days (probability 0.8**126 ~ 6e-13 for
    # L = 5), and which blocks are taken does not depend on their length, so the lengths
    # are a plain sample of the geometric distribution with mean L.
    length = 5.0
    days = 252
    draw = stationary_bootstrap_indices(1000, 2000, days, length, np.random.default_rng(9))
    lengths = []
    for row in draw.block_start:
        starts = np.flatnonzero(row)
        first_half = starts[:-1] < days // 2
        lengths.append(np.diff(starts)[first_half])
    all_lengths = np.concatenate(lengths)
    se = np.sqrt(length * (length - 1)) / np.sqrt(all_lengths.size)  # geometric sd / sqrt(n)
    assert abs(all_lengths.mean() - length) < 5 * se
    assert all_lengths.min() >= 1


def test_block_length_one_is_the_iid_bootstrap() -> None:
    draw = stationary_bootstrap_indices(100, 10, 20, 1.0, np.random.default_rng(1))
    assert draw.block_start.all()


@pytest.mark.parametrize(
    ("kwargs", "source"),
    [
        ({"mean_block_length": 0.5}, "mean_block_length"),
        ({"mean_block_length": float("nan")}, "mean_block_length"),
        ({"n_sample": 0}, "n_sample"),
        ({"n_paths": 0}, "n_paths"),
        ({"rng": 3}, "rng"),
    ],
)
def test_bad_input_names_the_parameter(kwargs: dict[str, object], source: str) -> None:
    args: dict[str, object] = {
        "n_sample": 10,
        "n_paths": 2,
        "n_days": 3,
        "mean_block_length": 2.0,
        "rng": np.random.default_rng(0),
    }
    args.update(kwargs)
    with pytest.raises(InputError) as err:
        stationary_bootstrap_indices(**args)  # type: ignore[arg-type]
    assert err.value.source == source


def test_rates_are_resampled_as_changes_from_the_start_rate() -> None:
    # rate_change of row i is (i - (i-1)) / 10,000 = 1e-4 (0 on row 0): within a block the
    # rate rises 1 bp a day from 5%, and a block starting at row 0 adds nothing that day.
    sample = synthetic_sample(50)
    model = StationaryBootstrap(sample, 5.0, rate_start=0.05)
    paths = model.simulate(30, 40, np.random.default_rng(3))
    pos = np.rint(paths.index_return * 1000.0)
    steps = np.where(pos == 0, 0.0, 1e-4)
    np.testing.assert_allclose(paths.rate_annual, 0.05 + np.cumsum(steps, axis=1), atol=1e-12)
    assert model.to_dict()["rate_start"] == 0.05
    with pytest.raises(InputError) as err:
        StationaryBootstrap(sample, rates="jumps")  # type: ignore[arg-type]
    assert err.value.source == "rates"
