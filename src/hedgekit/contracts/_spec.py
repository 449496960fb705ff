"""Contract specification and dated margin rate: frozen, validated on construction."""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
import numbers
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, Literal

import numpy as np

from hedgekit._dates import to_date
from hedgekit._domains import CONTRACT_FIELDS, KIND_WORDS
from hedgekit._typing import DateLike
from hedgekit.errors import InputError

__all__ = ["ContractSpec", "MarginRate", "as_date"]

#: Futures month codes in calendar order (January ... December), as used by CME Group.
MONTH_CODES = "FGHJKMNQUVXZ"
#: A contract root: 1 to 5 characters, uppercase letters and digits, starting with a letter.
ROOT_PATTERN = re.compile(r"[A-Z][A-Z0-9]{0,4}")
#: An index key ("SPX", "NDX", "N225", "SX5E"): uppercase letters, digits, ``.``, ``_``, ``-``.
INDEX_PATTERN = re.compile(r"[A-Z0-9][A-Z0-9._-]{0,15}")
#: An exchange code ("CME", "CBOT"): uppercase letters and digits.
EXCHANGE_PATTERN = re.compile(r"[A-Z][A-Z0-9]{0,15}")
#: Currencies whose amounts hedgekit can compute with. See the package docstring.
SUPPORTED_CURRENCIES = ("USD",)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

_ROOT_EXPECTED = "1 to 5 uppercase letters or digits, starting with a letter (e.g. 'ES', 'M2K')"


def as_date(value: DateLike, parameter: str) -> dt.date:
    """Parse a date strictly (see :func:`hedgekit._dates.to_date`), naming ``parameter``."""
    return to_date(value, parameter)


def _is_real(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_)


def _positive_float(value: object, *, source: str, field: str) -> float:
    if not _is_real(value):
        raise InputError(
            "must be a number", source=source, column=field, value=value, expected="a number > 0"
        )
    number = float(value)  # type: ignore[arg-type]  # numbers.Real converts to float
    if not math.isfinite(number) or number <= 0.0:
        raise InputError(
            "must be finite and positive",
            source=source,
            column=field,
            value=number,
            expected="a finite number > 0",
        )
    domain = CONTRACT_FIELDS.get(field)
    if domain is not None and not domain.contains(number):
        # the same bounds as the command-line options (hedgekit._domains)
        raise InputError(
            "out of range",
            source=source,
            column=field,
            value=number,
            expected=f"{domain.describe()}: {KIND_WORDS[domain.kind]}",
        )
    return number


def _text(value: object, *, source: str, field: str, expected: str = "non-empty text") -> str:
    if not isinstance(value, str) or not value.strip() or not value.isprintable():
        raise InputError(
            "must be non-empty printable text (no line breaks or control characters)",
            source=source,
            column=field,
            value=value,
            expected=expected,
        )
    return value


def _pattern(
    value: object, pattern: re.Pattern[str], *, source: str, field: str, expected: str
) -> str:
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise InputError(
            "invalid code", source=source, column=field, value=value, expected=expected
        )
    return value


@dataclass(frozen=True, slots=True)
class MarginRate:
    """Per-contract initial and maintenance margin, in force from ``effective`` on.

    Margin (CME: "performance bond") is collateral, not a cost: the initial margin is posted to
    open a position; when the account falls below the maintenance margin the holder must top it
    back up to the initial level (Hull, *Options, Futures, and Other Derivatives*, 11th ed.,
    §2.4 "The operation of margin accounts"). CME Clearing sets the maintenance level; the
    initial level for speculative accounts is typically 110% of it (CME Group, "Margin: Know
    What's Needed"). Brokers may ask for more.

    Parameters
    ----------
    effective
        First day this figure applies (a ``datetime.date``, not a datetime).
    initial_usd
        Initial margin per contract, USD, > 0.
    maintenance_usd
        Maintenance margin per contract, USD, > 0 and ≤ ``initial_usd``.
    source
        Where the figure came from (document and date), e.g. a broker's margin page.

    Raises
    ------
    InputError
        When a field has the wrong type or an impossible value.
    """

    effective: dt.date
    initial_usd: float
    maintenance_usd: float
    source: str

    def __post_init__(self) -> None:
        where = "MarginRate"
        if isinstance(self.effective, dt.datetime) or not isinstance(self.effective, dt.date):
            raise InputError(
                "must be a date",
                source=where,
                column="effective",
                value=self.effective,
                expected="a datetime.date (no time of day)",
            )
        initial = _positive_float(self.initial_usd, source=where, field="initial_usd")
        maintenance = _positive_float(self.maintenance_usd, source=where, field="maintenance_usd")
        if maintenance > initial:
            raise InputError(
                f"maintenance margin exceeds initial margin ({initial!r})",
                source=where,
                column="maintenance_usd",
                value=maintenance,
                expected="maintenance_usd ≤ initial_usd",
            )
        _text(self.source, source=where, field="source", expected="the document and date")
        object.__setattr__(self, "initial_usd", initial)
        object.__setattr__(self, "maintenance_usd", maintenance)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dict (ISO date, plain floats)."""
        return {
            "effective": self.effective.isoformat(),
            "initial_usd": self.initial_usd,
            "maintenance_usd": self.maintenance_usd,
            "source": self.source,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MarginRate:
        """Build from a mapping with exactly the keys of :meth:`to_dict`.

        ``effective`` may be a ``datetime.date`` or ``'YYYY-MM-DD'`` text.

        Raises
        ------
        InputError
            For unknown or missing keys and for invalid values.
        """
        _check_keys(data, required=_MARGIN_FIELDS, optional=(), source="MarginRate")
        effective = data["effective"]
        if isinstance(effective, str):
            try:
                effective = as_date(effective, parameter="effective")
            except InputError as err:
                raise InputError(
                    err.message,
                    source="MarginRate",
                    column="effective",
                    value=effective,
                    expected=err.expected,
                ) from None
        return cls(
            effective=effective,
            initial_usd=data["initial_usd"],
            maintenance_usd=data["maintenance_usd"],
            source=data["source"],
        )


@dataclass(frozen=True, slots=True)
class ContractSpec:
    """Specification of one cash-settled stock index futures contract.

    One contract is worth ``multiplier_usd`` dollars per index point; prices move in steps of
    ``tick_size_points`` (CME Group contract specifications; e.g. CME Rulebook Chapter 358:
    E-mini S&P 500 futures are valued at $50 times the index).

    Parameters
    ----------
    root
        Contract root ("ES"): 1-5 uppercase letters/digits starting with a letter.
    name
        Human-readable name ("E-mini S&P 500").
    index
        Key of the underlying index ("SPX", "NDX", "RUT", "DJI"; user contracts may use others).
    multiplier_usd
        USD per index point, > 0.
    tick_size_points
        Minimum price fluctuation of an outright, in index points, > 0.
    months
        Listed contract months as futures month codes in calendar order ("HMUZ").
    exchange
        Listing exchange ("CME", "CBOT").
    margins
        Dated margin rates, strictly ascending by ``effective``; may be empty.
    full_size_root
        For a micro contract: the root of the E-mini on the same index ("MES" -> "ES").
    currency
        Currency of every ``*_usd`` amount. Only "USD" is supported: see the package docstring.
    sources
        Citations for the specification.
    listed
        First trading day of the contract (CME Group launch notices: ES 1997-09-09, NQ
        1999-06-21, YM 2002-04-04 on CBOT, RTY on CME 2017-07-10, the Micro E-minis
        2019-05-06); ``None`` when unknown. No hedge offers a contract before it.

    Raises
    ------
    InputError
        When a field has the wrong type or an impossible value.
    """

    root: str
    name: str
    index: str
    multiplier_usd: float
    tick_size_points: float
    months: str = "HMUZ"
    exchange: str = "CME"
    margins: tuple[MarginRate, ...] = ()
    full_size_root: str | None = None
    currency: str = "USD"
    sources: tuple[str, ...] = ()
    listed: dt.date | None = None

    def __post_init__(self) -> None:
        root = _pattern(
            self.root, ROOT_PATTERN, source="ContractSpec", field="root", expected=_ROOT_EXPECTED
        )
        where = f"ContractSpec(root={root!r})"
        _text(self.name, source=where, field="name")
        _pattern(
            self.index,
            INDEX_PATTERN,
            source=where,
            field="index",
            expected="an index key of uppercase letters/digits (e.g. 'SPX', 'NDX', 'N225')",
        )
        multiplier = _positive_float(self.multiplier_usd, source=where, field="multiplier_usd")
        tick = _positive_float(self.tick_size_points, source=where, field="tick_size_points")
        _check_months(self.months, source=where)
        _pattern(
            self.exchange,
            EXCHANGE_PATTERN,
            source=where,
            field="exchange",
            expected="an exchange code of uppercase letters/digits (e.g. 'CME', 'CBOT')",
        )
        margins = _check_margins(self.margins, source=where)
        if self.full_size_root is not None:
            _pattern(
                self.full_size_root,
                ROOT_PATTERN,
                source=where,
                field="full_size_root",
                expected=_ROOT_EXPECTED,
            )
            if self.full_size_root == root:
                raise InputError(
                    "a contract cannot be its own full-size contract",
                    source=where,
                    column="full_size_root",
                    value=self.full_size_root,
                    expected="the root of another contract, or no value",
                )
        if self.currency not in SUPPORTED_CURRENCIES:
            raise InputError(
                "only USD-denominated contracts are supported: hedgekit computes money in USD "
                "and does not convert currencies",
                source=where,
                column="currency",
                value=self.currency,
                expected="'USD' (use a USD-denominated listing, e.g. CME NKD for the Nikkei 225)",
            )
        sources = self.sources
        if not isinstance(sources, tuple | list):
            raise InputError(
                "must be a sequence of citations",
                source=where,
                column="sources",
                value=sources,
                expected="a tuple of non-empty strings",
            )
        for i, citation in enumerate(sources):
            _text(citation, source=where, field=f"sources[{i}]", expected="a citation")
        if self.listed is not None:
            try:
                listed = as_date(self.listed, parameter="listed")
            except InputError as err:
                raise InputError(
                    err.message, source=where, column="listed", value=self.listed,
                    expected="the date trading began, YYYY-MM-DD",
                ) from None  # fmt: skip
            object.__setattr__(self, "listed", listed)
        object.__setattr__(self, "multiplier_usd", multiplier)
        object.__setattr__(self, "tick_size_points", tick)
        object.__setattr__(self, "margins", margins)
        object.__setattr__(self, "sources", tuple(sources))

    @property
    def tick_value_usd(self) -> float:
        r"""USD value of one tick: :math:`\text{multiplier} \times \text{tick size}`.

        E.g. ES: $50 × 0.25 = $12.50 (CME Group, E-mini S&P 500 contract specifications).
        """
        return self.multiplier_usd * self.tick_size_points

    @property
    def is_micro(self) -> bool:
        """Whether this contract is the micro of a full-size one (``full_size_root`` is set)."""
        return self.full_size_root is not None

    def notional_usd(self, price: float) -> float:
        r"""Notional value of one contract at ``price``: :math:`V_F = m \times F`.

        With :math:`m` the multiplier (USD per point) and :math:`F` the futures price in index
        points (Hull, *Options, Futures, and Other Derivatives*, 11th ed., §3.5: the value of
        one stock index futures contract is the futures price times the contract multiplier).

        Parameters
        ----------
        price
            Futures price (or index level) in index points, finite and > 0.

        Returns
        -------
        float
            USD notional of one contract.

        Raises
        ------
        InputError
            When ``price`` is not a finite positive number.
        """
        value = _positive_float(price, source=f"{self.root}.notional_usd", field="price")
        return self.multiplier_usd * value

    def margin_on(
        self,
        date: DateLike,
        *,
        before_first: Literal["raise", "earliest", "scaled"] = "raise",
        scale: float | None = None,
    ) -> MarginRate:
        """Margin rate in force on ``date``: the latest rate with ``effective <= date``.

        Parameters
        ----------
        date
            The day asked about.
        before_first
            What to do when ``date`` precedes the first dated rate. ``"raise"`` (default):
            raise :class:`~hedgekit.errors.InputError`, since no figure is known then.
            ``"earliest"``: return the first rate anyway; the caller then knowingly applies a
            later figure to an earlier day. ``"scaled"``: the first rate times ``scale``, the
            ratio of the contract's notional on ``date`` to its notional on the first rate's
            date (exchanges set margins as a share of notional: CME SPAN scans a price
            range proportional to the price), computed by
            :func:`hedgekit.snapshot.margin_scale`, the one rule every command uses.
        scale
            For ``"scaled"``: the notional ratio, > 0.

        Returns
        -------
        MarginRate

        Raises
        ------
        InputError
            When the contract has no margins, or ``date`` precedes the first rate and
            ``before_first="raise"``.
        """
        if before_first not in ("raise", "earliest", "scaled"):
            raise InputError(
                "unknown option",
                source="before_first",
                value=before_first,
                expected="'raise', 'earliest' or 'scaled'",
            )
        if before_first == "scaled" and (scale is None or not math.isfinite(scale) or scale <= 0):
            raise InputError(
                "a scaled margin needs the notional ratio", source="scale", value=scale,
                expected="a finite ratio > 0",
            )  # fmt: skip
        day = as_date(date, parameter="date")
        if not self.margins:
            raise InputError(
                f"contract {self.root} has no margin rates",
                source="date",
                value=day.isoformat(),
                expected="a contract with dated margins (add [[contract.margin]] tables in a "
                "contracts TOML file)",
            )
        effective = [rate.effective for rate in self.margins]
        position = bisect.bisect_right(effective, day)
        if position == 0:
            if before_first == "earliest":
                return self.margins[0]
            if before_first == "scaled":
                first = self.margins[0]
                assert scale is not None
                return MarginRate(
                    effective=first.effective,
                    initial_usd=first.initial_usd * scale,
                    maintenance_usd=first.maintenance_usd * scale,
                    source=f"{first.source}; scaled by notional to {day.isoformat()} "
                    f"(x {scale:.4f})",
                )
            raise InputError(
                f"no margin rate for {self.root} on this date: the first rate is effective "
                f"{effective[0].isoformat()}",
                source="date",
                value=day.isoformat(),
                expected=f"a date on or after {effective[0].isoformat()}, dated rates for "
                "earlier days (contracts TOML file), or before_first='earliest'",
            )
        return self.margins[position - 1]

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dict with one key per field (``margins`` as a list of dicts).

        ``ContractSpec.from_dict(spec.to_dict()) == spec``.
        """
        return {
            "root": self.root,
            "name": self.name,
            "index": self.index,
            "multiplier_usd": self.multiplier_usd,
            "tick_size_points": self.tick_size_points,
            "months": self.months,
            "exchange": self.exchange,
            "margins": [rate.to_dict() for rate in self.margins],
            "full_size_root": self.full_size_root,
            "currency": self.currency,
            "sources": list(self.sources),
            "listed": None if self.listed is None else self.listed.isoformat(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ContractSpec:
        """Build from a mapping shaped like :meth:`to_dict`.

        Required keys: ``root``, ``name``, ``index``, ``multiplier_usd``, ``tick_size_points``;
        the others take the field defaults; ``full_size_root`` may be ``None``.

        Raises
        ------
        InputError
            For unknown or missing keys and for invalid values.
        """
        return spec_from_mapping(data, margins_key="margins", source="ContractSpec")


_MARGIN_FIELDS = ("effective", "initial_usd", "maintenance_usd", "source")
_SPEC_FIELDS = tuple(f.name for f in fields(ContractSpec))
_SPEC_REQUIRED = ("root", "name", "index", "multiplier_usd", "tick_size_points")


def _check_keys(
    data: object, *, required: tuple[str, ...], optional: tuple[str, ...], source: str
) -> None:
    if not isinstance(data, Mapping):
        raise InputError("must be a table", source=source, value=data, expected="a mapping")
    allowed = required + optional
    for key in data:
        if key not in allowed:
            raise InputError(
                "unknown key",
                source=source,
                column=str(key),
                value=key,
                expected="one of " + ", ".join(allowed),
            )
    for key in required:
        if key not in data:
            raise InputError(
                "missing required key", source=source, column=key, expected=f"a value for {key!r}"
            )


def _check_months(months: object, *, source: str) -> None:
    expected = f"distinct month codes from {MONTH_CODES!r} in calendar order (e.g. 'HMUZ')"
    if not isinstance(months, str) or not months:
        raise InputError(
            "must be a string of month codes",
            source=source,
            column="months",
            value=months,
            expected=expected,
        )
    bad = [code for code in months if code not in MONTH_CODES]
    if bad:
        raise InputError(
            f"unknown month code {bad[0]!r}",
            source=source,
            column="months",
            value=months,
            expected=expected,
        )
    positions = [MONTH_CODES.index(code) for code in months]
    if any(b <= a for a, b in itertools.pairwise(positions)):
        raise InputError(
            "month codes repeated or out of calendar order",
            source=source,
            column="months",
            value=months,
            expected=expected,
        )


def _check_margins(margins: object, *, source: str) -> tuple[MarginRate, ...]:
    if not isinstance(margins, tuple | list):
        raise InputError(
            "must be a sequence of MarginRate",
            source=source,
            column="margins",
            value=margins,
            expected="a tuple of MarginRate ascending by effective date",
        )
    for i, rate in enumerate(margins):
        if not isinstance(rate, MarginRate):
            raise InputError(
                "not a MarginRate",
                source=source,
                column=f"margins[{i}]",
                value=rate,
                expected="a MarginRate",
            )
        if i and rate.effective <= margins[i - 1].effective:
            kind = "duplicate" if rate.effective == margins[i - 1].effective else "out-of-order"
            raise InputError(
                f"{kind} effective date: margins must be strictly ascending by date",
                source=source,
                column=f"margins[{i}].effective",
                value=rate.effective.isoformat(),
                expected=f"a date after {margins[i - 1].effective.isoformat()}",
            )
    return tuple(margins)


def spec_from_mapping(data: Mapping[str, Any], *, margins_key: str, source: str) -> ContractSpec:
    """Build a :class:`ContractSpec` from a mapping whose margins sit under ``margins_key``.

    Errors name the offending key; margin errors are reported as
    ``<margins_key>[i].<field>`` (0-based ``i``).
    """
    optional = tuple(f for f in _SPEC_FIELDS if f not in _SPEC_REQUIRED and f != "margins")
    _check_keys(data, required=_SPEC_REQUIRED, optional=(*optional, margins_key), source=source)
    raw_margins = data.get(margins_key, [])
    if not isinstance(raw_margins, list | tuple):
        raise InputError(
            "must be a list of margin tables",
            source=source,
            column=margins_key,
            value=raw_margins,
            expected="a list of tables with keys " + ", ".join(_MARGIN_FIELDS),
        )
    margins: list[MarginRate] = []
    for i, item in enumerate(raw_margins):
        try:
            margins.append(MarginRate.from_dict(item))
        except InputError as err:
            column = f"{margins_key}[{i}]" + (f".{err.column}" if err.column else "")
            raise InputError(
                err.message, source=source, column=column, value=err.value, expected=err.expected
            ) from None
    sources = data.get("sources", ())
    if not isinstance(sources, list | tuple):
        raise InputError(
            "must be a list of citations",
            source=source,
            column="sources",
            value=sources,
            expected="a list of non-empty strings",
        )
    kwargs = {key: data[key] for key in _SPEC_FIELDS if key in data and key != "margins"}
    kwargs["margins"] = tuple(margins)
    kwargs["sources"] = tuple(sources)
    return ContractSpec(**kwargs)
