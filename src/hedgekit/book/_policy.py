"""The hedge book's policy: what to hold, when to act, and the limits never to pass.

Defaults are the guide's ("Portfolio hedging with futures", Rebalancing Triggers and Risk
Limits): rebalance when the portfolio's value moves 10% or its beta 0.1 from the last
rebalance, review every quarter; hedge at most 100% of the beta exposure, margin at most 5%
of net worth, a quarterly cost of hedging at most 0.5% of the portfolio, tracking error at
most 3% a year. A daily futures-loss limit has no default (the user sets one in USD).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

from hedgekit.errors import InputError

__all__ = ["BookLimits", "BookPolicy", "BookTriggers"]


def _fraction(value: float, name: str, lo: float, hi: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InputError("must be a finite number", source=name, value=value)
    if not lo <= float(value) <= hi:
        raise InputError("out of range", source=name, value=value, expected=f"{lo:g} to {hi:g}")
    return float(value)


@dataclass(frozen=True, slots=True)
class BookTriggers:
    """When the hedge is re-sized.

    Attributes
    ----------
    value_change
        Portfolio value moved this share from its value at the last rebalance (0.10).
    beta_change
        Portfolio beta moved this much from the beta at the last rebalance (0.10).
    review_months
        Calendar months between scheduled reviews (3: quarterly).
    """

    value_change: float = 0.10
    beta_change: float = 0.10
    review_months: int = 3

    def __post_init__(self) -> None:
        _fraction(self.value_change, "value_change", 0.0, 1.0)
        _fraction(self.beta_change, "beta_change", 0.0, 5.0)
        if (
            isinstance(self.review_months, bool)
            or not isinstance(self.review_months, int)
            or not (1 <= self.review_months <= 24)
        ):
            raise InputError(
                "out of range", source="review_months", value=self.review_months,
                expected="a whole number of months from 1 to 24",
            )  # fmt: skip


@dataclass(frozen=True, slots=True)
class BookLimits:
    """Limits the book reports as breached, with the order that fixes each.

    Attributes
    ----------
    max_hedge_ratio
        Largest share of the beta exposure hedged (1.0: never net short).
    max_margin_share_of_net_worth
        Initial margin at most this share of net worth (0.05); needs the policy's net worth.
    daily_futures_loss_usd
        A day's futures loss (variation margin paid) above this is reported; ``None``: no limit.
    quarterly_cost_share
        Cost of hedging in a calendar quarter (fees, roll costs, margin interest) at most this
        share of the portfolio (0.005).
    max_tracking_error_annual
        Annualised tracking error of the hedged portfolio against cash, at most (0.03).
    """

    max_hedge_ratio: float = 1.0
    max_margin_share_of_net_worth: float = 0.05
    daily_futures_loss_usd: float | None = None
    quarterly_cost_share: float = 0.005
    max_tracking_error_annual: float = 0.03

    def __post_init__(self) -> None:
        _fraction(self.max_hedge_ratio, "max_hedge_ratio", 0.0, 1.5)
        _fraction(self.max_margin_share_of_net_worth, "max_margin_share_of_net_worth", 0.0, 1.0)
        if self.daily_futures_loss_usd is not None:
            _fraction(self.daily_futures_loss_usd, "daily_futures_loss_usd", 0.0, 1e12)
        _fraction(self.quarterly_cost_share, "quarterly_cost_share", 0.0, 1.0)
        _fraction(self.max_tracking_error_annual, "max_tracking_error_annual", 0.0, 1.0)


@dataclass(frozen=True, slots=True)
class BookPolicy:
    """What the book holds and how it is run.

    Attributes
    ----------
    hedge_ratio
        Target share of the beta exposure hedged (0..1), or ``None`` with ``target_beta``.
    target_beta
        Target portfolio beta after the hedge, or ``None`` with ``hedge_ratio``.
    contract
        Hedge contract root (``"ES"``, ``"NQ"``...).
    use_micro
        Top up with the contract's Micro (the plan's sizing).
    cash_buffer_multiple
        Cash kept in the futures account as a multiple of initial margin (1.5, the plan's).
    net_worth_usd
        For the margin-share limit; ``None`` leaves that limit unchecked.
    triggers, limits
        :class:`BookTriggers`, :class:`BookLimits`.
    """

    hedge_ratio: float | None = 1.0
    target_beta: float | None = None
    contract: str = "ES"
    use_micro: bool = True
    cash_buffer_multiple: float = 1.5
    net_worth_usd: float | None = None
    triggers: BookTriggers = field(default_factory=BookTriggers)
    limits: BookLimits = field(default_factory=BookLimits)

    def __post_init__(self) -> None:
        if (self.hedge_ratio is None) == (self.target_beta is None):
            raise InputError(
                "give a hedge ratio or a target beta, not both and not neither",
                source="--hedge", value=(self.hedge_ratio, self.target_beta),
                expected="--hedge FRACTION, or --target-beta BETA",
            )  # fmt: skip
        if self.hedge_ratio is not None:
            _fraction(self.hedge_ratio, "--hedge", 0.0, 1.0)
        if self.target_beta is not None:
            _fraction(self.target_beta, "--target-beta", -5.0, 5.0)
        _fraction(self.cash_buffer_multiple, "--cash-buffer-multiple", 1.0, 100.0)
        if self.net_worth_usd is not None:
            _fraction(self.net_worth_usd, "--net-worth", 1.0, 1e13)
        if not isinstance(self.contract, str) or not self.contract.strip():
            raise InputError("a contract root", source="--contract", value=self.contract)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form; :meth:`from_dict` reads it back to an equal policy."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BookPolicy:
        """Read :meth:`to_dict`'s form (unknown keys refused)."""
        known = set(cls.__dataclass_fields__)
        extra = sorted(set(data) - known)
        if extra:
            raise InputError("unknown policy keys", source="policy", value=extra,
                             expected=", ".join(sorted(known)))  # fmt: skip
        kw = dict(data)
        if isinstance(kw.get("triggers"), dict):
            kw["triggers"] = BookTriggers(**kw["triggers"])
        if isinstance(kw.get("limits"), dict):
            kw["limits"] = BookLimits(**kw["limits"])
        return cls(**kw)
