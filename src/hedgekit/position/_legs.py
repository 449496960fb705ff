"""One futures leg of a held (or planned) position, and the portfolio it hedges."""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np

from hedgekit.calendar import ContractCode
from hedgekit.contracts import ContractRegistry, ContractSpec
from hedgekit.errors import InputError, UnknownContractError

__all__ = ["PositionLeg", "PositionPortfolio", "is_number", "main_contract_for"]


def is_number(value: object) -> bool:
    """Whether ``value`` is a real number and not a boolean (``True`` is not 1 contract)."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_)


def is_whole(value: object) -> bool:
    """Whether ``value`` is an ``int`` (numpy integers too), not a boolean or a float."""
    return isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_)


@dataclass(frozen=True, slots=True)
class PositionLeg:
    """Whole futures contracts of one root, in one contract month or the one held at the date.

    Attributes
    ----------
    root
        Contract root as in the registry (``"ES"``, ``"MES"``).
    contract
        The contract month held (``ESZ2024``), or ``None`` for "the contract held at the
        position's date" (the front contract under the CME roll rule).
    quantity
        Whole contracts, non-zero; negative = short.
    entry_price
        Price the leg was entered at, index points (> 0), when known.

    Raises
    ------
    InputError
        A root that is not 1 to 5 uppercase letters/digits, a contract of another root, a
        quantity that is not a non-zero whole number, or an entry price that is not a finite
        number > 0.
    """

    root: str
    contract: ContractCode | None
    quantity: int
    entry_price: float | None = None

    def __post_init__(self) -> None:
        ContractCode(self.root, 2000, 1)  # same root rules as a contract code
        if self.contract is not None:
            if not isinstance(self.contract, ContractCode):
                raise InputError(
                    "contract must be a contract code",
                    source="contract",
                    value=self.contract,
                    expected="a ContractCode such as ESZ2024, or None",
                )
            if self.contract.root != self.root:
                raise InputError(
                    f"contract {self.contract} is not a {self.root} contract",
                    source="contract",
                    value=str(self.contract),
                    expected=f"a {self.root} contract code (e.g. {self.root}Z2024)",
                )
        if not is_whole(self.quantity) or self.quantity == 0:
            raise InputError(
                f"quantity of {self.label} must be a non-zero whole number of contracts",
                source="quantity",
                value=self.quantity,
                expected="a non-zero integer (negative = short)",
            )
        object.__setattr__(self, "quantity", int(self.quantity))
        if self.entry_price is not None:
            price = self.entry_price
            if not is_number(price) or not math.isfinite(price) or price <= 0:
                raise InputError(
                    f"entry price of {self.label} must be a finite number > 0",
                    source="entry_price",
                    value=price,
                    expected="index points > 0, or none",
                )
            object.__setattr__(self, "entry_price", float(price))

    @property
    def label(self) -> str:
        """The contract code (``ESZ2024``) or, when the month is not fixed, the root."""
        return self.root if self.contract is None else self.contract.long

    @property
    def key(self) -> tuple[str, ContractCode | None]:
        """``(root, contract)``: two legs with the same key are the same holding."""
        return (self.root, self.contract)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form: ``root``, ``contract`` (code or null), ``quantity``, ``entry_price``."""
        return {
            "root": self.root,
            "contract": None if self.contract is None else self.contract.long,
            "quantity": self.quantity,
            "entry_price": self.entry_price,
        }

    def to_text(self) -> str:
        """``--legs`` form: ``ES:-2``, ``ESZ2024:-2``, ``ES:-2@5500.25``."""
        text = f"{self.label}:{self.quantity}"
        if self.entry_price is not None:
            text += f"@{self.entry_price!r}"
        return text


@dataclass(frozen=True, slots=True)
class PositionPortfolio:
    """What the position hedges, when known (all optional).

    Attributes
    ----------
    value_usd
        Portfolio value, USD (> 0).
    beta
        Portfolio beta against ``index`` (finite).
    index
        Index key the beta is measured against (``"SPX"``).
    """

    value_usd: float | None = None
    beta: float | None = None
    index: str | None = None

    def __post_init__(self) -> None:
        v = self.value_usd
        if v is not None:
            if not is_number(v) or not math.isfinite(v) or v <= 0:
                raise InputError(
                    "portfolio value must be a finite number > 0",
                    source="value_usd",
                    value=v,
                    expected="USD > 0, or none",
                )
            object.__setattr__(self, "value_usd", float(v))
        b = self.beta
        if b is not None:
            if not is_number(b) or not math.isfinite(b):
                raise InputError(
                    "portfolio beta must be a finite number",
                    source="beta",
                    value=b,
                    expected="a finite number, or none",
                )
            object.__setattr__(self, "beta", float(b))
        if self.index is not None and (
            not isinstance(self.index, str)
            or not self.index.strip()
            or not self.index.isprintable()
        ):
            raise InputError(
                "index must be an index key",
                source="index",
                value=self.index,
                expected="e.g. 'SPX', or none",
            )

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form."""
        return {"value_usd": self.value_usd, "beta": self.beta, "index": self.index}


def main_contract_for(spec: ContractSpec, registry: ContractRegistry) -> ContractSpec:
    """The contract a leg is counted in, by multiplier.

    A micro's full-size contract, else the first full-size contract on the same index in
    registry order (ES for ES, MES and a user's big S&P contract alike).
    """
    if spec.full_size_root is not None:
        return registry.get(spec.full_size_root)
    for other in registry.for_index(spec.index):
        if not other.is_micro:
            return other
    return spec  # pragma: no cover - spec itself is full-size and on this index


def spec_of(root: str, registry: ContractRegistry, *, source: str, column: str) -> ContractSpec:
    """Registry lookup whose error names the file or option and the field."""
    try:
        return registry.get(root)
    except UnknownContractError as err:
        raise InputError(
            f"unknown contract root {root!r}" + err.message.removeprefix("unknown contract root"),
            source=source,
            column=column,
            value=root,
            expected=err.expected,
        ) from None
