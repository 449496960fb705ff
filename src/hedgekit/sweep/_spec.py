"""A sweep's grid: fixed settings and axes, from a small TOML file and/or ``KEY=V1,V2`` options.

Keys are ``section.field``; sections and their fields:

* ``sweep``: ``metric`` (ranking measure, default ``"cagr"``), ``order`` (``"auto"``: lower
  is better for risks and costs, higher otherwise; or ``"high"`` / ``"low"``), ``top``
  (rows in the best and worst tables), ``heatmap`` (two grid keys), ``batch_runs``,
  ``engine``. Never axes.
* ``period``: ``start`` (date), and ``end`` (date) or ``years`` (whole years after start).
* ``portfolio``: :class:`~hedgekit.backtest.IndexPortfolio` fields (``value_usd``, ``beta``,
  ``dividend_yield``, ``idio_vol_annual``, ``seed``).
* ``policy``: ``type`` (a built-in policy class of :mod:`hedgekit.policies`, e.g.
  ``"StaticHedge"``, ``"VixFormula"``, ``"Trend"``) and that class's fields.
* ``rebalance``: ``type`` (``"Band"``, ``"ValueChange"``, ``"Calendar"``, ``"Always"``,
  ``"Never"``) and its fields.
* ``costs``: :class:`~hedgekit.backtest.Costs` fields; ``margin``:
  :class:`~hedgekit.backtest.MarginSpec` fields.
* ``backtest``: ``contract``, ``rounding``, ``futures_prices``, ``index_dividend_yield``,
  ``cash_usd``, ``warmup_sessions``, ``net_short_tolerance``, ``hold_contracts`` (a position
  held and rolled, never rebalanced: what ``hedgekit sweep --position`` sets).

A list value makes the key an axis of the grid (the sweep runs the Cartesian product of all
axes); for fields whose value is itself a tuple (``policy.months``, ``policy.tiers``) the
axis is a list of such tuples. Every value is checked before anything runs: a bad key or value
raises :class:`~hedgekit.errors.InputError` naming the key and the value.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import math
import tomllib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from hedgekit._dates import to_date
from hedgekit.errors import InputError

if TYPE_CHECKING:
    from hedgekit.backtest import BacktestSpec

__all__ = [
    "LOWER_IS_BETTER",
    "SECTIONS",
    "Axis",
    "SweepSpec",
    "load_sweep_toml",
    "parse_grid_option",
    "sweep_from_mapping",
]

#: Sections of a sweep file, in the order their axes vary (slowest first): runs that share a
#: market and an account come together, so the engine batches them.
SECTIONS: Final = (
    "sweep",
    "period",
    "portfolio",
    "backtest",
    "costs",
    "margin",
    "rebalance",
    "policy",
)
#: Measures for which a lower value ranks better with ``order = "auto"``.
LOWER_IS_BETTER: Final = frozenset(
    {
        "volatility_annual",
        "max_drawdown",
        "fees_usd",
        "slippage_usd",
        "roll_cost_usd",
        "margin_interest_usd",
        "n_trades",
        "n_rolls",
        "n_margin_calls",
        "largest_margin_call_usd",
    }
)
_SWEEP_KEYS: Final = ("metric", "order", "top", "heatmap", "batch_runs", "engine")
_PERIOD_KEYS: Final = ("start", "end", "years")
_BACKTEST_KEYS: Final = (
    "contract",
    "rounding",
    "futures_prices",
    "index_dividend_yield",
    "cash_usd",
    "warmup_sessions",
    "net_short_tolerance",
    "hold_contracts",
)
_POLICIES: Final = (
    "StaticHedge",
    "VixFormula",
    "VixTiers",
    "Seasonal",
    "Trend",
    "ProfitTarget",
    "StopOnRally",
    "VixSpikeExit",
    "FloorCppi",
    "RatioModelHedge",
)
_RULES: Final = ("Band", "ValueChange", "Calendar", "Always", "Never")
#: Longest period, whole years (``period.years``): longer than any bundled history.
MAX_YEARS: Final = 100
#: Most runs a grid may have (a guard against a typo multiplying axes).
MAX_RUNS: Final = 10_000_000


@dataclass(frozen=True, slots=True)
class Axis:
    """One varied key and its values (in the order given)."""

    key: str
    values: tuple[Any, ...]


def _depth(value: object) -> int:
    if isinstance(value, list | tuple):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


def _freeze(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    return value


def _policy_class(name: object, source: str) -> type[Any]:
    from hedgekit import policies

    return _lookup(name, source, "policy.type", _POLICIES, policies)


def _rule_class(name: object, source: str) -> type[Any]:
    from hedgekit import policies

    return _lookup(name, source, "rebalance.type", _RULES, policies)


def _lookup(
    name: object, source: str, key: str, allowed: tuple[str, ...], module: Any
) -> type[Any]:
    if isinstance(name, str):
        for candidate in allowed:
            if candidate.lower() == name.replace("_", "").replace("-", "").lower():
                cls: type[Any] = getattr(module, candidate)
                return cls
    raise InputError(
        "unknown type", source=source, column=key, value=name, expected=" | ".join(allowed)
    )


def _class_fields(cls: type[Any]) -> dict[str, Any]:
    """Init fields of a dataclass and their defaults (``MISSING`` when required)."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if not f.init:
            continue
        if f.default is not dataclasses.MISSING:
            out[f.name] = f.default
        elif f.default_factory is not dataclasses.MISSING:
            out[f.name] = f.default_factory()
        else:
            out[f.name] = dataclasses.MISSING
    return out


def _section_fields(section: str, table: Mapping[str, Any], source: str) -> dict[str, Any]:
    """Allowed keys of a section with their defaults (for tuple-depth detection)."""
    if section == "sweep":
        return dict.fromkeys(_SWEEP_KEYS)
    if section == "period":
        return dict.fromkeys(_PERIOD_KEYS)
    if section == "backtest":
        return dict.fromkeys(_BACKTEST_KEYS)
    from hedgekit.backtest import Costs, IndexPortfolio, MarginSpec

    if section == "portfolio":
        return _class_fields(IndexPortfolio)
    if section == "costs":
        return _class_fields(Costs)
    if section == "margin":
        return _class_fields(MarginSpec)
    if section == "policy":
        cls = _policy_class(table.get("type", "StaticHedge"), source)
        return {"type": None, **_class_fields(cls)}
    cls = _rule_class(table.get("type", "Band"), source)
    return {"type": None, **_class_fields(cls)}


@dataclass(frozen=True, slots=True)
class SweepSpec:
    """A validated grid of backtests.

    Attributes
    ----------
    fixed
        Settings common to every run, ``{"section.field": value}``.
    axes
        Varied keys, slowest first (see :data:`SECTIONS`).
    metric
        The measure runs are ranked by.
    order
        ``"high"`` (higher is better) or ``"low"``.
    top
        Rows in each of the best and worst tables.
    heatmap
        Two axis keys for a heatmap of ``metric``, or ``None``.
    batch_runs
        Runs simulated per engine call (bounds memory: the engine keeps each run's daily
        values while it measures them).
    engine
        Backtest engine (``"auto"``, ``"numba"``, ``"numpy"``, ``"interpreted"``, ``"python"``).
    source
        Where the grid came from (file path or ``"options"``).
    """

    fixed: dict[str, Any]
    axes: tuple[Axis, ...]
    metric: str = "cagr"
    order: str = "high"
    top: int = 10
    heatmap: tuple[str, str] | None = None
    batch_runs: int = 256
    engine: str = "auto"
    source: str = "options"

    @property
    def n_runs(self) -> int:
        """Number of runs: the product of the axes' lengths."""
        return math.prod(len(a.values) for a in self.axes)

    @property
    def parameter_keys(self) -> tuple[str, ...]:
        """Keys of the axes, slowest first (the grid's parameter columns)."""
        return tuple(a.key for a in self.axes)

    def points(self) -> Iterator[dict[str, Any]]:
        """Every run's axis values, in run order (the last axis varies fastest)."""
        keys = self.parameter_keys
        for combo in itertools.product(*(a.values for a in self.axes)):
            yield dict(zip(keys, combo, strict=True))

    def settings(self, point: Mapping[str, Any]) -> dict[str, Any]:
        """Fixed settings overlaid with one point's axis values."""
        out = dict(self.fixed)
        out.update(point)
        return out

    def backtest_spec(self, point: Mapping[str, Any]) -> BacktestSpec:
        """The :class:`~hedgekit.backtest.BacktestSpec` of one point of the grid."""
        return build_backtest_spec(self.settings(point), self.source)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe description of the grid."""

        def plain(v: Any) -> Any:
            if isinstance(v, tuple):
                return [plain(x) for x in v]
            if isinstance(v, dt.date):
                return v.isoformat()
            if isinstance(v, float) and not math.isfinite(v):
                return str(v)
            return v

        return {
            "source": self.source,
            "n_runs": self.n_runs,
            "metric": self.metric,
            "order": self.order,
            "top": self.top,
            "heatmap": list(self.heatmap) if self.heatmap else None,
            "batch_runs": self.batch_runs,
            "engine": self.engine,
            "fixed": {k: plain(v) for k, v in self.fixed.items()},
            "axes": [{"key": a.key, "values": [plain(v) for v in a.values]} for a in self.axes],
        }


def _date(value: object, source: str, key: str) -> dt.date:
    """A TOML date or ``YYYY-MM-DD`` text (shared strict parser); errors name the key."""
    try:
        return to_date(value, key)  # type: ignore[arg-type]
    except InputError:
        raise InputError(
            "not a date", source=source, column=key, value=value, expected="YYYY-MM-DD"
        ) from None


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _period(settings: Mapping[str, Any], source: str) -> tuple[dt.date, dt.date]:
    if "period.start" not in settings:
        raise InputError(
            "missing key", source=source, column="period.start", expected="a start date"
        )
    start = _date(settings["period.start"], source, "period.start")
    has_end = settings.get("period.end") is not None
    has_years = settings.get("period.years") is not None
    if has_end == has_years:
        raise InputError(
            "give exactly one of period.end and period.years",
            source=source,
            column="period.end",
            value=(settings.get("period.end"), settings.get("period.years")),
            expected="an end date or a whole number of years",
        )
    if has_end:
        end = _date(settings["period.end"], source, "period.end")
    else:
        years = settings["period.years"]
        if isinstance(years, bool) or not isinstance(years, int) or not 1 <= years <= MAX_YEARS:
            raise InputError(
                "invalid number of years", source=source, column="period.years", value=years,
                expected=f"a whole number from 1 to {MAX_YEARS}",
            )  # fmt: skip
        end = _add_years(start, years)
    if end <= start:
        raise InputError(
            "the period ends before it starts",
            source=source,
            column="period.end",
            value=end.isoformat(),
            expected=f"after {start.isoformat()}",
        )
    return start, end


def _section(settings: Mapping[str, Any], section: str) -> dict[str, Any]:
    prefix = section + "."
    return {k[len(prefix) :]: v for k, v in settings.items() if k.startswith(prefix)}


def _construct(cls: type[Any], kwargs: dict[str, Any], source: str, section: str) -> Any:
    try:
        return cls(**kwargs)
    except InputError as exc:
        field = exc.source if exc.source in kwargs else None
        key = f"{section}.{field}" if field else section
        raise InputError(
            f"invalid value: {exc.message}",
            source=source,
            column=key,
            value=kwargs.get(field) if field else exc.value,
            expected=exc.expected,
        ) from None
    except (TypeError, ValueError) as exc:
        raise InputError(
            f"invalid value: {exc}", source=source, column=section, value=kwargs
        ) from None


def build_backtest_spec(settings: Mapping[str, Any], source: str) -> BacktestSpec:
    """Build a :class:`~hedgekit.backtest.BacktestSpec` from ``{"section.field": value}``."""
    from hedgekit.backtest import BacktestSpec, Costs, IndexPortfolio, MarginSpec

    start, end = _period(settings, source)
    portfolio_kw = _section(settings, "portfolio")
    if "value_usd" not in portfolio_kw:
        raise InputError(
            "missing key", source=source, column="portfolio.value_usd", expected="a value in USD"
        )
    portfolio = _construct(IndexPortfolio, portfolio_kw, source, "portfolio")
    policy_kw = _section(settings, "policy")
    policy_cls = _policy_class(policy_kw.pop("type", "StaticHedge"), source)
    policy = _construct(policy_cls, policy_kw, source, "policy")
    rule_kw = _section(settings, "rebalance")
    rule_cls = _rule_class(rule_kw.pop("type", "Band"), source)
    rule = _construct(rule_cls, rule_kw, source, "rebalance")
    costs = _construct(Costs, _section(settings, "costs"), source, "costs")
    margin = _construct(MarginSpec, _section(settings, "margin"), source, "margin")
    extra = _section(settings, "backtest")
    kwargs: dict[str, Any] = {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "portfolio": portfolio,
        "policy": policy,
        "rebalance": rule,
        "costs": costs,
        "margin": margin,
        **extra,
    }
    return _construct(BacktestSpec, kwargs, source, "backtest")  # type: ignore[no-any-return]


def _is_axis(value: object, default: object) -> bool:
    if not isinstance(value, list):
        return False
    if isinstance(default, tuple):
        return _depth(value) > _depth(default)
    return True


def _check_sweep_options(
    fixed: dict[str, Any], source: str
) -> tuple[str, str, int, tuple[str, str] | None, int, str]:
    metric = fixed.pop("sweep.metric", "cagr")
    from hedgekit.metrics import Metrics

    known = tuple(Metrics.__dataclass_fields__)
    if metric not in known:
        raise InputError(
            "unknown metric", source=source, column="sweep.metric", value=metric,
            expected=" | ".join(known),
        )  # fmt: skip
    order = fixed.pop("sweep.order", "auto")
    if order not in ("auto", "high", "low"):
        raise InputError(
            "unknown order", source=source, column="sweep.order", value=order,
            expected="auto | high | low",
        )  # fmt: skip
    if order == "auto":
        order = "low" if metric in LOWER_IS_BETTER else "high"
    top = fixed.pop("sweep.top", 10)
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise InputError(
            "invalid value", source=source, column="sweep.top", value=top, expected="an int >= 1"
        )
    batch = fixed.pop("sweep.batch_runs", 256)
    if isinstance(batch, bool) or not isinstance(batch, int) or batch < 1:
        raise InputError(
            "invalid value", source=source, column="sweep.batch_runs", value=batch,
            expected="an int >= 1",
        )  # fmt: skip
    engine = fixed.pop("sweep.engine", "auto")
    if engine not in ("auto", "numba", "numpy", "interpreted", "python"):
        raise InputError(
            "unknown engine", source=source, column="sweep.engine", value=engine,
            expected="auto | numba | numpy | interpreted | python",
        )  # fmt: skip
    heat = fixed.pop("sweep.heatmap", None)
    heatmap: tuple[str, str] | None = None
    if heat is not None:
        if not (
            isinstance(heat, tuple) and len(heat) == 2 and all(isinstance(h, str) for h in heat)
        ):
            raise InputError(
                "heatmap needs two keys", source=source, column="sweep.heatmap", value=heat,
                expected='e.g. ["policy.h", "rebalance.contracts_fraction"]',
            )  # fmt: skip
        heatmap = (heat[0], heat[1])
    return metric, order, top, heatmap, batch, engine


def sweep_from_mapping(
    data: Mapping[str, Any],
    *,
    source: str = "options",
    overrides: Sequence[tuple[str, list[Any]]] = (),
    check: Callable[[SweepSpec], None] | None = None,
) -> SweepSpec:
    """Validate a parsed sweep file (``{section: {field: value}}``) plus ``KEY=values`` overrides.

    Parameters
    ----------
    data
        Sections as in the module notes (e.g. ``tomllib.load`` output).
    source
        Named in errors.
    overrides
        ``(key, values)`` pairs (from :func:`parse_grid_option`); one value fixes the key,
        several make it an axis. They replace the file's value of the same key.
    check
        Called with the grid once its axes are counted, before each axis value is
        validated (the command line's memory and time estimate: it can refuse a grid
        before any of its runs is built).

    Returns
    -------
    SweepSpec

    Raises
    ------
    InputError
        Unknown section or key, a value of the wrong kind, or a value its class rejects; the
        error names the key (``column``) and the value.
    """
    if not isinstance(data, Mapping):
        raise InputError("a sweep file is a table of sections", source=source, value=type(data))
    merged: dict[str, dict[str, Any]] = {}
    for section, table in data.items():
        if section not in SECTIONS:
            raise InputError(
                "unknown section", source=source, column=str(section), value=section,
                expected=" | ".join(SECTIONS),
            )  # fmt: skip
        if not isinstance(table, Mapping):
            raise InputError(
                "a section is a table of keys", source=source, column=section, value=table
            )
        merged[section] = dict(table)
    for key, values in overrides:
        section, _, field = key.partition(".")
        if section not in SECTIONS or not field:
            raise InputError(
                "unknown key", source=source, column=key, value=key,
                expected="section.field with section in " + " | ".join(SECTIONS),
            )  # fmt: skip
        merged.setdefault(section, {})[field] = values[0] if len(values) == 1 else list(values)

    fixed: dict[str, Any] = {}
    axes: list[Axis] = []
    for section in SECTIONS:
        table = merged.get(section, {})
        if section in ("policy", "rebalance") and isinstance(table.get("type"), list):
            raise InputError(
                "the type cannot be an axis (run one sweep per type)",
                source=source,
                column=f"{section}.type",
                value=table["type"],
                expected="one type name",
            )
        allowed = _section_fields(section, table, source)
        for field, value in table.items():
            key = f"{section}.{field}"
            if field not in allowed:
                raise InputError(
                    "unknown key", source=source, column=key, value=value,
                    expected="one of " + ", ".join(f"{section}.{f}" for f in allowed),
                )  # fmt: skip
            if section == "sweep" and field != "heatmap" and isinstance(value, list):
                raise InputError("cannot be an axis", source=source, column=key, value=value)
            if section != "sweep" and _is_axis(value, allowed[field]):
                if not value:
                    raise InputError(
                        "an axis needs at least one value", source=source, column=key, value=value
                    )
                vals = tuple(_freeze(v) for v in value)
                if len(set(map(repr, vals))) != len(vals):
                    raise InputError(
                        "repeated value on an axis", source=source, column=key, value=value
                    )
                axes.append(Axis(key, vals))
            else:
                fixed[key] = _freeze(value)
    metric, order, top, heatmap, batch, engine = _check_sweep_options(fixed, source)
    spec = SweepSpec(
        fixed=fixed,
        axes=tuple(axes),
        metric=metric,
        order=order,
        top=top,
        heatmap=heatmap,
        batch_runs=batch,
        engine=engine,
        source=source,
    )
    if spec.n_runs > MAX_RUNS:
        raise InputError(
            "grid too large", source=source, value=spec.n_runs, expected=f"<= {MAX_RUNS:,} runs"
        )
    if heatmap is not None:
        for key in heatmap:
            if key not in spec.parameter_keys:
                raise InputError(
                    "a heatmap key must be an axis of the grid",
                    source=source,
                    column="sweep.heatmap",
                    value=key,
                    expected=" | ".join(spec.parameter_keys) or "an axis (none given)",
                )
    if check is not None:
        check(spec)
    _preflight(spec)
    return spec


def _preflight(spec: SweepSpec) -> None:
    """Build the first run, then each axis value on top of it, so bad values fail early."""
    first = {a.key: a.values[0] for a in spec.axes}
    spec.backtest_spec(first)
    for axis in spec.axes:
        for value in axis.values[1:]:
            spec.backtest_spec({**first, axis.key: value})


def load_sweep_toml(
    path: str | Path,
    overrides: Sequence[tuple[str, list[Any]]] = (),
    check: Callable[[SweepSpec], None] | None = None,
) -> SweepSpec:
    """Read and validate a sweep TOML file (see the module notes and ``examples/sweep.toml``).

    ``overrides`` and ``check`` as in :func:`sweep_from_mapping`.
    """
    from hedgekit.data._read import read_text

    p = Path(path)
    text = read_text(p, "a UTF-8 TOML sweep file (see examples/sweep.toml)", "TOML")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not valid TOML: {exc}", source=str(p)) from None
    return sweep_from_mapping(data, source=str(p), overrides=overrides, check=check)


def _scalar(text: str) -> Any:
    t = text.strip()
    low = t.lower()
    if low in ("true", "false"):
        return low == "true"
    if low in ("none", "null"):
        return None
    if low in ("inf", "+inf"):
        return math.inf
    try:
        return int(t)
    except ValueError:
        pass
    try:
        return float(t)
    except ValueError:
        return t


def _grid_range(text: str, lo: float, hi: float, step: float) -> list[Any]:
    """``LO, LO+STEP, ... <= HI``, counted (``floor((HI-LO)/STEP) + 1``) before it is built.

    Whole-number bounds and step give whole numbers (``period.years=1:3:1`` is 1, 2, 3);
    otherwise floats rounded to 12 decimals. A range longer than :data:`MAX_RUNS` is refused
    from its count, so ``0:1:1e-9`` never builds a billion values.
    """
    if not all(math.isfinite(x) for x in (lo, hi, step)) or step <= 0 or hi < lo:
        raise InputError(
            "bad range", source="--grid", value=text,
            expected="LO:HI:STEP with finite numbers, LO <= HI and STEP > 0",
        )  # fmt: skip
    if all(isinstance(x, int) for x in (lo, hi, step)):
        count = (int(hi) - int(lo)) // int(step) + 1
    else:
        count = math.floor((hi - lo) / step + 1e-9) + 1
    if count > MAX_RUNS:
        raise InputError(
            f"the range has {count:,} values, more than a grid may run",
            source="--grid", value=text, expected=f"at most {MAX_RUNS:,} values (a larger STEP)",
        )  # fmt: skip
    if all(isinstance(x, int) for x in (lo, hi, step)):
        return [int(lo) + i * int(step) for i in range(count)]
    return [round(lo + i * step, 12) for i in range(count)]


def parse_grid_option(text: str) -> tuple[str, list[Any]]:
    """Parse ``--grid KEY=V1,V2,...`` (or ``KEY=LO:HI:STEP``) into ``(key, values)``.

    Values are numbers, ``true``/``false``, ``none`` or text (dates stay text and are parsed
    by the key's owner). ``LO:HI:STEP`` expands to ``LO, LO+STEP, ... <= HI`` (rounded to 12
    decimals).
    """
    key, sep, rest = text.partition("=")
    key = key.strip()
    if not sep or not key or not rest.strip():
        raise InputError(
            "not KEY=VALUES", source="--grid", value=text, expected="e.g. policy.h=0,0.5,1"
        )
    parts = rest.split(":")
    numbers = [_scalar(p) for p in parts]
    if len(parts) == 3 and all(
        isinstance(x, int | float) and not isinstance(x, bool) for x in numbers
    ):
        return key, _grid_range(text, *numbers)
    return key, [_scalar(v) for v in rest.split(",") if v.strip() != ""]
