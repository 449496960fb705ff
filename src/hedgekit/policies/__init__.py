"""Hedge policies: what fraction of the portfolio's beta exposure to hedge on each session.

A policy maps the market (index, VIX, rates, the calendar) and its own memory to a target
hedge ratio per session; the engine turns ratios into whole contracts and trades them when
the rebalance rule says so (always on rolls).

* Base classes: :class:`HedgePolicy` (vectorised: ``targets(market) -> array``),
  :class:`StatefulPolicy` (``decide(state) -> float`` from the run's own state, pure-Python
  engine only), :class:`PolicyMarket`, :class:`PolicyState`.
* Built-ins: :class:`StaticHedge`, :class:`VixFormula`, :class:`VixTiers`,
  :class:`Seasonal`, :class:`Trend`, :class:`ProfitTarget`, :class:`StopOnRally`,
  :class:`VixSpikeExit`, :class:`MaxDuration`, :class:`FloorCppi` (computed in the kernel
  from the run's value), :class:`RatioModelHedge` (a rolling, EWMA or DCC-GARCH
  minimum-variance ratio).
* Combinators: :class:`Min`, :class:`Max`, :class:`Product`, :class:`Override`.
* Rebalance rules: :class:`Band`, :class:`ValueChange`, :class:`BetaChange`,
  :class:`Calendar`, :class:`Always`, :class:`Never`.

Writing your own
----------------
Subclass :class:`HedgePolicy`, give it a ``name`` and a ``targets`` method returning one ratio
per session of ``market`` (entries before ``market.start`` are warm-up and ignored). A frozen
dataclass keeps it hashable and printable:

>>> from dataclasses import dataclass
>>> import numpy as np
>>> from hedgekit.policies import HedgePolicy, Min, PolicyMarket, StaticHedge
>>> @dataclass(frozen=True)
... class HedgeAfterFall(HedgePolicy):
...     '''Hedge ``h`` once the index is 5% below its running high.'''
...     h: float = 1.0
...     @property
...     def name(self) -> str:
...         return f"{self.h:.2f} when 5% below the high"
...     def targets(self, market: PolicyMarket) -> np.ndarray:
...         return np.where(market.drawdown_from_high() >= 0.05, self.h, 0.0)
>>> market = PolicyMarket.synthetic([100.0, 104.0, 98.0, 95.0, 101.0])
>>> HedgeAfterFall().targets(market).tolist()
[0.0, 0.0, 1.0, 1.0, 0.0]
>>> Min(HedgeAfterFall(), StaticHedge(0.5)).targets(market).tolist()
[0.0, 0.0, 0.5, 0.5, 0.0]

A policy that needs the run's own value or position each day subclasses
:class:`StatefulPolicy` and implements ``decide(state: PolicyState) -> float``.
"""

from __future__ import annotations

from hedgekit.policies._base import HedgePolicy, PolicyState, StatefulPolicy
from hedgekit.policies._builtin import (
    FloorCppi,
    MaxDuration,
    ProfitTarget,
    Seasonal,
    StaticHedge,
    StopOnRally,
    Trend,
    VixFormula,
    VixSpikeExit,
    VixTiers,
)
from hedgekit.policies._combine import Max, Min, Override, Product, split_cppi
from hedgekit.policies._market import PolicyMarket
from hedgekit.policies._ratio_model import RatioModelHedge
from hedgekit.policies._rebalance import (
    Always,
    Band,
    BetaChange,
    Calendar,
    Never,
    RebalanceRule,
    ValueChange,
)

__all__ = [
    "Always",
    "Band",
    "BetaChange",
    "Calendar",
    "FloorCppi",
    "HedgePolicy",
    "Max",
    "MaxDuration",
    "Min",
    "Never",
    "Override",
    "PolicyMarket",
    "PolicyState",
    "Product",
    "ProfitTarget",
    "RatioModelHedge",
    "RebalanceRule",
    "Seasonal",
    "StatefulPolicy",
    "StaticHedge",
    "StopOnRally",
    "Trend",
    "ValueChange",
    "VixFormula",
    "VixSpikeExit",
    "VixTiers",
    "split_cppi",
]
