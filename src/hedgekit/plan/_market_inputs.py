"""Market inputs of a plan at its as-of date, from the bundled history or the user.

Each figure is an :class:`~hedgekit.market.Observation` recording the date it was observed
and where it came from; the plan prints them, so nothing is assumed silently.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from hedgekit._constants import CALENDAR_DAYS_PER_YEAR
from hedgekit.calendar import CmeRollRule, ContractCode, held_contract, last_trading_day
from hedgekit.contracts import ContractSpec
from hedgekit.errors import DatasetError, InputError
from hedgekit.market import Observation, dividend_yield_from_total_return, latest_observation
from hedgekit.pricing import fair_value_continuous, implied_dividend_yield
from hedgekit.pricing import tbill_discount_to_continuous as _tbill

#: Bundled index series by index key.
INDEX_KEYS: tuple[str, ...] = ("SPX", "NDX", "RUT")
INDEX_NAMES: dict[str, str] = {
    "SPX": "S&P 500",
    "NDX": "NASDAQ-100",
    "RUT": "Russell 2000",
    "DJI": "Dow Jones Industrial Average",
}
#: Bundled front-month continuous futures series per index key.
FUTURES_SERIES: dict[str, Literal["ES", "NQ", "RTY"]] = {"SPX": "ES", "NDX": "NQ", "RUT": "RTY"}

#: How old a daily observation may be, calendar days (a long weekend plus a holiday).
MAX_STALE_DAILY = 5
#: How old the T-bill rate may be (its bond-market calendar skips some NYSE sessions).
MAX_STALE_RATE = 10
#: How old the S&P 500 dividend yield may be: the bundled total-return series ends
#: 2024-02-16; a trailing-year yield moves slowly, so up to 13 months is accepted and the
#: observation date is shown with the figure.
MAX_STALE_DIVIDEND_YIELD = 400


@dataclass(frozen=True, slots=True)
class MarketInputs:
    r"""The market figures a plan uses, each with its date and source.

    Attributes
    ----------
    index
        Index key (``SPX``...).
    index_level, rate, dividend_yield
        Index close, continuously compounded risk-free rate, index dividend yield.
    vix
        CBOE VIX close (``None`` when not available at the date).
    futures_price
        Price of the contract held.
    futures_price_source
        ``"observed"`` (bundled front-month close of that contract), ``"fair value"``
        (carry: :math:`S e^{(r-q)\\tau}`) or ``"user"``.
    fair_value
        Carry fair value of the held contract, for comparison.
    contract
        The contract held on the as-of date under the CME roll convention.
    last_trading_day, roll_date
        Of that contract.
    high_52w, drawdown_from_52w_high
        Highest index close in the year to the as-of date and the fall from it.
    """

    as_of: dt.date
    index: str
    index_level: Observation
    rate: Observation
    dividend_yield: Observation
    vix: Observation | None
    futures_price: float
    futures_price_source: str
    fair_value: float
    contract: ContractCode
    last_trading_day: dt.date
    roll_date: dt.date
    high_52w: float | None
    drawdown_from_52w_high: float | None

    @property
    def days_to_expiry(self) -> int:
        """Calendar days from the as-of date to the last trading day."""
        return (self.last_trading_day - self.as_of).days

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary."""
        return {
            "as_of": self.as_of.isoformat(),
            "index": self.index,
            "index_level": self.index_level.to_dict(),
            "rate_annual": self.rate.to_dict(),
            "dividend_yield": self.dividend_yield.to_dict(),
            "vix": None if self.vix is None else self.vix.to_dict(),
            "futures_price": self.futures_price,
            "futures_price_source": self.futures_price_source,
            "fair_value": self.fair_value,
            "contract": str(self.contract),
            "last_trading_day": self.last_trading_day.isoformat(),
            "roll_date": self.roll_date.isoformat(),
            "days_to_expiry": self.days_to_expiry,
            "high_52w": self.high_52w,
            "drawdown_from_52w_high": self.drawdown_from_52w_high,
        }


def index_closes(index: str) -> pd.Series:
    """Bundled daily closes of an index key; a clear error for indices not bundled."""
    from hedgekit import datasets

    if index not in INDEX_KEYS:
        raise DatasetError(
            f"no {INDEX_NAMES.get(index, index)} ({index}) history is bundled; give "
            "--index-level and --beta (and --futures-price) for contracts on it"
        )
    return datasets.load_index(index)["close"]


#: Sessions of implied yields whose median is the index's dividend yield (about a quarter).
IMPLIED_YIELD_SESSIONS = 63
#: Fewest calendar days to expiry for a futures close to enter the implied yield: near expiry
#: the basis is a few points and any timing gap between the futures and index closes is
#: magnified by 1/tau.
IMPLIED_YIELD_MIN_DAYS = 20


def implied_yield_from_futures(index: str, closes: pd.Series, as_of: dt.date) -> Observation:
    r"""Dividend yield of an index implied by its bundled futures closes, robustly.

    For each session :math:`t` up to ``as_of`` with at least
    :data:`IMPLIED_YIELD_MIN_DAYS` calendar days to the held contract's last trading day,

    .. math:: q_t = r_t - \frac{1}{\tau_t}\ln\frac{F_t}{S_t}

    (cost of carry inverted; Hull 11e §5.4, eq. 5.3), with :math:`r_t` the DTB3 rate of the
    session (the latest on or before it, at most :data:`MAX_STALE_RATE` days old). The yield
    is the median of the last :data:`IMPLIED_YIELD_SESSIONS` such values: one close is noisy
    (futures and index closes are not simultaneous), a quarter's median is not.

    Raises
    ------
    InputError
        When fewer than 20 usable sessions exist before ``as_of``.
    """
    from hedgekit import datasets
    from hedgekit.calendar import ContractCode

    root = FUTURES_SERIES[index]
    front = datasets.load_futures_front(root)
    stamp = pd.Timestamp(as_of)
    front = front.loc[:stamp]
    front = front.loc[front.index.isin(closes.index)].iloc[-4 * IMPLIED_YIELD_SESSIONS :]
    dtb3 = datasets.load_tbill_3m()["discount_pct"].dropna()
    pos = dtb3.index.searchsorted(front.index, side="right") - 1
    ok = pos >= 0
    front, pos = front.loc[ok], pos[ok]
    rate_dates = dtb3.index[pos]
    gap_days = (front.index.to_numpy() - rate_dates.to_numpy()) / np.timedelta64(1, "D")
    fresh = gap_days <= MAX_STALE_RATE
    front, pos = front.loc[fresh], pos[fresh]
    rates = np.asarray(_tbill(dtb3.to_numpy()[pos]), dtype=np.float64)
    ltd: dict[str, dt.date] = {}
    for label in front["inferred_contract"].unique():
        ltd[str(label)] = last_trading_day(ContractCode.parse(str(label))).date()
    days = np.array(
        [
            (ltd[str(lab)] - d.date()).days
            for d, lab in zip(front.index, front["inferred_contract"], strict=True)
        ],
        dtype=np.float64,
    )
    use = days >= IMPLIED_YIELD_MIN_DAYS
    f = front["close"].to_numpy(dtype=np.float64)[use]
    spot = closes.loc[front.index[use]].to_numpy(dtype=np.float64)
    tau = days[use] / CALENDAR_DAYS_PER_YEAR
    q_all = np.asarray(implied_dividend_yield(f, spot, rates[use], tau), dtype=np.float64)
    q_last = q_all[-IMPLIED_YIELD_SESSIONS:]
    if q_last.size < 20:
        raise InputError(
            f"too few {root} futures closes before {as_of.isoformat()} to imply a dividend "
            f"yield for {INDEX_NAMES.get(index, index)}",
            source="dividend_yield",
            value=int(q_last.size),
            expected="--dividend-yield (e.g. 0.013 for 1.3%)",
        )
    used = front.index[use][-IMPLIED_YIELD_SESSIONS:]
    return Observation(
        float(np.median(q_last)),
        used[-1].date(),
        as_of,
        f"median of {q_last.size} yields implied by {root} closes "
        f"({used[0].date()} to {used[-1].date()}, at least {IMPLIED_YIELD_MIN_DAYS} days to "
        "expiry)",
        "continuous, per year",
    )


def _user(value: float, as_of: dt.date, unit: str) -> Observation:
    return Observation(value, as_of, as_of, "user", unit)


def gather_market_inputs(
    spec: ContractSpec,
    as_of: dt.date,
    *,
    index_level: float | None = None,
    futures_price: float | None = None,
    rate_annual: float | None = None,
    dividend_yield: float | None = None,
) -> MarketInputs:
    r"""Collect index level, rate, dividend yield, VIX and futures price for ``spec`` at ``as_of``.

    Parameters
    ----------
    spec
        The main hedge contract (its ``index`` selects the series).
    as_of
        The plan date.
    index_level, futures_price, rate_annual, dividend_yield
        User figures; each replaces the bundled one.

    Notes
    -----
    * Rate: :func:`hedgekit.pricing.tbill_discount_to_continuous` of FRED DTB3.
    * Dividend yield of the S&P 500: trailing twelve months implied by the total-return
      index (:func:`hedgekit.market.dividend_yield_from_total_return`). For other indices
      it is implied by the bundled futures price, :math:`q = r - \\ln(F/S)/\\tau`
      (Hull 11e §5.4), or must be given.
    * Futures price: the bundled front-month close when its contract label is the contract
      held under the CME roll; otherwise carry fair value :math:`S e^{(r-q)\\tau}` with
      :math:`\\tau` in years of 365 days to the last trading day.
    """
    from hedgekit import datasets

    index = spec.index
    code = held_contract(spec.root, as_of, CmeRollRule(), months=spec.months)
    ltd = last_trading_day(code).date()
    roll = CmeRollRule().roll_date(code).date()
    tau = max((ltd - as_of).days, 0) / CALENDAR_DAYS_PER_YEAR

    closes: pd.Series | None = index_closes(index) if index in INDEX_KEYS else None
    if index_level is not None:
        level = _user(index_level, as_of, "index points")
    elif closes is not None:
        level = latest_observation(
            closes,
            as_of,
            max_stale_days=MAX_STALE_DAILY,
            source=f"{INDEX_NAMES[index]} close",
            unit="index points",
        )
    else:
        index_closes(index)  # raises the explanatory DatasetError
        raise AssertionError  # pragma: no cover

    if rate_annual is not None:
        rate = _user(rate_annual, as_of, "continuous, per year")
    else:
        dtb3 = latest_observation(
            datasets.load_tbill_3m()["discount_pct"],
            as_of,
            max_stale_days=MAX_STALE_RATE,
            source="3-month T-bill (FRED DTB3)",
            unit="% discount",
        )
        rate = Observation(
            float(_tbill(dtb3.value)),
            dtb3.observed,
            as_of,
            "3-month T-bill (FRED DTB3), continuous",
            "continuous, per year",
        )

    observed_future: Observation | None = None
    if futures_price is None and index in FUTURES_SERIES:
        front = datasets.load_futures_front(FUTURES_SERIES[index])
        try:
            obs = latest_observation(
                front["close"],
                as_of,
                max_stale_days=MAX_STALE_DAILY,
                source=f"{FUTURES_SERIES[index]} front-month close",
                unit="index points",
            )
        except InputError:
            obs = None
        if obs is not None:
            label = str(front.loc[pd.Timestamp(obs.observed), "inferred_contract"])
            if label == f"{FUTURES_SERIES[index]}{code.month_code}{code.year}" and (
                obs.observed == level.observed
            ):
                observed_future = obs

    if dividend_yield is not None:
        q = _user(dividend_yield, as_of, "continuous, per year")
    elif index == "SPX":
        tr = datasets.load_sp500_tr()["close"]
        px = datasets.load_sp500()["close"]
        yld = dividend_yield_from_total_return(tr, px.loc[tr.index[0] : tr.index[-1]])
        q = latest_observation(
            yld,
            as_of,
            max_stale_days=MAX_STALE_DIVIDEND_YIELD,
            source="S&P 500 trailing 12-month yield (total-return vs price index)",
            unit="continuous, per year",
        )
    elif index in FUTURES_SERIES and closes is not None:
        q = implied_yield_from_futures(index, closes, as_of)
    else:
        raise InputError(
            f"no dividend yield for {INDEX_NAMES.get(index, index)} at {as_of.isoformat()}",
            source="dividend_yield",
            expected="--dividend-yield (e.g. 0.013 for 1.3%)",
        )

    fair = float(fair_value_continuous(level.value, rate.value, q.value, tau))
    if futures_price is not None:
        price, source = futures_price, "user"
    elif observed_future is not None:
        price, source = observed_future.value, "observed"
    else:
        price, source = fair, "fair value"

    vix: Observation | None = None
    high: float | None = None
    drawdown: float | None = None
    try:
        vix = latest_observation(
            datasets.load_vix()["close"],
            as_of,
            max_stale_days=MAX_STALE_DAILY,
            source="CBOE VIX close",
            unit="volatility points",
        )
    except InputError:
        vix = None
    if closes is not None:
        year = closes.loc[pd.Timestamp(as_of) - pd.Timedelta(days=365) : pd.Timestamp(as_of)]
        if len(year) > 0:
            high = float(year.max())
            drawdown = level.value / high - 1.0
    if not math.isfinite(price) or price <= 0:
        raise InputError("futures price is not positive", source="futures_price", value=price)
    return MarketInputs(
        as_of=as_of,
        index=index,
        index_level=level,
        rate=rate,
        dividend_yield=q,
        vix=vix,
        futures_price=float(price),
        futures_price_source=source,
        fair_value=fair,
        contract=code,
        last_trading_day=ltd,
        roll_date=roll,
        high_52w=high,
        drawdown_from_52w_high=drawdown,
    )
