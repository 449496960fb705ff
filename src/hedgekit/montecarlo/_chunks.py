"""Memory-aware generation: paths produced and consumed in chunks, each with its own stream.

100,000 paths of 252 days are 25.2 million values, about 200 MB per float64 array; a
bootstrap chunk holds returns, VIX and rates (and the draw's indices) at once. So paths are
generated ``chunk_paths`` at a time and consumed before the next chunk is drawn.

Reproducibility: chunk ``i`` is drawn with the ``i``-th child of ``rng.spawn(n_chunks)``
(numpy's :class:`~numpy.random.SeedSequence` spawning, independent streams), so the paths
depend only on the seed and ``chunk_paths``, not on how many workers draw them or in which
order.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from hedgekit.errors import InputError
from hedgekit.montecarlo._models import PathModel, SimulatedPaths

__all__ = [
    "DEFAULT_CHUNK_PATHS",
    "PathChunk",
    "as_generator",
    "chunk_bounds",
    "chunk_generators",
    "iter_path_chunks",
]

#: Paths per chunk by default: 8,192 x 252 days x 8 bytes = 16.5 MB per array.
DEFAULT_CHUNK_PATHS = 8192


@dataclass(frozen=True, slots=True)
class PathChunk:
    """One chunk of paths: paths ``start .. start + paths.n_paths - 1`` of the whole draw."""

    index: int
    start: int
    paths: SimulatedPaths


def as_generator(rng: np.random.Generator | int) -> np.random.Generator:
    """Return ``rng`` itself, or a new ``numpy.random.default_rng(rng)`` for an int seed."""
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, int | np.integer) and not isinstance(rng, bool) and int(rng) >= 0:
        return np.random.default_rng(int(rng))
    raise InputError(
        "randomness must be passed in",
        source="rng",
        value=rng,
        expected="a numpy Generator or a seed (int >= 0)",
    )


def chunk_bounds(n_paths: int, chunk_paths: int) -> list[tuple[int, int]]:
    """Split ``0 .. n_paths`` into ``[lo, hi)`` ranges of at most ``chunk_paths`` paths."""
    for name, value in (("n_paths", n_paths), ("chunk_paths", chunk_paths)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
            raise InputError("must be a whole number >= 1", source=name, value=value)
    return [(lo, min(lo + chunk_paths, n_paths)) for lo in range(0, n_paths, chunk_paths)]


def chunk_generators(rng: np.random.Generator | int, n_chunks: int) -> list[np.random.Generator]:
    """The independent generator of each chunk: ``as_generator(rng).spawn(n_chunks)``."""
    return as_generator(rng).spawn(n_chunks)


def iter_path_chunks(
    model: PathModel,
    n_paths: int,
    n_days: int,
    rng: np.random.Generator | int,
    *,
    chunk_paths: int = DEFAULT_CHUNK_PATHS,
) -> Iterator[PathChunk]:
    """Yield the paths of ``model`` chunk by chunk.

    Parameters
    ----------
    model
        The path model.
    n_paths, n_days
        Size of the whole draw.
    rng
        Generator or seed; chunk ``i`` uses the ``i``-th spawned child.
    chunk_paths
        Most paths per chunk.

    Yields
    ------
    PathChunk
    """
    bounds = chunk_bounds(n_paths, chunk_paths)
    gens = chunk_generators(rng, len(bounds))
    for i, ((lo, hi), gen) in enumerate(zip(bounds, gens, strict=True)):
        yield PathChunk(index=i, start=lo, paths=model.simulate(hi - lo, n_days, gen))
