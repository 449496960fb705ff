"""User contracts in TOML: read (validated, with file/table/field in every error) and write.

The format is documented in the :mod:`hedgekit.contracts` package docstring and in
``examples/contracts.toml``.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from hedgekit.contracts._registry import ContractRegistry, default_registry
from hedgekit.contracts._spec import ContractSpec, spec_from_mapping
from hedgekit.errors import InputError

__all__ = ["contracts_to_toml", "load_contracts_toml", "registry_from_toml"]

_HEADER = re.compile(r"\s*\[\[\s*contract\s*\]\]\s*(#.*)?")
_DECODE_AT = re.compile(r"\(at line (\d+), column (\d+)\)")
_MARGIN_COLUMN = re.compile(r"margins?\[(\d+)\](?:\.(.+))?")


def _read(path: str | os.PathLike[str]) -> tuple[str, str]:
    from hedgekit.data._read import read_text

    name = os.fspath(path)
    if not Path(name).exists():
        raise InputError("contracts file not found", source=name)
    return name, read_text(name, "a UTF-8 TOML file", "TOML")


def _header_lines(text: str) -> list[int]:
    return [n for n, line in enumerate(text.splitlines(), start=1) if _HEADER.fullmatch(line)]


def load_contracts_toml(path: str | os.PathLike[str]) -> tuple[ContractSpec, ...]:
    """Read and validate the contracts in a TOML file.

    Parameters
    ----------
    path
        A UTF-8 TOML file with one ``[[contract]]`` table per contract (format in the
        :mod:`hedgekit.contracts` docstring).

    Returns
    -------
    tuple of ContractSpec
        In file order. Links to other contracts (``full_size_root``) are checked when the
        contracts join a registry (:func:`registry_from_toml`).

    Raises
    ------
    InputError
        Naming the file, the line (TOML syntax errors; the ``[[contract]]`` header otherwise,
        where it can be found), the contract table and root, the field, the value and what was
        expected: for syntax errors, unknown or missing keys, wrong types, non-positive or
        non-finite numbers, maintenance above initial margin, unsorted or duplicate margin
        dates, bad month codes, invalid roots, non-USD currency and roots repeated in the file.
    """
    name, text = _read(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        message = str(err)
        found = _DECODE_AT.search(message)
        raise InputError(
            "TOML syntax error: " + _DECODE_AT.sub("", message).strip(),
            source=name,
            row=int(found.group(1)) if found else None,
            expected="valid TOML (https://toml.io)",
        ) from None
    extra = [key for key in data if key != "contract"]
    if extra:
        raise InputError(
            "unknown top-level key",
            source=name,
            column=extra[0],
            value=extra[0],
            expected="only [[contract]] tables",
        )
    tables = data.get("contract")
    if not isinstance(tables, list) or not tables:
        raise InputError(
            "no contracts in file" if tables is None else "'contract' must be an array of tables",
            source=name,
            column="contract",
            value=None if tables is None else tables,
            expected="one or more [[contract]] tables",
        )
    headers = _header_lines(text)
    rows = headers if len(headers) == len(tables) else [None] * len(tables)
    specs: list[ContractSpec] = []
    first_row: dict[str, int] = {}
    for number, (table, row) in enumerate(zip(tables, rows, strict=True), start=1):
        spec = _spec_from_table(table, name=name, number=number, row=row)
        if spec.root in first_row:
            raise InputError(
                f"[[contract]] #{number}: root {spec.root!r} already defined in "
                f"[[contract]] #{first_row[spec.root]}",
                source=name,
                row=row,
                column="root",
                value=spec.root,
                expected="each root once per file",
            )
        first_row[spec.root] = number
        specs.append(spec)
    return tuple(specs)


def _spec_from_table(table: object, *, name: str, number: int, row: int | None) -> ContractSpec:
    where = f"[[contract]] #{number}"
    if isinstance(table, dict) and isinstance(table.get("root"), str):
        where += f" (root {table['root']!r})"
    if not isinstance(table, dict):
        raise InputError(f"{where}: not a table", source=name, row=row, value=table)
    try:
        return spec_from_mapping(table, margins_key="margin", source=where)
    except InputError as err:
        column = err.column
        message = err.message
        found = _MARGIN_COLUMN.fullmatch(column) if column else None
        if found:
            where += f", [[contract.margin]] #{int(found.group(1)) + 1}"
            column = found.group(2)
        raise InputError(
            f"{where}: {message}",
            source=name,
            row=row,
            column=column,
            value=err.value,
            expected=err.expected,
        ) from None


def registry_from_toml(
    path: str | os.PathLike[str], base: ContractRegistry | None = None
) -> ContractRegistry:
    """A registry of ``base`` (default: the built-ins) plus the contracts in a TOML file.

    A contract whose root is already in ``base`` replaces it: this is how a user enters their
    broker's margins for ES, say. New roots are appended in file order.

    Raises
    ------
    InputError
        For anything :func:`load_contracts_toml` rejects, and for a ``full_size_root`` that
        is not in the resulting registry, is on another index, or is itself a micro.
    """
    specs = load_contracts_toml(path)
    registry = default_registry() if base is None else base
    return registry.with_contracts(specs, allow_override=True, source=os.fspath(path))


def _toml_string(text: str) -> str:
    out = ['"']
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def _toml_value(value: Any) -> str:
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, float):
        return repr(value)  # shortest round-tripping form; finite by validation
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    raise TypeError(f"no TOML form for {value!r}")  # pragma: no cover - fields are closed


def contracts_to_toml(specs: Iterable[ContractSpec]) -> str:
    """Write contracts in the TOML format that :func:`load_contracts_toml` reads.

    ``load_contracts_toml`` of the written text gives back equal specs. Use it to start a
    user file from the built-ins: ``contracts_to_toml(list_contracts())``, then edit margins.

    Parameters
    ----------
    specs
        Contracts to write, in order.

    Returns
    -------
    str
        TOML text (UTF-8 when saved).
    """
    blocks: list[str] = []
    for spec in specs:
        data = spec.to_dict()
        lines = ["[[contract]]"]
        for key in (
            "root",
            "name",
            "index",
            "multiplier_usd",
            "tick_size_points",
            "months",
            "exchange",
            "full_size_root",
            "currency",
            "listed",
            "sources",
        ):
            if key == "sources" and data[key]:
                lines.append("sources = [")
                lines.extend(f"    {_toml_string(citation)}," for citation in data[key])
                lines.append("]")
            elif data[key] is not None:
                lines.append(f"{key} = {_toml_value(data[key])}")
        for rate in spec.margins:
            lines.append("")
            lines.append("[[contract.margin]]")
            lines.append(f"effective = {rate.effective.isoformat()}")
            lines.append(f"initial_usd = {_toml_value(rate.initial_usd)}")
            lines.append(f"maintenance_usd = {_toml_value(rate.maintenance_usd)}")
            lines.append(f"source = {_toml_string(rate.source)}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"
