"""Run every advice rule over one set of facts."""

from __future__ import annotations

from hedgekit.advice._facts import PlanFacts
from hedgekit.advice._limits import DEFAULT_LIMITS, AdviceLimits
from hedgekit.advice._model import Advice
from hedgekit.advice._rules import RULES

__all__ = ["evaluate"]


def evaluate(facts: PlanFacts, limits: AdviceLimits = DEFAULT_LIMITS) -> tuple[Advice, ...]:
    """Apply every rule in :data:`RULES` to ``facts``.

    Parameters
    ----------
    facts
        What is known about the hedge; rules whose facts are ``None`` are skipped.
    limits
        Thresholds; the documented defaults unless given.

    Returns
    -------
    tuple of Advice
        At most one per rule, most severe first (``DANGER``, ``WARNING``, ``INFO``), then by
        code. Empty when nothing is wrong.

    Examples
    --------
    >>> facts = PlanFacts(
    ...     portfolio_value_usd=160_000.0, beta=1.0, hedge_ratio_target=1.0,
    ...     hedge_ratio_effective=1.875, contract_root="ES", contract_notional_usd=300_000.0,
    ...     exact_contracts=0.533, whole_contracts=1, micro_root="MES",
    ...     micro_notional_usd=30_000.0,
    ... )
    >>> [a.code for a in evaluate(facts)]
    ['OVER_HEDGED', 'CONTRACT_TOO_LARGE']
    """
    found = [
        advice
        for rule in RULES
        if rule.can_run(facts) and (advice := rule.check(facts, limits)) is not None
    ]
    found.sort(key=lambda a: (-a.severity.rank, a.code))
    return tuple(found)
