"""Rebalance rules: on which days the position is moved to the policy's target.

Whatever the rule, the position is always traded on a roll day, on day 0, and when the
policy switches the hedge on (target contracts non-zero, position zero) or off (target zero).
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from hedgekit._typing import BoolArray
from hedgekit.errors import InputError
from hedgekit.policies._base import check_ratio

__all__ = ["Always", "Band", "BetaChange", "Calendar", "Never", "RebalanceRule", "ValueChange"]

#: Rule codes understood by the engine's kernels.
RULE_CODES = {"always": 0, "band": 1, "value": 2, "calendar": 3, "never": 4, "beta": 5}


class RebalanceRule(abc.ABC):
    """When to trade back to the target between rolls (see the module notes)."""

    __slots__ = ()

    @property
    @abc.abstractmethod
    def kind(self) -> str:
        """Engine code: ``always``, ``band``, ``value``, ``calendar``, ``never`` or ``beta``."""

    @property
    def parameter(self) -> float:
        """The rule's number passed to the kernel (band fraction, value or beta change)."""
        return 0.0

    @property
    def ratio_change(self) -> float:
        """A change of the target ratio that also triggers a trade (0 = not used)."""
        return 0.0

    def calendar_days(self, dates: pd.DatetimeIndex) -> BoolArray:
        """Sessions on which a calendar rule fires (all False for other rules)."""
        return np.zeros(len(dates), dtype=np.bool_)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe description."""
        out: dict[str, Any] = {"rule": type(self).__name__}
        for field in getattr(self, "__dataclass_fields__", {}):
            out[field] = getattr(self, field)
        return out


@dataclass(frozen=True, slots=True)
class Band(RebalanceRule):
    r"""Trade when the position is off target by at least ``max(1, b |N*|)`` contracts.

    .. math:: |N - N^*| \ge \max(1,\ b\,|N^*|)

    ``b = 0`` trades whenever the whole-contract target changes (the bench-spec rule).
    """

    contracts_fraction: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(
            self,
            "contracts_fraction",
            check_ratio(self.contracts_fraction, "contracts_fraction", lo=0.0),
        )

    @property
    def kind(self) -> str:
        """``"band"``."""
        return "band"

    @property
    def parameter(self) -> float:
        """``b``."""
        return self.contracts_fraction


@dataclass(frozen=True, slots=True)
class ValueChange(RebalanceRule):
    r"""Trade when the stock value has moved ``pct`` since the last trade.

    Fires when :math:`|S_t / S_{last} - 1| \ge \text{pct}`, or when the target ratio differs
    from the one last traded to by at least ``ratio_change`` (0 disables that part).
    """

    pct: float = 0.05
    ratio_change_min: float = 0.05

    def __post_init__(self) -> None:
        object.__setattr__(self, "pct", check_ratio(self.pct, "pct", lo=0.0))
        object.__setattr__(
            self, "ratio_change_min", check_ratio(self.ratio_change_min, "ratio_change_min", lo=0.0)
        )

    @property
    def kind(self) -> str:
        """``"value"``."""
        return "value"

    @property
    def parameter(self) -> float:
        """``pct``."""
        return self.pct

    @property
    def ratio_change(self) -> float:
        """``ratio_change_min``."""
        return self.ratio_change_min


@dataclass(frozen=True, slots=True)
class BetaChange(RebalanceRule):
    r"""Trade when the portfolio's sizing beta has moved ``threshold`` since the last trade.

    Fires when :math:`|\beta_t - \beta_{last}| \ge \text{threshold}`, in absolute beta
    units (0.10: from 1.00 to 1.10 or 0.90), with :math:`\beta_t` the beta used to size the
    hedge on day ``t`` and :math:`\beta_{last}` the one of the last trade (the opening, a
    roll or a rebalance); or when the target ratio differs from the one last traded to by at
    least ``ratio_change_min`` (0 disables that part). Rolls and hedge switches trade anyway.

    Meant for a time-varying beta (a backtest portfolio with ``beta="rolling"``, see
    :class:`hedgekit.backtest.RollingBeta`); with a constant beta only rolls, switches and
    ``ratio_change_min`` trade.
    """

    threshold: float = 0.10
    ratio_change_min: float = 0.05

    def __post_init__(self) -> None:
        object.__setattr__(self, "threshold", check_ratio(self.threshold, "threshold", lo=0.0))
        object.__setattr__(
            self, "ratio_change_min", check_ratio(self.ratio_change_min, "ratio_change_min", lo=0.0)
        )

    @property
    def kind(self) -> str:
        """``"beta"``."""
        return "beta"

    @property
    def parameter(self) -> float:
        """``threshold``."""
        return self.threshold

    @property
    def ratio_change(self) -> float:
        """``ratio_change_min``."""
        return self.ratio_change_min


@dataclass(frozen=True, slots=True)
class Calendar(RebalanceRule):
    """Trade on a schedule: the first session of each month, or every ``every`` sessions.

    Also fires when the target ratio moved by ``ratio_change_min`` since the last trade.
    """

    every: Literal["month"] | int = "month"
    ratio_change_min: float = 0.05

    def __post_init__(self) -> None:
        if self.every != "month" and not (
            isinstance(self.every, int) and not isinstance(self.every, bool) and self.every >= 1
        ):
            raise InputError(
                "unknown schedule", source="every", value=self.every,
                expected="'month' or a number of sessions >= 1",
            )  # fmt: skip
        object.__setattr__(
            self, "ratio_change_min", check_ratio(self.ratio_change_min, "ratio_change_min", lo=0.0)
        )

    @property
    def kind(self) -> str:
        """``"calendar"``."""
        return "calendar"

    @property
    def ratio_change(self) -> float:
        """``ratio_change_min``."""
        return self.ratio_change_min

    def calendar_days(self, dates: pd.DatetimeIndex) -> BoolArray:
        """First session of each month (after the first), or every ``every`` sessions."""
        n = len(dates)
        out = np.zeros(n, dtype=np.bool_)
        if self.every == "month":
            period = dates.year * 12 + dates.month
            out[1:] = np.asarray(period[1:] != period[:-1])
        else:
            step = int(self.every)
            out[step::step] = True
        return out


@dataclass(frozen=True, slots=True)
class Always(RebalanceRule):
    """Trade every day the whole-contract target differs from the position."""

    @property
    def kind(self) -> str:
        """``"always"``."""
        return "always"


@dataclass(frozen=True, slots=True)
class Never(RebalanceRule):
    """Never rebalance: trade only on day 0, on rolls and when the hedge is switched on/off."""

    @property
    def kind(self) -> str:
        """``"never"``."""
        return "never"
