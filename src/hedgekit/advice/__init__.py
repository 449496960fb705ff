"""Advice: the classic hedging mistakes and risk limits as rules over a plan.

Each rule reads a plain :class:`PlanFacts` record (built by the planner, a backtest or a
live hedge book) and returns an :class:`Advice` with a stable code, a :class:`Severity`
and a plain-language message citing the figures. :func:`evaluate` runs them all.

Codes (:data:`ADVICE_CODES`; what each needs is in :data:`RULES`):

========================  ========  =========================================================
code                      severity  fires when
========================  ========  =========================================================
OVER_HEDGED               danger    target or effective hedge above ``max_hedge_ratio`` (1.0);
                                    a rounding over-hedge within ``net_short_tolerance`` of
                                    the plan is accepted
LONG_FUTURES              warning   futures bought (target beta above the portfolio's): more
                                    exposure, leverage; margin calls come on falls
NO_PROTECTION             danger    a hedge was asked for but rounds to zero contracts
CONTRACT_TOO_LARGE        warning   ``|h_eff - h_target| / h_target`` above the tolerance, or
                                    less than one main contract needed (suggests the Micro)
SMALL_PORTFOLIO           info      portfolio below ``tiny_portfolio_usd``
CONCENTRATED              warning   few holdings, a large holding or a high Herfindahl
LOW_FIT                   warning   R² of the portfolio on the chosen index below the minimum
BETTER_INDEX              warning   another index's R² is higher by the margin or more
AFTER_CRASH               warning   VIX above ``vix_high`` or index at/below ``crash_drawdown``
MARGIN_SHARE_HIGH         warning   initial margin above a share of net worth
THIN_MARGIN_BUFFER        warning   cash below 1.5× initial margin (danger below 1×)
ROLL_DUE                  info      roll date on or before the horizon end (warning if overdue)
PERPETUAL_HEDGE           warning   hedge on, or planned, for more than a year
SHORT_HORIZON             info      horizon shorter than two weeks
SMALL_SHARE_OF_WEALTH     info      portfolio under 20 % of net worth
========================  ========  =========================================================
"""

from __future__ import annotations

from hedgekit.advice._evaluate import evaluate
from hedgekit.advice._facts import PlanFacts
from hedgekit.advice._format import fmt_pct, fmt_usd
from hedgekit.advice._limits import DEFAULT_LIMITS, AdviceLimits
from hedgekit.advice._model import Advice, Severity
from hedgekit.advice._rules import ADVICE_CODES, RULES, Rule

__all__ = [
    "ADVICE_CODES",
    "DEFAULT_LIMITS",
    "RULES",
    "Advice",
    "AdviceLimits",
    "PlanFacts",
    "Rule",
    "Severity",
    "evaluate",
    "fmt_pct",
    "fmt_usd",
]
