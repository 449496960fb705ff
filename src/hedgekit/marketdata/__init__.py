"""Today's market data from public sources into a local store, with provenance.

``hedgekit data update`` fetches what a hedge needs (index closes, VIX, the 3-month T-bill
rate, the index ETFs behind the dividend yields, the futures contract the snapshot opens,
the holdings' closes) through a provider (:mod:`~hedgekit.marketdata._provider`: Yahoo
Finance chart API and FRED built in, a user's own pluggable), checks every row
(:mod:`~hedgekit.marketdata._validate`) and appends it to an SQLite store in the user's
data directory (:mod:`~hedgekit.marketdata._store`). Every loader of
:mod:`hedgekit.datasets` then returns the bundled rows continued by the stored ones, and
the market snapshot says which figures came from the store, from which provider, fetched
when.
"""

from __future__ import annotations

from hedgekit.marketdata._overlay import invalidate_caches, row_origin, target_of
from hedgekit.marketdata._provider import (
    ENTRY_POINT_GROUP,
    FAMILIES,
    Bar,
    Fetched,
    Provider,
    ProviderError,
    SeriesRequest,
    get_provider,
)
from hedgekit.marketdata._status import SeriesStatus, series_status
from hedgekit.marketdata._store import MarketStore, StoredRow, data_dir, store_path
from hedgekit.marketdata._transport import (
    LiveTransport,
    RecordedTransport,
    Response,
    RetryingTransport,
    Transport,
    TransportError,
)
from hedgekit.marketdata._update import (
    DEFAULT_SOURCES,
    RECORDED_ENV,
    SeriesResult,
    SeriesSpec,
    UpdateReport,
    default_transport,
    parse_sources,
    select_series,
    update,
)
from hedgekit.marketdata._validate import Refused, check_bars

__all__ = [
    "DEFAULT_SOURCES",
    "ENTRY_POINT_GROUP",
    "FAMILIES",
    "RECORDED_ENV",
    "Bar",
    "Fetched",
    "LiveTransport",
    "MarketStore",
    "Provider",
    "ProviderError",
    "RecordedTransport",
    "Refused",
    "Response",
    "RetryingTransport",
    "SeriesRequest",
    "SeriesResult",
    "SeriesSpec",
    "SeriesStatus",
    "StoredRow",
    "Transport",
    "TransportError",
    "UpdateReport",
    "check_bars",
    "data_dir",
    "default_transport",
    "get_provider",
    "invalidate_caches",
    "parse_sources",
    "row_origin",
    "select_series",
    "series_status",
    "store_path",
    "target_of",
    "update",
]
