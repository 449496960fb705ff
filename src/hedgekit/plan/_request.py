"""What a person asks the planner: the portfolio, the hedge target and the assumptions."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any, Literal

from hedgekit._domains import check_optional
from hedgekit._typing import RoundingMode
from hedgekit.errors import InputError
from hedgekit.sizing import DEFAULT_NET_SHORT_TOLERANCE

BetaMethod = Literal["ols", "blume", "vasicek", "holdings"]
PriceBasis = Literal["futures", "index"]
Frequency = Literal["daily", "weekly"]

#: Default estimation window: one year of daily observations.
DEFAULT_WINDOW = 252
#: Longest estimation window, returns: 40 years of daily returns, longer than any bundled
#: history (from 1990), so a longer window can only be a typo (and would reach before year 1).
MAX_WINDOW = 10_000
#: Default horizon of the scenario table, calendar days (about three months).
DEFAULT_HORIZON_DAYS = 91
#: Default commission per contract per side, USD (a typical retail futures commission).
DEFAULT_COMMISSION_USD = 2.50
#: Default slippage per contract per side, in ticks (one tick: half the bid-ask of ES).
DEFAULT_SLIPPAGE_TICKS = 1.0
#: Default scenario grid: index moves from -30% to +30% in 5% steps.
DEFAULT_MOVES: tuple[float, ...] = tuple(round(-0.30 + 0.05 * i, 2) for i in range(13))


def _check_fraction(value: float | None, name: str, lo: float, hi: float) -> None:
    if value is None:
        return
    if not math.isfinite(value) or not lo <= value <= hi:
        raise InputError(
            f"{name} out of range",
            source=name,
            value=value,
            expected=f"a number from {lo:g} to {hi:g}",
        )


#: Request fields and the command-line option whose domain each has.
_DOMAIN_FIELDS: tuple[tuple[str, str], ...] = (
    ("--hedge", "hedge"),
    ("--target-beta", "target_beta"),
    ("--value-usd", "value_usd"),
    ("--beta", "beta"),
    ("--window", "window"),
    ("--index-level", "index_level"),
    ("--futures-price", "futures_price"),
    ("--rate", "rate_annual"),
    ("--dividend-yield", "dividend_yield"),
    ("--horizon-days", "horizon_days"),
    ("--commission", "commission_usd"),
    ("--slippage-ticks", "slippage_ticks"),
    ("--net-worth", "net_worth_usd"),
    ("--cash-buffer", "cash_buffer_usd"),
    ("--net-short-tolerance", "net_short_tolerance"),
)


@dataclass(frozen=True, slots=True)
class PlanRequest:
    """Options of a hedge plan (every field has the CLI option of the same name).

    Attributes
    ----------
    hedge
        Fraction of the beta-adjusted exposure to hedge, 0..1. Exclusive with
        ``target_beta``; when both are ``None`` the plan hedges 100%.
    target_beta
        Beta the portfolio should have after the hedge (below 0 needs ``allow_net_short``;
        above the portfolio's beta buys futures, adding exposure).
    contract
        Contract root (``ES``, ``NQ``, ...) or ``"auto"``: the index that hedges the holdings
        best (highest R², then lowest tracking error), with its E-mini.
    as_of
        Date of the plan; default the last date of the price data.
    value_usd, beta
        A portfolio given by value and beta instead of holdings; ``beta`` also overrides an
        estimated beta ("manual").
    window, frequency
        Estimation window (number of returns) and return frequency.
    beta_method
        ``ols`` (regression), ``blume`` (2/3·β + 1/3), ``vasicek`` (shrunk towards 1) or
        ``holdings`` (Σ weight × stock beta).
    price_basis
        Denominator of the contract count: futures price (default) or index level.
    rounding
        Whole contracts: nearest, down, up.
    use_micro
        Top up whole E-minis with Micros of the same index to get closest to the target.
    allow_net_short
        Permit a hedge above 100% of the beta exposure.
    net_short_tolerance
        Share of the beta exposure a rounded hedge may leave net short when that is closer
        to the target than rounding down (default 1 %, see
        :data:`hedgekit.sizing.DEFAULT_NET_SHORT_TOLERANCE`; 0 = never net short).
    tail
        Scale the count by :math:`e^{-rT}` to the contract's expiry (tailing the hedge for
        daily settlement).
    index_level, futures_price, rate_annual, dividend_yield
        Market inputs overriding the bundled history.
    horizon_days
        Scenario horizon, calendar days.
    moves
        Index moves of the scenario grid (fractions).
    commission_usd, slippage_ticks
        Trading costs per contract per side.
    net_worth_usd, cash_buffer_usd
        Optional: for the margin share of net worth and the buffer checks.
    """

    hedge: float | None = None
    target_beta: float | None = None
    contract: str = "auto"
    as_of: dt.date | None = None
    value_usd: float | None = None
    beta: float | None = None
    window: int = DEFAULT_WINDOW
    frequency: Frequency = "daily"
    beta_method: BetaMethod = "ols"
    price_basis: PriceBasis = "futures"
    rounding: RoundingMode = "nearest"
    use_micro: bool = True
    allow_net_short: bool = False
    net_short_tolerance: float = DEFAULT_NET_SHORT_TOLERANCE
    tail: bool = False
    index_level: float | None = None
    futures_price: float | None = None
    rate_annual: float | None = None
    dividend_yield: float | None = None
    horizon_days: int = DEFAULT_HORIZON_DAYS
    moves: tuple[float, ...] = field(default=DEFAULT_MOVES)
    commission_usd: float = DEFAULT_COMMISSION_USD
    slippage_ticks: float = DEFAULT_SLIPPAGE_TICKS
    net_worth_usd: float | None = None
    cash_buffer_usd: float | None = None

    def __post_init__(self) -> None:
        if self.hedge is not None and self.target_beta is not None:
            raise InputError(
                "give either a hedge fraction or a target beta, not both",
                source="hedge/target_beta",
                value=(self.hedge, self.target_beta),
                expected="one of --hedge or --target-beta",
            )
        # One domain per option, shared with the command line (hedgekit._domains).
        for flag, name in _DOMAIN_FIELDS:
            check_optional(flag, getattr(self, name), source=name)
        if not self.moves:
            raise InputError("no scenario moves", source="moves", expected="at least one move")
        for m in self.moves:
            _check_fraction(m, "moves", -0.99, 5.0)

    @property
    def hedge_fraction(self) -> float | None:
        """The hedge fraction asked for (1.0 when neither hedge nor target beta is given)."""
        if self.target_beta is not None:
            return None
        return 1.0 if self.hedge is None else self.hedge

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary of the options."""
        out: dict[str, Any] = {}
        for name in self.__dataclass_fields__:
            v = getattr(self, name)
            out[name] = v.isoformat() if isinstance(v, dt.date) else v
        out["moves"] = list(self.moves)
        return out
