"""The hedging mistakes and risk limits, one pure function per rule, and their catalogue.

Every rule reads a :class:`PlanFacts` and an :class:`AdviceLimits` and returns one
:class:`Advice` or ``None``. Rules never raise for valid facts, never print and never read
anything else. A rule whose facts are unknown (``None``) returns ``None``; the facts each
rule needs are in its :class:`Rule` entry (``requires``).

The situations come from the hedging guide users read
(``portfolio-hedging-with-futures.md``); the arithmetic is redone here from first
principles (Hull, *Options, Futures and Other Derivatives*, 11th ed., ch. 3).

Historical figures quoted in messages were read from the bundled S&P 500 and VIX daily
closes (``indices/sp500_daily.csv``, ``indices/vix_daily.csv``): S&P 500 676.53 on
2009-03-09 and 3,756.07 on 2020-12-31; 2,237.40 on 2020-03-23 (VIX 61.59), back above its
2020-02-19 high of 3,386.15 on 2020-08-18 (3,389.78).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from hedgekit.advice._facts import PlanFacts
from hedgekit.advice._format import fmt_pct, fmt_usd
from hedgekit.advice._limits import AdviceLimits
from hedgekit.advice._model import Advice, Severity

__all__ = ["ADVICE_CODES", "RULES", "Rule"]

#: Slack on threshold comparisons so that a ratio equal to its limit up to float
#: round-off (``2 × F / (2 × F)``) is not reported as beyond it.
_SLACK: Final = 1e-9

#: Smallest futures notional for which a break-even index move is quoted (one cent).
_MIN_NOTIONAL_USD: Final = 0.01

#: Index move used to illustrate the cost of a net short position.
_ILLUSTRATIVE_RISE: Final = 0.10

RuleCheck = Callable[[PlanFacts, AdviceLimits], Advice | None]


@dataclass(frozen=True, slots=True)
class Rule:
    """One advice rule and what it needs.

    Attributes
    ----------
    code
        The code of the :class:`Advice` it returns.
    title
        One line saying what it looks for.
    requires
        Alternatives of fact names: the rule can run when every fact in at least one
        alternative is known (not ``None``). ``()`` means it always runs.
    check
        The pure function ``(facts, limits) -> Advice | None``.
    """

    code: str
    title: str
    requires: tuple[tuple[str, ...], ...]
    check: RuleCheck

    def can_run(self, facts: PlanFacts) -> bool:
        """Whether the facts this rule needs are known."""
        if not self.requires:
            return True
        return any(all(getattr(facts, name) is not None for name in alt) for alt in self.requires)


def _legs(facts: PlanFacts) -> str:
    """``"2 ES"``, ``"1 ES + 3 MES"`` or ``"5 MES"`` (no main leg of zero contracts)."""
    micro = facts.micro_contracts if facts.micro_root is not None else 0
    parts = []
    if facts.whole_contracts or not micro:
        parts.append(f"{facts.whole_contracts} {facts.contract_root}")
    if micro:
        parts.append(f"{micro} {facts.micro_root}")
    return " + ".join(parts)


def _held_roots(facts: PlanFacts) -> str:
    """The roots actually held: ``"ES"``, ``"MES"`` (a Micro-only hedge) or ``"ES and MES"``."""
    roots = []
    if facts.whole_contracts > 0 or facts.micro_contracts == 0:
        roots.append(facts.contract_root)
    micro = facts.micro_root
    if facts.micro_contracts > 0 and micro is not None and micro not in roots:
        roots.append(micro)
    return " and ".join(roots)


def _micro_alternative(facts: PlanFacts, limits: AdviceLimits) -> tuple[str, dict[str, float]]:
    """Suggest the Micro contract with its count and hedge, or a non-futures alternative.

    The count is the nearest whole number of Micros to the target,
    ``n = round(h_target × beta × V / F_micro)``, capped at
    ``floor(max_hedge_ratio × beta × V / F_micro)`` unless net short is allowed.
    """
    exposure = facts.beta_exposure_usd
    no_futures = (
        "Protective puts, or simply holding less stock, may protect a portfolio this size "
        "more precisely than futures."
    )
    micro = facts.micro_root
    if micro is None or micro == facts.contract_root or facts.micro_contracts > 0:
        return no_futures, {}
    if facts.micro_notional_usd is None:
        return f"Consider the smaller {micro} contract on the same index.", {}
    step = facts.micro_notional_usd / exposure
    n = math.floor(facts.hedge_ratio_target / step + 0.5)
    if not facts.allow_net_short:
        cap = limits.max_hedge_ratio
        most = math.floor(cap / step)
        if (most + 1) * step <= cap:  # the quotient fell just short of a whole number
            most += 1
        n = min(n, most)
    numbers = {"micro_notional_usd": facts.micro_notional_usd, "micro_share_per_contract": step}
    if n < 1:
        text = (
            f"Even one {micro} ({fmt_usd(facts.micro_notional_usd)} notional) is "
            f"{fmt_pct(step)} of your beta exposure. {no_futures}"
        )
        return text, numbers
    numbers["micro_contracts_suggested"] = float(n)
    numbers["micro_hedge_ratio"] = n * step
    text = (
        f"One {micro} is {fmt_pct(step)} of your beta exposure: "
        f"{n} {micro} would hedge {fmt_pct(n * step)}."
    )
    return text, numbers


def check_over_hedged(facts: PlanFacts, limits: AdviceLimits) -> Advice | None:
    """Hedge above ``max_hedge_ratio`` of the beta exposure, asked for or from rounding.

    Short futures beyond the beta-weighted exposure are a bet on a fall: for an index
    rise ``r`` the stocks gain ``r·β·V`` and the futures lose ``r·h·β·V``, a net loss of
    ``r·(h − 1)·β·V`` when ``h > 1`` (guide, Mistake #1 and Red Flags #1; Hull §3.5).
    Severity DANGER.

    An over-hedge from rounding alone, with the target within the limit, is not reported
    when the plan accepted it: with a limit of 100 % or more, up to
    ``1 + net_short_tolerance`` (the planner keeps such an over-hedge only when it is
    closer to the target than the under-hedge, and reports both in its notes).
    """
    target = facts.hedge_ratio_target
    eff = facts.hedge_ratio_effective
    cap = limits.max_hedge_ratio
    rounding_cap = cap
    if cap >= 1.0 - _SLACK:
        rounding_cap = max(cap, 1.0 + facts.net_short_tolerance)
    if target <= cap + _SLACK and eff <= rounding_cap + _SLACK:
        return None
    exposure = facts.beta_exposure_usd
    if target > cap + _SLACK:
        opening = f"The plan asks to hedge {fmt_pct(target)} of your beta exposure"
        if abs(eff - target) > _SLACK:
            opening += f" and whole contracts ({_legs(facts)}) hedge {fmt_pct(eff)}"
    else:
        opening = (
            f"Rounding to whole contracts ({_legs(facts)}) hedges {fmt_pct(eff)} of your "
            f"beta exposure, against the {fmt_pct(target)} asked for"
        )
    opening += f", above the {fmt_pct(cap)} limit."
    net_short = max(eff - 1.0, 0.0) * exposure
    loss = _ILLUSTRATIVE_RISE * net_short
    if net_short > 0.0:
        body = (
            f" The futures are {fmt_usd(net_short)} larger than your stocks' market exposure "
            f"({fmt_usd(exposure)}): that part is a bet on a fall, not a hedge. If the index "
            f"rises {fmt_pct(_ILLUSTRATIVE_RISE)} you lose about {fmt_usd(loss)} on it while "
            "the hedged part only breaks even."
        )
    else:
        body = " Hedging more than you own turns the hedge into a bet on a fall."
    if facts.allow_net_short:
        body += " The plan allows net short positions; this is the risk that takes."
    elif target > cap + _SLACK:
        body += f" Lower the target to {fmt_pct(cap)} or less."
    else:
        body += f" Round down to stay at or below {fmt_pct(cap)}, or top up with smaller contracts."
    return Advice(
        code="OVER_HEDGED",
        severity=Severity.DANGER,
        message=opening + body,
        numbers={
            "hedge_ratio_target": target,
            "hedge_ratio_effective": eff,
            "max_hedge_ratio": cap,
            "beta_exposure_usd": exposure,
            "net_short_usd": net_short,
            "loss_if_index_up_10pct_usd": loss,
        },
    )


def check_long_futures(facts: PlanFacts, limits: AdviceLimits) -> Advice | None:
    r"""Futures bought to raise beta: more market exposure, not a hedge (WARNING).

    A target beta :math:`\beta^*` above the portfolio's :math:`\beta` buys
    :math:`N = (\beta^* - \beta)V/(mF)` futures (Hull 11e §3.5, "Changing the beta"). The
    position then moves :math:`\beta^*/\beta` times as much as the stocks alone: an index
    move ``r`` changes it by ``r·β·V·(1 − h_eff)`` with ``h_eff < 0``. Long futures lose
    when the index falls and are settled daily, so margin calls come with the falls
    (Hull §2.4). Fires when the target or the whole contracts are long.
    """
    target = facts.hedge_ratio_target
    eff = facts.hedge_ratio_effective
    if target >= 0.0 and eff >= 0.0:
        return None
    exposure = facts.beta_exposure_usd
    added = -eff * exposure
    beta_after = facts.beta * (1.0 - eff)
    fall = _ILLUSTRATIVE_RISE
    loss_plain = fall * exposure
    loss_after = fall * (exposure + added)
    message = (
        f"The plan buys futures ({_legs(facts)}): it adds market exposure instead of "
        f"hedging it. Beta goes from {facts.beta:.2f} to about {beta_after:.2f}: the "
        f"futures add {fmt_usd(added)} of index exposure, {fmt_pct(-eff)} more than your "
        "stocks carry. That is leverage: the portfolio rises and falls more than before. "
        f"If the index falls {fmt_pct(fall)} you lose about {fmt_usd(loss_after)} instead of "
        f"{fmt_usd(loss_plain)}. Margin calls come when the index FALLS, not when it rises: "
        "each fall is paid in cash the next morning, so keep cash for the futures account "
        "beyond the initial margin."
    )
    return Advice(
        code="LONG_FUTURES",
        severity=Severity.WARNING,
        message=message,
        numbers={
            "hedge_ratio_target": target,
            "hedge_ratio_effective": eff,
            "beta": facts.beta,
            "beta_after": beta_after,
            "beta_exposure_usd": exposure,
            "added_exposure_usd": added,
            "loss_if_index_down_10pct_usd": loss_after,
            "unhedged_loss_if_index_down_10pct_usd": loss_plain,
        },
    )


def check_no_protection(facts: PlanFacts, limits: AdviceLimits) -> Advice | None:
    """A hedge was asked for but whole contracts round it to nothing (DANGER).

    Guide, Mistake #4: "0 contracts = 0% hedged (unprotected)".
    """
    if facts.hedge_ratio_target <= 0.0 or facts.hedge_ratio_effective > 0.0:
        return None
    exposure = facts.beta_exposure_usd
    step = facts.contract_notional_usd / exposure
    alt, alt_numbers = _micro_alternative(facts, limits)
    message = (
        f"The plan asks to hedge {fmt_pct(facts.hedge_ratio_target)} of your beta exposure "
        f"({fmt_usd(exposure)}), which is {facts.exact_contracts:.2f} {facts.contract_root} "
        f"contracts; it rounds to none, so the plan gives no protection at all. "
        f"One {facts.contract_root} ({fmt_usd(facts.contract_notional_usd)} notional) is "
        f"{fmt_pct(step)} of your beta exposure. {alt}"
    )
    return Advice(
        code="NO_PROTECTION",
        severity=Severity.DANGER,
        message=message,
        numbers={
            "hedge_ratio_target": facts.hedge_ratio_target,
            "hedge_ratio_effective": facts.hedge_ratio_effective,
            "exact_contracts": facts.exact_contracts,
            "whole_contracts": float(facts.whole_contracts),
            "beta_exposure_usd": exposure,
            "contract_notional_usd": facts.contract_notional_usd,
            "share_per_contract": step,
            **alt_numbers,
        },
    )


def check_contract_too_large(facts: PlanFacts, limits: AdviceLimits) -> Advice | None:
    """Whole contracts miss the target by more than ``rounding_tolerance`` (WARNING).

    Fires when ``|h_eff − h_target| / h_target > rounding_tolerance``, or when one main
    contract is more than the whole beta exposure (the exact count for a full hedge,
    ``N / h_target``, is below one) and no Micros top it up. Skipped when nothing is
    hedged (``NO_PROTECTION`` covers it) or nothing was asked for. Guide, Mistake #4 and
    When NOT to Use #4.
    """
    target = facts.hedge_ratio_target
    eff = facts.hedge_ratio_effective
    if target <= 0.0 or eff <= 0.0:
        return None
    gap = abs(eff - target) / target
    # N / h_target is the exact count of a full hedge: below one, one contract is more than
    # the whole exposure. (N < 1 alone also holds for a partial target such as 31 % of a
    # large portfolio, which whole contracts can meet within tolerance.)
    below_one = facts.exact_contracts < target and facts.micro_contracts == 0
    if gap <= limits.rounding_tolerance + _SLACK and not below_one:
        return None
    exposure = facts.beta_exposure_usd
    step = facts.contract_notional_usd / exposure
    root = facts.contract_root
    alt, alt_numbers = _micro_alternative(facts, limits)
    message = (
        f"One {root} ({fmt_usd(facts.contract_notional_usd)} notional) is {fmt_pct(step)} "
        f"of your beta exposure ({fmt_usd(exposure)} = beta {facts.beta:.2f} × "
        f"{fmt_usd(facts.portfolio_value_usd)}), so {root} can only hedge in steps of "
        f"{fmt_pct(step)}: whole contracts ({_legs(facts)}) hedge {fmt_pct(eff)} against the "
        f"{fmt_pct(target)} asked for ({facts.exact_contracts:.2f} contracts exactly), "
        f"a gap of {fmt_pct(gap)} of the target (tolerance "
        f"{fmt_pct(limits.rounding_tolerance)}). {alt}"
    )
    return Advice(
        code="CONTRACT_TOO_LARGE",
        severity=Severity.WARNING,
        message=message,
        numbers={
            "hedge_ratio_target": target,
            "hedge_ratio_effective": eff,
            "rounding_gap": gap,
            "rounding_tolerance": limits.rounding_tolerance,
            "exact_contracts": facts.exact_contracts,
            "whole_contracts": float(facts.whole_contracts),
            "contract_notional_usd": facts.contract_notional_usd,
            "beta_exposure_usd": exposure,
            "share_per_contract": step,
            **alt_numbers,
        },
    )


def check_small_portfolio(facts: PlanFacts, limits: AdviceLimits) -> Advice | None:
    """Portfolio below ``tiny_portfolio_usd`` (INFO). Guide, When NOT to Use #4."""
    value = facts.portfolio_value_usd
    if facts.hedge_ratio_target <= 0.0 or value >= limits.tiny_portfolio_usd:
        return None
    message = (
        f"At {fmt_usd(value)} the portfolio is below {fmt_usd(limits.tiny_portfolio_usd)}: "
        "futures hedges this small are coarse, and fees and margin weigh more. Holding less "
        "stock, or buying protective puts, may do the job more simply."
    )
    return Advice(
        code="SMALL_PORTFOLIO",
        severity=Severity.INFO,
        message=message,
        numbers={
            "portfolio_value_usd": value,
            "tiny_portfolio_usd": limits.tiny_portfolio_usd,
        },
    )


def check_concentrated(facts: PlanFacts, limits: AdviceLimits) -> Advice | None:
    """Few holdings, a large single holding or a high Herfindahl index (WARNING).

    An index hedge offsets only the market part of the return,
    ``r_p = α + β r_m + ε``; the company-specific ``ε`` stays (guide, Mistake #5). With
    ``R²`` known, ``1 − R²`` is the share of return variance the hedge leaves.
    """
    reasons: list[str] = []
    numbers: dict[str, float] = {}
    if facts.n_positions is not None and facts.n_positions <= limits.single_stock_max_positions:
        word = "holding" if facts.n_positions == 1 else "holdings"
        reasons.append(f"it has only {facts.n_positions} {word}")
        numbers["n_positions"] = float(facts.n_positions)
        numbers["single_stock_max_positions"] = float(limits.single_stock_max_positions)
    weight = facts.largest_position_weight
    if weight is not None and weight > limits.max_position_weight + _SLACK:
        reasons.append(
            f"its largest holding is {fmt_pct(weight)} of its value "
            f"(limit {fmt_pct(limits.max_position_weight)})"
        )
        numbers["largest_position_weight"] = weight
        numbers["max_position_weight"] = limits.max_position_weight
    hhi = facts.herfindahl
    if hhi is not None and hhi > limits.max_herfindahl + _SLACK:
        reasons.append(
            f"its weights are worth only {1.0 / hhi:.1f} equal holdings "
            f"(Herfindahl {hhi:.3f}, limit {limits.max_herfindahl:.3f})"
        )
        numbers["herfindahl"] = hhi
        numbers["effective_positions"] = 1.0 / hhi
        numbers["max_herfindahl"] = limits.max_herfindahl
    if not reasons:
        return None
    message = (
        f"The portfolio is concentrated: {'; '.join(reasons)}. Index futures offset only "
        "market moves; news about one company is not hedged."
    )
    if facts.r_squared is not None:
        index = facts.chosen_index or facts.contract_root
        message += (
            f" With R² {facts.r_squared:.2f} against {index}, {fmt_pct(1.0 - facts.r_squared)}"
            " of the portfolio's return variance is not market risk and stays after the hedge."
        )
        numbers["r_squared"] = facts.r_squared
    message += " Diversify, or hedge the single names with their own options."
    return Advice(code="CONCENTRATED", severity=Severity.WARNING, message=message, numbers=numbers)


def check_low_fit(facts: PlanFacts, limits: AdviceLimits) -> Advice | None:
    """Chosen index explains less than ``min_r_squared`` of the variance (WARNING).

    The minimum-variance hedge removes the fraction ``ρ² = R²`` of the variance and no
    more (Hull §3.4, hedge effectiveness).
    """
    r2 = facts.r_squared
    if r2 is None or r2 >= limits.min_r_squared - _SLACK:
        return None
    index = facts.chosen_index or facts.contract_root
    message = (
        f"{index} explains only {fmt_pct(r2)} of the portfolio's return variance "
        f"(R² {r2:.2f}, below {limits.min_r_squared:.2f}). Even a perfectly sized hedge "
        f"removes at most that share; the other {fmt_pct(1.0 - r2)} is risk the futures "
        "do not cover: the hedge can lose money while the portfolio falls too."
    )
    return Advice(
        code="LOW_FIT",
        severity=Severity.WARNING,
        message=message,
        numbers={"r_squared": r2, "min_r_squared": limits.min_r_squared},
    )


def check_better_index(facts: PlanFacts, limits: AdviceLimits) -> Advice | None:
    """Another index fits by at least ``better_index_margin`` more R² (WARNING).

    Guide, Mistake #9 (using the wrong futures contract).
    """
    r2, best, best_r2, chosen = (
        facts.r_squared,
        facts.best_index,
        facts.best_r_squared,
        facts.chosen_index,
    )
    if r2 is None or best is None or best_r2 is None or chosen is None:
        return None
    if best.strip().upper() == chosen.strip().upper():
        return None
    diff = best_r2 - r2
    if diff < limits.better_index_margin - _SLACK:
        return None
    message = (
        f"{best} fits the portfolio better than {chosen}: R² {best_r2:.2f} against "
        f"{r2:.2f}. The hedge removes at most R² of the variance, so futures on {best} "
        f"would leave {fmt_pct(1.0 - best_r2)} of it unhedged instead of {fmt_pct(1.0 - r2)}."
    )
    return Advice(
        code="BETTER_INDEX",
        severity=Severity.WARNING,
        message=message,
        numbers={
            "r_squared": r2,
            "best_r_squared": best_r2,
            "r_squared_gain": diff,
            "better_index_margin": limits.better_index_margin,
        },
    )


def check_after_crash(facts: PlanFacts, limits: AdviceLimits) -> Advice | None:
    """VIX above ``vix_high`` or the index at/below ``crash_drawdown`` (WARNING).

    Guide, Mistake #6 and When NOT to Use #1: protection bought after the fall locks in
    the loss and gives up the rebound.
    """
    if facts.hedge_ratio_target <= 0.0:
        return None
    reasons: list[str] = []
    numbers: dict[str, float] = {}
    if facts.vix is not None and facts.vix > limits.vix_high + _SLACK:
        reasons.append(f"the VIX is {facts.vix:.1f}, above {limits.vix_high:.1f}")
        numbers["vix"] = facts.vix
        numbers["vix_high"] = limits.vix_high
    dd = facts.drawdown_from_52w_high
    if dd is not None and dd <= limits.crash_drawdown + _SLACK:
        reasons.append(
            f"the index is {fmt_pct(-dd)} below its 52-week high "
            f"(threshold {fmt_pct(-limits.crash_drawdown)})"
        )
        numbers["drawdown_from_52w_high"] = dd
        numbers["crash_drawdown"] = limits.crash_drawdown
    if not reasons:
        return None
    message = (
        f"This hedge comes after the fall: {' and '.join(reasons)}. Protection now is late "
        "and expensive: the loss has already happened, and a hedge put on near the low "
        f"locks it in and gives up the rebound.{_rebound_example(facts.as_of)} "
        "Hedge when markets are calm, or decide now how much stock you want to hold."
    )
    return Advice(code="AFTER_CRASH", severity=Severity.WARNING, message=message, numbers=numbers)


#: Rebounds after a low, newest first: (known from, sentence). S&P 500 and VIX closes from
#: the bundled history (Yahoo ^GSPC, CBOE VIX); an example is quoted only once its rebound
#: had happened by the plan date, so a 2008 plan never cites 2020.
_REBOUNDS: tuple[tuple[dt.date, str], ...] = (
    (
        dt.date(2020, 8, 18),
        "On 23 March 2020 the S&P 500 closed at 2,237 with the VIX at 61.6; it was back "
        "above its February high by 18 August.",
    ),
    (
        dt.date(2010, 3, 9),
        "On 9 March 2009 the S&P 500 closed at 677 with the VIX at 49.7; a year later it "
        "was 69% higher.",
    ),
    (
        dt.date(1988, 10, 20),
        "On 19 October 1987 the S&P 500 fell 20.5% to 224.84; a year later it was back above "
        "its close of the Friday before the crash.",
    ),
)


def _rebound_example(as_of: dt.date | None) -> str:
    """The latest rebound the plan date already knows of, as a sentence (or nothing)."""
    for known, sentence in _REBOUNDS:
        if as_of is None or as_of >= known:
            return " " + sentence
    return ""


def check_margin_share(facts: PlanFacts, limits: AdviceLimits) -> Advice | None:
    """Initial margin above ``max_margin_share_of_net_worth`` (WARNING). Guide, Risk Limits #2."""
    margin, net_worth = facts.margin_initial_usd, facts.net_worth_usd
    if margin is None or net_worth is None:
        return None
    share = margin / net_worth
    cap = limits.max_margin_share_of_net_worth
    if share <= cap + _SLACK:
        return None
    message = (
        f"The initial margin of {fmt_usd(margin)} is {fmt_pct(share)} of your net worth "
        f"({fmt_usd(net_worth)}), above the {fmt_pct(cap)} limit. Margin is cash exposed to "
        f"daily calls; keep it within {fmt_usd(cap * net_worth)} by hedging less."
    )
    return Advice(
        code="MARGIN_SHARE_HIGH",
        severity=Severity.WARNING,
        message=message,
        numbers={
            "margin_initial_usd": margin,
            "net_worth_usd": net_worth,
            "margin_share_of_net_worth": share,
            "max_margin_share_of_net_worth": cap,
        },
    )


def check_thin_buffer(facts: PlanFacts, limits: AdviceLimits) -> Advice | None:
    """Cash for the futures account below ``min_buffer_multiple`` × initial margin.

    WARNING; DANGER when the cash does not cover the initial margin itself. A short
    futures position loses ``r × N × F`` when the index rises by ``r`` (a long one when it
    falls) and is settled daily (Hull §2.4, "The operation of margin accounts"); the buffer
    lasts until ``|r| = buffer / (|h_eff| × β × V)``. Guide, Margin Management ("Safe Margin =
    Initial Margin × 1.5") and Mistake #2.
    """
    margin, buffer = facts.margin_initial_usd, facts.cash_buffer_usd
    if margin is None or buffer is None or margin <= 0.0:
        return None
    multiple = buffer / margin
    need = limits.min_buffer_multiple
    if multiple >= need - _SLACK:
        return None
    numbers: dict[str, float] = {
        "cash_buffer_usd": buffer,
        "margin_initial_usd": margin,
        "buffer_multiple": multiple,
        "min_buffer_multiple": need,
        "recommended_buffer_usd": need * margin,
    }
    severity = Severity.DANGER if multiple < 1.0 - _SLACK else Severity.WARNING
    message = (
        f"Cash for the futures account is {fmt_usd(buffer)}, {multiple:.2f}× the initial "
        f"margin of {fmt_usd(margin)}"
    )
    if severity is Severity.DANGER:
        message += ": not even enough to open the position"
    message += f". Keep at least {need:.1f}× ({fmt_usd(need * margin)})."
    notional = facts.hedge_ratio_effective * facts.beta_exposure_usd
    if abs(notional) >= _MIN_NOTIONAL_USD:
        move = buffer / abs(notional)
        direction = "rise" if notional > 0 else "fall"
        numbers[f"index_{direction}_to_exhaust_buffer"] = move
        message += (
            f" Futures are settled daily: an index {direction} of {fmt_pct(move)} would cost "
            f"{fmt_usd(buffer)}, the whole buffer,"
        )
    else:
        message += " Futures are settled daily:"
    message += " and a margin call unmet by the next business day closes the hedge."
    return Advice(code="THIN_MARGIN_BUFFER", severity=severity, message=message, numbers=numbers)


def check_roll_due(facts: PlanFacts, limits: AdviceLimits) -> Advice | None:
    """The held contract must be rolled before the horizon ends.

    INFO; WARNING when the roll date is on or before ``as_of`` (overdue). Guide,
    Mistake #3: a contract not rolled expires and leaves the portfolio unhedged.
    """
    roll, horizon = facts.next_roll_date, facts.horizon_end
    if roll is None or horizon is None or facts.hedge_ratio_effective == 0.0:
        return None
    if roll > horizon:
        return None
    root = _held_roots(facts)
    numbers: dict[str, float] = {"days_roll_before_horizon_end": float((horizon - roll).days)}
    severity = Severity.INFO
    when = f"by {roll.isoformat()}"
    if facts.as_of is not None:
        days = (roll - facts.as_of).days
        numbers["days_to_roll"] = float(days)
        if days <= 0:
            severity = Severity.WARNING
            when = f"now: its roll date {roll.isoformat()} is {-days} days past"
            if days == 0:
                when = f"now: its roll date is today, {roll.isoformat()}"
        else:
            when += f", {days} days from {facts.as_of.isoformat()}"
    lapse = (
        "the portfolio is unhedged from then on"
        if facts.hedge_ratio_effective > 0.0
        else "the exposure it adds ends there"
    )
    message = (
        f"The {root} position must be rolled {when}, before the hedge horizon ends on "
        f"{horizon.isoformat()}: close it and open the next quarterly contract, or it expires "
        f"and {lapse}."
    )
    return Advice(code="ROLL_DUE", severity=severity, message=message, numbers=numbers)


def check_perpetual(facts: PlanFacts, limits: AdviceLimits) -> Advice | None:
    """A hedge kept, or planned, longer than ``perpetual_hedge_days`` (WARNING).

    Guide, Red Flags #2 and the Worst Case (2009-2020): a hedge kept on for years gives
    up the equity risk premium.
    """
    if facts.hedge_ratio_target <= 0.0:
        return None
    limit = limits.perpetual_hedge_days
    age = facts.hedge_age_days
    planned = None
    if facts.as_of is not None and facts.horizon_end is not None:
        planned = (facts.horizon_end - facts.as_of).days
    numbers: dict[str, float] = {"perpetual_hedge_days": float(limit)}
    if age is not None and age > limit:
        opening = f"This hedge has been on for {age:,} days"
        numbers["hedge_age_days"] = float(age)
    elif planned is not None and planned > limit:
        opening = f"This plan keeps the hedge on for {planned:,} days"
        numbers["planned_days"] = float(planned)
    else:
        return None
    message = (
        f"{opening}, longer than {limit:,}. A hedge kept on year after year gives up the "
        "return that stocks pay for their risk: an investor fully hedged from the March 2009 "
        "low (S&P 500 at 677) to the end of 2020 (3,756) stayed about where they started "
        "while the unhedged portfolio grew about five-fold. Hedge for a reason and a period, "
        "and review it at least once a year."
    )
    return Advice(
        code="PERPETUAL_HEDGE", severity=Severity.WARNING, message=message, numbers=numbers
    )


def check_short_horizon(facts: PlanFacts, limits: AdviceLimits) -> Advice | None:
    """Hedge horizon shorter than ``min_horizon_days`` (INFO). Guide, When NOT to Hedge #4."""
    if facts.as_of is None or facts.horizon_end is None or facts.hedge_ratio_target <= 0.0:
        return None
    days = (facts.horizon_end - facts.as_of).days
    if days >= limits.min_horizon_days:
        return None
    message = (
        f"The hedge is meant to last {days} days, less than {limits.min_horizon_days}: over so "
        "short a time fees, slippage and the bid-ask spread are a large part of what it can "
        "save. A put, or trimming the position for those days, may be cheaper."
    )
    return Advice(
        code="SHORT_HORIZON",
        severity=Severity.INFO,
        message=message,
        numbers={"horizon_days": float(days), "min_horizon_days": float(limits.min_horizon_days)},
    )


def check_small_share_of_wealth(facts: PlanFacts, limits: AdviceLimits) -> Advice | None:
    """Portfolio below ``min_share_of_net_worth`` of net worth (INFO). Guide, Red Flags #4."""
    net_worth = facts.net_worth_usd
    if net_worth is None or facts.hedge_ratio_target <= 0.0:
        return None
    share = facts.portfolio_value_usd / net_worth
    if share >= limits.min_share_of_net_worth - _SLACK:
        return None
    message = (
        f"The portfolio ({fmt_usd(facts.portfolio_value_usd)}) is {fmt_pct(share)} of your "
        f"net worth ({fmt_usd(net_worth)}), under {fmt_pct(limits.min_share_of_net_worth)}: "
        "hedging it adds futures risk and daily work for a small part of your wealth."
    )
    return Advice(
        code="SMALL_SHARE_OF_WEALTH",
        severity=Severity.INFO,
        message=message,
        numbers={
            "portfolio_value_usd": facts.portfolio_value_usd,
            "net_worth_usd": net_worth,
            "share_of_net_worth": share,
            "min_share_of_net_worth": limits.min_share_of_net_worth,
        },
    )


#: Every rule, in the order they are documented.
RULES: Final[tuple[Rule, ...]] = (
    Rule("OVER_HEDGED", "hedge above 100% of the beta exposure (net short)", (), check_over_hedged),
    Rule(
        "LONG_FUTURES",
        "futures bought to raise beta: more market exposure (leverage), not a hedge",
        (),
        check_long_futures,
    ),
    Rule("NO_PROTECTION", "a hedge asked for rounds to zero contracts", (), check_no_protection),
    Rule(
        "CONTRACT_TOO_LARGE",
        "whole contracts miss the target hedge by more than the tolerance",
        (),
        check_contract_too_large,
    ),
    Rule("SMALL_PORTFOLIO", "portfolio too small for futures hedging", (), check_small_portfolio),
    Rule(
        "CONCENTRATED",
        "few holdings or a large single holding: company risk is not hedged",
        (("n_positions",), ("largest_position_weight",), ("herfindahl",)),
        check_concentrated,
    ),
    Rule(
        "LOW_FIT",
        "the chosen index explains too little of the portfolio",
        (("r_squared",),),
        check_low_fit,
    ),
    Rule(
        "BETTER_INDEX",
        "another index fits the portfolio clearly better",
        (("r_squared", "best_index", "best_r_squared", "chosen_index"),),
        check_better_index,
    ),
    Rule(
        "AFTER_CRASH",
        "hedging after a crash: VIX high or index far below its 52-week high",
        (("vix",), ("drawdown_from_52w_high",)),
        check_after_crash,
    ),
    Rule(
        "MARGIN_SHARE_HIGH",
        "initial margin too large a share of net worth",
        (("margin_initial_usd", "net_worth_usd"),),
        check_margin_share,
    ),
    Rule(
        "THIN_MARGIN_BUFFER",
        "too little cash behind the initial margin",
        (("margin_initial_usd", "cash_buffer_usd"),),
        check_thin_buffer,
    ),
    Rule(
        "ROLL_DUE",
        "the contract must be rolled before the horizon ends",
        (("next_roll_date", "horizon_end"),),
        check_roll_due,
    ),
    Rule(
        "PERPETUAL_HEDGE",
        "hedge kept or planned for more than a year",
        (("hedge_age_days",), ("as_of", "horizon_end")),
        check_perpetual,
    ),
    Rule(
        "SHORT_HORIZON",
        "hedge horizon too short for futures to pay",
        (("as_of", "horizon_end"),),
        check_short_horizon,
    ),
    Rule(
        "SMALL_SHARE_OF_WEALTH",
        "portfolio too small a part of net worth to be worth hedging",
        (("net_worth_usd",),),
        check_small_share_of_wealth,
    ),
)

#: The documented set of advice codes.
ADVICE_CODES: Final[frozenset[str]] = frozenset(rule.code for rule in RULES)
