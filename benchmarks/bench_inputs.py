"""Inputs of the canonical grid benchmark, exactly as /work/shared/design/bench-spec.md pins them.

Shared by ``grid.py`` and ``reference_loop.py``. The benchmark's own calendar rule lives here,
not in ``hedgekit.calendar`` (whose product rule follows CME): expiry = third Friday of
Mar/Jun/Sep/Dec; when that is not a trading day of the data, the roll is counted from the first
trading day after it; roll day = 5 trading days before expiry (pinned detail 5). Times to expiry
count calendar days to the third Friday itself.

Rates (pinned detail 8): FRED DTB3 discount ``d`` (percent) becomes the continuous rate
``-ln(1 - d·91/360)·365/91``, then is carried forward onto the index's trading days: each
session takes the latest DTB3 value dated on or before it. This forward fill is the
benchmark's stated, explicit choice (DTB3 follows the bond-market calendar: no value on
Columbus Day, Veterans Day, ...).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from hedgekit.engine import AccountSpec, MarketPath, held_contract_schedule

START = np.datetime64("1990-01-02")
END = np.datetime64("2024-12-31")
DIVIDEND_YIELD = 0.018
ROLL_SESSIONS_BEFORE_EXPIRY = 5
EXPIRY_MONTHS = (3, 6, 9, 12)
#: The grid: h = 0.00, 0.05, ..., 1.00 and b = 0.00, 0.01, ..., 0.47 (1,008 runs).
HEDGE_RATIOS = np.arange(21) / 20
BANDS = np.arange(48) / 100
#: Grid points whose outputs the benchmark prints (h, b).
NAMED_POINTS = ((0.5, 0.1), (1.0, 0.0), (0.0, 0.0))

ACCOUNT = AccountSpec(
    initial_value_usd=1_000_000.0,
    beta=1.0,
    multiplier_usd=50.0,
    commission_per_contract_usd=2.50,
    slippage_points=0.25,
    initial_margin_per_contract_usd=12_000.0,
    maintenance_fraction=0.8,
    sweep_multiple=1.5,
)

# Beyond the data a roll session cannot be counted; a contract whose third Friday is more than
# this many calendar days after the last session certainly rolls after it (5 sessions before
# expiry span at most 7 calendar days plus a few holidays).
_SAFE_GAP_DAYS = 14


def third_friday(year: int, month: int) -> dt.date:
    """Third Friday of ``month`` in ``year``."""
    first = dt.date(year, month, 1)
    offset = (4 - first.weekday()) % 7  # Friday is weekday 4
    return first + dt.timedelta(days=offset + 14)


def bench_roll_dates(
    sessions: npt.NDArray[np.datetime64],
) -> tuple[npt.NDArray[np.datetime64], npt.NDArray[np.datetime64]]:
    """Expiries and roll dates of the quarterly chain over ``sessions`` (bench-spec rule).

    Returns
    -------
    expiries, roll_dates
        Third Fridays, and for each the session 5 sessions before the first session on or
        after it. Contracts that roll before the first session are left out; the first
        contract whose third Friday lies beyond the data gets a stand-in roll date 14 days
        before its third Friday (after the last session, so it is simply held to the end).
    """
    days = np.asarray(sessions, dtype="datetime64[D]")
    first = days[0].astype(dt.date)
    last = days[-1].astype(dt.date)
    expiries: list[dt.date] = []
    rolls: list[dt.date] = []
    for year in range(first.year, last.year + 2):
        for month in EXPIRY_MONTHS:
            friday = third_friday(year, month)
            anchor = int(np.searchsorted(days, np.datetime64(friday, "D"), side="left"))
            if anchor < days.size:
                roll = anchor - ROLL_SESSIONS_BEFORE_EXPIRY
                if roll < 0:
                    continue
                expiries.append(friday)
                rolls.append(days[roll].astype(dt.date))
                continue
            if (friday - last).days <= _SAFE_GAP_DAYS:
                raise ValueError(
                    f"cannot count the roll of the {friday} expiry: data ends {last}, fewer "
                    f"than {_SAFE_GAP_DAYS} days before it"
                )
            expiries.append(friday)
            rolls.append(friday - dt.timedelta(days=_SAFE_GAP_DAYS))
            return (
                np.array(expiries, dtype="datetime64[D]"),
                np.array(rolls, dtype="datetime64[D]"),
            )
    raise AssertionError("unreachable: the loop runs past the last session")


def discount_to_continuous(discount_pct: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Pinned detail 8: ``r = -ln(1 - d/100 · 91/360) · 365/91`` (Hull 11th ed., §6.1)."""
    return -np.log(1.0 - discount_pct / 100.0 * 91.0 / 360.0) * 365.0 / 91.0


def carry_forward(
    obs_dates: npt.NDArray[np.datetime64],
    values: npt.NDArray[np.float64],
    sessions: npt.NDArray[np.datetime64],
) -> tuple[npt.NDArray[np.float64], int]:
    """Latest observation dated on or before each session, and the largest gap in days.

    Raises
    ------
    ValueError
        If a session precedes the first observation.
    """
    obs = np.asarray(obs_dates, dtype="datetime64[D]")
    days = np.asarray(sessions, dtype="datetime64[D]")
    pos = np.searchsorted(obs, days, side="right") - 1
    if (pos < 0).any():
        raise ValueError(f"no rate observation on or before {days[int(np.argmax(pos < 0))]}")
    staleness = int((days - obs[pos]).astype(np.int64).max())
    return values[pos], staleness


@dataclass(frozen=True)
class BenchData:
    """Everything the benchmark runs on, with a note of how it was prepared."""

    market: MarketPath
    sessions: npt.NDArray[np.datetime64]
    max_rate_staleness_days: int
    n_rolls: int


def prepare_market(
    dates: npt.NDArray[np.datetime64],
    closes: npt.NDArray[np.float64],
    rate_dates: npt.NDArray[np.datetime64],
    discount_pct: npt.NDArray[np.float64],
) -> BenchData:
    """Build the benchmark's market path from index closes and DTB3 observations."""
    days = np.asarray(dates, dtype="datetime64[D]")
    keep = (days >= START) & (days <= END)
    days = days[keep]
    s = np.asarray(closes, dtype=np.float64)[keep]
    rate_continuous = discount_to_continuous(np.asarray(discount_pct, dtype=np.float64))
    r, staleness = carry_forward(rate_dates, rate_continuous, days)
    expiries, rolls = bench_roll_dates(days)
    schedule = held_contract_schedule(days, expiries, rolls)
    market = MarketPath.from_fair_value(s, r, DIVIDEND_YIELD, schedule, dates=days)
    return BenchData(market, days, staleness, int(schedule.is_roll.sum()))


def load_bench_data() -> BenchData:
    """Load S&P 500 closes and DTB3 from ``hedgekit.datasets`` and prepare the path.

    Read with :func:`hedgekit.datasets.load_columns` (numpy arrays, the same checks as the
    DataFrame loaders, no pandas import: about half a second of a short process here).
    """
    from hedgekit.datasets import load_columns

    spx = load_columns("sp500", ["close"])
    tbill = load_columns("tbill_3m", ["discount_pct"])
    return prepare_market(spx["date"], spx["close"], tbill["date"], tbill["discount_pct"])
