"""Bundled real market history: index levels, VIX, T-bill rates, ETFs, stocks, futures.

The files ship gzip-compressed inside the package (``hedgekit/datasets/data``); where
each came from, how it was checked and under which terms it may be used is recorded in
``PROVENANCE.md`` next to this module. Read its terms section before redistributing.

Every loader returns a fresh DataFrame with a tz-naive ``DatetimeIndex`` named ``date``
(ascending, unique); numeric columns are float64. Gaps in the sources stay visible (NaN
cells or missing dates) and are never filled here. Files are verified (checksum and
schema) on first load and cached; a corrupt file raises
:class:`~hedgekit.errors.DatasetError`.

The frame loaders also return the rows ``hedgekit data update`` stored after the bundled
ones (:mod:`hedgekit.marketdata`), and the bundle can be read as known on a date
(:func:`set_bundle_until`, or ``$HEDGEKIT_BUNDLE_UNTIL``), for tests and demos.

:func:`load_columns` reads the same files into plain numpy arrays (dates as
``datetime64[D]``) with the same checks, without importing pandas: importing this package
does not import pandas; the DataFrame loaders do, on first use.
"""

from __future__ import annotations

from hedgekit.datasets._loaders import (
    EtfTicker,
    FuturesRoot,
    IndexKey,
    list_datasets,
    load,
    load_columns,
    load_es_front_month,
    load_etf,
    load_futures_front,
    load_index,
    load_large_caps,
    load_ndx,
    load_rut,
    load_shiller_monthly,
    load_sp500,
    load_sp500_20stocks,
    load_sp500_tr,
    load_tbill_3m,
    load_tbill_3m_monthly,
    load_tf_front_month,
    load_vix,
)
from hedgekit.datasets._registry import DATASET_NAMES
from hedgekit.datasets._store import BUNDLE_UNTIL_ENV, bundle_until, set_bundle_until

__all__ = [
    "BUNDLE_UNTIL_ENV",
    "DATASET_NAMES",
    "EtfTicker",
    "FuturesRoot",
    "IndexKey",
    "bundle_until",
    "list_datasets",
    "load",
    "load_columns",
    "load_es_front_month",
    "load_etf",
    "load_futures_front",
    "load_index",
    "load_large_caps",
    "load_ndx",
    "load_rut",
    "load_shiller_monthly",
    "load_sp500",
    "load_sp500_20stocks",
    "load_sp500_tr",
    "load_tbill_3m",
    "load_tbill_3m_monthly",
    "load_tf_front_month",
    "load_vix",
    "set_bundle_until",
]
