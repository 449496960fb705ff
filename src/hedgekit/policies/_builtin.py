"""Built-in hedge policies: static, VIX rules, seasonal, trend, profit target, stop, spike exit.

Each is a frozen dataclass, validated on construction, vectorised over days. Memory
(entry level, days on) starts at the first session of the run (``market.start``); earlier
sessions are warm-up history for moving averages and give target 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from hedgekit._typing import Float64Array
from hedgekit.errors import InputError
from hedgekit.policies._base import HedgePolicy, check_ratio, finish_targets, set_hedge_ratio
from hedgekit.policies._market import PolicyMarket

__all__ = [
    "FloorCppi",
    "MaxDuration",
    "ProfitTarget",
    "Seasonal",
    "StaticHedge",
    "StopOnRally",
    "Trend",
    "VixFormula",
    "VixSpikeExit",
    "VixTiers",
]


def _positive_int(value: object, name: str) -> int:
    if not isinstance(value, int | np.integer) or isinstance(value, bool) or int(value) < 1:
        raise InputError("must be an integer >= 1", source=name, value=value)
    return int(value)


@dataclass(frozen=True, slots=True)
class StaticHedge(HedgePolicy):
    """Hedge a constant fraction ``h`` of the beta exposure every day.

    Parameters
    ----------
    h
        Hedge ratio, finite, in [0, 1] (above 1 over-hedges and below 0 is long futures:
        allowed only with the flags below).
    allow_net_short, allow_net_long
        Admit ratios above 1 (over-hedged, net short) or below 0 (long futures); without
        them every ratio must be in [0, 1].
    """

    h: float = 1.0
    allow_net_short: bool = False
    allow_net_long: bool = False

    def __post_init__(self) -> None:
        set_hedge_ratio(self, "h")

    @property
    def name(self) -> str:
        """E.g. ``"static 0.50"``."""
        return f"static {self.h:.2f}"

    def targets(self, market: PolicyMarket) -> Float64Array:
        """``h`` on every session."""
        return np.full(market.n_days, self.h)


@dataclass(frozen=True, slots=True)
class VixFormula(HedgePolicy):
    r"""Hedge more when implied volatility is low: :math:`h = \max(0, 1 - \mathrm{VIX}/c)`.

    The rule of thumb of the hedging guide in ``seeds/`` (cap 40: no hedge once VIX >= 40,
    full hedge as VIX tends to 0); times ``h_max``.

    Parameters
    ----------
    cap
        VIX level ``c`` at which the hedge reaches 0 (> 0).
    h_max
        Scale in [0, 1].
    """

    cap: float = 40.0
    h_max: float = 1.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "cap", check_ratio(self.cap, "cap", lo=1e-9))
        object.__setattr__(self, "h_max", check_ratio(self.h_max, "h_max", lo=0.0, hi=1.0))

    @property
    def name(self) -> str:
        """E.g. ``"max(0, 1 - VIX/40)"``."""
        return f"max(0, 1 - VIX/{self.cap:g})"

    def targets(self, market: PolicyMarket) -> Float64Array:
        """The formula per session (0 in the warm-up where VIX may be missing)."""
        vix = market.require_vix("VixFormula")
        out = np.zeros(market.n_days)
        run = slice(market.start, None)
        out[run] = self.h_max * np.clip(1.0 - vix[run] / self.cap, 0.0, 1.0)
        return out


@dataclass(frozen=True, slots=True)
class VixTiers(HedgePolicy):
    """Hedge ratio by VIX band: the first tier whose upper bound exceeds the VIX applies.

    Parameters
    ----------
    tiers
        ``((upper_1, h_1), (upper_2, h_2), ..., (inf, h_k))`` with ascending bounds, the last
        ``inf``; VIX < upper_1 gives h_1, upper_1 <= VIX < upper_2 gives h_2, and so on.
    """

    tiers: tuple[tuple[float, float], ...] = ((20.0, 0.0), (30.0, 0.5), (math.inf, 1.0))

    def __post_init__(self) -> None:
        tiers = tuple((float(b), float(h)) for b, h in self.tiers)
        bounds = [b for b, _ in tiers]
        if not tiers or bounds[-1] != math.inf or any(np.diff(bounds) <= 0):
            raise InputError(
                "tiers must have ascending bounds ending with inf",
                source="tiers",
                value=self.tiers,
                expected="((20, 0.0), (30, 0.5), (inf, 1.0)) or similar",
            )
        for _, h in tiers:
            check_ratio(h, "tiers hedge ratio", lo=0.0, hi=1.0)
        object.__setattr__(self, "tiers", tiers)

    @property
    def name(self) -> str:
        """E.g. ``"VIX tiers <20:0.00 <30:0.50 else:1.00"``."""
        parts = [f"<{b:g}:{h:.2f}" if math.isfinite(b) else f"else:{h:.2f}" for b, h in self.tiers]
        return "VIX tiers " + " ".join(parts)

    def targets(self, market: PolicyMarket) -> Float64Array:
        """Tier ratio per session."""
        vix = market.require_vix("VixTiers")
        out = np.zeros(market.n_days)
        run = slice(market.start, None)
        bounds = np.array([b for b, _ in self.tiers])
        ratios = np.array([h for _, h in self.tiers])
        out[run] = ratios[np.searchsorted(bounds, vix[run], side="right")]
        return out


@dataclass(frozen=True, slots=True)
class Seasonal(HedgePolicy):
    """Hedge ``h`` in the given calendar months, ``otherwise`` the rest of the year.

    Parameters
    ----------
    months
        Months 1-12 (e.g. ``(9, 10)`` for September-October).
    h, otherwise
        Ratios in and out of the window.
    allow_net_short, allow_net_long
        Admit ratios above 1 (over-hedged, net short) or below 0 (long futures); without
        them every ratio must be in [0, 1].
    """

    months: tuple[int, ...] = (9, 10)
    h: float = 1.0
    otherwise: float = 0.0
    allow_net_short: bool = False
    allow_net_long: bool = False

    def __post_init__(self) -> None:
        months = tuple(int(m) for m in self.months)
        if not months or any(not 1 <= m <= 12 for m in months):
            raise InputError("months must be in 1..12", source="months", value=self.months)
        object.__setattr__(self, "months", months)
        set_hedge_ratio(self, "h")
        set_hedge_ratio(self, "otherwise")

    @property
    def name(self) -> str:
        """E.g. ``"seasonal 1.00 in months 9,10"``."""
        return f"seasonal {self.h:.2f} in months {','.join(map(str, self.months))}"

    def targets(self, market: PolicyMarket) -> Float64Array:
        """``h`` in the window's months, ``otherwise`` elsewhere."""
        inside = np.isin(market.months(), self.months)
        return np.where(inside, self.h, self.otherwise)


@dataclass(frozen=True, slots=True)
class Trend(HedgePolicy):
    r"""Hedge ``h`` while the index closes below its ``window``-session moving average.

    :math:`h_t = h` if :math:`S_t < \bar S_t^{(N)}`, else 0. Until ``window`` sessions of
    history exist (warm-up included) there is no signal and the target is 0.

    Parameters
    ----------
    h
        Ratio when the trend is down.
    window
        Moving-average length ``N`` in sessions (200 is the classic).
    allow_net_short, allow_net_long
        Admit ratios above 1 (over-hedged, net short) or below 0 (long futures); without
        them every ratio must be in [0, 1].
    """

    h: float = 1.0
    window: int = 200
    allow_net_short: bool = False
    allow_net_long: bool = False

    def __post_init__(self) -> None:
        set_hedge_ratio(self, "h")
        object.__setattr__(self, "window", _positive_int(self.window, "window"))

    @property
    def name(self) -> str:
        """E.g. ``"trend 1.00 below 200-day average"``."""
        return f"trend {self.h:.2f} below {self.window}-day average"

    def targets(self, market: PolicyMarket) -> Float64Array:
        """``h`` where the close is below the average."""
        sma = market.rolling_mean(self.window)
        below = np.zeros(market.n_days, dtype=np.bool_)
        ok = ~np.isnan(sma)
        below[ok] = market.index_level[ok] < sma[ok]
        return np.where(below, self.h, 0.0)


#: Relative tolerance for reaching a trigger level: a close within 1e-12 of ``E (1 ± x)``
#: counts as reaching it, so that 110 after 100 is a 10% rise despite binary rounding.
TRIGGER_TOLERANCE = 1e-12


def _entry_state_machine(
    s: Float64Array, start: int, h: float, trigger: float, reenter: float | None, down: bool
) -> Float64Array:
    """Shared loop of ProfitTarget (down=True) and StopOnRally (down=False)."""
    out = np.zeros(s.size)
    tol = TRIGGER_TOLERANCE
    on = True
    entry = s[start]
    extreme = entry
    for t in range(start, s.size):
        x = s[t]
        if on:
            level = entry * (1.0 - trigger) if down else entry * (1.0 + trigger)
            hit = x <= level * (1.0 + tol) if down else x >= level * (1.0 - tol)
            if hit:
                on = False
                extreme = x
        elif reenter is not None:
            extreme = min(extreme, x) if down else max(extreme, x)
            level = extreme * (1.0 + reenter) if down else extreme * (1.0 - reenter)
            back = x >= level * (1.0 - tol) if down else x <= level * (1.0 + tol)
            if back:
                on = True
                entry = x
        out[t] = h if on else 0.0
    return out


@dataclass(frozen=True, slots=True)
class ProfitTarget(HedgePolicy):
    r"""Hedge ``h`` from the start; lift it (take the profit) once the index has fallen ``fall``.

    With :math:`E` the index at entry (the first session), the hedge is lifted at the first
    close with :math:`S_t \le E(1 - \text{fall})` (target 0 from that close). With
    ``reenter``, the hedge is put back at the first close with :math:`S_t \ge L(1 +
    \text{reenter})`, :math:`L` the lowest close since lifting, and that close is the new entry.

    Parameters
    ----------
    h
        Ratio while hedged.
    fall
        Fall from entry that lifts the hedge (0.10 = 10%).
    reenter
        Rebound from the low that re-hedges, or None to stay unhedged.
    allow_net_short, allow_net_long
        Admit ratios above 1 (over-hedged, net short) or below 0 (long futures); without
        them every ratio must be in [0, 1].
    """

    h: float = 1.0
    fall: float = 0.10
    reenter: float | None = None
    allow_net_short: bool = False
    allow_net_long: bool = False

    def __post_init__(self) -> None:
        set_hedge_ratio(self, "h")
        object.__setattr__(self, "fall", check_ratio(self.fall, "fall", lo=1e-12, hi=1.0))
        if self.reenter is not None:
            object.__setattr__(self, "reenter", check_ratio(self.reenter, "reenter", lo=0.0))

    @property
    def name(self) -> str:
        """E.g. ``"1.00 until the index falls 10%"``."""
        again = "" if self.reenter is None else f", back on a {self.reenter:.0%} rebound"
        return f"{self.h:.2f} until the index falls {self.fall:.0%}{again}"

    def targets(self, market: PolicyMarket) -> Float64Array:
        """The state machine over the run's closes."""
        return _entry_state_machine(
            market.index_level, market.start, self.h, self.fall, self.reenter, down=True
        )


@dataclass(frozen=True, slots=True)
class StopOnRally(HedgePolicy):
    r"""Hedge ``h`` from the start; lift it (stop the loss) once the index has risen ``rise``.

    Lifted at the first close with :math:`S_t \ge E(1 + \text{rise})`; with ``reenter``, put
    back at the first close :math:`S_t \le H(1 - \text{reenter})`, :math:`H` the highest close
    since lifting (the new entry).

    Parameters
    ----------
    h
        Ratio while hedged.
    rise
        Rise from entry that lifts the hedge (0.10 = 10%).
    reenter
        Pull-back from the high that re-hedges, or None.
    allow_net_short, allow_net_long
        Admit ratios above 1 (over-hedged, net short) or below 0 (long futures); without
        them every ratio must be in [0, 1].
    """

    h: float = 1.0
    rise: float = 0.10
    reenter: float | None = None
    allow_net_short: bool = False
    allow_net_long: bool = False

    def __post_init__(self) -> None:
        set_hedge_ratio(self, "h")
        object.__setattr__(self, "rise", check_ratio(self.rise, "rise", lo=1e-12))
        if self.reenter is not None:
            object.__setattr__(
                self, "reenter", check_ratio(self.reenter, "reenter", lo=0.0, hi=1.0)
            )

    @property
    def name(self) -> str:
        """E.g. ``"1.00 until the index rises 10%"``."""
        again = "" if self.reenter is None else f", back on a {self.reenter:.0%} pull-back"
        return f"{self.h:.2f} until the index rises {self.rise:.0%}{again}"

    def targets(self, market: PolicyMarket) -> Float64Array:
        """The state machine over the run's closes."""
        return _entry_state_machine(
            market.index_level, market.start, self.h, self.rise, self.reenter, down=False
        )


@dataclass(frozen=True, slots=True)
class VixSpikeExit(HedgePolicy):
    """Hedge ``h`` until the VIX closes at or above ``vix_exit`` (panic: take the hedge off).

    With ``reenter_below``, the hedge is put back at the first close with VIX below it.

    Parameters
    ----------
    h
        Ratio while hedged.
    vix_exit
        VIX level that lifts the hedge.
    reenter_below
        VIX level under which the hedge returns, or None to stay unhedged.
    allow_net_short, allow_net_long
        Admit ratios above 1 (over-hedged, net short) or below 0 (long futures); without
        them every ratio must be in [0, 1].
    """

    h: float = 1.0
    vix_exit: float = 40.0
    reenter_below: float | None = None
    allow_net_short: bool = False
    allow_net_long: bool = False

    def __post_init__(self) -> None:
        set_hedge_ratio(self, "h")
        object.__setattr__(self, "vix_exit", check_ratio(self.vix_exit, "vix_exit", lo=0.0))
        if self.reenter_below is not None:
            object.__setattr__(
                self,
                "reenter_below",
                check_ratio(self.reenter_below, "reenter_below", lo=0.0, hi=self.vix_exit),
            )

    @property
    def name(self) -> str:
        """E.g. ``"1.00 until VIX >= 40"``."""
        again = "" if self.reenter_below is None else f", back below {self.reenter_below:g}"
        return f"{self.h:.2f} until VIX >= {self.vix_exit:g}{again}"

    def targets(self, market: PolicyMarket) -> Float64Array:
        """The on/off state per session."""
        vix = market.require_vix("VixSpikeExit")
        out = np.zeros(market.n_days)
        on = True
        for t in range(market.start, market.n_days):
            if on and vix[t] >= self.vix_exit:
                on = False
            elif not on and self.reenter_below is not None and vix[t] < self.reenter_below:
                on = True
            out[t] = self.h if on else 0.0
        return out


@dataclass(frozen=True, slots=True)
class MaxDuration(HedgePolicy):
    """Cap how long a hedge stays on: after ``days`` sessions of ``inner`` hedging, lift it.

    A hedge spell is a run of sessions with a non-zero ``inner`` target. Its first ``days``
    sessions follow ``inner``; later sessions of the same spell get 0. A new spell (after
    ``inner`` went to 0) starts the count again.

    Parameters
    ----------
    inner
        The policy whose hedges are capped.
    days
        Most sessions a hedge stays on.
    """

    inner: HedgePolicy
    days: int = 63

    def __post_init__(self) -> None:
        if not isinstance(self.inner, HedgePolicy):
            raise InputError("must be a HedgePolicy", source="inner", value=repr(self.inner))
        object.__setattr__(self, "days", _positive_int(self.days, "days"))

    @property
    def name(self) -> str:
        """E.g. ``"static 1.00, at most 63 days"``."""
        return f"{self.inner.name}, at most {self.days} days"

    def targets(self, market: PolicyMarket) -> Float64Array:
        """``inner``'s targets, zeroed past ``days`` sessions of a spell."""
        base = finish_targets(self.inner.targets(market), market, self.inner.name)
        out = base.copy()
        count = 0
        for t in range(market.start, market.n_days):
            count = count + 1 if base[t] != 0.0 else 0
            if count > self.days:
                out[t] = 0.0
        return out


@dataclass(frozen=True, slots=True)
class FloorCppi(HedgePolicy):
    r"""Keep a floor: net equity exposure = multiplier × (value − floor) (CPPI).

    Constant-proportion portfolio insurance (Black & Jones, 1987, *J. Portfolio Management*
    14(1); Perold & Sharpe, 1988, *Financial Analysts Journal* 44(1)) with futures as the
    risk-reducing asset. With :math:`W` the run's total value (stocks + margin account +
    cash), :math:`F = f\,W_0` the floor, :math:`S` the stock value and :math:`\beta` its beta,
    the hedge keeps the exposure :math:`\beta S (1 - h) = m (W - F)`:

    .. math:: h = \mathrm{clip}\left(1 - \frac{m (W - F)}{\beta S},\ 0,\ 1\right)

    The target depends on the run's own value, so the engine computes it inside the kernel
    each day; :meth:`targets` gives the cap it is combined with (1: none). It can be used
    alone or inside :class:`~hedgekit.policies.Min` (``Min(FloorCppi(...), Trend(...))``).

    Parameters
    ----------
    floor_fraction
        Floor as a fraction of the initial total value, in [0, 1).
    multiplier
        CPPI multiplier ``m`` (> 0; 3-5 usual).
    """

    floor_fraction: float = 0.85
    multiplier: float = 3.0

    def __post_init__(self) -> None:
        object.__setattr__(
            self,
            "floor_fraction",
            check_ratio(self.floor_fraction, "floor_fraction", lo=0.0, hi=0.9999),
        )
        object.__setattr__(self, "multiplier", check_ratio(self.multiplier, "multiplier", lo=1e-9))

    @property
    def name(self) -> str:
        """E.g. ``"CPPI floor 85%, multiplier 3"``."""
        return f"CPPI floor {self.floor_fraction:.0%}, multiplier {self.multiplier:g}"

    def targets(self, market: PolicyMarket) -> Float64Array:
        """The cap combined with the in-kernel CPPI ratio: 1 on every session."""
        return np.ones(market.n_days)

    def ratio(
        self, total_value_usd: float, stocks_usd: float, beta: float, floor_usd: float
    ) -> float:
        """The CPPI hedge ratio for one state (the formula above)."""
        if stocks_usd <= 0.0 or beta == 0.0:
            return 1.0
        h = 1.0 - self.multiplier * (total_value_usd - floor_usd) / (beta * stocks_usd)
        return min(max(h, 0.0), 1.0)
