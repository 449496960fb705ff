"""Result of a batch of runs: one row of measures per (hedge ratio, band) run."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from hedgekit._typing import Float64Array, Int64Array
from hedgekit.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["BatchResult"]

_FLOAT_FIELDS = (
    "hedge_ratio",
    "band",
    "final_value_usd",
    "cagr",
    "volatility_annual",
    "max_drawdown",
    "hedge_effectiveness",
    "trading_costs_usd",
)
_INT_FIELDS = ("n_trades", "n_margin_calls")


@dataclass(frozen=True, slots=True)
class BatchResult:
    """Measures of ``k`` runs over one market path (arrays of shape ``(k,)``).

    Attributes
    ----------
    hedge_ratio, band
        The run's policy parameters ``h`` and ``b``.
    final_value_usd
        Total value (portfolio + margin account) at the last close.
    cagr
        Compound annual growth rate from ``V_0`` over ``(n-1)/252`` years.
    volatility_annual
        Sample standard deviation (ddof=1) of daily total-value returns × √252.
    max_drawdown
        Largest fall of total value from its running peak, as a fraction ``>= 0``.
    hedge_effectiveness
        ``1 - var(hedged)/var(unhedged)`` of daily returns (ddof=1 both).
    trading_costs_usd
        Commissions and slippage paid over the run.
    n_trades
        Trades made: the day-0 opening, each band rebalance, each leg of a roll.
    n_margin_calls
        Days the margin account was topped up from the portfolio.
    n_days
        Days in the path, day 0 included.
    engine
        Which kernel produced the numbers: ``"numba"``, ``"numpy"`` or ``"python"``.
    """

    hedge_ratio: Float64Array
    band: Float64Array
    final_value_usd: Float64Array
    cagr: Float64Array
    volatility_annual: Float64Array
    max_drawdown: Float64Array
    hedge_effectiveness: Float64Array
    trading_costs_usd: Float64Array
    n_trades: Int64Array
    n_margin_calls: Int64Array
    n_days: int
    engine: str

    def __post_init__(self) -> None:
        k = np.asarray(self.hedge_ratio).size
        for name in _FLOAT_FIELDS + _INT_FIELDS:
            dtype = np.int64 if name in _INT_FIELDS else np.float64
            arr = np.array(getattr(self, name), dtype=dtype, copy=True)
            if arr.shape != (k,):
                raise InputError(
                    "all result arrays must have one entry per run",
                    source=name,
                    value=arr.shape,
                    expected=f"({k},)",
                )
            arr.setflags(write=False)
            object.__setattr__(self, name, arr)

    @property
    def n_runs(self) -> int:
        """Number of runs ``k``."""
        return int(self.hedge_ratio.size)

    def index_of(self, hedge_ratio: float, band: float = 0.0) -> int:
        """Return the position of the run with these parameters (matched to 1e-12).

        Raises
        ------
        InputError
            If no run, or more than one, has these parameters.
        """
        hit = np.flatnonzero(
            np.isclose(self.hedge_ratio, hedge_ratio, rtol=0.0, atol=1e-12)
            & np.isclose(self.band, band, rtol=0.0, atol=1e-12)
        )
        if hit.size != 1:
            raise InputError(
                "no single run has these parameters",
                source="hedge_ratio, band",
                value=(hedge_ratio, band),
                expected="a grid point of the batch",
            )
        return int(hit[0])

    def run(self, index: int) -> dict[str, float | int]:
        """Return the measures of one run as a JSON-safe dict."""
        out: dict[str, float | int] = {}
        for name in _FLOAT_FIELDS:
            out[name] = float(getattr(self, name)[index])
        for name in _INT_FIELDS:
            out[name] = int(getattr(self, name)[index])
        return out

    def to_dict(self) -> dict[str, Any]:
        """Return the result as JSON-safe lists (one per measure)."""
        out: dict[str, Any] = {"n_days": self.n_days, "engine": self.engine}
        for name in _FLOAT_FIELDS:
            out[name] = [float(x) for x in getattr(self, name)]
        for name in _INT_FIELDS:
            out[name] = [int(x) for x in getattr(self, name)]
        return out

    def to_frame(self) -> pd.DataFrame:
        """Return one row per run, one column per measure."""
        import pandas as pd

        return pd.DataFrame({name: getattr(self, name) for name in _FLOAT_FIELDS + _INT_FIELDS})
