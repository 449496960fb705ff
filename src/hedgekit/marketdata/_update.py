"""``hedgekit data update``: fetch what a hedge needs, check it, append it to the store.

Series (``--series`` keys): the index closes ``SPX NDX RUT`` (and ``DJI`` on request), the
``VIX``, the 3-month T-bill rate ``DTB3``, the index ETFs ``SPY QQQ IWM DIA`` (their
adjusted closes give the dividend yields, :mod:`hedgekit.snapshot._dividends`), the futures
``ES NQ RTY`` (and ``YM`` on request) in the contract the snapshot opens on the last index
session (the held one, or the next within the roll window), and the tickers of a holdings
file. ``DJI`` and ``YM`` are not fetched by default: no Dow history is bundled, so no
command uses them yet.

Each series is fetched from its last known date (bundled or stored) to ``--until``
(default today), checked (:mod:`hedgekit.marketdata._validate`) and stored in its own
transaction: one failing series leaves the store unchanged for it while the others update.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hedgekit.calendar import (
    ROLL_AHEAD_SESSIONS,
    CmeRollRule,
    ContractCode,
    contract_to_open,
    last_trading_day,
    session_on_or_before,
)
from hedgekit.errors import InputError
from hedgekit.marketdata._overlay import invalidate_caches, target_of
from hedgekit.marketdata._provider import (
    FAMILIES,
    Family,
    Kind,
    Provider,
    ProviderError,
    SeriesRequest,
    get_provider,
)
from hedgekit.marketdata._store import MarketStore
from hedgekit.marketdata._transport import (
    LiveTransport,
    RecordedTransport,
    RetryingTransport,
    Transport,
)
from hedgekit.marketdata._validate import Refused, check_bars

__all__ = [
    "DEFAULT_SOURCES",
    "RECORDED_ENV",
    "SeriesResult",
    "SeriesSpec",
    "UpdateReport",
    "default_transport",
    "parse_sources",
    "select_series",
    "update",
]

#: Environment variable naming a recorded session (a cassette folder) to answer instead of
#: the network: for tests and offline demos only.
RECORDED_ENV = "HEDGEKIT_RECORDED_DIR"
DEFAULT_SOURCES: dict[Family, str] = {"prices": "yahoo", "futures": "yahoo", "rates": "fred"}
#: How far back a series with no known history is fetched (a beta window and more).
FIRST_FETCH_DAYS = 730
#: How far back a futures contract new to the history is fetched, calendar days.
NEW_CONTRACT_DAYS = 14


@dataclass(frozen=True, slots=True)
class SeriesSpec:
    """One series of the update: its key, store name, kind, jump-bound key and index."""

    key: str
    store: str
    kind: Kind
    bound: str
    index: str | None = None

    @property
    def family(self) -> Family:
        """The ``--source`` family."""
        if self.kind == "rate":
            return "rates"
        return "futures" if self.kind == "futures" else "prices"


_CATALOGUE: tuple[SeriesSpec, ...] = (
    SeriesSpec("SPX", "index:SPX", "close", "index"),
    SeriesSpec("NDX", "index:NDX", "close", "index"),
    SeriesSpec("RUT", "index:RUT", "close", "index"),
    SeriesSpec("DJI", "index:DJI", "close", "index"),
    SeriesSpec("VIX", "index:VIX", "close", "VIX"),
    SeriesSpec("DTB3", "rate:DTB3", "rate", "rate"),
    *(SeriesSpec(t, f"etf:{t}", "adjusted", "etf") for t in ("SPY", "QQQ", "IWM", "DIA")),
    SeriesSpec("ES", "futures:ES", "futures", "futures", "SPX"),
    SeriesSpec("NQ", "futures:NQ", "futures", "futures", "NDX"),
    SeriesSpec("RTY", "futures:RTY", "futures", "futures", "RUT"),
    SeriesSpec("YM", "futures:YM", "futures", "futures", "DJI"),
)
_BY_KEY = {s.key: s for s in _CATALOGUE}
_ON_REQUEST = ("DJI", "YM")


@dataclass(frozen=True, slots=True)
class SeriesResult:
    """What happened to one series."""

    key: str
    provider: str
    provider_id: str
    status: str
    rows_added: int = 0
    first: dt.date | None = None
    last: dt.date | None = None
    contract: str | None = None
    message: str = ""

    @property
    def ok(self) -> bool:
        """Stored, or nothing new to store."""
        return self.status in ("updated", "up to date")

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary."""
        return {
            "series": self.key,
            "provider": self.provider,
            "provider_id": self.provider_id,
            "status": self.status,
            "rows_added": self.rows_added,
            "first": None if self.first is None else self.first.isoformat(),
            "last": None if self.last is None else self.last.isoformat(),
            "contract": self.contract,
            "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class UpdateReport:
    """Every series' result, the store and the end date asked for."""

    store: Path
    until: dt.date
    fetched_at: str
    results: tuple[SeriesResult, ...] = field(default=())

    @property
    def failed(self) -> tuple[SeriesResult, ...]:
        """Series that stored nothing because of an error or a refusal."""
        return tuple(r for r in self.results if not r.ok)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary."""
        return {
            "store": str(self.store),
            "until": self.until.isoformat(),
            "fetched_at": self.fetched_at,
            "series": [r.to_dict() for r in self.results],
            "failed": [r.key for r in self.failed],
        }


def select_series(
    tickers: Sequence[str] = (), only: Sequence[str] | None = None
) -> list[SeriesSpec]:
    """The series to update: the defaults plus the holdings' tickers, or ``--series``."""
    stocks = [
        SeriesSpec(t, f"stock:{t}", "adjusted", "stock")
        for t in dict.fromkeys(tickers)
        if t not in _BY_KEY
    ]
    known = {s.key: s for s in (*_CATALOGUE, *stocks)}
    if only is None:
        return [s for s in _CATALOGUE if s.key not in _ON_REQUEST] + stocks
    chosen = []
    for key in dict.fromkeys(k.strip().upper() for k in only if k.strip()):
        if key not in known:
            raise InputError(
                "unknown series",
                source="--series",
                value=key,
                expected=f"some of {', '.join(known)} (tickers come with --holdings)",
            )
        chosen.append(known[key])
    if not chosen:
        raise InputError(
            "no series named",
            source="--series",
            value=",".join(only),
            expected=f"some of {', '.join(known)}, separated by commas",
        )
    return chosen


def parse_sources(text: str | None) -> dict[Family, str]:
    """Read ``--source``: ``NAME`` for every family, or ``FAMILY=NAME,…``.

    Families: ``prices`` (indices, VIX, ETFs, stocks), ``futures`` and ``rates``.
    """
    sources = dict(DEFAULT_SOURCES)
    if not text:
        return sources
    for item in (x.strip() for x in text.split(",")):
        if not item:
            continue
        family, sep, name = item.partition("=")
        if not sep:
            for fam in FAMILIES:
                sources[fam] = item
            continue
        if family not in FAMILIES:
            raise InputError(
                "unknown series family",
                source="--source",
                value=family,
                expected=f"one of {', '.join(FAMILIES)} (e.g. rates=fred)",
            )
        sources[family] = name.strip()
    return sources


def default_transport() -> Transport:
    """The network with bounded retries, or a recorded session.

    ``$HEDGEKIT_RECORDED_DIR`` names a cassette folder to answer instead of the network
    (tests and offline demos); it is replayed without waiting between retries.
    """
    recorded = os.environ.get(RECORDED_ENV, "").strip()
    if recorded:
        return RetryingTransport(RecordedTransport(recorded), sleep=lambda _s: None)
    return RetryingTransport(LiveTransport())


def _known(spec: SeriesSpec, store: MarketStore) -> tuple[dt.date, float, str | None] | None:
    """The last known row of a series: bundled and stored, or stored only."""
    target = target_of(spec.store)
    if target is not None:
        from hedgekit import datasets

        frame = datasets.load(target[0])
        column = frame[target[1]].dropna()
        if len(column):
            day = column.index[-1]
            contract = (
                str(frame.loc[day, "inferred_contract"])
                if "inferred_contract" in frame.columns
                else None
            )
            return day.date(), float(column.iloc[-1]), contract
    rows = store.rows(spec.store)
    if rows:
        return rows[-1].date, rows[-1].value, rows[-1].contract
    return None


def _last_index_session(index: str, store: MarketStore) -> dt.date | None:
    spec = _BY_KEY[index]
    known = _known(spec, store)
    return None if known is None else known[0]


def _fair_value(index: str, contract: ContractCode) -> Any:
    """Carry fair value of ``contract`` on a date from the known index, rate and yield."""
    from hedgekit import datasets
    from hedgekit.pricing import fair_value_continuous, tbill_discount_to_continuous
    from hedgekit.snapshot import dividend_yield_at

    if index not in ("SPX", "NDX", "RUT"):
        return None
    closes = datasets.load_index(index)["close"].dropna()
    rates = datasets.load_tbill_3m()["discount_pct"].dropna()
    ltd = last_trading_day(contract).date()

    def fair(day: dt.date) -> float | None:
        import pandas as pd

        stamp = pd.Timestamp(day)
        if stamp not in closes.index:
            return None
        past = rates.loc[:stamp]
        if past.empty or (day - past.index[-1].date()).days > 10:
            return None
        r = float(tbill_discount_to_continuous(float(past.iloc[-1])))
        try:
            q = dividend_yield_at(index, day)[0].value
        except InputError:
            return None
        tau = max((ltd - day).days, 0) / 365.0
        return float(fair_value_continuous(float(closes.loc[stamp]), r, q, tau))

    return fair


def _one(
    spec: SeriesSpec,
    provider: Provider,
    transport: Transport,
    store: MarketStore,
    until: dt.date,
    fetched_at: str,
) -> SeriesResult:
    known = _known(spec, store)
    contract: ContractCode | None = None
    anchor: tuple[dt.date, float] | None = None
    floor: dt.date | None = None
    if spec.kind == "futures":
        assert spec.index is not None
        day = _last_index_session(spec.index, store)
        base = day or until
        from hedgekit.contracts import get_contract

        months = get_contract(spec.key).months
        contract = contract_to_open(
            spec.key, session_on_or_before(base).date(), CmeRollRule(), months, ROLL_AHEAD_SESSIONS
        )
        if known is not None:
            floor = known[0]
            if known[2] is not None and known[2][-5:] == contract.long[-5:]:
                anchor = (known[0], known[1])
        # A contract not yet in the history is fetched over its last weeks only: its price
        # before it became the one to trade (thin, far from the roll) is not needed.
        recent = base - dt.timedelta(days=NEW_CONTRACT_DAYS)
        if anchor is not None:
            start = known[0] if known is not None else recent
        else:
            start = recent if floor is None else max(floor + dt.timedelta(days=1), recent)
    elif known is not None:
        anchor = (known[0], known[1])
        floor = known[0]
        start = known[0]
    else:
        start = until - dt.timedelta(days=FIRST_FETCH_DAYS)
    label_contract = None if contract is None else contract.long
    if floor is not None and floor >= until:
        return SeriesResult(spec.key, provider.name, "", "up to date", contract=label_contract,
                            message=f"known to {floor}")  # fmt: skip
    request = SeriesRequest(spec.key, spec.kind, start, until, contract)
    provider_id = ""
    label = f"{spec.key} ({provider.name})"
    try:
        fetched = provider.fetch(request, transport)
        provider_id = fetched.provider_id
        label = f"{spec.key} ({provider.name} {provider_id})"
        bars = fetched.bars
        if spec.kind == "futures" and anchor is None and floor is not None:
            bars = tuple(b for b in bars if b.date > floor)
        fair = (
            _fair_value(spec.index, contract)
            if spec.kind == "futures" and spec.index and contract
            else None
        )
        rows = check_bars(
            bars, label=label, kind=spec.kind, bound_key=spec.bound, anchor=anchor, fair_value=fair
        )
    except ProviderError as exc:
        message = f"{label}: {exc}"
        store.record(spec.store, provider=provider.name, provider_id=provider_id,
                     fetched_at=fetched_at, status="failed", message=message)  # fmt: skip
        return SeriesResult(spec.key, provider.name, provider_id, "failed",
                            contract=label_contract, message=message)  # fmt: skip
    except Refused as exc:
        store.record(spec.store, provider=provider.name, provider_id=provider_id,
                     fetched_at=fetched_at, status="refused", message=str(exc))  # fmt: skip
        return SeriesResult(spec.key, provider.name, provider_id, "refused",
                            contract=label_contract, message=str(exc))  # fmt: skip
    added = store.append(
        spec.store,
        [(d, v, label_contract) for d, v in rows if math.isfinite(v)],
        after=floor,
        provider=provider.name,
        provider_id=provider_id,
        source=fetched.url,
        fetched_at=fetched_at,
    )
    return SeriesResult(
        spec.key,
        provider.name,
        provider_id,
        "updated" if added else "up to date",
        added,
        rows[0][0] if rows else None,
        rows[-1][0] if rows else None,
        label_contract,
        "" if added else "no new rows",
    )


def update(
    series: Sequence[SeriesSpec],
    *,
    sources: Mapping[Family, str] | None = None,
    until: dt.date | None = None,
    transport: Transport | None = None,
    store: MarketStore | None = None,
    now: dt.datetime | None = None,
) -> UpdateReport:
    """Fetch, check and store ``series``.

    Futures come last: their contract and their fair-value check need the index closes,
    the rate and the dividend yield just stored.
    """
    chosen = dict(DEFAULT_SOURCES) | dict(sources or {})
    providers = {fam: get_provider(chosen[fam]) for fam in {s.family for s in series}}
    moment = now or dt.datetime.now(dt.UTC)
    fetched_at = moment.astimezone(dt.UTC).isoformat(timespec="seconds")
    end = until or moment.date()
    where = store or MarketStore()
    link = transport or default_transport()
    results: list[SeriesResult] = []
    ordered = sorted(series, key=lambda s: s.kind == "futures")
    for i, spec in enumerate(ordered):
        if spec.kind == "futures" and (i == 0 or ordered[i - 1].kind != "futures"):
            invalidate_caches()
        results.append(_one(spec, providers[spec.family], link, where, end, fetched_at))
    invalidate_caches()
    return UpdateReport(where.path, end, fetched_at, tuple(results))
