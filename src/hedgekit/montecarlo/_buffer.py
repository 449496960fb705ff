"""The cash buffer that keeps the probability of a margin call under a target.

The buffer ``B`` is the starting margin account as a multiple of the initial margin. Two
ways to find the smallest ``B`` with ``P(at least one call) <= target``:

* **exact** (``call_source="cash"`` without sweep): one run gives each path's required
  multiple ``B*`` (see :mod:`hedgekit.montecarlo._stress_kernel`), and
  ``P(call | B) = P(B* > B)`` for every ``B`` at once; the answer is an order statistic of
  ``B*``. The curve is non-increasing in ``B`` by construction.
* **re-simulated** (otherwise): the same paths (same seed: common random numbers) are run for
  each multiple of a grid, and the smallest grid multiple meeting the target is returned.
  With calls paid from the stocks or a sweep the curve need not be monotone; it is reported
  as measured.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from hedgekit.errors import InputError
from hedgekit.montecarlo._models import PathModel
from hedgekit.montecarlo._stress import (
    DEFAULT_BUFFER_MULTIPLES,
    StressSpec,
    call_probability_curve,
    run_stress,
    smallest_buffer_multiple,
)

__all__ = ["BufferSearch", "buffer_search"]


@dataclass(frozen=True, slots=True)
class BufferSearch:
    """Call probability per buffer multiple, and the buffer meeting the target.

    Attributes
    ----------
    target_probability
        The largest acceptable probability of at least one margin call.
    buffer_multiples, call_probabilities
        The curve: ``P(at least one call)`` for each starting buffer multiple.
    buffer_multiple
        Smallest multiple meeting the target (exact: any real number >= 1; re-simulated: a
        grid point); ``None`` when none does.
    method
        ``"exact"`` or ``"resimulated"``.
    n_paths
        Paths behind each probability.
    """

    target_probability: float
    buffer_multiples: tuple[float, ...]
    call_probabilities: tuple[float, ...]
    buffer_multiple: float | None
    method: Literal["exact", "resimulated"]
    n_paths: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form."""
        return {
            "target_probability": self.target_probability,
            "method": self.method,
            "n_paths": self.n_paths,
            "buffer_multiple": self.buffer_multiple,
            "curve": [
                {"buffer_multiple": b, "probability_of_call": p}
                for b, p in zip(self.buffer_multiples, self.call_probabilities, strict=True)
            ],
        }


def buffer_search(
    spec: StressSpec,
    model: PathModel,
    n_paths: int,
    *,
    seed: int,
    target_probability: float = 0.05,
    buffer_multiples: Sequence[float] = DEFAULT_BUFFER_MULTIPLES,
    **run_options: Any,
) -> BufferSearch:
    """Find the smallest starting buffer with a margin-call probability at most the target.

    Parameters
    ----------
    spec
        The stressed hedge (its own ``buffer_multiple`` is replaced by each candidate).
    model
        Path model.
    n_paths
        Paths per evaluation.
    seed
        Seed (an int, so every candidate sees the same paths).
    target_probability
        In ``[0, 1)``.
    buffer_multiples
        Candidates, each >= 1, ascending.
    **run_options
        Passed to :func:`run_stress` (``chunk_paths``, ``workers``, ``engine``).

    Returns
    -------
    BufferSearch
    """
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise InputError(
            "the search needs an int seed (every candidate must see the same paths)",
            source="seed",
            value=seed,
            expected="an int >= 0",
        )
    if not 0.0 <= target_probability < 1.0:
        raise InputError(
            "invalid target probability",
            source="target_probability",
            value=target_probability,
            expected="in [0, 1)",
        )
    grid = tuple(float(b) for b in buffer_multiples)
    if not grid or any(not math.isfinite(b) or b < 1.0 for b in grid) or list(grid) != sorted(grid):
        raise InputError(
            "invalid buffer multiples",
            source="buffer_multiples",
            value=grid,
            expected="ascending numbers >= 1",
        )
    run_options.setdefault("fan_paths", 0)
    if spec.exact_buffer_curve:
        res = run_stress(spec, model, n_paths, rng=int(seed), **run_options)
        req = res.outcomes["required_buffer_multiple"].to_numpy()
        probs = call_probability_curve(req, grid)
        best = smallest_buffer_multiple(req, target_probability)
        return BufferSearch(
            target_probability=float(target_probability),
            buffer_multiples=grid,
            call_probabilities=tuple(float(p) for p in probs),
            buffer_multiple=best if math.isfinite(best) else None,
            method="exact",
            n_paths=n_paths,
        )
    probs_list: list[float] = []
    for b in grid:
        sweep = spec.sweep_multiple
        candidate = dataclasses.replace(
            spec, buffer_multiple=b, sweep_multiple=None if sweep is None else max(sweep, b)
        )
        res = run_stress(candidate, model, n_paths, rng=int(seed), **run_options)
        probs_list.append(res.call_probability())
    meeting = [b for b, p in zip(grid, probs_list, strict=True) if p <= target_probability]
    return BufferSearch(
        target_probability=float(target_probability),
        buffer_multiples=grid,
        call_probabilities=tuple(probs_list),
        buffer_multiple=meeting[0] if meeting else None,
        method="resimulated",
        n_paths=n_paths,
    )
