"""Claims a hedging story makes, and how each one is measured on the real history.

A :class:`Claim` is one number a story states (an index level, a portfolio value, a P&L, a
margin figure, a percentage), with the section it comes from and a *measure*: how the same
quantity is read off the bundled index closes or off a backtest of the story's setup. A
:class:`ClaimCheck` puts the measured figure next to the stated one and says, in plain words,
whether they agree.

Agreement is ``|measured - stated| <= max(abs_tol, rel_tol * |stated|)``; the default tolerance
of each unit allows for the story's rounding (index levels 1 %, dollar figures 2 %, fractions half a
percentage point, contract and call counts exact).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Literal, get_args

import numpy as np

from hedgekit._dates import to_date
from hedgekit.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Claim",
    "ClaimCheck",
    "Measure",
    "Unit",
    "check_claim",
]

#: Units a claim may be stated in. ``"fraction"`` values are fractions (``-0.084`` = -8.4 %).
Unit = Literal["index points", "usd", "fraction", "contracts", "count", "usd per contract"]

#: How a claim is measured. ``index_*`` are read off the bundled S&P 500 closes; the others off
#: the backtest's daily records (values include the story's other assets held flat).
Measure = Literal[
    "index_close",
    "index_change",
    "index_max_close",
    "unhedged_value",
    "hedged_value",
    "unhedged_return",
    "unhedged_stock_return",
    "hedged_return",
    "hedge_pnl",
    "hedge_protection",
    "unhedged_max_drawdown",
    "hedged_max_drawdown",
    "contracts",
    "initial_margin",
    "margin_calls_count",
    "margin_calls_usd",
    "rolls_count",
    "trading_costs_usd",
    "vix_close",
]

_UNITS: Final = frozenset(get_args(Unit))
_MEASURES: Final = frozenset(get_args(Measure))
#: Default tolerance (relative, absolute) per unit.
_DEFAULT_TOL: Final[dict[str, tuple[float, float]]] = {
    "index points": (0.01, 0.0),
    "usd": (0.02, 0.0),
    "usd per contract": (0.02, 0.0),
    "fraction": (0.0, 0.005),
    "contracts": (0.0, 0.0),
    "count": (0.0, 0.0),
}
#: Measures read off the index data only (no backtest needed).
INDEX_MEASURES: Final = frozenset({"index_close", "index_change", "index_max_close", "vix_close"})


def _date(value: object, name: str) -> dt.date | None:
    """``None``, or a strict date (:func:`hedgekit._dates.to_date`)."""
    return None if value is None else to_date(value, name)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Claim:
    """One number a story states, and how to measure it.

    Attributes
    ----------
    what
        The claim in plain words, e.g. ``"S&P 500 fall from the hedge to the low"``.
    stated_value
        The number as the story states it, in ``unit`` (fractions for percentages).
    unit
        One of :data:`Unit`.
    source_section
        The story's section the number comes from.
    measure
        One of :data:`Measure`: how the number is measured on the real history.
    on
        The day the figure refers to (the last session on or before it is used); ``None``
        means the last session of the run.
    since
        Start of the window for changes, returns, P&L and counts; ``None`` means the run's
        first session.
    rel_tol, abs_tol
        Agreement tolerance; ``None`` takes the unit's default.
    note
        Why the story and the data may differ, when the reason is known.
    """

    what: str
    stated_value: float
    unit: Unit
    source_section: str
    measure: Measure = "index_close"
    on: dt.date | None = None
    since: dt.date | None = None
    rel_tol: float | None = None
    abs_tol: float | None = None
    note: str = ""

    def __post_init__(self) -> None:
        if not self.what or not self.source_section:
            raise InputError(
                "a claim needs a description and a source section",
                source="Claim",
                value=(self.what, self.source_section),
                expected="non-empty text",
            )
        if self.unit not in _UNITS:
            raise InputError(
                "unknown unit", source="Claim.unit", value=self.unit, expected=str(sorted(_UNITS))
            )
        if self.measure not in _MEASURES:
            raise InputError(
                "unknown measure",
                source="Claim.measure",
                value=self.measure,
                expected=str(sorted(_MEASURES)),
            )
        value = float(self.stated_value)
        if not math.isfinite(value):
            raise InputError(
                "stated value must be finite", source="Claim.stated_value", value=value
            )
        object.__setattr__(self, "stated_value", value)
        object.__setattr__(self, "on", _date(self.on, "Claim.on"))
        object.__setattr__(self, "since", _date(self.since, "Claim.since"))
        for name in ("rel_tol", "abs_tol"):
            tol = getattr(self, name)
            if tol is not None and not (math.isfinite(tol) and tol >= 0.0):
                raise InputError(
                    "tolerance must be a finite number >= 0", source=f"Claim.{name}", value=tol
                )

    @property
    def tolerance(self) -> tuple[float, float]:
        """``(rel_tol, abs_tol)`` in force (the unit's default where not given)."""
        rel, abs_ = _DEFAULT_TOL[self.unit]
        return (
            rel if self.rel_tol is None else float(self.rel_tol),
            abs_ if self.abs_tol is None else float(self.abs_tol),
        )

    @property
    def needs_backtest(self) -> bool:
        """Whether the claim is measured on a backtest (not on index data alone)."""
        return self.measure not in INDEX_MEASURES

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe mapping (dates as ISO text, tolerances resolved)."""
        rel, abs_ = self.tolerance
        return {
            "what": self.what,
            "stated_value": self.stated_value,
            "unit": self.unit,
            "source_section": self.source_section,
            "measure": self.measure,
            "on": None if self.on is None else self.on.isoformat(),
            "since": None if self.since is None else self.since.isoformat(),
            "rel_tol": rel,
            "abs_tol": abs_,
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class ClaimCheck:
    """A claim next to its measured value.

    Attributes
    ----------
    claim
        The story's claim.
    measured
        The figure measured on the real history, in the claim's unit; ``None`` when the claim
        falls outside the run (e.g. after overrides shortened it).
    agrees
        Whether the two agree within the claim's tolerance (``False`` when not measured).
    comment
        Plain-words comparison, naming the data (dates and levels) the figure comes from.
    """

    claim: Claim
    measured: float | None
    agrees: bool
    comment: str

    @property
    def difference(self) -> float | None:
        """``measured - stated`` (``None`` when not measured)."""
        return None if self.measured is None else self.measured - self.claim.stated_value

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe mapping: the claim's fields plus ``measured``, ``difference``, ``agrees``."""
        out = self.claim.to_dict()
        out.update(
            measured=self.measured,
            difference=self.difference,
            agrees=self.agrees,
            comment=self.comment,
        )
        return out


# --------------------------------------------------------------------------- formatting


def format_value(value: float, unit: str) -> str:
    """Format a figure in its unit the way the stories write it."""
    if unit == "fraction":
        return f"{value * 100:+.1f}%"
    if unit in ("usd", "usd per contract"):
        sign = "-" if value < 0 else ""
        return f"{sign}${abs(value):,.0f}"
    if unit in ("contracts", "count"):
        return f"{value:,.0f}"
    return f"{value:,.2f}"


# --------------------------------------------------------------------------- measuring


@dataclass(frozen=True, slots=True)
class MeasureContext:
    """What claims are measured on.

    Attributes
    ----------
    index_close
        Bundled S&P 500 closes (float Series indexed by session date).
    vix_close
        Bundled VIX closes.
    daily
        The backtest's daily frame (``None`` when only index claims are measured).
    margin_calls
        The backtest's margin calls (``date``, ``amount_usd`` columns), or ``None``.
    rolls
        The backtest's rolls (``date`` column), or ``None``.
    other_assets_usd
        Assets the story holds flat beside the stocks (added to the portfolio values).
    initial_margin_per_contract_usd
        Initial margin per contract used in the run.
    """

    index_close: pd.Series
    vix_close: pd.Series
    daily: pd.DataFrame | None = None
    margin_calls: pd.DataFrame | None = None
    rolls: pd.DataFrame | None = None
    other_assets_usd: float = 0.0
    initial_margin_per_contract_usd: float = math.nan


class _OutsideRunError(Exception):
    """The claim's dates fall outside the data measured."""


def _session_on_or_before(index: pd.Index, day: dt.date) -> int:
    import pandas as pd

    pos = int(index.searchsorted(pd.Timestamp(day), side="right")) - 1
    if pos < 0:
        raise _OutsideRunError(f"no session on or before {day.isoformat()}")
    return pos


def _inside(
    frame: pd.DataFrame | None, index: pd.Index, start: int, end: int
) -> np.ndarray[Any, np.dtype[np.bool_]]:
    """Rows of a record frame dated after session ``start`` and up to session ``end``.

    Records on the window's first session count only when the window is the whole run (a call
    or roll on the day a window opens belongs to the period before it).
    """
    import pandas as pd

    if frame is None or len(frame) == 0:
        return np.zeros(0, dtype=np.bool_)
    dates = pd.DatetimeIndex(pd.to_datetime(frame["date"]))
    lo = dates >= index[start] if start == 0 else dates > index[start]
    return np.asarray(lo & (dates <= index[end]), dtype=np.bool_)


def _window(ctx: MeasureContext, claim: Claim) -> tuple[int, int]:
    """Positions of ``since`` and ``on`` in the daily frame."""
    daily = ctx.daily
    assert daily is not None
    index = daily.index
    end = len(index) - 1
    first_day = index[0].date()
    last_day = index[end].date()
    if claim.on is not None:
        if claim.on < first_day or claim.on > last_day + dt.timedelta(days=4):
            raise _OutsideRunError(
                f"{claim.on.isoformat()} is outside the run "
                f"({first_day.isoformat()} to {last_day.isoformat()})"
            )
        end = _session_on_or_before(index, claim.on)
    start = 0
    if claim.since is not None:
        if claim.since < first_day or claim.since > last_day:
            raise _OutsideRunError(
                f"{claim.since.isoformat()} is outside the run "
                f"({first_day.isoformat()} to {last_day.isoformat()})"
            )
        start = _session_on_or_before(index, claim.since)
    return start, end


def _day(index: pd.Index, pos: int) -> str:
    import pandas as pd

    return pd.Timestamp(index[pos]).date().isoformat()


def _drawdown(values: np.ndarray[Any, np.dtype[np.float64]]) -> tuple[float, int, int]:
    r"""Largest fall from a running peak, as a fraction ``<= 0``, with peak and trough positions.

    .. math:: DD_t = V_t / \\max_{s \\le t} V_s - 1, \\quad MDD = \\min_t DD_t
    """
    peak = np.maximum.accumulate(values)
    dd = values / peak - 1.0
    trough = int(np.argmin(dd))
    top = int(np.argmax(values[: trough + 1]))
    return float(dd[trough]), top, trough


def measure_claim(claim: Claim, ctx: MeasureContext) -> tuple[float, str]:
    """Measure one claim; return the figure and where it comes from, in words.

    Raises
    ------
    _OutsideRunError
        When the claim's dates are outside the data.
    """
    m = claim.measure
    if m in INDEX_MEASURES:
        return _measure_index(claim, ctx)
    daily = ctx.daily
    if daily is None:
        raise _OutsideRunError("needs a backtest")
    start, end = _window(ctx, claim)
    idx = daily.index
    other = ctx.other_assets_usd
    d0, d1 = _day(idx, start), _day(idx, end)
    hedged = daily["total_value_usd"].to_numpy(dtype=np.float64) + other
    unhedged = daily["unhedged_value_usd"].to_numpy(dtype=np.float64) + other
    flat = f" (with ${other:,.0f} of other assets held flat)" if other else ""
    if m == "unhedged_value":
        return float(unhedged[end]), f"unhedged value on {d1}{flat}"
    if m == "hedged_value":
        return float(hedged[end]), f"hedged value on {d1}{flat}"
    # Returns over the whole run start from the value before the first trade (the unhedged
    # value on day 0), so the hedged return includes the costs of opening the position.
    if m == "unhedged_return":
        v = unhedged[end] / unhedged[start] - 1.0
        return float(v), f"unhedged {d0} to {d1}: ${unhedged[start]:,.0f} to ${unhedged[end]:,.0f}"
    if m == "unhedged_stock_return":
        stocks = unhedged - other
        v = stocks[end] / stocks[start] - 1.0
        return float(v), f"stocks alone {d0} to {d1}: ${stocks[start]:,.0f} to ${stocks[end]:,.0f}"
    if m == "hedged_return":
        base = unhedged[0] if start == 0 else hedged[start]
        v = hedged[end] / base - 1.0
        return float(v), f"hedged {d0} to {d1}: ${base:,.0f} to ${hedged[end]:,.0f}"
    if m in ("hedge_pnl", "hedge_protection"):
        gap = hedged - unhedged
        v = float(gap[end] - gap[start])
        return v, f"hedged minus unhedged value, {d0} to {d1}, net of costs and carry"
    if m in ("unhedged_max_drawdown", "hedged_max_drawdown"):
        series = unhedged if m.startswith("unhedged") else hedged
        dd, top, trough = _drawdown(series[start : end + 1])
        return dd, f"peak {_day(idx, start + top)} to trough {_day(idx, start + trough)}"
    if m == "contracts":
        n = float(abs(daily["contracts"].iloc[end]))
        return n, f"contracts held after the close of {d1}"
    if m == "initial_margin":
        n = float(abs(daily["contracts"].iloc[end]))
        im = ctx.initial_margin_per_contract_usd
        return n * im, f"{n:.0f} contracts x ${im:,.0f} initial margin on {d1}"
    if m == "rolls_count":
        rolls = ctx.rolls
        inside = _inside(rolls, idx, start, end)
        if rolls is not None and len(rolls):
            # a roll date with no position trades nothing: not counted
            traded = np.zeros(len(rolls), dtype=np.bool_)
            for col in ("contracts", "contracts_closed"):
                if col in rolls.columns:
                    traded |= rolls[col].to_numpy(dtype=np.float64) != 0.0
            inside = inside & traded
        return float(inside.sum()), f"rolls with a position {d0} to {d1}"
    if m in ("margin_calls_count", "margin_calls_usd"):
        calls = ctx.margin_calls
        if calls is None or len(calls) == 0:
            return 0.0, f"no margin calls {d0} to {d1}"
        inside = _inside(calls, idx, start, end)
        if m == "margin_calls_count":
            return float(inside.sum()), f"margin calls {d0} to {d1}"
        total = float(calls["amount_usd"].to_numpy(dtype=np.float64)[inside].sum())
        return total, f"{int(inside.sum())} margin calls {d0} to {d1}"
    if m == "trading_costs_usd":
        fees = daily["fees_usd"].to_numpy(dtype=np.float64)
        slip = daily["slippage_usd"].to_numpy(dtype=np.float64)
        lo = start if start == 0 else start + 1
        v = float(fees[lo : end + 1].sum() + slip[lo : end + 1].sum())
        return v, f"commissions and slippage {d0} to {d1} (roll spreads are in the futures P&L)"
    raise AssertionError(m)  # pragma: no cover - all measures handled


def _measure_index(claim: Claim, ctx: MeasureContext) -> tuple[float, str]:
    series = ctx.vix_close if claim.measure == "vix_close" else ctx.index_close
    name = "VIX" if claim.measure == "vix_close" else "S&P 500"
    idx = series.index
    if claim.on is None:
        raise _OutsideRunError("an index claim needs a date")
    end = _session_on_or_before(idx, claim.on)
    level = float(series.iloc[end])
    d1 = _day(idx, end)
    if claim.measure in ("index_close", "vix_close"):
        return level, f"{name} close {level:,.2f} on {d1}"
    if claim.since is None:
        raise _OutsideRunError("an index change needs a start date")
    start = _session_on_or_before(idx, claim.since)
    base = float(series.iloc[start])
    d0 = _day(idx, start)
    if claim.measure == "index_change":
        return level / base - 1.0, f"{base:,.2f} on {d0} to {level:,.2f} on {d1}"
    window = series.iloc[start : end + 1]
    top = int(np.argmax(window.to_numpy(dtype=np.float64)))
    best = float(window.iloc[top])
    return best, f"highest close {d0} to {d1}: {best:,.2f} on {_day(idx, start + top)}"


def check_claim(claim: Claim, ctx: MeasureContext) -> ClaimCheck:
    """Measure ``claim`` on ``ctx`` and compare it with the stated value.

    Parameters
    ----------
    claim
        The story's claim.
    ctx
        Index closes and (for backtest measures) the backtest's records.

    Returns
    -------
    ClaimCheck
        The measured figure, whether it agrees, and a plain-words comment such as
        ``"the story says -8.4%; the bundled data say -7.4% (1,385.67 on 2008-06-02 to
        1,282.83 on 2008-08-29): they disagree by +1.0 points"``.
    """
    stated = format_value(claim.stated_value, claim.unit)
    try:
        measured, where = measure_claim(claim, ctx)
    except _OutsideRunError as exc:
        return ClaimCheck(claim, None, False, f"not measured: {exc}")
    rel, abs_ = claim.tolerance
    diff = measured - claim.stated_value
    allowed = max(abs_, rel * abs(claim.stated_value))
    agrees = abs(diff) <= allowed + 1e-9 * max(1.0, abs(claim.stated_value))
    source = "the bundled closes say" if claim.measure in INDEX_MEASURES else "the backtest says"
    text = f"the story says {stated}; {source} {format_value(measured, claim.unit)} ({where})"
    if claim.unit == "fraction":
        off = f"{diff * 100:+.1f} percentage points"
        tol = f"{allowed * 100:.1f} points"
    elif claim.stated_value != 0.0:
        off = f"{format_value(diff, claim.unit)} ({diff / abs(claim.stated_value) * 100:+.1f}%)"
        tol = f"{rel * 100:.0f}%" if rel else format_value(allowed, claim.unit)
    else:
        off = format_value(diff, claim.unit)
        tol = format_value(allowed, claim.unit)
    if agrees:
        text += ": agrees" + (" exactly" if allowed == 0.0 else f" (within {tol})")
    else:
        text += f": DISAGREES by {off}"
    if claim.note:
        text += f". {claim.note}"
    return ClaimCheck(claim, float(measured), bool(agrees), text)


def replace_claim(claim: Claim, **changes: Any) -> Claim:
    """A copy of ``claim`` with fields changed (validated again)."""
    return dataclasses.replace(claim, **changes)
