"""Immutable registry of contract specifications, looked up by root (case-insensitive)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator

from hedgekit.contracts._builtin import BUILTIN_CONTRACTS
from hedgekit.contracts._spec import ContractSpec
from hedgekit.errors import InputError, UnknownContractError

__all__ = ["ContractRegistry", "default_registry", "get_contract", "list_contracts"]


def _normalise_root(root: object, *, parameter: str = "root") -> str:
    if not isinstance(root, str):
        raise InputError(
            "contract root must be text", source=parameter, value=root, expected="e.g. 'ES'"
        )
    return root.strip().upper()


class ContractRegistry:
    """An immutable, ordered set of :class:`ContractSpec`, one per root.

    Roots are looked up case-insensitively. Links between contracts are checked on
    construction: a micro's ``full_size_root`` must name a contract in the registry that is on
    the same index and is not itself a micro, and each full-size contract has at most one
    micro.

    Parameters
    ----------
    specs
        The contracts, in display order. Roots must be unique.
    source
        Where the contracts came from (file path), named in errors.

    Raises
    ------
    InputError
        For a repeated root or a broken ``full_size_root`` link.
    """

    __slots__ = ("_by_root", "_specs")

    def __init__(self, specs: Iterable[ContractSpec] = (), *, source: str | None = None) -> None:
        ordered = tuple(specs)
        by_root: dict[str, ContractSpec] = {}
        for spec in ordered:
            if not isinstance(spec, ContractSpec):
                raise InputError(
                    "not a ContractSpec",
                    source=source or "specs",
                    value=spec,
                    expected="ContractSpec instances",
                )
            if spec.root in by_root:
                raise InputError(
                    "contract root defined twice",
                    source=source or "specs",
                    column="root",
                    value=spec.root,
                    expected="each root once",
                )
            by_root[spec.root] = spec
        _check_links(ordered, by_root, source=source or "specs")
        self._specs = ordered
        self._by_root = by_root

    def get(self, root: str) -> ContractSpec:
        """Return the contract with this root (case-insensitive, surrounding spaces ignored).

        Raises
        ------
        UnknownContractError
            When the root is not in the registry; the message lists the known roots.
        """
        key = _normalise_root(root)
        try:
            return self._by_root[key]
        except KeyError:
            close = difflib.get_close_matches(key, self.roots(), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise UnknownContractError(
                f"unknown contract root{hint}",
                source="root",
                value=root,
                expected="one of " + ", ".join(self.roots()),
            ) from None

    def roots(self) -> tuple[str, ...]:
        """Roots in registry order."""
        return tuple(spec.root for spec in self._specs)

    def __iter__(self) -> Iterator[ContractSpec]:
        return iter(self._specs)

    def __len__(self) -> int:
        return len(self._specs)

    def __contains__(self, root: object) -> bool:
        return isinstance(root, str) and root.strip().upper() in self._by_root

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ContractRegistry):
            return NotImplemented
        return self._specs == other._specs

    def __hash__(self) -> int:
        return hash(self._specs)

    def __repr__(self) -> str:
        return f"ContractRegistry({', '.join(self.roots())})"

    def with_contracts(
        self,
        specs: Iterable[ContractSpec],
        *,
        allow_override: bool = True,
        source: str | None = None,
    ) -> ContractRegistry:
        """Return a new registry with ``specs`` added; this one is unchanged.

        A spec whose root is already present replaces it in place (same position) when
        ``allow_override`` is true; new roots are appended in the order given.

        Parameters
        ----------
        specs
            Contracts to add. Their roots must be unique among themselves.
        allow_override
            Whether a spec may replace an existing contract with the same root.
        source
            Where ``specs`` came from (file path), named in errors.

        Raises
        ------
        InputError
            For a root repeated within ``specs``, an override when ``allow_override`` is
            false, or a broken ``full_size_root`` link in the result.
        """
        where = source or "specs"
        merged = dict(self._by_root)
        order = list(self.roots())
        seen: set[str] = set()
        for spec in specs:
            if not isinstance(spec, ContractSpec):
                raise InputError(
                    "not a ContractSpec",
                    source=where,
                    value=spec,
                    expected="ContractSpec instances",
                )
            if spec.root in seen:
                raise InputError(
                    "contract root defined twice",
                    source=where,
                    column="root",
                    value=spec.root,
                    expected="each root once",
                )
            seen.add(spec.root)
            if spec.root in merged:
                if not allow_override:
                    raise InputError(
                        "contract root already in the registry and allow_override is false",
                        source=where,
                        column="root",
                        value=spec.root,
                        expected="a root not in " + ", ".join(self.roots()),
                    )
            else:
                order.append(spec.root)
            merged[spec.root] = spec
        return ContractRegistry((merged[root] for root in order), source=source)

    def micro_for(self, root: str) -> ContractSpec | None:
        """The micro contract of a full-size one (``ES`` -> ``MES``), or ``None`` if it has none.

        Raises
        ------
        UnknownContractError
            When ``root`` is not in the registry.
        """
        full = self.get(root)
        for spec in self._specs:
            if spec.full_size_root == full.root:
                return spec
        return None

    def for_index(self, index: str) -> tuple[ContractSpec, ...]:
        """Contracts on the index key ``index`` (case-insensitive), in registry order.

        An index no contract follows gives an empty tuple.
        """
        if not isinstance(index, str):
            raise InputError(
                "index key must be text", source="index", value=index, expected="e.g. 'SPX'"
            )
        key = index.strip().upper()
        return tuple(spec for spec in self._specs if spec.index == key)


def _check_links(
    specs: tuple[ContractSpec, ...], by_root: dict[str, ContractSpec], *, source: str
) -> None:
    micro_of: dict[str, str] = {}
    for spec in specs:
        full_root = spec.full_size_root
        if full_root is None:
            continue
        where = f"contract {spec.root}"
        full = by_root.get(full_root)
        if full is None:
            raise InputError(
                f"{where}: full_size_root is not in the registry",
                source=source,
                column="full_size_root",
                value=full_root,
                expected="one of " + ", ".join(by_root),
            )
        if full.full_size_root is not None:
            raise InputError(
                f"{where}: full_size_root names a micro contract",
                source=source,
                column="full_size_root",
                value=full_root,
                expected="a full-size contract (one without full_size_root)",
            )
        if full.index != spec.index:
            raise InputError(
                f"{where}: full_size_root is on another index ({full.index!r} vs {spec.index!r})",
                source=source,
                column="full_size_root",
                value=full_root,
                expected=f"a contract on index {spec.index!r}",
            )
        if full_root in micro_of:
            raise InputError(
                f"{where}: {full_root} already has the micro {micro_of[full_root]}",
                source=source,
                column="full_size_root",
                value=full_root,
                expected="at most one micro per full-size contract",
            )
        micro_of[full_root] = spec.root


_DEFAULT = ContractRegistry(BUILTIN_CONTRACTS)


def default_registry() -> ContractRegistry:
    """The built-in registry: ES, MES, NQ, MNQ, RTY, M2K, YM, MYM."""
    return _DEFAULT


def get_contract(root: str) -> ContractSpec:
    """Look up a built-in contract by root, case-insensitively (``"es"`` -> ES).

    Raises
    ------
    UnknownContractError
        When the root is not built in; the message lists the known roots.
    """
    return _DEFAULT.get(root)


def list_contracts() -> tuple[ContractSpec, ...]:
    """All built-in contracts, E-mini then its Micro, per index."""
    return tuple(_DEFAULT)
