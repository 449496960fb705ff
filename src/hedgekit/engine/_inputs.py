"""Inputs of the engine: the market path common to all runs and the account's terms.

A :class:`MarketPath` holds, for ``n`` trading days, everything that does not depend on the
hedge policy: index closes, the interest rate, the dividend yield and the prices of the futures
contract held (and, on roll days, of the contract rolled into). Building the futures columns from
a roll schedule is :func:`held_contract_schedule` plus :meth:`MarketPath.from_fair_value`; a
caller with real settlement prices may pass them directly to the constructor instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from hedgekit._constants import CALENDAR_DAYS_PER_YEAR
from hedgekit._typing import BoolArray, Float64Array
from hedgekit.errors import InputError

__all__ = [
    "AccountSpec",
    "HeldContractSchedule",
    "MarketPath",
    "held_contract_schedule",
]

#: Fewest days a path may have: day 0 plus two daily returns for a sample variance.
MIN_DAYS = 3


def _as_float_vector(value: Any, name: str, n: int | None = None) -> Float64Array:
    """Return ``value`` as a 1-d float64 array (a copy), checking length and finiteness."""
    arr = np.array(value, dtype=np.float64, copy=True)
    if arr.ndim != 1:
        raise InputError("must be a one-dimensional array", source=name, value=arr.shape)
    if n is not None and arr.size != n:
        raise InputError(
            "length differs from the index path", source=name, value=arr.size, expected=f"{n}"
        )
    bad = ~np.isfinite(arr)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(
            "contains a non-finite value",
            source=name,
            row=i,
            value=float(arr[i]),
            expected="finite numbers (gaps must be filled explicitly before the engine)",
        )
    arr.setflags(write=False)
    return arr


def _require_positive(arr: Float64Array, name: str) -> None:
    bad = arr <= 0.0
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(
            "must be positive", source=name, row=i, value=float(arr[i]), expected="> 0"
        )


@dataclass(frozen=True, slots=True)
class HeldContractSchedule:
    """Which futures contract is held on each day, as times to expiry.

    Attributes
    ----------
    tau_settle_years
        ``tau_settle_years[t]``: years to expiry (calendar days / 365) of the contract carried
        into day ``t`` (held at the close of ``t - 1``), which settles on day ``t``. For
        ``t = 0`` it is the contract opened on day 0.
    tau_hold_years
        ``tau_hold_years[t]``: years to expiry of the contract held after day ``t``'s trades.
        It differs from ``tau_settle_years`` only on roll days.
    is_roll
        ``True`` on the days the held contract is closed and the next one opened. Day 0 is
        never a roll (there is nothing to close).
    """

    tau_settle_years: Float64Array
    tau_hold_years: Float64Array
    is_roll: BoolArray

    def __post_init__(self) -> None:
        settle = _as_float_vector(self.tau_settle_years, "tau_settle_years")
        n = settle.size
        hold = _as_float_vector(self.tau_hold_years, "tau_hold_years", n)
        roll = np.array(self.is_roll, dtype=np.bool_, copy=True)
        if roll.shape != (n,):
            raise InputError(
                "length differs from tau_settle_years",
                source="is_roll",
                value=roll.shape,
                expected=f"({n},)",
            )
        if n and roll[0]:
            raise InputError(
                "day 0 cannot be a roll day",
                source="is_roll",
                row=0,
                value=True,
                expected="False on day 0 (the day-0 contract is simply opened)",
            )
        for name, arr in (("tau_settle_years", settle), ("tau_hold_years", hold)):
            if (arr < 0.0).any():
                i = int(np.flatnonzero(arr < 0.0)[0])
                raise InputError(
                    "a held contract is past its expiry",
                    source=name,
                    row=i,
                    value=float(arr[i]),
                    expected=">= 0",
                )
        same = hold == settle
        if (~roll & ~same).any():
            i = int(np.flatnonzero(~roll & ~same)[0])
            raise InputError(
                "the held contract changes on a day not flagged as a roll",
                source="is_roll",
                row=i,
                value=False,
                expected="tau_hold_years == tau_settle_years off roll days",
            )
        roll.setflags(write=False)
        object.__setattr__(self, "tau_settle_years", settle)
        object.__setattr__(self, "tau_hold_years", hold)
        object.__setattr__(self, "is_roll", roll)

    @property
    def n_days(self) -> int:
        """Number of days in the schedule."""
        return int(self.tau_settle_years.size)


def held_contract_schedule(
    sessions: npt.ArrayLike,
    expiries: npt.ArrayLike,
    roll_dates: npt.ArrayLike,
) -> HeldContractSchedule:
    """Map contract expiries and roll dates onto a path of trading days.

    Contract ``i`` is held from the close of the roll day of contract ``i - 1`` up to its own
    roll day, when it settles one last time and is closed. The contract held on day 0 is the
    first whose roll date falls after day 0.

    Parameters
    ----------
    sessions
        Trading days of the path, ascending, unique (anything ``numpy.datetime64[D]`` accepts).
    expiries
        Expiry dates of the contract chain, ascending. Times to expiry are counted in calendar
        days to these dates, divided by 365 (Hull, 11th ed., ch. 5).
    roll_dates
        The roll day of each contract, same length as ``expiries``, strictly ascending and not
        after its expiry. A roll date inside the path must be one of ``sessions``; the last
        contract's roll date must fall after the last session, so every day has a contract.

    Returns
    -------
    HeldContractSchedule
        Times to expiry of the settled and held contracts and the roll flags.

    Raises
    ------
    InputError
        Unsorted dates, a roll date that is not a session, or a chain that stops before the
        path does.
    """
    days = np.asarray(sessions, dtype="datetime64[D]")
    exp = np.asarray(expiries, dtype="datetime64[D]")
    rolls = np.asarray(roll_dates, dtype="datetime64[D]")
    if days.ndim != 1 or days.size == 0:
        raise InputError("must be a non-empty 1-d array of dates", source="sessions")
    if (np.diff(days) <= np.timedelta64(0, "D")).any():
        raise InputError("must be strictly ascending", source="sessions")
    if exp.shape != rolls.shape or exp.ndim != 1:
        raise InputError(
            "expiries and roll_dates must be 1-d and of the same length",
            source="roll_dates",
            value=(exp.shape, rolls.shape),
        )
    if (np.diff(rolls) <= np.timedelta64(0, "D")).any():
        raise InputError("must be strictly ascending", source="roll_dates")
    if (rolls > exp).any():
        i = int(np.flatnonzero(rolls > exp)[0])
        raise InputError(
            "roll date after the contract's expiry",
            source="roll_dates",
            row=i,
            value=str(rolls[i]),
            expected=f"on or before {exp[i]}",
        )
    inside = (rolls >= days[0]) & (rolls <= days[-1])
    pos = np.searchsorted(days, rolls)
    missing = inside & (days[np.minimum(pos, days.size - 1)] != rolls)
    if missing.any():
        i = int(np.flatnonzero(missing)[0])
        raise InputError(
            "roll date is not a trading day of the path",
            source="roll_dates",
            row=i,
            value=str(rolls[i]),
            expected="one of the sessions",
        )
    if rolls.size == 0 or rolls[-1] <= days[-1]:
        raise InputError(
            "the contract chain ends before the path",
            source="roll_dates",
            expected=f"a last roll date after {days[-1]}",
        )
    # held[t]: index of the contract held after day t's trades = first contract whose roll
    # date is strictly after day t.
    held = np.searchsorted(rolls, days, side="right")
    carried = np.empty_like(held)
    carried[0] = held[0]
    carried[1:] = held[:-1]
    is_roll = held != carried
    day_count = CALENDAR_DAYS_PER_YEAR
    tau_hold = (exp[held] - days).astype(np.float64) / day_count
    tau_settle = (exp[carried] - days).astype(np.float64) / day_count
    return HeldContractSchedule(tau_settle, tau_hold, is_roll)


@dataclass(frozen=True, slots=True)
class MarketPath:
    """Daily inputs shared by every run of a batch.

    Attributes
    ----------
    index_level
        Index closes ``S_t``, shape ``(n,)``, positive.
    rate_annual
        Risk-free rate ``r_t``, continuously compounded per annum, shape ``(n,)``. The margin
        account earns ``r_{t-1}/252`` (simple) from close ``t - 1`` to close ``t``.
    dividend_yield_annual
        Dividend yield ``q_t`` per annum, shape ``(n,)``. The portfolio earns ``q_{t-1}/252``
        on day ``t`` on top of its price return.
    futures_price_settle
        Price on day ``t`` of the contract carried into day ``t``: the day's settlement price.
    futures_price_hold
        Price on day ``t`` of the contract held after the day's trades: the sizing and opening
        price. Equal to ``futures_price_settle`` except on roll days.
    is_roll
        Roll flags, shape ``(n,)``; ``is_roll[0]`` is ``False``.
    dates
        Optional session dates (``datetime64[D]``), only for reporting.
    """

    index_level: Float64Array
    rate_annual: Float64Array
    dividend_yield_annual: Float64Array
    futures_price_settle: Float64Array
    futures_price_hold: Float64Array
    is_roll: BoolArray
    dates: npt.NDArray[np.datetime64] | None = None

    def __post_init__(self) -> None:
        s = _as_float_vector(self.index_level, "index_level")
        n = s.size
        if n < MIN_DAYS:
            raise InputError(
                "path too short",
                source="index_level",
                value=n,
                expected=f"at least {MIN_DAYS} days",
            )
        _require_positive(s, "index_level")
        r = _as_float_vector(self.rate_annual, "rate_annual", n)
        q = _as_float_vector(
            np.broadcast_to(self.dividend_yield_annual, (n,)), "dividend_yield_annual", n
        )
        fs = _as_float_vector(self.futures_price_settle, "futures_price_settle", n)
        fh = _as_float_vector(self.futures_price_hold, "futures_price_hold", n)
        _require_positive(fs, "futures_price_settle")
        _require_positive(fh, "futures_price_hold")
        roll = np.array(self.is_roll, dtype=np.bool_, copy=True)
        if roll.shape != (n,):
            raise InputError(
                "length differs from the index path",
                source="is_roll",
                value=roll.shape,
                expected=f"({n},)",
            )
        if roll[0]:
            raise InputError(
                "day 0 cannot be a roll day", source="is_roll", row=0, value=True, expected="False"
            )
        if fs[0] != fh[0]:
            raise InputError(
                "day 0 has no settlement: settle and hold prices must agree",
                source="futures_price_settle",
                row=0,
                value=float(fs[0]),
                expected=f"{float(fh[0])}",
            )
        off = ~roll & (fs != fh)
        if off.any():
            i = int(np.flatnonzero(off)[0])
            raise InputError(
                "the held contract changes on a day not flagged as a roll",
                source="futures_price_hold",
                row=i,
                value=float(fh[i]),
                expected=f"{float(fs[i])} (the settle price) off roll days",
            )
        roll.setflags(write=False)
        dates = self.dates
        if dates is not None:
            dates = np.array(dates, dtype="datetime64[D]", copy=True)
            if dates.shape != (n,):
                raise InputError(
                    "length differs from the index path",
                    source="dates",
                    value=dates.shape,
                    expected=f"({n},)",
                )
            dates.setflags(write=False)
        for name, arr in (
            ("index_level", s),
            ("rate_annual", r),
            ("dividend_yield_annual", q),
            ("futures_price_settle", fs),
            ("futures_price_hold", fh),
            ("is_roll", roll),
            ("dates", dates),
        ):
            object.__setattr__(self, name, arr)

    @property
    def n_days(self) -> int:
        """Number of trading days ``n`` (day 0 included)."""
        return int(self.index_level.size)

    @classmethod
    def from_fair_value(
        cls,
        index_level: npt.ArrayLike,
        rate_annual: npt.ArrayLike,
        dividend_yield_annual: npt.ArrayLike | float,
        schedule: HeldContractSchedule,
        *,
        dates: npt.ArrayLike | None = None,
    ) -> MarketPath:
        r"""Price the held contracts at cost-of-carry fair value.

        .. math:: F_t = S_t \, e^{(r_t - q_t)\,\tau_t}

        with :math:`\tau_t` the years to the contract's expiry from ``schedule`` (Hull,
        *Options, Futures and Other Derivatives*, 11th ed., ch. 5, futures on stock indices).
        Prices are not rounded to the tick.

        Parameters
        ----------
        index_level, rate_annual, dividend_yield_annual
            As the attributes of the same names (a scalar yield is broadcast).
        schedule
            Held contract per day, e.g. from :func:`held_contract_schedule`.
        dates
            Optional session dates for reporting.

        Returns
        -------
        MarketPath
        """
        s = _as_float_vector(index_level, "index_level")
        n = s.size
        if schedule.n_days != n:
            raise InputError(
                "schedule length differs from the index path",
                source="schedule",
                value=schedule.n_days,
                expected=f"{n}",
            )
        r = _as_float_vector(rate_annual, "rate_annual", n)
        q = _as_float_vector(
            np.broadcast_to(np.asarray(dividend_yield_annual, np.float64), (n,)),
            "dividend_yield_annual",
            n,
        )
        carry = r - q
        settle = s * np.exp(carry * schedule.tau_settle_years)
        hold = s * np.exp(carry * schedule.tau_hold_years)
        return cls(
            index_level=s,
            rate_annual=r,
            dividend_yield_annual=q,
            futures_price_settle=settle,
            futures_price_hold=hold,
            is_roll=schedule.is_roll,
            dates=None if dates is None else np.asarray(dates, dtype="datetime64[D]"),
        )


@dataclass(frozen=True, slots=True)
class AccountSpec:
    """Terms of the hedged account: portfolio, contract, costs and margin rules.

    Attributes
    ----------
    initial_value_usd
        Portfolio value ``V_0`` before anything is traded.
    beta
        Portfolio beta to the index: daily return ``beta * index return + q/252``.
    multiplier_usd
        Contract multiplier, USD per index point (ES: 50).
    commission_per_contract_usd
        Commission per contract per side.
    slippage_points
        Slippage per contract per side, in index points (costs ``slippage_points *
        multiplier_usd``).
    initial_margin_per_contract_usd
        Initial margin per contract (the level a margin call restores).
    maintenance_fraction
        Maintenance margin as a fraction of initial margin: a call is made when the account is
        below ``maintenance_fraction * initial * N``.
    sweep_multiple
        Excess above ``sweep_multiple * initial * N`` is swept back to the portfolio.
    """

    initial_value_usd: float
    beta: float
    multiplier_usd: float
    commission_per_contract_usd: float
    slippage_points: float
    initial_margin_per_contract_usd: float
    maintenance_fraction: float
    sweep_multiple: float

    def __post_init__(self) -> None:
        checks: tuple[tuple[str, bool, str], ...] = (
            ("initial_value_usd", self.initial_value_usd > 0, "> 0"),
            ("beta", np.isfinite(self.beta), "a finite number"),
            ("multiplier_usd", self.multiplier_usd > 0, "> 0"),
            ("commission_per_contract_usd", self.commission_per_contract_usd >= 0, ">= 0"),
            ("slippage_points", self.slippage_points >= 0, ">= 0"),
            ("initial_margin_per_contract_usd", self.initial_margin_per_contract_usd >= 0, ">= 0"),
            ("maintenance_fraction", 0 <= self.maintenance_fraction <= 1, "in [0, 1]"),
            ("sweep_multiple", self.sweep_multiple >= 1, ">= 1"),
        )
        for name, ok, expected in checks:
            value = getattr(self, name)
            if not (ok and np.isfinite(value)):
                raise InputError(
                    "invalid account term", source=name, value=value, expected=expected
                )
            object.__setattr__(self, name, float(value))

    @property
    def cost_per_contract_usd(self) -> float:
        """Cost of one contract traded (one side): commission + slippage × multiplier."""
        return self.commission_per_contract_usd + self.slippage_points * self.multiplier_usd

    def to_dict(self) -> dict[str, float]:
        """Return the terms as a JSON-safe dict."""
        return {name: float(getattr(self, name)) for name in self.__dataclass_fields__}
