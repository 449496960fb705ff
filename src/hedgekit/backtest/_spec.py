"""What a backtest is: the portfolio, the hedge policy, the contract, costs and margin terms."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

import pandas as pd

from hedgekit._domains import check
from hedgekit._typing import DateLike
from hedgekit.calendar import CmeRollRule, RollRule
from hedgekit.errors import InputError
from hedgekit.margin import RECOMMENDED_BUFFER_MULTIPLE
from hedgekit.policies import Band, HedgePolicy, RebalanceRule, StatefulPolicy, StaticHedge
from hedgekit.sizing import DEFAULT_NET_SHORT_TOLERANCE

__all__ = [
    "DEFAULT_INITIAL_MARGIN_FRACTION",
    "DEFAULT_MAINTENANCE_RATIO",
    "BacktestSpec",
    "Costs",
    "FuturesPrices",
    "HoldingsPortfolio",
    "IndexPortfolio",
    "MarginSpec",
    "RollingBeta",
]

FuturesPrices: TypeAlias = Literal["settlement_then_fair", "fair"]

#: Default initial margin as a fraction of the contract's notional value (``m × F``).
#: CME's ES performance bonds have mostly been about 4-8% of notional (e.g. ~12,000 USD on a
#: ~240,000 USD contract in 2024 is 5%); 5% is the middle of that range. An assumption, not
#: an exchange record.
DEFAULT_INITIAL_MARGIN_FRACTION = 0.05
#: Maintenance / initial: CME sets initial at 110% of maintenance for speculative accounts
#: (CME Group, "Margin: Know What's Needed"), so maintenance = initial / 1.1.
DEFAULT_MAINTENANCE_RATIO = 1.0 / 1.1


def _number(value: object, name: str, lo: float = -math.inf, hi: float = math.inf) -> float:
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    x = float(value) if ok else math.nan  # type: ignore[arg-type]
    if not math.isfinite(x) or not lo <= x <= hi:
        raise InputError("invalid value", source=name, value=value, expected=f"in [{lo}, {hi}]")
    return x


def _option_value(value: object, name: str, flag: str) -> float:
    """A number in the declared domain of the command-line option ``flag``.

    One domain for the library and the CLI (:mod:`hedgekit._domains`); errors name ``name``.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return _number(value, name)  # refused: not a number
    return float(check(flag, value, source=name))


#: Sessions in one sample return of a ``"weekly"`` rolling beta.
SESSIONS_PER_WEEK = 5


@dataclass(frozen=True, slots=True)
class RollingBeta:
    r"""A time-varying sizing beta: the trailing OLS beta of the portfolio on an index.

    The beta used to size the hedge on session ``t`` is the slope of the regression of the
    portfolio's simple returns on the index's over the ``window`` returns ending at the
    close of session ``t − 1`` (no look-ahead: nothing of day ``t`` is used):

    .. math::

        eta_t = rac{\widehat{\mathrm{Cov}}(r_p, r_m)}{\widehat{\mathrm{Var}}(r_m)}
        \quad	ext{over } r_{t-w}, \dots, r_{t-1}

    the market-model regression of Hull, *Options, Futures and Other Derivatives*, 11th
    ed., §3.5 (as :func:`hedgekit.estimation.ols_beta`). ``"daily"`` uses session returns
    (``window + 1`` sessions of prices before the start); ``"weekly"`` uses returns over
    blocks of 5 sessions ending at ``t − 1``, ``t − 6``, ... (``5 × window + 1`` sessions
    before the start). The history before the start is the backtest's warm-up
    (:attr:`BacktestSpec.warmup_sessions`), which must be long enough.

    Parameters
    ----------
    window
        Returns in each regression (>= 20).
    frequency
        ``"daily"`` or ``"weekly"``.
    index
        Index key of :func:`hedgekit.datasets.load_index` to regress on; None = the hedge
        contract's own index.
    """

    window: int = 252
    frequency: Literal["daily", "weekly"] = "daily"
    index: str | None = None

    def __post_init__(self) -> None:
        w = self.window
        if isinstance(w, bool) or not isinstance(w, int) or w < 20:
            raise InputError("rolling-beta window must be an integer >= 20", source="window",
                             value=w, expected="an integer >= 20 (returns per fit)")  # fmt: skip
        if self.frequency not in ("daily", "weekly"):
            raise InputError("unknown return frequency", source="frequency",
                             value=self.frequency, expected="'daily' or 'weekly'")  # fmt: skip
        if self.index is not None:
            object.__setattr__(self, "index", str(self.index).upper())

    @property
    def step_sessions(self) -> int:
        """Sessions per sample return (1 daily, 5 weekly)."""
        return 1 if self.frequency == "daily" else SESSIONS_PER_WEEK

    @property
    def history_sessions(self) -> int:
        """Sessions of prices needed before the start: ``step × window + 1``."""
        return self.step_sessions * self.window + 1

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe description."""
        return {"kind": "rolling", "window": self.window, "frequency": self.frequency,
                "index": self.index}  # fmt: skip


def _beta_spec(value: object) -> float | RollingBeta:
    if isinstance(value, RollingBeta):
        return value
    if value == "rolling":
        return RollingBeta()
    if isinstance(value, str):
        raise InputError("unknown beta", source="beta", value=value,
                         expected="a number, 'rolling' or a RollingBeta")  # fmt: skip
    return _number(value, "beta")


@dataclass(frozen=True, slots=True)
class IndexPortfolio:
    r"""A portfolio tracking the contract's index with a beta, idiosyncratic noise and dividends.

    Daily gross return :math:`g_t = 1 + \beta (S_t/S_{t-1} - 1) + q_{t-1}/252 + \varepsilon_t`,
    :math:`\varepsilon_t \sim N(0, \sigma_{idio}^2/252)` drawn from ``seed`` (synthetic noise
    on top of the real index, for studying basis risk; 0 by default).

    Parameters
    ----------
    value_usd
        Value at the start.
    beta
        Beta to the index.
    dividend_yield
        The portfolio's dividend yield per year; None = the index's (from the total-return
        index, see :class:`BacktestSpec`).
    idio_vol_annual
        Annual volatility of the idiosyncratic component.
    seed
        Seed of the idiosyncratic draws (required when ``idio_vol_annual > 0``).
    """

    value_usd: float
    beta: float = 1.0
    dividend_yield: float | None = None
    idio_vol_annual: float = 0.0
    seed: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "value_usd", _option_value(self.value_usd, "value_usd", "--value-usd")
        )
        object.__setattr__(self, "beta", _option_value(self.beta, "beta", "--beta"))
        if self.dividend_yield is not None:
            object.__setattr__(
                self,
                "dividend_yield",
                _option_value(self.dividend_yield, "dividend_yield", "--dividend-yield"),
            )
        object.__setattr__(
            self, "idio_vol_annual", _number(self.idio_vol_annual, "idio_vol_annual", lo=0.0)
        )
        if self.idio_vol_annual > 0 and self.seed is None:
            raise InputError(
                "idiosyncratic noise needs a seed (randomness is passed in, never global)",
                source="seed",
                expected="an integer seed",
            )

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe description."""
        return {
            "kind": "index",
            "value_usd": self.value_usd,
            "beta": self.beta,
            "dividend_yield": self.dividend_yield,
            "idio_vol_annual": self.idio_vol_annual,
            "seed": self.seed,
        }


@dataclass(frozen=True, slots=True)
class HoldingsPortfolio:
    """A portfolio of shares valued at real adjusted closes (dividends included).

    Parameters
    ----------
    holdings
        Shares per ticker, e.g. ``{"AAPL": 100, "MSFT": 50}``.
    prices
        Adjusted closes with one column per ticker, indexed by date; None = the bundled
        large-cap and S&P 500 20-stock sets (:mod:`hedgekit.datasets`).
    beta
        The portfolio's beta to the index, used to size the hedge: a number (estimate it
        with :mod:`hedgekit.estimation` on data before the start), or ``"rolling"`` /
        :class:`RollingBeta` for a trailing OLS beta re-estimated every session from the
        holdings' prices (which must then cover the warm-up before the start too).
    """

    holdings: Mapping[str, float]
    prices: pd.DataFrame | None = field(default=None, compare=False)
    beta: float | RollingBeta | Literal["rolling"] = 1.0

    def __post_init__(self) -> None:
        if not isinstance(self.holdings, Mapping) or not self.holdings:
            raise InputError(
                "holdings must be a non-empty mapping of ticker to shares",
                source="holdings",
                value=repr(self.holdings),
            )
        clean = {str(k): _number(v, f"holdings[{k}]") for k, v in self.holdings.items()}
        object.__setattr__(self, "holdings", clean)
        object.__setattr__(self, "beta", _beta_spec(self.beta))

    @property
    def rolling_beta(self) -> RollingBeta | None:
        """The rolling-beta spec, or None for a constant beta."""
        return self.beta if isinstance(self.beta, RollingBeta) else None

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe description."""
        beta = self.beta.to_dict() if isinstance(self.beta, RollingBeta) else self.beta
        return {"kind": "holdings", "holdings": dict(self.holdings), "beta": beta}


@dataclass(frozen=True, slots=True)
class Costs:
    """Trading costs per contract per side.

    Parameters
    ----------
    commission_usd
        Commission and exchange fees per contract per side.
    slippage_ticks
        Slippage per contract per side in ticks (ES: 1 tick = 0.25 points = 12.50 USD).
    """

    commission_usd: float = 2.50
    slippage_ticks: float = 1.0

    def __post_init__(self) -> None:
        object.__setattr__(
            self,
            "commission_usd",
            _option_value(self.commission_usd, "commission_usd", "--commission"),
        )
        object.__setattr__(
            self,
            "slippage_ticks",
            _option_value(self.slippage_ticks, "slippage_ticks", "--slippage-ticks"),
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe description."""
        return {"commission_usd": self.commission_usd, "slippage_ticks": self.slippage_ticks}


@dataclass(frozen=True, slots=True)
class MarginSpec:
    r"""Margin model and the handling of the margin account.

    Models (``model``; None picks ``"fixed"`` when ``initial_usd`` is given, else
    ``"registry"``):

    * ``"registry"`` (the default, as in ``plan``, ``cost`` and ``stress``): the contract
      registry's dated figures (:meth:`hedgekit.contracts.ContractSpec.margin_on`). Before
      the first dated figure :math:`I_0` (effective :math:`d_0`) no exchange record is
      bundled, so the figure is scaled by notional,
      :math:`I_t = I_0 \, F_t / F_{d_0}`, with :math:`F_{d_0}` the futures price of the
      contract held on the first session on or after :math:`d_0` (CME sets margins as a
      risk-based share of notional, so a dollar figure of 2024 applied to 1990 would be
      two-thirds of that contract's value). Maintenance keeps the figure's ratio to
      initial. A run that crosses :math:`d_0` keeps the scaled rule throughout (one margin
      rule per run); the result's notes say which was used.
    * ``"notional"``: initial margin = ``initial_fraction`` × the contract's notional
      ``m × F`` each day (default 5%), maintenance = ``maintenance_ratio`` × initial.
    * ``"fixed"``: ``initial_usd`` per contract, ``maintenance_usd`` (default
      ``maintenance_ratio × initial_usd``).

    Parameters
    ----------
    buffer_multiple
        Deposit when contracts are opened, as a multiple of initial margin (>= 1); default
        1.5×, the buffer the plan recommends
        (:data:`hedgekit.margin.RECOMMENDED_BUFFER_MULTIPLE`).
    call_source
        ``"cash"`` (default, as the plan advises and the stress assumes): margin calls and
        sweeps go through a cash account beside the stocks (which may go negative: borrowing
        at the T-bill rate); ``"stock"``: margin calls sell stock at the close and sweeps buy
        it back.
    sweep_multiple
        Balance above ``sweep_multiple`` × initial is swept back to the call source.
    interest_haircut_annual
        The margin account earns the T-bill rate minus this; the forgone interest is the
        margin interest cost.
    """

    model: Literal["notional", "fixed", "registry"] | None = None
    initial_fraction: float = DEFAULT_INITIAL_MARGIN_FRACTION
    initial_usd: float | None = None
    maintenance_usd: float | None = None
    maintenance_ratio: float = DEFAULT_MAINTENANCE_RATIO
    buffer_multiple: float = RECOMMENDED_BUFFER_MULTIPLE
    call_source: Literal["stock", "cash"] = "cash"
    sweep_multiple: float = RECOMMENDED_BUFFER_MULTIPLE + 0.5
    interest_haircut_annual: float = 0.0

    def __post_init__(self) -> None:
        model = self.model
        if model is None:
            model = "fixed" if self.initial_usd is not None else "registry"
        if model not in ("notional", "fixed", "registry"):
            raise InputError(
                "unknown margin model",
                source="model",
                value=model,
                expected="'notional', 'fixed' or 'registry'",
            )
        object.__setattr__(self, "model", model)
        object.__setattr__(
            self, "initial_fraction", _number(self.initial_fraction, "initial_fraction", 0.0, 1.0)
        )
        object.__setattr__(
            self,
            "maintenance_ratio",
            _number(self.maintenance_ratio, "maintenance_ratio", 0.0, 1.0),
        )
        if model == "fixed":
            if self.initial_usd is None:
                raise InputError("the fixed model needs initial_usd", source="initial_usd")
            im = _number(self.initial_usd, "initial_usd", lo=0.0)
            object.__setattr__(self, "initial_usd", im)
            if self.maintenance_usd is not None:
                object.__setattr__(
                    self,
                    "maintenance_usd",
                    _number(self.maintenance_usd, "maintenance_usd", 0.0, im),
                )
        if self.call_source not in ("stock", "cash"):
            raise InputError(
                "unknown call source",
                source="call_source",
                value=self.call_source,
                expected="'stock' or 'cash'",
            )
        object.__setattr__(
            self,
            "buffer_multiple",
            _option_value(self.buffer_multiple, "buffer_multiple", "--margin-buffer"),
        )
        object.__setattr__(
            self,
            "sweep_multiple",
            _number(self.sweep_multiple, "sweep_multiple", lo=self.buffer_multiple),
        )
        object.__setattr__(
            self,
            "interest_haircut_annual",
            _number(self.interest_haircut_annual, "interest_haircut_annual"),
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe description."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


@dataclass(frozen=True, slots=True)
class BacktestSpec:
    r"""A hedge backtest over real history.

    Parameters
    ----------
    start, end
        First and last session (inclusive; non-sessions are allowed and move inward).
    portfolio
        :class:`IndexPortfolio` or :class:`HoldingsPortfolio`.
    policy
        A :class:`~hedgekit.policies.HedgePolicy` or :class:`~hedgekit.policies.StatefulPolicy`.
    contract
        Futures root from the contract registry (ES, MES, NQ, MNQ, RTY, M2K).
    rebalance
        Rebalance rule; rolls always trade.
    costs, margin
        Trading costs and the margin model.
    roll_rule
        When the held contract rolls (default CME's: eight calendar days before expiry).
    rounding
        Contracts: ``"nearest"`` whole contract, ``"down"`` (toward zero), or ``"none"``
        (fractional, for exact-P&L checks).
    futures_prices
        ``"settlement_then_fair"``: the bundled CHRIS ES1 settlement when it is the held
        contract's (ES only, 1997-09..2019-10), otherwise fair value
        :math:`F = S e^{(r-q)\tau}`; ``"fair"``: fair value every day.
    index_dividend_yield
        Dividend yield of the index for fair values (and for an index portfolio without its
        own): None = implied by the S&P 500 total-return index over a trailing year (SPX
        only, 1989..2024-02); or a constant.
    cash_usd
        Cash held next to the portfolio at the start.
    warmup_sessions
        Sessions of history before ``start`` given to policies (moving averages, highs).
    net_short_tolerance
        The plan's net-short guard on whole contracts (:func:`hedgekit.sizing.size_hedge`):
        a count rounded past a full hedge is kept only if net short by at most this share
        of the beta exposure (default 1 %, range 0 to 10 %).
    hold_contracts
        Backtest a given position: hold this signed count of ``contract`` (negative =
        short) from the first session, rolled at each roll and never rebalanced; the
        policy and rebalance rule are then not used for sizing. ``None`` sizes from the
        policy.
    """

    start: DateLike
    end: DateLike
    portfolio: IndexPortfolio | HoldingsPortfolio
    policy: HedgePolicy | StatefulPolicy = field(default_factory=lambda: StaticHedge(1.0))
    contract: str = "ES"
    rebalance: RebalanceRule = field(default_factory=lambda: Band(0.10))
    costs: Costs = field(default_factory=Costs)
    margin: MarginSpec = field(default_factory=MarginSpec)
    roll_rule: RollRule = field(default_factory=CmeRollRule)
    rounding: Literal["down", "nearest", "none"] = "nearest"
    futures_prices: FuturesPrices = "settlement_then_fair"
    index_dividend_yield: float | None = None
    cash_usd: float = 0.0
    warmup_sessions: int = 260
    net_short_tolerance: float = DEFAULT_NET_SHORT_TOLERANCE
    hold_contracts: int | None = None

    def __post_init__(self) -> None:
        try:
            start = pd.Timestamp(self.start)
            end = pd.Timestamp(self.end)
        except (TypeError, ValueError):
            raise InputError(
                "unreadable date", source="start/end", value=(self.start, self.end)
            ) from None
        if start.tzinfo is not None or end.tzinfo is not None or start >= end:
            raise InputError(
                "need tz-naive dates with start < end", source="start", value=(str(start), str(end))
            )
        object.__setattr__(self, "start", start.normalize())
        object.__setattr__(self, "end", end.normalize())
        if not isinstance(self.portfolio, IndexPortfolio | HoldingsPortfolio):
            raise InputError(
                "unknown portfolio",
                source="portfolio",
                value=repr(self.portfolio),
                expected="IndexPortfolio or HoldingsPortfolio",
            )
        if not isinstance(self.policy, HedgePolicy | StatefulPolicy):
            raise InputError(
                "not a policy",
                source="policy",
                value=repr(self.policy),
                expected="a HedgePolicy or StatefulPolicy",
            )
        if not isinstance(self.rebalance, RebalanceRule):
            raise InputError("not a rebalance rule", source="rebalance", value=repr(self.rebalance))
        if not isinstance(self.roll_rule, RollRule):
            raise InputError("not a roll rule", source="roll_rule", value=repr(self.roll_rule))
        if self.rounding not in ("down", "nearest", "none"):
            raise InputError(
                "unknown rounding",
                source="rounding",
                value=self.rounding,
                expected="'down', 'nearest' or 'none'",
            )
        if self.futures_prices not in ("settlement_then_fair", "fair"):
            raise InputError(
                "unknown futures price source",
                source="futures_prices",
                value=self.futures_prices,
                expected="'settlement_then_fair' or 'fair'",
            )
        if self.index_dividend_yield is not None:
            object.__setattr__(
                self,
                "index_dividend_yield",
                _option_value(
                    self.index_dividend_yield, "index_dividend_yield", "--index-dividend-yield"
                ),
            )
        object.__setattr__(self, "cash_usd", _number(self.cash_usd, "cash_usd"))
        if not isinstance(self.warmup_sessions, int) or self.warmup_sessions < 0:
            raise InputError(
                "must be an integer >= 0", source="warmup_sessions", value=self.warmup_sessions
            )
        object.__setattr__(self, "contract", str(self.contract).upper())
        object.__setattr__(
            self,
            "net_short_tolerance",
            _option_value(self.net_short_tolerance, "net_short_tolerance", "--net-short-tolerance"),
        )
        held = self.hold_contracts
        if held is not None and (isinstance(held, bool) or not isinstance(held, int)):
            raise InputError(
                "held contracts must be a whole number",
                source="hold_contracts",
                value=held,
                expected="a signed integer (negative = short) or None",
            )

    @property
    def start_date(self) -> pd.Timestamp:
        """``start`` as a Timestamp."""
        return pd.Timestamp(self.start)

    @property
    def end_date(self) -> pd.Timestamp:
        """``end`` as a Timestamp."""
        return pd.Timestamp(self.end)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe description of the whole setup."""
        return {
            "start": self.start_date.date().isoformat(),
            "end": self.end_date.date().isoformat(),
            "portfolio": self.portfolio.to_dict(),
            "policy": self.policy.to_dict(),
            "contract": self.contract,
            "rebalance": self.rebalance.to_dict(),
            "costs": self.costs.to_dict(),
            "margin": self.margin.to_dict(),
            "roll_rule": self.roll_rule.to_dict(),
            "rounding": self.rounding,
            "futures_prices": self.futures_prices,
            "index_dividend_yield": self.index_dividend_yield,
            "cash_usd": self.cash_usd,
            "warmup_sessions": self.warmup_sessions,
            "net_short_tolerance": self.net_short_tolerance,
            "hold_contracts": self.hold_contracts,
        }
