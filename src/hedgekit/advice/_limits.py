"""Thresholds of the advice rules, each with its default and the reason for it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any, Final

from hedgekit.advice._checks import as_finite_float, as_int
from hedgekit.errors import InputError

__all__ = ["DEFAULT_LIMITS", "AdviceLimits"]

# Fields that are fractions of something and must lie in (0, 1].
_FRACTIONS: Final = (
    "rounding_tolerance",
    "max_position_weight",
    "max_herfindahl",
    "min_r_squared",
    "better_index_margin",
    "max_margin_share_of_net_worth",
    "min_share_of_net_worth",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class AdviceLimits:
    r"""Every threshold the rules use, with a documented default.

    The defaults come from the hedging guide users read
    (``portfolio-hedging-with-futures.md``: "Risk Limits and Controls", "Red Flags That
    You're Over-Hedging", "When NOT to Use", "Common Mistakes Beginners Make") unless
    stated otherwise. Ratios are fractions (``0.10`` is 10 %).

    Parameters
    ----------
    max_hedge_ratio
        1.0. Largest effective hedge ratio (share of the beta-weighted exposure) before
        the position is net short. Guide, Risk Limits #1: ":math:`h_{max} = 1.0`, never
        go net short"; Mistake #1.
    rounding_tolerance
        0.10. Largest relative gap ``|h_eff - h_target| / h_target`` between the hedge
        whole contracts achieve and the one asked for. The guide calls 90 % hedged
        "much more reasonable" for a small portfolio (Mistake #4), so a gap of 10 % is
        the most that is accepted without comment.
    tiny_portfolio_usd
        100,000. Below this, futures hedges are coarse and fixed costs weigh more;
        reducing the equity allocation or buying puts is often simpler. Guide, When NOT
        to Use #4: "Portfolio small (<$100k)".
    max_position_weight
        0.20. Largest single holding before the portfolio counts as concentrated: above
        a fifth of the portfolio, one company's news moves the whole, and an index hedge
        does not offset it (Mistake #5). Conventional diversification limit; not from
        the guide.
    max_herfindahl
        0.10. Largest sum of squared weights; ``1 / H`` is the effective number of
        equally weighted holdings, so 0.10 means fewer than ten.
    single_stock_max_positions
        3. At most this many holdings counts as a single-stock (or near single-stock)
        portfolio (Mistake #5).
    min_r_squared
        0.80. Smallest share of the portfolio's return variance the chosen index should
        explain. The hedge can remove at most ``R²`` of the variance (Hull, *Options,
        Futures and Other Derivatives*, 11th ed., §3.4: hedge effectiveness of the
        minimum-variance hedge is :math:`\rho^2`).
    better_index_margin
        0.05. Another index is suggested when its ``R²`` beats the chosen one's by at
        least this much (Mistake #9, wrong futures contract).
    vix_high
        30.0 (VIX points). Above this, hedging comes after the fear is priced in.
        Guide, When NOT to Hedge #1: "VIX elevated (>30)".
    crash_drawdown
        -0.15. Index at or below this fall from its 52-week high counts as "after a
        crash". Guide: "Market down 15-20% already".
    max_margin_share_of_net_worth
        0.05. Largest initial margin as a share of net worth. Guide, Risk Limits #2:
        "Margin Used <= 5% of Net Worth".
    min_buffer_multiple
        1.5. Smallest cash set aside for the futures account, as a multiple of initial
        margin. Guide, Margin Management: "Safe Margin = Initial Margin × 1.5" (it also
        recommends 2× elsewhere; 1.5 is the floor).
    perpetual_hedge_days
        365. A hedge kept (or planned) longer than this is a perpetual hedge that gives
        up the equity risk premium. Guide: Red Flags #2, "Always hedged for years";
        Worst Case, 2009-2020.
    min_horizon_days
        14. Shorter hedges are dominated by transaction costs. Guide, When NOT to Hedge
        #4: "Need protection < 2 weeks".
    min_share_of_net_worth
        0.20. A portfolio below this share of net worth is too small a part of wealth to
        be worth hedging. Guide, Red Flags #4: "Hedging tiny position (< 20% of net
        worth)".
    """

    max_hedge_ratio: float = 1.0
    rounding_tolerance: float = 0.10
    tiny_portfolio_usd: float = 100_000.0
    max_position_weight: float = 0.20
    max_herfindahl: float = 0.10
    single_stock_max_positions: int = 3
    min_r_squared: float = 0.80
    better_index_margin: float = 0.05
    vix_high: float = 30.0
    crash_drawdown: float = -0.15
    max_margin_share_of_net_worth: float = 0.05
    min_buffer_multiple: float = 1.5
    perpetual_hedge_days: int = 365
    min_horizon_days: int = 14
    min_share_of_net_worth: float = 0.20

    def __post_init__(self) -> None:
        for f in fields(self):
            value: object = getattr(self, f.name)
            if f.type in ("int", int):
                n = as_int(value)
                if n is None or n < 0:
                    raise InputError(
                        "limit must be a non-negative integer",
                        source="AdviceLimits",
                        column=f.name,
                        value=value,
                        expected="an int >= 0",
                    )
                object.__setattr__(self, f.name, n)
                continue
            x = as_finite_float(value)
            if x is None:
                raise InputError(
                    "limit must be a finite number",
                    source="AdviceLimits",
                    column=f.name,
                    value=value,
                    expected="a finite float",
                )
            object.__setattr__(self, f.name, x)
        for name in _FRACTIONS:
            fraction: float = getattr(self, name)
            if not 0.0 < fraction <= 1.0:
                raise InputError(
                    "limit is a fraction",
                    source="AdviceLimits",
                    column=name,
                    value=fraction,
                    expected="a number in (0, 1]",
                )
        checks: tuple[tuple[str, bool, str], ...] = (
            ("max_hedge_ratio", self.max_hedge_ratio > 0.0, "a number > 0"),
            ("tiny_portfolio_usd", self.tiny_portfolio_usd >= 0.0, "a number >= 0"),
            ("vix_high", self.vix_high > 0.0, "a number > 0"),
            ("crash_drawdown", -1.0 < self.crash_drawdown < 0.0, "a number in (-1, 0)"),
            ("min_buffer_multiple", self.min_buffer_multiple >= 1.0, "a number >= 1"),
            ("perpetual_hedge_days", self.perpetual_hedge_days >= 1, "an int >= 1"),
        )
        for name, ok, expected in checks:
            if not ok:
                raise InputError(
                    "limit out of range",
                    source="AdviceLimits",
                    column=name,
                    value=getattr(self, name),
                    expected=expected,
                )

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary of every threshold."""
        return asdict(self)


#: The documented defaults.
DEFAULT_LIMITS: Final = AdviceLimits()
