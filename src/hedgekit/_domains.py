"""The domain of every number a person gives hedgekit: one table, one check.

Each command-line option that takes a number (and each library field behind it) has one
declared :class:`Domain`: its kind (a rate, a volatility, dollars, a count...), its bounds
and its unit. Every command that has the option refuses the same values, and so does the
library entry point the option feeds (:class:`~hedgekit.plan.PlanRequest`,
:class:`~hedgekit.backtest.IndexPortfolio`, the stress and sweep specs): a value is refused
once, in the same words, wherever it comes from.

Bounds are sanity bounds, not market views: they let through every value a real portfolio
or market has had, and refuse what can only be a typing slip (a rate typed in percent,
``4.5`` for 4.5 %) or a number no computation can carry (``1e308`` dollars, an index level
of ``1e-300``). Rates, yields and shares of a whole are fractions (0.045 = 4.5 %); a value
above 1 is refused with the fraction it most likely meant ("did you mean 0.045?").

``docs/options.md`` is generated from :data:`DOMAINS` (``python -m hedgekit._domains``), and
a test keeps the two equal.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Literal

from hedgekit.errors import InputError
from hedgekit.sizing._sizing import MAX_NET_SHORT_TOLERANCE

Kind = Literal[
    "rate", "yield", "fraction", "vol", "beta", "usd", "level", "count", "multiple", "ticks",
    "bps", "pct", "slope", "points", "date",
]  # fmt: skip

#: What each kind means, for ``docs/options.md``.
KIND_WORDS: Final[Mapping[str, str]] = {
    "rate": "annual interest rate, continuously compounded, as a fraction (0.045 = 4.5%)",
    "yield": "annual dividend yield, continuously compounded, as a fraction (0.013 = 1.3%)",
    "fraction": "a share of a whole, as a fraction (0.5 = 50%)",
    "vol": "annualised volatility, as a fraction (0.18 = 18%)",
    "beta": "a beta against the contract's index",
    "usd": "US dollars",
    "level": "index points",
    "count": "a count",
    "multiple": "a multiple of the initial margin",
    "ticks": "contract ticks",
    "bps": "basis points (5 = 0.05%)",
    "pct": "percent (10 = 10%)",
    "slope": "vol points per 10% of spot below the money",
    "points": "index points",
    "date": "a date, YYYY-MM-DD",
}


@dataclass(frozen=True, slots=True)
class Domain:
    """The values one option accepts.

    Attributes
    ----------
    kind
        What the number is (:data:`KIND_WORDS`).
    lo, hi
        Bounds; ``lo_open``/``hi_open`` exclude them.
    integer
        Whole numbers only.
    percent_hint
        A value above 1 (and at most 100) is most likely a percentage typed as a number:
        the error suggests ``value / 100``.
    listed
        The option takes a comma-separated list; the domain is each item's.
    """

    kind: Kind
    lo: float
    hi: float
    lo_open: bool = False
    hi_open: bool = False
    integer: bool = False
    percent_hint: bool = False
    listed: bool = False

    def contains(self, value: float) -> bool:
        """Whether ``value`` is a finite number inside the bounds (and whole, if required)."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        if isinstance(value, float) and not math.isfinite(value):
            return False
        if self.integer and isinstance(value, float) and value != math.floor(value):
            return False
        # compared as given: a whole number stays exact (no rounding to a float)
        above = value > self.lo if self.lo_open else value >= self.lo
        below = value < self.hi if self.hi_open else value <= self.hi
        return above and below

    def describe(self) -> str:
        """The bounds in words: ``a fraction from -0.05 to 0.3``, ``0 < v <= 3``."""
        if self.kind == "date":
            return f"a date from {_day(self.lo)} to {_day(self.hi)} (YYYY-MM-DD)"
        whole = "a whole number" if self.integer else "a number"
        lo, hi = _num(self.lo), _num(self.hi)
        if self.lo_open or self.hi_open:
            left = f"{lo} <" if self.lo_open else f"{lo} <="
            right = "<" if self.hi_open else "<="
            text = f"{whole}, {left} x {right} {hi}"
        else:
            text = f"{whole} from {lo} to {hi}"
        return text + (" (each)" if self.listed else "")


def _num(x: float) -> str:
    if x == int(x) and abs(x) <= 1e7:
        return f"{int(x):,}"
    return f"{x:g}"


def _day(ordinal: float) -> str:
    return dt.date.fromordinal(int(ordinal)).isoformat()


def _dates(first: dt.date, last: dt.date) -> Domain:
    return Domain("date", float(first.toordinal()), float(last.toordinal()))


#: The first and last dates any command accepts (the S&P 500 history starts 1950-01-03;
#: NYSE sessions are computed to the end of 2100).
FIRST_DATE: Final = dt.date(1950, 1, 3)
LAST_DATE: Final = dt.date(2100, 12, 31)

_RATE: Final = Domain("rate", -0.05, 0.30, percent_hint=True)
_YIELD: Final = Domain("yield", 0.0, 0.20, percent_hint=True)
_SHARE: Final = Domain("fraction", 0.0, 1.0, percent_hint=True)
_BETA: Final = Domain("beta", -5.0, 5.0)
_MONEY: Final = Domain("usd", 1.0, 1e12)
_PRICE: Final = Domain("level", 1.0, 1e7, hi_open=True)
_MARGIN: Final = Domain("usd", 0.0, 1e7, lo_open=True)
_FEE: Final = Domain("usd", 0.0, 1000.0)
_BUFFER: Final = Domain("multiple", 1.0, 100.0)
_DAYS: Final = Domain("count", 1, 3660, integer=True)
_WINDOW: Final = Domain("count", 20, 10_000, integer=True)
_DATE: Final = _dates(FIRST_DATE, LAST_DATE)

#: Most Monte Carlo paths one stress may ask for. Counts of paths and runs are bounded only
#: to catch a typo (a dozen digits); what the machine can hold and how long it would take is
#: the pre-flight's job (:mod:`hedgekit.cli._preflight`), which states its estimate.
MAX_PATHS: Final = 10**12

#: The domain of every command-line option that takes a number or a date, by flag.
DOMAINS: Final[Mapping[str, Domain]] = {
    # rates and yields: fractions, with the percent hint
    "--rate": _RATE,
    "--margin-rate": _RATE,
    "--dividend-yield": _YIELD,
    "--index-dividend-yield": _YIELD,
    "--tax-rate": _SHARE,
    "--net-short-tolerance": Domain("fraction", 0.0, MAX_NET_SHORT_TOLERANCE, percent_hint=True),
    # shares of a whole
    "--hedge": _SHARE,
    "--sell-fraction": _SHARE,
    "--option-fraction": Domain("fraction", 0.0, 1.0, lo_open=True, percent_hint=True),
    "--band": _SHARE,
    "--target-call-prob": Domain("fraction", 0.0, 1.0, lo_open=True, hi_open=True, listed=True),
    # volatility and skew
    "--vol": Domain("vol", 0.0, 3.0, lo_open=True, percent_hint=True),
    "--skew": Domain("slope", -1.0, 1.0, percent_hint=True),
    # betas
    "--beta": _BETA,
    "--target-beta": _BETA,
    # money
    "--value-usd": _MONEY,
    "--net-worth": _MONEY,
    "--cash-buffer": Domain("usd", 0.0, 1e12),
    "--cost-basis-usd": Domain("usd", 0.0, 1e12),
    "--commission": _FEE,
    "--option-fee": _FEE,
    "--initial-margin": _MARGIN,
    "--maintenance-margin": _MARGIN,
    "--option-multiplier": Domain("usd", 0.0, 1e4, lo_open=True),
    "--call-above": Domain("usd", 0.0, 1e12, lo_open=True, listed=True),
    # prices and levels
    "--index-level": _PRICE,
    "--futures-price": _PRICE,
    "--quoted-spread": Domain("points", -1e4, 1e4, listed=True),
    # margin account multiples
    "--buffer": _BUFFER,
    "--margin-buffer": _BUFFER,
    "--sweep-multiple": _BUFFER,
    "--buffers": Domain("multiple", 1.0, 100.0, listed=True),
    # trading costs
    "--slippage-ticks": Domain("ticks", 0.0, 100.0),
    "--stock-cost-bps": Domain("bps", 0.0, 1000.0),
    # percentages
    "--fall": Domain("pct", 0.0, 100.0, lo_open=True, hi_open=True),
    "--upside": Domain("pct", 0.0, 1000.0, lo_open=True),
    "--moves": Domain("pct", -99.0, 500.0, listed=True),
    "--hedge-ratios": Domain("pct", 0.0, 150.0, lo_open=True, listed=True),
    # counts
    "--paths": Domain("count", 1, MAX_PATHS, integer=True),
    "--horizon-days": _DAYS,
    "--days": _DAYS,
    "--window": _WINDOW,
    "--beta-window": _WINDOW,
    "--block-length": Domain("count", 1.0, 2520.0),
    "--seed": Domain("count", 0, 2**63 - 1, integer=True),
    "--workers": Domain("count", 1, 256, integer=True),
    "--batch-runs": Domain("count", 1, 10**9, integer=True),
    "--chunk-runs": Domain("count", 1, 10**9, integer=True),
    "--top": Domain("count", 1, 10_000, integer=True),
    "--port": Domain("count", 1, 65_535, integer=True),
    # dates
    "--as-of": _DATE,
    "--from": _DATE,
    "--to": _DATE,
    "--sample-start": _DATE,
    "--sample-end": _DATE,
    "--history-start": _DATE,
    # time-varying hedge ratios (hedge-ratio)
    "--decay": Domain("fraction", 0.0, 1.0, lo_open=True, hi_open=True),
    "--train": Domain("count", 260, 10_000, integer=True),
    "--fit-window": Domain("count", 250, 10_000, integer=True),
}

#: Contract file (TOML) fields, checked by :class:`~hedgekit.contracts.ContractSpec`.
CONTRACT_FIELDS: Final[Mapping[str, Domain]] = {
    "multiplier_usd": Domain("usd", 0.0, 1e6, lo_open=True),
    "initial_usd": _MARGIN,
    "maintenance_usd": _MARGIN,
}


def domain_of(flag: str) -> Domain:
    """The declared domain of ``flag`` (``KeyError`` for an option without one)."""
    return DOMAINS[flag]


def _hint(domain: Domain, value: float) -> str:
    if not domain.percent_hint or not math.isfinite(value) or not 1.0 < abs(value) <= 100.0:
        return ""
    guess = value / 100.0
    if not domain.contains(guess):
        return ""
    return f"; did you mean {guess:g}? ({value:g}% is written {guess:g})"


def check(flag: str, value: float, *, source: str | None = None) -> float:
    """Return ``value`` if it is in ``flag``'s domain, else raise :class:`InputError`.

    Parameters
    ----------
    flag
        The option whose domain applies (a key of :data:`DOMAINS`).
    value
        The number given.
    source
        Where the error says the value came from; default ``flag``. Library objects pass
        their field name (``rate_annual``): the command line shows the flag for it.

    Raises
    ------
    InputError
        Naming the source, the value and the domain, with "did you mean 0.045?" for a
        percentage given where a fraction belongs.
    """
    domain = DOMAINS[flag]
    return check_domain(domain, value, source=flag if source is None else source)


def check_domain(domain: Domain, value: float, *, source: str) -> float:
    """:func:`check` against an explicit ``domain`` (contract-file fields, for instance)."""
    if domain.contains(value):
        return value
    number = isinstance(value, int | float) and not isinstance(value, bool)
    x = (
        (float(value) if abs(value) < 1e300 else math.copysign(math.inf, value))
        if number
        else math.nan
    )
    if isinstance(value, float) and not math.isfinite(value):
        what = "not a finite number"
    elif domain.integer and number and x != math.floor(x):
        what = "not a whole number"
    else:
        what = "out of range"
    raise InputError(
        what + (_hint(domain, x) if number else ""),
        source=source,
        value=value,
        expected=f"{domain.describe()}: {KIND_WORDS[domain.kind]}",
    )


def check_optional(flag: str, value: float | None, *, source: str | None = None) -> None:
    """:func:`check` for a value that may be absent (``None`` passes)."""
    if value is not None:
        check(flag, value, source=source)


def check_date(flag: str, value: dt.date, *, source: str | None = None) -> dt.date:
    """Return ``value`` if it is inside ``flag``'s date range, else raise :class:`InputError`."""
    domain = DOMAINS[flag]
    if not domain.lo <= value.toordinal() <= domain.hi:
        raise InputError(
            "date outside the supported range",
            source=flag if source is None else source,
            value=value.isoformat(),
            expected=domain.describe(),
        )
    return value


__all__ = [
    "CONTRACT_FIELDS",
    "DOMAINS",
    "FIRST_DATE",
    "KIND_WORDS",
    "LAST_DATE",
    "MAX_NET_SHORT_TOLERANCE",
    "MAX_PATHS",
    "Domain",
    "check",
    "check_date",
    "check_domain",
    "check_optional",
    "domain_of",
]
