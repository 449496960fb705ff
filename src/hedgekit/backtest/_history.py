r"""Real history for a backtest: sessions, index, VIX, T-bill, dividends, held futures prices.

Everything comes from the bundled datasets (:mod:`hedgekit.datasets`, the I/O layer):

* sessions: the index series' own dates in ``[start, end]`` (each must be an NYSE session);
* rate: FRED DTB3 converted to a continuous rate
  (:func:`hedgekit.pricing.tbill_discount_to_continuous`, 91 days) and carried forward onto
  the sessions: each session takes the latest observation dated on or before it (DTB3
  follows the bond-market calendar); more than 10 calendar days stale raises;
* index dividend yield: the plan's rule, :func:`hedgekit.snapshot.dividend_yield_series`
  (the S&P 500 total-return index while it runs, then the index's ETF against the index,
  never below zero), or a constant given;
* the held contract per session from :func:`hedgekit.calendar.held_by_session` under the
  roll rule; the position moves at the roll date's close;
* a hedge opened within three sessions of its contract's roll opens in the next contract
  (:func:`hedgekit.calendar.contract_to_open`, the plan's rule);
* its price: the bundled quote of the contract held, by the plan's rule
  (:func:`hedgekit.snapshot.bundled_quotes`: the CHRIS ES1 settlement, else the front-month
  close ES=F/NQ=F/RTY=F, when that series' contract that day is the one held; a Micro takes
  its E-mini's quote), otherwise fair value :math:`F = S e^{(r - q)\tau}` with :math:`\tau`
  = calendar days to the contract's last trading day / 365 (Hull 11e §5.4, futures on stock
  indices). The front-month series follow the front contract to expiry, so between the CME
  roll date and expiry the contract held (the next one) is priced at fair value. The source
  of every price is recorded (``settlement``, ``close``, ``fair value``). Switching source
  within one contract's life adds the basis between a quote and fair value to that day's
  mark (a few points), an artefact stated here rather than smoothed away.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from hedgekit._constants import CALENDAR_DAYS_PER_YEAR
from hedgekit._typing import Float64Array
from hedgekit.backtest._spec import BacktestSpec, FuturesPrices
from hedgekit.calendar import RollRule, contract_to_open, held_by_session, next_session
from hedgekit.contracts import get_contract
from hedgekit.errors import InputError
from hedgekit.policies import PolicyMarket

__all__ = ["HistoricalMarket", "load_history"]

#: Most calendar days a carried-forward T-bill observation may be older than its session.
MAX_RATE_STALENESS_DAYS = 10
SETTLEMENT = "settlement"
FAIR_VALUE = "fair value"


@dataclass(frozen=True, slots=True, eq=False)
class HistoricalMarket:
    """The market of one backtest, one entry per session of the run.

    Attributes
    ----------
    dates
        Sessions of the run.
    index_level, vix, rate_annual, dividend_yield
        Index close, VIX (NaN where missing), continuous T-bill rate, index dividend yield.
    contract_settled, contract_held
        Code of the contract carried into the session (settled that day) and held after its
        trades; they differ on roll days.
    futures_price_settle, futures_price_hold
        Their prices that day.
    source_settle, source_hold
        ``"settlement"``, ``"close"`` or ``"fair value"`` for each price.
    is_roll
        Roll days (never day 0: a run starting on a roll date simply opens the next contract).
    multiplier_usd, tick_size_points
        Of the contract.
    policy_market
        The same data with ``warmup`` sessions of history before the start, for policies.
    """

    dates: pd.DatetimeIndex
    index_level: Float64Array
    vix: Float64Array
    rate_annual: Float64Array
    dividend_yield: Float64Array
    contract_settled: np.ndarray
    contract_held: np.ndarray
    futures_price_settle: Float64Array
    futures_price_hold: Float64Array
    source_settle: np.ndarray
    source_hold: np.ndarray
    is_roll: np.ndarray
    multiplier_usd: float
    tick_size_points: float
    root: str
    policy_market: PolicyMarket

    @property
    def n_days(self) -> int:
        """Sessions in the run."""
        return len(self.dates)


def _index_close(index_key: str) -> pd.Series:
    from hedgekit.datasets import load_index

    return load_index(index_key)["close"].astype(np.float64)


def _rates_on(sessions: pd.DatetimeIndex) -> Float64Array:
    from hedgekit.datasets import load_tbill_3m
    from hedgekit.pricing import tbill_discount_to_continuous

    tb = load_tbill_3m()["discount_pct"].dropna()
    obs = tb.index.to_numpy(dtype="datetime64[D]")
    days = sessions.to_numpy(dtype="datetime64[D]")
    pos = np.searchsorted(obs, days, side="right") - 1
    if (pos < 0).any():
        raise InputError("no T-bill rate before this session", source="rate",
                         value=str(sessions[int(np.flatnonzero(pos < 0)[0])].date()))  # fmt: skip
    stale = (days - obs[pos]).astype(np.int64)
    if (stale > MAX_RATE_STALENESS_DAYS).any():
        i = int(np.flatnonzero(stale > MAX_RATE_STALENESS_DAYS)[0])
        raise InputError(
            "T-bill rate too stale to carry forward",
            source="rate",
            value=str(sessions[i].date()),
            expected=f"an observation within {MAX_RATE_STALENESS_DAYS} days (FRED DTB3)",
        )
    rates: Float64Array = tbill_discount_to_continuous(tb.to_numpy(dtype=np.float64)[pos])
    return rates


def _dividend_yield_on(
    sessions: pd.DatetimeIndex, index_key: str, given: float | None
) -> Float64Array:
    """The index's dividend yield per session: the plan's rule (:mod:`hedgekit.snapshot`)."""
    if given is not None:
        return np.full(len(sessions), float(given))
    from hedgekit.snapshot import dividend_yield_series

    series = dividend_yield_series(index_key)
    out = series.on(sessions)
    if np.isnan(out).any():
        i = int(np.flatnonzero(np.isnan(out))[0])
        raise InputError(
            f"no bundled {index_key} dividend yield on this session (bundled from "
            f"{series.dates[0].date()} to {series.dates[-1].date()})",
            source="--index-dividend-yield",
            value=str(sessions[i].date()),
            expected="a constant index dividend yield for this period (backtest: "
            "--index-dividend-yield 0.015; sweep: --grid backtest.index_dividend_yield=0.015)",
        )
    return out


def _held_contracts(
    root: str, sessions: pd.DatetimeIndex, rule: RollRule
) -> tuple[np.ndarray, np.ndarray, Float64Array, Float64Array]:
    """Contract carried into / held after each session and their years to last trading day."""
    after_last = next_session(sessions[-1])
    frame = held_by_session(root, sessions[0], after_last, rule)
    first = str(frame["contract"].iloc[0])
    opened = contract_to_open(root, sessions[0], rule, get_contract(root).months)
    later = frame.loc[frame["contract"] != first]
    if opened.long != first and len(later):
        # a hedge opened within days of its contract's roll opens in the contract it will
        # hold (the plan's rule, hedgekit.calendar.contract_to_open)
        early = frame["contract"] == first
        for column in ("contract", "last_trading_day", "roll_date"):
            frame.loc[early, column] = later[column].iloc[0]
    missing = sessions.difference(pd.DatetimeIndex(frame.index))
    if len(missing):
        raise InputError("a data date is not an NYSE session", source="sessions",
                         value=str(missing[0].date()))  # fmt: skip
    # the contract held *after* session d's close is the one held on the next NYSE session
    nxt = frame.shift(-1)
    settled = frame.loc[sessions]
    held_after = nxt.loc[sessions]
    c_settle = settled["contract"].to_numpy(dtype=object).copy()
    c_hold = held_after["contract"].to_numpy(dtype=object).copy()
    # a run starting on a roll date opens the next contract on day 0
    c_settle[0] = c_hold[0]
    ltd_settle = settled["last_trading_day"].to_numpy(dtype="datetime64[D]").copy()
    ltd_settle[0] = held_after["last_trading_day"].to_numpy(dtype="datetime64[D]")[0]
    ltd_hold = held_after["last_trading_day"].to_numpy(dtype="datetime64[D]")
    # every session must settle the contract held after the previous one (no missed roll)
    bad = c_settle[1:] != c_hold[:-1]
    if bad.any():
        i = int(np.flatnonzero(bad)[0]) + 1
        raise InputError(
            "the data skip a roll date (the roll session has no index close)",
            source="sessions",
            value=str(sessions[i].date()),
        )
    days = sessions.to_numpy(dtype="datetime64[D]")
    tau_settle = (ltd_settle - days).astype(np.float64) / CALENDAR_DAYS_PER_YEAR
    tau_hold = (ltd_hold - days).astype(np.float64) / CALENDAR_DAYS_PER_YEAR
    return c_settle, c_hold, tau_settle, tau_hold


def _quotes(
    index: str, sessions: pd.DatetimeIndex, contracts: np.ndarray, mode: FuturesPrices
) -> tuple[Float64Array, np.ndarray]:
    """Bundled quotes of ``contracts[t]`` (the snapshot's rule), NaN where none or ``fair``."""
    if mode == "fair":
        return np.full(len(sessions), np.nan), np.full(len(sessions), "", dtype=object)
    from hedgekit.snapshot import bundled_quotes

    prices, sources = bundled_quotes(index, sessions, contracts)
    return np.asarray(prices, dtype=np.float64), sources


def last_available_date(contract_root: str, index_dividend_yield: float | None) -> pd.Timestamp:
    """The latest usable date of the contract's index: the one default date of every command.

    :func:`hedgekit.snapshot.latest_usable_date`: the last NYSE session on which the index
    close, the T-bill rate and (without a constant ``index_dividend_yield``) the dividend
    yield are all observed.
    """
    from hedgekit.snapshot import MarketOverrides, latest_usable_date

    index_key = get_contract(contract_root).index
    usable = latest_usable_date((index_key,), MarketOverrides(dividend_yield=index_dividend_yield))
    return pd.Timestamp(usable.date)


def load_history(spec: BacktestSpec) -> HistoricalMarket:
    """Assemble the real market of ``spec`` from the bundled datasets (see the module notes).

    Raises
    ------
    InputError
        Too few sessions, missing rates or dividend yields, a data date that is not a
        session, or an unknown contract.
    """
    contract = get_contract(spec.contract)
    index_key = contract.index
    close = _index_close(index_key)
    start, end = spec.start_date, spec.end_date
    in_run = (close.index >= start) & (close.index <= end)
    sessions = pd.DatetimeIndex(close.index[in_run], name="date")
    if len(sessions) < 3:
        raise InputError(
            f"fewer than 3 sessions of index data in the range ({len(sessions)} found)",
            source="start/end",
            value=(str(start.date()), str(end.date())),
            expected=f"a range holding at least 3 sessions of the bundled {index_key} "
            f"history ({close.index[0].date()}..{close.index[-1].date()})",
        )
    first = int(np.flatnonzero(in_run)[0])
    warm = min(spec.warmup_sessions, first)
    all_dates = pd.DatetimeIndex(close.index[first - warm : first + len(sessions)])
    s_all = close.to_numpy(dtype=np.float64)[first - warm : first + len(sessions)]
    s = s_all[warm:]

    from hedgekit.datasets import load_vix

    vix_all = load_vix()["close"].reindex(all_dates).to_numpy(dtype=np.float64)
    rate = _rates_on(sessions)
    q = _dividend_yield_on(sessions, index_key, spec.index_dividend_yield)

    c_settle, c_hold, tau_settle, tau_hold = _held_contracts(
        contract.root, sessions, spec.roll_rule
    )
    fair_settle = s * np.exp((rate - q) * tau_settle)
    fair_hold = s * np.exp((rate - q) * tau_hold)
    st_settle, kind_settle = _quotes(index_key, sessions, c_settle, spec.futures_prices)
    st_hold, kind_hold = _quotes(index_key, sessions, c_hold, spec.futures_prices)
    use_settle = np.isfinite(st_settle)
    use_hold = np.isfinite(st_hold)
    f_settle = np.where(use_settle, st_settle, fair_settle)
    f_hold = np.where(use_hold, st_hold, fair_hold)
    is_roll = c_settle != c_hold
    is_roll[0] = False
    # off roll days the two legs are the same contract and must carry the same price
    f_settle[~is_roll] = f_hold[~is_roll]
    kind_settle[~is_roll] = kind_hold[~is_roll]

    rate_all = np.full(len(all_dates), np.nan)
    q_all = np.full(len(all_dates), np.nan)
    rate_all[warm:] = rate
    q_all[warm:] = q
    policy_market = PolicyMarket(all_dates, s_all, vix_all, rate_all, q_all, start=warm)
    kind_settle[kind_settle == ""] = FAIR_VALUE
    kind_hold[kind_hold == ""] = FAIR_VALUE
    return HistoricalMarket(
        dates=sessions,
        index_level=s,
        vix=vix_all[warm:],
        rate_annual=rate,
        dividend_yield=q,
        contract_settled=c_settle,
        contract_held=c_hold,
        futures_price_settle=f_settle,
        futures_price_hold=f_hold,
        source_settle=kind_settle,
        source_hold=kind_hold,
        is_roll=is_roll,
        multiplier_usd=contract.multiplier_usd,
        tick_size_points=contract.tick_size_points,
        root=contract.root,
        policy_market=policy_market,
    )
