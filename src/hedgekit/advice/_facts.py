"""The plain input record of the advice rules: everything they need to know about a hedge."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any, Final

from hedgekit.advice._checks import as_finite_float, as_int
from hedgekit.errors import InputError

__all__ = ["PlanFacts"]

_SOURCE: Final = "PlanFacts"

# Plausibility limits. They reject nothing a real plan produces and keep every figure the
# rules derive (ratios of these fields) finite, so evaluation cannot overflow.
#: Largest money amount accepted: USD 10 trillion, beyond any single portfolio.
_MAX_USD: Final = 1e13
#: Smallest non-zero money amount accepted: one cent.
_MIN_USD: Final = 0.01
#: Beta range accepted: a hedge on a beta below 1e-6 or above 100 is not a hedge.
_MIN_BETA: Final = 1e-6
_MAX_BETA: Final = 100.0
#: Largest hedge ratio accepted (10,000 % of the beta exposure).
_MAX_RATIO: Final = 100.0
#: Largest contract count accepted.
_MAX_CONTRACTS: Final = 10**12

# (field, lower, lower inclusive, upper, upper inclusive) for real-valued fields.
_REAL_BOUNDS: Final[tuple[tuple[str, float, bool, float, bool], ...]] = (
    ("portfolio_value_usd", _MIN_USD, True, _MAX_USD, True),
    ("beta", _MIN_BETA, True, _MAX_BETA, True),
    ("hedge_ratio_target", -_MAX_RATIO, True, _MAX_RATIO, True),
    ("hedge_ratio_effective", -_MAX_RATIO, True, _MAX_RATIO, True),
    ("contract_notional_usd", _MIN_USD, True, _MAX_USD, True),
    ("micro_notional_usd", _MIN_USD, True, _MAX_USD, True),
    ("exact_contracts", 0.0, True, float(_MAX_CONTRACTS), True),
    ("largest_position_weight", 0.0, False, 1.0, True),
    ("herfindahl", 0.0, False, 1.0, True),
    ("r_squared", 0.0, True, 1.0, True),
    ("best_r_squared", 0.0, True, 1.0, True),
    ("vix", 0.0, True, 1000.0, True),
    ("drawdown_from_52w_high", -1.0, True, 0.0, True),
    ("margin_initial_usd", 0.0, True, _MAX_USD, True),
    ("net_worth_usd", _MIN_USD, True, _MAX_USD, True),
    ("cash_buffer_usd", 0.0, True, _MAX_USD, True),
    ("net_short_tolerance", 0.0, True, 1.0, True),
)
#: Smallest non-zero target hedge ratio accepted in magnitude (0.0001 %); the rules divide
#: by it.
_MIN_TARGET: Final = 1e-6
# Fields that may be zero but, when not zero, are at least a minimum.
_ZERO_OR_AT_LEAST: Final = {
    "margin_initial_usd": _MIN_USD,
    "cash_buffer_usd": _MIN_USD,
    "hedge_ratio_target": _MIN_TARGET,
}
# (field, smallest allowed) for integer fields.
_INT_BOUNDS: Final[tuple[tuple[str, int], ...]] = (
    ("whole_contracts", 0),
    ("micro_contracts", 0),
    ("n_positions", 1),
    ("hedge_age_days", 0),
)
_DATES: Final = ("horizon_end", "next_roll_date", "as_of")
_TEXTS: Final = ("contract_root", "micro_root", "best_index", "chosen_index")


def _interval(lo: float, lo_inc: bool, hi: float, hi_inc: bool) -> str:
    left = "[" if lo_inc else "("
    right = "]" if hi_inc else ")"
    return f"a finite number in {left}{lo:g}, {hi:g}{right}"


def _fail(message: str, name: str, value: object, expected: str) -> InputError:
    return InputError(message, source=_SOURCE, column=name, value=value, expected=expected)


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanFacts:
    r"""What the advice rules need to know about a hedge, as plain values.

    The planner builds it from a sized plan; a backtest or a live hedge book can build it
    for any day. Optional facts are ``None`` when unknown, and a rule that needs an
    unknown fact is skipped (the facts each rule needs are listed in
    :data:`hedgekit.advice.RULES`, ``requires``). All keyword-only.

    The hedge is futures on one index: ``contract_root`` contracts, optionally topped up
    with ``micro_contracts`` of ``micro_root``; short when the hedge ratios are positive,
    long (adding exposure, a target beta above the portfolio's) when they are negative.
    The beta-weighted exposure is ``beta × portfolio_value_usd`` and the
    minimum-variance number of contracts is ``exact_contracts = |hedge_ratio_target| ×
    beta × portfolio_value_usd /
    contract_notional_usd`` (Hull, *Options, Futures and Other Derivatives*, 11th ed.,
    §3.5, :math:`N^* = \beta V_A / V_F`). The record is taken as given: the rules do not
    recompute one field from the others.

    Every field is checked on construction and a bad one raises
    :class:`~hedgekit.errors.InputError` naming it. Besides the ranges below, plausibility
    limits keep every derived figure finite: money at most USD 10 trillion and, when not
    zero, at least one cent; beta in [1e-6, 100]; hedge ratios in [-100, 100] (a non-zero
    target at least 1e-6 in magnitude); counts at most 10**12.

    Parameters
    ----------
    portfolio_value_usd
        Market value of the hedged stocks (> 0).
    beta
        Beta of the portfolio to the hedging index (> 0: a short index hedge of a
        portfolio with non-positive beta adds risk and is refused by the planner).
    hedge_ratio_target
        Requested fraction of the beta exposure to hedge (1.0 is a full hedge, more than
        1.0 is net short), after converting a target beta :math:`\beta^*` as
        :math:`(\beta - \beta^*)/\beta`. Negative when the target beta is above the
        portfolio's: the futures are bought and add ``-hedge_ratio_target`` of the beta
        exposure (Hull 11e §3.5, "Changing the beta").
    hedge_ratio_effective
        Fraction achieved with whole contracts (both legs), signed like the target:
        ``-(whole × F + micro × F_micro) / (beta × portfolio_value_usd)`` with the counts
        negative when short (so > 0 for a short hedge, < 0 for long futures).
    contract_root
        Root of the main contract (``"ES"``).
    contract_notional_usd
        Notional of one main contract, price × multiplier (> 0).
    exact_contracts
        Unrounded number of main contracts for the target, as an absolute count (>= 0).
    whole_contracts
        Number of main contracts in the plan, as an absolute count (the direction is the
        sign of the hedge ratios) (>= 0).
    micro_root
        Root of the Micro contract on the same index (``"MES"``), or ``None`` if there is
        none. Equal to ``contract_root`` when the plan already uses the Micro.
    micro_notional_usd
        Notional of one Micro contract (> 0), or ``None``. Without it the rules name the
        Micro but cannot say how many to use.
    micro_contracts
        Number of Micro contracts added on top of the main leg (absolute count, >= 0).
    allow_net_short
        Whether the plan was allowed to round past a 100 % hedge.
    net_short_tolerance
        Share of the beta exposure the plan accepted to be net short from rounding alone
        (in [0, 1]; 0 = never).
    largest_position_weight
        Largest holding's weight in the portfolio, in (0, 1].
    n_positions
        Number of holdings (>= 1).
    herfindahl
        Sum of squared holding weights, in (0, 1].
    r_squared
        R² of the portfolio's returns on the chosen index's returns, in [0, 1].
    chosen_index
        Name of the index the hedge uses (defaults to ``contract_root`` in messages).
    best_index
        Index with the highest R² among those tried.
    best_r_squared
        That R², in [0, 1].
    vix
        VIX close at ``as_of`` (>= 0).
    drawdown_from_52w_high
        Hedging index at ``as_of`` relative to its 52-week high, in [-1, 0]
        (``-0.25`` is 25 % below the high).
    margin_initial_usd
        Initial margin of the whole hedge (>= 0).
    net_worth_usd
        The user's net worth (> 0).
    cash_buffer_usd
        Cash available to the futures account, including what is posted as initial
        margin (>= 0).
    horizon_end
        Last day the hedge is meant to protect (on or after ``as_of`` when both given).
    next_roll_date
        Date by which the held contract must be rolled to the next expiry.
    as_of
        Date of the plan (or of the backtest day).
    hedge_age_days
        Calendar days a live or simulated hedge has been on (>= 0).
    """

    portfolio_value_usd: float
    beta: float
    hedge_ratio_target: float
    hedge_ratio_effective: float
    contract_root: str
    contract_notional_usd: float
    exact_contracts: float
    whole_contracts: int
    micro_root: str | None = None
    micro_notional_usd: float | None = None
    micro_contracts: int = 0
    allow_net_short: bool = False
    net_short_tolerance: float = 0.0
    largest_position_weight: float | None = None
    n_positions: int | None = None
    herfindahl: float | None = None
    r_squared: float | None = None
    chosen_index: str | None = None
    best_index: str | None = None
    best_r_squared: float | None = None
    vix: float | None = None
    drawdown_from_52w_high: float | None = None
    margin_initial_usd: float | None = None
    net_worth_usd: float | None = None
    cash_buffer_usd: float | None = None
    horizon_end: dt.date | None = None
    next_roll_date: dt.date | None = None
    as_of: dt.date | None = None
    hedge_age_days: int | None = None

    def __post_init__(self) -> None:
        for name, lo, lo_inc, hi, hi_inc in _REAL_BOUNDS:
            value: object = getattr(self, name)
            if value is None and name not in _REQUIRED:
                continue
            expected = _interval(lo, lo_inc, hi, hi_inc)
            x = as_finite_float(value)
            if x is None:
                raise _fail("must be a finite number", name, value, expected)
            above = x >= lo if lo_inc else x > lo
            below = x <= hi if hi_inc else x < hi
            if not (above and below):
                raise _fail("out of range", name, value, expected)
            least = _ZERO_OR_AT_LEAST.get(name)
            if least is not None and 0.0 < abs(x) < least:
                raise _fail("too small to be meaningful", name, value, f"0 or at least {least:g}")
            object.__setattr__(self, name, x)
        for name, smallest in _INT_BOUNDS:
            value = getattr(self, name)
            if value is None and name not in _REQUIRED:
                continue
            n = as_int(value)
            if n is None or not smallest <= n <= _MAX_CONTRACTS:
                raise _fail(
                    "must be a whole number",
                    name,
                    value,
                    f"an int in [{smallest}, {_MAX_CONTRACTS}]",
                )
            object.__setattr__(self, name, n)
        for name in _TEXTS:
            value = getattr(self, name)
            if value is None and name not in _REQUIRED:
                continue
            if not isinstance(value, str) or not value.strip():
                raise _fail("must be a non-empty name", name, value, "a non-empty string")
        for name in _DATES:
            value = getattr(self, name)
            if value is None:
                continue
            if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
                raise _fail("must be a date", name, value, "a datetime.date (not a datetime)")
        if not isinstance(self.allow_net_short, bool):
            raise _fail("must be True or False", "allow_net_short", self.allow_net_short, "a bool")
        if (
            self.as_of is not None
            and self.horizon_end is not None
            and self.horizon_end < self.as_of
        ):
            raise _fail(
                "the hedge horizon ends before the plan date",
                "horizon_end",
                self.horizon_end.isoformat(),
                f"a date on or after as_of ({self.as_of.isoformat()})",
            )

    @property
    def beta_exposure_usd(self) -> float:
        """Beta-weighted exposure to hedge, ``beta × portfolio_value_usd``."""
        return self.beta * self.portfolio_value_usd

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary (dates as ISO text)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = value.isoformat() if isinstance(value, dt.date) else value
        return out


_REQUIRED: Final = frozenset(
    {
        "portfolio_value_usd",
        "beta",
        "hedge_ratio_target",
        "hedge_ratio_effective",
        "contract_root",
        "contract_notional_usd",
        "exact_contracts",
        "whole_contracts",
        "micro_contracts",
        "net_short_tolerance",
    }
)
