r"""Daily mark-to-market of a futures margin account, with margin calls.

The ledger follows Hull, *Options, Futures and Other Derivatives*, 11th ed., §2.4 "The
operation of margin accounts" and Table 2.1: each day the account is credited (debited) with
the day's gain (loss) :math:`q\,m\,(F_t - F_{t-1})`; when the balance falls *below* the
maintenance margin the holder gets a margin call and must deposit enough to bring the account
back to the *initial* margin ("variation margin"). A call restoring the account to the initial
level is the exchange rule too (CME Group, "FAQ: Performance Bonds / Margins": "If
subsequently margin equity falls below maintenance margin, a call must be issued to bring the
account up to initial margin"; CME Group education, "Margin: Know What's Needed").

Simplifications, stated: the deposit is credited the same day (Hull's table does the same); a
balance above the initial margin is left in the account (no withdrawals); interest, when asked
for, is simple interest on the previous day's balance at ``rate_annual / periods_per_year``.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from hedgekit._constants import TRADING_DAYS_PER_YEAR
from hedgekit._typing import Float64Array
from hedgekit.errors import InputError
from hedgekit.sizing._checks import check_finite, check_positive

__all__ = ["MarginPath", "simulate_margin_account"]


@dataclass(frozen=True, slots=True, eq=False)
class MarginPath:
    r"""Daily margin-account ledger (Hull 11e Table 2.1 layout), one row per settlement day.

    Attributes
    ----------
    quantity
        Contracts held, negative = short.
    multiplier_usd
        USD per price point of one contract.
    initial_usd, maintenance_usd
        Initial and maintenance margin for the whole position (per contract × ``|quantity|``).
    starting_balance_usd
        Balance on entry.
    entry_price
        Price the position was entered at (``futures_prices[0]``).
    settlement
        Settlement price of each day (``futures_prices[1:]``).
    daily_gain_usd
        :math:`q\,m\,(F_t - F_{t-1})`.
    cumulative_gain_usd
        :math:`q\,m\,(F_t - F_0)`.
    interest_usd
        Interest credited that day on the previous balance.
    balance_before_call_usd
        Balance after the day's gain and interest, before any deposit.
    margin_call_usd
        Deposit required that day (0 when none).
    balance_usd
        Balance at the end of the day, deposit included.
    """

    quantity: int
    multiplier_usd: float
    initial_usd: float
    maintenance_usd: float
    starting_balance_usd: float
    entry_price: float
    settlement: Float64Array
    daily_gain_usd: Float64Array
    cumulative_gain_usd: Float64Array
    interest_usd: Float64Array
    balance_before_call_usd: Float64Array
    margin_call_usd: Float64Array
    balance_usd: Float64Array

    @property
    def n_calls(self) -> int:
        """Number of days with a margin call."""
        return int(np.count_nonzero(self.margin_call_usd > 0))

    @property
    def total_deposits_usd(self) -> float:
        """Sum of all margin-call deposits."""
        return float(self.margin_call_usd.sum())

    @property
    def final_balance_usd(self) -> float:
        """Balance after the last day (the starting balance if there are no days)."""
        return float(self.balance_usd[-1]) if self.balance_usd.size else self.starting_balance_usd

    def to_frame(self) -> pd.DataFrame:
        """Ledger as a DataFrame indexed by day number (1 = first settlement)."""
        return pd.DataFrame(
            {
                "settlement": self.settlement,
                "daily_gain_usd": self.daily_gain_usd,
                "cumulative_gain_usd": self.cumulative_gain_usd,
                "interest_usd": self.interest_usd,
                "balance_before_call_usd": self.balance_before_call_usd,
                "margin_call_usd": self.margin_call_usd,
                "balance_usd": self.balance_usd,
            },
            index=pd.RangeIndex(1, self.settlement.size + 1, name="day"),
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary: scalars, summary and one list per ledger column."""
        return {
            "quantity": self.quantity,
            "multiplier_usd": self.multiplier_usd,
            "initial_usd": self.initial_usd,
            "maintenance_usd": self.maintenance_usd,
            "starting_balance_usd": self.starting_balance_usd,
            "entry_price": self.entry_price,
            "n_calls": self.n_calls,
            "total_deposits_usd": self.total_deposits_usd,
            "final_balance_usd": self.final_balance_usd,
            "settlement": self.settlement.tolist(),
            "daily_gain_usd": self.daily_gain_usd.tolist(),
            "cumulative_gain_usd": self.cumulative_gain_usd.tolist(),
            "interest_usd": self.interest_usd.tolist(),
            "balance_before_call_usd": self.balance_before_call_usd.tolist(),
            "margin_call_usd": self.margin_call_usd.tolist(),
            "balance_usd": self.balance_usd.tolist(),
        }


def simulate_margin_account(
    futures_prices: Float64Array,
    quantity: int,
    multiplier_usd: float,
    initial_usd_per_contract: float,
    maintenance_usd_per_contract: float,
    *,
    starting_balance_usd: float | None = None,
    rate_annual: float = 0.0,
    periods_per_year: float = TRADING_DAYS_PER_YEAR,
) -> MarginPath:
    r"""Run a futures position's margin account over daily settlement prices.

    For day :math:`t = 1, \dots, n-1`, with :math:`M = |q|\,\text{maintenance}` and
    :math:`I = |q|\,\text{initial}`:

    .. math::

        b_t^- &= b_{t-1} + b_{t-1}\,r/P + q\,m\,(F_t - F_{t-1}) \
        c_t &= \begin{cases} I - b_t^- & b_t^- < M \ 0 & \text{otherwise} \end{cases}
        \qquad b_t = b_t^- + c_t

    (Hull 11e §2.4 and Table 2.1; CME: a call restores the account to the initial margin.)

    Parameters
    ----------
    futures_prices
        ``futures_prices[0]`` is the entry price, then one settlement price per day (1-D,
        finite, > 0, at least the entry price).
    quantity
        Contracts, negative = short.
    multiplier_usd
        USD per price point of one contract (> 0), e.g. 50 for ES, 100 for 100-oz gold.
    initial_usd_per_contract, maintenance_usd_per_contract
        Margin per contract, ``0 < maintenance <= initial``.
    starting_balance_usd
        Cash in the account on entry; default the initial margin :math:`I`. Must be at
        least :math:`I` (a position cannot be opened with less).
    rate_annual
        Simple interest rate credited on the previous day's balance, per year (default 0).
    periods_per_year
        Settlement days per year for the interest accrual.

    Returns
    -------
    MarginPath

    Raises
    ------
    InputError
        Non-finite or non-positive prices, a non-integer quantity, impossible margins, or a
        starting balance below the initial margin.
    """
    prices = np.asarray(futures_prices, dtype=np.float64)
    if prices.ndim != 1 or prices.size < 1:
        raise InputError(
            "futures prices must be a 1-D array with the entry price first",
            source="futures_prices",
            value=f"shape {prices.shape}",
            expected="a 1-D array of length >= 1",
        )
    bad = np.flatnonzero(~np.isfinite(prices) | (prices <= 0))
    if bad.size:
        i = int(bad[0])
        raise InputError(
            f"futures price at position {i} is not a finite positive number",
            source="futures_prices",
            value=float(prices[i]),
            expected="finite prices > 0",
        )
    quantity_obj: object = quantity
    if isinstance(quantity_obj, bool) or not isinstance(quantity_obj, numbers.Integral):
        raise InputError(
            "quantity must be a whole number of contracts",
            source="quantity",
            value=quantity,
            expected="an int (negative = short)",
        )
    check_positive(multiplier_usd, "multiplier_usd")
    check_positive(initial_usd_per_contract, "initial_usd_per_contract")
    check_positive(maintenance_usd_per_contract, "maintenance_usd_per_contract")
    if maintenance_usd_per_contract > initial_usd_per_contract:
        raise InputError(
            "maintenance margin exceeds initial margin",
            source="maintenance_usd_per_contract",
            value=maintenance_usd_per_contract,
            expected=f"at most the initial margin ({initial_usd_per_contract})",
        )
    check_finite(rate_annual, "rate_annual")
    check_positive(periods_per_year, "periods_per_year")
    q = int(quantity)
    initial_total = abs(q) * float(initial_usd_per_contract)
    maintenance_total = abs(q) * float(maintenance_usd_per_contract)
    if starting_balance_usd is None:
        start = initial_total
    else:
        check_finite(starting_balance_usd, "starting_balance_usd")
        start = float(starting_balance_usd)
        if start < initial_total:
            raise InputError(
                "starting balance is below the initial margin of the position",
                source="starting_balance_usd",
                value=starting_balance_usd,
                expected=f"at least {initial_total:,.2f} USD",
            )
    gain, interest, before, call, after = _ledger(
        prices,
        q * float(multiplier_usd),
        initial_total,
        maintenance_total,
        start,
        float(rate_annual) / float(periods_per_year),
    )
    return MarginPath(
        quantity=q,
        multiplier_usd=float(multiplier_usd),
        initial_usd=initial_total,
        maintenance_usd=maintenance_total,
        starting_balance_usd=start,
        entry_price=float(prices[0]),
        settlement=_frozen(prices[1:].copy()),
        daily_gain_usd=_frozen(gain),
        cumulative_gain_usd=_frozen(q * float(multiplier_usd) * (prices[1:] - prices[0])),
        interest_usd=_frozen(interest),
        balance_before_call_usd=_frozen(before),
        margin_call_usd=_frozen(call),
        balance_usd=_frozen(after),
    )


def _ledger(
    prices: Float64Array,
    usd_per_point: float,
    initial_total: float,
    maintenance_total: float,
    start: float,
    rate_per_period: float,
) -> tuple[Float64Array, Float64Array, Float64Array, Float64Array, Float64Array]:
    """Pure ledger recursion (see :func:`simulate_margin_account`)."""
    n = prices.size - 1
    gain = usd_per_point * np.diff(prices)
    interest = np.zeros(n)
    before = np.zeros(n)
    call = np.zeros(n)
    after = np.zeros(n)
    balance = start
    for t in range(n):
        interest[t] = balance * rate_per_period
        balance = balance + interest[t] + gain[t]
        before[t] = balance
        if balance < maintenance_total:
            call[t] = initial_total - balance
            balance = initial_total
        after[t] = balance
    return gain, interest, before, call, after


def _frozen(a: Float64Array) -> Float64Array:
    a.setflags(write=False)
    return a
