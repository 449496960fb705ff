"""Argument checks shared by the pricing modules.

Every public pricing function accepts Python floats or array-likes, converts them once to
``float64`` arrays here, rejects what it cannot price with an :class:`~hedgekit.errors.InputError`
naming the parameter, and returns a ``float`` when every input was a scalar.
"""

from __future__ import annotations

from typing import Literal, TypeAlias

import numpy as np
import numpy.typing as npt

from hedgekit._typing import Float64Array
from hedgekit.errors import InputError

OptionKind: TypeAlias = Literal["put", "call"]
_KINDS: tuple[OptionKind, ...] = ("put", "call")


def as_float_array(value: npt.ArrayLike, name: str) -> Float64Array:
    """Convert ``value`` to a finite ``float64`` array or raise naming ``name``."""
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InputError(
            f"{name} must be numeric",
            source=name,
            value=value,
            expected="a number or an array of numbers",
        ) from exc
    finite = np.isfinite(arr)
    if not np.all(finite):
        bad = arr[~finite].flat[0] if arr.ndim else arr.item()
        raise InputError(
            f"{name} must be finite", source=name, value=float(bad), expected="a finite number"
        )
    return arr


def require(ok: npt.NDArray[np.bool_], arr: Float64Array, name: str, expected: str) -> None:
    """Raise for the first element of ``arr`` where ``ok`` is false."""
    if not np.all(ok):
        bad = np.broadcast_to(arr, np.shape(ok))[~ok].flat[0]
        raise InputError(
            f"{name} is out of range", source=name, value=float(bad), expected=expected
        )


def positive(value: npt.ArrayLike, name: str) -> Float64Array:
    """Finite and strictly positive."""
    arr = as_float_array(value, name)
    require(arr > 0.0, arr, name, "a value > 0")
    return arr


def non_negative(value: npt.ArrayLike, name: str) -> Float64Array:
    """Finite and >= 0."""
    arr = as_float_array(value, name)
    require(arr >= 0.0, arr, name, "a value >= 0")
    return arr


def check_kind(kind: str) -> OptionKind:
    """Return ``kind`` if it is ``"put"`` or ``"call"``, else raise."""
    if kind not in _KINDS:
        raise InputError(
            "unknown option kind", source="kind", value=kind, expected="'put' or 'call'"
        )
    return "put" if kind == "put" else "call"


def broadcast(**arrays: Float64Array) -> tuple[Float64Array, ...]:
    """Broadcast the named arrays together, raising :class:`InputError` on a shape clash."""
    try:
        out = np.broadcast_arrays(*arrays.values())
    except ValueError as exc:
        shapes = ", ".join(f"{k}{np.shape(v)}" for k, v in arrays.items())
        raise InputError(
            "array arguments cannot be broadcast together",
            source=", ".join(arrays),
            value=shapes,
            expected="shapes compatible under numpy broadcasting",
        ) from exc
    return tuple(np.asarray(a, dtype=np.float64) for a in out)


def finish(out: Float64Array) -> float | Float64Array:
    """Return a Python ``float`` for 0-d results, the array otherwise."""
    return float(out) if out.ndim == 0 else out
