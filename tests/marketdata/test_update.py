"""The update's choices: which contract, from which date, and how a provider is found."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from hedgekit.datasets._store import set_bundle_until
from hedgekit.errors import InputError
from hedgekit.marketdata import (
    Fetched,
    MarketStore,
    ProviderError,
    SeriesRequest,
    get_provider,
    invalidate_caches,
    select_series,
    update,
)
from hedgekit.marketdata import _provider as provider_module

ASKED: list[SeriesRequest] = []


class Recorder:
    """A provider that notes what it was asked and answers nothing."""

    name = "recorder"

    def fetch(self, request: SeriesRequest, transport: Any) -> Fetched:
        ASKED.append(request)
        raise ProviderError("nothing here")


@pytest.fixture
def cut_on_roll_eve(tmp_path: Path) -> Iterator[MarketStore]:
    """The bundle as known on 2024-09-10, when ESZ2024 is the contract to open."""
    set_bundle_until(dt.date(2024, 9, 10))
    invalidate_caches()
    ASKED.clear()
    yield MarketStore(tmp_path / "market.sqlite")
    set_bundle_until(None)
    invalidate_caches()


def test_a_contract_new_to_the_history_is_fetched_over_recent_weeks(
    cut_on_roll_eve: MarketStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The front series holds ESU2024 to 2024-09-10; the snapshot would open ESZ2024 then,
    so that contract is asked for, from the next day (not from years back)."""
    monkeypatch.setattr(provider_module, "_builtin", lambda: {"yahoo": Recorder})
    report = update(
        select_series([], ["ES"]),
        until=dt.date(2024, 9, 20),
        store=cut_on_roll_eve,
        transport=SimpleNamespace(),  # type: ignore[arg-type]
    )
    (asked,) = ASKED
    assert asked.contract is not None
    assert asked.contract.long == "ESZ2024"
    assert asked.start == dt.date(2024, 9, 11)
    assert report.results[0].status == "failed"
    assert report.results[0].contract == "ESZ2024"


def test_unknown_provider_and_series_are_input_errors() -> None:
    """A misspelt provider or series names the flag and what it accepts."""
    with pytest.raises(InputError) as info:
        get_provider("yahooo")
    assert info.value.source == "--source"
    with pytest.raises(InputError) as info:
        select_series(["AAPL"], ["SPX", "ZZZZ"])
    assert info.value.source == "--series"
    assert "AAPL" in str(info.value.expected)
    # `--series ,,` names nothing: an error, not a run that updates nothing and says ok
    # (the command splits it into empty names)
    with pytest.raises(InputError) as info:
        select_series([], ["", " ", ""])
    assert info.value.source == "--series"


def test_entry_point_provider_is_found_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    """A provider registered under hedgekit.providers is used by its entry-point name."""
    point = SimpleNamespace(name="recorder", value=f"{__name__}:Recorder")
    monkeypatch.setattr(
        provider_module.metadata, "entry_points", lambda group: [point] if group else []
    )
    assert get_provider("recorder").name == "recorder"
