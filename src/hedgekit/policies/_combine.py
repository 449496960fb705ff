"""Combinators: build a policy from others (minimum, maximum, product, override)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from hedgekit._typing import BoolArray, Float64Array
from hedgekit.errors import InputError
from hedgekit.policies._base import HedgePolicy, finish_targets, set_hedge_ratio
from hedgekit.policies._builtin import FloorCppi
from hedgekit.policies._market import PolicyMarket

__all__ = ["Max", "Min", "Override", "Product", "split_cppi"]


def _check(policy: object, name: str) -> HedgePolicy:
    if not isinstance(policy, HedgePolicy):
        raise InputError("must be a HedgePolicy", source=name, value=repr(policy))
    if isinstance(policy, FloorCppi):
        raise InputError(
            "FloorCppi depends on the run's own value: use it alone or as an argument of Min",
            source=name,
            value=policy.name,
        )
    return policy


def _pair(
    market: PolicyMarket, a: HedgePolicy, b: HedgePolicy
) -> tuple[Float64Array, Float64Array]:
    return (
        finish_targets(a.targets(market), market, a.name),
        finish_targets(b.targets(market), market, b.name),
    )


@dataclass(frozen=True, slots=True)
class Min(HedgePolicy):
    """The smaller of two targets each day (hedge only as much as both agree on).

    ``Min(FloorCppi(...), other)`` is allowed: the CPPI ratio computed in the kernel is
    capped by ``other``'s target.
    """

    a: HedgePolicy
    b: HedgePolicy

    def __post_init__(self) -> None:
        cppi = [p for p in (self.a, self.b) if isinstance(p, FloorCppi)]
        if len(cppi) == 2:
            raise InputError("at most one FloorCppi in a Min", source="Min")
        for name in ("a", "b"):
            p = getattr(self, name)
            if not isinstance(p, FloorCppi):
                _check(p, name)

    @property
    def name(self) -> str:
        """``"min(a, b)"``."""
        return f"min({self.a.name}, {self.b.name})"

    def targets(self, market: PolicyMarket) -> Float64Array:
        """Element-wise minimum."""
        x, y = _pair(market, self.a, self.b)
        return np.minimum(x, y)


@dataclass(frozen=True, slots=True)
class Max(HedgePolicy):
    """The larger of two targets each day (hedge when either asks)."""

    a: HedgePolicy
    b: HedgePolicy

    def __post_init__(self) -> None:
        _check(self.a, "a")
        _check(self.b, "b")

    @property
    def name(self) -> str:
        """``"max(a, b)"``."""
        return f"max({self.a.name}, {self.b.name})"

    def targets(self, market: PolicyMarket) -> Float64Array:
        """Element-wise maximum."""
        x, y = _pair(market, self.a, self.b)
        return np.maximum(x, y)


@dataclass(frozen=True, slots=True)
class Product(HedgePolicy):
    """The product of two targets (e.g. a 0/1 signal scaling a ratio)."""

    a: HedgePolicy
    b: HedgePolicy

    def __post_init__(self) -> None:
        _check(self.a, "a")
        _check(self.b, "b")

    @property
    def name(self) -> str:
        """``"a × b"``."""
        return f"({self.a.name}) × ({self.b.name})"

    def targets(self, market: PolicyMarket) -> Float64Array:
        """Element-wise product."""
        x, y = _pair(market, self.a, self.b)
        return x * y


@dataclass(frozen=True, slots=True)
class Override(HedgePolicy):
    """``base``'s target, replaced by ``h`` on the sessions where ``when(market)`` is True.

    Parameters
    ----------
    base
        The policy followed otherwise.
    when
        A function of the :class:`PolicyMarket` returning a boolean array (one per session),
        e.g. ``lambda m: m.vix > 45``.
    h
        The ratio imposed on those sessions.
    label
        Words for the condition in the policy's name.
    allow_net_short, allow_net_long
        Admit ``h`` above 1 (net short) or below 0 (long futures); else ``h`` is in [0, 1].
    """

    base: HedgePolicy
    when: Callable[[PolicyMarket], BoolArray]
    h: float = 0.0
    label: str = "condition"
    allow_net_short: bool = False
    allow_net_long: bool = False

    def __post_init__(self) -> None:
        _check(self.base, "base")
        if not callable(self.when):
            raise InputError("must be callable", source="when", value=repr(self.when))
        set_hedge_ratio(self, "h")

    @property
    def name(self) -> str:
        """``"base, h when label"``."""
        return f"{self.base.name}, {self.h:.2f} when {self.label}"

    def targets(self, market: PolicyMarket) -> Float64Array:
        """``base`` with ``h`` where the condition holds."""
        x = finish_targets(self.base.targets(market), market, self.base.name)
        cond = np.asarray(self.when(market), dtype=np.bool_)
        if cond.shape != x.shape:
            raise InputError(
                "condition has the wrong shape", source="when", value=cond.shape,
                expected=f"{x.shape}",
            )  # fmt: skip
        return np.where(cond, self.h, x)


def split_cppi(policy: HedgePolicy) -> tuple[HedgePolicy | None, FloorCppi | None]:
    """Separate the in-kernel CPPI part of a policy from its vectorised part.

    Returns ``(vectorised, cppi)``: ``(policy, None)`` without CPPI, ``(None, cppi)`` for a
    bare :class:`FloorCppi` (cap 1), ``(other, cppi)`` for ``Min`` of the two.
    """
    if isinstance(policy, FloorCppi):
        return None, policy
    if isinstance(policy, Min):
        if isinstance(policy.a, FloorCppi):
            return policy.b, policy.a
        if isinstance(policy.b, FloorCppi):
            return policy.a, policy.b
    return policy, None
