r"""Inputs of the general (policy) kernels: per-run paths and the account's terms.

The general kernels extend the bench-spec day (see :mod:`hedgekit.engine`) with:

* a target hedge ratio per run **per day** (from a policy), optionally capped by a CPPI ratio
  computed in the kernel from the run's own value;
* market arrays that are shared, shape ``(n,)``, or per run, shape ``(n, k)`` (Monte Carlo);
* a cash account next to stocks and the margin account; margin calls and sweeps from/to
  cash or stock; initial margin per contract fixed, or a fraction of the notional;
* a sizing beta per day (shared ``(n,)`` or per run ``(n, k)``, e.g. a trailing estimate)
  instead of the terms' constant beta;
* rebalance rules (band, value change, calendar, always, never, beta change) and rounding
  modes (whole contracts down or nearest, or fractional contracts).

Signs: contracts ``N`` are signed, **negative = short** (a hedge is short).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

import numpy as np
import numpy.typing as npt

from hedgekit._constants import TRADING_DAYS_PER_YEAR
from hedgekit._typing import BoolArray, Float64Array
from hedgekit.engine._inputs import MIN_DAYS, AccountSpec, MarketPath
from hedgekit.errors import InputError
from hedgekit.sizing._sizing import DEFAULT_NET_SHORT_TOLERANCE, MAX_NET_SHORT_TOLERANCE

__all__ = ["CallSource", "HedgeTerms", "PathSet", "Rounding", "RuleKind"]

CallSource: TypeAlias = Literal["stock", "cash"]
Rounding: TypeAlias = Literal["down", "nearest", "none"]
RuleKind: TypeAlias = Literal["always", "band", "value", "calendar", "never", "beta"]

RULE_CODE: dict[str, int] = {
    "always": 0,
    "band": 1,
    "value": 2,
    "calendar": 3,
    "never": 4,
    "beta": 5,
}
ROUNDING_CODE: dict[str, int] = {"down": 0, "nearest": 1, "none": 2}


def _array(value: Any, name: str, n: int | None, *, allow_2d: bool) -> Float64Array:
    arr = np.array(value, dtype=np.float64, copy=True)
    if arr.ndim not in ((1, 2) if allow_2d else (1,)):
        raise InputError(
            "wrong number of dimensions",
            source=name,
            value=arr.shape,
            expected="(n,) or (n, k)" if allow_2d else "(n,)",
        )
    if n is not None and arr.shape[0] != n:
        raise InputError(
            "length differs from the path", source=name, value=arr.shape, expected=f"({n}, ...)"
        )
    if not np.isfinite(arr).all():
        raise InputError(
            "contains a non-finite value",
            source=name,
            expected="finite numbers (gaps must be filled explicitly before the engine)",
        )
    arr.setflags(write=False)
    return arr


@dataclass(frozen=True, slots=True)
class PathSet:
    r"""Daily paths for a batch: each array shared ``(n,)`` or one column per run ``(n, k)``.

    Attributes
    ----------
    portfolio_growth
        Gross return of the stock portfolio on day ``t`` (``V_t / V_{t-1}``, dividends
        included); entry 0 is unused. For an index portfolio it is
        ``1 + β (S_t/S_{t-1} − 1) + q_{t-1}/252`` (:meth:`from_market`).
    rate_annual
        Risk-free rate, continuously compounded, shape ``(n,)``: cash and the margin account
        earn ``r_{t-1}/252`` (simple) from close ``t-1`` to close ``t``.
    futures_price_settle, futures_price_hold
        As in :class:`MarketPath`: the day's price of the contract carried in, and of the
        contract held after the day's trades (they differ only on roll days).
    is_roll
        Roll flags, shape ``(n,)`` (rolls are the calendar's, common to all runs).
    dates
        Optional session dates (reporting only).
    beta
        Optional sizing beta per day, ``(n,)`` shared or ``(n, k)`` per run: the
        :math:`\beta_t` of :math:`N^*_t = -\mathrm{round}(h_t \beta_t S_t / (m F_t))` (also
        used by the CPPI ratio and the effective hedge ratio). It must be known at the
        close of day ``t`` before the trade (e.g. estimated on returns up to day ``t-1``).
        None: the constant :attr:`HedgeTerms.beta`.
    """

    portfolio_growth: Float64Array
    rate_annual: Float64Array
    futures_price_settle: Float64Array
    futures_price_hold: Float64Array
    is_roll: BoolArray
    dates: npt.NDArray[np.datetime64] | None = None
    beta: Float64Array | None = None

    def __post_init__(self) -> None:
        r = _array(self.rate_annual, "rate_annual", None, allow_2d=False)
        n = r.size
        if n < MIN_DAYS:
            raise InputError("path too short", source="rate_annual", value=n,
                             expected=f"at least {MIN_DAYS} days")  # fmt: skip
        g = _array(self.portfolio_growth, "portfolio_growth", n, allow_2d=True)
        fs = _array(self.futures_price_settle, "futures_price_settle", n, allow_2d=True)
        fh = _array(self.futures_price_hold, "futures_price_hold", n, allow_2d=True)
        beta = None if self.beta is None else _array(self.beta, "beta", n, allow_2d=True)
        per_run = [a for a in (g, fs, fh, beta) if a is not None and a.ndim == 2]
        widths = {a.shape[1] for a in per_run}
        if len(widths) > 1:
            raise InputError(
                "per-run arrays disagree on the number of runs",
                source="PathSet",
                value=sorted(widths),
            )
        for name, arr in (("futures_price_settle", fs), ("futures_price_hold", fh)):
            if (arr <= 0).any():
                raise InputError("must be positive", source=name, expected="> 0")
        if (g[1:] <= 0).any():
            raise InputError("a gross return is not positive", source="portfolio_growth",
                             expected="> 0 (a day cannot lose more than everything)")  # fmt: skip
        roll = np.array(self.is_roll, dtype=np.bool_, copy=True)
        if roll.shape != (n,) or roll[0]:
            raise InputError(
                "is_roll must have shape (n,) and be False on day 0",
                source="is_roll",
                value=roll.shape,
            )
        settle2, hold2 = np.broadcast_arrays(fs.reshape(n, -1), fh.reshape(n, -1))
        if not np.array_equal(settle2[0], hold2[0]):
            raise InputError("day 0 has no settlement: settle and hold prices must agree",
                             source="futures_price_settle", row=0)  # fmt: skip
        if not np.array_equal(settle2[~roll], hold2[~roll]):
            raise InputError(
                "the held contract changes on a day not flagged as a roll",
                source="futures_price_hold",
                expected="equal settle and hold prices off roll days",
            )
        roll.setflags(write=False)
        dates = self.dates
        if dates is not None:
            dates = np.array(dates, dtype="datetime64[D]", copy=True)
            if dates.shape != (n,):
                raise InputError("length differs from the path", source="dates", value=dates.shape)
            dates.setflags(write=False)
        object.__setattr__(self, "portfolio_growth", g)
        object.__setattr__(self, "rate_annual", r)
        object.__setattr__(self, "futures_price_settle", fs)
        object.__setattr__(self, "futures_price_hold", fh)
        object.__setattr__(self, "is_roll", roll)
        object.__setattr__(self, "dates", dates)
        object.__setattr__(self, "beta", beta)

    @property
    def n_days(self) -> int:
        """Days ``n``, day 0 included."""
        return int(self.rate_annual.size)

    @property
    def n_paths(self) -> int | None:
        """Runs fixed by per-run arrays (their second dimension), or None when all are shared."""
        arrays = (self.portfolio_growth, self.futures_price_settle, self.futures_price_hold,
                  self.beta)  # fmt: skip
        for arr in arrays:
            if arr is not None and arr.ndim == 2:
                return int(arr.shape[1])
        return None

    @classmethod
    def from_market(cls, market: MarketPath, beta: float) -> PathSet:
        r"""The paths of a :class:`MarketPath` with an index portfolio of beta ``β``.

        .. math:: g_t = 1 + \beta\,(S_t/S_{t-1} - 1) + q_{t-1}/252

        evaluated exactly as the bench-spec kernels do.
        """
        s = market.index_level
        growth = np.ones(market.n_days)
        growth[1:] = (
            1.0 + beta * (s[1:] / s[:-1] - 1.0)
            + market.dividend_yield_annual[:-1] / TRADING_DAYS_PER_YEAR
        )  # fmt: skip
        return cls(
            portfolio_growth=growth,
            rate_annual=market.rate_annual,
            futures_price_settle=market.futures_price_settle,
            futures_price_hold=market.futures_price_hold,
            is_roll=market.is_roll,
            dates=market.dates,
        )


@dataclass(frozen=True, slots=True)
class HedgeTerms:
    r"""Account terms of the general kernels, shared by all runs of a batch.

    Attributes
    ----------
    initial_value_usd
        Stock portfolio value ``V_0`` at the start.
    beta
        Portfolio beta, used to size: :math:`N^* = -\,\mathrm{round}(h\beta V/(m F))`
        (unless the paths carry a beta per day, :attr:`PathSet.beta`).
    multiplier_usd
        Contract multiplier (ES: 50).
    initial_cash_usd
        Cash at the start (earns the risk-free rate; negative cash borrows at it).
    commission_per_contract_usd, slippage_per_contract_usd
        Costs per contract per side (slippage in USD: ticks × tick size × multiplier).
    initial_margin_per_contract_usd, initial_margin_fraction
        Initial margin per contract on day ``t``:
        ``initial_margin_per_contract_usd + initial_margin_fraction × m × F_t`` (a fixed
        figure, a fraction of notional, or both).
    maintenance_fraction
        Maintenance margin as a fraction of initial (CME: initial ≈ 110% of maintenance, so
        about 1/1.1).
    buffer_multiple
        Margin deposited when a position is opened or increased, as a multiple of the
        initial requirement (>= 1 and <= ``sweep_multiple``).
    sweep_multiple
        Balance above ``sweep_multiple × initial × |N|`` is swept back to the call source.
    call_source
        Where deposits come from and sweeps go to: ``"stock"`` (sell/buy stock at the
        close) or ``"cash"``.
    deposit_on_increase
        Fund new contracts at ``buffer_multiple × initial`` when ``|N|`` grows (the bench-spec
        day does not: it checks maintenance only).
    margin_rate_haircut_annual
        The margin account earns ``r − haircut`` (a broker paying less than T-bills); the
        forgone interest is reported as margin interest cost.
    rounding
        ``"down"`` (toward zero), ``"nearest"`` (half away from zero) or ``"none"``
        (fractional contracts, for exact-P&L checks).
    rule
        Rebalance rule kind (see :mod:`hedgekit.policies`); its per-run parameter is passed to
        the kernel separately. ``"beta"`` fires when the sizing beta moved by at least the
        parameter (absolute beta units) since the last trade: :math:`|\beta_t -
        \beta_{last}| \ge \text{parameter}`.
    ratio_change
        For ``"value"``, ``"calendar"`` and ``"beta"`` rules: a change of the target ratio
        since the last trade that also triggers one (0 = off).
    net_short_tolerance
        The plan's net-short guard on whole contracts (:func:`hedgekit.sizing.size_hedge`): a
        short count rounded past a full hedge is kept only if it leaves the position net
        short by at most this share of the beta exposure and is closer to the target;
        otherwise the largest count at or below 100 % is held. In ``[0, 0.10]``, default
        1 % (``hedgekit.sizing.DEFAULT_NET_SHORT_TOLERANCE``).
    hold_contracts
        Hold exactly this signed count (negative = short) from day 0, rolled at each roll,
        whatever the targets say (a position backtested as it is); ``None`` sizes from the
        targets. Use with ``rule="never"`` for no rebalancing.
    """

    initial_value_usd: float
    beta: float = 1.0
    multiplier_usd: float = 50.0
    initial_cash_usd: float = 0.0
    commission_per_contract_usd: float = 0.0
    slippage_per_contract_usd: float = 0.0
    initial_margin_per_contract_usd: float = 0.0
    initial_margin_fraction: float = 0.0
    maintenance_fraction: float = 1.0 / 1.1
    buffer_multiple: float = 1.0
    sweep_multiple: float = 1.5
    call_source: CallSource = "stock"
    deposit_on_increase: bool = True
    margin_rate_haircut_annual: float = 0.0
    rounding: Rounding = "down"
    rule: RuleKind = "band"
    ratio_change: float = 0.0
    net_short_tolerance: float = DEFAULT_NET_SHORT_TOLERANCE
    hold_contracts: float | None = None

    def __post_init__(self) -> None:
        inf = float("inf")
        ranges: dict[str, tuple[float, float]] = {
            "initial_value_usd": (1e-12, inf),
            "beta": (-inf, inf),
            "multiplier_usd": (1e-12, inf),
            "initial_cash_usd": (-inf, inf),
            "commission_per_contract_usd": (0.0, inf),
            "slippage_per_contract_usd": (0.0, inf),
            "initial_margin_per_contract_usd": (0.0, inf),
            "initial_margin_fraction": (0.0, inf),
            "maintenance_fraction": (0.0, 1.0),
            "buffer_multiple": (1.0, inf),
            "sweep_multiple": (1.0, inf),
            "margin_rate_haircut_annual": (-inf, inf),
            "ratio_change": (0.0, inf),
            "net_short_tolerance": (0.0, MAX_NET_SHORT_TOLERANCE),
        }
        for name, (lo, hi) in ranges.items():
            value = getattr(self, name)
            ok = isinstance(value, int | float) and not isinstance(value, bool)
            if not ok or not np.isfinite(value) or not lo <= value <= hi:
                raise InputError("invalid account term", source=name, value=value,
                                 expected=f"a finite number in [{lo}, {hi}]")  # fmt: skip
            object.__setattr__(self, name, float(value))
        if self.buffer_multiple > self.sweep_multiple:
            raise InputError(
                "the deposit buffer would be swept back the next day",
                source="buffer_multiple",
                value=self.buffer_multiple,
                expected=f"<= sweep_multiple ({self.sweep_multiple})",
            )
        for name, allowed in (
            ("call_source", ("stock", "cash")),
            ("rounding", tuple(ROUNDING_CODE)),
            ("rule", tuple(RULE_CODE)),
        ):
            if getattr(self, name) not in allowed:
                raise InputError("unknown option", source=name, value=getattr(self, name),
                                 expected=" or ".join(map(repr, allowed)))  # fmt: skip
        object.__setattr__(self, "deposit_on_increase", bool(self.deposit_on_increase))
        held = self.hold_contracts
        if held is not None:
            number = isinstance(held, int | float) and not isinstance(held, bool)
            if not number or not np.isfinite(held):
                raise InputError(
                    "invalid held contracts",
                    source="hold_contracts",
                    value=held,
                    expected="a finite signed count (negative = short) or None",
                )
            object.__setattr__(self, "hold_contracts", float(held))

    @classmethod
    def from_account(cls, account: AccountSpec, *, rule: RuleKind = "band") -> HedgeTerms:
        """The bench-spec account as general terms (its day reproduced exactly)."""
        return cls(
            initial_value_usd=account.initial_value_usd,
            beta=account.beta,
            multiplier_usd=account.multiplier_usd,
            commission_per_contract_usd=account.commission_per_contract_usd,
            slippage_per_contract_usd=account.slippage_points * account.multiplier_usd,
            initial_margin_per_contract_usd=account.initial_margin_per_contract_usd,
            maintenance_fraction=account.maintenance_fraction,
            buffer_multiple=1.0,
            sweep_multiple=account.sweep_multiple,
            call_source="stock",
            deposit_on_increase=False,
            rule=rule,
        )

    @property
    def cost_per_contract_usd(self) -> float:
        """Commission + slippage per contract per side."""
        return self.commission_per_contract_usd + self.slippage_per_contract_usd

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe terms."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}
