r"""A futures hedge position: the legs held (or planned), with when and where from.

Sign convention as in :mod:`hedgekit.sizing`: quantity > 0 is long, < 0 short; a leg's
"beta-dollars" are its USD change for a 1.00 (100 %) move of its index,
:math:`q\,m\,F` with :math:`m` the multiplier and :math:`F` the futures price (Hull,
*Options, Futures and Other Derivatives*, 11th ed., §3.5: one contract is worth :math:`m F`).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hedgekit._io import atomic_write_text
from hedgekit.calendar import ContractCode
from hedgekit.contracts import ContractRegistry, ContractSpec, default_registry
from hedgekit.errors import InputError
from hedgekit.position._legs import (
    PositionLeg,
    PositionPortfolio,
    main_contract_for,
    spec_of,
)
from hedgekit.position._parse import (
    DOCUMENT_KIND,
    SCHEMA_VERSION,
    check_legs,
    parse_document,
    parse_legs_text,
)
from hedgekit.sizing import Leg

if TYPE_CHECKING:
    from hedgekit.sizing import HedgeSizing

__all__ = ["HedgePosition", "IndexExposure", "UnitCount"]


@dataclass(frozen=True, slots=True)
class IndexExposure:
    r"""The legs of a position on one index, counted in that index's main contract.

    Attributes
    ----------
    index
        Index key (``"SPX"``).
    main_root
        Full-size contract the count is expressed in (``"ES"``).
    main_equivalent
        :math:`\sum_i q_i m_i / m_{main}`: e.g. -2 ES and -5 MES are -2.5 ES.
    roots
        Roots of the legs on this index, in position order (repeats removed).
    """

    index: str
    main_root: str
    main_equivalent: float
    roots: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form."""
        return {
            "index": self.index,
            "main_root": self.main_root,
            "main_equivalent": self.main_equivalent,
            "roots": list(self.roots),
        }


@dataclass(frozen=True, slots=True)
class UnitCount:
    r"""A position on one index in its smallest contract's units (:meth:`HedgePosition.in_units`).

    Attributes
    ----------
    index, unit_root, main_root
        Index key, the smallest contract (one unit) and the largest; ``None`` when flat.
    units
        Signed units, negative = short.
    legs
        ``(root, quantity)`` per root with a non-zero quantity, largest contract first.
    units_per_contract
        ``(root, m_root / m_unit)`` per root.
    contracts
        Whole contracts of all legs, :math:`\sum_i |q_i|`.
    """

    index: str | None
    unit_root: str | None
    units: int
    legs: tuple[tuple[str, int], ...]
    units_per_contract: tuple[tuple[str, int], ...]
    contracts: int
    main_root: str | None


@dataclass(frozen=True, slots=True)
class HedgePosition:
    """Futures legs held together, with their date, origin and (optionally) the portfolio.

    An empty ``legs`` tuple is a flat position (nothing held, or nothing to trade).

    Attributes
    ----------
    legs
        The legs; at most one per ``(root, contract)``.
    as_of
        Date the position refers to; ``None`` when undated. Legs without a contract month
        mean the contract held on that date.
    source
        Where it came from: ``"plan 2024-09-10"``, ``"--legs"``, a file path.
    portfolio
        The portfolio it hedges (value, beta, index), when known.

    Raises
    ------
    InputError
        Legs that are not :class:`PositionLeg`, two legs of the same root and month, or an
        empty ``source``.
    """

    legs: tuple[PositionLeg, ...]
    as_of: dt.date | None = None
    source: str = "<memory>"
    portfolio: PositionPortfolio | None = None

    def __post_init__(self) -> None:
        legs = tuple(self.legs) if isinstance(self.legs, list | tuple) else None
        if legs is None or not all(isinstance(leg, PositionLeg) for leg in legs):
            raise InputError(
                "legs must be a sequence of PositionLeg",
                source="legs",
                value=self.legs,
                expected="PositionLeg(root, contract, quantity, entry_price) items",
            )
        object.__setattr__(self, "legs", legs)
        seen: set[tuple[str, ContractCode | None]] = set()
        for leg in legs:
            if leg.key in seen:
                raise InputError(
                    f"{leg.label} appears twice",
                    source=self.source if isinstance(self.source, str) else "legs",
                    value=leg.to_dict(),
                    expected="one leg per contract root and month",
                )
            seen.add(leg.key)
        if isinstance(self.as_of, dt.datetime) or not (
            self.as_of is None or isinstance(self.as_of, dt.date)
        ):
            raise InputError(
                "as_of must be a date", source="as_of", value=self.as_of, expected="a date or None"
            )
        if not isinstance(self.source, str) or not self.source.strip():
            raise InputError(
                "source must be non-empty text",
                source="source",
                value=self.source,
                expected="e.g. 'plan 2024-09-10', '--legs' or a file path",
            )
        if self.portfolio is not None and not isinstance(self.portfolio, PositionPortfolio):
            raise InputError(
                "portfolio must be a PositionPortfolio",
                source="portfolio",
                value=self.portfolio,
                expected="PositionPortfolio(value_usd, beta, index) or None",
            )

    # ------------------------------------------------------------------ construction

    @classmethod
    def from_legs_text(
        cls,
        text: str,
        registry: ContractRegistry | None = None,
        *,
        as_of: dt.date | None = None,
        source: str = "--legs",
    ) -> HedgePosition:
        """Build from the ``--legs`` option: ``"ES:-2,MES:-5"``, ``"ESZ2024:-2@5500.25"``.

        A one-digit contract year (``ESZ4``) is read against ``as_of``'s year when given.
        Errors name ``source`` (``--legs``); see :func:`~hedgekit.position._parse.parse_legs_text`.
        """
        reg = default_registry() if registry is None else registry
        legs = parse_legs_text(
            text, reg, source=source, reference_year=None if as_of is None else as_of.year
        )
        return cls(legs, as_of=as_of, source=source)

    @classmethod
    def from_sizing(
        cls,
        sizing: HedgeSizing,
        contract_code: ContractCode | None,
        as_of: dt.date | None,
        *,
        source: str | None = None,
        index: str | None = None,
        with_prices: bool = False,
    ) -> HedgePosition:
        """The position a plan's sizing asks for.

        Parameters
        ----------
        sizing
            The sizing; legs with zero contracts are left out.
        contract_code
            The contract month of the main contract (the micro leg gets the same month);
            ``None`` for "the contract held at ``as_of``".
        as_of
            The plan date.
        source
            Default ``"plan <as_of>"``.
        index
            The index the beta refers to, kept in ``portfolio``.
        with_prices
            Record the sizing's futures price as each leg's entry price.
        """
        legs: list[PositionLeg] = []
        for leg in sizing.legs:
            if leg.quantity == 0:
                continue
            code = (
                None
                if contract_code is None
                else ContractCode(leg.root, contract_code.year, contract_code.month)
            )
            legs.append(
                PositionLeg(leg.root, code, leg.quantity, leg.price if with_prices else None)
            )
        text = source if source is not None else f"plan {as_of}" if as_of else "plan"
        return cls(
            tuple(legs),
            as_of=as_of,
            source=text,
            portfolio=PositionPortfolio(sizing.value_usd, sizing.beta, index),
        )

    # ------------------------------------------------------------------ JSON document

    def to_dict(self) -> dict[str, Any]:
        """The JSON document ``{"schema_version": 1, "kind": "position", "data": {...}}``.

        ``data`` holds ``as_of`` (ISO date or null), ``source``, ``portfolio`` (object or
        null) and ``legs`` (``root``, ``contract``, ``quantity``, ``entry_price``).
        """
        return {
            "schema_version": SCHEMA_VERSION,
            "kind": DOCUMENT_KIND,
            "data": {
                "as_of": None if self.as_of is None else self.as_of.isoformat(),
                "source": self.source,
                "portfolio": None if self.portfolio is None else self.portfolio.to_dict(),
                "legs": [leg.to_dict() for leg in self.legs],
            },
        }

    @classmethod
    def from_dict(
        cls,
        doc: Mapping[str, Any],
        registry: ContractRegistry | None = None,
        *,
        source: str = "position",
    ) -> HedgePosition:
        """Read a document written by :meth:`to_dict`, strictly (``source`` names it in errors)."""
        reg = default_registry() if registry is None else registry
        legs, as_of, text, portfolio = parse_document(doc, reg, source=source)
        return cls(legs, as_of=as_of, source=text, portfolio=portfolio)

    def save(self, path: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
        """Write the JSON document to ``path``, all or nothing.

        The text goes to a temporary file in the same folder, which is then renamed onto
        ``path`` (an atomic replace on POSIX and Windows), so a reader never sees half a file.

        Raises
        ------
        InputError
            ``path`` exists and ``overwrite`` is false, or its folder does not exist.
        """
        target = Path(path)
        if target.exists() and not overwrite:
            raise InputError(
                "file exists; a position is not overwritten unless asked",
                source=str(target),
                value=str(target),
                expected="a new file name, or overwrite=True",
            )
        folder = target.parent
        if not folder.is_dir():
            raise InputError(
                "folder does not exist",
                source=str(target),
                value=str(folder),
                expected="a path in an existing folder",
            )
        text = json.dumps(self.to_dict(), indent=2, allow_nan=False) + "\n"
        try:
            atomic_write_text(target, text, overwrite=overwrite)
        except FileExistsError:
            raise InputError(
                "file exists; a position is not overwritten unless asked",
                source=str(target),
                value=str(target),
                expected="a new file name, or overwrite=True",
            ) from None
        return target

    @classmethod
    def load(
        cls, path: str | os.PathLike[str], registry: ContractRegistry | None = None
    ) -> HedgePosition:
        """Read a position file written by :meth:`save`, strictly.

        Raises
        ------
        InputError
            Naming the file, the field (``data.legs[1].quantity``), the value and what was
            expected: a missing or unreadable file, text that is not JSON (NaN and Infinity
            are refused), another document kind or schema version, an unknown root, a
            quantity that is not a non-zero integer (``true`` is not 1), a contract month the
            root does not list, an entry price that is not a finite number > 0, or two legs
            of the same root and month.
        """
        where = str(path)
        from hedgekit.data._read import read_text

        if not Path(path).exists():
            raise InputError("file not found", source=where, expected="a position file (JSON)")
        raw = read_text(path, "a UTF-8 JSON file", "JSON")

        def refuse(token: str) -> Any:
            raise InputError(
                f"{token} is not a number", source=where, value=token, expected="finite numbers"
            )

        try:
            doc = json.loads(raw, parse_constant=refuse)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"not valid JSON: {exc.msg}",
                source=where,
                row=exc.lineno,
                expected='a document {"schema_version": 1, "kind": "position", "data": {...}}',
            ) from None
        return cls.from_dict(doc, registry, source=where)

    # ------------------------------------------------------------------ views

    def to_legs_text(self) -> str:
        """The ``--legs`` form, read back by :meth:`from_legs_text`."""
        return ",".join(leg.to_text() for leg in self.legs)

    def validate(self, registry: ContractRegistry) -> None:
        """Check the legs against ``registry``: known roots, listed months (``check_legs``)."""
        check_legs(self.legs, registry, source=self.source)

    def to_legs(
        self,
        prices: Mapping[str, float] | float,
        registry: ContractRegistry | None = None,
    ) -> tuple[Leg, ...]:
        """The legs as :class:`hedgekit.sizing.Leg`, valued at ``prices``.

        Parameters
        ----------
        prices
            One futures price for all legs, or prices by contract code (``"ESZ2024"``) or by
            root (``"ES"``). A leg with no price given is valued at its entry price.
        registry
            Multipliers; default the built-in registry.

        Raises
        ------
        InputError
            An unknown root, or a leg with neither a price nor an entry price.
        """
        reg = default_registry() if registry is None else registry
        out: list[Leg] = []
        for leg in self.legs:
            spec = spec_of(leg.root, reg, source=self.source, column="root")
            price = _price_for(leg, prices)
            if price is None:
                raise InputError(
                    f"no price for {leg.label}",
                    source="prices",
                    value=leg.label,
                    expected=f"a futures price for {leg.label} or {leg.root}",
                )
            out.append(Leg.of(spec.root, leg.quantity, spec.multiplier_usd, price))
        return tuple(out)

    def by_index(self, registry: ContractRegistry | None = None) -> tuple[IndexExposure, ...]:
        r"""Legs grouped by index (ES and MES on SPX, NQ and MNQ on NDX ...).

        Each group is counted in the index's main contract by multiplier:
        :math:`\sum_i q_i m_i / m_{main}` (CME Micros are 1/10 of the E-mini).
        """
        reg = default_registry() if registry is None else registry
        groups: dict[str, tuple[str, float, list[str]]] = {}
        for leg in self.legs:
            spec = spec_of(leg.root, reg, source=self.source, column="root")
            main = main_contract_for(spec, reg)
            units = leg.quantity * spec.multiplier_usd / main.multiplier_usd
            _, total, roots = groups.get(spec.index, (main.root, 0.0, []))
            if spec.root not in roots:
                roots.append(spec.root)
            groups[spec.index] = (main.root, total + units, roots)
        return tuple(
            IndexExposure(index, main_root, total, tuple(roots))
            for index, (main_root, total, roots) in groups.items()
        )

    def value_and_beta(self) -> tuple[float, float] | None:
        """The portfolio value and beta the position was sized for, when both are known.

        What a command uses when it is given the position and no portfolio of its own.
        """
        p = self.portfolio
        if p is None or p.value_usd is None or p.beta is None:
            return None
        return p.value_usd, p.beta

    def in_units(
        self, registry: ContractRegistry | None = None, *, source: str | None = None
    ) -> UnitCount:
        r"""The position, on one index, counted in its smallest contract's units.

        :math:`U = \sum_i q_i m_i / m_{unit}` (signed: negative = short), the form in which
        a one-contract engine (the backtest's, the stress's) holds an E-mini and its Micro:
        an ES is 10 MES by multiplier (CME contract specifications: $50 vs $5 a point).

        Raises
        ------
        InputError
            Legs on two indices, or contracts whose multipliers are not whole multiples of
            the smallest one; ``source`` (the option) is named.
        """
        reg = default_registry() if registry is None else registry
        where = self.source if source is None else source
        qty: dict[str, int] = {}
        specs: dict[str, ContractSpec] = {}
        for leg in self.legs:
            spec = spec_of(leg.root, reg, source=where, column="root")
            specs[spec.root] = spec
            qty[spec.root] = qty.get(spec.root, 0) + leg.quantity
        indices = sorted({s.index for s in specs.values()})
        if len(indices) > 1:
            raise InputError(
                "one index at a time: the legs are on " + " and ".join(indices),
                source=where, value=self.to_legs_text(),
                expected="legs on one index, e.g. ES:-2,MES:-8 (each index on its own)",
            )  # fmt: skip
        qty = {root: q for root, q in qty.items() if q != 0}
        order = sorted(qty, key=lambda r: -specs[r].multiplier_usd)
        if not order:
            return UnitCount(None, None, 0, (), (), 0, None)
        unit = specs[order[-1]]
        per: list[tuple[str, int]] = []
        for root in order:
            ratio = specs[root].multiplier_usd / unit.multiplier_usd
            if not math.isclose(ratio, round(ratio), rel_tol=1e-12):
                raise InputError(
                    f"{root} is not a whole number of {unit.root} (multipliers "
                    f"{specs[root].multiplier_usd:g} and {unit.multiplier_usd:g})",
                    source=where, value=self.to_legs_text(),
                    expected="an E-mini and its Micro, or one contract",
                )  # fmt: skip
            per.append((root, round(ratio)))
        return UnitCount(
            index=unit.index,
            unit_root=unit.root,
            units=sum(qty[root] * k for root, k in per),
            legs=tuple((root, qty[root]) for root in order),
            units_per_contract=tuple(per),
            contracts=sum(abs(q) for q in qty.values()),
            main_root=order[0],
        )

    def es_equivalent(self, registry: ContractRegistry | None = None) -> dict[str, float]:
        """Main-contract units per main root, e.g. ``{"ES": -2.5}`` for -2 ES and -5 MES.

        An MES is 1/10 ES by multiplier (CME contract specifications: $5 vs $50 per point).
        """
        return {g.main_root: g.main_equivalent for g in self.by_index(registry)}

    def beta_dollars_usd(
        self,
        prices: Mapping[str, float] | float,
        registry: ContractRegistry | None = None,
    ) -> dict[str, float]:
        r"""Index exposure per index key: :math:`\sum_i q_i m_i F_i`, USD per 1.00 index move.

        Negative for a short hedge. Prices as for :meth:`to_legs`.
        """
        reg = default_registry() if registry is None else registry
        out: dict[str, float] = {}
        for pos_leg, leg in zip(self.legs, self.to_legs(prices, reg), strict=True):
            index = reg.get(pos_leg.root).index
            out[index] = out.get(index, 0.0) + leg.beta_dollars_usd
        return out

    def quantity_of(self, root: str, contract: ContractCode | None = None) -> int:
        """Contracts held of ``(root, contract)`` (0 when none)."""
        for leg in self.legs:
            if leg.key == (root, contract):
                return leg.quantity
        return 0

    def resolved(self, contracts: Mapping[str, ContractCode]) -> HedgePosition:
        """Legs without a month given the month in ``contracts`` (by root).

        A leg then naming the same month as another is merged with it (quantities added;
        legs netting to zero dropped). Roots not in ``contracts`` keep no month.
        """
        merged: dict[tuple[str, ContractCode | None], PositionLeg] = {}
        for leg in self.legs:
            code = contracts.get(leg.root) if leg.contract is None else leg.contract
            key = (leg.root, code)
            if key in merged:
                prev = merged[key]
                qty = prev.quantity + leg.quantity
                if qty == 0:
                    del merged[key]
                    continue
                merged[key] = PositionLeg(leg.root, code, qty, None)
            else:
                merged[key] = PositionLeg(leg.root, code, leg.quantity, leg.entry_price)
        return HedgePosition(
            tuple(merged.values()), as_of=self.as_of, source=self.source, portfolio=self.portfolio
        )

    def minus(self, other: HedgePosition, *, source: str = "trade") -> HedgePosition:
        """The trade that turns ``other`` into this position: this minus ``other``.

        Per root and month; legs of ``other`` absent here are closed. Legs are matched as
        given: resolve legs without a month first (:meth:`resolved`).
        """
        qty: dict[tuple[str, ContractCode | None], int] = {}
        for leg in self.legs:
            qty[leg.key] = qty.get(leg.key, 0) + leg.quantity
        for leg in other.legs:
            qty[leg.key] = qty.get(leg.key, 0) - leg.quantity
        legs = tuple(PositionLeg(root, code, q, None) for (root, code), q in qty.items() if q != 0)
        return HedgePosition(legs, as_of=self.as_of, source=source, portfolio=self.portfolio)

    def __len__(self) -> int:
        return len(self.legs)


def _price_for(leg: PositionLeg, prices: Mapping[str, float] | float) -> float | None:
    if isinstance(prices, Mapping):
        for key in (leg.label, leg.root):
            if key in prices:
                return float(prices[key])
        return leg.entry_price
    if isinstance(prices, bool) or not isinstance(prices, int | float) or not math.isfinite(prices):
        raise InputError(
            "price must be a finite number",
            source="prices",
            value=prices,
            expected="a futures price > 0, or prices by contract code or root",
        )
    return float(prices)
