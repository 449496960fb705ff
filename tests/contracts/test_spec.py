"""ContractSpec and MarginRate: built-in terms against the exchange's published specs,
validation of every field, and margin_on's choice of dated rate."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hedgekit.contracts import ContractSpec, MarginRate, get_contract, list_contracts
from hedgekit.errors import InputError

# Independent reference: CME Group contract specification pages ("Contract Unit" and
# "Minimum Price Fluctuation", outright) for the E-minis, and CME Group's Micro E-mini futures
# contract specifications (May 2019) for the micros; E-mini Dow and Micro E-mini Dow are listed
# with CBOT. Columns: root, index, USD per point, tick (points), tick value (USD), exchange.
CME_PUBLISHED = [
    ("ES", "SPX", 50.0, 0.25, 12.50, "CME"),  # $50 x S&P 500; 0.25 = $12.50
    ("MES", "SPX", 5.0, 0.25, 1.25, "CME"),  # $5 x S&P 500; 0.25 = $1.25
    ("NQ", "NDX", 20.0, 0.25, 5.00, "CME"),  # $20 x Nasdaq-100; 0.25 = $5.00
    ("MNQ", "NDX", 2.0, 0.25, 0.50, "CME"),  # $2 x Nasdaq-100; 0.25 = $0.50
    ("RTY", "RUT", 50.0, 0.10, 5.00, "CME"),  # $50 x Russell 2000; 0.10 = $5.00
    ("M2K", "RUT", 5.0, 0.10, 0.50, "CME"),  # $5 x Russell 2000; 0.10 = $0.50
    ("YM", "DJI", 5.0, 1.0, 5.00, "CBOT"),  # $5 x DJIA; 1.00 = $5.00
    ("MYM", "DJI", 0.5, 1.0, 0.50, "CBOT"),  # $0.50 x DJIA; 1.00 = $0.50
]
MICRO_OF = {"MES": "ES", "MNQ": "NQ", "M2K": "RTY", "MYM": "YM"}


@pytest.mark.parametrize(
    ("root", "index", "multiplier", "tick", "tick_value", "exchange"), CME_PUBLISHED
)
def test_builtin_terms_match_published_specs(root, index, multiplier, tick, tick_value, exchange):
    spec = get_contract(root)
    assert spec.root == root
    assert spec.index == index
    assert spec.multiplier_usd == multiplier
    assert spec.tick_size_points == tick
    assert spec.tick_value_usd == pytest.approx(tick_value, rel=1e-12)
    assert spec.exchange == exchange
    assert spec.months == "HMUZ"  # March quarterly cycle
    assert spec.currency == "USD"
    assert spec.full_size_root == MICRO_OF.get(root)
    assert spec.is_micro is (root in MICRO_OF)
    assert len(spec.sources) >= 1


def test_builtins_are_exactly_the_eight_contracts():
    assert [s.root for s in list_contracts()] == [row[0] for row in CME_PUBLISHED]


@pytest.mark.parametrize(("micro", "full"), sorted(MICRO_OF.items()))
def test_micro_is_one_tenth_of_its_emini(micro, full):
    # CME Group: Micro E-mini futures are 1/10 the size of the E-mini, same tick in points.
    m, f = get_contract(micro), get_contract(full)
    assert m.multiplier_usd * 10 == pytest.approx(f.multiplier_usd)
    assert m.tick_size_points == f.tick_size_points
    assert m.index == f.index
    assert len(m.margins) == len(f.margins) == 1
    assert m.margins[0].initial_usd * 10 == pytest.approx(f.margins[0].initial_usd)
    assert m.margins[0].maintenance_usd * 10 == pytest.approx(f.margins[0].maintenance_usd)
    assert m.margins[0].effective == f.margins[0].effective


@pytest.mark.parametrize("spec", list_contracts(), ids=lambda s: s.root)
def test_builtin_margins_are_dated_labelled_and_consistent(spec):
    (rate,) = spec.margins
    assert rate.effective == dt.date(2024, 1, 1)
    assert "approximate" in rate.source
    # Documented construction: maintenance = initial / 1.10 rounded to dollars (E-minis), /10
    # for micros. CME: speculative initial is typically 110% of maintenance.
    rounding = 0.05 if spec.is_micro else 0.5
    assert rate.maintenance_usd == pytest.approx(rate.initial_usd / 1.10, abs=rounding)
    assert rate.maintenance_usd < rate.initial_usd


def test_guide_margins_are_the_quoted_figures():
    # "Portfolio hedging with futures" guide: ES ~$12,000, NQ ~$16,000, MES ~$1,200, RTY ~$6,000.
    quoted = {"ES": 12_000.0, "NQ": 16_000.0, "MES": 1_200.0, "RTY": 6_000.0}
    for root, initial in quoted.items():
        assert get_contract(root).margins[0].initial_usd == initial


def test_notional_is_multiplier_times_price():
    # Guide example, hand-checked: $50 x 4,500 = $225,000; $20 x 15,000 = $300,000.
    assert get_contract("ES").notional_usd(4500.0) == 225_000.0
    assert get_contract("NQ").notional_usd(15_000) == 300_000.0
    assert get_contract("MES").notional_usd(4500.0) == 22_500.0


@pytest.mark.parametrize("price", [0.0, -1.0, math.nan, math.inf, "4500", True, None])
def test_notional_rejects_bad_prices(price):
    with pytest.raises(InputError) as info:
        get_contract("ES").notional_usd(price)
    assert info.value.column == "price"


def test_to_dict_is_json_safe_and_round_trips():
    for spec in list_contracts():
        data = spec.to_dict()
        assert json.loads(json.dumps(data)) == data
        assert data["margins"][0]["effective"] == "2024-01-01"
        assert ContractSpec.from_dict(data) == spec
        assert ContractSpec.from_dict(json.loads(json.dumps(data))) == spec


def test_specs_are_frozen():
    spec = get_contract("ES")
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.multiplier_usd = 1.0  # type: ignore[misc]


def _spec(**changes):
    base = {
        "root": "XX",
        "name": "Test contract",
        "index": "SPX",
        "multiplier_usd": 10.0,
        "tick_size_points": 0.5,
    }
    base.update(changes)
    return ContractSpec(**base)


def _rate(effective=dt.date(2024, 1, 1), initial=1000.0, maintenance=900.0, source="test"):
    return MarginRate(effective, initial, maintenance, source)


def test_integers_are_stored_as_floats():
    spec = _spec(multiplier_usd=250, tick_size_points=np.int64(1))
    assert type(spec.multiplier_usd) is float
    assert type(spec.tick_size_points) is float
    rate = _rate(initial=1000, maintenance=900)
    assert type(rate.initial_usd) is float
    assert spec == _spec(multiplier_usd=250.0, tick_size_points=1.0)


@pytest.mark.parametrize(
    ("changes", "column"),
    [
        ({"root": "es"}, "root"),
        ({"root": "1ES"}, "root"),
        ({"root": "TOOLONG"}, "root"),
        ({"root": ""}, "root"),
        ({"root": "E S"}, "root"),
        ({"root": 5}, "root"),
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "two\nlines"}, "name"),
        ({"name": None}, "name"),
        ({"index": "spx"}, "index"),
        ({"index": ""}, "index"),
        ({"multiplier_usd": 0.0}, "multiplier_usd"),
        ({"multiplier_usd": -50.0}, "multiplier_usd"),
        ({"multiplier_usd": math.nan}, "multiplier_usd"),
        ({"multiplier_usd": math.inf}, "multiplier_usd"),
        ({"multiplier_usd": "50"}, "multiplier_usd"),
        ({"multiplier_usd": True}, "multiplier_usd"),
        ({"tick_size_points": 0}, "tick_size_points"),
        ({"tick_size_points": -0.25}, "tick_size_points"),
        ({"months": ""}, "months"),
        ({"months": "HMUA"}, "months"),
        ({"months": "hmuz"}, "months"),
        ({"months": "MHUZ"}, "months"),
        ({"months": "HHMUZ"}, "months"),
        ({"months": ["H", "M"]}, "months"),
        ({"exchange": "cme"}, "exchange"),
        ({"exchange": ""}, "exchange"),
        ({"full_size_root": "XX"}, "full_size_root"),
        ({"full_size_root": "es"}, "full_size_root"),
        ({"currency": "EUR"}, "currency"),
        ({"currency": "usd"}, "currency"),
        ({"sources": "CME"}, "sources"),
        ({"sources": ("ok", "")}, "sources[1]"),
        ({"sources": ("ok", 3)}, "sources[1]"),
        ({"margins": "none"}, "margins"),
        ({"margins": ({"effective": "2024-01-01"},)}, "margins[0]"),
    ],
)
def test_spec_validation_names_the_field(changes, column):
    with pytest.raises(InputError) as info:
        _spec(**changes)
    assert info.value.column == column
    assert info.value.expected


def test_currency_error_explains_the_choice():
    with pytest.raises(InputError, match="only USD-denominated"):
        _spec(currency="EUR")


@pytest.mark.parametrize(
    "dates",
    [
        (dt.date(2024, 2, 1), dt.date(2024, 1, 1)),
        (dt.date(2024, 1, 1), dt.date(2024, 1, 1)),
    ],
    ids=["unsorted", "duplicate"],
)
def test_margin_dates_must_be_strictly_ascending(dates):
    with pytest.raises(InputError) as info:
        _spec(margins=tuple(_rate(effective=d) for d in dates))
    assert info.value.column == "margins[1].effective"


@pytest.mark.parametrize(
    ("kwargs", "column"),
    [
        ({"initial": 900.0, "maintenance": 1000.0}, "maintenance_usd"),
        ({"initial": 0.0}, "initial_usd"),
        ({"initial": -1.0}, "initial_usd"),
        ({"maintenance": 0.0}, "maintenance_usd"),
        ({"maintenance": math.nan}, "maintenance_usd"),
        ({"initial": "1000"}, "initial_usd"),
        ({"effective": dt.datetime(2024, 1, 1)}, "effective"),
        ({"effective": "2024-01-01"}, "effective"),
        ({"source": ""}, "source"),
        ({"source": None}, "source"),
    ],
)
def test_margin_rate_validation(kwargs, column):
    with pytest.raises(InputError) as info:
        _rate(**kwargs)
    assert info.value.column == column


def test_maintenance_equal_to_initial_is_allowed():
    assert _rate(initial=1000.0, maintenance=1000.0).maintenance_usd == 1000.0


RATES = (
    _rate(dt.date(2020, 3, 2), 10_000.0, 9_000.0, "a"),
    _rate(dt.date(2021, 6, 1), 12_000.0, 11_000.0, "b"),
    _rate(dt.date(2022, 1, 3), 11_000.0, 10_000.0, "c"),
)


@pytest.mark.parametrize(
    ("day", "source"),
    [
        (dt.date(2020, 3, 2), "a"),  # first effective day itself
        (dt.date(2021, 5, 31), "a"),  # day before the change
        (dt.date(2021, 6, 1), "b"),  # change day
        (dt.date(2021, 12, 31), "b"),
        (dt.date(2022, 1, 3), "c"),
        (dt.date(2030, 1, 1), "c"),  # after the last: latest stays in force
        ("2021-06-01", "b"),
        (pd.Timestamp("2021-06-01 15:00"), "b"),
        (dt.datetime(2021, 5, 31, 23, 59), "a"),
        (np.datetime64("2022-01-03"), "c"),
        (np.datetime64("2022-01-02T12:00"), "b"),
    ],
)
def test_margin_on_picks_latest_rate_in_force(day, source):
    assert _spec(margins=RATES).margin_on(day).source == source


def test_margin_on_before_first_rate():
    spec = _spec(margins=RATES)
    with pytest.raises(InputError, match="first rate is effective 2020-03-02") as info:
        spec.margin_on(dt.date(2020, 3, 1))
    assert info.value.value == "2020-03-01"
    assert spec.margin_on(dt.date(2008, 10, 10), before_first="earliest").source == "a"
    with pytest.raises(InputError):
        spec.margin_on(dt.date(2021, 1, 1), before_first="latest")  # type: ignore[arg-type]


def test_margin_on_without_margins_raises():
    with pytest.raises(InputError, match="no margin rates"):
        _spec().margin_on(dt.date(2024, 1, 1))
    with pytest.raises(InputError, match="no margin rates"):
        _spec().margin_on(dt.date(2024, 1, 1), before_first="earliest")


@pytest.mark.parametrize(
    "bad",
    [
        "2024/01/01",
        "20240101",
        "2024-02-30",
        "yesterday",
        "",
        20240101,
        None,
        pd.NaT,
        np.datetime64("NaT"),
        pd.Timestamp("2024-01-02", tz="UTC"),
    ],
)
def test_margin_on_rejects_bad_dates(bad):
    with pytest.raises(InputError) as info:
        _spec(margins=RATES).margin_on(bad)
    assert info.value.source == "date"


@given(
    dates=st.lists(
        st.dates(dt.date(1990, 1, 1), dt.date(2040, 1, 1)), min_size=1, max_size=8, unique=True
    ),
    day=st.dates(dt.date(1989, 1, 1), dt.date(2041, 1, 1)),
)
def test_margin_on_matches_brute_force(dates, day):
    dates = sorted(dates)
    rates = tuple(_rate(d, 100.0 + i, 50.0, f"r{i}") for i, d in enumerate(dates))
    spec = _spec(margins=rates)
    in_force = [r for r in rates if r.effective <= day]
    if in_force:
        chosen = spec.margin_on(day)
        assert chosen == max(in_force, key=lambda r: r.effective)
        assert chosen.effective <= day
    else:
        with pytest.raises(InputError):
            spec.margin_on(day)
        assert spec.margin_on(day, before_first="earliest") == rates[0]


@pytest.mark.parametrize(
    ("data", "column"),
    [
        ({"root": "XX", "name": "x", "index": "SPX", "multiplier_usd": 1.0}, "tick_size_points"),
        (
            {"root": "XX", "name": "x", "index": "SPX", "multiplier_usd": 1.0,
             "tick_size_points": 1.0, "tick_value_usd": 1.0},
            "tick_value_usd",
        ),
        (
            {"root": "XX", "name": "x", "index": "SPX", "multiplier_usd": 1.0,
             "tick_size_points": 1.0, "margins": [{"effective": "2024-01-01"}]},
            "margins[0].initial_usd",
        ),
        (
            {"root": "XX", "name": "x", "index": "SPX", "multiplier_usd": 1.0,
             "tick_size_points": 1.0, "margins": [{"effective": "01/01/2024",
             "initial_usd": 1.0, "maintenance_usd": 1.0, "source": "s"}]},
            "margins[0].effective",
        ),
    ],
)  # fmt: skip
def test_from_dict_rejects_unknown_and_missing_keys(data, column):
    with pytest.raises(InputError) as info:
        ContractSpec.from_dict(data)
    assert info.value.column == column
