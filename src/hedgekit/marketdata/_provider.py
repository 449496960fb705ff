"""The provider interface: what a source of market data must answer, and how one is chosen.

A provider is any object with a ``name`` and a ``fetch(request, transport)`` method that
returns a :class:`Fetched` of daily :class:`Bar` rows for one :class:`SeriesRequest`, or
raises :class:`ProviderError` with a message a user can act on. Built in: ``yahoo``
(indices, VIX, ETFs, stocks, futures contracts) and ``fred`` (the 3-month T-bill rate).

A user's provider (a broker feed, a paid vendor) is named on the command line as
``--source FAMILY=package.module:ClassName`` or registered under the entry-point group
``hedgekit.providers`` (``name = "package.module:ClassName"``); the class is built with no
arguments. It receives the same requests and transport, and its rows pass the same checks
before anything is stored.
"""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass
from importlib import metadata
from typing import Literal, Protocol, runtime_checkable

from hedgekit.calendar import ContractCode
from hedgekit.errors import InputError
from hedgekit.marketdata._transport import Transport

__all__ = [
    "ENTRY_POINT_GROUP",
    "FAMILIES",
    "Bar",
    "Family",
    "Fetched",
    "Provider",
    "ProviderError",
    "SeriesRequest",
    "get_provider",
]

#: Series families ``--source`` chooses a provider for.
Family = Literal["prices", "futures", "rates"]
FAMILIES: tuple[Family, ...] = ("prices", "futures", "rates")
ENTRY_POINT_GROUP = "hedgekit.providers"

#: What a series holds: a close as published, a dividend-adjusted close, a futures price of
#: one contract, or a rate in percent.
Kind = Literal["close", "adjusted", "futures", "rate"]


class ProviderError(Exception):
    """The provider gave no usable answer (HTTP error, rate limit, malformed body)."""


@dataclass(frozen=True, slots=True)
class SeriesRequest:
    """One series to fetch.

    Attributes
    ----------
    key
        hedgekit's name of the series: ``SPX``, ``VIX``, ``DTB3``, ``SPY``, ``ES``, ``AAPL``…
    kind
        ``close``, ``adjusted``, ``futures`` or ``rate``.
    start, end
        First and last dates wanted (inclusive).
    contract
        The futures contract (``ESU2024``) for ``kind == "futures"``.
    """

    key: str
    kind: Kind
    start: dt.date
    end: dt.date
    contract: ContractCode | None = None

    @property
    def family(self) -> Family:
        """The ``--source`` family of this series."""
        if self.kind == "rate":
            return "rates"
        return "futures" if self.kind == "futures" else "prices"


@dataclass(frozen=True, slots=True)
class Bar:
    """One daily row of a provider's answer.

    Attributes
    ----------
    date
        The session (exchange-local date).
    close
        The close as published (for CME futures, Yahoo's daily close of the contract).
    adjclose
        The dividend- and split-adjusted close, when the provider has one.
    dividend
        Cash dividend paid that day (0 when none).
    """

    date: dt.date
    close: float
    adjclose: float | None = None
    dividend: float = 0.0


@dataclass(frozen=True, slots=True)
class Fetched:
    """A provider's answer.

    Attributes
    ----------
    provider_id
        The provider's own identifier of the series (``^GSPC``, ``DTB3``, ``ESU24.CME``).
    url
        The URL asked.
    bars
        The rows, in the order received (checked later, never reordered here).
    """

    provider_id: str
    url: str
    bars: tuple[Bar, ...]


@runtime_checkable
class Provider(Protocol):
    """A source of daily market data (see the module notes)."""

    name: str

    def fetch(self, request: SeriesRequest, transport: Transport) -> Fetched:
        """Rows of ``request`` between its start and end; :class:`ProviderError` if none."""
        ...


def _builtin() -> dict[str, type]:
    from hedgekit.marketdata._fred import FredProvider
    from hedgekit.marketdata._yahoo import YahooProvider

    return {"yahoo": YahooProvider, "fred": FredProvider}


def _load_class(target: str, flag: str) -> type:
    module_name, _, attr = target.partition(":")
    try:
        module = importlib.import_module(module_name)
        cls = getattr(module, attr)
    except (ImportError, AttributeError, ValueError) as exc:
        raise InputError(
            f"provider {target!r} cannot be loaded ({exc})",
            source=flag,
            value=target,
            expected="yahoo, fred, an installed hedgekit.providers entry point, or "
            "package.module:ClassName",
        ) from None
    if not isinstance(cls, type):
        raise InputError(
            "a provider must be a class", source=flag, value=target, expected="package.module:Class"
        )
    return cls


def get_provider(name: str, *, flag: str = "--source") -> Provider:
    """Build the provider ``name``: built-in, an entry point, or ``package.module:ClassName``."""
    classes = _builtin()
    if name in classes:
        cls = classes[name]
    elif ":" in name:
        cls = _load_class(name, flag)
    else:
        points = {ep.name: ep for ep in metadata.entry_points(group=ENTRY_POINT_GROUP)}
        if name not in points:
            raise InputError(
                "unknown data provider",
                source=flag,
                value=name,
                expected=f"one of {sorted(classes) + sorted(points)}, or package.module:ClassName",
            )
        cls = _load_class(points[name].value, flag)
    provider = cls()
    if not isinstance(provider, Provider):
        raise InputError(
            f"{name!r} does not have the provider interface",
            source=flag,
            value=name,
            expected="a class with a name and fetch(request, transport) (docs: data update)",
        )
    return provider
