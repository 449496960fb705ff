r"""Stationary block bootstrap indices (Politis & Romano, 1994).

Politis, D. N. and Romano, J. P. (1994), "The Stationary Bootstrap", *Journal of the American
Statistical Association* 89(428), 1303–1313. A resampled series is a concatenation of blocks of
consecutive sample positions; block lengths are independent geometric variables with mean
``L`` and each block starts at a uniformly drawn position; the sample is read circularly
(position ``n`` wraps to ``0``). Equivalently, position by position:

.. math::

    I_1 \sim U\{0, \dots, n-1\}, \qquad
    I_{t+1} = \begin{cases} U\{0, \dots, n-1\} & \text{with probability } p = 1/L \\
    (I_t + 1) \bmod n & \text{with probability } 1 - p \end{cases}

The resampled series is stationary (conditionally on the sample), which the fixed-length
block bootstrap is not; dependence within about ``L`` days (volatility clusters, the link
between returns, VIX and rates on the same day) is kept.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hedgekit._typing import BoolArray, Int64Array
from hedgekit.errors import InputError

__all__ = ["BootstrapDraw", "stationary_bootstrap_indices"]


@dataclass(frozen=True, slots=True)
class BootstrapDraw:
    """Sample positions of resampled paths and where each block starts.

    Attributes
    ----------
    indices
        ``indices[i, t]``: sample position used on day ``t`` of path ``i``, shape
        ``(n_paths, n_days)``, ``int64`` (a transposed view of a days-major array: consumers
        that walk days outer read ``indices.T`` contiguously).
    block_start
        ``True`` where a new block starts (always on day 0), same shape (also a view).
    """

    indices: Int64Array
    block_start: BoolArray


def _check_positive_int(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or int(value) < 1:
        raise InputError("must be a whole number >= 1", source=name, value=value, expected=">= 1")
    return int(value)


def stationary_bootstrap_indices(
    n_sample: int,
    n_paths: int,
    n_days: int,
    mean_block_length: float,
    rng: np.random.Generator,
) -> BootstrapDraw:
    """Draw stationary-bootstrap sample positions for ``n_paths`` paths of ``n_days`` days.

    Parameters
    ----------
    n_sample
        Size ``n`` of the sample resampled (positions ``0 .. n-1``, read circularly).
    n_paths, n_days
        Shape of the draw.
    mean_block_length
        ``L >= 1``: mean of the geometric block lengths (``p = 1/L`` per day of starting a
        new block). ``L = 1`` is the ordinary i.i.d. bootstrap.
    rng
        Source of randomness. The draw uses, in order, ``rng.random((n_days, n_paths))``
        (a new block starts where it is below ``1/L``; day 0 always starts one) and
        ``rng.integers(0, n, (n_days, n_paths))`` (the start positions, used where a block
        starts).

    Returns
    -------
    BootstrapDraw

    Raises
    ------
    InputError
        For a non-positive size or ``mean_block_length < 1``.
    """
    n = _check_positive_int(n_sample, "n_sample")
    k = _check_positive_int(n_paths, "n_paths")
    d = _check_positive_int(n_days, "n_days")
    length = float(mean_block_length)
    if not (np.isfinite(length) and length >= 1.0):
        raise InputError(
            "invalid mean block length",
            source="mean_block_length",
            value=mean_block_length,
            expected="a finite number >= 1 (days)",
        )
    if not isinstance(rng, np.random.Generator):
        raise InputError(
            "randomness must be passed in as a numpy Generator",
            source="rng",
            value=type(rng).__name__,
            expected="numpy.random.Generator (e.g. numpy.random.default_rng(seed))",
        )
    # Days outer, paths inner: I_t = start_t on a block start, else (I_{t-1} + 1) mod n.
    new_block = rng.random((d, k)) < 1.0 / length
    new_block[0] = True
    starts = rng.integers(0, n, size=(d, k), dtype=np.int64)
    indices = np.empty((d, k), dtype=np.int64)
    indices[0] = starts[0]
    for t in range(1, d):
        step = indices[t]
        np.add(indices[t - 1], 1, out=step)
        step[step == n] = 0
        np.copyto(step, starts[t], where=new_block[t])
    return BootstrapDraw(indices=indices.T, block_start=new_block.T)
