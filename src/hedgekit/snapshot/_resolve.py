r"""One market snapshot: every command's date, index level, futures price, rate and yield.

Every figure is an :class:`~hedgekit.market.Observation` with its value, the date it was
observed, its origin (``bundled``, ``user`` or ``derived``) and how it was obtained. Every
command (plan, cost, puts, compare, stress, the backtest's start) asks
:func:`resolve_market` and :func:`resolve_as_of`, so the same question gets the same inputs.

Rules
-----
* **Default date.** Without ``--as-of``, the *latest usable date*: the last NYSE session on or
  before the last observation of every bundled input the command needs and the user did not
  give (the index close, the T-bill rate, the dividend yield, and the portfolio's prices for a
  holdings file). ``hedgekit data`` prints it. The futures price is not a limit: without a
  bundled close the contract is priced at its carry fair value, and the output says so.
* **Non-session dates.** A date on which the NYSE was closed means the previous session; a
  note says so.
* **Overrides propagate.** ``--index-level`` without ``--futures-price`` prices the contract
  at the carry fair value of the user's level :math:`F = S e^{(r-q)\tau}` (Hull 11e §5.4,
  eq. 5.3), never at a bundled close of another level; ``--futures-price`` without
  ``--index-level`` gives the index level that price implies, :math:`S = F e^{-(r-q)\tau}`.
  A user price more than :data:`BASIS_WARNING` from its fair value is flagged with the basis.
* **History from what the user did not override.** The 52-week high and the drawdown from it
  are reported only for a bundled index level.
* **The contract it will hold.** Within :data:`ROLL_AHEAD_SESSIONS` sessions of the held
  contract's CME roll date, the snapshot prices the next contract: a hedge opened then would
  be rolled within days, so it is opened in the contract it will hold.
* **Dividend yield**: :mod:`hedgekit.snapshot._dividends` (realised, never below zero).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from hedgekit._constants import CALENDAR_DAYS_PER_YEAR
from hedgekit.calendar import (
    ROLL_AHEAD_SESSIONS,
    CmeRollRule,
    ContractCode,
    contract_to_open,
    held_contract,
    is_session,
    last_trading_day,
    session_on_or_before,
)
from hedgekit.contracts import ContractSpec
from hedgekit.errors import CalendarError, DatasetError, InputError
from hedgekit.market import Observation, latest_observation
from hedgekit.pricing import fair_value_continuous
from hedgekit.pricing import tbill_discount_to_continuous as _tbill
from hedgekit.snapshot._dividends import dividend_yield_at, dividend_yield_series
from hedgekit.snapshot._quotes import bundled_quotes

__all__ = [
    "BASIS_WARNING",
    "FUTURES_SERIES",
    "INDEX_KEYS",
    "INDEX_NAMES",
    "ROLL_AHEAD_SESSIONS",
    "MarketInputs",
    "MarketOverrides",
    "UsableDate",
    "index_closes",
    "latest_usable_date",
    "resolve_as_of",
    "resolve_market",
]

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
#: A user futures price farther than this from its carry fair value is flagged.
BASIS_WARNING = 0.01


@dataclass(frozen=True, slots=True)
class MarketOverrides:
    """Market figures the user gave; ``None`` means: resolve it from the bundled history.

    Attributes
    ----------
    index_level
        Index level (points).
    futures_price
        Price of the contract traded (points).
    rate_annual
        Continuously compounded risk-free rate per year.
    dividend_yield
        Index dividend yield, continuous per year.
    """

    index_level: float | None = None
    futures_price: float | None = None
    rate_annual: float | None = None
    dividend_yield: float | None = None

    def given(self) -> tuple[str, ...]:
        """Names of the figures the user gave."""
        return tuple(
            name
            for name in ("index_level", "futures_price", "rate_annual", "dividend_yield")
            if getattr(self, name) is not None
        )


@dataclass(frozen=True, slots=True)
class UsableDate:
    """The latest usable date and the input that sets it.

    Attributes
    ----------
    date
        The last NYSE session on which every needed input is observed.
    limits
        ``(input, last observation)`` for each bundled input considered.
    binding
        The input whose last observation sets ``date``.
    """

    date: dt.date
    limits: tuple[tuple[str, dt.date], ...]
    binding: str

    def explain(self) -> str:
        """One sentence for a note."""
        return (
            f"{self.date}, the latest usable date: the last session on which every bundled "
            f"input is observed ({self.binding} ends {dict(self.limits)[self.binding]})"
        )


@dataclass(frozen=True, slots=True)
class MarketInputs:
    r"""The market figures of one contract at one date, each with its date, origin and source.

    Attributes
    ----------
    as_of
        The date of the snapshot (an NYSE session).
    index
        Index key (``SPX``...).
    index_level, rate, dividend_yield, futures
        Index close, continuously compounded risk-free rate, index dividend yield and the
        futures price of :attr:`contract`, each an :class:`~hedgekit.market.Observation`.
    vix
        CBOE VIX close (``None`` when not available at the date).
    futures_price, futures_price_source
        ``futures.value`` and ``"observed"`` (bundled close of that contract), ``"fair value"``
        (carry: :math:`S e^{(r-q)\tau}`) or ``"user"``.
    fair_value
        Carry fair value of the contract at the index level, rate and yield above.
    contract
        The contract to trade: the one held at the date under the CME roll convention, or the
        next one within :data:`ROLL_AHEAD_SESSIONS` sessions of its roll.
    held_contract
        The contract held at the date under the CME roll convention.
    last_trading_day, roll_date
        Of :attr:`contract`.
    high_52w, drawdown_from_52w_high
        Highest bundled index close in the year to the date and the fall from it; ``None``
        when the index level is the user's (history says nothing about a level it did not
        see).
    notes
        Plain sentences on what was derived, clipped or flagged.
    basis_flag
        ``True`` when a user futures price is more than :data:`BASIS_WARNING` from fair value.
    """

    as_of: dt.date
    index: str
    index_level: Observation
    rate: Observation
    dividend_yield: Observation
    vix: Observation | None
    futures: Observation
    futures_price_source: str
    fair_value: float
    contract: ContractCode
    held_contract: ContractCode
    last_trading_day: dt.date
    roll_date: dt.date
    high_52w: float | None
    drawdown_from_52w_high: float | None
    notes: tuple[str, ...] = field(default=())
    basis_flag: bool = False

    @property
    def futures_price(self) -> float:
        """Price of :attr:`contract`."""
        return self.futures.value

    @property
    def days_to_expiry(self) -> int:
        """Calendar days from the as-of date to the last trading day."""
        return (self.last_trading_day - self.as_of).days

    @property
    def basis(self) -> float:
        """Futures price over its carry fair value, minus one."""
        return self.futures_price / self.fair_value - 1.0

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary."""
        return {
            "as_of": self.as_of.isoformat(),
            "index": self.index,
            "index_level": self.index_level.to_dict(),
            "rate_annual": self.rate.to_dict(),
            "dividend_yield": self.dividend_yield.to_dict(),
            "vix": None if self.vix is None else self.vix.to_dict(),
            "futures": self.futures.to_dict(),
            "futures_price": self.futures_price,
            "futures_price_source": self.futures_price_source,
            "fair_value": self.fair_value,
            "basis_vs_fair_value": self.basis,
            "contract": str(self.contract),
            "held_contract": str(self.held_contract),
            "last_trading_day": self.last_trading_day.isoformat(),
            "roll_date": self.roll_date.isoformat(),
            "days_to_expiry": self.days_to_expiry,
            "high_52w": self.high_52w,
            "drawdown_from_52w_high": self.drawdown_from_52w_high,
            "notes": list(self.notes),
        }


def index_closes(index: str) -> pd.Series:
    """Bundled daily closes of an index key; a clear error for indices not bundled."""
    from hedgekit import datasets

    if index not in INDEX_KEYS:
        raise DatasetError(
            f"no {INDEX_NAMES.get(index, index)} ({index}) history is bundled; give "
            "--index-level, --dividend-yield and --beta for contracts on it"
        )
    return datasets.load_index(index)["close"]


def _last(series: pd.Series) -> dt.date:
    return pd.Timestamp(series.dropna().index[-1]).date()


def latest_usable_date(
    indices: Iterable[str],
    overrides: MarketOverrides | None = None,
    *,
    extra: Sequence[tuple[str, dt.date]] = (),
) -> UsableDate:
    """The last NYSE session on which every bundled input needed is observed.

    Parameters
    ----------
    indices
        Index keys whose close and dividend yield are needed (the contract's index; all the
        bundled ones when the index is chosen later, from the holdings).
    overrides
        Figures the user gave: they set no limit.
    extra
        Further ``(input, last date)`` limits, such as the portfolio's last priced date.
    """
    from hedgekit import datasets

    ov = overrides or MarketOverrides()
    limits: list[tuple[str, dt.date]] = list(extra)
    for index in dict.fromkeys(indices):
        name = INDEX_NAMES.get(index, index)
        if ov.index_level is None and index in INDEX_KEYS:
            limits.append((f"{name} close", _last(index_closes(index))))
        if ov.dividend_yield is None and index in INDEX_KEYS:
            limits.append((f"{name} dividend yield", dividend_yield_series(index).dates[-1].date()))
    if ov.rate_annual is None:
        limits.append(("3-month T-bill rate", _last(datasets.load_tbill_3m()["discount_pct"])))
    if not limits:
        today = dt.date.today()
        return UsableDate(session_on_or_before(today).date(), (("today", today),), "today")
    binding, end = min(limits, key=lambda item: item[1])
    return UsableDate(session_on_or_before(end).date(), tuple(limits), binding)


def resolve_as_of(
    requested: dt.date | None,
    indices: Iterable[str],
    overrides: MarketOverrides | None = None,
    *,
    extra: Sequence[tuple[str, dt.date]] = (),
    option: str = "--as-of",
) -> tuple[dt.date, list[str]]:
    """The date a command works at, and the notes that explain it.

    ``None`` gives :func:`latest_usable_date`; a date on which the NYSE was closed gives the
    previous session. Every command uses this rule.
    """
    if requested is None:
        usable = latest_usable_date(indices, overrides, extra=extra)
        return usable.date, [
            f"No date given: {usable.explain()}; give {option} to choose another "
            "(`hedgekit data` shows the latest usable date)."
        ]
    try:
        if is_session(requested):
            return requested, []
        day = session_on_or_before(requested).date()
    except CalendarError as exc:
        raise InputError(
            str(exc), source=option, value=requested.isoformat(), expected="a date from 1970 on"
        ) from None
    return day, [f"{requested} is not an NYSE session: the previous session, {day}, is used."]


#: The bundled dataset of each index key's closes.
_INDEX_DATASET: dict[str, str] = {"SPX": "sp500", "NDX": "ndx", "RUT": "rut"}
#: Origins of a figure read from the market history (bundled or fetched since).
HISTORY = ("bundled", "updated")


def with_provenance(obs: Observation, dataset: str, column: str) -> Observation:
    """Mark ``obs`` as ``updated`` when its row came from the local store.

    The source then names the provider, its identifier and the fetch time
    (``hedgekit data update``); a bundled row leaves ``obs`` unchanged.
    """
    from hedgekit.marketdata import row_origin

    row = row_origin(dataset, column, obs.observed)
    if row is None:
        return obs
    return dataclasses.replace(
        obs,
        source=f"{obs.source}; updated from {row.provider} {row.provider_id}, "
        f"fetched {row.fetched_at}",
        origin="updated",
    )


def _user(value: float, as_of: dt.date, unit: str, flag: str) -> Observation:
    return Observation(value, as_of, as_of, f"user ({flag})", unit, origin="user")


def _needs_inputs(spec: ContractSpec, overrides: MarketOverrides) -> None:
    """One error listing every input a contract on an unbundled index needs."""
    missing = [
        flag
        for flag, value in (
            ("--index-level", overrides.index_level),
            ("--dividend-yield", overrides.dividend_yield),
        )
        if value is None
    ]
    if missing:
        name = INDEX_NAMES.get(spec.index, spec.index)
        raise InputError(
            f"no {name} history is bundled, so a {spec.root} hedge needs its inputs given",
            source=" and ".join(missing),
            value=spec.root,
            expected=f"{', '.join(missing)} (the {name} level and its dividend yield), "
            "and --beta of the portfolio against it; --futures-price is optional (default: "
            "its carry fair value), --rate is optional (bundled T-bill)",
        )


def resolve_market(
    spec: ContractSpec,
    as_of: dt.date,
    overrides: MarketOverrides | None = None,
) -> MarketInputs:
    r"""Index level, rate, dividend yield, VIX and futures price of ``spec`` at ``as_of``.

    Parameters
    ----------
    spec
        The hedge contract (its ``index`` selects the series).
    as_of
        The date (an NYSE session; see :func:`resolve_as_of`).
    overrides
        The user's figures; each replaces the bundled one and reaches every figure derived
        from it (module notes).

    Notes
    -----
    * Rate: :func:`hedgekit.pricing.tbill_discount_to_continuous` of FRED DTB3
      (Hull 11e §6.1).
    * Dividend yield: :func:`hedgekit.snapshot.dividend_yield_at`.
    * Futures price: the bundled quote of the contract traded on the index close's date
      (:func:`hedgekit.snapshot.bundled_quotes`: a CME settlement, else a front-month
      close), else the carry fair value
      :math:`S e^{(r-q)\tau}` with :math:`\tau` in years of 365 days to the last trading day
      (Hull 11e §5.4).
    """
    from hedgekit import datasets

    ov = overrides or MarketOverrides()
    index = spec.index
    if index not in INDEX_KEYS:
        _needs_inputs(spec, ov)
    rule = CmeRollRule()
    held = held_contract(spec.root, as_of, rule, months=spec.months)
    notes: list[str] = []
    code = held
    if is_session(as_of):
        code = contract_to_open(spec.root, as_of, rule, spec.months, ROLL_AHEAD_SESSIONS)
        if code != held:
            notes.append(
                f"{held} rolls on {rule.roll_date(held).date()}, within "
                f"{ROLL_AHEAD_SESSIONS} sessions of {as_of}: the hedge is opened in {code}, "
                "the contract it will hold, instead of being rolled days later."
            )
    ltd = last_trading_day(code).date()
    roll = rule.roll_date(code).date()
    tau = max((ltd - as_of).days, 0) / CALENDAR_DAYS_PER_YEAR

    if ov.rate_annual is not None:
        rate = _user(ov.rate_annual, as_of, "continuous, per year", "--rate")
    else:
        dtb3 = latest_observation(
            datasets.load_tbill_3m()["discount_pct"],
            as_of,
            max_stale_days=MAX_STALE_RATE,
            source="3-month T-bill (FRED DTB3)",
            unit="% discount",
        )
        dtb3 = with_provenance(dtb3, "tbill_3m", "discount_pct")
        rate = Observation(
            float(_tbill(dtb3.value)),
            dtb3.observed,
            as_of,
            dtb3.source.replace("(FRED DTB3)", "(FRED DTB3), continuous", 1),
            "continuous, per year",
            origin=dtb3.origin,
        )

    if ov.dividend_yield is not None:
        q = _user(ov.dividend_yield, as_of, "continuous, per year", "--dividend-yield")
    else:
        q, clip_note = dividend_yield_at(index, as_of)
        if clip_note is not None:
            notes.append(clip_note)
    carry = math.exp((rate.value - q.value) * tau)

    closes: pd.Series | None = index_closes(index) if index in INDEX_KEYS else None
    if ov.index_level is not None:
        level = _user(ov.index_level, as_of, "index points", "--index-level")
    elif ov.futures_price is not None:
        level = Observation(
            ov.futures_price / carry,
            as_of,
            as_of,
            f"implied by --futures-price {ov.futures_price:,.2f} of {code}: "
            f"S = F exp(-(r - q) tau), tau {tau:.4f} years",
            "index points",
            origin="derived",
        )
        notes.append(
            f"The {INDEX_NAMES.get(index, index)} level {level.value:,.2f} is the one your "
            f"futures price implies at carry (rate {rate.value:.2%}, dividend yield "
            f"{q.value:.2%}); give --index-level to use another."
        )
    else:
        assert closes is not None  # _needs_inputs ruled the rest out
        level = latest_observation(
            closes,
            as_of,
            max_stale_days=MAX_STALE_DAILY,
            source=f"{INDEX_NAMES[index]} close",
            unit="index points",
        )
        level = with_provenance(level, _INDEX_DATASET[index], "close")

    fair = float(fair_value_continuous(level.value, rate.value, q.value, tau))
    futures: Observation | None = None
    source = "fair value"
    basis_flag = False
    if ov.futures_price is not None:
        futures = _user(ov.futures_price, as_of, "index points", "--futures-price")
        source = "user"
        basis = ov.futures_price / fair - 1.0
        from_history = level.origin in HISTORY
        if (ov.index_level is not None or from_history) and abs(basis) > BASIS_WARNING:
            basis_flag = True
            notes.append(
                f"Your futures price {ov.futures_price:,.2f} is {basis:+.2%} from the "
                f"carry fair value {fair:,.2f} of {code} at the index level "
                f"{level.value:,.2f}: a basis that large is unusual for a stock index "
                "future; check the price and the contract month."
            )
    elif level.origin in HISTORY and index in FUTURES_SERIES:
        stamp = pd.DatetimeIndex([pd.Timestamp(level.observed)])
        quote, kind = bundled_quotes(index, stamp, np.array([code.long], dtype=object))
        if np.isfinite(quote[0]):
            what = (
                "CME settlement (CHRIS ES1)"
                if kind[0] == "settlement"
                else (f"{FUTURES_SERIES[index]} front-month close")
            )
            futures = Observation(
                float(quote[0]), level.observed, as_of, f"{what} of {code}", "index points"
            )
            if kind[0] != "settlement":
                futures = with_provenance(
                    futures, f"futures_front_{FUTURES_SERIES[index].lower()}", "close"
                )
            source = "observed"
    if futures is None:
        how = (
            f"carry fair value of {code}: F = S exp((r - q) tau) at the index level "
            f"{level.value:,.2f} ({level.origin}), rate {rate.value:.2%}, dividend yield "
            f"{q.value:.2%}, tau {tau:.4f} years"
        )
        futures = Observation(fair, as_of, as_of, how, "index points", origin="derived")
    if not math.isfinite(futures.value) or futures.value <= 0:
        raise InputError(
            "the futures price is not positive", source="--futures-price", value=futures.value
        )

    vix: Observation | None
    try:
        vix = latest_observation(
            datasets.load_vix()["close"],
            as_of,
            max_stale_days=MAX_STALE_DAILY,
            source="CBOE VIX close",
            unit="volatility points",
        )
        vix = with_provenance(vix, "vix", "close")
    except InputError:
        vix = None
    high: float | None = None
    drawdown: float | None = None
    if closes is not None and level.origin in HISTORY:
        year = closes.loc[pd.Timestamp(as_of) - pd.Timedelta(days=365) : pd.Timestamp(as_of)]
        if len(year) > 0:
            high = float(year.max())
            drawdown = level.value / high - 1.0
    return MarketInputs(
        as_of=as_of,
        index=index,
        index_level=level,
        rate=rate,
        dividend_yield=q,
        vix=vix,
        futures=futures,
        futures_price_source=source,
        fair_value=fair,
        contract=code,
        held_contract=held,
        last_trading_day=ltd,
        roll_date=roll,
        high_52w=high,
        drawdown_from_52w_high=drawdown,
        notes=tuple(notes),
        basis_flag=basis_flag,
    )
