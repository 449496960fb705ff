"""Strict reading of a position: the JSON document and the ``--legs`` text.

Every problem is an :class:`~hedgekit.errors.InputError` naming where the position came
from (the file path or ``--legs``), the field, the value found and what was expected.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any, Final

from hedgekit._dates import to_date
from hedgekit.calendar import ContractCode
from hedgekit.contracts import ContractRegistry
from hedgekit.errors import InputError
from hedgekit.position._legs import (
    PositionLeg,
    PositionPortfolio,
    is_number,
    is_whole,
    spec_of,
)

__all__ = [
    "DOCUMENT_KIND",
    "SCHEMA_VERSION",
    "check_legs",
    "parse_document",
    "parse_legs_text",
]

#: Version of the position document; same numbering as the ``--json`` documents.
SCHEMA_VERSION: Final = 1
#: ``kind`` of the position document.
DOCUMENT_KIND: Final = "position"

_LEGS_EXPECTED: Final = (
    "comma-separated CONTRACT:QUANTITY[@PRICE] items, e.g. 'ES:-2,MES:-5', "
    "'ESZ2024:-2' or 'ES:-2@5500.25' (negative = short)"
)
_QUANTITY: Final = re.compile(r"[+-]?[0-9]+")
_LONG_CODE: Final = re.compile(r"[A-Z][A-Z0-9]{0,4}[FGHJKMNQUVXZ][0-9]{4}")


def _month_listed(code: ContractCode, months: str) -> bool:
    return code.month_code in months


def check_legs(legs: Iterable[PositionLeg], registry: ContractRegistry, *, source: str) -> None:
    """Check legs against the registry and each other.

    Raises
    ------
    InputError
        An unknown root, a contract month the root does not list, or two legs of the same
        root and month; the error names ``source`` and the leg (``legs[i]``).
    """
    seen: dict[tuple[str, ContractCode | None], int] = {}
    for i, leg in enumerate(legs):
        spec = spec_of(leg.root, registry, source=source, column=f"legs[{i}].root")
        if leg.contract is not None and not _month_listed(leg.contract, spec.months):
            raise InputError(
                f"{leg.contract} is not a listed {spec.root} contract month",
                source=source,
                column=f"legs[{i}].contract",
                value=leg.contract.long,
                expected=f"a month in {spec.root}'s cycle {spec.months!r}",
            )
        if leg.key in seen:
            raise InputError(
                f"{leg.label} appears twice (legs {seen[leg.key]} and {i})",
                source=source,
                column=f"legs[{i}]",
                value=leg.to_dict(),
                expected="one leg per contract root and month (add the quantities)",
            )
        seen[leg.key] = i


def _keys(
    data: object,
    *,
    required: tuple[str, ...],
    optional: tuple[str, ...],
    source: str,
    field: str,
) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise InputError(
            "must be a JSON object",
            source=source,
            column=field,
            value=data,
            expected="an object with keys " + ", ".join(required + optional),
        )
    for key in data:
        if key not in required + optional:
            raise InputError(
                f"unknown key {key!r}",
                source=source,
                column=f"{field}.{key}",
                value=key,
                expected="one of " + ", ".join(required + optional),
            )
    for key in required:
        if key not in data:
            raise InputError(
                f"missing key {key!r}",
                source=source,
                column=f"{field}.{key}",
                expected=f"a value for {key!r}",
            )
    return data


def _optional_number(value: object, *, source: str, field: str, positive: bool) -> float | None:
    if value is None:
        return None
    expected = "a finite number > 0, or null" if positive else "a finite number, or null"
    if not is_number(value):
        raise InputError(
            "must be a number"
            + (" (true/false is not a number)" if isinstance(value, bool) else ""),
            source=source,
            column=field,
            value=value,
            expected=expected,
        )
    number = float(value)  # type: ignore[arg-type]  # a real number converts
    if not math.isfinite(number) or (positive and number <= 0):
        raise InputError(
            "must be finite" + (" and > 0" if positive else ""),
            source=source,
            column=field,
            value=value,
            expected=expected,
        )
    return number


def _leg_from_mapping(
    item: object, i: int, registry: ContractRegistry, *, source: str
) -> PositionLeg:
    field = f"data.legs[{i}]"
    data = _keys(
        item,
        required=("root", "quantity"),
        optional=("contract", "entry_price"),
        source=source,
        field=field,
    )
    root = data["root"]
    if not isinstance(root, str):
        raise InputError(
            "contract root must be text",
            source=source,
            column=f"{field}.root",
            value=root,
            expected="one of " + ", ".join(registry.roots()),
        )
    spec = spec_of(root, registry, source=source, column=f"{field}.root")
    quantity = data["quantity"]
    if not is_whole(quantity) or quantity == 0:
        raise InputError(
            "quantity must be a non-zero whole number of contracts"
            + (" (true/false is not a number)" if isinstance(quantity, bool) else ""),
            source=source,
            column=f"{field}.quantity",
            value=quantity,
            expected="a non-zero integer such as -2 (negative = short)",
        )
    contract: ContractCode | None = None
    raw = data.get("contract")
    if raw is not None:
        bad = InputError(
            "invalid contract code",
            source=source,
            column=f"{field}.contract",
            value=raw,
            expected=f"a {spec.root} code with a four-digit year, e.g. "
            f"{spec.root}{spec.months[-1]}2024, or null for the contract held at as_of",
        )
        if not isinstance(raw, str) or not _LONG_CODE.fullmatch(raw):
            raise bad
        try:
            contract = ContractCode.parse(raw)
        except InputError:
            raise bad from None
        if contract.root != spec.root:
            raise InputError(
                f"contract {raw} is not a {spec.root} contract",
                source=source,
                column=f"{field}.contract",
                value=raw,
                expected=f"a {spec.root} contract code, e.g. {spec.root}{spec.months[-1]}2024",
            )
    price = _optional_number(
        data.get("entry_price"), source=source, field=f"{field}.entry_price", positive=True
    )
    return PositionLeg(spec.root, contract, int(quantity), price)


def parse_document(
    doc: object, registry: ContractRegistry, *, source: str
) -> tuple[tuple[PositionLeg, ...], dt.date | None, str, PositionPortfolio | None]:
    """Validate a position document and return its legs, date, source text and portfolio.

    Raises
    ------
    InputError
        For anything but ``{"schema_version": 1, "kind": "position", "data": {...}}`` with
        valid legs (see :func:`check_legs`).
    """
    top = _keys(
        doc, required=("schema_version", "kind", "data"), optional=(), source=source, field="$"
    )
    version = top["schema_version"]
    if not is_whole(version) or version != SCHEMA_VERSION:
        raise InputError(
            "unsupported schema_version",
            source=source,
            column="schema_version",
            value=version,
            expected=f"{SCHEMA_VERSION}",
        )
    if top["kind"] != DOCUMENT_KIND:
        raise InputError(
            "not a position document",
            source=source,
            column="kind",
            value=top["kind"],
            expected=f"{DOCUMENT_KIND!r}",
        )
    data = _keys(
        top["data"],
        required=("legs",),
        optional=("as_of", "source", "portfolio"),
        source=source,
        field="data",
    )
    raw_legs = data["legs"]
    if not isinstance(raw_legs, list):
        raise InputError(
            "legs must be a list",
            source=source,
            column="data.legs",
            value=raw_legs,
            expected="a list of {root, contract, quantity, entry_price} objects",
        )
    legs = tuple(
        _leg_from_mapping(item, i, registry, source=source) for i, item in enumerate(raw_legs)
    )
    check_legs(legs, registry, source=source)
    as_of: dt.date | None = None
    raw_date = data.get("as_of")
    if raw_date is not None:
        if not isinstance(raw_date, str):
            raise InputError(
                "as_of must be an ISO date",
                source=source,
                column="data.as_of",
                value=raw_date,
                expected="'YYYY-MM-DD' or null",
            )
        try:
            as_of = to_date(raw_date, "as_of")
        except InputError as err:
            raise InputError(
                err.message,
                source=source,
                column="data.as_of",
                value=raw_date,
                expected=err.expected,
            ) from None
    text = data.get("source", source)
    if not isinstance(text, str) or not text.strip():
        raise InputError(
            "source must be non-empty text",
            source=source,
            column="data.source",
            value=text,
            expected="where the position came from, e.g. 'plan 2024-09-10'",
        )
    portfolio: PositionPortfolio | None = None
    raw_port = data.get("portfolio")
    if raw_port is not None:
        p = _keys(
            raw_port,
            required=(),
            optional=("value_usd", "beta", "index"),
            source=source,
            field="data.portfolio",
        )
        index = p.get("index")
        if index is not None and (not isinstance(index, str) or not index.strip()):
            raise InputError(
                "index must be an index key",
                source=source,
                column="data.portfolio.index",
                value=index,
                expected="e.g. 'SPX', or null",
            )
        portfolio = PositionPortfolio(
            value_usd=_optional_number(
                p.get("value_usd"), source=source, field="data.portfolio.value_usd", positive=True
            ),
            beta=_optional_number(
                p.get("beta"), source=source, field="data.portfolio.beta", positive=False
            ),
            index=index,
        )
    return legs, as_of, text, portfolio


def parse_legs_text(
    text: object,
    registry: ContractRegistry,
    *,
    source: str = "--legs",
    reference_year: int | None = None,
) -> tuple[PositionLeg, ...]:
    """Parse ``"ES:-2,MES:-5"``, ``"ESZ2024:-2"`` or ``"ES:-2@5500.25"`` into legs.

    Parameters
    ----------
    text
        Comma-separated ``CONTRACT:QUANTITY[@PRICE]`` items; CONTRACT is a root in the
        registry (the contract held at the date) or a contract code (``ESZ2024``; a
        one-digit year ``ESZ4`` only with ``reference_year``). Spaces around items are
        ignored; roots and codes are case-insensitive.
    registry
        Contracts the roots are checked against.
    source
        Option named in errors.
    reference_year
        Year one-digit contract years are read against (see :meth:`ContractCode.parse`).

    Raises
    ------
    InputError
        Naming ``source``, the item, and what was expected.
    """
    if not isinstance(text, str) or not text.strip():
        raise InputError("no legs given", source=source, value=text, expected=_LEGS_EXPECTED)
    legs: list[PositionLeg] = []
    for i, raw in enumerate(text.split(",")):
        item = raw.strip()
        where = f"item {i + 1}"
        name, colon, rest = item.partition(":")
        if not colon or not name.strip() or not rest.strip():
            raise InputError(
                f"{where} is not CONTRACT:QUANTITY",
                source=source,
                value=item,
                expected=_LEGS_EXPECTED,
            )
        qty_text, at, price_text = rest.partition("@")
        symbol = name.strip().upper()
        contract: ContractCode | None = None
        if symbol in registry:
            root = registry.get(symbol).root
        else:
            try:
                contract = ContractCode.parse(symbol, reference_year=reference_year)
            except InputError as err:
                raise InputError(
                    f"{where}: {name.strip()!r} is neither a contract root nor a contract code"
                    + (f" ({err.message})" if "year" in err.message else ""),
                    source=source,
                    value=item,
                    expected="a root (" + ", ".join(registry.roots()) + ") or a code with a "
                    "four-digit year such as ESZ2024",
                ) from None
            root = spec_of(contract.root, registry, source=source, column=where).root
        qty_text = qty_text.strip()
        if not _QUANTITY.fullmatch(qty_text) or int(qty_text) == 0:
            raise InputError(
                f"{where}: quantity of {symbol} must be a non-zero whole number",
                source=source,
                value=item,
                expected="a non-zero integer such as -2 (negative = short)",
            )
        price: float | None = None
        if at:
            try:
                price = float(price_text.strip())
            except ValueError:
                price = math.nan
            if not math.isfinite(price) or price <= 0:
                raise InputError(
                    f"{where}: entry price of {symbol} must be a finite number > 0",
                    source=source,
                    value=item,
                    expected="CONTRACT:QUANTITY@PRICE, PRICE in index points, e.g. ES:-2@5500.25",
                )
        legs.append(PositionLeg(root, contract, int(qty_text), price))
    check_legs(legs, registry, source=source)
    return tuple(legs)
