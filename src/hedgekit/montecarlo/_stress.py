"""Stress of a hedged portfolio over simulated futures: spec, run, result and summary.

:func:`run_stress` draws paths from a :class:`~hedgekit.montecarlo.PathModel` chunk by
chunk, runs the hedged and the unhedged account over each (see
:mod:`hedgekit.montecarlo._stress_kernel` for the day), and keeps per-path measures only
(plus the daily values of a few paths for fan charts), so memory stays bounded whatever the
number of paths.

Values. ``V_0`` is the stock portfolio. The hedged account is stocks + margin account + cash
account; the unhedged one is the same stocks unhedged. With ``call_source="cash"`` the initial
deposit ``B·IM·N_0`` is a cash reserve set aside beside the stocks, and the unhedged account
holds the same reserve in T-bills, so the difference between the two is the futures hedge
alone. P&L is the final value minus the starting value (stocks + reserve); returns are P&L
divided by ``V_0``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from hedgekit._constants import TRADING_DAYS_PER_YEAR
from hedgekit._domains import check_optional
from hedgekit._typing import DateLike, Float64Array
from hedgekit.errors import InputError
from hedgekit.montecarlo._chunks import DEFAULT_CHUNK_PATHS, chunk_bounds, chunk_generators
from hedgekit.montecarlo._models import PathModel
from hedgekit.montecarlo._risk import (
    DEFAULT_CONFIDENCES,
    expected_shortfall,
    percentiles,
    value_at_risk,
)
from hedgekit.montecarlo._stress_kernel import (
    KernelTerms,
    StressDays,
    StressOutput,
    simulate_stress_numpy,
)

__all__ = [
    "DEFAULT_FAN_PATHS",
    "CallSource",
    "StressEngine",
    "StressResult",
    "StressRounding",
    "StressSpec",
    "call_probability_curve",
    "run_stress",
    "smallest_buffer_multiple",
    "stress_calendar",
    "stress_chunk",
    "stress_result_from_outcomes",
]

CallSource = Literal["cash", "stock"]
StressRounding = Literal["down", "nearest"]
StressEngine = Literal["auto", "numba", "numpy"]

#: Paths whose daily values are kept for fan charts (the first ones drawn).
DEFAULT_FAN_PATHS = 1000
#: Buffer multiples on which the call probability is reported by default.
DEFAULT_BUFFER_MULTIPLES = (1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0)
#: Calendar days added past the horizon so that the contract chain covers it.
_CHAIN_MARGIN_DAYS = 120

_PER_PATH = (
    "final_hedged_usd",
    "final_unhedged_usd",
    "max_drawdown_hedged",
    "max_drawdown_unhedged",
    "n_margin_calls",
    "largest_margin_call_usd",
    "margin_calls_usd",
    "trading_costs_usd",
    "n_trades",
    "contracts_start",
    "required_buffer_multiple",
)


#: Spec fields and the command-line option whose domain each has.
_DOMAIN_FIELDS: tuple[tuple[str, str], ...] = (
    ("--value-usd", "value_usd"),
    ("--index-level", "index_level"),
    ("--rate", "rate_annual"),
    ("--dividend-yield", "dividend_yield"),
    ("--beta", "beta"),
    ("--band", "band"),
    ("--commission", "commission_per_contract_usd"),
    ("--slippage-ticks", "slippage_ticks"),
    ("--buffer", "buffer_multiple"),
)


@dataclass(frozen=True, slots=True)
class StressSpec:
    """What is stressed: the portfolio, the hedge, the contract and the margin terms.

    Attributes
    ----------
    value_usd
        Stock portfolio value ``V_0``.
    start
        Day 0: the last close before the simulated days (moved back to a session if needed).
    index_level
        Index level at the start, ``S_0``.
    rate_annual
        Rate at the start (continuous, per year); later days take the paths' rates.
    multiplier_usd, tick_size_points
        The futures contract's terms.
    initial_margin_per_contract_usd, maintenance_margin_per_contract_usd
        Margin per contract (maintenance <= initial).
    beta
        Portfolio beta: daily return ``beta * index return + q/252``.
    hedge_ratio
        ``h``: target ``floor(h beta V / (m F))`` contracts short (``rounding="down"``) or
        the nearest whole number (``"nearest"``), at every roll and, with a band, between.
    band
        Rebalance band ``b``: between rolls, trade when ``|N - N*| >= max(1, b N*)``;
        ``None``: hold the position from roll to roll.
    dividend_yield
        Index dividend yield ``q`` (continuous, per year).
    horizon_days
        Simulated sessions.
    contract
        Contract root (for the roll calendar and reports).
    commission_per_contract_usd, slippage_ticks
        Cost per contract per side: commission + ticks × tick value.
    buffer_multiple
        Starting margin account as a multiple of initial margin (>= 1).
    call_source
        ``"cash"`` (calls paid from cash, stocks never sold) or ``"stock"`` (the engine's rule).
    sweep_multiple
        Excess above ``sweep_multiple × IM × N`` leaves the margin account; ``None``: never.
    contracts_start
        Contracts short at day 0 (whole, >= 0), e.g. a position held or sized by
        :func:`hedgekit.sizing.size_hedge`; ``None``: ``floor(h beta V0 / (m F0))``. With an
        E-mini and its Micro held together the stress counts Micro units (one E-mini = 10),
        so every per-contract term is per unit.
    rounding
        Rounding of the target count: ``"down"`` (floor, the engine's rule) or ``"nearest"``
        (as the plan sizes).
    """

    value_usd: float
    start: dt.date
    index_level: float
    rate_annual: float
    multiplier_usd: float
    tick_size_points: float
    initial_margin_per_contract_usd: float
    maintenance_margin_per_contract_usd: float
    beta: float = 1.0
    hedge_ratio: float = 1.0
    band: float | None = 0.0
    dividend_yield: float = 0.0
    horizon_days: int = TRADING_DAYS_PER_YEAR
    contract: str = "ES"
    commission_per_contract_usd: float = 0.0
    slippage_ticks: float = 0.0
    buffer_multiple: float = 1.0
    call_source: CallSource = "cash"
    sweep_multiple: float | None = None
    contracts_start: int | None = None
    rounding: StressRounding = "down"

    def __post_init__(self) -> None:
        object.__setattr__(self, "start", pd.Timestamp(self.start).date())
        checks: tuple[tuple[str, bool, str], ...] = (
            ("value_usd", self.value_usd > 0, "> 0"),
            ("index_level", self.index_level > 0, "> 0"),
            ("rate_annual", True, "a finite number"),
            ("multiplier_usd", self.multiplier_usd > 0, "> 0"),
            ("tick_size_points", self.tick_size_points > 0, "> 0"),
            ("initial_margin_per_contract_usd", self.initial_margin_per_contract_usd >= 0, ">= 0"),
            (
                "maintenance_margin_per_contract_usd",
                0
                <= self.maintenance_margin_per_contract_usd
                <= self.initial_margin_per_contract_usd,
                ">= 0 and <= the initial margin",
            ),
            ("beta", True, "a finite number"),
            ("hedge_ratio", self.hedge_ratio >= 0, ">= 0"),
            ("band", self.band is None or self.band >= 0, ">= 0 or None"),
            ("dividend_yield", True, "a finite number"),
            ("commission_per_contract_usd", self.commission_per_contract_usd >= 0, ">= 0"),
            ("slippage_ticks", self.slippage_ticks >= 0, ">= 0"),
            ("buffer_multiple", self.buffer_multiple >= 1, ">= 1 (at least the initial margin)"),
        )
        for name, ok, expected in checks:
            value = getattr(self, name)
            if name == "band" and value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise InputError("must be a number", source=name, value=value, expected=expected)
            if not (ok and math.isfinite(value)):
                raise InputError("invalid stress term", source=name, value=value, expected=expected)
            object.__setattr__(self, name, float(value))
        # the command line's domains (hedgekit._domains): the API refuses what the CLI does
        for flag, name in _DOMAIN_FIELDS:
            check_optional(flag, getattr(self, name), source=name)
        days = self.horizon_days
        if isinstance(days, bool) or not isinstance(days, int) or days < 2:
            raise InputError(
                "invalid horizon", source="horizon_days", value=days, expected="whole number >= 2"
            )
        n0 = self.contracts_start
        if n0 is not None and (
            isinstance(n0, bool) or not isinstance(n0, int | np.integer) or n0 < 0
        ):
            raise InputError(
                "invalid starting position", source="contracts_start", value=n0,
                expected="None or a whole number of contracts >= 0",
            )  # fmt: skip
        if n0 is not None:
            object.__setattr__(self, "contracts_start", int(n0))
        if self.rounding not in ("down", "nearest"):
            raise InputError(
                "unknown rounding", source="rounding", value=self.rounding,
                expected="'down' or 'nearest'",
            )  # fmt: skip
        if self.call_source not in ("cash", "stock"):
            raise InputError(
                "unknown call source", source="call_source", value=self.call_source,
                expected="'cash' or 'stock'",
            )  # fmt: skip
        sweep = self.sweep_multiple
        if sweep is not None and not (
            isinstance(sweep, int | float)
            and math.isfinite(sweep)
            and sweep >= self.buffer_multiple
        ):
            raise InputError(
                "sweep level below the starting buffer (the buffer would be swept out at once)",
                source="sweep_multiple",
                value=sweep,
                expected=f"None or a number >= buffer_multiple = {self.buffer_multiple}",
            )

    @classmethod
    def for_contract(
        cls,
        root: str,
        *,
        value_usd: float,
        start: DateLike,
        index_level: float,
        rate_annual: float,
        **terms: Any,
    ) -> StressSpec:
        """Build a spec with the contract's multiplier, tick and dated margin from the registry.

        The margin is :meth:`hedgekit.contracts.ContractSpec.margin_on` at ``start``, with
        the earliest dated figure for earlier dates; pass
        ``initial_margin_per_contract_usd`` / ``maintenance_margin_per_contract_usd`` to
        override it. Other keyword arguments are fields of :class:`StressSpec`.
        """
        from hedgekit.contracts import get_contract

        spec = get_contract(root)
        day = pd.Timestamp(start).date()
        rate = spec.margin_on(day, before_first="earliest")
        terms.setdefault("initial_margin_per_contract_usd", rate.initial_usd)
        terms.setdefault("maintenance_margin_per_contract_usd", rate.maintenance_usd)
        return cls(
            value_usd=value_usd,
            start=day,
            index_level=index_level,
            rate_annual=rate_annual,
            multiplier_usd=spec.multiplier_usd,
            tick_size_points=spec.tick_size_points,
            contract=spec.root,
            **terms,
        )

    @property
    def cost_per_contract_usd(self) -> float:
        """Commission + slippage ticks × tick size × multiplier, per contract per side."""
        return self.commission_per_contract_usd + (
            self.slippage_ticks * self.tick_size_points * self.multiplier_usd
        )

    @property
    def exact_buffer_curve(self) -> bool:
        """``True`` when the call probability for every buffer follows from one run."""
        return self.call_source == "cash" and self.sweep_multiple is None

    def kernel_terms(self, buffer_multiple: float | None = None) -> KernelTerms:
        """The terms in the kernel's form (optionally with another buffer multiple)."""
        return KernelTerms(
            value_usd=self.value_usd,
            beta=self.beta,
            h_beta=self.hedge_ratio * self.beta,
            band=0.0 if self.band is None else self.band,
            dividend_yield=self.dividend_yield,
            multiplier_usd=self.multiplier_usd,
            cost_per_contract_usd=self.cost_per_contract_usd,
            initial_margin_usd=self.initial_margin_per_contract_usd,
            maintenance_margin_usd=self.maintenance_margin_per_contract_usd,
            deposit_multiple=self.buffer_multiple if buffer_multiple is None else buffer_multiple,
            sweep_multiple=self.sweep_multiple,
            calls_from_stock=self.call_source == "stock",
            contracts_start=None if self.contracts_start is None else float(self.contracts_start),
            hold_between_rolls=self.band is None,
            round_nearest=self.rounding == "nearest",
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form (dates as ISO text)."""
        out: dict[str, Any] = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            out[name] = value.isoformat() if isinstance(value, dt.date) else value
        out["cost_per_contract_usd"] = self.cost_per_contract_usd
        return out


def stress_calendar(
    start: DateLike, n_days: int, root: str = "ES"
) -> tuple[np.ndarray[Any, np.dtype[np.datetime64]], StressDays]:
    """Sessions and held contracts of a simulated horizon (NYSE calendar, CME roll rule).

    Parameters
    ----------
    start
        Day 0 (moved back to the session on or before it).
    n_days
        Simulated sessions after day 0.
    root
        Contract root.

    Returns
    -------
    dates, days
        ``n_days + 1`` sessions, and the contract calendar: times to the held contract's last
        trading day (calendar days / 365) and the roll days of
        :class:`hedgekit.calendar.CmeRollRule`.
    """
    from hedgekit.calendar import (
        CmeRollRule,
        contract_schedule,
        contract_to_open,
        offset_session,
        session_on_or_before,
        sessions,
    )
    from hedgekit.engine import held_contract_schedule

    day0 = session_on_or_before(start)
    last = offset_session(day0, n_days)
    days = sessions(day0, last).to_numpy(dtype="datetime64[D]")
    periods = contract_schedule(
        root, day0, last + pd.Timedelta(days=_CHAIN_MARGIN_DAYS), CmeRollRule()
    )
    if len(periods) > 1 and contract_to_open(root, day0, CmeRollRule()) == periods[1].contract:
        periods = periods[1:]  # opened in the contract it will hold (its roll is days away)
    schedule = held_contract_schedule(
        days,
        [p.last_trading_day.to_datetime64() for p in periods],
        [p.roll_date.to_datetime64() for p in periods],
    )
    return days, StressDays(schedule.tau_settle_years, schedule.tau_hold_years, schedule.is_roll)


@dataclass(frozen=True, slots=True)
class StressResult:
    """Per-path outcomes of a stress run, and the daily values of the first paths.

    Attributes
    ----------
    spec
        The stressed portfolio and hedge.
    model
        Description of the path model (``PathModel.to_dict()``).
    dates
        Sessions of the horizon, day 0 first (``datetime64[D]``).
    outcomes
        One row per path: ``final_hedged_usd``, ``final_unhedged_usd``, ``pnl_hedged_usd``,
        ``pnl_unhedged_usd``, ``return_hedged``, ``return_unhedged`` (P&L / ``V_0``),
        ``max_drawdown_hedged``, ``max_drawdown_unhedged``, ``n_margin_calls``,
        ``largest_margin_call_usd``, ``margin_calls_usd`` (sum), ``trading_costs_usd``,
        ``n_trades``, ``contracts_start``, ``required_buffer_multiple`` (the smallest starting
        buffer with no call on this path; only when :attr:`StressSpec.exact_buffer_curve`).
    fan_hedged_usd, fan_unhedged_usd
        Daily values of the first paths, shape ``(fan_paths, n_days + 1)``.
    start_value_usd
        Value of either account at day 0 before costs (stocks + cash reserve).
    seed
        The seed, when an int was given.
    """

    spec: StressSpec
    model: dict[str, Any]
    dates: np.ndarray[Any, np.dtype[np.datetime64]]
    outcomes: pd.DataFrame = field(repr=False)
    fan_hedged_usd: Float64Array = field(repr=False)
    fan_unhedged_usd: Float64Array = field(repr=False)
    start_value_usd: float
    seed: int | None = None

    @property
    def n_paths(self) -> int:
        """Number of simulated paths."""
        return len(self.outcomes)

    @property
    def n_days(self) -> int:
        """Simulated sessions (day 0 excluded)."""
        return int(self.dates.size - 1)

    def to_frame(self) -> pd.DataFrame:
        """One row per path (a copy of :attr:`outcomes`)."""
        return self.outcomes.copy()

    def call_probability(self, buffer_multiple: float | None = None) -> float:
        """Share of paths with at least one margin call (at another buffer: exact curve only)."""
        if buffer_multiple is None:
            return float((self.outcomes["n_margin_calls"] > 0).mean())
        self._require_exact("call_probability(buffer_multiple)")
        return float(
            call_probability_curve(
                self.outcomes["required_buffer_multiple"].to_numpy(), [buffer_multiple]
            )[0]
        )

    def buffer_for(self, target_probability: float) -> float:
        """Smallest buffer multiple (>= 1) with a call probability at most the target."""
        self._require_exact("buffer_for")
        return smallest_buffer_multiple(
            self.outcomes["required_buffer_multiple"].to_numpy(), target_probability
        )

    def _require_exact(self, what: str) -> None:
        if not self.spec.exact_buffer_curve:
            raise InputError(
                f"{what} needs call_source='cash' and no sweep; otherwise search by "
                "re-simulation with hedgekit.montecarlo.buffer_search",
                source="call_source",
                value=self.spec.call_source,
                expected="'cash' with sweep_multiple=None",
            )

    def summary(
        self,
        *,
        confidences: Sequence[float] = DEFAULT_CONFIDENCES,
        call_sizes_usd: Sequence[float] = (),
        target_call_probabilities: Sequence[float] = (0.05, 0.01),
        buffer_multiples: Sequence[float] = DEFAULT_BUFFER_MULTIPLES,
    ) -> dict[str, Any]:
        """Distribution of outcomes, tail risk, margin calls and buffers (JSON-safe).

        Parameters
        ----------
        confidences
            VaR and CVaR levels.
        call_sizes_usd
            Sizes for the probability of a single margin call above them.
        target_call_probabilities
            Targets for the buffer that keeps the call probability at or under them.
        buffer_multiples
            Buffers on which the call probability curve is reported.

        Returns
        -------
        dict
            ``hedged`` and ``unhedged`` (P&L and return percentiles, mean, probability of a
            loss, ``var``/``cvar`` per level in USD and as a fraction of ``V_0``, drawdown
            percentiles), ``margin`` and ``buffer``.
        """
        o = self.outcomes
        out: dict[str, Any] = {}
        for side in ("hedged", "unhedged"):
            pnl = o[f"pnl_{side}_usd"].to_numpy()
            ret = o[f"return_{side}"].to_numpy()
            dd = o[f"max_drawdown_{side}"].to_numpy()
            out[side] = {
                "mean_pnl_usd": float(pnl.mean()),
                "mean_return": float(ret.mean()),
                "probability_of_loss": float((pnl < 0).mean()),
                "pnl_usd": percentiles(pnl),
                "return": percentiles(ret),
                "var": {
                    f"{c:g}": {
                        "usd": value_at_risk(pnl, c),
                        "fraction": value_at_risk(ret, c),
                    }
                    for c in confidences
                },
                "cvar": {
                    f"{c:g}": {
                        "usd": expected_shortfall(pnl, c),
                        "fraction": expected_shortfall(ret, c),
                    }
                    for c in confidences
                },
                "max_drawdown": {"mean": float(dd.mean()), **percentiles(dd)},
            }
        calls = o["n_margin_calls"].to_numpy()
        largest = o["largest_margin_call_usd"].to_numpy()
        out["margin"] = {
            "initial_margin_start_usd": float(
                np.median(o["contracts_start"]) * self.spec.initial_margin_per_contract_usd
            ),
            "probability_of_call": float((calls > 0).mean()),
            "mean_calls": float(calls.mean()),
            "calls": percentiles(calls),
            "largest_call_usd": percentiles(largest),
            "total_calls_usd": percentiles(o["margin_calls_usd"].to_numpy()),
            "probability_call_above": [
                {"size_usd": float(x), "probability": float((largest > x).mean())}
                for x in call_sizes_usd
            ],
        }
        buffer: dict[str, Any] = {
            "buffer_multiple": self.spec.buffer_multiple,
            "exact": self.spec.exact_buffer_curve,
        }
        if self.spec.exact_buffer_curve:
            req = o["required_buffer_multiple"].to_numpy()
            probs = call_probability_curve(req, buffer_multiples)
            im_start = out["margin"]["initial_margin_start_usd"]
            buffer["curve"] = [
                {"buffer_multiple": float(b), "probability_of_call": float(p)}
                for b, p in zip(buffer_multiples, probs, strict=True)
            ]
            buffer["for_target"] = []
            for target in target_call_probabilities:
                b = smallest_buffer_multiple(req, target)
                buffer["for_target"].append(
                    {
                        "target_probability": float(target),
                        "buffer_multiple": b if math.isfinite(b) else None,
                        "margin_account_usd": b * im_start if math.isfinite(b) else None,
                    }
                )
        out["buffer"] = buffer
        return out

    def fan_quantiles(
        self, levels: Sequence[float] = (0.05, 0.25, 0.5, 0.75, 0.95)
    ) -> dict[str, Float64Array]:
        """Per-day quantiles of the kept paths' values: ``{"hedged": (len(levels), n+1), ...}``."""
        q = np.asarray(levels, dtype=np.float64)
        return {
            "hedged": np.quantile(self.fan_hedged_usd, q, axis=0),
            "unhedged": np.quantile(self.fan_unhedged_usd, q, axis=0),
        }

    def to_dict(self, **summary_options: Any) -> dict[str, Any]:
        """Spec, model, horizon and :meth:`summary` (JSON-safe; no per-path arrays)."""
        return {
            "spec": self.spec.to_dict(),
            "model": self.model,
            "seed": self.seed,
            "n_paths": self.n_paths,
            "horizon": {
                "start": str(self.dates[0]),
                "end": str(self.dates[-1]),
                "days": self.n_days,
            },
            "start_value_usd": self.start_value_usd,
            "fan_paths": int(self.fan_hedged_usd.shape[0]),
            "summary": self.summary(**summary_options),
        }


def call_probability_curve(
    required_multiples: Float64Array, buffer_multiples: Sequence[float]
) -> Float64Array:
    """``P(B* > B)`` for each buffer ``B``: the share of paths that call with that buffer."""
    req = np.sort(np.asarray(required_multiples, dtype=np.float64))
    b = np.asarray(buffer_multiples, dtype=np.float64)
    above = req.size - np.searchsorted(req, b, side="right")
    return above.astype(np.float64) / req.size


def smallest_buffer_multiple(required_multiples: Float64Array, target_probability: float) -> float:
    """Smallest ``B >= 1`` with ``P(B* > B) <= target``: the ``(n-k)``-th smallest ``B*``.

    With ``k = floor(target × n)`` paths allowed to call, ``B = max(1, B*_(n-k))``; ``inf``
    when that path calls whatever the buffer (no position at the start).
    """
    if not (0.0 <= target_probability < 1.0):
        raise InputError(
            "invalid target probability",
            source="target_probability",
            value=target_probability,
            expected="in [0, 1)",
        )
    req = np.sort(np.asarray(required_multiples, dtype=np.float64))
    n = req.size
    k = math.floor(target_probability * n + 1e-9)
    return max(1.0, float(req[n - k - 1]))


def _chunk_levels(
    returns: Float64Array, rates: Float64Array, index_level: float, rate_start: float
) -> tuple[Float64Array, Float64Array]:
    """Days-major levels and rates ``(n_days + 1, k)`` with the start in row 0.

    ``S_t = S_0 · Π_{s<=t}(1 + R_s)``, the product accumulated day by day (``cumprod``).
    """
    k, n = returns.shape
    levels = np.empty((n + 1, k))
    levels[0] = index_level
    np.add(returns.T, 1.0, out=levels[1:])
    np.cumprod(levels[1:], axis=0, out=levels[1:])
    levels[1:] *= index_level
    r = np.empty((n + 1, k))
    r[0] = rate_start
    r[1:] = rates.T
    return levels, r


def _pick_kernel(engine: str) -> str:
    from hedgekit.engine import available_engines

    if engine == "auto":
        return "numba" if "numba" in available_engines() else "numpy"
    if engine == "numba" and "numba" not in available_engines():
        raise InputError(
            "numba is not available (install hedgekit[fast])",
            source="engine",
            value=engine,
            expected="'numpy' or 'auto'",
        )
    if engine not in ("numba", "numpy"):
        raise InputError(
            "unknown engine", source="engine", value=engine, expected="'auto', 'numba' or 'numpy'"
        )
    return engine


def _check_model_start(spec: StressSpec, model: PathModel) -> None:
    from hedgekit.montecarlo._models import StationaryBootstrap

    if (
        isinstance(model, StationaryBootstrap)
        and model.rates == "changes"
        and not math.isclose(model.start_rate, spec.rate_annual, rel_tol=0.0, abs_tol=1e-12)
    ):
        raise InputError(
            "the bootstrap's starting rate differs from the stressed start's rate",
            source="rate_start",
            value=model.start_rate,
            expected=f"StationaryBootstrap(..., rate_start={spec.rate_annual!r})",
        )


def _simulate_chunk(
    spec: StressSpec,
    model: PathModel,
    n_paths: int,
    gen: np.random.Generator,
    days: StressDays,
    terms: KernelTerms,
    kernel: str,
    fan: int,
) -> StressOutput:
    paths = model.simulate(n_paths, spec.horizon_days, gen)
    if kernel == "numba":
        from hedgekit.montecarlo._stress_numba import simulate_stress_numba

        return simulate_stress_numba(
            paths.index_return.T,
            paths.rate_annual.T,
            spec.index_level,
            spec.rate_annual,
            days,
            terms,
            fan_paths=fan,
        )
    levels, rates = _chunk_levels(
        paths.index_return, paths.rate_annual, spec.index_level, spec.rate_annual
    )
    del paths
    return simulate_stress_numpy(levels, rates, days, terms, fan_paths=fan)


def _start_values(spec: StressSpec, contracts_start: np.ndarray[Any, Any]) -> Float64Array:
    """Stocks plus the cash reserve set aside for calls (``call_source="cash"``) at day 0."""
    deposit = spec.buffer_multiple * spec.initial_margin_per_contract_usd
    reserve = 0.0 if spec.call_source == "stock" else 1.0
    out: Float64Array = spec.value_usd + reserve * deposit * contracts_start
    return out


def _outcome_frame(
    spec: StressSpec, cols: dict[str, np.ndarray[Any, Any]], first_path: int = 0
) -> pd.DataFrame:
    start_value = _start_values(spec, cols["contracts_start"])
    frame = pd.DataFrame(
        {
            "final_hedged_usd": cols["final_hedged_usd"],
            "final_unhedged_usd": cols["final_unhedged_usd"],
            "pnl_hedged_usd": cols["final_hedged_usd"] - start_value,
            "pnl_unhedged_usd": cols["final_unhedged_usd"] - start_value,
            "return_hedged": (cols["final_hedged_usd"] - start_value) / spec.value_usd,
            "return_unhedged": (cols["final_unhedged_usd"] - start_value) / spec.value_usd,
            "max_drawdown_hedged": cols["max_drawdown_hedged"],
            "max_drawdown_unhedged": cols["max_drawdown_unhedged"],
            "n_margin_calls": cols["n_margin_calls"].astype(np.int64),
            "largest_margin_call_usd": cols["largest_margin_call_usd"],
            "margin_calls_usd": cols["margin_calls_usd"],
            "trading_costs_usd": cols["trading_costs_usd"],
            "n_trades": cols["n_trades"].astype(np.int64),
            "contracts_start": cols["contracts_start"].astype(np.int64),
            "required_buffer_multiple": cols["required_buffer_multiple"]
            if spec.exact_buffer_curve
            else np.full(cols["contracts_start"].size, np.nan),
        },
        index=pd.RangeIndex(first_path, first_path + cols["contracts_start"].size, name="path"),
    )
    return frame


def stress_chunk(
    spec: StressSpec,
    model: PathModel,
    n_paths: int,
    index: int,
    *,
    rng: np.random.Generator | int,
    chunk_paths: int = DEFAULT_CHUNK_PATHS,
    fan_paths: int = DEFAULT_FAN_PATHS,
    engine: StressEngine = "auto",
) -> tuple[pd.DataFrame, Float64Array, Float64Array]:
    """Chunk ``index`` of :func:`run_stress`'s draw, alone: its rows, bit for bit.

    The chunk's paths are drawn with the ``index``-th child of ``rng.spawn(n_chunks)``
    (numpy ``SeedSequence`` spawning), exactly as :func:`run_stress` draws them, so chunks
    computed apart (on other processes or machines, in any order) put together equal the
    whole run.

    Parameters
    ----------
    spec, model, n_paths, rng, chunk_paths, fan_paths, engine
        As for :func:`run_stress` (the whole draw's).
    index
        The chunk, ``0 <= index < ceil(n_paths / chunk_paths)``.

    Returns
    -------
    tuple
        The chunk's outcome rows (index ``path``, the whole draw's path numbers) and the
        fan chart's daily values (paths of chunk 0 only; empty for the other chunks).
    """
    _check_model_start(spec, model)
    bounds = chunk_bounds(n_paths, chunk_paths)
    if isinstance(index, bool) or not 0 <= index < len(bounds):
        raise InputError("no such chunk", source="index", value=index,
                         expected=f"0 .. {len(bounds) - 1}")  # fmt: skip
    _, days = stress_calendar(spec.start, spec.horizon_days, spec.contract)
    lo, hi = bounds[index]
    gen = chunk_generators(rng, len(bounds))[index]
    fan = min(max(fan_paths, 0), bounds[0][1]) if index == 0 else 0
    res = _simulate_chunk(
        spec, model, hi - lo, gen, days, spec.kernel_terms(), _pick_kernel(engine), fan
    )
    cols = {name: getattr(res, name) for name in _PER_PATH}
    return _outcome_frame(spec, cols, lo), res.fan_hedged_usd, res.fan_unhedged_usd


def stress_result_from_outcomes(
    spec: StressSpec,
    model: PathModel,
    outcomes: pd.DataFrame,
    fan_hedged_usd: Float64Array,
    fan_unhedged_usd: Float64Array,
    *,
    seed: int | None,
) -> StressResult:
    """The :class:`StressResult` of outcome rows computed apart (:func:`stress_chunk`)."""
    dates, _ = stress_calendar(spec.start, spec.horizon_days, spec.contract)
    start_value = _start_values(spec, outcomes["contracts_start"].to_numpy())
    frame = outcomes.reset_index(drop=True)
    frame.index.name = "path"
    return StressResult(
        spec=spec,
        model=model.to_dict(),
        dates=dates,
        outcomes=frame,
        fan_hedged_usd=fan_hedged_usd,
        fan_unhedged_usd=fan_unhedged_usd,
        start_value_usd=float(np.median(start_value)),
        seed=seed,
    )


def run_stress(
    spec: StressSpec,
    model: PathModel,
    n_paths: int,
    *,
    rng: np.random.Generator | int,
    chunk_paths: int = DEFAULT_CHUNK_PATHS,
    fan_paths: int = DEFAULT_FAN_PATHS,
    workers: int = 1,
    engine: StressEngine = "auto",
    progress: Callable[[int, int], None] | None = None,
) -> StressResult:
    """Simulate the hedged and unhedged portfolio over ``n_paths`` futures.

    Parameters
    ----------
    spec
        Portfolio, hedge, contract and margin terms.
    model
        Path model (bootstrap, GBM, GARCH).
    n_paths
        Number of paths.
    rng
        Generator or seed; chunk ``i`` draws with the ``i``-th of ``rng.spawn(n_chunks)``, so
        results depend on the seed and ``chunk_paths`` only (not on ``workers``).
    chunk_paths
        Paths drawn and simulated at a time (memory ~ 5 × 8 bytes × chunk × days).
    fan_paths
        Paths whose daily values are kept for fan charts (at most the first chunk).
    workers
        Threads simulating chunks concurrently (the numba kernel and numpy's array operations
        release the GIL).
    engine
        ``"numba"`` (compiled; install ``hedgekit[fast]``), ``"numpy"`` (vectorised over
        paths) or ``"auto"``: numba when :func:`hedgekit.engine.default_engine` says so.
    progress
        Called as ``progress(paths_done, n_paths)`` after each chunk.

    Returns
    -------
    StressResult
    """
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise InputError("must be a whole number >= 1", source="workers", value=workers)
    _check_model_start(spec, model)
    dates, days = stress_calendar(spec.start, spec.horizon_days, spec.contract)
    terms = spec.kernel_terms()
    bounds = chunk_bounds(n_paths, chunk_paths)
    gens = chunk_generators(rng, len(bounds))
    keep = min(max(fan_paths, 0), bounds[0][1])

    kernel = _pick_kernel(engine)

    def one(i: int) -> StressOutput:
        lo, hi = bounds[i]
        return _simulate_chunk(
            spec, model, hi - lo, gens[i], days, terms, kernel, keep if i == 0 else 0
        )

    results: list[StressOutput] = []
    done = 0
    if workers == 1 or len(bounds) == 1:
        for i in range(len(bounds)):
            results.append(one(i))
            done += bounds[i][1] - bounds[i][0]
            if progress is not None:
                progress(done, n_paths)
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for i, res in enumerate(pool.map(one, range(len(bounds)))):
                results.append(res)
                done += bounds[i][1] - bounds[i][0]
                if progress is not None:
                    progress(done, n_paths)
    cols = {name: np.concatenate([getattr(r, name) for r in results]) for name in _PER_PATH}
    frame = _outcome_frame(spec, cols)
    return StressResult(
        spec=spec,
        model=model.to_dict(),
        dates=dates,
        outcomes=frame,
        fan_hedged_usd=results[0].fan_hedged_usd,
        fan_unhedged_usd=results[0].fan_unhedged_usd,
        start_value_usd=float(np.median(_start_values(spec, cols["contracts_start"]))),
        seed=int(rng) if isinstance(rng, int | np.integer) else None,
    )
