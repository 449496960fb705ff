"""What is traded: stock index futures contract specifications and their registry.

A :class:`ContractSpec` holds a contract's terms (root, underlying index, USD multiplier per
index point, tick size, listed months, exchange) with its citations, and dated
:class:`MarginRate` figures. The built-in registry holds the CME Group US equity index
E-minis and Micro E-minis::

    root  index  multiplier  tick    tick value  exchange
    ES    SPX    $50         0.25    $12.50      CME
    MES   SPX    $5          0.25    $1.25       CME
    NQ    NDX    $20         0.25    $5.00       CME
    MNQ   NDX    $2          0.25    $0.50       CME
    RTY   RUT    $50         0.10    $5.00       CME
    M2K   RUT    $5          0.10    $0.50       CME
    YM    DJI    $5          1.00    $5.00       CBOT
    MYM   DJI    $0.50       1.00    $0.50       CBOT

>>> from hedgekit.contracts import default_registry, get_contract
>>> es = get_contract("es")
>>> es.tick_value_usd
12.5
>>> es.notional_usd(4500.0)
225000.0
>>> default_registry().micro_for("ES").root
'MES'

Margins
-------
Margins vary over time (CME revises them as volatility changes) and brokers add their own
requirements. hedgekit has no history of exchange margins: each built-in contract carries ONE
approximate figure dated 2024-01-01, whose ``source`` says how it was obtained (see
``hedgekit.contracts._builtin``). :meth:`ContractSpec.margin_on` returns the latest rate
effective on or before a date and raises for earlier dates unless asked for
``before_first="earliest"``. For real decisions, enter your broker's figures, with their dates,
in a TOML file and load it with :func:`registry_from_toml`; a contract in the file replaces the
built-in one with the same root. ``contracts_to_toml(list_contracts())`` writes the built-ins
as a starting file.

Currency
--------
hedgekit computes money in US dollars, so every ``*_usd`` field is in USD and ``currency``
must be ``"USD"``. Contracts in another currency (e.g. EURO STOXX 50 futures in EUR) are
rejected rather than silently mixed with dollars; use a USD-denominated listing of the index
where there is one (e.g. CME Nikkei 225 (USD), root NKD).

TOML format
-----------
One ``[[contract]]`` table per contract, each with optional ``[[contract.margin]]`` sub-tables
(UTF-8; parsed with :mod:`tomllib`)::

    [[contract]]
    root = "SP"                      # required; 1-5 uppercase letters/digits, starts with a letter
    name = "S&P 500 (big)"           # required; text
    index = "SPX"                    # required; index key, uppercase ("SPX", "NDX", "N225")
    multiplier_usd = 250.0           # required; USD per index point, > 0
    tick_size_points = 0.10          # required; index points, > 0
    months = "HMUZ"                  # optional; month codes FGHJKMNQUVXZ in calendar order
    exchange = "CME"                 # optional; uppercase code
    full_size_root = "ES"            # optional; micros only: the E-mini on the same index
    currency = "USD"                 # optional; only "USD"
    sources = ["CME Rulebook ..."]   # optional; citations

    [[contract.margin]]              # optional, repeatable; strictly ascending dates
    effective = 2024-01-01           # TOML date (or "YYYY-MM-DD")
    initial_usd = 60000.0            # > 0
    maintenance_usd = 54545.0        # > 0 and <= initial_usd
    source = "broker X margin page, 2024-01-02"   # required; where the figure came from

Every problem (syntax, unknown or missing key, wrong type, impossible value) raises
:class:`~hedgekit.errors.InputError` naming the file, the line where known, the
``[[contract]]`` table and root, the field, the value found and what was expected.
See ``examples/contracts.toml``.
"""

from __future__ import annotations

from hedgekit.contracts._registry import (
    ContractRegistry,
    default_registry,
    get_contract,
    list_contracts,
)
from hedgekit.contracts._spec import MONTH_CODES, ContractSpec, MarginRate
from hedgekit.contracts._toml import contracts_to_toml, load_contracts_toml, registry_from_toml

__all__ = [
    "MONTH_CODES",
    "ContractRegistry",
    "ContractSpec",
    "MarginRate",
    "contracts_to_toml",
    "default_registry",
    "get_contract",
    "list_contracts",
    "load_contracts_toml",
    "registry_from_toml",
]
