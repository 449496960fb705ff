"""Type aliases shared by hedgekit modules."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Literal, TypeAlias

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    import pandas as pd

Float64Array: TypeAlias = npt.NDArray[np.float64]
Int64Array: TypeAlias = npt.NDArray[np.int64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]

RoundingMode: TypeAlias = Literal["nearest", "down", "up"]

if TYPE_CHECKING:
    #: Anything hedgekit accepts as a date: parsed strictly, once, at the boundary.
    DateLike: TypeAlias = str | dt.date | dt.datetime | pd.Timestamp | np.datetime64


def __getattr__(name: str) -> object:
    """Build ``DateLike`` on first use: it needs pandas, which numpy-only callers never load."""
    if name == "DateLike":
        import pandas as pd

        value = str | dt.date | dt.datetime | pd.Timestamp | np.datetime64
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
