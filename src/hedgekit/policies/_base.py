"""The two policy interfaces: vectorised over days, or decided day by day from a run's state."""

from __future__ import annotations

import abc
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from hedgekit._typing import Float64Array
from hedgekit.errors import InputError
from hedgekit.policies._market import PolicyMarket

__all__ = [
    "HedgePolicy",
    "PolicyState",
    "StatefulPolicy",
    "check_hedge_ratio",
    "check_ratio",
    "set_hedge_ratio",
]


def check_ratio(value: object, name: str, *, lo: float = -math.inf, hi: float = math.inf) -> float:
    """Return ``value`` as a finite float in ``[lo, hi]`` or raise :class:`InputError`."""
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InputError("must be a number", source=name, value=value) from None
    if not math.isfinite(x) or not lo <= x <= hi:
        raise InputError("out of range", source=name, value=value, expected=f"in [{lo}, {hi}]")
    return x


def check_hedge_ratio(
    value: object, name: str, *, allow_net_short: bool = False, allow_net_long: bool = False
) -> float:
    """A policy's hedge-ratio field: finite and in ``[0, 1]`` unless explicitly widened.

    ``allow_net_short`` admits ratios above 1 (futures short more than the beta exposure: the
    account is net short the index); ``allow_net_long`` admits ratios below 0 (futures
    bought on top of the portfolio: net exposure above the portfolio's own). Raises
    :class:`InputError` naming the field and the value otherwise.
    """
    for flag, flag_name in ((allow_net_short, "allow_net_short"),
                            (allow_net_long, "allow_net_long")):  # fmt: skip
        if not isinstance(flag, bool | np.bool_):
            raise InputError("must be True or False", source=flag_name, value=flag)
    lo = -math.inf if allow_net_long else 0.0
    hi = math.inf if allow_net_short else 1.0
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InputError("a hedge ratio must be a number", source=name, value=value) from None
    if not math.isfinite(x) or not lo <= x <= hi:
        widen = []
        if x > 1.0 and not allow_net_short:
            widen.append("allow_net_short = true for ratios above 1 (net short)")
        if x < 0.0 and not allow_net_long:
            widen.append("allow_net_long = true for ratios below 0 (long futures)")
        expected = f"a finite hedge ratio in [{lo}, {hi}]"
        if widen and math.isfinite(x):
            expected += "; or set " + " / ".join(widen)
        raise InputError("hedge ratio out of range", source=name, value=value, expected=expected)
    return x


def set_hedge_ratio(policy: object, name: str) -> None:
    """Validate a frozen policy's ratio field ``name`` with its ``allow_net_*`` flags, in place."""
    value = check_hedge_ratio(
        getattr(policy, name),
        name,
        allow_net_short=getattr(policy, "allow_net_short", False),
        allow_net_long=getattr(policy, "allow_net_long", False),
    )
    object.__setattr__(policy, name, value)


class HedgePolicy(abc.ABC):
    """A rule giving the target hedge ratio on every session, from market data and its memory.

    The hedge ratio is the fraction of the portfolio's beta exposure to sell with futures:
    ``0`` unhedged, ``1`` fully hedged, above 1 over-hedged, below 0 long futures. The engine
    turns it into contracts: ``N* = −h β V / (m F)`` rounded (negative = short).

    Subclasses implement :meth:`targets`; ``name`` describes the policy in reports.
    """

    __slots__ = ()

    @property
    @abc.abstractmethod
    def name(self) -> str:
        """Short description, e.g. ``"static 0.50"``."""

    @abc.abstractmethod
    def targets(self, market: PolicyMarket) -> Float64Array:
        """Target hedge ratio on every session of ``market``, shape ``(market.n_days,)``.

        Entries before ``market.start`` (the warm-up) are ignored by the engine.
        """

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe description: the class name and the policy's parameters."""
        out: dict[str, Any] = {"policy": type(self).__name__, "name": self.name}
        for field in getattr(self, "__dataclass_fields__", {}):
            value = getattr(self, field)
            if isinstance(value, HedgePolicy):
                out[field] = value.to_dict()
            elif isinstance(value, int | float | str | bool) or value is None:
                out[field] = value
            elif isinstance(value, tuple):
                out[field] = [list(v) if isinstance(v, tuple) else v for v in value]
            else:
                out[field] = repr(value)
        return out


@dataclass(frozen=True, slots=True)
class PolicyState:
    """A run's state at a close, before the day's trade: what a :class:`StatefulPolicy` sees.

    Attributes
    ----------
    day
        Position of the session in the run (0 = first session).
    date
        The session.
    index_level, vix
        The day's index close and VIX (NaN when missing).
    stocks_usd, cash_usd, margin_account_usd
        Values after the day's returns, interest and futures settlement.
    total_value_usd
        Their sum: the value a floor or a drawdown rule is measured on.
    initial_value_usd
        Total value at the start of the run.
    contracts
        Contracts held before today's trade (negative = short).
    hedge_ratio_previous
        The target used yesterday (NaN on day 0).
    market
        The whole :class:`PolicyMarket` (warm-up included); today is ``market.start + day``.
    """

    day: int
    date: pd.Timestamp
    index_level: float
    vix: float
    stocks_usd: float
    cash_usd: float
    margin_account_usd: float
    total_value_usd: float
    initial_value_usd: float
    contracts: float
    hedge_ratio_previous: float
    market: PolicyMarket

    @property
    def position(self) -> int:
        """Position of today in ``market`` arrays."""
        return self.market.start + self.day


class StatefulPolicy(abc.ABC):
    """A policy that needs the run's own state (its value, its position) every day.

    Implement :meth:`decide`; it is called once per session, before the trade, with a
    :class:`PolicyState`, and returns the target hedge ratio. Such policies run on the
    readable pure-Python engine only (``engine="python"``; ``"auto"`` picks it), since an
    arbitrary Python function cannot be compiled into the batched kernel.
    """

    __slots__ = ()

    @property
    def name(self) -> str:
        """Short description (the class name unless overridden)."""
        return type(self).__name__

    @abc.abstractmethod
    def decide(self, state: PolicyState) -> float:
        """Target hedge ratio for the day described by ``state``."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe description."""
        return {"policy": type(self).__name__, "name": self.name}


def finish_targets(values: Float64Array, market: PolicyMarket, source: str) -> Float64Array:
    """Check a policy's output: shape ``(n_days,)`` and finite over the run."""
    arr = np.asarray(values, dtype=np.float64)
    if arr.shape != (market.n_days,):
        raise InputError(
            "policy targets have the wrong shape",
            source=source,
            value=arr.shape,
            expected=f"({market.n_days},)",
        )
    run = arr[market.start :]
    if not np.isfinite(run).all():
        i = int(np.flatnonzero(~np.isfinite(run))[0]) + market.start
        raise InputError(
            "policy gave a non-finite target",
            source=source,
            row=i,
            value=float(arr[i]),
            expected="a finite hedge ratio on every session of the run",
        )
    return arr
